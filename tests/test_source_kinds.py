"""What an event source mapping polls, as the model records it (``EventSourceMapping.source_kind``):
a kind, ``""`` for a known source of no modelled kind, or an ``Unknown`` naming the value that is
known only at deploy time, so rules can say why they cannot decide instead of skipping it."""
from __future__ import annotations

from pathlib import Path

from lambdalint.config import load_config
from lambdalint.model.entities import EventSourceMapping
from lambdalint.model.principals import esm_kind
from lambdalint.runner import build_model
from lambdalint.values import Absent, Either, Known, ResourceRef, Unknown

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _mappings(path):
    model, _ = build_model([str(path)], load_config(None))
    return {m.name: m for m in model.of_type(EventSourceMapping)}


def test_source_from_a_variable_without_default_is_an_unknown_kind():
    esm = _mappings(FIXTURES / "LL502" / "source_from_variable_tf")["aws_lambda_event_source_mapping.worker_source"]
    assert isinstance(esm.source_kind, Unknown)
    assert esm.source_kind.reason == "var.source_arn (variable without default)"
    assert esm.source_kind.source.span.line == 35  # where the mapping uses it


def test_source_from_a_parameter_without_default_is_an_unknown_kind():
    esm = _mappings(FIXTURES / "LL502" / "source_from_parameter.yaml")["WorkerSource"]
    assert isinstance(esm.source_kind, Unknown) and "SourceArn" in esm.source_kind.reason


def test_kinds_of_known_sources_and_conditionals():
    arn = "arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/clicks"
    assert esm_kind(Known(arn)) == "kinesis"  # the :: inside ${AWS::Partition} keeps the fields
    assert esm_kind(Known("arn:aws:sqs:us-east-1:123456789012:jobs")) == "sqs"
    assert esm_kind(Known("arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2024")) == "dynamodb"
    assert esm_kind(Known("arn:aws:s3:::bucket")) == ""  # known, not a kind Lambda polls here
    assert esm_kind(Absent()) == ""  # no source (self-managed Kafka)
    queue = Known(ResourceRef("f#q", "arn", "q"))
    assert esm_kind(queue, lambda leaf: "sqs:queue") == "sqs"
    assert esm_kind(Either("c", (queue, Absent())), lambda leaf: "sqs:queue") == "sqs"
    mixed = esm_kind(Either("c", (queue, Known("arn:aws:kinesis:us-east-1:1:stream/s"))),
                     lambda leaf: "sqs:queue" if isinstance(leaf.value, ResourceRef) else None)
    assert isinstance(mixed, Unknown) and mixed.reason == "kinesis or sqs (the source depends on a condition)"
    blocked = esm_kind(Either("c", (queue, Unknown("var.x (variable without default)"))), lambda leaf: "sqs:queue")
    assert isinstance(blocked, Unknown) and blocked.reason == "var.x (variable without default)"
    assert isinstance(esm_kind(Known("${f#x.arn}")), Unknown)
