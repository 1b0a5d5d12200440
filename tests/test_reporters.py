"""Reporters on a hand-built Report: schema validity, determinism, escaping, colour."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from lambdalint.document import Span
from lambdalint.findings import Finding, Related, Report, Undecided
from lambdalint.report import REPORTERS, render
from lambdalint.rulekit import Rule

SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "schemas"
ANSI = re.compile(r"\x1b\[[0-9;]*m")

RULES = {
    "LL201": Rule("LL201", "vpc-subnet-public", "error", "VPC function placed only in public subnets"),
    "LL204": Rule("LL204", "role-missing-vpc-permissions", "error", "VPC function's role cannot create ENIs"),
    "LL302": Rule("LL302", "timeout-exceeds-queue-visibility", "warning", "Function timeout above SQS visibility"),
}


def make_report(show_unknowns: bool = True) -> Report:
    f1 = Finding(
        rule="LL302",
        name="timeout-exceeds-queue-visibility",
        severity="warning",
        message='timeout 900s exceeds the queue\'s visibility 30s: 100% "re-delivery", then\nduplicates',
        span=Span("infra/app.yaml", 60, 7, 60, 19),
        resource="Worker",
        related=(Related(Span("infra/queue.yaml", 5, 3, 5, 30), "VisibilityTimeout: 30", "Queue"),),
    )
    f2 = Finding(
        rule="LL201",
        name="vpc-subnet-public",
        severity="error",
        message="subnet PublicSubnetA routes 0.0.0.0/0 to internet gateway Igw, file:x <tag>&",
        span=Span("infra/app.yaml", 42, 9, 42, 31),
        resource="Worker",
        related=(
            Related(Span("infra/app.yaml", 88, 7, 88, 40), "route to Igw", "PublicRoute"),
            Related(Span("infra/app.yaml", 70, 5, 72, 10), "subnet PublicSubnetA"),
        ),
    )
    u = Undecided("LL204", "Worker", "Role <- !Ref RoleArn (parameter without default)",
                  Span("infra/app.yaml", 12, 7, 12, 20), "parameter")
    return Report(findings=[f1, f2], unknowns=[u], files=2, functions=3, suppressed=2,
                  suppressed_without_reason=1, show_unknowns=show_unknowns,
                  checks={"LL201": [1500, 0], "LL204": [2, 1], "LL302": [3, 0]})


def _validator(schema_file: str, cls_name: str):
    jsonschema = pytest.importorskip("jsonschema")
    path = SCHEMAS / schema_file
    if not path.is_file():
        pytest.skip(f"{path} not present")
    schema = json.loads(path.read_text(encoding="utf-8"))
    cls = getattr(jsonschema, cls_name)
    cls.check_schema(schema)
    return cls(schema)


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_deterministic(fmt):
    a = render(fmt, make_report(), RULES)
    b = render(fmt, make_report(), dict(reversed(list(RULES.items()))))
    assert a == b
    assert a.endswith("\n")


def test_json_matches_schema_and_contract():
    out = render("json", make_report(), RULES)
    data = json.loads(out)
    _validator("lambdalint-report.schema.json", "Draft202012Validator").validate(data)
    assert list(data) == ["tool", "findings", "unknowns", "summary"]
    assert data["tool"]["name"] == "lambdalint"
    assert [f["rule"] for f in data["findings"]] == ["LL201", "LL302"]
    first = data["findings"][0]
    assert list(first) == ["rule", "name", "severity", "message", "file", "line", "column",
                           "end_line", "end_column", "resource", "related"]
    assert first["related"][0] == {"file": "infra/app.yaml", "line": 88, "column": 7,
                                   "resource": "PublicRoute", "message": "route to Igw"}
    assert data["unknowns"] == [{"rule": "LL204", "resource": "Worker",
                                 "reason": "Role <- !Ref RoleArn (parameter without default)",
                                 "file": "infra/app.yaml", "line": 12, "cause": "parameter"}]
    assert data["summary"] == {"files": 2, "functions": 3, "errors": 1, "warnings": 1, "infos": 0,
                               "suppressed": 2, "suppressed_without_reason": 1, "undecided": 1,
                               "checks": {"decided": 1505, "undecided": 1}}
    # unknowns are listed in JSON regardless of --show-unknowns
    assert json.loads(render("json", make_report(False), RULES))["unknowns"] == data["unknowns"]


def test_json_empty_report_valid():
    data = json.loads(render("json", Report(findings=[]), {}))
    _validator("lambdalint-report.schema.json", "Draft202012Validator").validate(data)
    assert data["findings"] == [] and data["unknowns"] == []


def test_sarif_matches_schema():
    validator = _validator("sarif-schema-2.1.0.json", "Draft7Validator")
    for report in (make_report(), make_report(False), Report(findings=[])):
        data = json.loads(render("sarif", report, RULES))
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
        assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def test_sarif_content():
    data = json.loads(render("sarif", make_report(), RULES))
    run = data["runs"][0]
    assert data["version"] == "2.1.0"
    driver = run["tool"]["driver"]
    assert driver["name"] == "lambdalint"
    rules = driver["rules"]
    assert [r["id"] for r in rules] == ["LL201", "LL204", "LL302"]
    assert rules[0]["helpUri"].endswith("docs/rules.md#ll201")
    assert rules[2]["defaultConfiguration"]["level"] == "warning"
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["invocations"][0]["executionSuccessful"] is True
    res = run["results"][0]
    assert res["ruleId"] == "LL201" and rules[res["ruleIndex"]]["id"] == "LL201"
    assert res["level"] == "error"
    loc = res["locations"][0]
    assert loc["physicalLocation"]["artifactLocation"] == {"uri": "infra/app.yaml", "uriBaseId": "%SRCROOT%"}
    assert loc["physicalLocation"]["region"] == {"startLine": 42, "startColumn": 9, "endLine": 42, "endColumn": 31}
    assert loc["logicalLocations"] == [{"name": "Worker", "kind": "resource"}]
    assert [r["id"] for r in res["relatedLocations"]] == [1, 2]
    assert res["relatedLocations"][0]["message"]["text"] == "route to Igw"
    assert res["message"]["text"].endswith("Chain: [route to Igw](1); [subnet PublicSubnetA](2)")
    fp = res["partialFingerprints"]["lambdalint/v2"]
    assert re.fullmatch(r"[0-9a-f]{32}", fp)
    assert run["results"][1]["partialFingerprints"]["lambdalint/v2"] != fp


def test_sarif_unknown_rule_gets_descriptor():
    f = Finding("LL001", "parse-error", "error", "cannot parse", Span("a b.yaml", 1, 1, 1, 1), None)
    data = json.loads(render("sarif", Report(findings=[f]), {}))
    run = data["runs"][0]
    assert run["tool"]["driver"]["rules"][0]["id"] == "LL001"
    assert run["results"][0]["ruleIndex"] == 0
    assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "a%20b.yaml"


def test_github_commands_and_escaping():
    out = render("github", make_report(), RULES)
    lines = out.splitlines()
    assert len(lines) == 4  # two findings + one notice for the unknown + the summary
    assert lines[3] == "lambdalint: 1 error, 1 warning, 0 infos in 2 files; 1 check undecided"
    assert lines[0].startswith(
        "::error file=infra/app.yaml,line=42,col=9,endLine=42,endColumn=31,title=LL201 vpc-subnet-public::")
    assert "%0A↳ infra/app.yaml:88:7 route to Igw" in lines[0]
    assert lines[1].startswith("::warning ")
    assert "100%25 " in lines[1] and "then%0Aduplicates" in lines[1]
    assert lines[2].startswith("::notice ") and "could not decide" in lines[2]

    from lambdalint.report.github import escape_data, escape_property
    assert escape_data("a%b\r\nc:d,e") == "a%25b%0D%0Ac:d,e"
    assert escape_property("a%b\r\nc:d,e") == "a%25b%0D%0Ac%3Ad%2Ce"
    f = Finding("LL201", "vpc-subnet-public", "info", "m", Span("dir,x/a:b.yaml", 3, 2, 5, 1), "R")
    line = render("github", Report(findings=[f]), RULES).splitlines()[0]
    assert line == "::notice file=dir%2Cx/a%3Ab.yaml,line=3,endLine=5,title=LL201 vpc-subnet-public::m"
    assert render("github", Report(findings=[]), RULES) == "lambdalint: 0 errors, 0 warnings, 0 infos in 0 files\n"


def test_junit_parses():
    out = render("junit", make_report(), RULES)
    root = ET.fromstring(out.encode("utf-8"))
    suites = root.findall("testsuite")
    assert len(suites) == 1 and suites[0].get("name") == "lambdalint"
    cases = suites[0].findall("testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases] == [
        ("infra/app_yaml", "LL201 vpc-subnet-public"), ("infra/app_yaml", "LL302 timeout-exceeds-queue-visibility")]
    failures = [c.find("failure") for c in cases]
    assert [f.get("type") for f in failures] == ["LL201", "LL302"]
    assert "<tag>&" in failures[0].get("message")
    assert "\n" in failures[1].get("message")  # newline in a message survives as an attribute
    assert "route to Igw" in failures[0].text

    bad = Finding("LL201", "vpc-subnet-public", "error", "ctl\x01char", Span("a.yaml", 1, 1, 1, 2), None)
    ET.fromstring(render("junit", Report(findings=[bad]), RULES).encode("utf-8"))

    empty = ET.fromstring(render("junit", Report(findings=[], files=2, paths=("a.yaml", "b.tf")), RULES).encode("utf-8"))
    cases = empty.findall("testsuite/testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases] == [("a_yaml", "no findings"), ("b_tf", "no findings")]
    assert not empty.findall(".//failure")


def test_text_plain_and_colour():
    plain = render("text", make_report(), RULES, color=False)
    assert not ANSI.search(plain)
    coloured = render("text", make_report(), RULES, color=True)
    assert ANSI.search(coloured)
    assert ANSI.sub("", coloured) == plain

    lines = plain.splitlines()
    assert lines[0] == "infra/app.yaml"
    assert re.match(r"^  42:9 +LL201 error +subnet PublicSubnetA .*  \[Worker\]$", lines[1])
    assert lines[2] == "      ↳ infra/app.yaml:88:7 route to Igw"
    assert ("note: LL204 Worker: could not decide: Role <- !Ref RoleArn (parameter without default)"
            "  infra/app.yaml:12") in plain
    assert lines[-1].startswith("2 files, 3 functions: 1 error, 1 warning, 0 infos")
    assert "2 suppressed (1 without reason)" in lines[-1]
    assert lines[-1].endswith("; 1,506 checks: 1,505 decided, 1 undecided (listed above)")

    hidden = render("text", make_report(False), RULES)
    assert "note:" not in hidden
    assert hidden.splitlines()[-1].endswith("1,506 checks: 1,505 decided, 1 undecided (--show-unknowns lists them)")


def test_text_quiet_only_findings():
    out = render("text", make_report(), RULES, quiet=True)
    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("infra/app.yaml:42:9  LL201 error")
    assert "files" not in out and "note:" not in out


def test_unknown_format():
    with pytest.raises(ValueError):
        render("xml", make_report(), RULES)
