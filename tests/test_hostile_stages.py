"""Issue 11, part 1: a lambdalint bug at any stage (loader, frontend, rule, nested stacks)
costs only its own file, in both runners; hostile file names in every format; the role
statement budget that bounds rule work."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

import hostile
from hostile import GOOD_CFN, findings, reasons, write
from lambdalint.config import Config
from lambdalint.load import limits
from lambdalint.runner import lint

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs and symlinks")


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    hostile.unlock(tmp_path)


# -- Part 1: a lambdalint bug at any stage costs only its own file ---------------------------------


def _two_templates(here):
    write(here / "a.yaml", GOOD_CFN.replace("GoodYaml", "A"))
    write(here / "b.yaml", GOOD_CFN.replace("GoodYaml", "B"))


@pytest.mark.parametrize("streamed", ["1", "0"])
def test_a_loader_bug_costs_only_its_file(here, monkeypatch, streamed):
    monkeypatch.setenv("LAMBDALINT_STREAM", streamed)  # both runners: streamed groups and one model
    from lambdalint import runner

    _two_templates(here)
    original = runner.load_cfn_file

    def load(path, explicit):
        if Path(path).name == "b.yaml":
            raise KeyError("simulated loader bug")
        return original(path, explicit)

    monkeypatch.setattr(runner, "load_cfn_file", load)
    report = lint(["."], Config())
    assert findings(report) == {("a.yaml", 9)}
    assert report.internal_errors == ["b.yaml: KeyError: 'simulated loader bug'"]


@pytest.mark.parametrize("streamed", ["1", "0"])
def test_a_frontend_bug_half_way_through_a_file_leaves_nothing_of_it(here, monkeypatch, streamed):
    monkeypatch.setenv("LAMBDALINT_STREAM", streamed)  # both runners: streamed groups and one model
    from lambdalint.frontends import template

    _two_templates(here)
    original = template.map_template

    def map_template(doc, model, *args, **kwargs):
        frontend = original(doc, model, *args, **kwargs)  # b.yaml's function is in the model ...
        if doc.path == "b.yaml":
            raise ValueError("simulated frontend bug")  # ... when the frontend fails after it
        return frontend

    monkeypatch.setattr(template, "map_template", map_template)
    report = lint(["."], Config())
    assert findings(report) == {("a.yaml", 9)} and report.functions == 1
    assert report.internal_errors == ["b.yaml: ValueError: simulated frontend bug"]


@pytest.mark.parametrize("streamed", ["1", "0"])
def test_a_rule_bug_on_one_files_resource_costs_only_that_file(here, monkeypatch, streamed):
    monkeypatch.setenv("LAMBDALINT_STREAM", streamed)  # both runners: streamed groups and one model
    from lambdalint.engine import load_rules

    _two_templates(here)
    rule = load_rules()["LL101"].module
    original = rule.check

    def check(model, fn, options):  # the engine checks one subject (a function) at a time
        if fn.source.doc.path == "b.yaml":
            raise IndexError("simulated rule bug")
        yield from original(model, fn, options)

    monkeypatch.setattr(rule, "check", check)
    report = lint(["."], Config())
    assert findings(report) == {("a.yaml", 9)}  # LL101 still reports a.yaml
    assert report.internal_errors == ["rule LL101 failed on b.yaml: IndexError: simulated rule bug"]


# -- file names that are not text, or hold a newline ------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit"])
def test_hostile_file_names_in_every_format(here, fmt):
    """A name that is not UTF-8 (``\\xff``) and one with a newline: linted, and every format
    stays well-formed (SARIF percent-encodes the raw bytes, GitHub escapes the newline, JUnit
    replaces what XML cannot hold), even on a strict UTF-8 stdout."""
    write(Path(os.fsdecode(bytes(here) + b"/\xffbad.yaml")), GOOD_CFN)
    write(here / "new\nline.yaml", GOOD_CFN)
    result = subprocess.run(hostile.LAMBDALINT + ["check", ".", "--format", fmt], cwd=here, capture_output=True,
                            timeout=hostile.TIMEOUT, env=dict(os.environ, PYTHONIOENCODING="utf-8", NO_COLOR="1"))
    assert result.returncode == 1 and result.stderr == b"", result.stderr
    out = result.stdout
    if fmt == "json":
        assert {f["file"] for f in json.loads(out)["findings"]} == {"\udcffbad.yaml", "new\nline.yaml"}
    elif fmt == "sarif":
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                for r in json.loads(out)["runs"][0]["results"]}
        assert uris == {"%FFbad.yaml", "new%0Aline.yaml"}
    elif fmt == "github":
        assert b"file=new%0Aline.yaml," in out and out.count(b"::error ") == 2
    elif fmt == "junit":
        import xml.dom.minidom

        xml.dom.minidom.parseString(out)
    else:
        assert b"\\udcffbad.yaml" in out


# -- bounded rule work: a role shared by every function, with thousands of statements ------------------


@pytest.mark.parametrize("statements, undecided", [(limits.MAX_ROLE_STATEMENTS, False),
                                                   (limits.MAX_ROLE_STATEMENTS + 1, True)])
def test_role_statement_budget(here, statements, undecided):
    """Permission rules read a function's role statement by statement: past the budget the
    role's permissions are unknown, so functions x statements stays bounded (1,500 functions
    on one 1,500-statement role took 58 s of CPU in a 950 KB template)."""
    doc = {"Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": {"Policies": [{
        "PolicyName": "p", "PolicyDocument": {"Statement": [
            {"Effect": "Allow", "Action": f"sqs:Action{i}", "Resource": "*"} for i in range(statements - 1)]
            + [{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:CreateLogGroup"],
                "Resource": "*"}]}}]}},
        "Fn": {"Type": "AWS::Lambda::Function", "Properties": {
            "Runtime": "python3.12", "Handler": "a.b", "Code": {"ZipFile": "x"}, "Role": {"Fn::GetAtt": ["Role", "Arn"]}}}}}
    write(here / "t.json", json.dumps(doc))
    report = lint(["."], Config(select=["LL602"]))
    budget = [r for r in reasons(report, "LL602") if f"more than the budget of {limits.MAX_ROLE_STATEMENTS:,}" in r]
    assert bool(budget) is undecided and report.findings == []


@pytest.mark.parametrize("streamed", ["1", "0"])
def test_a_bug_finding_nested_stacks_costs_nothing_but_the_nesting(here, monkeypatch, streamed):
    from lambdalint.frontends import nested

    monkeypatch.setenv("LAMBDALINT_STREAM", streamed)  # both runners: streamed groups and one model
    _two_templates(here)
    write(here / "parent.yaml", "Resources:\n  Child:\n    Type: AWS::CloudFormation::Stack\n"
                                "    Properties:\n      TemplateURL: a.yaml\n")

    def broken(*args):
        raise AttributeError("simulated nesting bug")

    monkeypatch.setattr(nested, "reached_as_children", broken)  # its signature differs per runner
    report = lint(["."], Config())
    assert findings(report) == {("a.yaml", 9), ("b.yaml", 9)}
    assert report.internal_errors == ["finding nested stacks: AttributeError: simulated nesting bug"]
