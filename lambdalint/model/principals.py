"""Who invokes a function, in format-neutral terms: the service behind a principal, how it
invokes (synchronously or not), and which kind of source an event source mapping polls.

Shared by the frontends (which build triggers from permissions and mappings) and the rules
(LL307 asks whether every caller is synchronous), so neither depends on the other.
"""
from __future__ import annotations

from ..values import Known, ResourceRef, Value, known_str

# invocation type per service principal (for LL307 and push-source rules)
INVOCATION_OF_PRINCIPAL = {
    "apigateway": "sync", "elasticloadbalancing": "sync", "cognito-idp": "sync", "lex": "sync",
    "alexa-appkit": "sync", "alexa-connectedhome": "sync", "cloudfront": "sync", "edgelambda": "sync",
    "s3": "async", "sns": "async", "events": "async", "logs": "async", "iot": "async", "ses": "async",
    "codecommit": "async", "config": "async", "cloudformation": "async", "scheduler": "async",
}


def principal_service(principal: Value) -> str | None:
    text = known_str(principal)
    if not text or "." not in text:
        return None
    return text.split(".", 1)[0]


def esm_source_kind(source: Value, model_kind: str | None = None) -> str:
    """sqs / kinesis / dynamodb / kafka / mq from a referenced kind or an ARN string."""
    if model_kind:
        return {"sqs:queue": "sqs", "kinesis:stream": "kinesis", "dynamodb:table": "dynamodb",
                "kafka:cluster": "kafka", "mq:broker": "mq"}.get(model_kind, "")
    text = known_str(source) or ""
    if text.startswith("arn:"):
        service = text.split(":")[2] if text.count(":") >= 2 else ""
        if service == "dynamodb" or "/stream/" in text:
            return "dynamodb"
        return {"sqs": "sqs", "kinesis": "kinesis", "kafka": "kafka", "mq": "mq"}.get(service, "")
    if isinstance(source, Known) and isinstance(source.value, ResourceRef) and source.value.attr == "streamarn":
        return "dynamodb"
    return ""
