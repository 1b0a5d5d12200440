"""The project a run may read (paths.py): the current directory plus the directories of the
paths given; a path written in an input that resolves outside it is Unknown, never read."""
from __future__ import annotations

import json
import os

import pytest

from lambdalint.config import Config
from lambdalint.document import Document, Source
from lambdalint.paths import Project, confine, project, project_of
from lambdalint.runner import lint
from lambdalint.values import Known, Unknown

SAM = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: {path}
"""


def test_project_is_cwd_plus_given_directories(tmp_path, monkeypatch):
    (tmp_path / "here").mkdir()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "template.yaml").write_text("x")
    (tmp_path / "third").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    p = Project([str(tmp_path / "other" / "template.yaml"), str(tmp_path / "third")])
    real = os.path.realpath(tmp_path)
    assert p.roots == tuple(sorted(os.path.join(real, d) for d in ("here", "other", "third")))
    assert p.contains(str(tmp_path / "other" / "src"))  # a named file's directory
    assert p.contains("src/app.py")  # relative to the current directory
    assert not p.contains(str(tmp_path))
    assert not p.contains(str(tmp_path / "otherwise"))  # a prefix of a name is not inside
    # without a run, the project is the current directory alone
    assert project().roots == (os.path.join(real, "here"),)
    with project_of([str(tmp_path / "third")]):
        assert project().contains(str(tmp_path / "third" / "x"))
    assert not project().contains(str(tmp_path / "third" / "x"))


def test_symlinks_are_resolved(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "escape").symlink_to("/etc")
    (tmp_path / "inner").mkdir()
    (tmp_path / "alias").symlink_to(tmp_path / "inner")
    p = Project(["."])
    assert not p.contains("escape/passwd")
    assert p.contains("alias/x")


def _value(text):
    doc = Document(path="stack/template.yaml", format="cfn-yaml", data={"Resources": {"F": {"Properties": {"CodeUri": text}}}})
    return Known(text, Source(doc, ("Resources", "F", "Properties", "CodeUri")))


@pytest.mark.parametrize("written", ["/", "../../../..", "/etc/passwd", "src/../../../../.."])
def test_outside_is_unknown_naming_the_value(tmp_path, monkeypatch, written):
    monkeypatch.chdir(tmp_path)
    result = confine(_value(written), "stack", "code path")
    assert isinstance(result, Unknown)
    assert result.reason.startswith(f"CodeUri {written} is outside the project")
    assert result.source is not None


@pytest.mark.parametrize("written", ["src", "../src", "./build/fn.zip", "s3://bucket/key", ""])
def test_inside_or_not_a_local_path_is_unchanged(tmp_path, monkeypatch, written):
    monkeypatch.chdir(tmp_path)
    value = _value(written)
    assert confine(value, "stack") is value


@pytest.mark.parametrize("written", ["/", "../../../..", "../../../../../../../../../dev"])
def test_ll108_never_walks_outside(tmp_path, monkeypatch, written):
    """`CodeUri: /` used to walk up to the entry cap outside the project: now it is undecided."""
    project_dir = tmp_path / "project"
    project_dir.mkdir()
    (project_dir / "template.yaml").write_text(SAM.format(path=written))
    monkeypatch.chdir(project_dir)
    report = lint(["."], Config(select=["LL108"]))
    assert [f for f in report.findings if f.rule == "LL108"] == []
    reasons = [u.reason for u in report.unknowns if u.rule == "LL108"]
    assert len(reasons) == 1 and f"CodeUri {written} is outside the project" in reasons[0]
    assert report.internal_errors == []


def test_ll108_symlink_out_of_the_project_is_not_followed(tmp_path, monkeypatch):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "app.py").write_text("x")
    os.chmod(outside / "app.py", 0o600)
    project_dir = tmp_path / "project"
    project_dir.mkdir()
    (project_dir / "src").symlink_to(outside)
    (project_dir / "template.yaml").write_text(SAM.format(path="src"))
    monkeypatch.chdir(project_dir)
    report = lint(["."], Config(select=["LL108"]))
    assert [f for f in report.findings if f.rule == "LL108"] == []
    assert any("CodeUri src is outside the project" in u.reason for u in report.unknowns)


def test_terraform_local_module_outside_the_project_is_not_read(tmp_path, monkeypatch):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere/main.tf").write_text('resource "aws_lambda_function" "x" {\n  timeout = 5000\n}\n')
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj/main.tf").write_text('module "m" {\n  source = "../elsewhere"\n}\n')
    monkeypatch.chdir(tmp_path / "proj")
    report = lint(["."], Config(select=["LL004", "LL101"]))
    assert report.findings == [] and report.functions == 0
    assert [u.reason for u in report.unknowns] == [
        "module call module.m: source ../elsewhere is outside the project (.); lambdalint reads only "
        "files under the paths it was given or the current directory"]
    monkeypatch.chdir(tmp_path)  # from the directory above, both are inside
    assert lint(["proj"], Config(select=["LL101"])).functions == 1


def test_cdk_stack_template_outside_the_project_is_not_read(tmp_path, monkeypatch):
    (tmp_path / "secret.yaml").write_text("Resources:\n  S:\n    Type: AWS::SQS::Queue\n")
    project_dir = tmp_path / "app"
    (project_dir / "cdk.out").mkdir(parents=True)
    (project_dir / "cdk.out/manifest.json").write_text(json.dumps({"version": "36.0.0", "artifacts": {"S": {
        "type": "aws:cloudformation:stack", "properties": {"templateFile": "../../secret.yaml"}}}}))
    monkeypatch.chdir(project_dir)
    report = lint(["."], Config())
    assert [(f.rule, f.span.file, f.message) for f in report.findings] == [
        ("LL001", "cdk.out/manifest.json", "stack template ../../secret.yaml not read (outside the project)")]
