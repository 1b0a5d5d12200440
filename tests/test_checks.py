"""Checks and partly known values (issue 7): the engine's verdicts and counts, unknown causes in
the JSON report, the ARN parser, strings known in part, entity identity in IAM comparisons, and
the messages that name their contributors or their parameter default."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from lambdalint import engine
from lambdalint.cli import main
from lambdalint.config import load_config
from lambdalint.model import iam
from lambdalint.rulekit import Issue, Sure, Unsure
from lambdalint.runner import lint
from lambdalint.partial_strings import parse_arn, placeholder_kind, unknown_token
from lambdalint.values import CAUSES, Unknown

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
SCHEMA = ROOT.parent / "shared" / "schemas" / "lambdalint-report.schema.json"


def _lint(path, *rules):
    config = load_config(None)
    config.select = list(rules)
    return lint([str(path)], config)


# -- the engine ----------------------------------------------------------------------------------

def test_verdict_of_a_check():
    assert engine.verdict([]) == engine.PASS
    assert engine.verdict([Sure(None, "bounded")]) == engine.PASS
    assert engine.verdict([Unsure(None, "x"), Sure(None, "y")]) == engine.UNDECIDED
    assert engine.verdict([Unsure(None, "x"), Issue(None, "bad")]) == engine.FINDING


def test_counts_and_unknowns_of_undecided_checks_only(monkeypatch):
    """Checks are counted per (rule, subject); an undecided check lists its unknowns, a decided
    one (with a finding) lists none, even when it also yielded an Unsure."""
    monkeypatch.chdir(ROOT)
    report = _lint(FIXTURES / "LL601" / "conditional_allow.yaml", "LL601")
    assert report.checks == {"LL601": [1, 1]}
    assert [u.resource for u in report.unknowns] == ["Conditional"]
    assert report.unknowns[0].cause == "condition"
    assert "aws:RequestedRegion, aws:ViaAWSService" in report.unknowns[0].reason


def test_json_report_of_a_real_run_matches_the_schema(tmp_path, monkeypatch, capsys):
    jsonschema = pytest.importorskip("jsonschema")
    if not SCHEMA.is_file():
        pytest.skip("shared schema absent")
    monkeypatch.chdir(ROOT)
    main(["check", "fixtures/LL104/deploy_time_bounds.yaml", "fixtures/LL201/subnets_from_parameter.yaml",
          "--format", "json", "--fail-on", "never"])
    data = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text())).validate(data)
    checks = data["summary"]["checks"]
    assert checks["undecided"] >= 1 and checks["decided"] > checks["undecided"]
    assert data["unknowns"] and all(u["cause"] in CAUSES for u in data["unknowns"])
    assert {u["cause"] for u in data["unknowns"]} >= {"parameter", "after-apply"}


def test_text_summary_ends_with_the_checks(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    main(["check", "fixtures/LL104/deploy_time_bounds.yaml", "--select", "LL104", "--fail-on", "never"])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.endswith("3 checks: 1 decided, 2 undecided (--show-unknowns lists them)")


# -- values known in part --------------------------------------------------------------------------

def test_one_arn_parser_keeps_placeholders_whole():
    arn = parse_arn("arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/${?Name}")
    assert (arn.service, arn.resource_type, arn.resource) == ("kinesis", "stream", "stream/${?Name}")
    assert parse_arn("arn:aws:s3:::bucket").resource_type == ""
    assert parse_arn("arn:aws:lambda:us-east-1:1:function:f:live").resource_type == "function"
    assert parse_arn("not:an:arn") is None
    kinds = [placeholder_kind(t) for t in ("${AWS::Region}", "${a.yaml#Q.arn}", unknown_token("P"), "${AZ1}")]
    assert kinds == ["pseudo", "attribute", "unknown", "zone"]


def test_sub_over_a_parameter_keeps_its_literal_text(tmp_path, monkeypatch):
    (tmp_path / "t.yaml").write_text(
        "Parameters:\n  StreamName: {Type: String}\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n"
        "    Properties:\n      Runtime: python3.12\n      Handler: a.h\n      Role: arn:aws:iam::1:role/r\n"
        "      Code: {ZipFile: x}\n  Source:\n    Type: AWS::Lambda::EventSourceMapping\n    Properties:\n"
        "      FunctionName: !Ref Fn\n      StartingPosition: LATEST\n"
        "      EventSourceArn: !Sub 'arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/${StreamName}'\n")
    monkeypatch.chdir(tmp_path)
    from lambdalint.model import EventSourceMapping
    from lambdalint.runner import build_model

    model, _ = build_model(["t.yaml"], load_config(None))
    esm = model.of_type(EventSourceMapping)[0]
    assert isinstance(esm.event_source, Unknown) and esm.event_source.cause == "parameter"
    assert esm.event_source.partial == "arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/${?StreamName}"
    assert esm.source_kind == "kinesis"


def test_a_parameter_declared_bound_travels_with_its_unknown(tmp_path, monkeypatch):
    """MaxLength / AllowedValues bound a parameter without default, in the Unknown itself and in
    each placeholder of a string built from it, so any rule needing a length bound has it."""
    (tmp_path / "t.yaml").write_text(
        "Parameters:\n  Stage: {Type: String, AllowedValues: [dev, staging]}\n"
        "  Token: {Type: String, MaxLength: 64, AllowedValues: [a, b]}\n  Free: {Type: String}\n"
        "  Names: {Type: CommaDelimitedList, MaxLength: 5}\n"
        "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n"
        "    Properties:\n      Runtime: python3.12\n      Handler: a.h\n      Role: arn:aws:iam::1:role/r\n"
        "      Code: {ZipFile: x}\n      Environment:\n        Variables:\n"
        "          A: !Ref Stage\n          B: !Ref Token\n          C: !Sub 'x-${Stage}-${Free}'\n"
        "          D: !Join ['', [!Ref Token, !Ref Stage]]\n          E: !Ref Free\n")
    monkeypatch.chdir(tmp_path)
    from lambdalint.runner import build_model

    model, _ = build_model(["t.yaml"], load_config(None))
    env = model.functions()[0].environment.value
    assert env["A"].max_length == 7 and env["B"].max_length == 1  # the tighter of the two
    assert env["E"].max_length is None and env["E"].cause == "parameter"
    assert env["C"].partial == "x-${?Stage}-${?Free}" and dict(env["C"].bounds) == {"${?Stage}": 7}
    assert sorted(bound for _, bound in env["D"].bounds) == [1, 7]
    assert all(placeholder in env["D"].partial for placeholder, _ in env["D"].bounds)


@pytest.mark.parametrize("pattern,target,expected", [
    ("${a.yaml#A.arn}", "${a.yaml#B.arn}", False),  # another entity
    ("arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${a.yaml#A.name}",
     "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${a.yaml#B.name}", False),
    ("arn:aws:kinesis:*:*:table/x/stream/*", "arn:aws:kinesis:us-east-1:1:table/${a.yaml#B.name}/stream/${a.yaml#B.streamlabel}", None),
    ("arn:aws:dynamodb:*:*:table/${a.yaml#A.name}/stream/*", "arn:aws:dynamodb:r:1:table/${a.yaml#B.name}/stream/${a.yaml#B.streamlabel}", False),
    ("arn:aws:sqs:*:*:*", "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:${?QueueName}", True),  # a wildcard covers it
    ("arn:aws:sqs:*:*:jobs", "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:${?QueueName}", None),  # may be jobs
    ("arn:aws:sqs:*:*:jobs", "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:orders-${?Env}", False),  # literal differs
    ("${a.yaml#A.arn}", "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:${?QueueName}", None),  # may be A
    ("arn:aws:sqs:*:*:${?QueueName}", "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:${?QueueName}", None),
])
def test_identity_of_placeholders(pattern, target, expected):
    assert iam.resource_matches(pattern, target) is expected


# -- messages ----------------------------------------------------------------------------------------

def test_ll401_names_the_largest_contributors_and_relates_all(monkeypatch):
    monkeypatch.chdir(ROOT)
    report = _lint(FIXTURES / "LL401" / "many_contributors.yaml", "LL401")
    (finding,) = report.findings
    assert "(Worker8 140, Worker7 135, Worker6 130, Worker5 125, Worker4 120, and 3 more reserving 330)" in finding.message
    assert len(finding.related) == 8


def test_a_value_from_a_parameter_default_names_its_chain(monkeypatch):
    monkeypatch.chdir(ROOT)
    report = _lint(FIXTURES / "LL308" / "default_via_if_sam.yaml", "LL308")
    (finding,) = report.findings
    assert ("'my-sqs-arn' (EventInvokeConfig.DestinationConfig.OnFailure.Destination <- !If <- !Ref SQSArn "
            "<- default 'my-sqs-arn')") in finding.message


def test_ll104_points_at_the_variables_key_in_every_format(monkeypatch):
    """The size finding points at the key that introduces the variables: ``Variables:`` in YAML,
    ``variables =`` in HCL, ``"variables":`` in JSON (column of the key, not of the value)."""
    monkeypatch.chdir(ROOT)
    for case, word in (("too_large.yaml", "Variables"), ("count_instances_tf", "variables"), ("too_large.json", '"Variables"')):
        report = _lint(FIXTURES / "LL104" / case, "LL104")
        finding = next(f for f in report.findings if "total" in f.message)
        line = Path(finding.span.file).read_text().splitlines()[finding.span.line - 1]
        assert line[finding.span.column - 1:].startswith(word), (case, line)
