"""The wheel is what users install: build it, look inside, install it in a fresh venv, run it.

The top-level ``rules/`` folder must ship inside the wheel as ``lambdalint/rules`` and the data
tables as ``lambdalint/data/*.json``; the installed console script must work from any directory
(not only from a checkout).  The venv is created with ``--system-site-packages`` and the wheel
installed with ``--no-deps``, so the dependencies come from this machine and no network is used
for the install.  Building prefers an isolated build (``python -m build``), falling back to the
current environment (``--no-isolation``) when the build dependencies cannot be fetched.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow

_OFFLINE_SIGNS = ("Could not find a version", "No matching distribution", "Failed to establish",
                  "NewConnectionError", "Temporary failure in name resolution", "No module named",
                  "Network is unreachable", "ProxyError", "ReadTimeoutError")


def _clean_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def _run(argv, cwd, timeout=600):
    return subprocess.run([str(a) for a in argv], cwd=cwd, env=_clean_env(), capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    try:
        import build  # noqa: F401
    except ImportError:
        pytest.skip("the `build` package is not installed")
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"  # a copy, so the build never writes build/ or *.egg-info into the checkout
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        if (ROOT / name).is_file():
            shutil.copy2(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".*.tmp", "*.tmp")
    for folder in ("lambdalint", "rules"):
        shutil.copytree(ROOT / folder, source / folder, ignore=ignore)
    out = work / "dist"
    attempts = []
    for extra in ([], ["--no-isolation"]):
        result = _run([sys.executable, "-m", "build", "--wheel", "--outdir", out, *extra, source], cwd=work)
        wheels = sorted(out.glob("lambdalint-*.whl"))
        if result.returncode == 0 and wheels:
            return wheels[-1]
        attempts.append(result.stdout[-3000:] + result.stderr[-3000:])
    if all(any(sign in log for sign in _OFFLINE_SIGNS) for log in attempts):
        pytest.skip("cannot build a wheel here (build dependencies unavailable):\n" + attempts[-1][-500:])
    pytest.fail("building the wheel failed:\n" + "\n----\n".join(attempts))


def test_wheel_contents(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "lambdalint/rules/ll201_vpc_subnet_public.py" in names
    assert "lambdalint/rules/__init__.py" in names
    for rule in sorted((ROOT / "rules").glob("ll[0-9][0-9][0-9]_*.py")):
        assert f"lambdalint/rules/{rule.name}" in names, f"{rule.name} is missing from the wheel"
    data = sorted(p.name for p in (ROOT / "lambdalint" / "data").glob("*.json"))
    assert data, "lambdalint/data holds no JSON tables"
    for name in data:
        assert f"lambdalint/data/{name}" in names, f"lambdalint/data/{name} is missing from the wheel"
    for package in sorted(p for p in (ROOT / "lambdalint").rglob("__init__.py") if "__pycache__" not in p.parts):
        rel = package.relative_to(ROOT).as_posix()
        assert rel in names, f"subpackage {package.parent.name} is missing (list it in pyproject.toml packages)"
    assert not any(n.startswith(("tests/", "fixtures/", "rules/")) for n in names)
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "lambdalint = lambdalint.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("venv") / "venv"
    try:
        venv.EnvBuilder(system_site_packages=True, with_pip=True, clear=True).create(home)
    except Exception as error:  # ensurepip missing, no venv module support, ...
        pytest.skip(f"cannot create a venv here: {error}")
    python = home / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    result = _run([python, "-m", "pip", "install", "--no-deps", "--no-index", "--force-reinstall", wheel],
                  cwd=home.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    return home


def test_installed_console_script_runs_from_anywhere(installed, tmp_path):
    bin_dir = installed / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / "python"
    where = _run([python, "-c", "import lambdalint, os; print(os.path.realpath(lambdalint.__file__))"], cwd=tmp_path)
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(installed.resolve()), where.stdout

    result = _run([bin_dir / "lambdalint", "rules"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "LL201" in result.stdout and "vpc-subnet-public" in result.stdout
    assert "Traceback" not in result.stderr

    explain = _run([bin_dir / "lambdalint", "explain", "LL201"], cwd=tmp_path)
    assert explain.returncode == 0 and "## What it does" in explain.stdout

    template = tmp_path / "app.yaml"
    template.write_text((ROOT / "rules" / "ll201_vpc_subnet_public.py").read_text(encoding="utf-8")
                        .split("```yaml\n", 1)[1].split("```", 1)[0], encoding="utf-8")
    check = _run([bin_dir / "lambdalint", "app.yaml", "--select", "LL201", "--format", "json"], cwd=tmp_path)
    assert check.returncode == 1, check.stderr
    assert '"rule": "LL201"' in check.stdout
