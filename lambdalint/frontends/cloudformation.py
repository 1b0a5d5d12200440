"""CloudFormation resource types onto the normalized model: one builder per resource type.

This is the only place (with ``sam.py``) that knows CloudFormation property names.  Defaults
that CloudFormation applies when a property is absent are encoded here, never in rules.
"""
from __future__ import annotations

from ..document import Source
from ..model import entities as m
from ..model.principals import INVOCATION_OF_PRINCIPAL, URL_ACTION, esm_kind, principal_service
from ..values import Absent, Known, Reason, Unknown, Value, known_bool, known_str
from .cfn_base import function_entity, ref_kind, with_default
from .cfn_apigateway import BUILDERS as API_BUILDERS, permission_trigger
from .cfn_triggers import PUSH_BUILDERS, topic_subscriptions


def _function(fe, lid, props, path):
    fn = function_entity(fe, lid, lambda key: fe.get(props, key, path, lid))
    body = fe.r.resources.get(lid)
    metadata = body.get("Metadata") if isinstance(body, dict) and isinstance(body.get("Metadata"), dict) else {}
    if fn.image_uri.absent and ("Dockerfile" in metadata or "DockerContext" in metadata):
        # `sam build` builds the image from Metadata.Dockerfile and fills Code.ImageUri
        fn.image_uri = Unknown("Code.ImageUri set by `sam build` from Metadata.Dockerfile",
                               Source(fe.doc, ("Resources", lid, "Metadata")), cause="not-built")
    if isinstance(body, dict) and (metadata or "Code" in props):
        from .cdk import code_asset

        asset = code_asset(fe, lid, body, fe.get(props, "Code", path, lid))  # an AWS CDK asset
        if asset is not None:
            fn.code_path = asset
    return [fn]


def _role(fe, lid, props, path):
    role = m.Role(fe.r.node(lid), lid, "iam:role", fe.header(lid), role_name=fe.get(props, "RoleName", path, lid))
    policies = fe.get(props, "Policies", path, lid)
    if isinstance(policies, Known) and isinstance(policies.value, list):
        for index, item in enumerate(policies.value):
            # under Fn::If the name is each branch's; a name known only at deploy time: its position
            names = [leaf.value for leaf in fe.sub(item, "PolicyName").leaves()
                     if isinstance(leaf, Known) and isinstance(leaf.value, str)]
            name = " or ".join(dict.fromkeys(names)) or f"Policies[{index}]"
            role.inline_documents.append((f"inline policy {name} of {lid}", fe.sub(item, "PolicyDocument"), item.source))
    elif isinstance(policies, Unknown):
        role.unresolved.append(Reason(f"Policies: {policies.reason}", policies.cause))
    arns = fe.get(props, "ManagedPolicyArns", path, lid)
    if isinstance(arns, Known) and isinstance(arns.value, list):
        role.managed_arns.extend(arns.value)
    elif not arns.absent:
        role.managed_arns.append(arns)
    return [role]


def _policy(fe, lid, props, path):
    return [m.Policy(fe.r.node(lid), lid, "iam:policy", fe.header(lid),
                     document=fe.get(props, "PolicyDocument", path, lid), roles=fe.get(props, "Roles", path, lid))]


def _role_policy(fe, lid, props, path):
    """``AWS::IAM::RolePolicy``: one inline policy of one role (``RoleName``)."""
    role = fe.get(props, "RoleName", path, lid)
    return [m.Policy(fe.r.node(lid), lid, "iam:policy", fe.header(lid),
                     document=fe.get(props, "PolicyDocument", path, lid), roles=Known([role], role.source))]


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
    topic = m.Topic(fe.r.node(lid), lid, "sns:topic", fe.header(lid), topic_name=fe.get(props, "TopicName", path, lid),
                    fifo=with_default(fe.get(props, "FifoTopic", path, lid), False))
    return [topic] + topic_subscriptions(fe, lid, props, path)


# properties that only one kind of event source accepts: the mapping's kind even when its source
# is known only at deploy time (SAM's MQ, MSK, SelfManagedKafka and DocumentDB events write them)
KIND_OF_ESM_PROPERTY = {"Queues": "mq", "Topics": "kafka", "SelfManagedEventSource": "kafka",
                        "AmazonManagedKafkaEventSourceConfig": "kafka", "SelfManagedKafkaEventSourceConfig": "kafka",
                        "DocumentDBEventSourceConfig": "docdb"}


def _esm(fe, lid, props, path):
    get = lambda key: fe.get(props, key, path, lid)  # noqa: E731
    source = get("EventSourceArn")
    kind = esm_kind(source, lambda leaf: ref_kind(fe, leaf))
    if not (isinstance(kind, str) and kind):
        kind = next((k for key, k in KIND_OF_ESM_PROPERTY.items() if key in props), kind)
    return [m.EventSourceMapping(
        fe.r.node(lid), lid, "lambda:event-source-mapping", fe.header(lid), function=get("FunctionName"),
        event_source=source, source_kind=kind, batch_size=get("BatchSize"),
        batching_window=get("MaximumBatchingWindowInSeconds"), starting_position=get("StartingPosition"),
        on_failure=fe.sub(fe.sub(get("DestinationConfig"), "OnFailure"), "Destination"))]


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
    permission.via_function_url = (known_str(permission.action) == URL_ACTION
                                   or known_bool(get("InvokedViaFunctionUrl")) is True)
    found = [permission]
    service = principal_service(permission.principal)
    if service in INVOCATION_OF_PRINCIPAL:
        found.append(permission_trigger(fe, lid, permission, service))
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


BUILDERS = {
    "AWS::Lambda::Function": _function,
    "AWS::IAM::Role": _role,
    "AWS::IAM::Policy": _policy,
    "AWS::IAM::ManagedPolicy": _managed_policy,
    "AWS::IAM::RolePolicy": _role_policy,
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
    "AWS::Lambda::EventSourceMapping": _esm,
    "AWS::Lambda::EventInvokeConfig": _invoke_config,
    "AWS::Lambda::Alias": _alias,
    "AWS::Lambda::Version": _version,
    "AWS::Lambda::Permission": _permission,
    "AWS::Logs::LogGroup": _log_group,
    "AWS::CloudWatch::Alarm": _alarm,
    "AWS::DynamoDB::Table": _named_resource("TableName", "dynamodb:table"),
    "AWS::Kinesis::Stream": _named_resource("Name", "kinesis:stream"),
    **PUSH_BUILDERS,
    **API_BUILDERS,
}
