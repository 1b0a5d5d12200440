"""Values as the rules see them: ``Known``, ``Unknown`` or ``Absent``, each with its source.

A rule never guesses: when a value it needs is :class:`Unknown` (a parameter without default, an
import, a Terraform value known only after apply) it stays silent and reports the value as
undecided instead.  ``Fn::If`` becomes :class:`Either`, whose branches are each checked.

Containers stay typed all the way down: a known list holds ``Value`` items, a known mapping maps
strings to ``Value`` items, so every leaf keeps its own location.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from .document import Source


class Value:
    __slots__ = ()
    source: Source | None

    @property
    def known(self) -> bool:
        return False

    @property
    def absent(self) -> bool:
        return False

    def leaves(self) -> Iterator["Value"]:
        """Each concrete alternative (one, or several for an ``Either``)."""
        yield self


@dataclass(frozen=True, slots=True, eq=False)
class Known(Value):
    value: Any
    source: Source | None = None

    @property
    def known(self) -> bool:
        return True

    def __repr__(self) -> str:
        return f"Known({self.value!r})"


@dataclass(frozen=True, slots=True, eq=False)
class Unknown(Value):
    """A value that exists but cannot be known statically.  ``reason`` says what blocked it,
    in the user's own notation (``!Ref SubnetIdsParam (parameter without default)``)."""

    reason: str
    source: Source | None = None
    import_name: str | None = None  # for Fn::ImportValue, resolved across stacks by the model

    def __repr__(self) -> str:
        return f"Unknown({self.reason!r})"


@dataclass(frozen=True, slots=True, eq=False)
class Absent(Value):
    """Not set.  ``source`` points at the enclosing resource, where a finding about a missing
    property is reported."""

    source: Source | None = None

    @property
    def absent(self) -> bool:
        return True

    def __repr__(self) -> str:
        return "Absent()"


@dataclass(frozen=True, slots=True, eq=False)
class Either(Value):
    """``Fn::If``: the value is one of ``options`` depending on ``condition``."""

    condition: str
    options: tuple
    source: Source | None = None

    def leaves(self) -> Iterator[Value]:
        for option in self.options:
            yield from option.leaves()

    def __repr__(self) -> str:
        return f"Either({self.condition}, {self.options!r})"


@dataclass(frozen=True, slots=True)
class ResourceRef:
    """A reference to a resource in the model and the attribute taken from it.

    ``attr`` is normalized across formats: ``arn``, ``url`` (an SQS queue URL), ``name``, ``id``
    or the native attribute name in lower case.  ``node`` is the model node id; ``name`` is what
    the user wrote (logical ID or Terraform address).
    """

    node: str
    attr: str
    name: str

    def token(self) -> str:
        """Placeholder used when the reference is embedded in a longer string."""
        return "${" + self.node + "." + self.attr + "}"


def known_int(value: Value) -> int | None:
    """The value as an int when it is known and numeric (CloudFormation allows "30")."""
    if not isinstance(value, Known):
        return None
    raw = value.value
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str):
        try:
            return int(raw.strip())
        except ValueError:
            try:
                number = float(raw)
            except ValueError:
                return None
            return int(number) if number.is_integer() else None
    return None


def known_str(value: Value) -> str | None:
    if isinstance(value, Known) and isinstance(value.value, (str, int, float)) and not isinstance(value.value, bool):
        return str(value.value)
    return None


def known_bool(value: Value) -> bool | None:
    if not isinstance(value, Known):
        return None
    raw = value.value
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    return None


def items(value: Value) -> list[Value] | None:
    """Elements of a known list (each a Value), else None."""
    if isinstance(value, Known) and isinstance(value.value, list):
        return value.value
    return None


def mapping(value: Value) -> dict[str, Value] | None:
    if isinstance(value, Known) and isinstance(value.value, dict):
        return value.value
    return None


def ref_of(value: Value) -> ResourceRef | None:
    if isinstance(value, Known) and isinstance(value.value, ResourceRef):
        return value.value
    return None


def describe(value: Value) -> str:
    """Short human text for a value, for messages."""
    if isinstance(value, Known):
        raw = value.value
        if isinstance(raw, ResourceRef):
            return raw.name if raw.attr in ("id", "ref") else f"{raw.name}.{raw.attr}"
        if isinstance(raw, list):
            return "[" + ", ".join(describe(v) for v in raw) + "]"
        return str(raw)
    if isinstance(value, Unknown):
        return value.reason
    if isinstance(value, Either):
        return " or ".join(describe(v) for v in value.options)
    return "(not set)"


def plain(value: Value) -> Any:
    """Strip Value wrappers from a known tree (unknown leaves become None)."""
    if isinstance(value, Known):
        raw = value.value
        if isinstance(raw, list):
            return [plain(v) for v in raw]
        if isinstance(raw, dict):
            return {k: plain(v) for k, v in raw.items()}
        return raw
    return None
