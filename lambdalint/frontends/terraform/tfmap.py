"""What every Terraform-to-model builder shares (``mapping.py`` and its parts): the model kind of
a Terraform type, attribute access with Terraform's notion of "not set", and entity creation."""
from __future__ import annotations

from ...values import Absent, Known, Unknown, Value
from .resources import TfResource

KIND_OF_TF_TYPE = {
    "aws_lambda_function": "lambda:function",
    "aws_sqs_queue": "sqs:queue",
    "aws_sns_topic": "sns:topic",
    "aws_dynamodb_table": "dynamodb:table",
    "aws_s3_bucket": "s3:bucket",
    "aws_cloudwatch_event_bus": "events:event-bus",
    "aws_cloudwatch_event_rule": "events:rule",
    "aws_kinesis_stream": "kinesis:stream",
    "aws_sfn_state_machine": "states:state-machine",
    "aws_cloudwatch_log_group": "logs:log-group",
    "aws_kms_key": "kms:key",
    "aws_msk_cluster": "kafka:cluster",
    "aws_mq_broker": "mq:broker",
    "aws_security_group": "ec2:security-group",
    "aws_api_gateway_rest_api": "apigateway:rest-api",
    "aws_apigatewayv2_api": "apigateway:http-api",
    "aws_egress_only_internet_gateway": "ec2:egress-only-internet-gateway",
}


def _kind(tf_type: str) -> str:
    if tf_type in KIND_OF_TF_TYPE:
        return KIND_OF_TF_TYPE[tf_type]
    parts = tf_type.split("_")
    return f"{parts[1]}:{'-'.join(parts[2:]) or parts[1]}" if len(parts) > 1 else "unknown:" + tf_type


class _Attrs:
    """Attribute access on one resource with Terraform's notion of "not set"."""

    def __init__(self, resource: TfResource):
        self.r = resource
        self.header = resource.source

    def __call__(self, name: str, default=None) -> Value:
        value = self.r.values.get(name)
        return self.normalize(value, default, self.header, name)

    @staticmethod
    def normalize(value, default, header, name=None) -> Value:
        if value is None or (isinstance(value, Known) and (value.value is None or value.value == "" or value.value == [])):
            return Known(default, getattr(value, "source", None) or header) if default is not None else Absent(
                getattr(value, "source", None) or header, name)
        return value

    def block(self, name: str) -> Value:
        """The first nested block ``name`` as a Known mapping (or Absent/Unknown)."""
        value = self.r.values.get(name)
        if isinstance(value, Known) and isinstance(value.value, list):
            if not value.value:
                return Absent(value.source)
            return value.value[0]
        if isinstance(value, Known) and isinstance(value.value, dict):
            return value
        return self.normalize(value, None, self.header)

    def blocks(self, name: str) -> list[Value]:
        value = self.r.values.get(name)
        if isinstance(value, Known) and isinstance(value.value, list):
            return list(value.value)
        return []

    def sub(self, block: Value, name: str, default=None) -> Value:
        if isinstance(block, Known) and isinstance(block.value, list):
            block = block.value[0] if block.value else Absent(block.source)
        if isinstance(block, Known) and isinstance(block.value, dict):
            return self.normalize(block.value.get(name), default, block.source or self.header, name)
        if isinstance(block, Unknown):
            return block
        return Known(default, self.header) if default is not None else Absent(self.header, name)


def _unconfigured(r: TfResource, *path: str) -> bool:
    """Plan only: the attribute (``"logging_config", "log_group"`` for one in a block) is not in
    the configuration, so a "known after apply" value there is what the provider computes
    (Optional+Computed attributes), not something the user set."""
    expressions = r.extra.get("configured")
    if not isinstance(expressions, dict):
        return False  # HCL / JSON, or no configuration in the plan
    for key in path:
        if isinstance(expressions, list):
            expressions = expressions[0] if expressions else {}
        if not isinstance(expressions, dict) or key not in expressions:
            return True
        expressions = expressions[key]
    return False


def _dynamic(a: _Attrs, block: str) -> bool:
    """Plan only: the block exists but its content is known only after apply.  A ``dynamic``
    block is missing from the plan's configuration yet present in its values (``[{"mode": <known
    after apply>}]``), while a block nobody wrote is unknown as a whole."""
    value = a.r.values.get(block)
    return isinstance(value, Known) and isinstance(value.value, list) and bool(value.value)


def _entity(cls, r: TfResource, kind: str | None = None, **fields):
    return cls(r.node, r.address, kind or _kind(r.type), r.source, native_type=r.type, **fields)
