"""The neutral output of every Terraform reader (HCL, ``.tf.json``, plan JSON).

Each reader turns its input into :class:`TfResource` instances whose attribute values are
already evaluated ``Value`` trees (see ``lambdalint.values``).  One mapping step
(``terraform/mapping.py``) then turns those into model entities, so HCL, JSON and plans share
every line of Terraform-type knowledge.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ...document import Document, Source
from ...values import Value

# Attribute names that mean the same thing under another name, per resource type.  References
# are normalized with this table when they are evaluated, so that a rule sees ``url`` for
# ``aws_sqs_queue.q.id`` exactly as it does for CloudFormation's ``!Ref Queue``.
ATTRIBUTE_ALIASES: dict[tuple[str, str], str] = {
    ("aws_sqs_queue", "id"): "url",
    ("aws_sqs_queue", "url"): "url",
    ("aws_sns_topic", "id"): "arn",
    ("aws_lambda_function", "id"): "name",
    ("aws_lambda_function", "function_name"): "name",
    ("aws_iam_role", "id"): "name",
    ("aws_iam_policy", "id"): "arn",
    ("aws_cloudwatch_log_group", "id"): "name",
    ("aws_dynamodb_table", "id"): "name",
    ("aws_dynamodb_table", "stream_arn"): "streamarn",  # CloudFormation's !GetAtt Table.StreamArn
    ("aws_dynamodb_table", "stream_label"): "streamlabel",
    ("aws_s3_bucket", "id"): "name",
    ("aws_s3_bucket", "bucket"): "name",
    ("aws_kinesis_stream", "id"): "arn",
    ("aws_sfn_state_machine", "id"): "arn",
}


def normalize_attr(resource_type: str, attr: str) -> str:
    return ATTRIBUTE_ALIASES.get((resource_type, attr), attr)


# Normalized attributes that are a resource's own identity: a reference to one stays a reference
# (the model draws its edges from it), even where the name is configured as a literal.
IDENTITY_ATTRS = frozenset({"arn", "id", "name", "url"})
# Configured attributes whose value is made when Terraform applies, not read from the block.
PRODUCED_ATTRS = frozenset({("archive_file", "output_path")})


def follows_configuration(resource_type: str, attr: str) -> bool:
    """Whether ``resource.attr`` is the value configured on that resource (when configured),
    as Terraform evaluates it: ``aws_lambda_alias.live.function_name`` is the alias's
    ``function_name`` argument, ``aws_sqs_queue.q.visibility_timeout_seconds`` the queue's
    setting.  Not for identity attributes (``arn``, ``id``, ``name`` and their per-type aliases
    such as a function's ``function_name``) nor for ``archive_file.output_path`` (the zip
    written at apply time, which the mapping traces back to its sources)."""
    return normalize_attr(resource_type, attr) not in IDENTITY_ATTRS and (resource_type, attr) not in PRODUCED_ATTRS


def node_id(container: str, address: str) -> str:
    """Model node id of a Terraform resource: the module directory (or plan file) and address."""
    return f"{container}#{address}"


@dataclass
class TfResource:
    address: str  # aws_lambda_function.worker, module.api.aws_lambda_function.h[0], ...["k"]
    type: str  # aws_lambda_function
    mode: str  # "managed" or "data"
    node: str  # model node id (node_id(container, address))
    values: dict[str, Value]  # attribute -> Value; nested blocks as Known([Known({...}), ...])
    source: Source  # the resource block header (HCL/JSON) or the resource object (plan)
    doc: Document
    count_index: int | str | None = None  # count index or for_each key of this instance
    extra: dict = field(default_factory=dict)
