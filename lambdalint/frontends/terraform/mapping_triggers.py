"""Terraform push sources and Lambda permissions onto model triggers: S3 bucket notifications,
SNS subscriptions, EventBridge targets, EventBridge Scheduler schedules, CloudWatch Logs
subscription filters, function URLs, and the trigger a permission for a service principal implies (API Gateway's
integrations and authorizers: ``apigateway.py``).  ``docs/relations.md`` lists every form with its fixture."""
from __future__ import annotations

from ...model import entities as m
from ...model.principals import INVOCATION_OF_PRINCIPAL, URL_ACTION, principal_service
from ...values import Known, ResourceRef, Value, known_bool, known_str
from . import apigateway
from .tfmap import _entity

def _permission(r, a):
    permission = _entity(m.Permission, r, "lambda:permission", function=a("function_name"), action=a("action"),
                         principal=a("principal"), source_arn=a("source_arn"), source_account=a("source_account"),
                         qualifier=a("qualifier"))
    permission.via_function_url = (known_str(permission.action) == URL_ACTION
                                   or known_bool(a("invoked_via_function_url")) is True)
    found = [permission]
    service = principal_service(permission.principal)
    if service in INVOCATION_OF_PRINCIPAL:
        trigger = m.Trigger(r.node + "/trigger", r.address, "lambda:trigger", r.source, native_type=r.type,
                            function=permission.function, source_kind=service,
                            invocation=INVOCATION_OF_PRINCIPAL[service], event_source=permission.source_arn)
        if hasattr(trigger, "from_permission"):
            trigger.from_permission = True
        if service == "apigateway":
            apigateway.permission_kind(trigger, permission.source_arn)
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


def _schedule(r, a):
    """``aws_scheduler_schedule`` ``target { arn }``: EventBridge Scheduler invokes the function
    with its own execution role (no Lambda permission needed)."""
    return [_trigger(r, a, a.sub(a.block("target"), "arn"), "scheduler", "async", Known(ResourceRef(r.node, "arn", r.address), r.source))]


def _log_subscription_filter(r, a):
    """``aws_cloudwatch_log_subscription_filter`` ``destination_arn``: CloudWatch Logs pushes."""
    return [_trigger(r, a, a("destination_arn"), "logs", "async", a("log_group_name"))]


def _function_url(r, a):
    """``aws_lambda_function_url``: HTTP clients call the function through its URL and wait for
    the answer (synchronous)."""
    return [_entity(m.Resource, r, "lambda:url"),
            _trigger(r, a, a("function_name"), "function-url", "sync", Known(ResourceRef(r.node, "function_url", r.address), r.source), "/trigger")]


TRIGGER_BUILDERS = {
    "aws_lambda_permission": _permission,
    "aws_s3_bucket_notification": _bucket_notification,
    "aws_sns_topic_subscription": _subscription,
    "aws_cloudwatch_event_target": _event_target,
    "aws_scheduler_schedule": _schedule,
    "aws_cloudwatch_log_subscription_filter": _log_subscription_filter,
    "aws_lambda_function_url": _function_url,
    **apigateway.BUILDERS,
}
