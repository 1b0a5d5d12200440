"""Who invokes a function, in format-neutral terms: the service behind a principal, how it
invokes (synchronously or not), and which kind of source an event source mapping polls.

Shared by the frontends (which build triggers from permissions and mappings) and the rules
(LL307 asks whether every caller is synchronous), so neither depends on the other.
"""
from __future__ import annotations

from ..partial_strings import arn_fields
from ..values import Either, Known, ResourceRef, Unknown, Value, known_str

# invocation type per service principal (for LL307 and push-source rules)
INVOCATION_OF_PRINCIPAL = {
    "apigateway": "sync", "elasticloadbalancing": "sync", "cognito-idp": "sync", "lex": "sync",
    "alexa-appkit": "sync", "alexa-connectedhome": "sync", "cloudfront": "sync", "edgelambda": "sync",
    "s3": "async", "sns": "async", "events": "async", "logs": "async", "iot": "async", "ses": "async",
    "codecommit": "async", "config": "async", "cloudformation": "async", "scheduler": "async",
}


# the action of a Lambda permission that admits only calls through the function URL
URL_ACTION = "lambda:InvokeFunctionUrl"


def service_principal(leaf: Value) -> bool | None:
    """Whether a principal is an AWS service (``sns.amazonaws.com``): True, False, or None when
    it is known only at deploy time.  A principal known in part decides when its literal text
    does: an ARN (``arn:aws:iam::${AccountId}:role/${RoleName}``) is an account or role, never a
    service; ``${Service}.amazonaws.com`` is a service."""
    text = known_str(leaf)
    if text is None and isinstance(leaf, Unknown) and leaf.partial:
        if leaf.partial.endswith(".amazonaws.com"):
            return True
        if leaf.partial.startswith("arn:") or not leaf.partial.endswith("}"):
            return False
        return None
    if text is None:
        return None
    return text.endswith(".amazonaws.com")


def principal_service(principal: Value) -> str | None:
    text = known_str(principal)
    if not text or "." not in text:
        return None
    return text.split(".", 1)[0]


def esm_source_kind(source: Value, model_kind: str | None = None) -> str:
    """sqs / kinesis / dynamodb / kafka / mq from a referenced kind or an ARN string.

    ``dynamodb`` is a DynamoDB *stream* (``!GetAtt Table.StreamArn``, ``stream_arn``, an ARN with
    ``/stream/``); ``dynamodb-table`` is the table itself (its ARN or name), which Lambda cannot
    poll: the mapping needs the table's stream ARN."""
    if model_kind:
        kind = {"sqs:queue": "sqs", "kinesis:stream": "kinesis", "dynamodb:table": "dynamodb",
                "kafka:cluster": "kafka", "mq:broker": "mq"}.get(model_kind, "")
        ref = source.value if isinstance(source, Known) and isinstance(source.value, ResourceRef) else None
        if kind == "dynamodb" and ref is not None and ref.attr != "streamarn":
            return "dynamodb-table"
        return kind
    text = known_str(source) or ""
    if text.startswith("arn:"):
        fields = arn_fields(text)  # placeholders such as ${AWS::Partition} kept whole
        service = fields[2] if fields else ""
        if "/stream/" in text:
            return "dynamodb"
        if service == "dynamodb":
            return "dynamodb-table" if fields[5].startswith("table/") else "dynamodb"
        return {"sqs": "sqs", "kinesis": "kinesis", "kafka": "kafka", "mq": "mq"}.get(service, "")
    if isinstance(source, Known) and isinstance(source.value, ResourceRef) and source.value.attr == "streamarn":
        return "dynamodb"
    return ""


def esm_kind(source: Value, kind_of=None) -> "str | Unknown":
    """The kind an event source mapping polls (:func:`esm_source_kind` of each branch;
    ``kind_of(leaf)`` gives the model kind of a referenced resource), or, when the source is
    known only at deploy time (a parameter or variable without default, an import, a value known
    after apply), an ``Unknown`` naming that value: rules that need the kind stay undecided and
    say why, instead of skipping the mapping.  ``""`` is a known source of no kind modelled here
    (or no source, as for self-managed Kafka).  Branches of a conditional must agree."""
    kinds = set()
    for leaf in source.leaves():
        if isinstance(leaf, Unknown):
            # known in part (arn:${AWS::Partition}:kinesis:...:stream/${?Name}): the kind is literal
            kind = esm_source_kind(Known(leaf.partial, leaf.source)) if leaf.partial else ""
            if kind:
                kinds.add(kind)
                continue
            return leaf.moved(leaf.source)
        if leaf.absent and len(source.options if isinstance(source, Either) else ()) > 1:
            continue  # a branch without a source
        model_kind = kind_of(leaf) if kind_of is not None else None
        kind = esm_source_kind(leaf, model_kind)
        text = known_str(leaf) or ""
        if not kind and not model_kind and "${" in text and not text.startswith("arn:"):
            return Unknown(f"{text} (not known before deployment)", leaf.source, cause="after-apply")  # a bare placeholder
        kinds.add(kind)
    if len(kinds) > 1:
        return Unknown(f"{' or '.join(sorted(k or '(other)' for k in kinds))} (the source depends on a condition)",
                       source.source)
    return kinds.pop() if kinds else ""
