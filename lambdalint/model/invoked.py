"""Which function a value that should name a function invokes, however it is written.

An event source mapping, a push trigger or an event invoke configuration may name its function
by reference (``!Ref Fn``, ``aws_lambda_function.f.arn``), through an alias or a version
(``!Ref FnAliasLive``, ``!Ref FnVersion``, ``aws_lambda_alias.live.arn``, SAM's ``!Ref Fn.Alias``),
inside a string (``!Sub ${Fn.Arn}:live``), or literally by name or ARN, qualified or not
(``worker``, ``worker:live``, ``arn:aws:lambda:us-east-1:123456789012:function:worker:live``,
``123456789012:function:worker``).  An alias or version runs its function's code with its
function's role and settings, so the relation belongs to the function; the model draws the edge
to it once, here, and no rule has to follow aliases itself.

A literal name matches a function of the same template / module directory / plan whose name is
the same literal (names are per account and region; in one file they are the same function).
"""
from __future__ import annotations

import re

from ..values import Known, ResourceRef, Value, known_str
from .entities import Alias, Function
from ..values import arn_fields

# Lambda function names (and the qualifier after them): letters, digits, hyphens, underscores
_NAME = re.compile(r"[A-Za-z0-9_-]{1,140}")
_PLAIN = re.compile(r"^([A-Za-z0-9_-]+)(?::(?:\$LATEST|[A-Za-z0-9_-]+))?$")
_TOKEN = re.compile(r"^\$\{([^}]+)\.([A-Za-z_]+)\}(?::[^:]+)?$")  # ${node.attr} or ${node.attr}:qualifier


def container(node: str) -> str:
    return node.rsplit("#", 1)[0]


class FunctionNames:
    """Functions of the model by (container, literal function name), and by (container, logical
    name) for SAM's ``Fn.Alias`` / ``Fn.Version`` references."""

    def __init__(self, model):
        self.model = model
        self.by_literal: dict[tuple, list] = {}
        self.by_name: dict[tuple, str] = {}
        for fn in model.functions():
            self.by_name[(container(fn.node), fn.name)] = fn.node
            name = known_str(fn.function_name)
            if name and "${" not in name:
                self.by_literal.setdefault((container(fn.node), name), []).append(fn)

    def functions(self, value: Value, at: str) -> list[Function]:
        """Functions named by ``value`` (every branch), for an entity whose node is ``at``."""
        found: dict[str, Function] = {}
        for leaf in value.leaves() if value is not None else ():
            for fn in self._leaf(leaf, at):
                found[fn.node] = fn
        return list(found.values())

    def _leaf(self, leaf: Value, at: str) -> list[Function]:
        if not isinstance(leaf, Known):
            return []
        raw = leaf.value
        if isinstance(raw, ResourceRef):
            return self._entity(raw.node, raw.name)
        if not isinstance(raw, str):
            return []
        token = _TOKEN.match(raw)
        if token:
            return self._entity(token.group(1), "")
        name = literal_function_name(raw)
        if name is None:
            return []
        candidates = self.by_literal.get((container(at), name), [])
        return candidates if len(candidates) == 1 else []

    def _entity(self, node: str, name: str) -> list[Function]:
        target = self.model.entities.get(node)
        if isinstance(target, Function):
            return [target]
        if isinstance(target, Alias) and target.kind in ("lambda:alias", "lambda:version"):
            return [t for t in self.model.targets(target.function) if isinstance(t, Function)]
        if target is None and "." in name:  # SAM: !Ref Fn.Alias / Fn.Version
            owner = self.by_name.get((container(node), name.split(".", 1)[0]))
            return [self.model.entities[owner]] if owner else []
        return []


def literal_function_name(text: str) -> str | None:
    """The function name in a literal function name or ARN, qualified or not (None when the
    name part is not a literal)."""
    if text.startswith("arn:"):
        fields = arn_fields(text)
        if fields is None or fields[2] != "lambda":
            return None
        resource = fields[5].split(":")
        if len(resource) < 2 or resource[0] != "function":
            return None
        name = resource[1]
    elif ":function:" in text:  # partial ARN: 123456789012:function:name[:qualifier]
        name = text.split(":function:", 1)[1].split(":", 1)[0]
    else:
        plain = _PLAIN.match(text)
        name = plain.group(1) if plain else ""
    return name if _NAME.fullmatch(name) else None
