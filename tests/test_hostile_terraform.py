"""Issue 11's Terraform rows (see the row -> test table in hostile.py): evaluation budgets
(frontends/terraform/limits.py), modules that source each other, HCL numbers with exponents."""
from __future__ import annotations

import os

import pytest

import hostile
from hostile import findings, function_tf, ll001, reasons, write
from lambdalint.config import Config
from lambdalint.frontends.terraform import limits as tf_limits
from lambdalint.runner import lint

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs and symlinks")


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    hostile.unlock(tmp_path)


# -- row: Terraform evaluation budgets ---------------------------------------------------------


def _evaluate(text: str, extra: dict | None = None):
    from lambdalint.frontends.terraform.evaluate import evaluate_module_ex
    from lambdalint.load.hcl import load_hcl

    docs = [load_hcl(text, "main.tf")]
    return evaluate_module_ex(docs, "main.tf", extra)


def _attribute(evaluation, name, address="aws_sqs_queue.q"):
    return next(r for r in evaluation.resources if r.address == address).values[name]


def _queue(expr: str, extra: str = "") -> str:
    return f'{extra}\nresource "aws_sqs_queue" "q" {{\n  name = {expr}\n}}\n'


@pytest.fixture
def fewer_steps(monkeypatch):
    """The step budget (1,000,000; the one-run test above uses it as it is) lowered to 100,000
    here, so this test costs a tenth of the CPU."""
    from lambdalint.frontends.terraform import expressions

    monkeypatch.setattr(expressions, "MAX_STEPS", 100_000)


@pytest.mark.parametrize("locals_, reason", [
    # for over large ranges: the step budget
    ('big = { for i in range(1000) : tostring(i) => [for j in range(1000) : "${i}-${j}"] }\n'
     '  x = length(local.big)', "evaluation budget exhausted (more than 100,000 expression steps"),
    # a string doubled 26 times: the string budget
    ('s0 = "ab"\n' + "".join(f'  s{i} = "${{local.s{i - 1}}}${{local.s{i - 1}}}"\n' for i in range(1, 27))
     + "  x = local.s26", "a string longer than the budget of 1,000,000 characters"),
    # a list 100 ** 3 long: the collection budget
    ('l = flatten([for i in range(400) : range(300)])\n  x = local.l',
     "arguments of more than 100,000 values in all (the budget)"),
    # a list that shares its items: 100 ** 5 values in a few lines
    ("l0 = [for i in range(100) : \"x\"]\n" + "".join(f"  l{i} = [for i in range(100) : local.l{i - 1}]\n"
                                                      for i in range(1, 5)) + "  x = local.l4 == local.l4",
     "comparison of a value of more than 100,000 items in all (the budget)"),
    ('x = format("%999999999d", 1)', "format: a width past the budget of 1,000,000 characters"),
    ('s = format("%999999s", "a")\n  x = replace(local.s, "", local.s)', "replace: a result longer than the budget"),
    ('l = [for i in range(100) : format("%999999s", tostring(i))]\n  x = local.l[99]',
     "evaluation budget exhausted (more than 64,000,000 characters of strings in this configuration)"),
    ('l = [for i in range(5) : format("%999999s", tostring(i))]\n  x = join("", local.l)',
     "join(...): arguments of more than 4,000,000 characters in all (the budget)"),
])
def test_terraform_budgets_make_unknowns(locals_, reason, fewer_steps):
    evaluation = _evaluate(_queue("local.x", f"locals {{\n  {locals_}\n}}"))
    value = _attribute(evaluation, "name")
    assert type(value).__name__ in ("Unknown", "Either") and reason in repr(value), value


def test_terraform_conditional_alternatives_budget():
    chain = "".join(f'  a{i} = var.c == "{i}" ? local.a{i - 1} : "${{local.a{i - 1}}}y"\n' for i in range(1, 31))
    evaluation = _evaluate(_queue("local.a30", f'variable "c" {{}}\nlocals {{\n  a0 = "x"\n{chain}}}'))
    value = _attribute(evaluation, "name")
    assert "more than 256 alternatives: the budget" in value.reason


def test_terraform_instance_budgets(here, monkeypatch):
    counted = _evaluate('resource "aws_sqs_queue" "q" {\n  count = 5000\n  name  = "q"\n}\n')
    only = counted.resources
    assert [r.address for r in only] == ["aws_sqs_queue.q[*]"]
    assert only[0].extra["instances_unknown"] == "count expands to more than 1,000 instances (the budget)"
    # module fan-out 5 levels x 30: the budget of instances for the whole configuration (10,000,
    # as the one-run test above uses it; lowered to 1,000 here for a tenth of the CPU)
    from lambdalint.frontends.terraform import instances

    monkeypatch.setattr(instances, "MAX_TOTAL_INSTANCES", 1000)
    hostile.fanout(here / "tf_fanout")
    report = lint(["tf_fanout"], Config(select=["LL101"]))
    assert report.functions < 2000  # the budget plus one stand-in per call; 30 ** 4 = 810,000 without it
    assert any("count expands past the budget of 1,000 instances in this configuration" in r
               for r in reasons(report, "LL101"))


def test_for_each_past_the_instance_budget_names_it(here):
    """for_each over 100 x 50 keys (flatten of nested fors): one unknown instance, and a value
    read from each.key is an unknown naming the budget (cause "budget"); the run goes on."""
    keys = 'toset(flatten([for i in range(100) : [for j in range(50) : "${i}-${j}"]]))'
    write(here / "main.tf", function_tf(timeout="tonumber(split(\"-\", each.key)[1]) + 3", extra=f"for_each = {keys}")
          + function_tf("other", timeout="5000"))
    report = lint(["."], Config(select=["LL101"]))
    assert [f.resource for f in report.findings] == ["aws_lambda_function.other"]
    unknown = next(u for u in report.unknowns if u.rule == "LL101")
    assert (unknown.resource, unknown.cause) == ("aws_lambda_function.f[*]", "budget")
    assert unknown.reason == ("timeout <- each.key (for_each expands to more than "
                              f"{tf_limits.MAX_INSTANCES:,} instances (the budget))")


@pytest.mark.parametrize("count, reason", [(1024, None), (1025, "range: more than 1024 values were generated")])
def test_range_is_limited_as_terraform_limits_it(count, reason):
    """range() errs past 1,024 values in Terraform itself (go-cty's RangeFunc); up to it, a
    value like any other (it was invalid past 1,000)."""
    value = _attribute(_evaluate(_queue("length(local.r)", f"locals {{\n  r = range({count})\n}}")), "name")
    if reason is None:
        assert value.value == count
    else:
        assert type(value).__name__ == "Invalid" and reason in value.reason


def test_terraform_module_depth_budget(here):
    from lambdalint.frontends.terraform.limits import MAX_MODULE_DEPTH

    for level in range(MAX_MODULE_DEPTH + 2):
        call = f'module "m" {{\n  source = "../m{level + 1}"\n}}\n' if level <= MAX_MODULE_DEPTH else ""
        write(here / f"m{level}/main.tf", call + 'output "t" {\n  value = 3\n}\n'
              + (function_tf(timeout="module.m.t") if level < MAX_MODULE_DEPTH + 1 else ""))
    report = lint(["m0"], Config(select=["LL101"]))
    assert any(f"modules nested more than {MAX_MODULE_DEPTH} deep: the budget" in r for r in reasons(report, "LL101"))
    assert not report.internal_errors


# -- row: two Terraform modules sourcing each other ---------------------------------------------


def test_modules_that_source_each_other_are_each_linted_once(here):
    write(here / "a/main.tf", 'module "b" {\n  source = "../b"\n}\noutput "t" {\n  value = 30\n}\n' + function_tf("fa", "5000"))
    write(here / "b/main.tf", 'module "a" {\n  source = "../a"\n}\n' + function_tf("fb", "module.a.t"))
    for paths in (["."], ["a", "b"], ["b", "a"]):
        report = lint(paths, Config())
        names = sorted(f.name for f in report_model_functions(paths))
        assert names in (["aws_lambda_function.fa", "module.b.aws_lambda_function.fb"],
                         ["aws_lambda_function.fb", "module.a.aws_lambda_function.fa"]), names
        assert len(findings(report)) == 1 and report.functions == 2
        # the cycle is an unknown on the call back into the root module (LL004 counts module calls)
        assert any("not read (it includes itself)" in r for r in reasons(report, "LL004")), reasons(report, "LL004")


def report_model_functions(paths):
    from lambdalint.runner import build_model

    model, _ = build_model(paths, Config())
    return model.functions()


# -- row: HCL timeout = 1e3 ----------------------------------------------------------------------


def test_hcl_exponent_is_a_number(here):
    write(here / "main.tf", function_tf(timeout="1e3") + 'locals {\n  s = "1e3 ${2E+2}" # 1e5\n  n = [1e-3, -4e2]\n}\n')
    report = lint(["."], Config())
    assert findings(report) == {("main.tf", 9)} and not ll001(report)
    assert "timeout 1000 s is out of range" in next(f.message for f in report.findings if f.rule == "LL101")
    from lambdalint.load.hcl import load_hcl

    data = load_hcl('x = "1e3 ${2E+2}"\ny = [1e-3, -4e2]\nz = x1e3\n', "t.tf").data
    assert data.attrs["x"].parts[0] == "1e3 " and data.attrs["x"].parts[1].value == 200.0
    assert data.attrs["y"].items[0].value == 0.001
    assert type(data.attrs["z"]).__name__ == "Traversal"
