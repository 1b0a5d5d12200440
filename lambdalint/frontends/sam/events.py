"""A SAM function's ``Events``: pull events become event source mappings, push events become
triggers whose Lambda permission SAM writes itself (``permission_generated``)."""
from __future__ import annotations

from ...model import entities as m
from ...model.principals import esm_source_kind
from ...values import Absent, Known, Value, known_str
from ..cfn_base import ref_kind
from ..cfn_triggers import refs
from ..openapi import streams
from .refs import ref, ref_entity

PULL_KINDS = {"SQS": "sqs", "Kinesis": "kinesis", "DynamoDB": "dynamodb", "MSK": "kafka", "MQ": "mq",
              "SelfManagedKafka": "kafka", "DocumentDB": "docdb"}
PULL_SOURCE = {"SQS": "Queue", "MQ": "Broker", "DocumentDB": "Cluster"}  # else Stream
PUSH_EVENTS = {  # SAM event type -> (source kind, invocation)
    "S3": ("s3", "async"), "SNS": ("sns", "async"), "Api": ("apigateway", "sync"),
    "HttpApi": ("apigateway", "sync"), "Schedule": ("events", "async"), "ScheduleV2": ("scheduler", "async"),
    "CloudWatchEvent": ("events", "async"), "EventBridgeRule": ("events", "async"),
    "CloudWatchLogs": ("logs", "async"), "IoTRule": ("iot", "async"), "AlexaSkill": ("alexa-appkit", "sync"),
    "Cognito": ("cognito-idp", "sync"),
}
PUSH_SOURCE = {"S3": "Bucket", "SNS": "Topic", "Api": "RestApiId", "HttpApi": "ApiId"}


def event_type(fe, event: Value) -> str | None:
    return known_str(fe.sub(event, "Type"))


def event(fe, lid: str, fn: m.Function, name: str, event: Value, pull_types: list) -> list:
    """The entities of one event; appends to ``pull_types`` the pull sources the role must read."""
    etype = event_type(fe, event)
    props = fe.sub(event, "Properties")
    node = fe.r.node(lid) + "/Events/" + name
    display = f"{lid}.Events.{name}"
    function_ref = Known(ref(fe, lid, "name"), fn.source)
    if etype in PULL_KINDS:
        pull_types.append(etype)
        source = fe.sub(props, PULL_SOURCE.get(etype, "Stream"))
        kind = esm_source_kind(source, ref_kind(fe, source)) or PULL_KINDS[etype]
        on_failure = fe.sub(fe.sub(props, "DestinationConfig"), "OnFailure")
        return [m.EventSourceMapping(
            node, display, "lambda:event-source-mapping", event.source, function=function_ref,
            event_source=source, source_kind=kind, batch_size=fe.sub(props, "BatchSize"),
            batching_window=fe.sub(props, "MaximumBatchingWindowInSeconds"),
            starting_position=fe.sub(props, "StartingPosition"),
            on_failure=fe.sub(on_failure, "Destination"), on_failure_type=fe.sub(on_failure, "Type"),
            generated_by="SAM", native_type=f"SAM {etype} event")]
    if etype not in PUSH_EVENTS:
        return []
    kind, invocation = PUSH_EVENTS[etype]
    subscription = fe.sub(props, "SqsSubscription")
    if etype == "SNS" and _truthy(subscription):
        return _sqs_subscription(fe, lid, name, node, display, event, subscription, function_ref, pull_types)
    source_key = PUSH_SOURCE.get(etype)
    trigger = m.Trigger(node, display, "lambda:trigger", event.source, function=function_ref, source_kind=kind,
                        invocation=invocation, event_source=fe.sub(props, source_key) if source_key else Absent(event.source),
                        permission_generated=True, native_type=f"SAM {etype} event", http_api=etype == "HttpApi")
    if etype in ("Api", "HttpApi"):
        _api_integration(fe, trigger, props)
    return [trigger]


def _api_integration(fe, trigger: m.Trigger, props: Value) -> None:
    """SAM writes an Api/HttpApi event's integration into the API's definition, with the event's
    ``TimeoutInMillis`` and ``ResponseTransferMode``, only when it manages that definition: an
    implicit API, an API without ``DefinitionBody``/``DefinitionUri``, or ``MergeDefinitions``.
    Otherwise the integration is the one the definition declares (a trigger of the API itself)
    and the event only adds the Lambda permission."""
    api = _explicit_api(fe, fe.sub(props, PUSH_SOURCE["HttpApi" if trigger.http_api else "Api"]))
    managed = api is None or api.get("MergeDefinitions") is True or not (
        "DefinitionBody" in api or "DefinitionUri" in api)
    if not managed:
        trigger.from_permission = True
        return
    trigger.timeout_ms = fe.sub(props, "TimeoutInMillis")
    trigger.streaming = streams(fe.sub(props, "ResponseTransferMode"), Absent(trigger.source))


def _explicit_api(fe, api: Value) -> dict | None:
    """The raw properties of the SAM API an event names (``RestApiId``/``ApiId``), if declared here."""
    for found in refs(api):
        body = fe.r.resources.get(found.value.name)
        if isinstance(body, dict) and body.get("Type") in ("AWS::Serverless::Api", "AWS::Serverless::HttpApi"):
            props = body.get("Properties")
            return props if isinstance(props, dict) else {}
    return None


def _sqs_subscription(fe, lid, name, node, display, event, subscription, function_ref, pull_types) -> list:
    """SAM polls a queue through an SQS event source (and attaches the SQS poller policy); without
    ``QueueArn`` it creates the queue itself, with the default 30 s visibility timeout."""
    found = []
    pull_types.append("SQS")
    queue_arn = fe.sub(subscription, "QueueArn") if isinstance(subscription.value, dict) else Absent(event.source)
    at = subscription.source or event.source
    if queue_arn.absent:
        queue = m.Queue(node + "/Queue", f"{lid}{name}Queue", "sqs:queue", at,
                        fifo=Known(False, at), visibility_timeout=Known(30, at),
                        native_type="SAM SqsSubscription queue")
        found.append(queue)
        queue_arn = Known(ref_entity(queue), at)
    found.append(m.EventSourceMapping(
        node + "/EventSourceMapping", display, "lambda:event-source-mapping", event.source,
        function=function_ref, event_source=queue_arn, source_kind="sqs",
        batch_size=fe.sub(subscription, "BatchSize"),
        generated_by="SAM", native_type="SAM SNS SqsSubscription"))
    return found


def _truthy(value: Value) -> bool:
    if isinstance(value, Known):
        return value.value is True or str(value.value).lower() == "true" or isinstance(value.value, dict)
    return False


__all__ = ["PULL_KINDS", "PUSH_EVENTS", "event", "event_type"]
