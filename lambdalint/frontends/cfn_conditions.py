"""CloudFormation ``Conditions`` decided from what cannot change at deploy time.

A condition is decided (True/False) only when its value follows from literals, from values the
user gave (``--parameters``), from values a parent stack passes, and from other conditions decided
the same way.  A parameter *default* never decides a condition: the deployer may override it, so
``!Equals [!Ref Env, prod]`` with ``Default: prod`` stays undecided (None), as does anything
depending on a pseudo parameter, an import or a resource.

Used for ``Condition:`` on a resource (a resource whose condition is false is never created, so
it is not linted) and for ``Fn::If`` (a decided condition selects its branch).
"""
from __future__ import annotations

from ..values import Known

_MAX_DEPTH = 50


class Conditions:
    def __init__(self, resolver):
        self.r = resolver
        self.cache: dict[str, bool | None] = {}
        self.active: set = set()

    def value(self, name) -> bool | None:
        """True / False when the template decides condition ``name``, else None."""
        if not isinstance(name, str):
            return None
        if name in self.cache:
            return self.cache[name]
        body = self.r.conditions.get(name)
        if body is None or name in self.active:  # undeclared, or a cycle (CloudFormation rejects both)
            return None
        self.active.add(name)
        try:
            result = self._decide(body, 0)
        finally:
            self.active.discard(name)
        self.cache[name] = result
        return result

    def _decide(self, raw, depth) -> bool | None:
        if depth > _MAX_DEPTH or not isinstance(raw, dict) or len(raw) != 1:
            return None
        (key, arg), = raw.items()
        if key == "Condition":
            return self.value(arg)
        if key == "Fn::Not":
            inner = self._decide(arg[0], depth + 1) if isinstance(arg, list) and len(arg) == 1 else None
            return None if inner is None else not inner
        if key in ("Fn::And", "Fn::Or"):
            if not isinstance(arg, list) or not arg:
                return None
            results = [self._decide(item, depth + 1) for item in arg]
            decisive = key == "Fn::Or"  # True decides an Or, False decides an And
            if decisive in results:
                return decisive
            return None if None in results else not decisive
        if key == "Fn::Equals":
            if not isinstance(arg, list) or len(arg) != 2:
                return None
            left, right = (self._fixed(item, depth + 1) for item in arg)
            return None if left is None or right is None else left == right
        return None

    def _fixed(self, raw, depth) -> str | None:
        """The text of a value fixed before deployment (literal, ``--parameters``, passed by a
        parent stack, a mapping entry under fixed keys), else None."""
        if isinstance(raw, bool):
            return "true" if raw else "false"
        if isinstance(raw, (str, int, float)):
            return str(raw)
        if depth > _MAX_DEPTH or not isinstance(raw, dict) or len(raw) != 1:
            return None
        (key, arg), = raw.items()
        r = self.r
        if key == "Ref" and isinstance(arg, str) and arg in r.parameters:
            if arg in r.passed:
                passed = r.passed[arg]
                return _text(passed.value) if isinstance(passed, Known) else None
            if arg in r.values:  # --parameters: what will be deployed
                return _text(r.values[arg])
            return None  # a default (may be overridden) or no value at all
        if key == "Fn::FindInMap" and isinstance(arg, list) and len(arg) == 3:
            keys = [self._fixed(item, depth + 1) for item in arg]
            if None in keys:
                return None
            try:
                return _text(r.mappings[keys[0]][keys[1]][keys[2]])
            except (KeyError, TypeError):
                return None
        return None


def _text(raw) -> str | None:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, (str, int, float)):
        return str(raw)
    if isinstance(raw, list) and all(isinstance(item, str) for item in raw):
        return ",".join(raw)
    return None
