"""The normalized model: one class per kind of thing the rules reason about.

Frontends (CloudFormation/SAM, Terraform HCL/JSON/plan) fill these; rules only read them.  Every
property is a ``Value`` (Known/Unknown/Absent/Either) with its source, so a rule never needs to
know which format a value came from.  Format defaults (CloudFormation's Timeout 3, Terraform's
``reserved_concurrent_executions = -1``) are applied by the frontends, never by rules.

Kinds are ``service:thing`` strings (``sqs:queue``, ``lambda:function``) so a rule can compare a
resource's service with an ARN's service without knowing any native type name.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..document import Source
from ..values import Absent, Value

NOT_SET = Absent()


def _absent() -> Value:
    return NOT_SET


@dataclass(eq=False)
class Entity:
    node: str  # unique model node id
    name: str  # what the user calls it: logical ID or Terraform address
    kind: str
    source: Source  # the resource's header, where findings about absent values point
    condition: str | None = None  # CloudFormation Condition / Terraform count that may be 0
    native_type: str = ""  # AWS::SQS::Queue / aws_sqs_queue, for messages only
    construct_path: str | None = None  # AWS CDK construct path (aws:cdk:path), for reports

    def links(self):
        """(reason, Value) pairs the model turns into graph edges when the value is a
        known reference to another entity."""
        return ()

    @property
    def service(self) -> str:
        return self.kind.split(":", 1)[0]


@dataclass(eq=False)
class Function(Entity):
    function_name: Value = field(default_factory=_absent)
    runtime: Value = field(default_factory=_absent)
    handler: Value = field(default_factory=_absent)
    package_type: Value = field(default_factory=_absent)  # "Zip" | "Image"
    image_uri: Value = field(default_factory=_absent)
    code_path: Value = field(default_factory=_absent)  # local package path (dir or zip), if any
    # mode bits the packaging tool ORs into each file when it zips a code_path directory
    # (SAM CLI `sam package`/`deploy` adds 0o444); a zip code_path is uploaded as it is
    code_mode_added: int = 0
    # the mode the packaging tool gives every file instead of its own (Terraform archive_file
    # output_file_mode), and the patterns of paths it leaves out (archive_file excludes, matched
    # relative to code_path with ** globs): Known(int) / Known([Value str...]), Unknown, or Absent
    code_mode_set: Value = field(default_factory=_absent)
    code_excludes: Value = field(default_factory=_absent)
    timeout: Value = field(default_factory=_absent)
    memory: Value = field(default_factory=_absent)
    ephemeral_storage: Value = field(default_factory=_absent)
    environment: Value = field(default_factory=_absent)  # Known({name: Value})
    layers: Value = field(default_factory=_absent)
    role: Value = field(default_factory=_absent)  # ResourceRef to a Role, an ARN, or Unknown
    vpc_config: Value = field(default_factory=_absent)  # the block itself (presence)
    subnets: Value = field(default_factory=_absent)  # Known([Value...])
    security_groups: Value = field(default_factory=_absent)
    dead_letter_target: Value = field(default_factory=_absent)
    dead_letter_type: Value = field(default_factory=_absent)  # SAM DeadLetterQueue.Type only
    tracing: Value = field(default_factory=_absent)  # "Active" | "PassThrough"
    reserved_concurrency: Value = field(default_factory=_absent)
    provisioned_concurrency: Value = field(default_factory=_absent)  # SAM ProvisionedConcurrencyConfig
    auto_publish_alias: Value = field(default_factory=_absent)  # SAM AutoPublishAlias
    capacity_provider: Value = field(default_factory=_absent)  # Lambda Managed Instances
    log_group: Value = field(default_factory=_absent)  # LoggingConfig.LogGroup
    # Globals the value was inherited from, for messages ("SAM Globals Timeout")
    inherited: set = field(default_factory=set)

    def links(self):
        yield "assumes", self.role
        for subnet in _list(self.subnets):
            yield "placed-in", subnet
        yield "dead-letters-to", self.dead_letter_target


@dataclass(eq=False)
class Statement:
    """One IAM policy statement, resolved.  Patterns are strings in which references to
    resources of the model appear as ``ResourceRef.token()`` placeholders."""

    effect: str  # Allow | Deny
    actions: list | None  # patterns, None when the statement uses NotAction
    not_actions: list | None
    resources: list | None  # patterns, None when NotResource
    not_resources: list | None
    source: Source | None
    origin: str  # "inline policy Foo of Role", "AWSLambdaVPCAccessExecutionRole"
    has_condition: bool = False
    condition_keys: tuple = ()  # the keys its Condition tests (aws:SourceArn ...)
    unknown: str | None = None  # reason, when part of the statement could not be resolved
    # the Fn::If / conditional-expression branches the statement sits in, outermost first:
    # ((condition, index of the branch, number of branches), ...); () when it always applies
    branch: tuple = ()


@dataclass(eq=False)
class PolicyAttachment:
    """A policy document (or managed policy ARN) attached to a role, from wherever it came:
    inline, ``AWS::IAM::Policy``/``ManagedPolicy``, ``aws_iam_role_policy``, a SAM template."""

    role: Value  # reference to the role (or its name)
    document: Value  # policy JSON as a Value tree, or Absent when managed_arn is set
    managed_arn: Value = field(default_factory=_absent)
    origin: str = ""
    source: Source | None = None


@dataclass(eq=False)
class Role(Entity):
    role_name: Value = field(default_factory=_absent)
    inline_documents: list = field(default_factory=list)  # [(origin, Value document, Source)]
    managed_arns: list = field(default_factory=list)  # [Value]
    generated_by: str | None = None  # "SAM" when SAM creates the role
    statements: list = field(default_factory=list)  # filled by the model from all attachments
    unresolved: list = field(default_factory=list)  # reasons some permissions are unknown


@dataclass(eq=False)
class Policy(Entity):
    """A standalone policy resource (attached to roles by reference or by ARN)."""

    document: Value = field(default_factory=_absent)
    roles: Value = field(default_factory=_absent)  # Known([role refs or names])
    policy_arn_managed: bool = False  # an AWS::IAM::ManagedPolicy / aws_iam_policy (has an ARN)

    def links(self):
        for role in _list(self.roles):
            yield "attached-to", role


@dataclass(eq=False)
class RoleAttachment(Entity):
    """``aws_iam_role_policy_attachment``-style link from a role to a policy ARN."""

    role: Value = field(default_factory=_absent)
    policy_arn: Value = field(default_factory=_absent)

    def links(self):
        yield "attached-to", self.role


@dataclass(eq=False)
class Vpc(Entity):
    tenancy: Value = field(default_factory=_absent)


@dataclass(eq=False)
class Subnet(Entity):
    vpc: Value = field(default_factory=_absent)
    availability_zone: Value = field(default_factory=_absent)

    def links(self):
        yield "in-vpc", self.vpc


@dataclass(eq=False)
class Route(Entity):
    route_table: Value = field(default_factory=_absent)
    destination: Value = field(default_factory=_absent)  # IPv4 CIDR
    destination_ipv6: Value = field(default_factory=_absent)
    gateway: Value = field(default_factory=_absent)  # internet gateway / VPN gateway / "local"
    nat_gateway: Value = field(default_factory=_absent)
    instance: Value = field(default_factory=_absent)
    other_target: Value = field(default_factory=_absent)  # TGW, peering, endpoint, ENI

    def links(self):
        yield "in-route-table", self.route_table
        yield "routes-to", self.gateway
        yield "routes-to", self.nat_gateway
        yield "routes-to", self.instance


@dataclass(eq=False)
class RouteTable(Entity):
    vpc: Value = field(default_factory=_absent)
    main_for_vpc: Value = field(default_factory=_absent)  # set when it is a VPC's main table

    def links(self):
        yield "in-vpc", self.vpc


@dataclass(eq=False)
class RouteTableAssociation(Entity):
    subnet: Value = field(default_factory=_absent)
    route_table: Value = field(default_factory=_absent)

    def links(self):
        yield "associates", self.subnet
        yield "associates", self.route_table


@dataclass(eq=False)
class NatGateway(Entity):
    subnet: Value = field(default_factory=_absent)
    connectivity: Value = field(default_factory=_absent)  # "public" (default) | "private"

    def links(self):
        yield "placed-in", self.subnet


@dataclass(eq=False)
class InternetGateway(Entity):
    pass


@dataclass(eq=False)
class Instance(Entity):
    """An EC2 instance; a route to one makes it a NAT instance."""

    subnet: Value = field(default_factory=_absent)

    def links(self):
        yield "placed-in", self.subnet


@dataclass(eq=False)
class VpcEndpoint(Entity):
    vpc: Value = field(default_factory=_absent)
    service_name: Value = field(default_factory=_absent)
    endpoint_type: Value = field(default_factory=_absent)  # Gateway | Interface
    route_tables: Value = field(default_factory=_absent)
    subnets: Value = field(default_factory=_absent)
    private_dns: Value = field(default_factory=_absent)


@dataclass(eq=False)
class Queue(Entity):
    queue_name: Value = field(default_factory=_absent)
    fifo: Value = field(default_factory=_absent)
    visibility_timeout: Value = field(default_factory=_absent)
    redrive_policy: Value = field(default_factory=_absent)


@dataclass(eq=False)
class Topic(Entity):
    topic_name: Value = field(default_factory=_absent)
    fifo: Value = field(default_factory=_absent)


@dataclass(eq=False)
class EventSourceMapping(Entity):
    function: Value = field(default_factory=_absent)
    event_source: Value = field(default_factory=_absent)  # ResourceRef or ARN string
    # sqs | kinesis | dynamodb | kafka | mq | docdb; "" a source of no kind modelled (or none);
    # an Unknown (naming the value) when the source is known only at deploy time
    source_kind: "str | Value" = ""
    batch_size: Value = field(default_factory=_absent)
    batching_window: Value = field(default_factory=_absent)
    starting_position: Value = field(default_factory=_absent)
    on_failure: Value = field(default_factory=_absent)
    on_failure_type: Value = field(default_factory=_absent)  # SAM: DestinationConfig.OnFailure.Type
    generated_by: str | None = None  # "SAM" for a SAM Events entry

    def links(self):
        yield "triggers", self.function
        yield "polls", self.event_source
        yield "sends-failures-to", self.on_failure


@dataclass(eq=False)
class Trigger(Entity):
    """A push source that invokes a function: S3 notification, SNS subscription, EventBridge
    rule, API Gateway integration, schedule, or a Lambda permission for a service principal."""

    function: Value = field(default_factory=_absent)
    source_kind: str = ""  # s3 | sns | events | apigateway | ...
    invocation: str = "async"  # sync | async
    event_source: Value = field(default_factory=_absent)
    permission_generated: bool = False  # SAM events create their own Lambda permission
    from_permission: bool = False  # derived from a Lambda permission itself (not a source needing one)
    http_api: bool = False  # an API Gateway v2 (HTTP API) integration: 30 s integration timeout, not 29
    # API Gateway only: a WebSocket API's integration; a Lambda authorizer rather than an
    # integration; the integration timeout written (milliseconds, Absent: the API's default);
    # a response streamed back (REST ``responseTransferMode: STREAM``); the role API Gateway
    # assumes to invoke (integration/authorizer credentials: no Lambda permission needed)
    websocket: bool = False
    authorizer: bool = False
    timeout_ms: Value = field(default_factory=_absent)
    streaming: bool = False
    invoke_role: Value = field(default_factory=_absent)
    # the alias/version invoked when it is written apart from ``function`` (the ``:live`` after a
    # reference inside an integration URI or ARN string); model/invoked.qualifiers reads both
    qualifier: Value = field(default_factory=_absent)

    def links(self):
        yield "triggers", self.function


@dataclass(eq=False)
class Destination:
    """An on-success / on-failure destination of an event invoke config."""

    target: Value
    type: Value = field(default_factory=_absent)  # SAM Type (SQS/SNS/Lambda/EventBridge/S3Bucket)


@dataclass(eq=False)
class EventInvokeConfig(Entity):
    function: Value = field(default_factory=_absent)
    qualifier: Value = field(default_factory=_absent)
    max_retry_attempts: Value = field(default_factory=_absent)
    max_event_age: Value = field(default_factory=_absent)
    on_success: Destination | None = None
    on_failure: Destination | None = None

    def links(self):
        yield "configures", self.function
        for reason, destination in (("sends-successes-to", self.on_success), ("sends-failures-to", self.on_failure)):
            if destination is not None:
                yield reason, destination.target


@dataclass(eq=False)
class Alias(Entity):
    """An alias or published version, with its provisioned concurrency."""

    function: Value = field(default_factory=_absent)
    qualifier: Value = field(default_factory=_absent)  # alias name / version / "$LATEST"
    provisioned_concurrency: Value = field(default_factory=_absent)
    is_version: bool = False
    version: Value = field(default_factory=_absent)  # the version an alias points to ("$LATEST" possible)

    def links(self):
        yield "points-to", self.function


@dataclass(eq=False)
class Permission(Entity):
    function: Value = field(default_factory=_absent)
    action: Value = field(default_factory=_absent)
    principal: Value = field(default_factory=_absent)
    source_arn: Value = field(default_factory=_absent)
    source_account: Value = field(default_factory=_absent)
    # the alias/version the permission is on when written apart from ``function`` (Terraform
    # ``qualifier``); a qualified FunctionName (``!Ref Alias``, ``...:function:f:live``) says it too
    qualifier: Value = field(default_factory=_absent)
    generated_by: str | None = None
    # admits only calls through the function URL (Action lambda:InvokeFunctionUrl, or
    # lambda:InvokeFunction restricted to InvokedViaFunctionUrl): synchronous HTTP calls
    via_function_url: bool = False

    def links(self):
        yield "allows-invoke", self.function


@dataclass(eq=False)
class LogGroup(Entity):
    log_group_name: Value = field(default_factory=_absent)
    retention: Value = field(default_factory=_absent)


@dataclass(eq=False)
class Alarm(Entity):
    namespace: Value = field(default_factory=_absent)
    metric: Value = field(default_factory=_absent)
    dimensions: Value = field(default_factory=_absent)  # Known({name: Value})


@dataclass(eq=False)
class Resource(Entity):
    """Anything else; kept so references to it resolve and its kind is known."""

    physical_name: Value = field(default_factory=_absent)  # TableName / stream Name, for ARN matching


def _list(value: Value):
    from ..values import Known

    if isinstance(value, Known) and isinstance(value.value, list):
        return value.value
    return ()
