"""What a value that should name a resource by ARN (a DLQ, a destination) actually points at.

``resolve(model, leaf)`` looks at one leaf of a value: a reference to an entity of the model, an
ARN string (``arn:${AWS::Partition}:sqs:...`` still has service ``sqs``), an SQS queue URL, or
something unknown.  The answer is format-neutral: kinds are the model's ``service:thing``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..native_names import chain, native_name
from ..partial_strings import arn_fields, has_unknown_part
from ..values import Known, ResourceRef, Unknown, Value, describe, shown
from .entities import Entity


_NAME_TOKEN = re.compile(r"\$\{([^}?]+)\.name\}")  # ${<node>.name}: the name of an entity

# ARN service (and resource prefix) -> model kind
_KIND_OF_ARN = {
    "sqs": "sqs:queue", "sns": "sns:topic", "s3": "s3:bucket", "dynamodb": "dynamodb:table",
    "kinesis": "kinesis:stream", "states": "states:state-machine", "kms": "kms:key", "iam": "iam:role",
}
_RESOURCE_PREFIX = {
    ("lambda", "function"): "lambda:function", ("events", "event-bus"): "events:event-bus",
    ("events", "rule"): "events:rule", ("logs", "log-group"): "logs:log-group",
}


@dataclass
class Target:
    value: Value  # the leaf looked at (its source is where a finding points)
    form: str  # ref | arn | url | text | unknown | absent
    kind: str | None = None  # sqs:queue, sns:topic, lambda:function ... (None: not decidable)
    entity: Entity | None = None
    attr: str | None = None  # the ResourceRef attribute (arn, url, name ...)
    service: str | None = None  # ARN service field
    fifo: bool | None = None  # known FIFO-ness of a queue/topic (None: unknown or n/a)
    fifo_value: Value | None = None  # the entity's FIFO property, for related links
    unknown: str | None = None  # why it cannot be decided
    cause: str | None = None  # of the unknown (values.CAUSES)
    chain: str | None = None  # how a parameter's default reached the property (native_names.chain)

    @property
    def text(self) -> str:
        text = shown(self.value)  # an ARN known in part as written
        return f"{text} ({self.chain})" if self.chain else text

    @property
    def quoted(self) -> str:
        """The value in quotes, then how a parameter default reached it (``'x' (Destination <-
        !Ref P <- default 'x')``)."""
        text = f"'{shown(self.value)}'"
        return f"{text} ({self.chain})" if self.chain else text

    @property
    def source(self):
        return self.value.source

    @property
    def undecidable(self) -> bool:
        """A reference whose value is not the entity's own identity (nested stack outputs,
        custom resources, parameters stored in SSM): what it holds is unknown here."""
        kind, attr = self.kind or "", self.attr or ""
        return self.form == "ref" and (
            kind.startswith(("unknown:", "cloudformation:", "serverless:", "custom:", "ssm:"))
            or attr.startswith("outputs")
            or attr not in ("arn", "url", "name", "id", "ref") and not attr.endswith("arn"))

    def what(self) -> str:
        """The target in words: ``queue Dlq (AWS::SQS::Queue)``, ``ARN arn:...``."""
        if self.entity is not None:
            native = f" ({self.entity.native_type})" if self.entity.native_type else ""
            return f"{self.entity.name}{native}"
        return self.text


def kind_of_arn(fields: list[str]) -> str | None:
    service, resource = fields[2], fields[5]
    if "${" in service:
        return None
    head = re.split(r"[:/]", resource, 1)[0]
    if (service, head) in _RESOURCE_PREFIX:
        return _RESOURCE_PREFIX[(service, head)]
    if service in _KIND_OF_ARN:
        return _KIND_OF_ARN[service]
    return f"{service}:{head}" if head and "${" not in head else f"{service}:?"


def is_queue_url(text: str) -> bool:
    return text.startswith(("https://sqs.", "https://queue.amazonaws.com", "http://sqs."))


def resolve(model, leaf: Value) -> Target:
    if leaf.absent:  # an Fn::If branch with AWS::NoValue
        return Target(leaf, "absent")
    if isinstance(leaf, Unknown):
        if leaf.partial is not None:  # known in part: an ARN whose service and type are literal
            target = _from_text(model, leaf, leaf.partial)
            if target.form in ("arn", "url"):
                target.unknown, target.cause = leaf.reason, leaf.cause
                return target
        return Target(leaf, "unknown", unknown=leaf.reason, cause=leaf.cause)
    if not isinstance(leaf, Known):
        return Target(leaf, "unknown", unknown=describe(leaf))
    raw = leaf.value
    if isinstance(raw, ResourceRef):
        entity = model.entity(leaf)
        if entity is None:
            return Target(leaf, "unknown", attr=raw.attr, unknown=f"{raw.name} (not in the model)", cause="not-in-run")
        fifo_value = getattr(entity, "fifo", None)
        fifo = None
        if isinstance(fifo_value, Known):
            fifo = fifo_value.value is True or str(fifo_value.value).lower() == "true"
        form = "url" if raw.attr == "url" else "ref"
        return Target(leaf, form, kind=entity.kind, entity=entity, attr=raw.attr, fifo=fifo,
                      fifo_value=fifo_value if isinstance(fifo_value, Value) else None)
    if not isinstance(raw, str):
        return Target(leaf, "text", unknown=None)
    return _from_text(model, leaf, raw)


def _from_text(model, leaf: Value, raw: str) -> Target:
    """The target a string names: a queue URL, an ARN (placeholders kept: ``${AWS::Region}``,
    ``${Queue.name}`` standing for that queue, ``${?...}`` for a part not known), or text."""
    if is_queue_url(raw):
        name = raw.rsplit("/", 1)[-1]
        fifo = True if name.endswith(".fifo") else (False if "${" not in name else None)
        return Target(leaf, "url", kind="sqs:queue", fifo=fifo)
    fields = arn_fields(raw)
    if fields is None:
        if "${" in raw:
            return Target(leaf, "unknown", unknown=f"{raw} (not a recognizable ARN)",
                          cause="other" if has_unknown_part(raw) else "after-apply")
        return Target(leaf, "text")
    kind = kind_of_arn(fields)
    if kind is None:
        return Target(leaf, "unknown", service=fields[2], unknown=f"{raw} (service not known before deployment)",
                      cause="other" if has_unknown_part(fields[2]) else "after-apply")
    fifo, entity, fifo_value = None, None, None
    if kind in ("sqs:queue", "sns:topic"):
        name = fields[5]
        owner = _NAME_TOKEN.fullmatch(name)
        entity = model.entities.get(owner.group(1)) if owner else None
        if entity is not None and entity.kind == kind:  # ${Queue.name}: that queue, FIFO or not
            fifo_value = getattr(entity, "fifo", None)
            if isinstance(fifo_value, Known):
                fifo = fifo_value.value is True or str(fifo_value.value).lower() == "true"
        elif "${" not in name:
            fifo, entity = name.endswith(".fifo"), None
        else:
            entity = None
            if name.endswith(".fifo"):
                fifo = True
    return Target(leaf, "arn", kind=kind, service=fields[2], fifo=fifo, entity=entity,
                  fifo_value=fifo_value if isinstance(fifo_value, Value) else None)


def targets_of(model, owner, value: Value, fallback: str):
    """The :class:`Target` of each branch of ``value`` that names something, and an ``Unsure``
    (about ``owner``, naming the property as the user wrote it) for each branch known only at
    deploy time.  ``fallback`` names the property when the value has no place of its own."""
    from ..rulekit import Unsure

    for leaf in value.leaves():
        target = resolve(model, leaf)
        if target.form == "absent":
            continue
        if target.form == "unknown":
            yield Unsure(owner, f"{native_name(leaf, fallback)} <- {target.unknown}", leaf.source, target.cause)
            continue
        target.chain = chain(value, leaf, fallback)
        yield target


def dead_letter_functions(model):
    """Functions with a dead-letter target set (in some branch): the subjects of the DLQ rules."""
    return [fn for fn in model.functions() if any(not leaf.absent for leaf in fn.dead_letter_target.leaves())]


def entity_cause(kind: str, attr: str = "") -> str:
    """Why the value a reference to an entity of ``kind`` holds is not known (values.CAUSES)."""
    if kind.startswith(("cloudformation:", "serverless:")) or attr.startswith("outputs"):
        return "module"  # a nested stack or SAM application output
    if kind.startswith("data:"):
        return "data-source"
    if kind.startswith("ssm:"):
        return "parameter"
    return "unsupported"


def undecidable_cause(target: Target) -> str:
    """Why what an :attr:`Target.undecidable` reference holds is not known."""
    return entity_cause(target.kind or "", target.attr or "")


def dead_letter_targets(model, fn):
    """:func:`targets_of` the function's dead-letter target."""
    return targets_of(model, fn, fn.dead_letter_target, "DeadLetterConfig.TargetArn")


# ARN spelling of a referenced resource, for comparing with ARN-shaped policy patterns
_ARN_SHAPE = {
    "lambda:function": "arn:${{AWS::Partition}}:lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:{name}",
    "events:event-bus": "arn:${{AWS::Partition}}:events:${{AWS::Region}}:${{AWS::AccountId}}:event-bus/{name}",
    "s3:bucket": "arn:${{AWS::Partition}}:s3:::{name}",
}


def role_allows(model, role, action: str, leaf: Value, suffix: str = ""):
    """``iam.allows`` for one target value, combining the target's spellings.

    A reference has a placeholder spelling (``${node.arn}``) and, for queues and topics, ARN
    spellings built from the name.  The placeholder decides a match with ``!GetAtt X.Arn``-style
    patterns; against an ARN-shaped pattern only the ARN spellings are reliable, so they alone
    may decide "not allowed".  ``suffix`` is appended to each spelling (``/*`` for S3 objects)."""
    from . import iam

    candidates = model.arn_candidates(leaf)
    ref = leaf.value if isinstance(leaf, Known) and isinstance(leaf.value, ResourceRef) else None
    entity = model.entity(leaf) if ref is not None else None
    if len(candidates) == 1 and entity is not None and entity.kind in _ARN_SHAPE:
        candidates.append(_ARN_SHAPE[entity.kind].format(name="${" + ref.node + ".name}"))
    candidates = [c + suffix for c in candidates]
    # literal names of the other entities of its kind: a policy on one of them is not about this one
    others = frozenset(getattr(model, "literal_resources", {}).get(entity.kind, ())) if entity is not None else frozenset()
    if len(candidates) <= 1:
        return iam.allows(role, action, candidates, others)
    decisions = [iam.allows(role, action, [c], others) for c in candidates]
    for decision in decisions:
        if decision.allowed is False and decision.statement is not None:
            return decision  # an explicit Deny
    for decision in decisions:
        if decision.allowed:
            return decision
    spelled = decisions[1:]
    if all(d.allowed is False for d in spelled):
        return spelled[0]
    return next(d for d in decisions if d.allowed is None)
