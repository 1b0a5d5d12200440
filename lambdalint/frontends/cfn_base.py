"""What every CloudFormation/SAM builder shares: the per-document frontend state (resolver,
locations of resource headers, property access) and the helpers for defaults and references.

``cloudformation.py`` (plain resource types) and ``sam.py`` (the SAM transform) both build on
this module; ``template.py`` walks a template and dispatches to them.  Neither builder module
imports the other's caller, so there is no import cycle.
"""
from __future__ import annotations

from ..document import Document, Source
from ..model import entities as m
from ..values import Absent, Either, Known, ResourceRef, Unknown, Value
from .cfn_resolver import CfnResolver

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

class CfnFrontend:
    """Maps one CloudFormation/SAM document onto entities added to ``model``."""

    def __init__(self, doc: Document, model, parameters: dict | None = None):
        self.doc = doc
        self.model = model
        self.extra_types: dict[str, str] = {}
        self.r = CfnResolver(doc, parameters, self.extra_types)
        self._headers: dict = {}

    def header(self, logical_id: str) -> Source:
        """Where resource ``logical_id`` is declared: one shared Source per resource (every
        absent property of the resource points there)."""
        hit = self._headers.get(logical_id)
        if hit is None:
            hit = self._headers[logical_id] = Source(self.doc, ("Resources", logical_id, "__key__"))
        return hit

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


def kind_from_type(rtype: str) -> str:
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


def ref_kind(fe, value: Value) -> str | None:
    if isinstance(value, Known) and isinstance(value.value, ResourceRef):
        rtype = fe.r.resource_type(value.value.name)
        return KIND_OF_TYPE.get(rtype) if rtype else None
    return None
