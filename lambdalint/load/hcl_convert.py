"""tree-sitter-hcl's concrete syntax tree -> the AST of ``load/hcl_ast.py`` (strings unescaped,
heredocs dedented, templates cut into parts; the nesting budget of ``load/limits.py`` enforced).
"""
from __future__ import annotations

import re

from .hcl_ast import (BinOp, Block, Call, Conditional, Expr, ForExpr, Literal, ObjectExpr, Template, TemplateFor,
                      TemplateIf, Traversal, TupleExpr, UnOp)
from .limits import MAX_DEPTH

_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)|\$\$\{|%%\{", re.S)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_TEMPLATE_ESCAPE = re.compile(r"\$\$\{|%%\{")
_POSTFIX = frozenset(("get_attr", "index", "splat"))
_BINARY_OPS = frozenset(("+", "-", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "&&", "||"))


def _unescape_match(m):
    text = m.group(0)
    if text == "$${":
        return "${"
    if text == "%%{":
        return "%{"
    esc = m.group(1)
    if esc[0] in "uU" and len(esc) > 1:
        try:
            return chr(int(esc[1:], 16))
        except ValueError:
            return text
    return _SIMPLE_ESCAPES.get(esc, text)


def _unescape_quoted(raw: str) -> str:
    return _ESCAPE.sub(_unescape_match, raw) if ("\\" in raw or "{" in raw) else raw


def _unescape_heredoc(raw: str) -> str:
    return _TEMPLATE_ESCAPE.sub(lambda m: m.group(0)[1:], raw) if "{" in raw else raw


class _TooDeep(Exception):
    def __init__(self, node):
        super().__init__("too deep")
        self.node = node


class _Converter:
    def __init__(self, src: bytes):
        self.src = src
        self.depth = 0  # blocks and expressions open around the node being converted

    # -- structure
    def root(self, node) -> Block:
        root = Block("", [], {}, [], (), node)
        for child in node.children:
            if child.type == "body":
                self.body(child, root)
        return root

    def body(self, body, block: Block):
        for child in body.children:
            kind = child.type
            if kind == "attribute":
                name = None
                for c in child.children:
                    if c.type == "identifier" and name is None:
                        name = c.text.decode("utf-8")
                    elif c.type == "expression":
                        block.attrs[name] = self.expr(c)
            elif kind == "block":
                block.blocks.append(self.block(child, block.path + (len(block.blocks),)))

    def block(self, node, path) -> Block:
        children = node.children
        labels = []
        body = None
        for c in children[1:]:
            kind = c.type
            if kind == "string_lit":
                labels.append(self.string_lit(c))
            elif kind == "identifier":
                labels.append(c.text.decode("utf-8"))
            elif kind == "body":
                body = c
        block = Block(children[0].text.decode("utf-8"), labels, {}, [], path, node)
        if body is not None:
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise _TooDeep(node)
            self.body(body, block)
            self.depth -= 1
        return block

    # -- expressions
    def expr(self, node) -> Expr:
        kind = node.type
        if kind == "expression":
            children = node.children
            self.depth += 1  # the nesting budget (load/limits.py), before Python's own limit
            if self.depth > MAX_DEPTH:
                raise _TooDeep(node)
            result = self.expr(children[0]) if len(children) == 1 else self.term(node, children)
            self.depth -= 1
            return result
        method = self._dispatch.get(kind)
        if method is None:
            raise ValueError(f"unsupported HCL syntax {kind}")
        return method(self, node)

    def term(self, node, children) -> Expr:
        """A primary followed by attribute/index/splat steps (tree-sitter keeps them flat)."""
        first = children[0]
        if first.type == "(":
            primary = self.expr(children[1])
            rest = children[3:]
        else:
            primary = None if first.type == "variable_expr" and not self._is_number(first) else self.expr(first)
            rest = children[1:]
        steps: list = []
        for c in rest:
            self.postfix(c, steps)
        if primary is None:
            return Traversal(node, first.text.decode("utf-8"), steps)
        if not steps:
            return primary
        return Traversal(node, primary, steps)

    def postfix(self, node, steps):
        kind = node.type
        if kind == "get_attr":
            steps.append(("attr", node.children[-1].text.decode("utf-8")))
        elif kind == "index":
            inner = node.children[0]
            if inner.type == "legacy_index":
                text = inner.text.decode("utf-8")[1:]
                steps.append(("index", Literal(inner, int(text) if text.isdigit() else text)))
            else:
                for c in inner.children:
                    if c.type == "expression":
                        steps.append(("index", self.expr(c)))
        elif kind == "splat":
            # ("splat", n): the next n steps apply to each element.  A legacy ``.*`` covers only
            # the attribute names right after it: ``a.*.id[0]`` is ``(a.*.id)[0]``.
            for inner in node.children:  # attr_splat / full_splat
                at = len(steps)
                steps.append(None)
                legacy = inner.type == "attr_splat"
                covered = None
                for c in inner.children:
                    if c.type in _POSTFIX:
                        if legacy and covered is None and c.type != "get_attr":
                            covered = len(steps) - at - 1
                        self.postfix(c, steps)
                steps[at] = ("splat", covered if covered is not None else len(steps) - at - 1)

    def _is_number(self, node) -> bool:
        """A number like ``1e3`` that :func:`_exponents` hid from the grammar as ``___``."""
        return self.src[node.start_byte:node.end_byte] != node.text

    def variable_expr(self, node):
        if self._is_number(node):
            return Literal(node, float(self.src[node.start_byte:node.end_byte]))
        return Traversal(node, node.text.decode("utf-8"), [])

    def literal_value(self, node):
        inner = node.children[0]
        kind = inner.type
        if kind == "numeric_lit":
            text = inner.text.decode("ascii")
            try:
                return Literal(node, int(text))
            except ValueError:
                number = float(text)
                return Literal(node, int(number) if number.is_integer() and "e" not in text.lower() else number)
        if kind == "bool_lit":
            return Literal(node, inner.text == b"true")
        if kind == "null_lit":
            return Literal(node, None)
        return Literal(node, self.string_lit(inner))

    def string_lit(self, node) -> str:
        children = node.children
        start = children[0].end_byte
        end = children[-1].start_byte if len(children) > 1 else node.end_byte
        return _unescape_quoted(self.src[start:end].decode("utf-8"))

    def collection_value(self, node):
        return self.expr(node.children[0])

    def tuple(self, node):
        return TupleExpr(node, [self.expr(c) for c in node.children if c.type == "expression"])

    def object(self, node):
        items = []
        for elem in node.children:
            if elem.type != "object_elem":
                continue
            exprs = [c for c in elem.children if c.type == "expression"]
            if len(exprs) != 2:
                continue
            key = self.expr(exprs[0])
            if isinstance(key, Traversal) and isinstance(key.root, str) and not key.steps:
                key = Literal(key.node, key.root)  # a bare identifier key is a string
            items.append((key, self.expr(exprs[1])))
        return ObjectExpr(node, items)

    def function_call(self, node):
        children = node.children
        name = children[0].text.decode("utf-8")
        args, expand = [], False
        for c in children:
            if c.type == "function_arguments":
                for a in c.children:
                    if a.type == "expression":
                        args.append(self.expr(a))
                    elif a.type == "ellipsis":
                        expand = True
        return Call(node, name, args, expand)

    def conditional(self, node):
        exprs = [c for c in node.children if c.type == "expression"]
        text = exprs[0].text.decode("utf-8", "replace")
        return Conditional(node, self.expr(exprs[0]), self.expr(exprs[1]), self.expr(exprs[2]), text)

    def operation(self, node):
        return self.expr(node.children[0])

    def unary_operation(self, node):
        children = node.children
        return UnOp(node, children[0].type, self.term(node, children[1:]))

    def binary_operation(self, node):
        children = node.children
        for i, c in enumerate(children):
            if not c.is_named and c.type in _BINARY_OPS and i > 0:
                return BinOp(node, c.type, self.term(node, children[:i]), self.term(node, children[i + 1:]))
        raise ValueError("binary operation without operator")

    def for_expr(self, node):
        inner = node.children[0]
        is_object = inner.type == "for_object_expr"
        key_var = val_var = coll = cond = None
        exprs = []
        group = False
        for c in inner.children:
            kind = c.type
            if kind == "for_intro":
                names = [x.text.decode("utf-8") for x in c.children if x.type == "identifier"]
                if len(names) == 2:
                    key_var, val_var = names
                elif names:
                    val_var = names[0]
                coll = self.expr(next(x for x in c.children if x.type == "expression"))
            elif kind == "expression":
                exprs.append(self.expr(c))
            elif kind == "for_cond":
                cond = self.expr(next(x for x in c.children if x.type == "expression"))
            elif kind == "ellipsis":
                group = True
        key = exprs[0] if is_object else None
        value = exprs[-1]
        return ForExpr(node, key_var, val_var, coll, key, value, cond, group, is_object)

    # -- templates
    def template_expr(self, node):
        return self.expr(node.children[0])

    def quoted_template(self, node):
        children = node.children
        parts = self.parts(children[0].end_byte, children[-1].start_byte, children[1:-1], True)
        return _template(node, parts)

    def heredoc_template(self, node):
        children = node.children
        strip = children[0].text == b"<<-"
        idents = [c for c in children if c.type == "heredoc_identifier"]
        src = self.src
        newline = src.find(b"\n", idents[0].end_byte)
        start = newline + 1 if newline >= 0 else idents[0].end_byte
        end = src.rfind(b"\n", start, idents[-1].start_byte) + 1 if len(idents) > 1 else node.end_byte
        if end <= start:
            end = start
        inner = [c for c in children if c.type in ("template_interpolation", "template_directive")]
        indent = _common_indent(src[start:end].decode("utf-8")) if strip else 0
        parts = self.parts(start, end, inner, False, indent=indent)
        return _template(node, parts)

    def parts(self, start, end, nodes, quoted, lstrip_first=False, rstrip_last=False, indent=0):
        """Literal text is what lies between interpolations (tree-sitter's own literal nodes
        drop heredoc whitespace, so they are not used)."""
        src = self.src
        out: list = []
        pos = start
        lstrip = lstrip_first
        for n in nodes:
            kind = n.type
            if kind not in ("template_interpolation", "template_directive"):
                continue
            text = n.text
            self._literal(out, src, pos, n.start_byte, quoted, lstrip, text[2:3] == b"~", indent)
            if kind == "template_interpolation":
                for c in n.children:
                    if c.type == "expression":
                        out.append(self.expr(c))
            else:
                out.append(self.directive(n.children[0], quoted, indent))
            lstrip = text.endswith(b"~}")
            pos = n.end_byte
        self._literal(out, src, pos, end, quoted, lstrip, rstrip_last, indent)
        return out

    @staticmethod
    def _literal(out, src, start, end, quoted, lstrip, rstrip, indent):
        if end <= start:
            return
        raw = src[start:end].decode("utf-8")
        if indent:
            at_line_start = start == 0 or src[start - 1:start] == b"\n"
            raw = _dedent(raw, indent, at_line_start)
        text = _unescape_quoted(raw) if quoted else _unescape_heredoc(raw)
        if lstrip:
            text = text.lstrip()
        if rstrip:
            text = text.rstrip()
        if text:
            out.append(text)

    def directive(self, node, quoted, indent):
        children = node.children
        if node.type == "template_if":
            intro = children[0]
            cond = self.expr(next(c for c in intro.children if c.type == "expression"))
            else_at = next((i for i, c in enumerate(children) if c.type == "template_else_intro"), None)
            end = children[-1]
            first_end = children[else_at] if else_at is not None else end
            then = self.parts(intro.end_byte, first_end.start_byte, children[1:else_at if else_at else -1],
                              quoted, intro.text.endswith(b"~}"), first_end.text[2:3] == b"~", indent)
            else_ = []
            if else_at is not None:
                e = children[else_at]
                else_ = self.parts(e.end_byte, end.start_byte, children[else_at + 1:-1], quoted,
                                   e.text.endswith(b"~}"), end.text[2:3] == b"~", indent)
            return TemplateIf(node, cond, then, else_)
        if node.type == "template_for":
            start, end = children[0], children[-1]
            names = [c.text.decode("utf-8") for c in start.children if c.type == "identifier"]
            coll = self.expr(next(c for c in start.children if c.type == "expression"))
            key_var, val_var = (names[0], names[1]) if len(names) == 2 else (None, names[0] if names else "_")
            parts = self.parts(start.end_byte, end.start_byte, children[1:-1], quoted,
                               start.text.endswith(b"~}"), end.text[2:3] == b"~", indent)
            return TemplateFor(node, key_var, val_var, coll, parts)
        raise ValueError(f"unsupported template directive {node.type}")

    _dispatch = {
        "variable_expr": variable_expr,
        "literal_value": literal_value,
        "collection_value": collection_value,
        "tuple": tuple,
        "object": object,
        "function_call": function_call,
        "conditional": conditional,
        "operation": operation,
        "unary_operation": unary_operation,
        "binary_operation": binary_operation,
        "for_expr": for_expr,
        "template_expr": template_expr,
        "quoted_template": quoted_template,
        "heredoc_template": heredoc_template,
    }


def _template(node, parts):
    if not parts:
        return Literal(node, "")
    if len(parts) == 1 and isinstance(parts[0], str):
        return Literal(node, parts[0])
    return Template(node, parts)


def _common_indent(text: str) -> int:
    best = None
    for line in text.split("\n"):
        stripped = line.lstrip(" \t")
        if not stripped:
            continue
        width = len(line) - len(stripped)
        best = width if best is None else min(best, width)
    return best or 0


def _dedent(raw: str, indent: int, at_line_start: bool) -> str:
    lines = raw.split("\n")
    for i, line in enumerate(lines):
        if i == 0 and not at_line_start:
            continue
        cut = 0
        while cut < indent and cut < len(line) and line[cut] in " \t":
            cut += 1
        lines[i] = line[cut:]
    return "\n".join(lines)
