"""CloudFormation (YAML and JSON) onto the normalized model.

This is the only place (with ``sam.py``) that knows CloudFormation property names.  Defaults
that CloudFormation applies when a property is absent are encoded here, never in rules.
"""
from __future__ import annotations

from ..document import Document, Source
from ..model import entities as m
from ..values import Absent, Either, Known, ResourceRef, Unknown, Value, known_str
from .cfn_intrinsics import CfnResolver

# ARN service / resource kinds for resource types that are only ever referenced
KIND_OF_TYPE = {
    "AWS::Lambda::Function": "lambda:function",
    "AWS::Serverless::Function": "lambda:function",
    "AWS::SQS::Queue": "sqs:queue",
    "AWS::SNS::Topic": "sns:topic",
    "AWS::DynamoDB::Table": "dynamodb:table",
    "AWS::Serverless::SimpleTable": "dynamodb:table",
    "AWS::S3::Bucket": "s3:bucket",
    "AWS::Events::EventBus": "events:event-bus",
    "AWS::Events::Rule": "events:rule",
    "AWS::Kinesis::Stream": "kinesis:stream",
    "AWS::StepFunctions::StateMachine": "states:state-machine",
    "AWS::Serverless::StateMachine": "states:state-machine",
    "AWS::Logs::LogGroup": "logs:log-group",
    "AWS::KMS::Key": "kms:key",
    "AWS::IAM::Role": "iam:role",
    "AWS::IAM::Policy": "iam:policy",
    "AWS::IAM::ManagedPolicy": "iam:policy",
    "AWS::EC2::Subnet": "ec2:subnet",
    "AWS::EC2::VPC": "ec2:vpc",
    "AWS::EC2::RouteTable": "ec2:route-table",
    "AWS::EC2::Route": "ec2:route",
    "AWS::EC2::SubnetRouteTableAssociation": "ec2:route-table-association",
    "AWS::EC2::NatGateway": "ec2:nat-gateway",
    "AWS::EC2::InternetGateway": "ec2:internet-gateway",
    "AWS::EC2::Instance": "ec2:instance",
    "AWS::EC2::VPCEndpoint": "ec2:vpc-endpoint",
    "AWS::EC2::SecurityGroup": "ec2:security-group",
    "AWS::Lambda::EventSourceMapping": "lambda:event-source-mapping",
    "AWS::Lambda::EventInvokeConfig": "lambda:event-invoke-config",
    "AWS::Lambda::Alias": "lambda:alias",
    "AWS::Lambda::Version": "lambda:version",
    "AWS::Lambda::Permission": "lambda:permission",
    "AWS::CloudWatch::Alarm": "cloudwatch:alarm",
    "AWS::ApiGateway::RestApi": "apigateway:rest-api",
    "AWS::Serverless::Api": "apigateway:rest-api",
    "AWS::ApiGatewayV2::Api": "apigateway:http-api",
    "AWS::Serverless::HttpApi": "apigateway:http-api",
    "AWS::Kafka::Cluster": "kafka:cluster",
    "AWS::AmazonMQ::Broker": "mq:broker",
}

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


class CfnFrontend:
    """Maps one CloudFormation/SAM document onto entities added to ``model``."""

    def __init__(self, doc: Document, model, parameters: dict | None = None):
        self.doc = doc
        self.model = model
        self.extra_types: dict[str, str] = {}
        self.r = CfnResolver(doc, parameters, self.extra_types)

    def header(self, logical_id: str) -> Source:
        return Source(self.doc, ("Resources", logical_id, "__key__"))

    def run(self) -> None:
        from . import sam

        resources = self.r.resources
        is_sam = sam.is_sam(self.doc.data)
        if is_sam:
            sam.declare_generated(self)
        for logical_id, body in resources.items():
            if not isinstance(body, dict) or not isinstance(body.get("Type"), str):
                continue
            rtype = body["Type"]
            props = body.get("Properties")
            props = props if isinstance(props, dict) else {}
            path = ("Resources", logical_id, "Properties")
            builder = BUILDERS.get(rtype)
            if rtype == "AWS::Serverless::Function":
                entities = sam.function(self, logical_id, body, props, path)
            elif builder is not None:
                entities = builder(self, logical_id, props, path)
            else:
                entities = [m.Resource(self.r.node(logical_id), logical_id, KIND_OF_TYPE.get(rtype, _kind_from_type(rtype)),
                                       self.header(logical_id))]
            condition = body.get("Condition") if isinstance(body.get("Condition"), str) else None
            for entity in entities or ():
                entity.native_type = entity.native_type or rtype
                if condition and entity.condition is None:
                    entity.condition = condition
                self.model.add(entity)
            self._depends_on(logical_id, body)
        if is_sam:
            sam.mark_connectors(self)
        self._exports()
        self._scan_references()

    def _scan_references(self) -> None:
        """LL003: references anywhere in the template (not only the values builders read),
        each reported once.  Skipped under a transform other than SAM (a macro or
        ``AWS::LanguageExtensions`` may create the names referenced)."""
        from .sam import SAM_TRANSFORM

        data = self.doc.data if isinstance(self.doc.data, dict) else {}
        transform = data.get("Transform")
        if any(name != SAM_TRANSFORM for name in (transform if isinstance(transform, list) else [transform] if transform else [])):
            return
        for lid, body in self.r.resources.items():
            if isinstance(body, dict):
                self.r.scan_references(body.get("Properties"), ("Resources", lid, "Properties"))
        for section in ("Outputs", "Conditions", "Globals"):
            self.r.scan_references(data.get(section), (section,))
        seen = set()
        for source, text in self.r.unresolved:
            if (source.path, text) not in seen:
                seen.add((source.path, text))
                self.model.unresolved_refs.append((source, text))

    def _depends_on(self, logical_id, body) -> None:
        depends = body.get("DependsOn")
        names = [depends] if isinstance(depends, str) else depends if isinstance(depends, list) else []
        for index, name in enumerate(names):
            if isinstance(name, str) and self.r.resource_type(name) is None and not self.r.generated(name):
                path = ("Resources", logical_id, "DependsOn") + ((index,) if isinstance(depends, list) else ())
                self.r.unresolved.append((Source(self.doc, path), f"DependsOn '{name}', which is not a resource"))

    def _exports(self) -> None:
        outputs = self.doc.data.get("Outputs") if isinstance(self.doc.data, dict) else None
        if not isinstance(outputs, dict):
            return
        for name, body in outputs.items():
            if not isinstance(body, dict) or not isinstance(body.get("Export"), dict):
                continue
            export_name = self.r.resolve(body["Export"].get("Name"), ("Outputs", name, "Export", "Name"))
            text = known_str(export_name)
            if text and "${" not in text:
                self.model.exports[text] = self.r.get(body, "Value", ("Outputs", name), Source(self.doc, ("Outputs", name)))

    # helpers for builders
    def get(self, props, key, path, logical_id) -> Value:
        return self.r.get(props, key, path, self.header(logical_id))

    def sub(self, value: Value, key: str) -> Value:
        """A key of a known mapping Value, else Absent (or the Unknown itself)."""
        if isinstance(value, Known) and isinstance(value.value, dict):
            return value.value.get(key, Absent(value.source))
        if isinstance(value, Unknown):
            return value
        if isinstance(value, Either):  # Fn::If around the block: the key in each branch
            return Either(value.condition, tuple(self.sub(option, key) for option in value.options), value.source)
        return Absent(value.source)


def _kind_from_type(rtype: str) -> str:
    parts = rtype.split("::")
    if len(parts) == 3:
        return f"{parts[1].lower()}:{parts[2].lower()}"
    return "unknown:" + rtype


def with_default(value: Value, default) -> Value:
    """CloudFormation's documented default for an absent property, located at the resource."""
    if value.absent:
        return Known(default, value.source)
    return value


def function_entity(fe: CfnFrontend, logical_id: str, get, node=None) -> m.Function:
    """Fields shared by AWS::Lambda::Function and SAM functions; ``get(key)`` returns a Value."""
    vpc = get("VpcConfig")
    dead_letter = get("DeadLetterConfig")
    tracing = fe.sub(get("TracingConfig"), "Mode")
    code = get("Code")
    fn = m.Function(
        node or fe.r.node(logical_id), logical_id, "lambda:function", fe.header(logical_id),
        function_name=get("FunctionName"), runtime=get("Runtime"), handler=get("Handler"),
        package_type=with_default(get("PackageType"), "Zip"), image_uri=fe.sub(code, "ImageUri"),
        timeout=with_default(get("Timeout"), 3), memory=with_default(get("MemorySize"), 128),
        ephemeral_storage=fe.sub(get("EphemeralStorage"), "Size"),
        environment=fe.sub(get("Environment"), "Variables"), layers=get("Layers"), role=get("Role"),
        vpc_config=vpc, subnets=fe.sub(vpc, "SubnetIds"), security_groups=fe.sub(vpc, "SecurityGroupIds"),
        dead_letter_target=fe.sub(dead_letter, "TargetArn"), tracing=tracing,
        reserved_concurrency=get("ReservedConcurrentExecutions"), capacity_provider=get("CapacityProviderConfig"),
        log_group=fe.sub(get("LoggingConfig"), "LogGroup"),
    )
    if isinstance(code, Known) and isinstance(code.value, dict):
        fn.code_path = Absent(code.source)
    elif isinstance(code, Known) and isinstance(code.value, str):
        fn.code_path = code  # a local path, before `aws cloudformation package`
    return fn


def _function(fe, lid, props, path):
    fn = function_entity(fe, lid, lambda key: fe.get(props, key, path, lid))
    body = fe.r.resources.get(lid)
    metadata = body.get("Metadata") if isinstance(body, dict) and isinstance(body.get("Metadata"), dict) else {}
    if fn.image_uri.absent and ("Dockerfile" in metadata or "DockerContext" in metadata):
        # `sam build` builds the image from Metadata.Dockerfile and fills Code.ImageUri
        fn.image_uri = Unknown("Code.ImageUri set by `sam build` from Metadata.Dockerfile",
                               Source(fe.doc, ("Resources", lid, "Metadata")))
    return [fn]


def _role(fe, lid, props, path):
    role = m.Role(fe.r.node(lid), lid, "iam:role", fe.header(lid), role_name=fe.get(props, "RoleName", path, lid))
    policies = fe.get(props, "Policies", path, lid)
    if isinstance(policies, Known) and isinstance(policies.value, list):
        for item in policies.value:
            name = known_str(fe.sub(item, "PolicyName")) or "?"
            role.inline_documents.append((f"inline policy {name} of {lid}", fe.sub(item, "PolicyDocument"), item.source))
    elif isinstance(policies, Unknown):
        role.unresolved.append(f"Policies: {policies.reason}")
    arns = fe.get(props, "ManagedPolicyArns", path, lid)
    if isinstance(arns, Known) and isinstance(arns.value, list):
        role.managed_arns.extend(arns.value)
    elif not arns.absent:
        role.managed_arns.append(arns)
    return [role]


def _policy(fe, lid, props, path):
    return [m.Policy(fe.r.node(lid), lid, "iam:policy", fe.header(lid),
                     document=fe.get(props, "PolicyDocument", path, lid), roles=fe.get(props, "Roles", path, lid))]


def _managed_policy(fe, lid, props, path):
    policy = _policy(fe, lid, props, path)[0]
    policy.policy_arn_managed = True
    return [policy]


def _subnet(fe, lid, props, path):
    return [m.Subnet(fe.r.node(lid), lid, "ec2:subnet", fe.header(lid), vpc=fe.get(props, "VpcId", path, lid),
                     availability_zone=fe.get(props, "AvailabilityZone", path, lid))]


def _route_table(fe, lid, props, path):
    return [m.RouteTable(fe.r.node(lid), lid, "ec2:route-table", fe.header(lid), vpc=fe.get(props, "VpcId", path, lid))]


def _route(fe, lid, props, path):
    get = lambda key: fe.get(props, key, path, lid)  # noqa: E731
    other = Absent(fe.header(lid))
    for key in ("TransitGatewayId", "VpcPeeringConnectionId", "VpcEndpointId", "NetworkInterfaceId",
                "CarrierGatewayId", "LocalGatewayId", "CoreNetworkArn", "EgressOnlyInternetGatewayId"):
        if key in props:
            other = get(key)
    return [m.Route(fe.r.node(lid), lid, "ec2:route", fe.header(lid), route_table=get("RouteTableId"),
                    destination=get("DestinationCidrBlock"), destination_ipv6=get("DestinationIpv6CidrBlock"),
                    gateway=get("GatewayId"), nat_gateway=get("NatGatewayId"), instance=get("InstanceId"),
                    other_target=other)]


def _association(fe, lid, props, path):
    return [m.RouteTableAssociation(fe.r.node(lid), lid, "ec2:route-table-association", fe.header(lid),
                                    subnet=fe.get(props, "SubnetId", path, lid),
                                    route_table=fe.get(props, "RouteTableId", path, lid))]


def _nat(fe, lid, props, path):
    return [m.NatGateway(fe.r.node(lid), lid, "ec2:nat-gateway", fe.header(lid), subnet=fe.get(props, "SubnetId", path, lid),
                         connectivity=with_default(fe.get(props, "ConnectivityType", path, lid), "public"))]


def _igw(fe, lid, props, path):
    return [m.InternetGateway(fe.r.node(lid), lid, "ec2:internet-gateway", fe.header(lid))]


def _instance(fe, lid, props, path):
    subnet = fe.get(props, "SubnetId", path, lid)
    interfaces = fe.get(props, "NetworkInterfaces", path, lid)
    if subnet.absent and isinstance(interfaces, Known) and isinstance(interfaces.value, list) and interfaces.value:
        subnet = fe.sub(interfaces.value[0], "SubnetId")
    return [m.Instance(fe.r.node(lid), lid, "ec2:instance", fe.header(lid), subnet=subnet)]


def _vpc(fe, lid, props, path):
    return [m.Vpc(fe.r.node(lid), lid, "ec2:vpc", fe.header(lid), tenancy=fe.get(props, "InstanceTenancy", path, lid))]


def _endpoint(fe, lid, props, path):
    get = lambda key: fe.get(props, key, path, lid)  # noqa: E731
    etype = with_default(get("VpcEndpointType"), "Gateway")
    return [m.VpcEndpoint(fe.r.node(lid), lid, "ec2:vpc-endpoint", fe.header(lid), vpc=get("VpcId"),
                          service_name=get("ServiceName"), endpoint_type=etype, route_tables=get("RouteTableIds"),
                          subnets=get("SubnetIds"), private_dns=with_default(get("PrivateDnsEnabled"), False))]


def _queue(fe, lid, props, path):
    get = lambda key: fe.get(props, key, path, lid)  # noqa: E731
    return [m.Queue(fe.r.node(lid), lid, "sqs:queue", fe.header(lid), queue_name=get("QueueName"),
                    fifo=with_default(get("FifoQueue"), False), visibility_timeout=with_default(get("VisibilityTimeout"), 30),
                    redrive_policy=get("RedrivePolicy"))]


def _topic(fe, lid, props, path):
    return [m.Topic(fe.r.node(lid), lid, "sns:topic", fe.header(lid), topic_name=fe.get(props, "TopicName", path, lid),
                    fifo=with_default(fe.get(props, "FifoTopic", path, lid), False))]


def _esm(fe, lid, props, path):
    get = lambda key: fe.get(props, key, path, lid)  # noqa: E731
    source = get("EventSourceArn")
    return [m.EventSourceMapping(
        fe.r.node(lid), lid, "lambda:event-source-mapping", fe.header(lid), function=get("FunctionName"),
        event_source=source, source_kind=esm_source_kind(source, _ref_kind(fe, source)), batch_size=get("BatchSize"),
        batching_window=get("MaximumBatchingWindowInSeconds"), starting_position=get("StartingPosition"),
        on_failure=fe.sub(fe.sub(get("DestinationConfig"), "OnFailure"), "Destination"))]


def _ref_kind(fe, value: Value) -> str | None:
    if isinstance(value, Known) and isinstance(value.value, ResourceRef):
        rtype = fe.r.resource_type(value.value.name)
        return KIND_OF_TYPE.get(rtype) if rtype else None
    return None


def _destination(fe, config: Value, key: str):
    target = fe.sub(fe.sub(config, key), "Destination")
    return None if target.absent else m.Destination(target=target)


def _invoke_config(fe, lid, props, path):
    get = lambda key: fe.get(props, key, path, lid)  # noqa: E731
    config = get("DestinationConfig")
    return [m.EventInvokeConfig(
        fe.r.node(lid), lid, "lambda:event-invoke-config", fe.header(lid), function=get("FunctionName"),
        qualifier=get("Qualifier"), max_retry_attempts=get("MaximumRetryAttempts"),
        max_event_age=get("MaximumEventAgeInSeconds"), on_success=_destination(fe, config, "OnSuccess"),
        on_failure=_destination(fe, config, "OnFailure"))]


def _alias(fe, lid, props, path):
    get = lambda key: fe.get(props, key, path, lid)  # noqa: E731
    return [m.Alias(fe.r.node(lid), lid, "lambda:alias", fe.header(lid), function=get("FunctionName"),
                    qualifier=get("Name"), version=get("FunctionVersion"),
                    provisioned_concurrency=fe.sub(get("ProvisionedConcurrencyConfig"), "ProvisionedConcurrentExecutions"))]


def _version(fe, lid, props, path):
    alias = _alias(fe, lid, props, path)[0]
    alias.kind, alias.is_version, alias.qualifier = "lambda:version", True, Known("version", fe.header(lid))
    return [alias]


def _permission(fe, lid, props, path):
    get = lambda key: fe.get(props, key, path, lid)  # noqa: E731
    permission = m.Permission(fe.r.node(lid), lid, "lambda:permission", fe.header(lid), function=get("FunctionName"),
                              action=get("Action"), principal=get("Principal"), source_arn=get("SourceArn"),
                              source_account=get("SourceAccount"))
    found = [permission]
    service = principal_service(permission.principal)
    if service in INVOCATION_OF_PRINCIPAL:
        found.append(m.Trigger(fe.r.node(lid) + "/trigger", lid, "lambda:trigger", fe.header(lid),
                               function=permission.function, source_kind=service,
                               invocation=INVOCATION_OF_PRINCIPAL[service], event_source=permission.source_arn,
                               from_permission=True))
    return found


def _named_resource(key: str, kind: str):
    """A resource only ever referenced (DynamoDB table, Kinesis stream) whose physical name an
    IAM resource pattern may spell out."""
    def build(fe, lid, props, path):
        return [m.Resource(fe.r.node(lid), lid, kind, fe.header(lid), physical_name=fe.get(props, key, path, lid))]
    return build


def _log_group(fe, lid, props, path):
    return [m.LogGroup(fe.r.node(lid), lid, "logs:log-group", fe.header(lid),
                       log_group_name=fe.get(props, "LogGroupName", path, lid),
                       retention=fe.get(props, "RetentionInDays", path, lid))]


def _alarm(fe, lid, props, path):
    get = lambda key: fe.get(props, key, path, lid)  # noqa: E731
    dims = {}
    raw_dims = get("Dimensions")
    if isinstance(raw_dims, Known) and isinstance(raw_dims.value, list):
        for item in raw_dims.value:
            name = known_str(fe.sub(item, "Name"))
            if name:
                dims[name] = fe.sub(item, "Value")
    return [m.Alarm(fe.r.node(lid), lid, "cloudwatch:alarm", fe.header(lid), namespace=get("Namespace"),
                    metric=get("MetricName"), dimensions=Known(dims, raw_dims.source))]


def _subscription(fe, lid, props, path):
    get = lambda key: fe.get(props, key, path, lid)  # noqa: E731
    if (known_str(get("Protocol")) or "").lower() != "lambda":
        return [m.Resource(fe.r.node(lid), lid, "sns:subscription", fe.header(lid))]
    return [m.Trigger(fe.r.node(lid), lid, "lambda:trigger", fe.header(lid), function=get("Endpoint"), source_kind="sns",
                      invocation="async", event_source=get("TopicArn"))]


LAMBDA_TARGET_TYPES = ("AWS::Lambda::Function", "AWS::Serverless::Function", "AWS::Lambda::Alias", "AWS::Lambda::Version")


def _function_refs(fe, value: Value) -> list[Value]:
    """References to a function (or its alias/version) in a push source's target: a
    ResourceRef, or the tokens ``${<node>.arn}`` inside an integration URI built with Sub/Join."""
    import re

    found = []
    for leaf in value.leaves():
        if isinstance(leaf, Known) and isinstance(leaf.value, ResourceRef):
            found.append(leaf)
        elif isinstance(leaf, Known) and isinstance(leaf.value, str):
            for token in re.findall(r"\$\{([^}]*#[^}]*)\}", leaf.value):
                node, _, attr = token.rpartition(".")
                found.append(Known(ResourceRef(node, attr, node.rsplit("#", 1)[-1]), leaf.source))
    return [ref for ref in found if fe.r.resource_type(ref.value.name) in LAMBDA_TARGET_TYPES]


def _push_triggers(fe, lid, functions: list, kind: str, invocation: str, source: Value) -> list:
    return [m.Trigger(f"{fe.r.node(lid)}/trigger/{index}", lid, "lambda:trigger", fe.header(lid), function=fn,
                      source_kind=kind, invocation=invocation, event_source=source)
            for index, fn in enumerate(functions)]


def _bucket(fe, lid, props, path):
    notifications = fe.get(props, "NotificationConfiguration", path, lid)
    configurations = fe.sub(notifications, "LambdaConfigurations")
    functions = []
    if isinstance(configurations, Known) and isinstance(configurations.value, list):
        for item in configurations.value:
            functions.extend(_function_refs(fe, fe.sub(item, "Function")))
    self_ref = Known(ResourceRef(fe.r.node(lid), "arn", lid), fe.header(lid))
    return [m.Resource(fe.r.node(lid), lid, "s3:bucket", fe.header(lid))] + _push_triggers(
        fe, lid, functions, "s3", "async", self_ref)


def _events_rule(fe, lid, props, path):
    targets = fe.get(props, "Targets", path, lid)
    functions = []
    if isinstance(targets, Known) and isinstance(targets.value, list):
        for item in targets.value:
            functions.extend(_function_refs(fe, fe.sub(item, "Arn")))
    self_ref = Known(ResourceRef(fe.r.node(lid), "arn", lid), fe.header(lid))
    return [m.Resource(fe.r.node(lid), lid, "events:rule", fe.header(lid))] + _push_triggers(
        fe, lid, functions, "events", "async", self_ref)


def _api_method(fe, lid, props, path):
    integration = fe.get(props, "Integration", path, lid)
    functions = _function_refs(fe, fe.sub(integration, "Uri"))
    # a non-proxy integration may ask for an asynchronous invoke (X-Amz-Invocation-Type: 'Event')
    parameters = fe.sub(integration, "RequestParameters")
    invocation_type = known_str(fe.sub(parameters, "integration.request.header.X-Amz-Invocation-Type")) or ""
    invocation = "async" if invocation_type.strip("'\"") == "Event" else "sync"
    return [m.Resource(fe.r.node(lid), lid, "apigateway:method", fe.header(lid))] + _push_triggers(
        fe, lid, functions, "apigateway", invocation, fe.get(props, "RestApiId", path, lid))


def _api_v2_integration(fe, lid, props, path):
    functions = _function_refs(fe, fe.get(props, "IntegrationUri", path, lid))
    triggers = _push_triggers(fe, lid, functions, "apigateway", "sync", fe.get(props, "ApiId", path, lid))
    for trigger in triggers:
        trigger.http_api = True
    return [m.Resource(fe.r.node(lid), lid, "apigateway:integration", fe.header(lid))] + triggers


BUILDERS = {
    "AWS::Lambda::Function": _function,
    "AWS::IAM::Role": _role,
    "AWS::IAM::Policy": _policy,
    "AWS::IAM::ManagedPolicy": _managed_policy,
    "AWS::EC2::Subnet": _subnet,
    "AWS::EC2::RouteTable": _route_table,
    "AWS::EC2::Route": _route,
    "AWS::EC2::SubnetRouteTableAssociation": _association,
    "AWS::EC2::NatGateway": _nat,
    "AWS::EC2::InternetGateway": _igw,
    "AWS::EC2::Instance": _instance,
    "AWS::EC2::VPC": _vpc,
    "AWS::EC2::VPCEndpoint": _endpoint,
    "AWS::SQS::Queue": _queue,
    "AWS::SNS::Topic": _topic,
    "AWS::SNS::Subscription": _subscription,
    "AWS::Lambda::EventSourceMapping": _esm,
    "AWS::Lambda::EventInvokeConfig": _invoke_config,
    "AWS::Lambda::Alias": _alias,
    "AWS::Lambda::Version": _version,
    "AWS::Lambda::Permission": _permission,
    "AWS::Logs::LogGroup": _log_group,
    "AWS::CloudWatch::Alarm": _alarm,
    "AWS::DynamoDB::Table": _named_resource("TableName", "dynamodb:table"),
    "AWS::Kinesis::Stream": _named_resource("Name", "kinesis:stream"),
    "AWS::S3::Bucket": _bucket,
    "AWS::Events::Rule": _events_rule,
    "AWS::ApiGateway::Method": _api_method,
    "AWS::ApiGatewayV2::Integration": _api_v2_integration,
}
