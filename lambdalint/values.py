"""Values as the rules see them: ``Known``, ``Unknown`` or ``Absent``, each with its source.

A rule never guesses: when a value it needs is :class:`Unknown` (a parameter without default, an
import, a Terraform value known only after apply) it stays silent and reports the value as
undecided instead.  ``Fn::If`` becomes :class:`Either`, whose branches are each checked.

Containers stay typed all the way down: a known list holds ``Value`` items, a known mapping maps
strings to ``Value`` items, so every leaf keeps its own location.
"""
from __future__ import annotations

import re
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
    # deploy time (see PLACEHOLDERS below), e.g. "arn:${AWS::Partition}:sqs:${AWS::Region}:
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


# -- strings known in part ------------------------------------------------------------------
# A string built at deploy time (Fn::Sub, Fn::Join, Terraform interpolation) keeps its literal
# text; each part known only at deploy time is a typed placeholder ``${...}``:
#
#   ${AWS::Region}        a pseudo parameter (AccountId, Partition, Region, URLSuffix, StackName ...)
#   ${<node>.<attr>}      an attribute of an entity of the model (ResourceRef.token()): it stands
#                         for that one entity, so ${A.arn} never equals ${B.arn}
#   ${AZ<n>}, ${data.aws_availability_zones.<x>.names[<n>]}   the n-th Availability Zone
#   ${?<text>}            anything else (a parameter without default, an import): it may be any
#                         text, and equals nothing for sure; ${?ref:<name>} is what Ref returns
#                         for a resource the transform generates (a name, an ID or an ARN)
#
# A string holding only the first three kinds is a Known value (as it always was); one holding a
# ``${?...}`` placeholder is an Unknown whose ``partial`` is that string.
PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
PSEUDO_TOKEN = re.compile(r"\$\{AWS::([A-Za-z]+)\}")


def unknown_token(text: str) -> str:
    """The ``${?...}`` placeholder of a part known only at deploy time (``text`` names it)."""
    return "${?" + text.replace("}", ")").replace("${", "$(") + "}"


def placeholder_kind(token: str) -> str:
    """pseudo | attribute | zone | unknown for one ``${...}`` placeholder (with or without ``${}``)."""
    body = token[2:-1] if token.startswith("${") and token.endswith("}") else token
    if body.startswith("?"):
        return "unknown"
    if body.startswith("AWS::"):
        return "pseudo"
    if re.fullmatch(r"AZ\d+", body) or body.startswith("data.aws_availability_zones."):
        return "zone"
    return "attribute" if "." in body else "unknown"


def has_unknown_part(text: str) -> bool:
    return "${?" in text


def partial_text(value) -> str | None:
    """The text of a string value known whole or in part (placeholders kept), else None."""
    if isinstance(value, Known) and isinstance(value.value, str):
        return value.value
    if isinstance(value, Known) and isinstance(value.value, ResourceRef):
        return value.value.token()
    if isinstance(value, Unknown):
        return value.partial
    return None


@dataclass(frozen=True, slots=True)
class Arn:
    """An ARN's fields, placeholders kept whole (``${AWS::Partition}`` has colons of its own)."""

    partition: str
    service: str
    region: str
    account: str
    resource: str

    @property
    def fields(self) -> list[str]:
        return ["arn", self.partition, self.service, self.region, self.account, self.resource]

    @property
    def resource_type(self) -> str:
        """``function`` of ``function:name``, ``table`` of ``table/t/stream/x``, ``''`` for S3."""
        head = re.split(r"[:/]", self.resource, maxsplit=1)[0]
        return head if (":" in self.resource or "/" in self.resource) else ""


def parse_arn(text: str) -> Arn | None:
    """The one ARN parser (CloudFormation, SAM, Terraform, plans, policies): None when ``text``
    is not an ARN.  Placeholders may stand in any field."""
    if not isinstance(text, str) or not text.startswith("arn"):
        return None
    hidden: list[str] = []

    def hide(match):
        hidden.append(match.group(0))
        return f"\x00{len(hidden) - 1}\x00"

    parts = PLACEHOLDER.sub(hide, text).split(":", 5) if "${" in text else text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    if hidden:
        parts = [re.sub("\x00(\\d+)\x00", lambda m: hidden[int(m.group(1))], part) for part in parts]
    return Arn(*parts[1:])


def arn_fields(text: str) -> list[str] | None:
    """The six fields of an ARN (``arn``, partition, service, region, account, resource)."""
    arn = parse_arn(text)
    return arn.fields if arn is not None else None


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


# Where a resource's properties start, and which path keys are not property names
_TF_BLOCKS = ("resource", "data")
_CONDITIONAL = "Fn::If"


def native_name(value: Value, fallback: str) -> str:
    """The property ``value`` sits in, spelled as the user wrote it: ``Timeout``,
    ``DeadLetterConfig.TargetArn`` (CloudFormation, SAM), ``timeout``,
    ``dead_letter_config.target_arn`` (Terraform HCL, JSON and plans).  ``fallback`` when the
    value has no property of its own: a default or an unset value (its source is the resource
    header), or a value written elsewhere (a parameter default, a Terraform variable or local).

    This is the one place that reads value paths for names, so rules never branch on formats."""
    if isinstance(value, Absent) and value.name:
        return value.name  # unset: the frontend said how the property is spelled there
    source = getattr(value, "source", None)
    if source is None:
        return fallback
    names = getattr(source, "property_names", None)  # a source resolved ahead (the streamed runner)
    if names is None:
        names = _property_names(source.doc, tuple(source.path))
    return ".".join(names) if names else fallback


def default_of(value: Value) -> str | None:
    """``!Ref SQSArn <- default 'my-sqs-arn'`` (``var.queue_arn <- default "..."`` in Terraform)
    when a known value is a parameter's or variable's default, else None: a default can be
    overridden at deploy time, so a finding about it says where it came from."""
    source = getattr(value, "source", None)
    if not isinstance(value, Known) or source is None:
        return None
    path, doc = tuple(source.path), source.doc
    shown = repr(value.value) if isinstance(value.value, str) else describe(value)
    if len(path) >= 3 and path[0] == "Parameters" and path[2] == "Default":
        return f"!Ref {path[1]} <- default {shown}"
    if len(path) >= 3 and path[0] == "variable" and path[2] == "default":  # Terraform JSON
        return f"var.{path[1]} <- default {shown}"
    blocks = getattr(getattr(doc, "data", None), "blocks", None)
    if blocks and path and isinstance(path[0], int) and 0 <= path[0] < len(blocks) and "default" in path[1:]:
        block = blocks[path[0]]
        if block.type == "variable" and block.labels:
            return f"var.{block.labels[0]} <- default {shown}"
    return None


def chain(whole: Value, leaf: Value, fallback: str) -> str | None:
    """``Destination <- !If <- !Ref SQSArn <- default 'my-sqs-arn'``: how a value that came from a
    parameter default reached the property (``whole`` is the property's value, ``leaf`` the
    branch looked at); None when ``leaf`` is no default."""
    origin = default_of(leaf)
    if origin is None:
        return None
    steps = [native_name(whole, fallback)]
    if isinstance(whole, Either):
        steps.append("!If" if getattr(getattr(whole.source, "doc", None), "format", "").startswith("cfn") else "conditional")
    return " <- ".join(steps + [origin])


def _property_names(doc, path: tuple) -> list[str]:
    fmt = getattr(doc, "format", "")
    if fmt == "tf-hcl":
        return _hcl_names(getattr(doc, "data", None), path)
    if fmt == "tf-json":
        return _tf_json_names(path)
    if fmt == "tf-plan":
        body = path[path.index("values") + 1:] if "values" in path else ()
        return [key for key in body if isinstance(key, str) and key != "__key__"]
    # CloudFormation / SAM: below a resource's (or a SAM event's) Properties, or SAM Globals
    if path[:1] == ("Globals",):
        body = path[2:]
    elif "Properties" in path:
        body = path[len(path) - path[::-1].index("Properties"):]
    else:
        return []
    names = []
    for key in body:
        if key == _CONDITIONAL or not isinstance(key, str) or key == "__key__":
            continue  # an Fn::If branch holds a property value: go on inside it
        if key == "Ref" or key.startswith("Fn::"):
            break  # the arguments of an intrinsic function are no property names
        names.append(key)
    return names


def _hcl_names(root, path: tuple) -> list[str]:
    """Block types (the label of a ``dynamic`` block), then the attribute and object keys."""
    blocks = getattr(root, "blocks", None)
    if not path or not isinstance(path[0], int) or blocks is None or not 0 <= path[0] < len(blocks):
        return []
    block = blocks[path[0]]
    if block.type not in _TF_BLOCKS:
        return []  # a variable default, a local, a module argument
    names = []
    for key in path[1:]:
        if block is not None and isinstance(key, int):
            if not 0 <= key < len(block.blocks):
                break
            parent, block = block, block.blocks[key]
            if block.type == "dynamic" and block.labels:
                names.append(block.labels[0])
            elif not (block.type == "content" and parent.type == "dynamic"):
                names.append(block.type)
        elif isinstance(key, str) and key != "__key__":
            block = None  # into the attribute's expression: object keys follow
            names.append(key)
    return names


def _tf_json_names(path: tuple) -> list[str]:
    if path[:1] not in (("resource",), ("data",)):
        return []
    keys = [key for key in path[1:] if isinstance(key, str) and key != "__key__"][2:]  # past type and name
    names, dynamic = [], False
    for key in keys:
        if key == "dynamic" and not dynamic:
            dynamic = True
            continue
        if dynamic and key == "content":
            dynamic = False
            continue
        names.append(key)
    return names
