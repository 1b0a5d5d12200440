"""Issue 11, the table: every hostile input ends as LL001 or an Unknown naming its budget, within
bounded time and memory, and never costs the other files their findings.

Each row has its own test, here or in ``test_hostile_sizes.py``, ``test_hostile_terraform.py``
and ``test_hostile_stages.py`` (the row -> test table is in ``hostile.py``);
``test_all_hostile_inputs_in_one_run`` puts every one of them in one directory beside good
templates and checks that each good template's findings still appear.  Runs that could hang or exhaust memory on a regression go
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
from hostile import (GOOD_CFN, cfn_function, deep_if, findings, function_tf, good, ll001, plan_json, reasons, run,
                     sam_function, write)
from lambdalint.config import Config
from lambdalint.load import limits
from lambdalint.runner import lint

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs and symlinks")


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    hostile.unlock(tmp_path)


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


def test_rows_map_to_tests():
    """The row -> test table in hostile.py's docstring names tests that exist, and every row of
    the issue's table (and each part) has one."""
    import re

    tests = Path(__file__).parent
    rows = [line for line in hostile.__doc__.splitlines() if line.startswith("| ") and not line.startswith("| row")]
    assert len(rows) == 20  # the issue's 15 rows and its 5 parts
    for row in rows:
        names = re.findall(r"\b(h|hs|ht|hb|test_\w+\.py)::(test_\w+)", row.split(" | ")[1])
        assert names or "(all)" in row, row
        for file, name in names:
            file = {"h": "test_hostile.py", "hs": "test_hostile_sizes.py", "ht": "test_hostile_terraform.py",
                    "hb": "test_hostile_stages.py"}.get(file, file)
            source = (tests / file).read_text(encoding="utf-8")
            assert re.search(rf"^def {name}\(", source, re.MULTILINE), (row, name)
