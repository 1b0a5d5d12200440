"""The benchmark scripts run (quickly) and say what they measured; no timing is asserted."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_parse_floor_reads_and_parses_each_kind(tmp_path):
    (tmp_path / "a.yaml").write_text("Resources:\n  Fn: {Type: AWS::Lambda::Function}\n")
    (tmp_path / "b.json").write_text('{"Resources": {}}')
    (tmp_path / "c.tf").write_text('resource "aws_lambda_function" "f" {\n  timeout = 3\n}\n')
    (tmp_path / "d.yaml").write_text("key: [unclosed\n")
    (tmp_path / "notes.yml").write_text("just: data\n")
    listing = tmp_path / "list"
    listing.write_text("".join(f"{kind}\t{tmp_path / name}\n" for kind, name in
                               (("yaml", "a.yaml"), ("json", "b.json"), ("tf", "c.tf"), ("yaml", "d.yaml"),
                                ("read", "notes.yml"))))
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "parse_floor.py"), str(listing)],
                         capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == {"read": 5, "parsed": 3, "failed": 1}


def test_run_lists_the_files_lambdalint_reads(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from run import files_read
    finally:
        sys.path.pop(0)
    (tmp_path / "t.yaml").write_text("Resources:\n  Q: {Type: AWS::SQS::Queue}\n")
    (tmp_path / "other.yaml").write_text("name: not a template\n")
    (tmp_path / "tf").mkdir()
    (tmp_path / "tf" / "main.tf").write_text('variable "x" {}\n')
    (tmp_path / "tf" / "extra.tf.json").write_text('{"locals": {}}')
    found = sorted((kind, Path(path).name) for kind, path in files_read([tmp_path]))
    assert found == [("json", "extra.tf.json"), ("read", "other.yaml"), ("tf", "main.tf"), ("yaml", "t.yaml")]


def test_run_measures_startup_and_exits_zero(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--only", "startup",
                             "--startup-rounds", "1", "--cfn-lint", "off", "--json", str(tmp_path / "r.json")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "lambdalint" in result.stdout and "parse floor" in result.stdout
    figures = json.loads((tmp_path / "r.json").read_text())
    (group,) = figures.values()
    assert set(group) == {"lambdalint", "parse floor"}
    assert group["lambdalint"]["samples"][0][3] in (0, 1)  # lambdalint's exit code: findings or none
    assert group["lambdalint"]["peak_mb"] > 0


def test_generator_writes_projects_that_lint_with_the_planted_findings(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from generate import write
    finally:
        sys.path.pop(0)
    from lambdalint.config import Config
    from lambdalint.runner import lint

    for kind in ("cfn", "sam", "terraform"):
        assert write(tmp_path / kind, kind, files=2, functions=6) == 12
        report = lint([str(tmp_path / kind)], Config())
        assert report.functions == 12 and not report.internal_errors
        # planted: functions 3 and 10 in a public subnet, 5 without ENI permissions, 2 and 7 with a
        # queue whose visibility timeout is below the function timeout
        rules = sorted(f.rule for f in report.findings)
        assert rules == ["LL201", "LL201", "LL204", "LL501", "LL501"], (kind, rules)
    assert write(tmp_path / "shared", "cfn", files=3, functions=2, layout="shared") == 4
    report = lint([str(tmp_path / "shared")], Config())
    assert report.functions == 4 and sorted(f.rule for f in report.findings) == ["LL201", "LL204", "LL501"]
