"""The streamed run (lambdalint/stream.py) gives the report of one model for the whole run, byte
for byte, while it keeps only one group of linked files at a time."""
from __future__ import annotations

import gc
import json
import weakref
from pathlib import Path

import pytest

from lambdalint import stream
from lambdalint.config import Config
from lambdalint.engine import load_rules
from lambdalint.report.json_report import as_dict
from lambdalint.runner import lint

ROOT = Path(__file__).resolve().parents[1]
EVERY_RULE = sorted(load_rules())  # opt-in rules too (LL603 alarms, LL604 log groups)


def _report(paths, config, streamed: bool, monkeypatch) -> str:
    monkeypatch.setenv("LAMBDALINT_STREAM", "1" if streamed else "0")
    report = lint([str(p) for p in paths], config)
    data = as_dict(report)
    data["internal_errors"] = report.internal_errors
    data["paths"] = list(report.paths)
    data["checks"] = {rule: list(counts) for rule, counts in report.checks.items()}
    return json.dumps(data, indent=1, sort_keys=True)


def same_both_ways(paths, monkeypatch, select=None) -> dict:
    """Lint streamed and as one model; the reports must be identical.  Returns the streamed
    run's statistics."""
    config = Config(select=select)
    one_model = _report(paths, config, False, monkeypatch)
    streamed = _report(paths, config, True, monkeypatch)
    stats = dict(stream.LAST)
    assert streamed == one_model
    return stats


FN = """  {name}:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: {fname}
      Runtime: python3.12
      Handler: app.handler
      Code: {{ZipFile: "def handler(e, c): pass"}}
      Role: !GetAtt {name}Role.Arn
{extra}  {name}Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {{Statement: [{{Effect: Allow, Principal: {{Service: lambda.amazonaws.com}}, Action: sts:AssumeRole}}]}}
"""


def template(*bodies: str, outputs: str = "", parameters: str = "") -> str:
    return ("AWSTemplateFormatVersion: '2010-09-09'\n" + parameters + "Resources:\n" + "".join(bodies) + outputs)


def fn(name: str, fname: str, extra: str = "") -> str:
    return FN.format(name=name, fname=fname, extra=extra)


@pytest.fixture
def tmp_path(tmp_path, monkeypatch):  # reports name files relative to the working directory
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(root: Path, files: dict) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize("directory", sorted(p.name for p in (ROOT / "fixtures").iterdir() if p.is_dir()))
def test_every_fixture_directory_gives_the_same_report_streamed(directory, monkeypatch):
    stats = same_both_ways([ROOT / "fixtures" / directory], monkeypatch, select=EVERY_RULE)
    # the text scan found every run-wide fact (runs with a cdk.out are not streamed at all)
    assert not stats["restarted"] or stats["restarted"].startswith("AWS CDK") and directory == "_cdk", stats
    same_both_ways([ROOT / "fixtures" / directory], monkeypatch)


def test_an_import_links_its_file_to_the_exporter_whichever_comes_first(tmp_path, monkeypatch):
    vpc = """  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  Private:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24}
"""
    outputs = "Outputs:\n  Private:\n    Value: !Ref Private\n    Export: {Name: net-private}\n"
    uses = "      VpcConfig: {SubnetIds: [!ImportValue net-private], SecurityGroupIds: [sg-1]}\n"
    write(tmp_path, {
        "a_app.yaml": template(fn("Worker", "worker", uses)),
        "b_net.yaml": template(vpc, outputs=outputs),
        "c_alone.yaml": template(fn("Other", "other")),
    })
    stats = same_both_ways([tmp_path], monkeypatch)
    assert stats["groups"] == 2 and stats["largest group"] == 2  # a_app + b_net; c_alone streamed
    report = lint([str(tmp_path)], Config())
    # the import resolves to b_net's subnet: a finding that needs both files
    assert any(f.rule == "LL206" and f.span.file == "a_app.yaml" and "Private is its only subnet" in f.message
               for f in report.findings)


def test_a_log_group_of_another_file_is_seen_by_ll602_and_groups_with_ll604(tmp_path, monkeypatch):
    logs = """  Logs:
    Type: AWS::Logs::LogGroup
    Properties: {LogGroupName: /aws/lambda/worker, RetentionInDays: 7}
"""
    write(tmp_path, {"a.yaml": template(fn("Worker", "worker")), "b.yaml": template(logs),
                     "c.yaml": template(fn("Other", "other"))})
    plain = same_both_ways([tmp_path], monkeypatch)
    assert plain["groups"] == 3  # LL602 reads the log group from the function's side only
    every = same_both_ways([tmp_path], monkeypatch, select=EVERY_RULE)
    assert every["largest group"] == 2  # LL604 checks the group with the functions writing to it


def test_alarms_and_vpc_endpoints_of_other_files_count_for_every_function(tmp_path, monkeypatch):
    alarm = """  Errors:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Namespace: AWS/Lambda
      MetricName: Errors
      Dimensions: [{Name: FunctionName, Value: worker}]
      ComparisonOperator: GreaterThanThreshold
      EvaluationPeriods: 1
      Period: 60
      Statistic: Sum
      Threshold: 0
"""
    endpoint = """  Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties: {VpcId: !Ref VpcId, ServiceName: com.amazonaws.us-east-1.sqs, VpcEndpointType: Interface}
"""
    network = """  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  Private:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24}
"""
    in_vpc = "      VpcConfig: {SubnetIds: [!Ref Private], SecurityGroupIds: [sg-1]}\n"
    write(tmp_path, {
        "a.yaml": template(fn("Worker", "worker", in_vpc), network),
        "b.yaml": template(alarm, endpoint, parameters="Parameters:\n  VpcId: {Type: String}\n"),
        "c.yaml": template(fn("Other", "other")),
    })
    stats = same_both_ways([tmp_path], monkeypatch, select=EVERY_RULE)
    assert stats["groups"] == 3 and stats["run-wide files"] == 1
    report = lint([str(tmp_path)], Config(select=["LL603"]))
    messages = {f.span.file: f.message for f in report.findings if f.rule == "LL603"}
    assert "Errors" not in messages.get("a.yaml", "Errors") and "Throttles" in messages["a.yaml"]


def test_the_concurrency_pool_and_suppressions_span_the_run(tmp_path, monkeypatch):
    reserve = "      ReservedConcurrentExecutions: {}\n"
    write(tmp_path, {
        "a.yaml": template(fn("A", "a", reserve.format(400))),
        "b.yaml": template(fn("B", "b", reserve.format(300))),
        "c.yaml": template(fn("C", "c", "      ReservedConcurrentExecutions: 250  # lambdalint: ignore[LL401] agreed\n")),
        "d.yaml": template(fn("D", "d", reserve.format(50)
                              + "      Timeout: 30  # lambdalint: ignore[LL101] stale\n")),
    })
    stats = same_both_ways([tmp_path], monkeypatch)
    assert stats["groups"] == 4
    report = lint([str(tmp_path)], Config())
    assert not [f for f in report.findings if f.rule == "LL401"] and report.suppressed == 1
    assert [f.span.file for f in report.findings if f.rule == "LL002"] == ["d.yaml"]
    same_both_ways([tmp_path], monkeypatch, select=["LL002"])  # LL401 runs only to use suppressions


def test_a_fact_the_text_scan_misses_makes_the_run_start_again_unstreamed(tmp_path, monkeypatch):
    importer = {"Resources": {"Worker": {"Type": "AWS::Lambda::Function", "Properties": {
        "Runtime": "python3.12", "Handler": "app.handler", "Code": {"ZipFile": "x"}, "Role": "arn:aws:iam::1:role/r",
        "DeadLetterConfig": {"TargetArn": {"Fn::\u0049mportValue": "dlq-arn"}}}}}}
    text = json.dumps(importer).replace("Fn::ImportValue", "Fn::\\u0049mportValue")
    assert "ImportValue" not in text
    (tmp_path / "a.json").write_text(text, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(template("  Q:\n    Type: AWS::SQS::Queue\n",
                                              outputs="Outputs:\n  Q:\n    Value: !GetAtt Q.Arn\n"
                                                      "    Export: {Name: dlq-arn}\n"), encoding="utf-8")
    stats = same_both_ways([tmp_path], monkeypatch)
    assert "import not found by the text scan" in stats["restarted"]


def test_a_streamed_files_documents_are_gone_before_the_next_file_is_read(tmp_path, monkeypatch):
    for i in range(4):
        (tmp_path / f"t{i}.yaml").write_text(template(fn(f"F{i}", f"f{i}")), encoding="utf-8")
    alive = []
    original = stream.Streamed._check

    def check(self, group):
        gc.collect()
        assert all(ref() is None for ref in alive), "a checked group's documents are still alive"
        docs = [doc for unit in group for doc in unit.docs]
        assert docs
        alive.extend(weakref.ref(doc) for doc in docs)
        original(self, group)

    monkeypatch.setattr(stream.Streamed, "_check", check)
    monkeypatch.setenv("LAMBDALINT_STREAM", "1")
    report = lint([str(tmp_path)], Config())
    assert report.files == 4 and len(alive) == 4 and stream.LAST["groups"] == 4


def test_the_whole_corpus_gives_the_same_report_streamed(shared_dir, monkeypatch):
    """Every rule (opt-in ones too) over the whole corpus, CloudFormation, SAM and Terraform in one
    run: the streamed report is the one-model report (about 20 s of CPU)."""
    stats = same_both_ways([shared_dir / "corpus"], monkeypatch, select=EVERY_RULE)
    assert not stats["restarted"]
    assert stats["groups"] > 1000 and stats["largest group"] < 100
