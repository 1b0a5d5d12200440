"""Projects that span files (spec/cli.md "Projects that span files"): nested stacks and SAM
applications read through their parent, each instantiation its own resources, counted once;
what cannot be read is an undecided LL004 check naming the value."""
from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from lambdalint.config import Config
from lambdalint.runner import lint

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"



def function(name: str, *properties: str, metadata: str = "") -> str:
    """A function resource (two-space YAML under ``Resources:``) with extra properties."""
    lines = [f"  {name}:", "    Type: AWS::Lambda::Function"]
    if metadata:
        lines.append(f"    Metadata: {metadata}")
    lines += ["    Properties:", "      Runtime: python3.12", "      Handler: app.handler",
              '      Code: {ZipFile: "def handler(e, c): pass"}', "      Role: arn:aws:iam::123456789012:role/worker"]
    return "\n".join(lines + [f"      {p}" for p in properties]) + "\n"


def _run(paths, select=None, **kwargs):
    return lint([str(p) for p in paths], Config(select=select), **kwargs)


def _comparable(report):
    """Findings as a user reads them, with the nesting separator removed from names: a child
    resource Blue/Backend of the project is BlueBackend in the equivalent single template."""
    return sorted((f.rule, f.severity, (f.resource or "").replace("/", ""), f.message.replace("/", ""))
                  for f in report.findings)


@pytest.mark.parametrize("project,single", [
    ("LL201/nested_stack_subnet/network.yaml", "LL201/nested_stack_subnet_flat.yaml"),
    ("LL303/nested_fifo_output/app.yaml", "LL303/nested_fifo_output_flat.yaml"),
    ("LL401/nested_twice/app.yaml", "LL401/nested_twice_flat.yaml"),
    ("LL501/sam_application_queue/template.yaml", "LL501/sam_application_queue_flat.yaml"),
])
def test_parent_alone_finds_what_the_single_template_finds(project, single, monkeypatch):
    monkeypatch.chdir(ROOT)
    nested = _run([FIXTURES / project])
    flat = _run([FIXTURES / single])
    assert nested.findings, "the equivalence must be about something"
    assert _comparable(nested) == _comparable(flat)


def test_each_instantiation_is_its_own_set_of_resources(monkeypatch):
    monkeypatch.chdir(ROOT)
    report = _run([FIXTURES / "LL201/nested_stack_subnet/network.yaml"], select=["LL201", "LL206"])
    ll201 = [f for f in report.findings if f.rule == "LL201"]
    assert [f.resource for f in ll201] == ["PublicWorkers/Worker"]  # the private instantiation is fine
    assert ll201[0].span.file == "fixtures/LL201/nested_stack_subnet/stacks/workers.yaml"  # into the child
    assert {r.span.file for r in ll201[0].related} == {"fixtures/LL201/nested_stack_subnet/network.yaml"}
    assert sorted(f.resource for f in report.findings if f.rule == "LL206") == [
        "PrivateWorkers/Worker", "PublicWorkers/Worker"]
    assert report.functions == 2 and report.files == 2


def test_a_child_is_counted_once(monkeypatch):
    """A directory scan, or the child named beside its parent, lints the child only through
    its parent: the same findings as the parent alone."""
    monkeypatch.chdir(ROOT)
    case = FIXTURES / "LL401/nested_twice"
    alone = _comparable(_run([case / "app.yaml"]))
    assert _comparable(_run([case])) == alone
    assert _comparable(_run([case / "backend.yaml", case / "app.yaml"])) == alone
    assert _run([case]).functions == 3


def test_a_child_named_without_its_parent_is_linted_alone(monkeypatch):
    monkeypatch.chdir(ROOT)
    report = _run([FIXTURES / "LL201/nested_stack_subnet/stacks/workers.yaml"], select=["LL201"])
    assert report.findings == []
    assert [u.reason for u in report.unknowns] == ["VpcConfig.SubnetIds <- !Ref SubnetIds (parameter without default)"]


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text if text.startswith(("Resources", "Parameters", "Transform")) else textwrap.dedent(text))
    return path


def test_unread_children_are_undecided_ll004_checks(tmp_path, monkeypatch):
    project = tmp_path / "project"
    _write(tmp_path, "elsewhere/child.yaml", "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n")
    _write(project, "local.yaml", "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n")
    parent = _write(project, "parent.yaml", """\
        Transform: AWS::Serverless-2016-10-31
        Resources:
          InS3:
            Type: AWS::CloudFormation::Stack
            Properties:
              TemplateURL: https://s3.amazonaws.com/bucket/child.yaml
          FromSar:
            Type: AWS::Serverless::Application
            Properties:
              Location:
                ApplicationId: arn:aws:serverlessrepo:us-east-1:123456789012:applications/thumbnails
                SemanticVersion: 1.2.3
          Missing:
            Type: AWS::CloudFormation::Stack
            Properties:
              TemplateURL: stacks/missing.yaml
          Outside:
            Type: AWS::CloudFormation::Stack
            Properties:
              TemplateURL: ../elsewhere/child.yaml
          Local:
            Type: AWS::CloudFormation::Stack
            Properties:
              TemplateURL: local.yaml
        """)
    monkeypatch.chdir(project)
    report = _run([parent], select=["LL004"])
    assert report.findings == []  # never a finding
    reasons = {u.resource: (u.reason, u.span.line) for u in report.unknowns}
    assert set(reasons) == {"InS3", "FromSar", "Missing", "Outside"}  # Local was read
    assert reasons["InS3"][0].startswith("nested stack InS3: TemplateURL https://s3.amazonaws.com/bucket/child.yaml is not a local file")
    assert reasons["InS3"][1] == 6
    assert "Serverless Application Repository" in reasons["FromSar"][0]
    assert "applications/thumbnails (version 1.2.3)" in reasons["FromSar"][0]
    assert reasons["Missing"][0] == "nested stack Missing: TemplateURL stacks/missing.yaml: no such file"
    assert "TemplateURL ../elsewhere/child.yaml is outside the project" in reasons["Outside"][0]


def test_outputs_of_an_unread_child_stay_unknown(tmp_path, monkeypatch):
    parent = _write(tmp_path, "parent.yaml", "Resources:\n" + function(
        "Worker", "DeadLetterConfig: {TargetArn: !GetAtt Queues.Outputs.DeadLetterArn}") + "  Queues:\n    Type: AWS::CloudFormation::Stack\n"
                     "    Properties: {TemplateURL: 'https://s3.amazonaws.com/bucket/queues.yaml'}\n")
    monkeypatch.chdir(tmp_path)
    report = _run([parent], select=["LL303"])
    assert report.findings == []
    [unknown] = report.unknowns
    assert unknown.reason.startswith("DeadLetterConfig.TargetArn <- !GetAtt Queues.Outputs.DeadLetterArn (TemplateURL https://")


def test_parameters_the_parent_does_not_pass_name_the_stack(tmp_path, monkeypatch):
    _write(tmp_path, "child.yaml", "Parameters:\n  Timeout: {Type: Number}\nResources:\n"
           + function("Worker", "Timeout: !Ref Timeout"))
    parent = _write(tmp_path, "parent.yaml", """\
        Resources:
          Child:
            Type: AWS::CloudFormation::Stack
            Properties: {TemplateURL: child.yaml}
        """)
    monkeypatch.chdir(tmp_path)
    report = _run([parent], select=["LL101"])
    assert [u.reason for u in report.unknowns] == [
        "Timeout <- !Ref Timeout (parameter without default; stack Child does not pass it)"]
    parent.write_text(parent.read_text().replace("TemplateURL: child.yaml", "TemplateURL: child.yaml, Parameters: {Timeout: 1200}"))
    report = _run([parent], select=["LL101"])
    assert [(f.resource, f.span.file, f.span.line) for f in report.findings] == [("Child/Worker", "child.yaml", 11)]


def test_exports_of_a_child_resolve_imports_elsewhere(tmp_path, monkeypatch):
    _write(tmp_path, "network/queues.yaml", """\
        Resources:
          Dlq:
            Type: AWS::SQS::Queue
            Properties: {FifoQueue: true}
        Outputs:
          DlqArn:
            Value: !GetAtt Dlq.Arn
            Export: {Name: shared-dlq}
        """)
    _write(tmp_path, "network/main.yaml", """\
        Resources:
          Queues:
            Type: AWS::CloudFormation::Stack
            Properties: {TemplateURL: queues.yaml}
        """)
    _write(tmp_path, "app.yaml", "Resources:\n" + function("Worker", "DeadLetterConfig: {TargetArn: !ImportValue shared-dlq}"))
    monkeypatch.chdir(tmp_path)
    report = _run(["."], select=["LL303"])
    assert [(f.resource, f.span.file) for f in report.findings] == [("Worker", "app.yaml")]
    assert "Queues/Dlq" in report.findings[0].message


def test_a_template_that_includes_itself_is_read_once(tmp_path, monkeypatch):
    _write(tmp_path, "a.yaml", """\
        Resources:
          B:
            Type: AWS::CloudFormation::Stack
            Properties: {TemplateURL: b.yaml}
        """)
    _write(tmp_path, "b.yaml", """\
        Resources:
          A:
            Type: AWS::CloudFormation::Stack
            Properties: {TemplateURL: a.yaml}
        """)
    monkeypatch.chdir(tmp_path)
    report = _run(["."], select=["LL004"])
    assert not report.internal_errors
    assert [(u.resource, u.reason) for u in report.unknowns] == [
        ("B/A", "nested stack B/A: a.yaml includes a template that includes it")]


def test_a_child_that_cannot_be_parsed_is_ll001_and_unread(tmp_path, monkeypatch):
    _write(tmp_path, "child.yaml", "Resources:\n  Q: [unclosed\n")
    parent = _write(tmp_path, "parent.yaml", """\
        Resources:
          Child:
            Type: AWS::CloudFormation::Stack
            Properties: {TemplateURL: child.yaml}
        """)
    monkeypatch.chdir(tmp_path)
    report = _run([parent], select=["LL001", "LL004"])
    assert [(f.rule, f.span.file) for f in report.findings] == [("LL001", "child.yaml")]
    assert [u.resource for u in report.unknowns] == ["Child"]
    assert "could not be read" in report.unknowns[0].reason


def test_suppressions_in_the_child_apply(tmp_path, monkeypatch):
    _write(tmp_path, "child.yaml", "Resources:\n" + function("Worker", "Timeout: 1200  # lambdalint: ignore[LL101] reviewed")
           + function("Other", "Timeout: 1300", metadata="{lambdalint: {ignore: [{id: LL101, reason: reviewed}]}}"))
    parent = _write(tmp_path, "parent.yaml", """\
        Resources:
          Child:
            Type: AWS::CloudFormation::Stack
            Properties: {TemplateURL: child.yaml}
        """)
    monkeypatch.chdir(tmp_path)
    report = _run([parent], select=["LL101", "LL002"])
    assert report.findings == [] and report.suppressed == 2


def test_nested_stacks_need_no_network(tmp_path, monkeypatch):
    """An S3 TemplateURL is named, never fetched: linting works offline and reads nothing but
    the project (the unknown says so)."""
    parent = _write(tmp_path, "parent.yaml", """\
        Resources:
          Child:
            Type: AWS::CloudFormation::Stack
            Properties: {TemplateURL: "s3://bucket/child.yaml"}
        """)
    monkeypatch.chdir(tmp_path)
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("lambdalint tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    report = _run([parent], select=["LL004"])
    assert [u.resource for u in report.unknowns] == ["Child"]
    assert os.path.basename(report.unknowns[0].span.file) == "parent.yaml"


def test_resource_type_that_is_not_a_string_is_not_a_stack():
    """A corpus template has ``Type: {AWS::Serverless::Function: invalid_field}``: no crash."""
    from lambdalint.frontends.nested import location

    assert location({"Type": {"AWS::Serverless::Function": "invalid_field"}, "Properties": {}}) is None
    assert location({"Type": ["AWS::CloudFormation::Stack"]}) is None
