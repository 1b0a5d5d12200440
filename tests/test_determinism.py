"""Issue 11, part 5: the JSON and SARIF reports are byte-identical across runs, ``--jobs`` and
spellings of the same paths, on a project mixing every input kind with broken and hostile ones
(LL001s, unknowns, Terraform modules that call each other).  Runs are in this process with the
streamed runner (the default) and the one-model runner, and in fresh processes whose string
hashing differs (``PYTHONHASHSEED``): set or dict order must never leak into a report."""
from __future__ import annotations

import codecs
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from hostile import LAMBDALINT, TIMEOUT
from hostile import GOOD_CFN, GOOD_JSON, GOOD_SAM, GOOD_TF, deep_if, function_tf, plan_json, write
from lambdalint.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "example"


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "proj"
    if EXAMPLE.is_dir():
        shutil.copytree(EXAMPLE, root / "example")
    write(root / "good/template.yaml", GOOD_CFN)
    write(root / "good/template.json", GOOD_JSON)
    write(root / "good/sam.yaml", GOOD_SAM)
    write(root / "tf/main.tf", GOOD_TF)
    write(root / "plan/plan.json", plan_json(3, timeout=5000))
    write(root / "broken/deep.json", deep_if(300))
    write(root / "broken/bigint.json", '{"Resources": {"F": {"Type": "X", "Properties": {"T": ' + "9" * 5000 + "}}}}")
    write(root / "broken/latin1.yaml", GOOD_CFN.replace("GoodYaml", "caf\xe9").encode("latin-1"))
    write(root / "broken/utf16.yaml", codecs.BOM_UTF16_LE + GOOD_CFN.replace("GoodYaml", "Wide").encode("utf-16-le"))
    write(root / "cycle/a/main.tf", 'module "b" {\n  source = "../b"\n}\n' + function_tf("fa", "5000"))
    write(root / "cycle/b/main.tf", 'module "a" {\n  source = "../a"\n}\n' + function_tf("fb", "6000"))
    return tmp_path


def _report(capsys, *argv) -> str:
    code = main(["check", *argv, "--show-unknowns"])
    out, err = capsys.readouterr()
    assert code == 1 and "internal error" not in err, err
    return out


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_byte_identical_across_runs_jobs_and_path_spellings(project, capsys, fmt):
    first = _report(capsys, "proj", "--format", fmt)
    assert '"LL001"' in first and "deep.json" in first  # the broken files are in it
    for argv in (["proj"], ["proj", "--jobs", "2"], ["proj", "--jobs", "1"], ["./proj"], ["proj/"],
                 ["proj/../proj"], [str(project / "proj")], ["proj", "--jobs", "2"]):
        assert _report(capsys, *argv, "--format", fmt) == first, argv
    os.environ["LAMBDALINT_STREAM"] = "0"  # one model for the whole run
    try:
        assert _report(capsys, "proj", "--format", fmt) == first, "the one-model runner differs"
    finally:
        del os.environ["LAMBDALINT_STREAM"]
    for seed in ("0", "1", "4242"):  # fresh processes, different string hashing
        env = dict(os.environ, PYTHONHASHSEED=seed, NO_COLOR="1")
        env.pop("GITHUB_WORKSPACE", None)
        result = subprocess.run(LAMBDALINT + ["check", "proj", "--format", fmt, "--show-unknowns"], cwd=project,
                                capture_output=True, text=True, env=env, timeout=TIMEOUT)
        assert result.returncode == 1 and result.stdout == first, (seed, result.stderr)


def test_byte_identical_from_inside_the_project(project, capsys):
    """From inside the directory the paths are shorter, but the order and content are the same."""
    outside = _report(capsys, "proj", "--format", "json")
    os.chdir(project / "proj")
    inside = _report(capsys, ".", "--format", "json")
    assert inside == _report(capsys, "--format", "json")  # no path: the current directory
    assert sorted(line.strip() for line in inside.replace('"file": "', '"file": "proj/').splitlines()
                  if '"file"' in line) == sorted(line.strip() for line in outside.splitlines() if '"file"' in line)
