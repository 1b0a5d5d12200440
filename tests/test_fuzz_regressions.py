"""What the fuzzing campaigns (tests/test_fuzz.py) found, one regression test each: every case
below used to end in an internal error (an exception escaping a frontend or a rule)."""
from __future__ import annotations

import json

import pytest

from hostile import plan_json, write
from lambdalint.config import Config
from lambdalint.engine import load_rules
from lambdalint.runner import lint

ALL = Config(select=sorted(load_rules()))


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _lint(here, name, text):
    write(here / name, text)
    report = lint([name], ALL, show_unknowns=True)
    assert report.internal_errors == []
    return report


def test_fn_split_with_an_empty_delimiter(here):
    """Campaign 1: {'Fn::Split': ['', 0]} raised ValueError: empty separator."""
    doc = {"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": {
        "Runtime": "python3.12", "Handler": "a.b", "Code": {"ZipFile": "x"}, "Role": "arn:aws:iam::1:role/r",
        "Layers": {"Fn::Split": ["", "a,b"]}}}}}
    report = _lint(here, "t.json", json.dumps(doc))
    assert any("Fn::Split with an empty delimiter" in u.reason for u in report.unknowns)


@pytest.mark.parametrize("field, value, reason", [
    ("address", {"x": 1}, "a resource address that is not a string"),
    ("type", ["aws_lambda_function"], "a resource type that is not a string"),
    ("index", {"k": 0}, "a resource index that is not a number or a string"),
])
def test_plan_resource_with_a_field_of_the_wrong_type(here, field, value, reason):
    """Campaign 1: a planned resource whose address was a mapping raised TypeError: unhashable."""
    plan = json.loads(plan_json(2))
    plan["planned_values"]["root_module"]["resources"][1][field] = value
    plan["resource_changes"] = [{"address": {"x": 1}, "change": {}}]
    report = _lint(here, "plan.json", json.dumps(plan, indent=1))
    assert [(f.rule, f.message) for f in report.findings if f.rule == "LL001"] == [
        ("LL001", f"not a valid Terraform plan: {reason}")]


@pytest.mark.parametrize("streamed", ["1", "0"])
@pytest.mark.parametrize("child", ["child.yaml", "a_child.yaml"])  # after and before its parent
def test_nested_child_that_cannot_be_parsed_is_ll001_once(here, monkeypatch, streamed, child):
    """Campaign 3 (both runners compared): a nested stack's child that fails to parse was LL001
    twice, once through its parent and once on its own, and the two runners counted the checks
    differently."""
    monkeypatch.setenv("LAMBDALINT_STREAM", streamed)
    write(here / child, "Resources:\n  X: [\n")
    write(here / "parent.yaml", "Resources:\n  N:\n    Type: AWS::CloudFormation::Stack\n"
                                f"    Properties:\n      TemplateURL: {child}\n")
    report = lint(["."], ALL)
    assert [(f.rule, f.span.file) for f in report.findings] == [("LL001", child)]
    assert report.checks["LL001"] == [2, 0]  # one check per file: the parent passes, the child fails


@pytest.mark.parametrize("index", [".inf", ".nan", "1.5"])
def test_fn_select_with_an_index_that_is_not_a_whole_number(here, index):
    """Campaign 4 (2,500 examples per property): {'Fn::Select': [inf, None]} raised
    OverflowError: cannot convert float infinity to integer (1.5 silently picked item 1)."""
    report = _lint(here, "t.yaml", "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n"
                                   f"      Layers: !Select [{index}, [a, b]]\n")
    shown = {".inf": "inf", ".nan": "nan"}.get(index, index)
    assert [u.reason for u in report.unknowns if u.rule == "LL106"] == [
        f"Layers <- !Select index {shown} is not a whole number"]


@pytest.mark.parametrize("name, constant", [("t.json", "Infinity"), ("t.json", "-Infinity"), ("t.json", "NaN"),
                                            ("m/main.tf.json", "NaN"), ("plan.json", "Infinity")])
def test_nan_and_infinity_are_not_json(here, name, constant):
    """Campaign 4's example came through JSON: Python's decoder reads NaN and Infinity, which
    JSON (and CloudFormation, Terraform) do not allow.  LL001 at the constant."""
    if name == "plan.json":
        text = plan_json(1, number=constant)
    elif name.endswith(".tf.json"):
        text = '{"locals": {\n  "s": "NaN, Infinity",\n  "n": %s}}' % constant
    else:
        text = ('{"Resources": {"Fn": {"Type": "AWS::Lambda::Function",\n "Properties": {"Description": "NaN",'
                ' "Layers": {"Fn::Select": [%s, null]}}}}}' % constant)
    report = _lint(here, name, text)
    line = next(n for n, t in enumerate(text.splitlines(), 1) if constant in t and '"NaN' not in t) \
        if name != "t.json" else 2
    assert [(f.rule, f.span.line, f.message) for f in report.findings if f.rule == "LL001"] == [
        ("LL001", line, f"invalid JSON: {constant} is not a JSON value")]
