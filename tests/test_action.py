"""The GitHub Action: its own venv under RUNNER_TEMP, pip cache, lambdalint from the action's
ref, one lint run for report and annotations, outputs that let an ``if: always()`` upload step
skip cleanly after exit code 2, an ``args`` input, paths with spaces.  The run step is executed
here the way the runner executes it (bash, environment, GITHUB_OUTPUT file)."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
STEPS = {step.get("id") or step["name"]: step for step in ACTION["runs"]["steps"]}


def test_action_isolation_cache_and_pinning():
    assert ACTION["runs"]["using"] == "composite"
    python = STEPS["python"]
    assert python["uses"].startswith("actions/setup-python@")
    assert python["with"]["update-environment"] is False  # the job's Python stays as it was
    cache = next(s for s in ACTION["runs"]["steps"] if s.get("uses", "").startswith("actions/cache@"))
    assert "runner.temp" in cache["with"]["path"] and "python-version" in cache["with"]["key"]
    install = STEPS["install"]
    assert install["env"]["LL_ACTION_PATH"] == "${{ github.action_path }}"  # the action's own ref
    assert install["env"]["PIP_CACHE_DIR"] == "${{ runner.temp }}/lambdalint-pip-cache"
    assert '"$RUNNER_TEMP/lambdalint-venv"' in install["run"] and "-m venv" in install["run"]
    lint = STEPS["lint"]
    assert lint["env"]["LL_PYTHON"] == "${{ steps.install.outputs.python }}"
    assert "lambdalint.github_action" in lint["run"]
    assert {"paths", "config", "fail-on", "format", "annotations", "args", "python-version"} <= set(ACTION["inputs"])
    assert ACTION["outputs"]["report"]["value"] == "${{ steps.lint.outputs.report }}"
    assert sum(1 for s in ACTION["runs"]["steps"] if "lambdalint" in str(s.get("run", ""))
               and ("github_action" in s["run"] or " check" in s["run"])) == 1  # lint once


@pytest.mark.parametrize("step", [s for s in ACTION["runs"]["steps"] if "run" in s], ids=lambda s: s["name"])
def test_run_scripts_are_valid_bash(step):
    subprocess.run(["bash", "-n", "-c", step["run"]], check=True)


def _project(tmp_path: Path) -> Path:
    work = tmp_path / "work space"
    (work / "my stacks").mkdir(parents=True)
    (work / "my stacks" / "public.yaml").write_text((ROOT / "fixtures" / "LL201" / "public_subnet.yaml").read_text())
    (work / "tests").mkdir()
    (work / "tests" / "bad.yaml").write_text((ROOT / "fixtures" / "LL201" / "public_subnet.yaml").read_text())
    (tmp_path / "runner-temp").mkdir()
    return work


def _run_step(tmp_path: Path, work: Path, **inputs) -> tuple[int, str, dict]:
    """The lint step as the runner runs it: bash, its env block with our inputs, GITHUB_OUTPUT."""
    outputs = tmp_path / "github_output"
    outputs.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LL_", "GITHUB_"))}
    env.update({"RUNNER_TEMP": str(tmp_path / "runner-temp"), "GITHUB_OUTPUT": str(outputs),
                "GITHUB_WORKSPACE": str(work), "LL_PYTHON": sys.executable,
                "LL_PATHS": ".", "LL_CONFIG": "", "LL_FAIL_ON": "warning", "LL_FORMAT": "sarif",
                "LL_ANNOTATIONS": "true", "LL_ARGS": ""})
    env.update({"LL_" + k.upper().replace("-", "_"): v for k, v in inputs.items()})
    result = subprocess.run(["bash", "-e", "-c", STEPS["lint"]["run"]], cwd=work, env=env,
                            capture_output=True, text=True, timeout=300)
    assert "Traceback" not in result.stderr, result.stderr
    values = dict(line.split("=", 1) for line in outputs.read_text().splitlines() if "=" in line)
    return result.returncode, result.stdout, values


def test_one_run_writes_the_report_and_prints_annotations(tmp_path):
    work = _project(tmp_path)
    code, out, outputs = _run_step(tmp_path, work, paths=".", args='--exclude "tests/**" --select LL2')
    assert code == 1 and outputs["exit-code"] == "1"
    report = Path(outputs["report"])
    assert report.parent == tmp_path / "runner-temp" and report.suffix == ".sarif"
    sarif = json.loads(report.read_text())
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    assert uris == {"my%20stacks/public.yaml"}  # relative to GITHUB_WORKSPACE; tests/** excluded
    assert {r["ruleId"][:3] for r in sarif["runs"][0]["results"]} == {"LL2"}
    annotations = [l for l in out.splitlines() if l.startswith("::")]
    assert annotations and annotations[0].startswith("::error file=my stacks/public.yaml,")
    assert len(annotations) == len(sarif["runs"][0]["results"])  # the same run's findings
    assert re.search(r"^lambdalint: \d+ errors?, \d+ warnings?, \d+ infos? in 1 file", out, re.M)


@pytest.mark.parametrize("paths,files", [
    ("my stacks/public.yaml\ntests\n", ["my stacks/public.yaml", "tests/bad.yaml"]),  # one per line
    ('"my stacks" tests', ["my stacks/public.yaml", "tests/bad.yaml"]),  # shell-style words
    ("my stacks", ["my stacks/public.yaml"]),  # one line naming an existing folder
])
def test_paths_with_spaces(tmp_path, paths, files):
    work = _project(tmp_path)
    code, out, outputs = _run_step(tmp_path, work, paths=paths, format="json")
    report = json.loads(Path(outputs["report"]).read_text())
    assert sorted({f["file"] for f in report["findings"]}) == files
    assert report["summary"]["files"] == len(files) and code == 1


def test_usage_error_leaves_report_unset(tmp_path):
    work = _project(tmp_path)
    (work / ".lambdalint.yaml").write_text("ignore: [LL999]\n")
    code, out, outputs = _run_step(tmp_path, work)
    assert code == 2 and outputs == {"exit-code": "2"}  # no report= for an if: always() upload to skip
    assert "::error title=lambdalint::" in out
    assert not list((tmp_path / "runner-temp").glob("lambdalint-report.*"))


def test_fail_on_never_and_github_format(tmp_path):
    work = _project(tmp_path)
    code, out, outputs = _run_step(tmp_path, work, **{"fail-on": "never", "format": "github", "paths": "my stacks"})
    assert code == 0 and outputs["exit-code"] == "0"
    assert Path(outputs["report"]).read_text() == out  # printed once, from the report file
    code, out, _ = _run_step(tmp_path, work, **{"annotations": "false", "paths": "my stacks"})
    assert code == 1 and not [l for l in out.splitlines() if l.startswith("::")]


def test_bad_inputs_exit_2(tmp_path):
    work = _project(tmp_path)
    assert _run_step(tmp_path, work, format="xml")[0] == 2
    assert _run_step(tmp_path, work, args='--select "LL2')[2] == {"exit-code": "2"}


def test_github_annotations_flag_needs_an_output_file(tmp_path, capsys, monkeypatch):
    from lambdalint.cli import main

    monkeypatch.chdir(_project(tmp_path))
    assert main(["check", "my stacks", "--github-annotations"]) == 2
    assert "--output" in capsys.readouterr().err


def test_readme_shows_a_complete_workflow():
    text = (ROOT / "README.md").read_text()
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if "upload-sarif" in b)
    workflow = yaml.safe_load(block)
    job = next(iter(workflow["jobs"].values()))
    assert job["permissions"]["security-events"] == "write"
    steps = job["steps"]
    lint = next(s for s in steps if str(s.get("uses", "")).startswith("lambdalint/lambdalint@"))
    upload = next(s for s in steps if "upload-sarif" in str(s.get("uses", "")))
    assert "always()" in upload["if"] and f"steps.{lint['id']}.outputs.report" in upload["if"]
    assert upload["with"]["sarif_file"] == f"${{{{ steps.{lint['id']}.outputs.report }}}}"
