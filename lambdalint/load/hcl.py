"""Terraform HCL (``*.tf``, ``*.tfvars``) into blocks of unevaluated expressions.

tree-sitter-hcl parses (in C, about 1 ms per file); this module turns its concrete syntax tree
into a small expression AST that ``frontends/terraform/evaluate.py`` evaluates.  Expressions stay
unevaluated because their meaning depends on the whole module (variables, other files).

``Document.data`` is a root :class:`Block` (top-level attributes, e.g. of a ``.tfvars`` file, and
``blocks``).  Paths used for spans: block indexes from the root (``(3,)``, ``(3, 0)`` for the
first nested block of the fourth top-level block), then an attribute name, then keys into the
expression (tuple index, object key, function argument index, conditional branch 1/2).  The
Terraform JSON loader builds the same structures, with JSON paths instead.
"""
from __future__ import annotations

import re

from ..document import Document, ParseError, Span
# The AST is importable from here, where it always was (``from lambdalint.load.hcl import Block``).
from .hcl_ast import (BinOp, Block, Call, Conditional, Expr, ForExpr, Literal, ObjectExpr,  # noqa: F401
                      Template, TemplateFor, TemplateIf, Traversal, TupleExpr, UnOp)
from .hcl_convert import _Converter, _template, _TooDeep
from .limits import MAX_DEPTH

_PARSER = None


def parser():
    """The tree-sitter parser, created once per process (loading the grammar is not free)."""
    global _PARSER
    if _PARSER is None:
        import tree_sitter_hcl
        from tree_sitter import Language, Parser

        _PARSER = Parser(Language(tree_sitter_hcl.language()))
    return _PARSER


# ---------------------------------------------------------------------------------------------
# Errors and spans


def _first_error(node):
    """The first ERROR or MISSING node in document order (only subtrees with errors are
    visited; iterative, as the tree may be deep)."""
    stack = [node]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            return node
        stack.extend(reversed([c for c in node.children if c.has_error or c.is_missing]))
    return None


def _char_column(src: bytes, line_start: int, byte_col: int) -> int:
    return len(src[line_start:line_start + byte_col].decode("utf-8", "replace")) + 1


def _line_starts(src: bytes) -> list[int]:
    starts = [0]
    find = src.find
    pos = find(b"\n")
    while pos >= 0:
        starts.append(pos + 1)
        pos = find(b"\n", pos + 1)
    return starts


def syntax_error(root, src: bytes, path: str) -> ParseError:
    bad = _first_error(root) or root
    row, byte_col = bad.start_point
    starts = _line_starts(src)
    column = _char_column(src, starts[row], byte_col) if row < len(starts) else 1
    if bad.is_missing:
        following = src[bad.start_byte:].lstrip()[:20].decode("utf-8", "replace").split("\n")[0]
        expected = bad.type if not bad.type.isidentifier() else "an expression" if bad.type == "identifier" else bad.type
        if bad.type in ("<<", "<<-"):  # error recovery's guess of a heredoc where any expression fits
            expected = "an expression"
        if following:
            reason = f"invalid HCL: unexpected '{following.split()[0]}', expected '{expected}'"
        else:
            reason = f"invalid HCL: unexpected end of file, expected '{expected}'"
    else:
        text = bad.text.decode("utf-8", "replace").strip().split("\n")[0][:30]
        reason = f"invalid HCL: unexpected '{text}'" if text else "invalid HCL: unexpected input"
    return ParseError(path, reason, row + 1, column)


def node_span(file: str, src: bytes, starts: list[int], node) -> Span:
    (r1, c1), (r2, c2) = node.start_point, node.end_point
    return Span(file, r1 + 1, _char_column(src, starts[r1], c1), r2 + 1, _char_column(src, starts[r2], c2))


def _make_locator(doc: Document, src: bytes):
    state: dict = {}

    def locate(path):
        key = bool(path) and path[-1] == "__key__"  # the name that introduces the value, as in YAML/JSON
        if key:
            path = path[:-1]
        target = find(doc.data, path)
        if target is None or target.node is None:
            return None
        starts = state.get("starts")
        if starts is None:
            starts = state["starts"] = _line_starts(src)
        node = target.node
        if key and not isinstance(target, Block):
            owner = node
            while owner is not None and owner.type not in ("attribute", "object_elem"):
                owner = owner.parent
            if owner is not None and owner.children:
                return node_span(doc.path, src, starts, owner.children[0])
        if isinstance(target, Block):  # the header: from the type to the opening brace
            span = node_span(doc.path, src, starts, node)
            brace = next((c for c in node.children if c.type == "block_start"), None)
            if brace is not None:
                end = node_span(doc.path, src, starts, brace)
                return Span(span.file, span.line, span.column, end.end_line, end.end_column)
            return span
        return node_span(doc.path, src, starts, node)

    return locate


def find(root: Block, path):
    """The Block or Expr a locate path names, or None."""
    target = root
    for key in path:
        if isinstance(target, Block):
            if isinstance(key, int):
                if not 0 <= key < len(target.blocks):
                    return None
                target = target.blocks[key]
            else:
                target = target.attrs.get(key)
        elif target is not None:
            target = target.child(key)
        if target is None:
            return None
    return target


# An exponent without a fraction (``1e3``, ``2E-4``) is a valid HCL number that tree-sitter-hcl
# 1.2 rejects (it wants ``1.0e3``).  Such numbers are hidden from the grammar as an identifier
# of the same length (``___``), so every offset stays the same, and the converter, which reads
# the original bytes, turns them back into numbers.  Strings and comments are unaffected: their
# text is always taken from the original bytes.
_EXPONENT = re.compile(rb"(?<![\w.])[0-9]+[eE][+-]?[0-9]+(?![\w.])")


def _exponents(src: bytes) -> bytes:
    if b"e" not in src and b"E" not in src:  # pragma: no cover - nearly every file has an e
        return src
    return _EXPONENT.sub(lambda m: b"_" * len(m.group()), src)


def load_hcl(text: str, path: str) -> Document:
    """Parse one ``.tf`` (or ``.tfvars``) file.  Raises ParseError on a syntax error."""
    if text.startswith("\ufeff"):
        text = text[1:]
    src = text.encode("utf-8", "surrogatepass")
    tree = parser().parse(_exponents(src))
    root = tree.root_node
    if root.has_error:
        raise syntax_error(root, src, path)
    try:
        data = _Converter(src).root(root)
    except _TooDeep as deep:
        row, byte_col = deep.node.start_point
        starts = _line_starts(src)
        raise ParseError(path, f"nesting deeper than {MAX_DEPTH} levels", row + 1,
                         _char_column(src, starts[row], byte_col)) from None
    except RecursionError:
        raise ParseError(path, f"nesting deeper than {MAX_DEPTH} levels") from None
    except (ValueError, StopIteration, IndexError) as exc:  # syntax tree.sitter accepts but we do not
        raise ParseError(path, f"invalid HCL: {exc or 'unsupported syntax'}") from None
    doc = Document(path, "tf-hcl", data, text)
    doc.locate = _make_locator(doc, src)
    return doc


# ---------------------------------------------------------------------------------------------
# Templates and expressions embedded in Terraform JSON strings


def parse_template(text: str) -> Expr:
    """An HCL template given as a plain string (a ``.tf.json`` value), as an Expr.

    It is wrapped in a heredoc, whose body needs no escaping; parts are cut by byte offsets so
    the wrapper's own newline never leaks into the value.  Raises ValueError when invalid."""
    marker = "LLTPL"
    while marker in text:
        marker += "X"
    prefix = f"x = <<{marker}\n".encode()
    body = text.encode("utf-8", "surrogatepass")
    src = prefix + body + f"\n{marker}\n".encode()
    tree = parser().parse(_exponents(src))
    root = tree.root_node
    if root.has_error:
        raise ValueError("invalid template")
    try:  # config_file > body > attribute > expression > template_expr > heredoc_template
        heredoc = root.children[0].children[0].children[2].children[0].children[0]
    except IndexError:
        heredoc = None
    if heredoc is None or heredoc.type != "heredoc_template":
        heredoc = _find_type(root, "heredoc_template")
    if heredoc is None:
        raise ValueError("invalid template")
    inner = [c for c in heredoc.children if c.type in ("template_interpolation", "template_directive")]
    conv = _Converter(src)
    parts = conv.parts(len(prefix), len(prefix) + len(body), inner, False)
    return _template(None, parts)


def parse_expression(text: str) -> Expr:
    """A bare HCL expression given as a string (``depends_on`` entries in ``.tf.json``)."""
    src = b"x = " + text.encode("utf-8", "surrogatepass") + b"\n"
    tree = parser().parse(_exponents(src))
    root = tree.root_node
    if root.has_error:
        raise ValueError("invalid expression")
    block = _Converter(src).root(root)
    expr = block.attrs.get("x")
    if expr is None:
        raise ValueError("invalid expression")
    return expr


def _find_type(node, kind):
    if node.type == kind:
        return node
    for c in node.children:
        found = _find_type(c, kind)
        if found is not None:
            return found
    return None
