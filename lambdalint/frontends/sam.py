"""SAM (``Transform: AWS::Serverless-2016-10-31``) onto the normalized model.

What SAM generates is modelled as SAM generates it, so rules need no SAM special case:
``Globals`` merge into each function (scalars: local wins; maps merge; lists concatenate), a
function without ``Role`` gets the role SAM creates with the managed and inline policies SAM
attaches (basic execution, VPC access, X-Ray, dead-letter, destinations, pull sources, policy
templates from SAM's own published data), and ``Events`` become event source mappings or
triggers whose Lambda permission SAM generates itself.
"""
from __future__ import annotations

import copy

from .. import data
from ..document import Source
from ..model import entities as m
from ..values import Absent, Known, Unknown, Value, known_str
from ..model.principals import esm_source_kind
from .cfn_base import CfnFrontend, function_entity, ref_kind, with_default

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"

BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
VPC_ACCESS = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
XRAY = "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"
PULL_POLICIES = {
    "SQS": "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole",
    "Kinesis": "arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole",
    "DynamoDB": "arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole",
    "MSK": "arn:aws:iam::aws:policy/service-role/AWSLambdaMSKExecutionRole",
}
PULL_KINDS = {"SQS": "sqs", "Kinesis": "kinesis", "DynamoDB": "dynamodb", "MSK": "kafka", "MQ": "mq",
              "SelfManagedKafka": "kafka", "DocumentDB": "docdb"}
PUSH_EVENTS = {  # SAM event type -> (source kind, invocation)
    "S3": ("s3", "async"), "SNS": ("sns", "async"), "Api": ("apigateway", "sync"),
    "HttpApi": ("apigateway", "sync"), "Schedule": ("events", "async"), "ScheduleV2": ("scheduler", "async"),
    "CloudWatchEvent": ("events", "async"), "EventBridgeRule": ("events", "async"),
    "CloudWatchLogs": ("logs", "async"), "IoTRule": ("iot", "async"), "AlexaSkill": ("alexa-appkit", "sync"),
    "Cognito": ("cognito-idp", "sync"),
}
DESTINATION_ACTIONS = {"SQS": "sqs:SendMessage", "SNS": "sns:Publish", "Lambda": "lambda:InvokeFunction",
                       "EventBridge": "events:PutEvents", "S3Bucket": "s3:PutObject", "S3": "s3:PutObject"}


def is_sam(template) -> bool:
    if not isinstance(template, dict):
        return False
    transform = template.get("Transform")
    names = transform if isinstance(transform, list) else [transform]
    if SAM_TRANSFORM in names:
        return True
    resources = template.get("Resources")
    return isinstance(resources, dict) and any(
        isinstance(b, dict) and str(b.get("Type", "")).startswith("AWS::Serverless::") for b in resources.values())


def declare_generated(fe: CfnFrontend) -> None:
    """Let ``!GetAtt FunctionRole.Arn`` and friends resolve to what SAM will generate."""
    # SAM names what it generates after the SAM resource (FunctionRole, Api.Stage, FnEventPermission)
    fe.r.generated_prefixes = ("ServerlessRestApi", "ServerlessHttpApi") + tuple(
        lid for lid, body in fe.r.resources.items()
        if isinstance(body, dict) and str(body.get("Type", "")).startswith("AWS::Serverless::"))
    for lid, body in fe.r.resources.items():
        if isinstance(body, dict) and body.get("Type") == "AWS::Serverless::Function":
            props = body.get("Properties") if isinstance(body.get("Properties"), dict) else {}
            if "Role" not in props:
                fe.extra_types[lid + "Role"] = "AWS::IAM::Role"
            alias = props.get("AutoPublishAlias") or _globals(fe).get("AutoPublishAlias")
            if isinstance(alias, str):
                fe.extra_types[lid + "Alias" + alias] = "AWS::Lambda::Alias"
                fe.extra_types[lid + ".Alias"] = "AWS::Lambda::Alias"


CONNECTOR_PRINCIPALS = {  # connector source type -> principal of the Lambda permission SAM writes
    "AWS::S3::Bucket": "s3.amazonaws.com", "AWS::SNS::Topic": "sns.amazonaws.com",
    "AWS::Events::Rule": "events.amazonaws.com", "AWS::ApiGateway::RestApi": "apigateway.amazonaws.com",
    "AWS::Serverless::Api": "apigateway.amazonaws.com", "AWS::ApiGatewayV2::Api": "apigateway.amazonaws.com",
    "AWS::Serverless::HttpApi": "apigateway.amazonaws.com",
}


def mark_connectors(fe: CfnFrontend) -> None:
    """SAM connectors (``AWS::Serverless::Connector``, or ``Connectors`` embedded in a resource)
    add policies to the roles of the functions they connect; lambdalint does not model those
    policies, so such roles are marked as not fully known (checks on them stay undecided).  A
    connector from a push source (bucket, topic, rule, API) to a function also writes the Lambda
    permission: that one is modelled."""
    ends = []  # (connector name, endpoint)
    pairs = []  # (connector name, source endpoint, destination endpoint, source)
    for lid, body in fe.r.resources.items():
        if not isinstance(body, dict):
            continue
        props = body.get("Properties") if isinstance(body.get("Properties"), dict) else {}
        if body.get("Type") == "AWS::Serverless::Connector":
            destinations = props.get("Destination")
            for endpoint in destinations if isinstance(destinations, list) else [destinations]:
                pairs.append((lid, props.get("Source"), endpoint, fe.header(lid)))
        embedded = body.get("Connectors")
        if isinstance(embedded, dict):
            for name, connector in embedded.items():
                cprops = connector.get("Properties") if isinstance(connector, dict) else None
                destinations = cprops.get("Destination") if isinstance(cprops, dict) else None
                for endpoint in destinations if isinstance(destinations, list) else [destinations]:
                    pairs.append((f"{lid}{name}", {"Id": lid}, endpoint, Source(fe.doc, ("Resources", lid, "Connectors", name))))
    for name, source, destination, at in pairs:
        ends += [(name, source), (name, destination)]
        # a push source connected to a function: SAM writes the Lambda permission for it
        target = destination.get("Id") if isinstance(destination, dict) else None
        origin = source.get("Id") if isinstance(source, dict) else None
        principal = CONNECTOR_PRINCIPALS.get(
            (source.get("Type") if isinstance(source, dict) else None) or (fe.r.resource_type(origin) if isinstance(origin, str) else None))
        if principal and isinstance(fe.model.entities.get(fe.r.node(target) if isinstance(target, str) else ""), m.Function):
            fe.model.add(m.Permission(
                f"{fe.r.node(name)}/Permission/{target}", f"{name}WriteLambdaPermission", "lambda:permission", at,
                function=Known(_ref(fe, target, "name"), at), action=Known("lambda:InvokeFunction", at),
                principal=Known(principal, at), source_arn=Known(_ref(fe, origin, "arn"), at) if isinstance(origin, str) else Unknown(
                    "connector Source given by Arn, not Id", at), generated_by="SAM",
                native_type="AWS::Lambda::Permission (generated by a SAM connector)"))
    for name, endpoint in ends:
        target = endpoint.get("Id") if isinstance(endpoint, dict) else None
        fn = fe.model.entities.get(fe.r.node(target)) if isinstance(target, str) else None
        role = fe.model.entity(fn.role) if isinstance(fn, m.Function) else None
        if isinstance(role, m.Role):
            role.unresolved.append(f"SAM connector {name} (the policies it adds are not modelled)")


def _globals(fe: CfnFrontend) -> dict:
    template = fe.doc.data
    section = template.get("Globals") if isinstance(template, dict) else None
    function = section.get("Function") if isinstance(section, dict) else None
    return function if isinstance(function, dict) else {}


def merge(local: Value | None, inherited: Value | None) -> Value | None:
    """SAM's Globals merge: maps merge key by key, lists concatenate, otherwise local wins."""
    if inherited is None:
        return local
    if local is None:
        return inherited
    if isinstance(local, Known) and isinstance(inherited, Known):
        if isinstance(local.value, dict) and isinstance(inherited.value, dict):
            merged = dict(inherited.value)
            for key, value in local.value.items():
                merged[key] = merge(value, inherited.value.get(key))
            return Known(merged, local.source)
        if isinstance(local.value, list) and isinstance(inherited.value, list):
            return Known(inherited.value + local.value, local.source)
    return local


def function(fe: CfnFrontend, lid: str, body: dict, props: dict, path: tuple) -> list:
    globals_raw = _globals(fe)
    ignore = body.get("IgnoreGlobals")  # "*" or a list of Globals keys this resource opts out of
    if ignore == "*":
        globals_raw = {}
    elif isinstance(ignore, list):
        globals_raw = {k: v for k, v in globals_raw.items() if k not in ignore}
    header = fe.header(lid)
    inherited_keys = set()

    def get(key: str) -> Value:
        local = fe.r.resolve(props[key], path + (key,)) if key in props else None
        inherited = fe.r.resolve(globals_raw[key], ("Globals", "Function", key)) if key in globals_raw else None
        if inherited is not None and local is None:
            inherited_keys.add(key)
        value = merge(local, inherited)
        return Absent(header) if value is None else value

    def sam_get(key: str) -> Value:
        # SAM spells a few properties differently from AWS::Lambda::Function
        if key == "Code":
            return Absent(header)
        if key == "TracingConfig":
            tracing = get("Tracing")
            return tracing if tracing.absent else Known({"Mode": tracing}, tracing.source)
        if key == "DeadLetterConfig":
            return Absent(header)
        return get(key)

    fn = function_entity(fe, lid, sam_get)
    fn.inherited = inherited_keys
    fn.image_uri = get("ImageUri")
    metadata = body.get("Metadata") if isinstance(body.get("Metadata"), dict) else {}
    if fn.image_uri.absent and ("Dockerfile" in metadata or "DockerContext" in metadata):
        fn.image_uri = Unknown("ImageUri set by `sam build` from Metadata.Dockerfile", Source(fe.doc, ("Resources", lid, "Metadata")))
    code = get("CodeUri")
    if isinstance(code, Known) and isinstance(code.value, str) and not code.value.startswith("s3://"):
        fn.code_path = code
        fn.code_mode_added = 0o444  # SAM CLI zips a CodeUri directory with files made o+r
    dlq = get("DeadLetterQueue")
    fn.dead_letter_target = fe.sub(dlq, "TargetArn")
    fn.dead_letter_type = fe.sub(dlq, "Type")
    fn.provisioned_concurrency = fe.sub(get("ProvisionedConcurrencyConfig"), "ProvisionedConcurrentExecutions")
    fn.auto_publish_alias = get("AutoPublishAlias")
    if isinstance(fn.tracing, Known) and fn.tracing.value == "Disabled":
        fn.tracing = Absent(fn.tracing.source)
    entities: list = [fn]

    invoke = get("EventInvokeConfig")
    if not invoke.absent:
        entities.append(_invoke_config(fe, lid, fn, invoke))
    alias_name = known_str(fn.auto_publish_alias)
    if alias_name:
        entities.append(m.Alias(fe.r.node(lid + "Alias" + alias_name), f"{lid}Alias{alias_name}", "lambda:alias",
                                fn.auto_publish_alias.source, function=Known(_self_ref(fe, lid), header),
                                qualifier=fn.auto_publish_alias, provisioned_concurrency=fn.provisioned_concurrency))
    events = fe.get(props, "Events", path, lid)
    pull_types = []
    if isinstance(events, Known) and isinstance(events.value, dict):
        for name, event in events.value.items():
            entities.extend(_event(fe, lid, fn, name, event, pull_types))
    if fn.role.absent:
        role = _generated_role(fe, lid, fn, props, path, pull_types, invoke)
        fn.role = Known(_ref(fe, role.name, "arn"), header)
        entities.append(role)
    return entities


def _self_ref(fe, lid):
    from ..values import ResourceRef

    return ResourceRef(fe.r.node(lid), "name", fe.r.display(lid))


def _ref(fe, lid, attr):
    from ..values import ResourceRef

    return ResourceRef(fe.r.node(lid), attr, fe.r.display(lid))


def _invoke_config(fe, lid, fn, invoke: Value) -> m.EventInvokeConfig:
    config = fe.sub(invoke, "DestinationConfig")

    def destination(key):
        block = fe.sub(config, key)
        if block.absent:
            return None
        return m.Destination(target=fe.sub(block, "Destination"), type=fe.sub(block, "Type"))

    return m.EventInvokeConfig(
        fe.r.node(lid) + "/EventInvokeConfig", f"{lid}EventInvokeConfig", "lambda:event-invoke-config",
        invoke.source, function=Known(_self_ref(fe, lid), fn.source),
        qualifier=Known(known_str(fn.auto_publish_alias) or "$LATEST", invoke.source),
        max_retry_attempts=fe.sub(invoke, "MaximumRetryAttempts"),
        max_event_age=fe.sub(invoke, "MaximumEventAgeInSeconds"),
        on_success=destination("OnSuccess"), on_failure=destination("OnFailure"))


def _event(fe, lid, fn, name, event: Value, pull_types: list) -> list:
    etype = known_str(fe.sub(event, "Type"))
    props = fe.sub(event, "Properties")
    node = fe.r.node(lid) + "/Events/" + name
    display = f"{lid}.Events.{name}"
    function_ref = Known(_self_ref(fe, lid), fn.source)
    if etype in PULL_KINDS:
        pull_types.append(etype)
        source = fe.sub(props, "Queue") if etype == "SQS" else fe.sub(props, "Stream")
        if etype in ("MQ",):
            source = fe.sub(props, "Broker")
        if etype == "DocumentDB":
            source = fe.sub(props, "Cluster")
        kind = esm_source_kind(source, ref_kind(fe, source)) or PULL_KINDS[etype]
        return [m.EventSourceMapping(
            node, display, "lambda:event-source-mapping", event.source, function=function_ref,
            event_source=source, source_kind=kind, batch_size=fe.sub(props, "BatchSize"),
            batching_window=fe.sub(props, "MaximumBatchingWindowInSeconds"),
            starting_position=fe.sub(props, "StartingPosition"),
            on_failure=fe.sub(fe.sub(fe.sub(props, "DestinationConfig"), "OnFailure"), "Destination"),
            generated_by="SAM", native_type=f"SAM {etype} event")]
    if etype in PUSH_EVENTS:
        kind, invocation = PUSH_EVENTS[etype]
        source = {"S3": "Bucket", "SNS": "Topic", "Api": "RestApiId", "HttpApi": "ApiId"}.get(etype, "")
        found = []
        subscription = fe.sub(props, "SqsSubscription")
        if etype == "SNS" and _truthy(subscription):
            # SAM polls a queue through an SQS event source (and attaches the SQS poller policy);
            # without QueueArn it creates the queue itself, with the default 30 s visibility timeout
            pull_types.append("SQS")
            queue_arn = fe.sub(subscription, "QueueArn") if isinstance(subscription.value, dict) else Absent(event.source)
            at = subscription.source or event.source
            if queue_arn.absent:
                queue = m.Queue(node + "/Queue", f"{lid}{name}Queue", "sqs:queue", at,
                                fifo=Known(False, at), visibility_timeout=Known(30, at),
                                native_type="SAM SqsSubscription queue")
                found.append(queue)
                queue_arn = Known(_ref_node(queue), at)
            found.append(m.EventSourceMapping(
                node + "/EventSourceMapping", display, "lambda:event-source-mapping", event.source,
                function=function_ref, event_source=queue_arn, source_kind="sqs",
                batch_size=fe.sub(subscription, "BatchSize"),
                generated_by="SAM", native_type="SAM SNS SqsSubscription"))
            return found
        found.append(m.Trigger(node, display, "lambda:trigger", event.source, function=function_ref, source_kind=kind,
                               invocation=invocation, event_source=fe.sub(props, source) if source else Absent(event.source),
                               permission_generated=True, native_type=f"SAM {etype} event",
                               http_api=etype == "HttpApi"))
        return found
    return []


def _ref_node(entity):
    from ..values import ResourceRef

    return ResourceRef(entity.node, "arn", entity.name)


def _truthy(value: Value) -> bool:
    if isinstance(value, Known):
        return value.value is True or str(value.value).lower() == "true" or isinstance(value.value, dict)
    return False


def _statement_doc(actions, resource: Value, source: Source) -> Value:
    if actions == ["s3:PutObject"]:  # SAM grants PutObject on the bucket's objects (bucket/*)
        from ..values import ResourceRef

        leaf = resource.value if isinstance(resource, Known) else None
        text = leaf.token() if isinstance(leaf, ResourceRef) else leaf if isinstance(leaf, str) else None
        if text is not None:
            resource = Known(text + "/*", resource.source)
    statement = Known({"Effect": Known("Allow", source), "Action": Known([Known(a, source) for a in actions], source),
                       "Resource": resource}, source)
    return Known({"Statement": Known([statement], source)}, source)


def _generated_role(fe, lid, fn, props, path, pull_types, invoke) -> m.Role:
    header = fe.header(lid)
    role = m.Role(fe.r.node(lid + "Role"), lid + "Role", "iam:role", header, generated_by="SAM",
                  native_type="AWS::IAM::Role (generated by SAM)")
    role.managed_arns.append(Known(BASIC, header))
    if not fn.vpc_config.absent:
        role.managed_arns.append(Known(VPC_ACCESS, fn.vpc_config.source))
    if not fn.tracing.absent:
        role.managed_arns.append(Known(XRAY, fn.tracing.source))
    for etype in pull_types:
        if etype in PULL_POLICIES:
            role.managed_arns.append(Known(PULL_POLICIES[etype], header))
    if not fn.dead_letter_target.absent:
        dlq_type = (known_str(fn.dead_letter_type) or "").upper()
        action = {"SQS": "sqs:SendMessage", "SNS": "sns:Publish"}.get(dlq_type)
        if action:
            role.inline_documents.append(("SAM dead-letter queue policy", _statement_doc([action], fn.dead_letter_target, header), header))
    config = fe.sub(invoke, "DestinationConfig")
    for key in ("OnSuccess", "OnFailure"):
        block = fe.sub(config, key)
        action = DESTINATION_ACTIONS.get(known_str(fe.sub(block, "Type")) or "")
        target = fe.sub(block, "Destination")
        if action and not target.absent:
            role.inline_documents.append((f"SAM {key} destination policy", _statement_doc([action], target, header), header))
    # pull events' OnFailure destinations: SAM adds sqs:SendMessage / sns:Publish (/ s3:PutObject)
    events = fe.get(props, "Events", path, lid)
    if isinstance(events, Known) and isinstance(events.value, dict):
        for name, event in events.value.items():
            if known_str(fe.sub(event, "Type")) not in PULL_KINDS:
                continue
            block = fe.sub(fe.sub(fe.sub(event, "Properties"), "DestinationConfig"), "OnFailure")
            action = DESTINATION_ACTIONS.get(known_str(fe.sub(block, "Type")) or "")
            target = fe.sub(block, "Destination")
            if action and not target.absent:
                role.inline_documents.append((f"SAM {name} event OnFailure destination policy",
                                              _statement_doc([action], target, header), header))
    _policies(fe, lid, role, props, path)
    return role


def _policies(fe, lid, role: m.Role, props, path) -> None:
    if "Policies" not in props:
        return
    raw = props["Policies"]
    items = raw if isinstance(raw, list) else [raw]
    templates = data.sam_policy_templates()  # already the "Templates" mapping
    managed = data.managed_policies()
    for index, item in enumerate(items):
        item_path = path + ("Policies",) + ((index,) if isinstance(raw, list) else ())
        source = Source(fe.doc, item_path)
        if isinstance(item, str):
            if item.startswith("arn:"):
                role.managed_arns.append(Known(item, source))
            elif item in managed:
                role.managed_arns.append(Known(managed[item]["arn"], source))
            else:
                role.unresolved.append(f"managed policy {item} (contents not known to lambdalint)")
        elif isinstance(item, dict) and len(item) == 1 and next(iter(item)) in templates:
            name, arguments = next(iter(item.items()))
            document = _instantiate(templates[name], arguments if isinstance(arguments, dict) else {})
            if document is None:
                role.unresolved.append(f"policy template {name} with unsupported arguments")
                continue
            role.inline_documents.append((f"SAM policy template {name}", fe.r.resolve(document, item_path + (name,)), source))
        elif isinstance(item, dict) and "Statement" in item:
            role.inline_documents.append((f"inline policy of {lid}", fe.r.resolve(item, item_path), source))
        elif isinstance(item, dict):
            value = fe.r.resolve(item, item_path)
            if isinstance(value, Known) and isinstance(value.value, dict):
                role.unresolved.append(f"policy {next(iter(item), '?')} (unknown SAM policy template)")
            else:
                role.managed_arns.append(value)
        else:
            role.unresolved.append(f"Policies item {index}")


def _instantiate(template: dict, arguments: dict):
    """Substitute a SAM policy template's parameters (``{"Ref": "QueueName"}``)."""
    parameters = template.get("Parameters", {})

    def walk(node):
        if isinstance(node, dict):
            if len(node) == 1 and "Ref" in node and node["Ref"] in parameters:
                return copy.deepcopy(arguments.get(node["Ref"], {"Ref": "AWS::NoValue"}))
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(template.get("Definition", {}))


__all__ = ["function", "is_sam", "declare_generated", "merge", "with_default", "Unknown"]
