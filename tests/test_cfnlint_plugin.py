"""The cfn-lint plugin reports what ``lambdalint check`` reports: same rule, line, column and
message, on every CloudFormation/SAM fixture and a fixed sample of the corpus (one cfn-lint
process for all of them: cfn-lint takes ~0.05-0.2 s per template)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("cfnlint")

from lambdalint.config import find_config, load_config  # noqa: E402
from lambdalint.runner import lint  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+):\d+:\d+:(?P<id>[A-Z]+\d+):(?P<msg>.*)$")
CFN_LINT = "import sys; from cfnlint.runner import main; sys.argv[0] = 'cfn-lint'; main()"
SAMPLE_EVERY = 150  # every 150th real CloudFormation/SAM corpus file, in sorted order: 17 templates


def fixture_templates() -> list[Path]:
    found = [p for p in (ROOT / "fixtures").rglob("*")
             if p.suffix in (".yaml", ".yml", ".json", ".template") and p.is_file() and not p.name.startswith(".")
             and not p.name.endswith((".plan.json", ".tf.json")) and "_tf" not in str(p.parent.name)]
    return sorted(found)


def corpus_sample() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    files = sorted(p for kind in ("cfn", "sam") for p in (CORPUS / kind).rglob("*")
                   if p.is_file() and p.suffix in (".yaml", ".yml", ".json", ".template"))
    return [p for p in files if "_constructed" not in p.parts][::SAMPLE_EVERY]


def cfn_lint(files: list, *flags: str, cwd=ROOT) -> tuple[dict, set, str]:
    """Plugin findings per file: {file: {(rule, severity letter, line, col, message)}}, and the
    files on which cfn-lint ran no rule (it could not parse or SAM-transform them)."""
    result = subprocess.run([sys.executable, "-c", CFN_LINT, *map(str, files), "-a", "lambdalint.cfnlint",
                             "--format", "parseable", "--include-checks", "I", *flags],
                            capture_output=True, text=True, cwd=cwd, timeout=900)
    found: dict = {}
    skipped = set()
    for line in result.stdout.splitlines():
        match = LINE.match(line)
        if not match:
            continue
        if match["id"] in ("E0000", "E0001"):
            skipped.add(match["file"])
        elif "LL" in match["id"]:
            found.setdefault(match["file"], set()).add(
                (match["id"][1:], match["id"][0], int(match["line"]), int(match["col"]), match["msg"]))
    return found, skipped, result.stderr


def ours(file: str, config) -> set:
    letter = {"error": "E", "warning": "W", "info": "I"}
    return {(f.rule, letter[f.severity], f.span.line, f.span.column, f.message)
            for f in lint([file], config).findings if f.span.file == file}


def test_plugin_matches_lambdalint_on_fixtures_and_a_corpus_sample(monkeypatch):
    monkeypatch.chdir(ROOT)
    files = [str(p.relative_to(ROOT)) for p in fixture_templates()] + [str(p) for p in corpus_sample()]
    theirs, skipped, stderr = cfn_lint(files)
    assert "Traceback" not in stderr and "E0002" not in stderr, stderr[-2000:]
    config = load_config(find_config(ROOT))
    config.only_templates = True
    compared = 0
    for file in files:
        if file in skipped:
            continue
        expected = ours(file, config)
        assert theirs.get(file, set()) == expected, file
        compared += len(expected)
    assert compared > 300  # the comparison covered real findings
    assert len(skipped) < len(files) / 5


# -- properties that the fixtures above do not isolate --------------------------------------

SAM_GLOBALS = """\
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Timeout: 1000
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: s3://bucket/app.zip
"""

PLAIN = """\
Resources:
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 30{comment}
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: {runtime}
      Handler: app.handler
      Code: {{ZipFile: "def handler(e, c): pass"}}
      Role: arn:aws:iam::123456789012:role/worker
      Timeout: 90
  WorkerJobs:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Worker
      EventSourceArn: !GetAtt Jobs.Arn
"""


def write(path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path.name


def plain(comment="", runtime="python3.12", visibility=30) -> str:
    return PLAIN.format(comment=comment, runtime=runtime).replace("VisibilityTimeout: 30", f"VisibilityTimeout: {visibility}")


FILES = {
    "sam.yaml": SAM_GLOBALS,
    "app.yaml": plain(),
    "go.yaml": plain(runtime="go1.x"),  # LL107 raises itself to error: creating functions is blocked
    "suppressed.yaml": plain(comment="  # lambdalint: ignore[LL501] reviewed"),
    "stale.yaml": plain(comment="  # lambdalint: ignore[LL201] stale"),
    "ratio.yaml": plain(visibility=200),  # passes the hard check; below min-ratio 6 only
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Few cfn-lint processes (each costs ~1.5 s CPU), each with the files it needs."""
    plain_dir, config_dir = tmp_path_factory.mktemp("plain"), tmp_path_factory.mktemp("configured")
    for name, text in FILES.items():
        write(plain_dir / name, text)
        write(config_dir / name, text)
    (config_dir / ".lambdalint.yaml").write_text("ignore: [LL107]\nrules:\n  LL501: {severity: warning}\n")
    names = list(FILES)
    return {
        "default": cfn_lint(names, cwd=plain_dir)[0],
        "flags": cfn_lint(names, "--configure-rule", "ELL501:min-ratio=6", "--include-checks", "ILL604",
                          "--ignore-checks", "ELL107", cwd=plain_dir)[0],
        "config": cfn_lint(names, "--configure-rule", "ILL603:enabled=true", cwd=config_dir)[0],
    }


def rules_in(found: dict, name: str) -> set:
    return {f[:2] for f in found.get(name, ())}


def test_sam_globals_provenance_and_scalar_locations(runs):
    (hit,) = [f for f in runs["default"]["sam.yaml"] if f[0] == "LL101"]
    assert hit[1:4] == ("E", 4, 14)  # the Globals value, not the transformed function
    assert "inherited from SAM Globals" in hit[4]


def test_suppressions_and_ll002(runs):
    assert ("LL501", "E") in rules_in(runs["default"], "app.yaml")
    assert "LL501" not in {r for r, _ in rules_in(runs["default"], "suppressed.yaml")}
    assert ("LL002", "W") in rules_in(runs["default"], "stale.yaml")


def test_lambdalint_config_ignore_and_severity(runs):
    assert ("LL501", "W") in rules_in(runs["config"], "app.yaml")  # severity: warning -> WLL501
    assert ("LL501", "E") not in rules_in(runs["config"], "app.yaml")
    assert not {r for r, _ in rules_in(runs["config"], "go.yaml")} & {"LL107"}  # ignore: [LL107]


def test_rule_options_through_configure_rule(runs):
    assert "LL501" not in {r for r, _ in rules_in(runs["default"], "ratio.yaml")}  # 200 >= 90
    assert ("LL501", "I") in rules_in(runs["flags"], "ratio.yaml")  # min-ratio 6: advice (info)


def test_ll107_escalation_has_the_error_letter(runs):
    assert ("LL107", "E") in rules_in(runs["default"], "go.yaml")
    assert ("LL107", "E") not in rules_in(runs["flags"], "go.yaml")  # --ignore-checks ELL107


def test_opt_in_rules_the_cfn_lint_way(runs):
    opt_in = {"LL603", "LL604"}
    assert not opt_in & {r for r, _ in rules_in(runs["default"], "app.yaml")}
    assert opt_in & {r for r, _ in rules_in(runs["flags"], "app.yaml")} == {"LL604"}  # --include-checks ILL604
    assert "LL603" in {r for r, _ in rules_in(runs["config"], "app.yaml")}  # --configure-rule ILL603:enabled=true


def test_broken_lambdalint_config_is_reported_not_a_crash(tmp_path):
    name = write(tmp_path / "app.yaml", plain())
    (tmp_path / ".lambdalint.yaml").write_text("ignore: [LL999]\n")
    result = subprocess.run([sys.executable, "-c", CFN_LINT, name, "-a", "lambdalint.cfnlint", "--format", "parseable"],
                            capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert "Traceback" not in result.stderr
    assert "LL999" in result.stdout and ".lambdalint.yaml" in result.stdout
    assert len([line for line in result.stdout.splitlines() if "LL999" in line]) == 1  # once, not per rule


def test_plugin_ids_and_escalation_table():
    import lambdalint.cfnlint as plugin

    ids = {getattr(plugin, name).id for name in dir(plugin) if name.startswith("LambdalintELL")
           or name.startswith("LambdalintWLL") or name.startswith("LambdalintILL")}
    assert {"ELL201", "WLL202", "ILL206", "WLL107", "ELL107", "ILL603"} <= ids
    # every rule that sets a finding's severity itself (Issue(..., severity=...)) is in ESCALATIONS
    import ast

    setters = set()
    for path in sorted((ROOT / "rules").glob("ll*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Issue"
                    and any(k.arg == "severity" for k in node.keywords)):
                setters.add(path.name[:5].upper())
    assert setters == set(plugin.ESCALATIONS)


def test_template_without_a_file_uses_cfn_lint_marks_for_scalars():
    """cfn-lint read from stdin: no file to lint, so the plugin maps cfn-lint's decoded template;
    a number has no mark of its own and points at its key."""
    from cfnlint.decode import cfn_yaml

    import lambdalint.cfnlint as plugin
    from lambdalint.config import Config

    text = PLAIN.format(comment="", runtime="python3.12").replace("Timeout: 90", "Timeout: 901")

    class Decoded:
        filename = None
        template = cfn_yaml.loads(text)

    findings = plugin._lint_decoded(Decoded(), Config(select=["LL101"]))
    assert [(f.rule, f.span.line, f.span.column) for f in findings] == [("LL101", 13, 7)]
