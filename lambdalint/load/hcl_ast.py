"""The HCL expression AST that ``load/hcl.py`` (and the Terraform JSON loader) build and
``frontends/terraform/`` evaluates.

``node`` is the tree-sitter node (None when built from JSON): kept only for spans.
"""
from __future__ import annotations


class Block:
    __slots__ = ("type", "labels", "attrs", "blocks", "path", "node")

    def __init__(self, type, labels, attrs, blocks, path, node=None):
        self.type = type
        self.labels = labels
        self.attrs = attrs  # name -> Expr, in source order
        self.blocks = blocks  # nested Blocks, in source order
        self.path = path  # locate path of this block
        self.node = node

    def __repr__(self):
        return f"Block({self.type} {self.labels} {list(self.attrs)} +{len(self.blocks)})"


class Expr:
    __slots__ = ("node",)

    def child(self, key):
        """The sub-expression a path key selects (for spans); None if there is none."""
        return None


class Literal(Expr):
    __slots__ = ("value",)

    def __init__(self, node, value):
        self.node = node
        self.value = value


class Template(Expr):
    """Parts: ``str`` literal text, ``Expr`` interpolations, ``TemplateIf``/``TemplateFor``."""

    __slots__ = ("parts",)

    def __init__(self, node, parts):
        self.node = node
        self.parts = parts


class TemplateIf(Expr):
    __slots__ = ("cond", "then", "else_")

    def __init__(self, node, cond, then, else_):
        self.node, self.cond, self.then, self.else_ = node, cond, then, else_


class TemplateFor(Expr):
    __slots__ = ("key_var", "val_var", "coll", "parts")

    def __init__(self, node, key_var, val_var, coll, parts):
        self.node, self.key_var, self.val_var, self.coll, self.parts = node, key_var, val_var, coll, parts


class Traversal(Expr):
    """``root`` is a variable name (``aws_subnet``, ``var``, ``each``) or an Expr (``f(x)[0]``).
    Steps: ``("attr", name)``, ``("index", Expr)``, ``("splat", n)`` (n following steps per element)."""

    __slots__ = ("root", "steps")

    def __init__(self, node, root, steps):
        self.node, self.root, self.steps = node, root, steps


class Call(Expr):
    __slots__ = ("name", "args", "expand")

    def __init__(self, node, name, args, expand):
        self.node, self.name, self.args, self.expand = node, name, args, expand

    def child(self, key):
        return self.args[key] if isinstance(key, int) and 0 <= key < len(self.args) else None


class TupleExpr(Expr):
    __slots__ = ("items",)

    def __init__(self, node, items):
        self.node, self.items = node, items

    def child(self, key):
        return self.items[key] if isinstance(key, int) and 0 <= key < len(self.items) else None


class ObjectExpr(Expr):
    __slots__ = ("items",)  # [(key Expr, value Expr)]

    def __init__(self, node, items):
        self.node, self.items = node, items

    def child(self, key):
        for k, v in self.items:
            if isinstance(k, Literal) and k.value == key:
                return v
            if isinstance(k, Traversal) and isinstance(k.root, str) and not k.steps and k.root == key:
                return v
        return None


class Conditional(Expr):
    __slots__ = ("cond", "then", "else_", "text")

    def __init__(self, node, cond, then, else_, text):
        self.node, self.cond, self.then, self.else_, self.text = node, cond, then, else_, text

    def child(self, key):
        return {0: self.cond, 1: self.then, 2: self.else_}.get(key)


class ForExpr(Expr):
    __slots__ = ("key_var", "val_var", "coll", "key", "value", "cond", "group", "is_object")

    def __init__(self, node, key_var, val_var, coll, key, value, cond, group, is_object):
        self.node, self.key_var, self.val_var, self.coll = node, key_var, val_var, coll
        self.key, self.value, self.cond, self.group, self.is_object = key, value, cond, group, is_object


class BinOp(Expr):
    __slots__ = ("op", "left", "right")

    def __init__(self, node, op, left, right):
        self.node, self.op, self.left, self.right = node, op, left, right


class UnOp(Expr):
    __slots__ = ("op", "operand")

    def __init__(self, node, op, operand):
        self.node, self.op, self.operand = node, op, operand
