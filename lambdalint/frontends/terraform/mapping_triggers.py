"""Terraform push sources and Lambda permissions onto model triggers: S3 bucket notifications,
SNS subscriptions, EventBridge targets, EventBridge Scheduler schedules, CloudWatch Logs
subscription filters, API Gateway integrations, and the trigger a permission for a service
principal implies.  ``docs/relations.md`` lists every form with its fixture."""
from __future__ import annotations

import re

from ...model import entities as m
from ...model.principals import INVOCATION_OF_PRINCIPAL, principal_service
from ...values import Known, ResourceRef, Value, known_str
from .tfmap import _entity

def _permission(r, a):
    permission = _entity(m.Permission, r, "lambda:permission", function=a("function_name"), action=a("action"),
                         principal=a("principal"), source_arn=a("source_arn"), source_account=a("source_account"))
    found = [permission]
    service = principal_service(permission.principal)
    if service in INVOCATION_OF_PRINCIPAL:
        trigger = m.Trigger(r.node + "/trigger", r.address, "lambda:trigger", r.source, native_type=r.type,
                            function=permission.function, source_kind=service,
                            invocation=INVOCATION_OF_PRINCIPAL[service], event_source=permission.source_arn)
        if hasattr(trigger, "from_permission"):
            trigger.from_permission = True
        found.append(trigger)
    return found


def _trigger(r, a, function: Value, kind: str, invocation: str, source: Value, suffix=""):
    return m.Trigger(r.node + suffix, r.address, "lambda:trigger", r.source, native_type=r.type, function=function,
                     source_kind=kind, invocation=invocation, event_source=source)


def _bucket_notification(r, a):
    return [_trigger(r, a, a.sub(block, "lambda_function_arn"), "s3", "async", a("bucket"), f"/lambda[{i}]")
            for i, block in enumerate(a.blocks("lambda_function"))]


def _subscription(r, a):
    if (known_str(a("protocol")) or "").lower() != "lambda":
        return [_entity(m.Resource, r)]
    return [_trigger(r, a, a("endpoint"), "sns", "async", a("topic_arn"))]


def _event_target(r, a):
    return [_trigger(r, a, a("arn"), "events", "async", a("rule"))]


_EMBEDDED_REF = re.compile(r"\$\{([^}]*#[^}]*)\}")
_FUNCTION_TYPES = ("aws_lambda_function", "aws_lambda_alias")


def _integration_uri(value: Value) -> list[Value]:
    """The function(s) an integration URI names: ``aws_lambda_function.f.invoke_arn`` itself, or
    references inside the long form ``"arn:aws:apigateway:${region}:lambda:path/2015-03-31/
    functions/${aws_lambda_function.f.arn}/invocations"`` (kept as ``${node.attr}`` tokens)."""
    if not (isinstance(value, Known) and isinstance(value.value, str)):
        return [value]
    found = []
    for token in _EMBEDDED_REF.findall(value.value):
        node, _, attr = token.rpartition(".")
        address = node.rsplit("#", 1)[-1]
        parts = re.sub(r"\[[^\]]*\]", "", address).split(".")
        if len(parts) >= 2 and parts[-2] in _FUNCTION_TYPES:
            found.append(Known(ResourceRef(node, attr, address), value.source))
    return found or [value]


def _api_integration(r, a):
    if r.type != "aws_api_gateway_integration":
        triggers = [_trigger(r, a, uri, "apigateway", "sync", a("api_id"), f"/uri[{i}]" if i else "")
                    for i, uri in enumerate(_integration_uri(a("integration_uri")))]
        for trigger in triggers:
            trigger.http_api = True  # API Gateway v2 (HTTP API): 30 s integration timeout
        return triggers
    # a non-proxy integration may ask for an asynchronous invoke (X-Amz-Invocation-Type: 'Event')
    parameters = a("request_parameters")
    header = parameters.value.get("integration.request.header.X-Amz-Invocation-Type") if isinstance(
        parameters, Known) and isinstance(parameters.value, dict) else None
    invocation = "async" if (known_str(header) or "").strip("'\"") == "Event" else "sync"
    return [_trigger(r, a, uri, "apigateway", invocation, a("rest_api_id"), f"/uri[{i}]" if i else "")
            for i, uri in enumerate(_integration_uri(a("uri")))]


def _schedule(r, a):
    """``aws_scheduler_schedule`` ``target { arn }``: EventBridge Scheduler invokes the function
    with its own execution role (no Lambda permission needed)."""
    return [_trigger(r, a, a.sub(a.block("target"), "arn"), "scheduler", "async", Known(ResourceRef(r.node, "arn", r.address), r.source))]


def _log_subscription_filter(r, a):
    """``aws_cloudwatch_log_subscription_filter`` ``destination_arn``: CloudWatch Logs pushes."""
    return [_trigger(r, a, a("destination_arn"), "logs", "async", a("log_group_name"))]


TRIGGER_BUILDERS = {
    "aws_lambda_permission": _permission,
    "aws_s3_bucket_notification": _bucket_notification,
    "aws_sns_topic_subscription": _subscription,
    "aws_cloudwatch_event_target": _event_target,
    "aws_scheduler_schedule": _schedule,
    "aws_cloudwatch_log_subscription_filter": _log_subscription_filter,
    "aws_api_gateway_integration": _api_integration,
    "aws_apigatewayv2_integration": _api_integration,
}
