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


# Why a value is Unknown, machine-readable (JSON ``unknowns[].cause``); set where the Unknown
# is created, kept when it is copied or wrapped.
CAUSES = {
    "parameter": "a CloudFormation parameter or Terraform variable with no value (no default, an SSM "
                 "parameter type, or --parameters not given)",
    "import": "Fn::ImportValue of an export no linted template declares",
    "module": "a Terraform module or nested stack lambdalint did not read",
    "after-apply": "known only once deployed: resource attributes, generated names, pseudo parameters, "
                   "values a plan marks known after apply",
    "not-in-run": "names a resource (by literal ID or ARN) that is not in the linted files",
    "data-source": "a Terraform data source (read from the account at plan time)",
    "unsupported": "a construct lambdalint does not evaluate (a function, a transform, metric math)",
    "condition": "an IAM policy condition, evaluated only when a request is made",
    "undeclared": "a reference to something the template does not declare (LL003 reports it)",
    "outside-project": "a path outside the project, which lambdalint does not read",
    "not-built": "a local file that does not exist yet (a build output)",
    "budget": "evaluation stopped at a size or depth budget",
    "other": "anything else",
}


@dataclass(frozen=True, slots=True, eq=False)
class Unknown(Value):
    """A value that exists but cannot be known statically.  ``reason`` says what blocked it,
    in the user's own notation (``!Ref SubnetIdsParam (parameter without default)``); ``cause``
    is one of :data:`CAUSES`."""

    reason: str
    source: Source | None = None
    import_name: str | None = None  # for Fn::ImportValue, resolved across stacks by the model
    cause: str = "other"
    # the value may turn out not set at all (a Terraform module input whose default is null):
    # a rule that only asks "is it set?" cannot decide either
    nullable: bool = False
    # a string known in part: its literal text with placeholders for the parts known only at
    # deploy time (see partial_strings.py), e.g. "arn:${AWS::Partition}:sqs:${AWS::Region}:
    # ${AWS::AccountId}:${?QueueName}"; None when nothing of it is known
    partial: str | None = None
    # an upper bound of the value's length when the input declares one (a CloudFormation
    # parameter's MaxLength, or its longest AllowedValues entry); None: no bound known
    max_length: int | None = None
    # the same bound for each ``${?...}`` placeholder of ``partial`` that has one:
    # ((placeholder, max length), ...)
    bounds: tuple = ()

    def __repr__(self) -> str:
        return f"Unknown({self.reason!r}, {self.cause})"

    def moved(self, source: Source | None, reason: str | None = None) -> "Unknown":
        """The same unknown (same cause) located at ``source``, optionally with a longer reason."""
        return Unknown(self.reason if reason is None else reason, source, self.import_name, self.cause, self.nullable,
                       self.partial, self.max_length, self.bounds)


@dataclass(frozen=True, slots=True, eq=False)
class Absent(Value):
    """Not set.  ``source`` points at the enclosing resource, where a finding about a missing
    property is reported."""

    source: Source | None = None
    name: str | None = None  # the native property name, when the frontend knows it (messages)

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


# ids of values whose Unknown parts a model query turned into something exact; only collected
# while tests/test_silent_drops.py watches a check (None otherwise: no cost)
HANDLED: list | None = None


def handled(value):
    """Say that the caller accounts for the Unknown parts of ``value`` exactly (e.g. a name known
    only after apply becomes the entity's own ``${node.name}`` placeholder, which stands for that
    entity and no other), so reading it is no silent drop.  Returns ``value``."""
    if HANDLED is not None:
        HANDLED.append(id(value))
    return value


class Reason(str):
    """Text that says why something is not known, carrying its :data:`CAUSES` entry (``cause``)
    through code that passes reasons around as strings (IAM evaluation, role problems)."""

    cause: str

    def __new__(cls, text: str, cause: str | None = None):
        made = super().__new__(cls, text)
        made.cause = cause or getattr(text, "cause", None) or "other"
        return made


def reason_cause(text) -> str | None:
    """The cause a :class:`Reason` carries (None for a plain string)."""
    return getattr(text, "cause", None)


def unknown_leaves(value, depth: int = 0) -> Iterator[Unknown]:
    """Every Unknown inside a value: its branches, list items and mapping values."""
    if value is None or depth > 60:
        return
    for leaf in value.leaves():
        if isinstance(leaf, Unknown):
            yield leaf
        elif isinstance(leaf, Known):
            raw = leaf.value
            if isinstance(raw, list):
                for item in raw:
                    yield from unknown_leaves(item, depth + 1)
            elif isinstance(raw, dict):
                for item in raw.values():
                    if isinstance(item, Value):
                        yield from unknown_leaves(item, depth + 1)


def cause_of(value) -> str | None:
    """The cause of the first Unknown inside ``value`` (None when nothing in it is Unknown)."""
    for leaf in unknown_leaves(value):
        return leaf.cause
    return None


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


def not_whole(value: Value):
    """The number written when a known value is a number that is not whole (``2.5``, ``"128.5"``,
    ``.nan``): Lambda's sizes, timeouts and counts are integers, so such a value is rejected, not
    "some number in range".  None for anything else (whole numbers, non-numbers, unknowns)."""
    if not isinstance(value, Known) or isinstance(value.value, bool) or known_int(value) is not None:
        return None
    raw = value.value
    if isinstance(raw, str):
        try:
            raw = float(raw)
        except ValueError:
            return None
    return raw if isinstance(raw, float) else None


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


def shown(value: Value) -> str:
    """Like :func:`describe`, but a string known in part is shown as written, its unknown parts
    as ``${Name}`` (``arn:${AWS::Partition}:kinesis:...:stream/${StreamName}``)."""
    if isinstance(value, Unknown) and value.partial is not None:
        return value.partial.replace("${?", "${")
    return describe(value)


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
