"""CloudFormation push sources onto model triggers: every resource type that names a function it
invokes (S3 bucket notifications, SNS subscriptions, inline or separate, EventBridge rules and
Scheduler schedules, CloudWatch Logs subscription filters, function URLs; API Gateway's integrations and
authorizers are in ``cfn_apigateway.py``).

A function may be named by reference (``!GetAtt Fn.Arn``, ``!Ref FnAlias``), inside a string
built with ``Fn::Sub``/``Fn::Join`` (an integration URI), or by a literal Lambda ARN; the model
ties aliases, versions and literal names to their function (``model/invoked.py``).
``docs/relations.md`` lists every form with its fixture.
"""
from __future__ import annotations

import re

from ..model import entities as m
from ..model.invoked import literal_function_name, written_after
from ..values import Absent, Known, ResourceRef, Unknown, Value, known_str

LAMBDA_TARGET_TYPES = ("AWS::Lambda::Function", "AWS::Serverless::Function", "AWS::Lambda::Alias", "AWS::Lambda::Version")
_TOKEN = re.compile(r"\$\{([^}]*#[^}]*)\}")


def refs(value: Value) -> list[Value]:
    """The resource references in a value: a ResourceRef, or the tokens ``${<node>.<attr>}``
    inside a string built with Sub/Join (an integration URI, an execute-api ARN)."""
    return [leaf for leaf, _ in _refs(value)]


def _refs(value: Value, partial: bool = False) -> list[tuple[Value, Value]]:
    """(reference, the qualifier written right after it: ``${Fn.Arn}:live``, or Absent) for each
    reference in ``value``; with ``partial``, also those in a string known only in part
    (``!Sub ${Fn.Arn}:${AliasParam}``)."""
    found = []
    for leaf in value.leaves():
        if isinstance(leaf, Known) and isinstance(leaf.value, ResourceRef):
            found.append((leaf, Absent(leaf.source)))
            continue
        text = leaf.value if isinstance(leaf, Known) and isinstance(leaf.value, str) else (
            leaf.partial if partial and isinstance(leaf, Unknown) else None)
        if text is None:
            continue
        for match in _TOKEN.finditer(text):
            node, _, attr = match.group(1).rpartition(".")
            after = written_after(text, match.end(), leaf.source)
            if isinstance(leaf, Unknown) and isinstance(after, Known) and "${?" in after.value:
                after = leaf  # the qualifier is the part known only at deploy time
            found.append((Known(ResourceRef(node, attr, node.rsplit("#", 1)[-1]), leaf.source), after))
    return found


def function_targets(fe, value: Value) -> list[tuple[Value, Value]]:
    """What a push source's target names as its function: references to a function (or its
    alias/version), and literal Lambda function ARNs (the model matches their names); each with
    the qualifier written after a reference inside a string (Absent when none: the reference or
    the literal ARN says it, see model/invoked.qualifiers)."""
    found = [(ref, after) for ref, after in _refs(value, partial=True)
             if fe.r.resource_type(ref.value.name) in LAMBDA_TARGET_TYPES]
    for leaf in value.leaves():
        text = known_str(leaf)
        if text and "${" not in text and ":function:" in text and literal_function_name(text):
            found.append((leaf, Absent(leaf.source)))
    return found


def push_triggers(fe, lid, functions: list, kind: str, invocation: str, source: Value, start: int = 0) -> list:
    """A trigger per function named (a Value, or a (Value, qualifier) pair of :func:`function_targets`)."""
    found = []
    for index, fn in enumerate(functions):
        fn, qualifier = fn if isinstance(fn, tuple) else (fn, Absent(None))
        found.append(m.Trigger(f"{fe.r.node(lid)}/trigger/{start + index}", lid, "lambda:trigger", fe.header(lid),
                               function=fn, source_kind=kind, invocation=invocation, event_source=source,
                               qualifier=qualifier))
    return found


def _self(fe, lid, attr="arn") -> Known:
    return Known(ResourceRef(fe.r.node(lid), attr, lid), fe.header(lid))


def _each(value: Value):
    return value.value if isinstance(value, Known) and isinstance(value.value, list) else []


def _subscription(fe, lid, props, path):
    get = lambda key: fe.get(props, key, path, lid)  # noqa: E731
    if (known_str(get("Protocol")) or "").lower() != "lambda":
        return [m.Resource(fe.r.node(lid), lid, "sns:subscription", fe.header(lid))]
    return [m.Trigger(fe.r.node(lid), lid, "lambda:trigger", fe.header(lid), function=get("Endpoint"), source_kind="sns",
                      invocation="async", event_source=get("TopicArn"))]


def topic_subscriptions(fe, lid, props, path) -> list:
    """``AWS::SNS::Topic`` ``Subscription: [{Protocol: lambda, Endpoint: ...}]``: the topic
    pushes to each Lambda endpoint, as an ``AWS::SNS::Subscription`` would."""
    found = []
    for index, item in enumerate(_each(fe.get(props, "Subscription", path, lid))):
        if (known_str(fe.sub(item, "Protocol")) or "").lower() != "lambda":
            continue
        found.append(m.Trigger(f"{fe.r.node(lid)}/subscription/{index}", lid, "lambda:trigger", item.source or fe.header(lid),
                               function=fe.sub(item, "Endpoint"), source_kind="sns", invocation="async",
                               event_source=_self(fe, lid), native_type="AWS::SNS::Topic Subscription"))
    return found


def _bucket(fe, lid, props, path):
    notifications = fe.get(props, "NotificationConfiguration", path, lid)
    functions = []
    for item in _each(fe.sub(notifications, "LambdaConfigurations")):
        functions.extend(function_targets(fe, fe.sub(item, "Function")))
    return [m.Resource(fe.r.node(lid), lid, "s3:bucket", fe.header(lid))] + push_triggers(
        fe, lid, functions, "s3", "async", _self(fe, lid))


def _events_rule(fe, lid, props, path):
    functions = []
    for item in _each(fe.get(props, "Targets", path, lid)):
        functions.extend(function_targets(fe, fe.sub(item, "Arn")))
    return [m.Resource(fe.r.node(lid), lid, "events:rule", fe.header(lid))] + push_triggers(
        fe, lid, functions, "events", "async", _self(fe, lid))


def _schedule(fe, lid, props, path):
    """``AWS::Scheduler::Schedule`` ``Target.Arn``: EventBridge Scheduler invokes the function
    with its execution role (no Lambda permission needed, unlike an EventBridge rule)."""
    functions = function_targets(fe, fe.sub(fe.get(props, "Target", path, lid), "Arn"))
    return [m.Resource(fe.r.node(lid), lid, "scheduler:schedule", fe.header(lid))] + push_triggers(
        fe, lid, functions, "scheduler", "async", _self(fe, lid))


def _log_subscription_filter(fe, lid, props, path):
    """``AWS::Logs::SubscriptionFilter`` ``DestinationArn``: CloudWatch Logs pushes log events."""
    functions = function_targets(fe, fe.get(props, "DestinationArn", path, lid))
    return [m.Resource(fe.r.node(lid), lid, "logs:subscription-filter", fe.header(lid))] + push_triggers(
        fe, lid, functions, "logs", "async", fe.get(props, "LogGroupName", path, lid))


def _function_url(fe, lid, props, path):
    """``AWS::Lambda::Url`` ``TargetFunctionArn``: HTTP clients call the function through its URL
    and wait for the answer (synchronous)."""
    functions = function_targets(fe, fe.get(props, "TargetFunctionArn", path, lid)) or [
        fe.get(props, "TargetFunctionArn", path, lid)]
    return [m.Resource(fe.r.node(lid), lid, "lambda:url", fe.header(lid))] + push_triggers(
        fe, lid, functions, "function-url", "sync", _self(fe, lid, "url"))


PUSH_BUILDERS = {
    "AWS::SNS::Subscription": _subscription,
    "AWS::S3::Bucket": _bucket,
    "AWS::Events::Rule": _events_rule,
    "AWS::Scheduler::Schedule": _schedule,
    "AWS::Logs::SubscriptionFilter": _log_subscription_filter,
    "AWS::Lambda::Url": _function_url,
}
