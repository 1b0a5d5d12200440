"""Reports as CI systems read them: SARIF for GitHub code scanning (help, chain links, stable
fingerprints, repository-relative URIs), GitHub annotations (errors first, a summary), JUnit
(valid against the Ant and Jenkins schemas, one testcase per file x rule)."""
from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from lambdalint.cli import main
from lambdalint.config import Config
from lambdalint.document import Span
from lambdalint.engine import load_rules
from lambdalint.findings import Finding, Related, Report
from lambdalint.report import render
from lambdalint.report.sarif import as_dict
from lambdalint.runner import lint

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT.parent / "shared" / "schemas"
JUNIT = ROOT / "tests" / "data" / "junit"
RULES = {rid: loaded.meta for rid, loaded in load_rules().items()}


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def sarif_of(capsys, *argv):
    code, out, err = run(capsys, "check", "--format", "sarif", *argv)
    assert code in (0, 1), err
    return json.loads(out)


def results(sarif):
    return sarif["runs"][0]["results"]


def sarif_validator():
    jsonschema = pytest.importorskip("jsonschema")
    path = SCHEMAS / "sarif-schema-2.1.0.json"
    if not path.is_file():
        pytest.skip("../shared/schemas is absent")
    return jsonschema.Draft7Validator(json.loads(path.read_text(encoding="utf-8")))


def copy_fixture(name: str, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(ROOT / "fixtures" / name, dest))


# -- SARIF: rules' help ----------------------------------------------------------------------

def test_every_rule_has_help_and_a_full_description():
    sarif = as_dict(Report(findings=[]), RULES)
    descriptors = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert {d["id"] for d in descriptors} == set(RULES)
    for d in descriptors:
        doc = load_rules()[d["id"]].doc
        assert d["fullDescription"]["text"] != d["shortDescription"]["text"], d["id"]
        assert len(d["fullDescription"]["text"]) > len(d["shortDescription"]["text"]), d["id"]
        assert "## What it does" in d["help"]["markdown"] and "## References" in d["help"]["markdown"]
        assert d["help"]["markdown"].count("```") % 2 == 0
        assert "```" not in d["help"]["text"] and "WHAT IT DOES" in d["help"]["text"]
        what = doc.split("## What it does", 1)[1].split("\n\n", 1)[0].split()
        assert " ".join(what[:6]) in d["fullDescription"]["text"], d["id"]
        assert d["helpUri"].endswith("#" + d["id"].lower())


# -- SARIF: the chain as links ---------------------------------------------------------------

def test_related_locations_are_linked_from_the_message(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    copy_fixture("LL201/public_subnet.yaml", tmp_path)
    sarif = sarif_of(capsys, "public_subnet.yaml", "--select", "LL201")
    (result,) = results(sarif)
    text = result["message"]["text"]
    ids = [r["id"] for r in result["relatedLocations"]]
    assert len(ids) >= 2
    linked = [int(i) for i in re.findall(r"(?<!\\)\]\((\d+)\)", text)]
    assert linked == ids  # every related location is linked, in order, and nothing else
    for related in result["relatedLocations"]:
        assert f"[{related['message']['text']}]({related['id']})" in text
    sarif_validator().validate(sarif)


def test_brackets_in_messages_are_escaped():
    f = Finding("LL201", "vpc-subnet-public", "error", 'function module.mod2["test"].fn [x](1) is public',
                Span("main.tf", 3, 1, 3, 9), 'module.mod2["test"]',
                related=(Related(Span("main.tf", 9, 1, 9, 5), 'route ["a"]', "r"),))
    result = as_dict(Report(findings=[f]), RULES)["runs"][0]["results"][0]
    text = result["message"]["text"]
    assert text.startswith('function module.mod2\\["test"\\].fn \\[x\\](1) is public')
    assert re.findall(r"(?<!\\)\[((?:[^\]\\]|\\.)*)\]\((\d+)\)", text) == [('route \\["a"\\]', "1")]


# -- SARIF: fingerprints ---------------------------------------------------------------------

def _fingerprints(sarif):
    return [(r["ruleId"], r["partialFingerprints"]["lambdalint/v2"]) for r in results(sarif)]


def test_fingerprints_ignore_the_message_and_line_numbers(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    template = copy_fixture("LL107/as_of_date/template.yaml", tmp_path)
    config = "rules:\n  LL107: {as-of: %s}\n"
    (tmp_path / ".lambdalint.yaml").write_text(config % "2027-04-01")
    before = _fingerprints(sarif_of(capsys, "template.yaml", "--select", "LL107"))
    assert len(before) >= 3 and len({fp for _, fp in before}) == len(before)
    (tmp_path / ".lambdalint.yaml").write_text(config % "2027-05-01")  # "(as of DATE)" changes
    text = template.read_text()
    template.write_text(text.replace("Resources:\n", "Resources:\n  Pad:\n    Type: AWS::SNS::Topic\n", 1))
    after = sarif_of(capsys, "template.yaml", "--select", "LL107")
    assert _fingerprints(after) == before
    assert results(after)[0]["locations"][0]["physicalLocation"]["region"]["startLine"] > 3


def test_fingerprint_inputs():
    base = Finding("LL204", "vpc-role-missing-eni-permissions", "error", "m", Span("a.yaml", 5, 1, 5, 9), "Fn",
                   key="Resources/Fn/Properties/Role")

    def fp(*findings):
        return [r["partialFingerprints"]["lambdalint/v2"]
                for r in as_dict(Report(findings=list(findings)), RULES)["runs"][0]["results"]]

    (reference,) = fp(base)
    assert fp(replace(base, message="other words")) == [reference]
    assert fp(replace(base, span=Span("a.yaml", 50, 3, 50, 9))) == [reference]
    for changed in (replace(base, rule="LL205"), replace(base, resource="Other"),
                    replace(base, key="Resources/Fn/Properties/VpcConfig"), replace(base, span=Span("b.yaml", 5, 1, 5, 9))):
        assert fp(changed) != [reference]
    twins = fp(base, replace(base, message="a second problem, same place"))
    assert len(set(twins)) == 2 and reference in twins  # occurrence index


def test_terraform_keys_name_blocks_not_positions(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    src = (ROOT / "fixtures" / "LL501" / "visibility_below_timeout_tf" / "main.tf").read_text()
    (tmp_path / "tf").mkdir()
    (tmp_path / "tf" / "main.tf").write_text(src)
    (key,) = [f.key for f in lint(["tf"], Config(select=["LL501"])).findings]
    assert key == "resource.aws_sqs_queue.jobs/visibility_timeout_seconds"
    (tmp_path / "tf" / "main.tf").write_text('resource "aws_sns_topic" "pad" {}\n' + src)
    assert [f.key for f in lint(["tf"], Config(select=["LL501"])).findings] == [key]


# -- SARIF and GitHub paths: relative to the repository root ---------------------------------

def test_uris_are_relative_to_the_git_top_level(capsys, tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    copy_fixture("LL201/public_subnet.yaml", tmp_path / "infra")
    (tmp_path / "tools").mkdir()
    monkeypatch.chdir(tmp_path / "tools")
    sarif = sarif_of(capsys, "../infra", "--select", "LL201")
    location = results(sarif)[0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "infra/public_subnet.yaml", "uriBaseId": "%SRCROOT%"}
    assert all(r["physicalLocation"]["artifactLocation"]["uri"] == "infra/public_subnet.yaml"
               for r in results(sarif)[0]["relatedLocations"])
    code, out, _ = run(capsys, "check", "../infra", "--select", "LL201", "--format", "github")
    assert "file=infra/public_subnet.yaml," in out and "↳ infra/public_subnet.yaml:" in out
    assert "../" not in out


def test_uris_follow_github_workspace(capsys, tmp_path, monkeypatch):
    copy_fixture("LL201/public_subnet.yaml", tmp_path / "repo" / "stacks")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path / "repo"))
    monkeypatch.chdir(tmp_path / "repo" / "stacks")
    sarif = sarif_of(capsys, "public_subnet.yaml", "--select", "LL201")
    assert results(sarif)[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "stacks/public_subnet.yaml"
    out = run(capsys, "check", "public_subnet.yaml", "--select", "LL201", "--format", "github")[1]
    assert "file=stacks/public_subnet.yaml," in out
    # a file outside the workspace keeps an absolute URI instead of ../
    outside = copy_fixture("LL201/public_subnet.yaml", tmp_path / "elsewhere")
    uri = results(sarif_of(capsys, str(outside), "--select", "LL201"))[0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri == {"uri": outside.as_uri()}


# -- SARIF on the corpus: schema, no fingerprint collisions ----------------------------------

def test_corpus_sarif_is_valid_and_fingerprints_are_unique(corpus_report):
    sarif = as_dict(corpus_report, RULES)
    errors = list(sarif_validator().iter_errors(sarif))
    assert not errors, [e.message for e in errors[:5]]
    prints = [r["partialFingerprints"]["lambdalint/v2"] for r in results(sarif)]
    assert len(prints) > 1000
    assert len(set(prints)) == len(prints)
    messages = [r["message"]["text"] for r in results(sarif) if "relatedLocations" in r]
    assert messages and all(re.search(r"\]\(1\)", m) for m in messages)


# -- GitHub annotations ----------------------------------------------------------------------

def _finding(rule, severity, file, line):
    return Finding(rule, RULES[rule].name, severity, f"{rule} at {line}", Span(file, line, 1, line, 5), "R")


def test_annotations_put_errors_first_then_a_summary():
    findings = [_finding("LL107", "warning", f"a{i:02}.yaml", 1) for i in range(25)]
    findings.append(_finding("LL201", "error", "z.yaml", 40))
    findings.append(_finding("LL206", "info", "b.yaml", 2))
    findings.append(_finding("LL204", "error", "m.yaml", 3))
    lines = render("github", Report(findings=findings, files=28), RULES).splitlines()
    kinds = [line.split(" ", 1)[0] for line in lines[:-1]]
    assert kinds == ["::error"] * 2 + ["::warning"] * 25 + ["::notice"]
    assert "file=m.yaml" in lines[0] and "file=z.yaml" in lines[1]
    assert lines[-1] == "lambdalint: 2 errors, 25 warnings, 1 info in 28 files"


# -- JUnit -----------------------------------------------------------------------------------

def _xsd(name):
    xmlschema = pytest.importorskip("xmlschema")
    return xmlschema.XMLSchema(str(JUNIT / name))


@pytest.fixture
def junit_project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    copy_fixture("LL107/as_of_date/template.yaml", tmp_path / "stacks.v2")  # dots in the folder
    copy_fixture("LL201/public_subnet.yaml", tmp_path / "stacks.v2")
    copy_fixture("LL107/far_future.yaml", tmp_path / "stacks.v2")
    (tmp_path / ".lambdalint.yaml").write_text("rules:\n  LL107: {as-of: 2027-04-01}\n")
    return tmp_path


@pytest.mark.parametrize("fail_on", ["warning", "error", "info", "never"])
def test_junit_validates_against_ant_and_jenkins_schemas(capsys, junit_project, fail_on):
    code, out, err = run(capsys, "check", ".", "--format", "junit", "--fail-on", fail_on)
    assert code in (0, 1), err
    for schema in ("JUnit.xsd", "jenkins-junit-10.xsd"):
        _xsd(schema).validate(out)


def test_junit_one_testcase_per_file_and_rule(capsys, junit_project):
    out = run(capsys, "check", ".", "--format", "junit", "--fail-on", "error")[1]
    suite = ET.fromstring(out.encode()).find("testsuite")
    cases = {(c.get("classname"), c.get("name")): c for c in suite.findall("testcase")}
    report = json.loads(run(capsys, "check", ".", "--format", "json")[1])
    pairs = {(f["file"].replace(".", "_"), f["rule"]) for f in report["findings"]}
    assert {(cls, name.split()[0]) for cls, name in cases if name != "no findings"} == pairs
    assert ("stacks_v2/far_future_yaml", "no findings") in cases  # a clean file passes
    assert all("." not in cls for cls, _ in cases)  # readers split classnames at dots
    for (cls, name), case in cases.items():
        assert len(case.findall("failure")) <= 1 and case.get("time") is not None
        rule = name.split()[0]
        severities = {f["severity"] for f in report["findings"]
                      if f["rule"] == rule and f["file"].replace(".", "_") == cls}
        assert (case.find("failure") is not None) == ("error" in severities), (cls, name)
    # LL107 has a warning and an error in template.yaml: one failure, listing both
    ll107 = cases[("stacks_v2/template_yaml", "LL107 deprecated-runtime")].find("failure")
    assert ll107.text.count("LL107 warning") >= 1 and ll107.text.count("LL107 error") >= 1
    assert int(suite.get("tests")) == len(cases)
    assert int(suite.get("failures")) == sum(1 for c in cases.values() if c.find("failure") is not None)
    assert float(suite.get("time")) >= 0


def test_junit_fail_on_never_has_no_failures(capsys, junit_project):
    out = run(capsys, "check", ".", "--format", "junit", "--fail-on", "never")[1]
    suite = ET.fromstring(out.encode()).find("testsuite")
    assert suite.get("failures") == "0" and not suite.findall(".//failure")
    assert len(suite.findall("testcase")) >= 3
