"""Issue 11, the table: every hostile input ends as LL001 or an Unknown naming its budget, within
bounded time and memory, and never costs the other files their findings.

Each row has its own test below (named after the row); ``test_all_hostile_inputs_in_one_run``
puts every one of them in one directory beside good templates and checks that each good
template's findings still appear.  Runs that could hang or exhaust memory on a regression go
through a child process bounded by ``hostile.TIMEOUT`` (120 s wall) and ``hostile.MEMORY``
(2 GiB of address space); nothing here asserts a duration.
"""
from __future__ import annotations

import codecs
import json
import os
import subprocess
import zipfile
from pathlib import Path

import pytest

import hostile
from hostile import GOOD_CFN, cfn_function, deep_if, function_tf, plan_json, run, sam_function, write
from lambdalint.config import Config
from lambdalint.frontends.terraform import limits as tf_limits
from lambdalint.load import limits
from lambdalint.runner import lint

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs and symlinks")


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    hostile.unlock(tmp_path)


def ll001(report, file=None) -> dict:
    return {f.span.file: f.message for f in report.findings if f.rule == "LL001" and (file is None or f.span.file == file)}


def findings(report, rule="LL101") -> set:
    return {(f.span.file, f.span.line) for f in report.findings if f.rule == rule}


def reasons(report, rule) -> list[str]:
    return [u.reason for u in report.unknowns if u.rule == rule]


def good(here: Path) -> None:
    write(here / "good.yaml", GOOD_CFN)


# -- Part 1: everything at once -------------------------------------------------------------


@pytest.mark.parametrize("streamed", ["1", "0"])
def test_all_hostile_inputs_in_one_run(here, streamed):
    """Both runners: files in linked groups (the default) and one model for the whole run."""
    expect = hostile.build(here)
    result = run(["check", ".", "--format", "json", "--show-unknowns"], here,
                 env=dict(os.environ, NO_COLOR="1", LAMBDALINT_STREAM=streamed))
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    got = {(f["rule"], f["file"], f["line"]) for f in report["findings"]}
    for finding in expect["findings"]:  # every good template's findings appear
        assert finding in got, finding
    messages = {f["file"]: f["message"] for f in report["findings"] if f["rule"] == "LL001"}
    for file, reason in expect["ll001"].items():
        assert reason in messages.get(file, ""), (file, messages.get(file))
    assert set(messages) == set(expect["ll001"])  # nothing else became LL001
    for rule, reason in expect["unknowns"]:
        assert any(u["rule"] == rule and reason in u["reason"] for u in report["unknowns"]), (rule, reason)
    mentioned = {f["file"] for f in report["findings"]} | {u["file"] for u in report["unknowns"]}
    for file in expect["skipped"]:  # FIFOs and device links in a scan: never opened, never reported
        assert file not in mentioned


# -- row: an integer of over 4,300 digits -----------------------------------------------------


@pytest.mark.parametrize("name, text, line", [
    ("t.json", '{"Resources": {"F": {"Type": "AWS::Lambda::Function",\n "Properties": {"Timeout": %s}}}}', 2),
    ("t.yaml", "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      Timeout: %s\n", 5),
    ("m/main.tf.json", '{"locals": {\n  "n": %s}}', 2),
    ("plan.json", None, None),
])
def test_integer_of_over_4300_digits_is_ll001(here, name, text, line):
    good(here)
    huge = "9" * (limits.MAX_INT_DIGITS + 1)
    if text is None:
        text = plan_json(1).replace('"timeout": 3', '"timeout": %s', 1)
        line = text.split("%s")[0].count("\n") + 1
    write(here / name, text % huge)
    report = lint(["."], Config())
    shown = name
    assert ll001(report) == {shown: f"number with more than {limits.MAX_INT_DIGITS:,} digits"}
    assert next(f.span.line for f in report.findings if f.rule == "LL001") == line
    assert findings(report) == {("good.yaml", 9)} and not report.internal_errors


# -- row: Fn::If nested 300-450 deep ------------------------------------------------------------


@pytest.mark.parametrize("levels", [101, 300, 450])
def test_deep_fn_if_is_ll001_nested_too_deeply(here, levels):
    good(here)
    write(here / "deep.json", deep_if(levels))
    report = lint(["."], Config())
    assert ll001(report) == {"deep.json": f"nesting deeper than {limits.MAX_DEPTH} levels"}
    assert findings(report) == {("good.yaml", 9)} and not report.internal_errors


def _at_the_depth_budget() -> dict:
    """A template whose every property is nested exactly as deep as the budget allows."""
    def fill(setter, make):
        k = 0
        while True:
            setter(make(k + 1))
            if limits.too_deep(doc) is not None:
                setter(make(k))
                return
            k += 1

    def ifs(k):
        value = 5000
        for _ in range(k):
            value = {"Fn::If": ["C", value, 3]}
        return value

    def lists(k):
        value = ["x"]
        for _ in range(k):
            value = [value]
        return value

    def maps(k):
        value = {"a": "1"}
        for _ in range(k):
            value = {"k": value}
        return value

    doc = {"Parameters": {"Env": {"Type": "String"}}, "Conditions": {"C": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}},
           "Resources": {
        "F": {"Type": "AWS::Lambda::Function", "Properties": {"Runtime": "python3.12", "Handler": "a.b",
                                                              "Role": "arn:aws:iam::123456789012:role/r"}},
        "R": {"Type": "AWS::IAM::Role", "Properties": {"Policies": [{"PolicyName": "p", "PolicyDocument": {
            "Statement": [{"Effect": "Allow"}]}}]}}}}
    props = doc["Resources"]["F"]["Properties"]
    statement = doc["Resources"]["R"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0]
    for key in ("Timeout", "MemorySize", "ReservedConcurrentExecutions"):
        fill(lambda v, key=key: props.__setitem__(key, v), ifs)
    fill(lambda v: props.__setitem__("Environment", {"Variables": v}), maps)
    fill(lambda v: props.__setitem__("Layers", v), lists)
    fill(lambda v: props.__setitem__("VpcConfig", {"SubnetIds": v, "SecurityGroupIds": ["sg-1"]}), lists)
    fill(lambda v: props.__setitem__("DeadLetterConfig", {"TargetArn": v}), ifs)
    fill(lambda v: props.__setitem__("Description", {"Fn::Sub": ["x", v]}), maps)
    for key, make in (("Action", ifs), ("Resource", lists), ("Condition", maps), ("Principal", maps)):
        fill(lambda v, key=key: statement.__setitem__(key, v), make)
    return doc


@pytest.mark.parametrize("suffix", ["json", "yaml"])
def test_nesting_exactly_at_the_budget_is_linted(here, suffix):
    """The budget is the loader's promise to everything after it: at the budget, every frontend
    and rule copes (an Fn::If 98 deep in Timeout still decides its 5000 s branch)."""
    doc = _at_the_depth_budget()
    assert limits.too_deep(doc) is None and limits.too_deep(doc, limits.MAX_DEPTH - 1) is not None
    text = json.dumps(doc, indent=None)  # JSON is YAML too: one line, so no indentation limits
    write(here / f"deep.{suffix}", text)
    report = lint(["."], Config())
    assert not ll001(report) and not report.internal_errors
    assert ("deep." + suffix, 1) in findings(report)


# -- row: a FIFO named template.yaml (scanned, named, a zip CodeUri) ----------------------------


def test_fifo_is_never_opened(here):
    good(here)
    os.mkfifo(here / "template.yaml")
    os.mkfifo(here / "main.tf")
    os.mkfifo(here / "fn.zip")
    write(here / "sam.yaml", "Transform: AWS::Serverless-2016-10-31\nResources:\n" + sam_function("Zip", "fn.zip"))
    scanned = run(["check", ".", "--format", "json", "--show-unknowns"], here)
    report = json.loads(scanned.stdout)
    assert {f["file"] for f in report["findings"]} == {"good.yaml"}
    assert any("fn.zip is not a regular file or directory" in u["reason"] for u in report["unknowns"])
    named = run(["check", "template.yaml", "main.tf", "good.yaml", "--format", "json"], here)
    found = {f["file"]: f["message"] for f in json.loads(named.stdout)["findings"]}
    assert found == {"template.yaml": "not a regular file (a FIFO): not read",
                     "main.tf": "not a regular file (a FIFO): not read",
                     "good.yaml": found["good.yaml"]}
    assert named.returncode == 1 and "internal error" not in named.stderr


def test_fifo_named_modules_json_is_never_opened(here):
    """`.terraform/modules/modules.json` is read for registry modules: a FIFO there is skipped."""
    write(here / "main.tf", 'module "x" {\n  source = "terraform-aws-modules/lambda/aws"\n}\n' + function_tf(timeout="5000"))
    (here / ".terraform/modules").mkdir(parents=True)
    os.mkfifo(here / ".terraform/modules/modules.json")
    result = run(["check", ".", "--format", "json", "--show-unknowns"], here)
    report = json.loads(result.stdout)
    assert [(f["rule"], f["file"]) for f in report["findings"]] == [("LL101", "main.tf")]
    assert any(u["rule"] == "LL004" and "is not downloaded" in u["reason"] for u in report["unknowns"])


# -- row: a symlink onto /dev/zero or /dev/urandom ---------------------------------------------


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_symlink_to_a_device_is_never_read(here, device):
    good(here)
    os.symlink(device, here / "template.yaml")
    os.symlink(device, here / "template.json")
    scanned = run(["check", ".", "--format", "json"], here)
    assert {f["file"] for f in json.loads(scanned.stdout)["findings"]} == {"good.yaml"}
    named = run(["check", "template.yaml", "good.yaml", "--format", "json"], here)
    found = {f["file"]: f["message"] for f in json.loads(named.stdout)["findings"] if f["rule"] == "LL001"}
    assert found == {"template.yaml": "not a regular file (a character device): not read"}


def test_symlinks_inside_the_project_are_followed_once_and_loops_end(here):
    write(here / "real/template.yaml", GOOD_CFN)
    os.symlink("real", here / "alias")  # the same directory twice: linted once
    os.symlink(".", here / "real/self")  # a loop
    os.symlink("loop-b.yaml", here / "loop-a.yaml")
    os.symlink("loop-a.yaml", here / "loop-b.yaml")
    os.symlink("real/template.yaml", here / "link.yaml")  # the same file again
    report = lint(["."], Config())
    assert len(findings(report)) == 1  # the first path that reaches it, in name order: link.yaml
    assert findings(report) == {("link.yaml", 9)}
    assert report.functions == 1 and not ll001(report)


# -- row: CodeUri: /dev, a package onto a device tree -------------------------------------------


def test_package_walk_reads_regular_files_only(here):
    pkg = here / "src"
    pkg.mkdir()
    os.mkfifo(pkg / "pipe.py")
    os.symlink("/dev/zero", pkg / "zero.py")
    os.symlink("/dev", pkg / "devices")
    write(pkg / "app.py", "x = 1\n")
    os.chmod(pkg / "app.py", 0o600)
    write(here / "template.yaml", "Resources:\n" + cfn_function("Pkg", "src") + cfn_function("Dev", "/dev"))
    result = run(["check", ".", "--format", "json", "--show-unknowns", "--select", "LL108"], here)
    report = json.loads(result.stdout)
    assert [(f["line"], "src/app.py is 0600" in f["message"]) for f in report["findings"]] == [(8, True)]
    assert "pipe.py" not in report["findings"][0]["message"]
    assert any(u["reason"].startswith("Code /dev is outside the project") for u in report["unknowns"])


@pytest.mark.parametrize("kind", ["directory", "zip"])
def test_package_entries_budget(here, monkeypatch, kind):
    """Past MAX_PACKAGE_ENTRIES (50,000; lowered here to 10) a package is undecided, not walked on."""
    from lambdalint.engine import load_rules
    from lambdalint.load import zipdir

    rule = load_rules()["LL108"].module
    monkeypatch.setattr(rule, "MAX_PACKAGE_ENTRIES", 10)
    monkeypatch.setattr(zipdir, "MAX_PACKAGE_ENTRIES", 10)
    if kind == "directory":
        for i in range(11):
            write(here / f"src/f{i}.py", "x\n")
        code = "src"
    else:
        with zipfile.ZipFile(here / "fn.zip", "w") as archive:
            for i in range(11):
                archive.writestr(f"f{i}.py", "x\n")
        code = "fn.zip"
    write(here / "template.yaml", "Resources:\n" + cfn_function("Pkg", code))
    report = lint(["."], Config(select=["LL108"]))
    assert any("package budget" in r and " 10" in r for r in reasons(report, "LL108")), reasons(report, "LL108")


def test_zip_central_directory_budget(here, monkeypatch):
    from lambdalint.load import zipdir

    with zipfile.ZipFile(here / "fn.zip", "w") as archive:
        archive.writestr("a" * 200 + ".py", "x\n")
    monkeypatch.setattr(zipdir, "MAX_ZIP_DIRECTORY_BYTES", 100)
    entries, reason = zipdir.zip_entries(str(here / "fn.zip"))
    assert entries == [] and "central directory of" in reason and "more than the package budget of 100" in reason


# -- row: a 50 MB YAML template (file size and parse nodes) ------------------------------------


def test_file_past_the_size_budget_is_ll001_without_reading_it(here):
    good(here)
    with open(here / "big.yaml", "wb") as handle:  # sparse: refused by its size, never read
        handle.write(b"Resources:\n  Big:\n    Type: AWS::Lambda::Function\n")
        handle.truncate(50 * limits.MB)
    with open(here / "data.json", "wb") as handle:  # not a template: skipped in a scan
        handle.write(b'{"rows": [')
        handle.truncate(50 * limits.MB)
    report = lint(["."], Config())
    assert ll001(report) == {"big.yaml": "file too large (50 MB, limit 16 MB): not parsed"}
    assert findings(report) == {("good.yaml", 9)}
    named = lint(["data.json"], Config())
    assert ll001(named) == {"data.json": "file too large (50 MB, limit 16 MB): not parsed"}


def test_template_at_the_size_budget_is_linted_within_the_memory_bound(here):
    """Within the size budget, work is linear in the file: a template just under
    MAX_TEMPLATE_BYTES (16 MB, about 27,000 functions with a queue and a role each) is linted
    whole within hostile.MEMORY (2 GiB of address space).  Measured: 1, 4 and 15 MB took 0.5,
    1.9 and 7.9 s of CPU and 58, 173 and 597 MB of memory (about 40 MB per MB of YAML)."""
    text, functions = hostile.big_template(limits.MAX_TEMPLATE_BYTES)
    assert len(text.encode()) > limits.MAX_TEMPLATE_BYTES - 4096
    write(here / "template.yaml", text)
    result = run(["check", ".", "--format", "json"], here)  # every default rule
    assert result.stderr == "" and result.returncode == 1
    report = json.loads(result.stdout)
    assert report["summary"]["functions"] == functions
    assert [f["resource"] for f in report["findings"] if f["rule"] in ("LL001", "LL101")] == ["Fn0"]


def test_parse_node_budget(here, monkeypatch):
    """YAML counts nodes with aliases expanded: a billion-laughs document stops at MAX_NODES."""
    bomb = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    bomb += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    write(here / "bomb.yaml", "Resources:\n  B:\n    Type: X\n    Properties:\n"
          + "".join(f"      {line}\n" for line in bomb))
    good(here)
    report = lint(["."], Config())
    assert ll001(report) == {"bomb.yaml": f"document expands to more than {limits.MAX_NODES:,} nodes (YAML alias bomb?)"}
    from lambdalint.load import cfn_yaml

    monkeypatch.setattr(cfn_yaml, "MAX_NODES", 20)  # no alias at all: the same count
    write(here / "bomb.yaml", "Resources:\n" + "".join(f"  R{i}: {{Type: X}}\n" for i in range(10)))
    assert ll001(lint(["."], Config()))["bomb.yaml"] == "document has more than 20 nodes"


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
    from lambdalint.frontends.terraform import evaluate

    monkeypatch.setattr(evaluate, "MAX_TOTAL_INSTANCES", 1000)
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


# -- row: encodings and flow style ---------------------------------------------------------------


def test_encodings_in_a_scan(here):
    latin = GOOD_CFN.replace("GoodYaml", "Latin").replace("Runtime: python3.12", "Runtime: python3.12 # caf\xe9")
    write(here / "latin1.yaml", latin.encode("latin-1"))
    write(here / "notes.yaml", "title: caf\xe9\n".encode("latin-1"))  # not a template: skipped
    for name, bom, codec in (("utf16le.yaml", codecs.BOM_UTF16_LE, "utf-16-le"),
                             ("utf16be.yaml", codecs.BOM_UTF16_BE, "utf-16-be"),
                             ("utf32.yaml", codecs.BOM_UTF32_LE, "utf-32-le"),
                             ("utf8bom.yaml", codecs.BOM_UTF8, "utf-8")):
        write(here / name, bom + GOOD_CFN.replace("GoodYaml", name.split(".")[0]).encode(codec))
    write(here / "flow.yaml", "{Resources: {Flow: {Type: AWS::Lambda::Function, Properties: {Timeout: 7777}}}}\n")
    write(here / "tabs.yaml", '{\n\t"Resources": {\n\t\t"Tabs": {"Type": "AWS::Lambda::Function",'
                              ' "Properties": {"Timeout": 6666}}}}\n')
    report = lint(["."], Config())
    offset = latin.encode("latin-1").index(b"\xe9")
    assert ll001(report) == {"latin1.yaml": f"not UTF-8 text (invalid continuation byte at byte {offset})"}
    assert next((f.span.line, f.span.column) for f in report.findings if f.rule == "LL001") == (5, 32)
    assert findings(report) == {("utf16le.yaml", 9), ("utf16be.yaml", 9), ("utf32.yaml", 9), ("utf8bom.yaml", 9),
                                ("flow.yaml", 1), ("tabs.yaml", 3)}
    named = lint(["latin1.yaml", "notes.yaml", "utf16le.yaml"], Config())  # named: LL001 even when not a template
    assert ll001(named) == {"latin1.yaml": f"not UTF-8 text (invalid continuation byte at byte {offset})",
                            "notes.yaml": "not UTF-8 text (invalid continuation byte at byte 10)"}
    assert findings(named) == {("utf16le.yaml", 9)}


# -- row: a directory that cannot be listed; a file named inside one -----------------------------


@pytest.mark.skipif(not hostile.can_drop_read_override(),
                    reason="running as root without setpriv: chmod 000 cannot block root's reads here")
def test_unreadable_directory_and_file(here):
    good(here)
    write(here / "locked/template.yaml", GOOD_CFN)
    write(here / "locked/main.tf", function_tf(timeout="5000"))
    write(here / "secret.yaml", GOOD_CFN)
    os.chmod(here / "secret.yaml", 0)
    os.chmod(here / "locked", 0)
    scanned = run(["check", ".", "--format", "json"], here)
    found = {(f["rule"], f["file"], f["message"]) for f in json.loads(scanned.stdout)["findings"]}
    assert ("LL001", "locked", "cannot read directory: Permission denied") in found
    assert ("LL001", "secret.yaml", "cannot read file: Permission denied") in found
    assert {f[1] for f in found if f[0] == "LL101"} == {"good.yaml"}
    named = run(["check", "locked/template.yaml", "locked/main.tf", "good.yaml", "--format", "json"], here)
    assert "internal error" not in named.stderr and named.returncode == 1
    found = {(f["rule"], f["file"], f["message"]) for f in json.loads(named.stdout)["findings"]}
    assert ("LL001", "locked/template.yaml", "cannot read file: Permission denied") in found
    assert ("LL001", "locked/main.tf", "cannot read file: Permission denied") in found
    assert ("good.yaml" in {f[1] for f in found if f[0] == "LL101"})


# -- row: an alias bomb in .lambdalint.yaml -------------------------------------------------------


def test_config_alias_bomb_stops_at_the_node_budget(here):
    """Bound: the config loader stops at MAX_NODES (2,000,000) parse nodes, so the run ends with
    the config error within hostile.SMALL_MEMORY (256 MB; it took 0.1 s of CPU and 24 MB);
    10 ** 12 nodes were built before (72 s and 3 GB)."""
    good(here)
    bomb = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    bomb += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 12)]
    write(here / ".lambdalint.yaml", "\n".join(bomb) + "\nexclude: *a11\n")
    result = run(["check", "."], here, memory=hostile.SMALL_MEMORY)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (f"lambdalint: error: {here / '.lambdalint.yaml'}:7:10: invalid YAML: document expands "
                             f"to more than {limits.MAX_NODES:,} nodes (YAML alias bomb?)\n")


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


# -- row: stdout closed, or piped into head -1 ----------------------------------------------------


def test_stdout_closed_ends_quietly(here):
    good(here)
    result = subprocess.run(hostile.LAMBDALINT + ["check", "."], cwd=here, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: os.close(1), timeout=hostile.TIMEOUT)  # `>&-`
    assert result.returncode == 1 and result.stderr == ""


def test_output_into_head_ends_quietly(here):
    write(here / "many.yaml", "Resources:\n" + "".join(
        f"  F{i}:\n    Type: AWS::Lambda::Function\n    Properties: {{Timeout: 5000}}\n" for i in range(600)))
    reader = subprocess.Popen(hostile.LAMBDALINT + ["check", "."], cwd=here, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    assert reader.stdout.readline() == b"many.yaml\n"
    reader.stdout.close()  # what `| head -1` does
    _, err = reader.communicate(timeout=hostile.TIMEOUT)
    assert err == b"" and reader.returncode == 1


# -- row: a plan far larger than a template ---------------------------------------------------------


def test_plan_larger_than_the_template_budget_is_read(here):
    """A plan is the one input that is legitimately big: past the 16 MB template budget it is
    still read (within MAX_PLAN_BYTES, 512 MB).  The issue's 200 MB plan with 53,000 functions
    is this at scale; memory proportional to what rules need is issue 9's (bounded-memory runner)."""
    text = plan_json(300, pad_to=limits.MAX_TEMPLATE_BYTES + 1024, timeout=5000)
    write(here / "plan.json", text)
    report = lint(["."], Config(select=["LL101"]))
    assert report.functions == 300 and not ll001(report)
    assert [f.resource for f in report.findings] == ["aws_lambda_function.fn0"]


def test_plan_of_200_mb_with_53000_functions(here):
    """The issue's row at its scale: a 200 MB plan (53,000 functions, padded) is within the plan
    budget and linted whole within hostile.MEMORY (2 GiB of address space).  Memory follows
    the JSON text, not what the rules need (issue 9): measured 1.0 GB peak for this plan, and
    2.8 GB for a 240 MB plan with resource_changes, prior_state and configuration (more than
    this bound; json.loads alone took 1.5 GB of it)."""
    write(here / "plan.json", plan_json(53_000, pad_to=200 * limits.MB, timeout=5000))
    result = run(["check", ".", "--format", "json"], here)  # every default rule
    assert result.stderr == "" and result.returncode == 1
    report = json.loads(result.stdout)
    assert report["summary"]["functions"] == 53_000
    assert [f["resource"] for f in report["findings"] if f["rule"] in ("LL001", "LL101")] == ["aws_lambda_function.fn0"]


def test_plan_past_the_plan_budget_is_ll001(here):
    with open(here / "plan.json", "wb") as handle:
        handle.write(b'{"format_version": "1.2", "planned_values": {')
        handle.truncate(limits.MAX_PLAN_BYTES + limits.MB)
    good(here)
    report = lint(["."], Config())
    assert ll001(report) == {"plan.json": "file too large (513 MB, limit 512 MB): not parsed"}
    assert findings(report) == {("good.yaml", 9)}


@pytest.mark.parametrize("streamed", ["1", "0"])
def test_a_file_past_its_budget_is_never_read(here, streamed):
    """Past its size budget a file is LL001 from its size alone: no stage reads it, not even the
    streamed runner's scan for links between files (it read up to 1 GiB).  Bound: the run
    fits in 256 MB of address space beside a 600 MB plan, a 300 MB template and a 100 MB
    .tf (sparse files)."""
    good(here)
    write(here / "main.tf", function_tf(timeout="5000"))
    for name, head, size in (("plan.json", b'{"format_version": "1.2", "planned_values": {', 600),
                             ("big.yaml", b"Resources:\n  Big:\n    Type: AWS::Lambda::Function\n", 300),
                             ("big.tf", b'module "m" {\n  source = "./m"\n}\n', 100)):
        with open(here / name, "wb") as handle:
            handle.write(head)
            handle.truncate(size * limits.MB)
    result = run(["check", ".", "--format", "json"], here, memory=hostile.SMALL_MEMORY,
                 env=dict(os.environ, NO_COLOR="1", LAMBDALINT_STREAM=streamed))
    assert result.stderr == "" and result.returncode == 1
    found = {(f["rule"], f["file"], f["message"]) for f in json.loads(result.stdout)["findings"]}
    assert found == {("LL001", "plan.json", "file too large (600 MB, limit 512 MB): not parsed"),
                     ("LL001", "big.yaml", "file too large (300 MB, limit 16 MB): not parsed"),
                     ("LL001", "big.tf", "file too large (100 MB, limit 4 MB): not parsed"),
                     ("LL101", "good.yaml", next(m for r, f, m in found if f == "good.yaml")),
                     ("LL101", "main.tf", next(m for r, f, m in found if f == "main.tf"))}


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


def test_hcl_file_past_its_size_budget_is_ll001(here):
    write(here / "main.tf", function_tf(timeout="5000"))
    with open(here / "big.tf", "wb") as handle:  # sparse: refused by its size
        handle.write(b'locals {\n  a = 1\n}\n')
        handle.truncate(limits.MAX_HCL_BYTES + 1)
    report = lint(["."], Config())
    assert ll001(report) == {"big.tf": f"file too large ({limits.MAX_HCL_BYTES + 1:,} bytes, limit 4 MB): not parsed"}
    assert findings(report) == {("main.tf", 9)}  # the module's other file is still linted


def test_rows_map_to_tests():
    """The row -> test table in hostile.py's docstring names tests that exist, and every row of
    the issue's table (and each part) has one."""
    import re

    tests = Path(__file__).parent
    rows = [line for line in hostile.__doc__.splitlines() if line.startswith("| ") and not line.startswith("| row")]
    assert len(rows) == 20  # the issue's 15 rows and its 5 parts
    for row in rows:
        names = re.findall(r"(h|test_\w+\.py)::(test_\w+)", row.split(" | ")[1])
        assert names or "(all)" in row, row
        for file, name in names:
            source = (tests / ("test_hostile.py" if file == "h" else file)).read_text(encoding="utf-8")
            assert re.search(rf"^def {name}\(", source, re.MULTILINE), (row, name)
