"""End to end through ``lambdalint.cli.main``: what a user types and what comes back (spec/cli.md).

Every test runs in a temporary directory (``tmp_path`` + ``chdir``) with small templates written
here, and checks the exit code, the output and that no traceback ever reaches stderr.
"""
from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

import pytest

from lambdalint import __version__
from lambdalint.cli import main
from lambdalint.engine import load_rules

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
RULES = load_rules()
ANSI = re.compile(r"\x1b\[[0-9;]*m")

NETWORK = """\
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  Igw:
    Type: AWS::EC2::InternetGateway
  PublicRT:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref Vpc}
  DefaultRoute:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref PublicRT, DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref Igw}
  PublicA:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/24}
  PublicAAssoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref PublicA, RouteTableId: !Ref PublicRT}
"""

FUNCTION = """\
  Worker:{header}
    Type: AWS::Lambda::Function{metadata}
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {{ZipFile: "def handler(e, c): pass"}}
      Role: arn:aws:iam::123456789012:role/worker
      VpcConfig:
        SubnetIds: [!Ref PublicA]{comment}
        SecurityGroupIds: [sg-0123456789abcdef0]
"""

CLEAN = """\
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: arn:aws:iam::123456789012:role/worker
      Timeout: 30
"""

WARNING_ONLY = CLEAN + "      ReservedConcurrentExecutions: 0\n"  # LL402 (warning)


def public(header: str = "", comment: str = "", metadata: str = "") -> str:
    """A function in a public subnet: LL201 fires on the SubnetIds line."""
    return "Resources:\n" + NETWORK + FUNCTION.format(header=header, comment=comment, metadata=metadata)


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


@pytest.fixture
def run(capsys):
    def _run(*argv):
        code = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        assert "Traceback" not in err and "Traceback" not in out, err
        return code, out, err
    return _run


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def as_json(run, *argv):
    code, out, err = run("check", "--format", "json", *argv)
    return code, json.loads(out)


def rules_of(report, rule=None):
    return [f for f in report["findings"] if rule is None or f["rule"] == rule]


def needs_rule(*ids):
    missing = [i for i in ids if i not in RULES]
    return pytest.mark.skipif(bool(missing), reason=f"rule {', '.join(missing)} does not exist yet")


# -- exit codes ------------------------------------------------------------------------------

def test_exit_0_when_clean(here, run):
    write(here / "app.yaml", CLEAN)
    code, out, err = run("check", "app.yaml")
    assert code == 0, out
    assert "1 file, 1 function: 0 errors, 0 warnings, 0 infos" in out
    assert err == ""


def test_exit_1_on_error_finding(here, run):
    write(here / "app.yaml", public())
    code, out, _ = run("check", "app.yaml", "--select", "LL201")
    assert code == 1
    assert "LL201" in out


@pytest.mark.parametrize("fail_on,expected", [(None, 1), ("warning", 1), ("info", 1), ("error", 0), ("never", 0)])
def test_fail_on_with_only_warnings(here, run, fail_on, expected):
    write(here / "app.yaml", WARNING_ONLY)
    argv = ["check", "app.yaml", "--select", "LL402"] + (["--fail-on", fail_on] if fail_on else [])
    code, out, _ = run(*argv)
    assert "LL402 warning" in out
    assert code == expected


def test_fail_on_never_with_errors(here, run):
    write(here / "app.yaml", public())
    assert run("check", "app.yaml", "--fail-on", "never")[0] == 0


def test_fail_on_from_config(here, run):
    write(here / "app.yaml", WARNING_ONLY)
    write(here / ".lambdalint.yaml", "fail-on: error\n")
    assert run("check", "app.yaml", "--select", "LL402")[0] == 0
    assert run("check", "app.yaml", "--select", "LL402", "--fail-on", "warning")[0] == 1  # the flag wins


@pytest.mark.parametrize("argv", [
    ["check", "--bogus"],
    ["check", "--format", "xml"],
    ["check", "--fail-on", "sometimes"],
    ["check", "--jobs", "many"],
    ["check", "--account-concurrency", "lots"],
    ["check", "--account-concurrency", "-5"],
    ["explain"],
    ["rules", "--format", "yaml"],
    ["graph"],
])
def test_bad_flag_exits_2(here, run, argv):
    write(here / "app.yaml", CLEAN)
    code, out, err = run(*argv)
    assert code == 2
    assert err.startswith("lambdalint: error:") or "usage" in err.lower()
    assert len(err.strip().splitlines()) <= 3


@pytest.mark.parametrize("flag", ["--select", "--ignore"])
def test_unknown_rule_in_select_or_ignore_exits_2(here, run, flag):
    write(here / "app.yaml", CLEAN)
    code, out, err = run("check", "app.yaml", flag, "LL201,LL999")
    assert code == 2
    assert "LL999" in err and "LL201" not in err
    assert out == ""


@pytest.mark.parametrize("config,key", [
    ("bogus: 1\n", "bogus"),
    ("account: {concurrenc: 5}\n", "account.concurrenc"),
    ("select: LL2\n", "select"),
    ("fail-on: 3\n", "fail-on"),
    ("account: {concurrency: lots}\n", "account.concurrency"),
    ("per-file-ignores: {'legacy/*.yaml': LL204}\n", "per-file-ignores.legacy/*.yaml"),
    ("rules: {LL201: {severity: fatal}}\n", "rules.LL201.severity"),
    ("rules: {LL501: {bogus: 1}}\n", "rules.LL501.bogus"),
    ("rules: {LL401: {account-concurrency: lots}}\n", "rules.LL401.account-concurrency"),
    ("rules: {LL999: {severity: info}}\n", "LL999"),
    ("rules: {vpc: {}}\n", "vpc"),
    ("ignore: [LL999]\n", "LL999"),
])
def test_config_errors_name_the_key(here, run, config, key):
    write(here / "app.yaml", CLEAN)
    write(here / ".lambdalint.yaml", config)
    code, out, err = run("check", "app.yaml")
    assert code == 2, out
    assert key in err
    assert out == ""
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("text", ["a: [\n", "- just\n- a list\n"])
def test_broken_config_exits_2(here, run, text):
    write(here / "app.yaml", CLEAN)
    write(here / ".lambdalint.yaml", text)
    code, _, err = run("check", "app.yaml")
    assert code == 2 and ".lambdalint.yaml" in err


def test_unreadable_config_path_exits_2(here, run):
    write(here / "app.yaml", CLEAN)
    (here / "folder").mkdir()
    for path in ("missing.yaml", "folder"):
        code, _, err = run("check", "app.yaml", "--config", path)
        assert code == 2 and path in err


def test_unreadable_parameters_file_exits_2(here, run):
    write(here / "app.yaml", CLEAN)
    code, _, err = run("check", "app.yaml", "--parameters", "missing.json")
    assert code == 2 and "missing.json" in err


def test_internal_error_is_one_line_exit_2(here, run, monkeypatch):
    import lambdalint.runner

    def boom(*args, **kwargs):
        raise ValueError("something broke")

    monkeypatch.delenv("LAMBDALINT_DEBUG", raising=False)
    monkeypatch.setattr(lambdalint.runner, "lint", boom)
    write(here / "app.yaml", CLEAN)
    code, out, err = run("check", "app.yaml")
    assert code == 2
    assert err.startswith("lambdalint: internal error") and len(err.strip().splitlines()) == 1


# -- commands --------------------------------------------------------------------------------

def test_path_without_subcommand_means_check(here, run):
    write(here / "infra" / "app.yaml", public())
    with_check = run("check", "infra", "--format", "json")
    without = run("infra", "--format", "json")
    assert with_check == without
    assert without[0] == 1 and '"LL201"' in without[1]


def test_check_defaults_to_current_directory(here, run):
    write(here / "infra" / "app.yaml", public())
    code, out, _ = run("check", "--select", "LL201")
    assert code == 1 and "infra/app.yaml" in out


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code in (0, None)
    assert capsys.readouterr().out.strip() == f"lambdalint {__version__}"


def _spec_ids() -> list[str]:
    spec = SHARED / "spec" / "rules.md"
    if not spec.is_file():
        pytest.skip("../shared is absent")
    return sorted(set(re.findall(r"^\| (LL\d{3}) \|", spec.read_text(encoding="utf-8"), re.M)))


def test_rules_lists_every_spec_rule_that_exists(run):
    ids = [i for i in _spec_ids() if i in RULES]
    assert "LL201" in ids and "LL002" in ids
    code, out, _ = run("rules")
    assert code == 0
    listed = re.findall(r"^(LL\d{3})\s", out, re.M)
    assert listed == sorted(RULES)
    assert set(ids) <= set(listed)
    assert "vpc-subnet-public" in out


# Rules agreed after the read-only spec was written (COORDINATION.md "Shared interfaces 4")
AGREED_AFTER_SPEC = {"LL004"}


def test_every_rule_module_is_in_the_spec():
    assert set(RULES) - AGREED_AFTER_SPEC <= set(_spec_ids())


def test_rules_json(run):
    code, out, _ = run("rules", "--format", "json")
    assert code == 0
    data = json.loads(out)
    by_id = {r["id"]: r for r in data}
    assert set(by_id) == set(RULES)
    assert by_id["LL201"]["name"] == "vpc-subnet-public" and by_id["LL201"]["severity"] == "error"
    assert by_id["LL002"]["severity"] == "warning"
    assert "account-concurrency" in by_id["LL401"]["options"]


@pytest.mark.parametrize("name", ["LL201", "ll201", "vpc-subnet-public"])
def test_explain(run, name):
    code, out, _ = run("explain", name)
    assert code == 0
    assert out.startswith("LL201 vpc-subnet-public (error)")
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## References"):
        assert section in out


def test_explain_unknown_rule_exits_2(run):
    code, out, err = run("explain", "LL999")
    assert code == 2 and out == "" and "LL999" in err


def test_explain_shows_options(run):
    code, out, _ = run("explain", "LL401")
    assert code == 0 and "account-concurrency" in out


# -- output formats --------------------------------------------------------------------------

def _schema(name):
    path = SHARED / "schemas" / name
    if not path.is_file():
        pytest.skip("../shared is absent")
    return json.loads(path.read_text(encoding="utf-8"))


def _validate(instance, schema):
    import jsonschema

    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    errors = sorted(cls(schema).iter_errors(instance), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def _mixed_project(here):
    """Findings of every severity, related locations, an unknown, a parse error, a suppression."""
    write(here / "infra" / "app.yaml", public())
    write(here / "infra" / "warn.yaml", WARNING_ONLY.replace("Worker", "Idle"))
    write(here / "infra" / "broken.yaml", "Resources:\n  X: [\n")
    write(here / "infra" / "param.yaml", """\
Parameters:
  SubnetIdsParam:
    Type: List<AWS::EC2::Subnet::Id>
Resources:
  Other:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: arn:aws:iam::123456789012:role/worker
      Timeout: 30  # lambdalint: ignore[LL101] not needed
      VpcConfig:
        SubnetIds: !Ref SubnetIdsParam
        SecurityGroupIds: [sg-0123456789abcdef0]
""")


def test_json_output_validates_and_is_stable(here, run):
    schema = _schema("lambdalint-report.schema.json")
    _mixed_project(here)
    code, first, _ = run("check", "infra", "--format", "json")
    again = run("check", "infra", "--format", "json")[1]
    assert code == 1
    assert first == again
    report = json.loads(first)
    _validate(report, schema)
    assert {"LL001", "LL002", "LL201", "LL402"} <= {f["rule"] for f in report["findings"]}
    assert report["unknowns"]
    keys = [(f["file"], f["line"], f["column"], f["rule"]) for f in report["findings"]]
    assert keys == sorted(keys)
    ll201 = rules_of(report, "LL201")[0]
    assert ll201["file"] == "infra/app.yaml" and ll201["resource"] == "Worker"
    assert ll201["line"] == line_of(public(), "SubnetIds") and ll201["related"]


def test_sarif_output_validates_against_the_official_schema(here, run):
    schema = _schema("sarif-schema-2.1.0.json")
    _mixed_project(here)
    code, first, _ = run("check", "infra", "--format", "sarif")
    assert first == run("check", "infra", "--format", "sarif")[1]
    sarif = json.loads(first)
    _validate(sarif, schema)
    results = sarif["runs"][0]["results"]
    ll201 = next(r for r in results if r["ruleId"] == "LL201")
    assert ll201["level"] == "error"
    assert ll201["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "infra/app.yaml"
    assert ll201["locations"][0]["logicalLocations"][0]["name"] == "Worker"
    assert ll201["relatedLocations"]
    driver_ids = {r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert {r["ruleId"] for r in results} <= driver_ids


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit"])
def test_every_format_is_deterministic(here, run, fmt):
    _mixed_project(here)

    def stable(result):  # JUnit's time and timestamp say when and how long: they may differ
        code, out, err = result
        return code, re.sub(r' (time|timestamp)="[^"]*"', "", out) if fmt == "junit" else out, err

    first = stable(run("check", "infra", "--format", fmt))
    assert first == stable(run("check", "infra", "--format", fmt))
    assert first[0] == 1 and first[1]


def test_output_file(here, run):
    write(here / "app.yaml", public())
    code, out, _ = run("check", "app.yaml", "--format", "json", "--output", "report.json")
    assert code == 1 and out == ""
    report = json.loads((here / "report.json").read_text(encoding="utf-8"))
    assert rules_of(report, "LL201")


def test_output_file_in_missing_folder_exits_2(here, run):
    write(here / "app.yaml", CLEAN)
    code, _, err = run("check", "app.yaml", "--output", "no/such/dir/report.json")
    assert code == 2 and "no/such/dir/report.json" in err


def test_text_has_no_colour_without_a_terminal(here, run):
    write(here / "app.yaml", public())
    code, out, _ = run("check", "app.yaml")
    assert code == 1 and "LL201" in out
    assert not ANSI.search(out)


def test_text_colour_only_on_a_terminal(here, run, monkeypatch):
    write(here / "app.yaml", public())
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    assert ANSI.search(run("check", "app.yaml")[1])
    assert not ANSI.search(run("check", "app.yaml", "--no-color")[1])
    monkeypatch.setenv("NO_COLOR", "1")
    assert not ANSI.search(run("check", "app.yaml")[1])


def test_quiet_prints_only_findings(here, run):
    write(here / "app.yaml", public())
    code, out, _ = run("check", "app.yaml", "--quiet", "--select", "LL201")
    assert code == 1
    assert out.splitlines() == [l for l in out.splitlines() if l.startswith("app.yaml:")]


# -- select / ignore -------------------------------------------------------------------------

@pytest.mark.parametrize("selector", ["LL201", "LL2", "vpc-subnet-public", "ll201"])
def test_select(here, run, selector):
    write(here / "app.yaml", public())
    code, report = as_json(run, "app.yaml", "--select", selector)
    rules = {f["rule"] for f in report["findings"]}
    assert "LL201" in rules
    assert all(r.startswith("LL2") for r in rules)


@pytest.mark.parametrize("selector", ["LL201", "LL2", "vpc-subnet-public"])
def test_ignore(here, run, selector):
    write(here / "app.yaml", public())
    code, report = as_json(run, "app.yaml", "--ignore", selector)
    rules = {f["rule"] for f in report["findings"]}
    assert "LL201" not in rules
    if selector == "LL2":
        assert not any(r.startswith("LL2") for r in rules)


def test_select_and_ignore_from_config_and_flags(here, run):
    write(here / "app.yaml", public())
    write(here / ".lambdalint.yaml", "ignore: [LL201]\n")
    assert not rules_of(as_json(run, "app.yaml")[1], "LL201")
    # --ignore adds to the config's list; --select replaces the config's select
    write(here / ".lambdalint.yaml", "select: [LL1]\n")
    assert not rules_of(as_json(run, "app.yaml")[1], "LL201")
    assert rules_of(as_json(run, "app.yaml", "--select", "LL201")[1], "LL201")


@pytest.mark.parametrize("rule", ["LL603", "LL604"])
def test_opt_in_rules_run_only_when_selected_by_exact_id(here, run, rule):
    if rule not in RULES:
        pytest.skip(f"{rule} does not exist yet")
    assert RULES[rule].meta.opt_in
    write(here / "app.yaml", CLEAN)
    assert not rules_of(as_json(run, "app.yaml")[1], rule)
    assert not rules_of(as_json(run, "app.yaml", "--select", "LL6")[1], rule)
    assert not rules_of(as_json(run, "app.yaml", "--select", "LL")[1], rule)
    assert rules_of(as_json(run, "app.yaml", "--select", rule)[1], rule)


def test_opt_in_flag_matches_the_spec():
    for loaded in RULES.values():
        assert loaded.meta.opt_in == (loaded.meta.id in {"LL603", "LL604"}), loaded.meta.id


# -- config ----------------------------------------------------------------------------------

def test_config_found_in_cwd_and_in_a_parent(here, run, monkeypatch):
    write(here / "infra" / "app.yaml", public())
    write(here / ".lambdalint.yaml", "ignore: [LL201]\n")
    assert not rules_of(as_json(run, "infra")[1], "LL201")
    monkeypatch.chdir(here / "infra")
    assert not rules_of(as_json(run, "app.yaml")[1], "LL201")
    (here / ".lambdalint.yaml").unlink()
    assert rules_of(as_json(run, "app.yaml")[1], "LL201")


def test_explicit_config_wins(here, run):
    write(here / "app.yaml", public())
    write(here / ".lambdalint.yaml", "ignore: [LL201]\n")
    write(here / "ci.yaml", "fail-on: never\n")
    code, report = as_json(run, "app.yaml", "--config", "ci.yaml")
    assert code == 0 and rules_of(report, "LL201")


def test_pyproject_config(here, run):
    write(here / "app.yaml", public())
    write(here / "pyproject.toml", '[project]\nname = "x"\n\n[tool.lambdalint]\nignore = ["LL201"]\n')
    assert not rules_of(as_json(run, "app.yaml")[1], "LL201")
    write(here / "pyproject.toml", '[tool.lambdalint]\nbogus = 1\n')
    code, _, err = run("check", "app.yaml")
    assert code == 2 and "bogus" in err and "pyproject.toml" in err


def test_lambdalint_yaml_wins_over_pyproject(here, run):
    write(here / "app.yaml", public())
    write(here / "pyproject.toml", '[tool.lambdalint]\nignore = ["LL201"]\n')
    write(here / ".lambdalint.yaml", "fail-on: never\n")
    code, report = as_json(run, "app.yaml")
    assert code == 0 and rules_of(report, "LL201")


def test_per_rule_severity_override(here, run):
    write(here / "app.yaml", public())
    write(here / ".lambdalint.yaml", "rules:\n  LL201: {severity: warning}\n")
    code, report = as_json(run, "app.yaml", "--select", "LL201", "--fail-on", "error")
    assert code == 0
    assert [f["severity"] for f in rules_of(report, "LL201")] == ["warning"]
    assert report["summary"]["warnings"] == 1 and report["summary"]["errors"] == 0
    assert run("check", "app.yaml", "--select", "LL201")[0] == 1  # default fail-on warning
    write(here / ".lambdalint.yaml", "rules:\n  LL201: {severity: info}\n")
    assert run("check", "app.yaml", "--select", "LL201")[0] == 0


def test_per_file_ignores(here, run):
    write(here / "app.yaml", public())
    write(here / "legacy" / "old.yaml", public())
    write(here / ".lambdalint.yaml", "per-file-ignores:\n  'legacy/*.yaml': [LL201]\n")
    code, report = as_json(run, ".", "--select", "LL201")
    assert [f["file"] for f in rules_of(report, "LL201")] == ["app.yaml"]
    assert report["summary"]["suppressed"] == 1
    write(here / ".lambdalint.yaml", "per-file-ignores:\n  'legacy/*.yaml': [LL2]\n")
    assert [f["file"] for f in rules_of(as_json(run, ".", "--select", "LL201")[1])] == ["app.yaml"]


def test_exclude(here, run):
    write(here / "app.yaml", public())
    write(here / "tests" / "data" / "bad.yaml", public())
    write(here / "node_modules" / "pkg" / "bad.yaml", public())
    write(here / ".lambdalint.yaml", "exclude: ['tests/**']\n")
    code, report = as_json(run, ".", "--select", "LL201")
    assert [f["file"] for f in rules_of(report)] == ["app.yaml"]
    assert report["summary"]["files"] == 1
    (here / ".lambdalint.yaml").unlink()
    code, report = as_json(run, ".", "--select", "LL201", "--exclude", "tests/**")
    assert [f["file"] for f in rules_of(report)] == ["app.yaml"]
    code, report = as_json(run, ".", "--select", "LL201", "--exclude", "app.yaml")
    assert [f["file"] for f in rules_of(report)] == ["tests/data/bad.yaml"]


POOL = """\
Resources:
  Api:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: arn:aws:iam::123456789012:role/worker
      ReservedConcurrentExecutions: 150
"""


@pytest.mark.parametrize("config,flags,fires", [
    ("", [], False),
    ("account: {concurrency: 200}\n", [], True),
    ("account: {concurrency: 200}\n", ["--account-concurrency", "1000"], False),
    ("account: {concurrency: 200}\n", ["--min-unreserved", "10"], False),
    ("account: {concurrency: 1000, min-unreserved: 900}\n", [], True),
    ("", ["--account-concurrency", "200"], True),
    ("rules: {LL401: {account-concurrency: 200}}\n", [], True),
    ("rules: {LL401: {account-concurrency: 200}}\n", ["--account-concurrency", "1000"], False),
])
def test_account_options_reach_ll401(here, run, config, flags, fires):
    write(here / "app.yaml", POOL)
    if config:
        write(here / ".lambdalint.yaml", config)
    code, report = as_json(run, "app.yaml", "--select", "LL401", *flags)
    assert bool(rules_of(report, "LL401")) == fires
    assert code == (1 if fires else 0)


# -- suppressions ----------------------------------------------------------------------------

def test_inline_suppression_on_the_finding_line(here, run):
    write(here / "app.yaml", public(comment="  # lambdalint: ignore[LL201] migrating next sprint"))
    code, report = as_json(run, "app.yaml", "--select", "LL201,LL002")
    assert code == 0 and report["findings"] == []
    assert report["summary"]["suppressed"] == 1
    assert report["summary"]["suppressed_without_reason"] == 0


def test_inline_suppression_on_the_resource_first_line(here, run):
    write(here / "app.yaml", public(header="  # lambdalint: ignore[vpc-subnet-public] test account"))
    code, report = as_json(run, "app.yaml", "--select", "LL201,LL002")
    assert code == 0 and report["findings"] == []
    assert report["summary"]["suppressed"] == 1


def test_inline_suppression_of_another_rule_does_not_hide(here, run):
    write(here / "app.yaml", public(comment="  # lambdalint: ignore[LL205] not this one"))
    code, report = as_json(run, "app.yaml", "--select", "LL201,LL205,LL002")
    assert {f["rule"] for f in report["findings"]} == {"LL201", "LL002"}


def test_metadata_suppression_yaml(here, run):
    metadata = "\n    Metadata:\n      lambdalint:\n        ignore:\n          - {id: LL201, reason: lab account}"
    write(here / "app.yaml", public(metadata=metadata))
    code, report = as_json(run, "app.yaml", "--select", "LL201,LL002")
    assert code == 0 and report["findings"] == [] and report["summary"]["suppressed"] == 1


def _json_template() -> str:
    document = {
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
            "Igw": {"Type": "AWS::EC2::InternetGateway"},
            "PublicRT": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}},
            "DefaultRoute": {"Type": "AWS::EC2::Route", "Properties": {
                "RouteTableId": {"Ref": "PublicRT"}, "DestinationCidrBlock": "0.0.0.0/0", "GatewayId": {"Ref": "Igw"}}},
            "PublicA": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.0.0/24"}},
            "PublicAAssoc": {"Type": "AWS::EC2::SubnetRouteTableAssociation", "Properties": {
                "SubnetId": {"Ref": "PublicA"}, "RouteTableId": {"Ref": "PublicRT"}}},
            "Worker": {
                "Type": "AWS::Lambda::Function",
                "Metadata": {"lambdalint": {"ignore": [{"id": "LL201"}, {"id": "LL101", "reason": "stale"}]}},
                "Properties": {
                    "Runtime": "python3.12", "Handler": "app.handler", "Code": {"ZipFile": "x"},
                    "Role": "arn:aws:iam::123456789012:role/worker",
                    "VpcConfig": {"SubnetIds": [{"Ref": "PublicA"}], "SecurityGroupIds": ["sg-0123456789abcdef0"]},
                },
            },
        }
    }
    return json.dumps(document, indent=2) + "\n"


def test_metadata_suppression_json_without_reason_and_unused(here, run):
    text = _json_template()
    write(here / "app.json", text)
    code, report = as_json(run, "app.json", "--select", "LL201,LL101,LL002")
    assert not rules_of(report, "LL201")
    assert report["summary"]["suppressed"] == 1
    assert report["summary"]["suppressed_without_reason"] == 1
    unused = rules_of(report, "LL002")
    assert len(unused) == 1 and code == 1
    assert unused[0]["line"] == line_of(text, '"id": "LL101"') - 1  # the `{` of the ignore entry
    assert unused[0]["message"].startswith("suppression of LL101 matched no finding")
    assert unused[0]["resource"] == "Worker"
    code, out, _ = run("check", "app.json", "--select", "LL201,LL101,LL002")
    assert "1 suppressed (1 without reason)" in out


def test_suppression_without_reason_is_counted(here, run):
    write(here / "app.yaml", public(comment="  # lambdalint: ignore[LL201]"))
    code, report = as_json(run, "app.yaml", "--select", "LL201,LL002")
    assert code == 0
    assert report["summary"]["suppressed"] == 1 and report["summary"]["suppressed_without_reason"] == 1


def test_unused_suppression_is_ll002(here, run):
    text = CLEAN.replace("Timeout: 30", "Timeout: 30  # lambdalint: ignore[LL101] old")
    write(here / "app.yaml", text)
    code, report = as_json(run, "app.yaml")
    unused = rules_of(report, "LL002")
    assert [(f["line"], f["column"], f["severity"]) for f in unused] == [
        (line_of(text, "ignore[LL101]"), text.splitlines()[line_of(text, "ignore[LL101]") - 1].index("#") + 1, "warning")]
    assert code == 1
    # --select LL002 alone still judges it (the suppressed rule runs in the background) ...
    assert len(rules_of(as_json(run, "app.yaml", "--select", "LL002")[1], "LL002")) == 1
    # ... but a rule the config switched off cannot be judged
    assert not rules_of(as_json(run, "app.yaml", "--ignore", "LL101")[1], "LL002")
    # and ignore[..., LL002] keeps it quiet
    write(here / "app.yaml", CLEAN.replace("Timeout: 30", "Timeout: 30  # lambdalint: ignore[LL101, LL002] kept"))
    assert not rules_of(as_json(run, "app.yaml")[1], "LL002")


def test_unused_part_of_a_multi_rule_suppression(here, run):
    write(here / "app.yaml", public(comment="  # lambdalint: ignore[LL201, LL999] typo"))
    code, report = as_json(run, "app.yaml", "--select", "LL201,LL002")
    assert not rules_of(report, "LL201")
    [unused] = rules_of(report, "LL002")
    assert "LL999" in unused["message"] and "LL201" not in unused["message"]


# -- parameters and unknowns -----------------------------------------------------------------

PARAM_SUBNETS = """\
Parameters:
  SubnetIdsParam:
    Type: List<AWS::EC2::Subnet::Id>
  Reserved:
    Type: Number
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: arn:aws:iam::123456789012:role/worker
      ReservedConcurrentExecutions: !Ref Reserved
      VpcConfig:
        SubnetIds: !Ref SubnetIdsParam
        SecurityGroupIds: [sg-0123456789abcdef0]
"""


def test_show_unknowns_text(here, run):
    write(here / "app.yaml", PARAM_SUBNETS)
    code, out, _ = run("check", "app.yaml", "--select", "LL201,LL401", "--show-unknowns")
    assert code == 0
    notes = [l for l in out.splitlines() if l.startswith("note:")]
    assert any("LL201" in n and "Worker" in n and "SubnetIds <- !Ref SubnetIdsParam (parameter without default)" in n
               and f"app.yaml:{line_of(PARAM_SUBNETS, 'SubnetIds:')}" in n for n in notes), notes
    assert any("LL401" in n and "ReservedConcurrentExecutions <- !Ref Reserved" in n for n in notes), notes
    assert out.rstrip().endswith("2 checks: 0 decided, 2 undecided (listed above)")
    code, out, _ = run("check", "app.yaml", "--select", "LL201,LL401")
    assert "note:" not in out and out.rstrip().endswith("2 checks: 0 decided, 2 undecided (--show-unknowns lists them)")


def test_unknowns_in_json(here, run):
    write(here / "app.yaml", PARAM_SUBNETS)
    code, report = as_json(run, "app.yaml", "--select", "LL201,LL401", "--show-unknowns")
    assert {(u["rule"], u["resource"]) for u in report["unknowns"]} == {("LL201", "Worker"), ("LL401", "Worker")}
    ll201 = next(u for u in report["unknowns"] if u["rule"] == "LL201")
    assert ll201["reason"] == "VpcConfig.SubnetIds <- !Ref SubnetIdsParam (parameter without default)"
    assert (ll201["file"], ll201["line"]) == ("app.yaml", line_of(PARAM_SUBNETS, "SubnetIds:"))
    assert report["summary"]["undecided"] == 2
    assert report["summary"]["checks"] == {"decided": 0, "undecided": 2}
    assert {u["cause"] for u in report["unknowns"]} == {"parameter"}


@pytest.mark.parametrize("name,text", [
    ("params.json", '{"*": {"Reserved": 950}}'),
    ("params.yaml", "'*':\n  Reserved: 950\n"),
    ("params.yml", "app.yaml:\n  Reserved: 950\n"),
    ("glob.yaml", "'*.yaml':\n  Reserved: 950\n"),
])
def test_parameters_file_decides_an_unknown(here, run, name, text):
    write(here / "app.yaml", PARAM_SUBNETS)
    write(here / name, text)
    code, report = as_json(run, "app.yaml", "--select", "LL401")
    assert code == 0 and not report["findings"] and report["unknowns"]
    code, report = as_json(run, "app.yaml", "--select", "LL401", "--parameters", name)
    assert code == 1 and rules_of(report, "LL401") and not report["unknowns"]


def test_parameters_for_another_file_do_not_apply(here, run):
    write(here / "app.yaml", PARAM_SUBNETS)
    write(here / "params.yaml", "other.yaml:\n  Reserved: 950\n")
    code, report = as_json(run, "app.yaml", "--select", "LL401", "--parameters", "params.yaml")
    assert code == 0 and report["unknowns"]


def test_parameters_from_config(here, run):
    write(here / "app.yaml", PARAM_SUBNETS)
    write(here / "params.json", '{"*": {"Reserved": 950}}')
    write(here / ".lambdalint.yaml", "parameters: params.json\n")
    assert rules_of(as_json(run, "app.yaml", "--select", "LL401")[1], "LL401")


# -- cross-stack -----------------------------------------------------------------------------

EXPORTER = "Resources:\n" + NETWORK + """\
Outputs:
  PublicSubnet:
    Value: !Ref PublicA
    Export:
      Name: net-public-a
"""

IMPORTER = """\
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: arn:aws:iam::123456789012:role/worker
      VpcConfig:
        SubnetIds: [!ImportValue net-public-a]
        SecurityGroupIds: [sg-0123456789abcdef0]
"""


def test_cross_stack_import_resolves_when_linted_together(here, run):
    write(here / "network.yaml", EXPORTER)
    write(here / "app.yaml", IMPORTER)
    code, report = as_json(run, "network.yaml", "app.yaml", "--select", "LL201")
    [finding] = rules_of(report, "LL201")
    assert code == 1
    # reported where the importing function uses the subnet, chain into the other stack
    assert (finding["file"], finding["line"]) == ("app.yaml", line_of(IMPORTER, "ImportValue"))
    assert any(r["file"] == "network.yaml" for r in finding["related"])
    assert not report["unknowns"]


def test_cross_stack_import_alone_is_unknown(here, run):
    write(here / "app.yaml", IMPORTER)
    code, report = as_json(run, "app.yaml", "--select", "LL201")
    assert code == 0 and not report["findings"]
    assert [u["reason"] for u in report["unknowns"]] == ["VpcConfig.SubnetIds <- !ImportValue net-public-a"]


# -- bad input -------------------------------------------------------------------------------

def test_broken_template_next_to_a_good_one(here, run):
    write(here / "infra" / "broken.yaml", "Resources:\n  Worker:\n    Type: AWS::Lambda::Function\n    Properties: {Runtime: [python3.12\n")
    write(here / "infra" / "good.yaml", public())
    code, report = as_json(run, "infra")
    assert code == 1
    [ll001] = rules_of(report, "LL001")
    assert ll001["file"] == "infra/broken.yaml" and ll001["line"] >= 4 and ll001["column"] >= 1
    assert ll001["message"]
    assert [f["file"] for f in rules_of(report, "LL201")] == ["infra/good.yaml"]
    assert report["summary"]["files"] == 2


def _bomb() -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 12):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "AWSTemplateFormatVersion: '2010-09-09'\nMetadata:\n" + "".join(f"  {l}\n" for l in lines) + \
        "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n"


@pytest.mark.parametrize("text", [
    _bomb(),
    "Resources:\n  X: " + "[" * 5000 + "]" * 5000 + "\n",
    "Resources:\n  X:\n" + "".join("  " * (i + 2) + f"k{i}:\n" for i in range(5000)),
    '{"Resources": {"X": ' + "[" * 5000 + "]" * 5000 + "}}\n",
], ids=["alias-bomb", "flow-nesting", "block-nesting", "json-nesting"])
def test_hostile_yaml_ends_quickly_with_ll001(here, run, text):
    write(here / "hostile.yaml", text)
    write(here / "good.yaml", public())
    start = time.monotonic()
    code, report = as_json(run, ".")
    assert time.monotonic() - start < 10
    assert [f["file"] for f in rules_of(report, "LL001")] == ["hostile.yaml"]
    assert rules_of(report, "LL201")


def test_non_template_is_skipped_in_a_folder_but_ll001_when_named(here, run):
    workflow = "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n"
    write(here / ".github" / "workflows" / "ci.yml", workflow)
    write(here / "k8s.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: b}\n")
    write(here / "package.json", '{"name": "x", "version": "1.0.0"}\n')
    write(here / "app.yaml", CLEAN)
    code, report = as_json(run, ".")
    assert code == 0 and report["findings"] == [] and report["summary"]["files"] == 1
    code, report = as_json(run, ".github/workflows/ci.yml")
    assert code == 1
    [ll001] = rules_of(report, "LL001")
    assert ll001["file"] == ".github/workflows/ci.yml"


def test_missing_path_is_reported_not_a_crash(here, run):
    code, out, err = run("check", "does-not-exist.yaml")
    assert code in (1, 2)
    assert "does-not-exist.yaml" in out + err


def test_minified_json_template_in_a_folder_is_linted(here, run):
    write(here / "infra" / "app.json", json.dumps(json.loads(_json_template())))  # one line
    code, report = as_json(run, "infra", "--select", "LL101,LL002")
    assert report["summary"]["files"] == 1 and rules_of(report, "LL002")


def test_internal_error_on_one_file_still_lints_the_others(tmp_path, monkeypatch, capsys):
    """A lambdalint bug on one template is one line naming the file and exit 2; the other
    files are still linted and reported."""
    from lambdalint.frontends import template

    (tmp_path / "a.yaml").write_text(public())
    (tmp_path / "b.yaml").write_text("Resources:\n  Boom:\n    Type: AWS::SQS::Queue\n")
    original = template.map_template

    def run(doc, model, parameters=None, **context):
        if doc.path.endswith("b.yaml"):
            raise KeyError("simulated bug")
        return original(doc, model, parameters, **context)

    monkeypatch.setattr(template, "map_template", run)
    monkeypatch.chdir(tmp_path)
    code = main(["check", ".", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 2
    assert "LL201" in out  # a.yaml was linted
    lines = [line for line in err.splitlines() if line]
    assert len(lines) == 1 and "b.yaml" in lines[0] and "simulated bug" in lines[0]
    assert "Traceback" not in err


def test_internal_error_in_one_rule_keeps_the_others(tmp_path, monkeypatch, capsys):
    from lambdalint.engine import load_rules

    (tmp_path / "a.yaml").write_text(public())
    module = load_rules()["LL206"].module

    def broken(model, options):
        raise ValueError("simulated rule bug")
        yield  # pragma: no cover

    monkeypatch.setattr(module, "check", broken)
    monkeypatch.chdir(tmp_path)
    code = main(["check", "a.yaml", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 2 and "LL201" in out and "rule LL206 failed" in err


def test_only_templates_skips_named_non_templates(tmp_path, monkeypatch, capsys):
    """pre-commit names every changed YAML file; --only-templates skips the non-templates."""
    workflow = tmp_path / "ci.yml"
    workflow.write_text("on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n")
    (tmp_path / "a.yaml").write_text(public())
    monkeypatch.chdir(tmp_path)
    assert main(["check", "ci.yml", "a.yaml", "--format", "json"]) == 1
    assert "LL001" in capsys.readouterr().out
    assert main(["check", "ci.yml", "a.yaml", "--format", "json", "--only-templates"]) == 1
    out = capsys.readouterr().out
    assert "LL001" not in out and "LL201" in out


def test_pre_commit_hook_uses_only_templates():
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hooks[0]["id"] == "lambdalint" and "--only-templates" in hooks[0]["entry"]
