"""LL108 needs file modes that git does not store, so its firing cases build the package here:
files chmod-ed in ``tmp_path`` and zips written with chosen ``external_attr``.  The silent
cases that survive a fresh clone (committed zips, SAM directories) live in fixtures/LL108."""
from __future__ import annotations

import json
import os
import sys
import zipfile
from pathlib import Path

import pytest

from lambdalint.config import Config
from lambdalint.runner import lint

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX file modes")

CFN_YAML = """\
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Role: arn:aws:iam::123456789012:role/worker
      Code: {path}
"""

SAM_YAML = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: {path}
"""


def cfn_json(path: str) -> str:
    return json.dumps({"Resources": {"Worker": {"Type": "AWS::Lambda::Function", "Properties": {
        "Runtime": "python3.12", "Handler": "app.handler",
        "Role": "arn:aws:iam::123456789012:role/worker", "Code": path}}}}, indent=2) + "\n"


TEMPLATES = {
    "cfn-yaml": ("template.yaml", lambda p: CFN_YAML.format(path=p), 8),
    "cfn-json": ("template.json", cfn_json, 9),
    "sam": ("template.yaml", lambda p: SAM_YAML.format(path=p), 8),
}


def _lint(tmp_path, flavour, code_path):
    name, render, line = TEMPLATES[flavour]
    template = tmp_path / name
    template.write_text(render(code_path))
    report = lint([str(template)], Config(select=["LL108"]))
    return [f for f in report.findings if f.rule == "LL108"], line, report


def _package(tmp_path, modes: dict, dirs: dict | None = None):
    """Create src/ with files {relative path: mode} and directories {relative path: mode}."""
    root = tmp_path / "src"
    root.mkdir()
    for rel, mode in modes.items():
        file = root / rel
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text("def handler(event, context):\n    return 1\n")
        os.chmod(file, mode)
    for rel, mode in (dirs or {}).items():
        (root / rel).mkdir(parents=True, exist_ok=True)
    for rel, mode in sorted((dirs or {}).items(), key=lambda kv: -kv[0].count("/")):
        os.chmod(root / rel, mode)
    return root


def _zip(tmp_path, entries):
    """entries: (name, mode or None for a non-Unix entry)."""
    path = tmp_path / "fn.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, mode in entries:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            if mode is None:
                info.create_system = 0
                info.external_attr = 0x20 if not name.endswith("/") else 0x10  # MS-DOS attributes
            else:
                info.create_system = 3
                info.external_attr = (mode << 16) | (0 if mode else 0x20)  # keep writestr from adding 0600
            archive.writestr(info, "" if name.endswith("/") else "x = 1\n")
    return path


@pytest.mark.parametrize("flavour", ["cfn-yaml", "cfn-json"])
def test_unreadable_file_in_directory_fires(tmp_path, flavour):
    _package(tmp_path, {"app.py": 0o600, "lib/util.py": 0o644})
    found, line, _ = _lint(tmp_path, flavour, "src")
    assert [f.span.line for f in found] == [line]
    assert "src/app.py is 0600; Lambda needs o+r (644)" in found[0].message
    assert "util.py" not in found[0].message
    assert found[0].resource == "Worker"


@pytest.mark.parametrize("flavour", ["cfn-yaml", "cfn-json", "sam"])
def test_executable_without_other_x_fires(tmp_path, flavour):
    _package(tmp_path, {"bootstrap": 0o700, "app.py": 0o644})
    found, line, _ = _lint(tmp_path, flavour, "./src")
    assert [f.span.line for f in found] == [line]
    assert "src/bootstrap is 0700" in found[0].message
    assert "an executable; Lambda needs o+rx (755)" in found[0].message


def test_sam_directory_gets_read_bits_from_sam_cli(tmp_path):
    # sam package / sam deploy add 0444 to every file of a CodeUri directory
    _package(tmp_path, {"app.py": 0o600})
    found, _, _ = _lint(tmp_path, "sam", "src")
    assert found == []


def test_directory_modes_do_not_count_in_a_directory_package(tmp_path):
    # the packagers zip files only (no directory entries); the owner can read the directory
    root = _package(tmp_path, {"pkg/mod.py": 0o644}, dirs={"pkg": 0o700})
    try:
        found, _, _ = _lint(tmp_path, "cfn-yaml", "src")
    finally:
        os.chmod(root / "pkg", 0o755)
    assert found == []


def test_many_files_are_summarised(tmp_path):
    _package(tmp_path, {f"m{i}.py": 0o600 for i in range(6)})
    found, _, _ = _lint(tmp_path, "cfn-yaml", "src")
    assert len(found) == 1
    assert "and 3 more" in found[0].message


def test_readable_directory_is_silent(tmp_path):
    _package(tmp_path, {"app.py": 0o644, "bin/tool": 0o755}, dirs={"bin": 0o755})
    for flavour in TEMPLATES:
        found, _, _ = _lint(tmp_path, flavour, "src")
        assert found == [], flavour


@pytest.mark.parametrize("flavour", ["cfn-yaml", "cfn-json", "sam"])
def test_zip_entries_fire(tmp_path, flavour):
    _zip(tmp_path, [("lib/", 0o040700), ("lib/util.py", 0o100644), ("app.py", 0o100600),
                    ("bootstrap", 0o100744)])
    found, line, _ = _lint(tmp_path, flavour, "fn.zip")
    assert [f.span.line for f in found] == [line]
    message = found[0].message
    assert "entry lib/ is 0700; Lambda needs o+rx (755)" in message
    assert "entry app.py is 0600; Lambda needs o+r (644)" in message
    assert "entry bootstrap is 0744, an executable" in message
    assert "util.py" not in message


@pytest.mark.parametrize("flavour", ["cfn-yaml", "cfn-json", "sam"])
def test_zip_without_unix_modes_or_readable_is_silent(tmp_path, flavour):
    _zip(tmp_path, [("lib/", None), ("lib/util.py", None), ("app.py", 0o100644), ("bin/", 0o040755),
                    ("bin/tool", 0o100755), ("odd.py", 0)])
    found, _, _ = _lint(tmp_path, flavour, "fn.zip")
    assert found == []


def test_zip_is_not_extracted(tmp_path):
    path = _zip(tmp_path, [("app.py", 0o100600)])
    found, _, _ = _lint(tmp_path, "cfn-yaml", "fn.zip")
    assert len(found) == 1
    assert sorted(os.listdir(tmp_path)) == ["fn.zip", "template.yaml"]
    assert path.exists()


def test_symlink_out_of_project_is_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.py"
    secret.write_text("x = 1\n")
    os.chmod(secret, 0o600)
    project = tmp_path / "project"
    project.mkdir()
    _package(project, {"app.py": 0o644})
    os.symlink(secret, project / "src" / "linked.py")
    os.symlink(outside, project / "src" / "linked_dir")
    found, _, _ = _lint(project, "cfn-yaml", "src")
    assert found == []


def test_symlink_inside_project_is_checked(tmp_path):
    _package(tmp_path, {"app.py": 0o644})
    shared = tmp_path / "shared.py"
    shared.write_text("x = 1\n")
    os.chmod(shared, 0o600)
    os.symlink(shared, tmp_path / "src" / "shared.py")
    found, _, _ = _lint(tmp_path, "cfn-yaml", "src")
    assert len(found) == 1
    assert "src/shared.py is 0600" in found[0].message


def test_missing_path_is_silent_but_unsure(tmp_path):
    found, _, report = _lint(tmp_path, "cfn-yaml", "build/missing")
    assert found == []
    assert any("does not exist" in u.reason for u in report.unknowns if u.rule == "LL108")


def test_relative_to_template_directory(tmp_path, monkeypatch):
    infra = tmp_path / "infra"
    infra.mkdir()
    _package(tmp_path, {"app.py": 0o600})
    (infra / "template.yaml").write_text(CFN_YAML.format(path="../src"))
    monkeypatch.chdir(tmp_path)
    report = lint(["infra/template.yaml"], Config(select=["LL108"]))
    found = [f for f in report.findings if f.rule == "LL108"]
    assert len(found) == 1
    assert "../src/app.py is 0600" in found[0].message
    assert found[0].span.file == "infra/template.yaml"


# -- Terraform: `filename`, and data "archive_file" sources behind it ---------------------------

TF_FUNCTION = """\
resource "aws_lambda_function" "worker" {{
  function_name = "worker"
  role          = "arn:aws:iam::123456789012:role/worker"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = {filename}
}}
"""

TF_ARCHIVE = """\
data "archive_file" "worker" {{
  type        = "zip"
  {source}
  output_path = "${{path.module}}/build/worker.zip"
}}

"""


def _tf_json(source: dict | None, filename: str) -> str:
    doc = {"resource": {"aws_lambda_function": {"worker": {
        "function_name": "worker", "role": "arn:aws:iam::123456789012:role/worker", "runtime": "python3.12",
        "handler": "app.handler", "filename": filename}}}}
    if source is not None:
        doc["data"] = {"archive_file": {"worker": {"type": "zip", **source,
                                                   "output_path": "${path.module}/build/worker.zip"}}}
    return json.dumps(doc, indent=2) + "\n"


def _lint_tf(tmp_path, flavour, source_key=None, source=None, filename=None):
    """flavour tf-hcl / tf-json; either an archive_file (source_key = source) or a plain filename.
    Returns the findings and the line of the attribute they must point at."""
    module = tmp_path / "infra"
    module.mkdir(exist_ok=True)
    if flavour == "tf-hcl":
        if source_key:
            text = TF_ARCHIVE.format(source=f'{source_key} = "{source}"') + TF_FUNCTION.format(
                filename="data.archive_file.worker.output_path")
        else:
            text = TF_FUNCTION.format(filename=json.dumps(filename))
        (module / "main.tf").write_text(text)
        needle = f"{source_key} =" if source_key else "filename"
    else:
        if source_key:
            text = _tf_json({source_key: source}, "${data.archive_file.worker.output_path}")
        else:
            text = _tf_json(None, filename)
        (module / "main.tf.json").write_text(text)
        needle = f'"{source_key}"' if source_key else '"filename"'
    line = next(n for n, t in enumerate(text.splitlines(), 1) if needle in t)
    # run from the project (tmp_path), as a user does: ../src of infra/ is inside it
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        report = lint([str(module)], Config(select=["LL108"]))
    finally:
        os.chdir(here)
    return [f for f in report.findings if f.rule == "LL108"], line, report


@pytest.mark.parametrize("flavour", ["tf-hcl", "tf-json"])
def test_terraform_archive_source_dir_fires(tmp_path, flavour):
    # archive_file keeps each file's mode: the unreadable source file reaches Lambda as 0600
    _package(tmp_path, {"app.py": 0o600, "lib/util.py": 0o644})
    found, line, _ = _lint_tf(tmp_path, flavour, "source_dir", "${path.module}/../src")
    assert [f.span.line for f in found] == [line]
    assert "src/app.py is 0600; Lambda needs o+r (644)" in found[0].message
    assert "util.py" not in found[0].message
    assert found[0].resource == "aws_lambda_function.worker"


@pytest.mark.parametrize("flavour", ["tf-hcl", "tf-json"])
def test_terraform_archive_source_file_fires(tmp_path, flavour):
    _package(tmp_path, {"bootstrap": 0o700})
    found, line, _ = _lint_tf(tmp_path, flavour, "source_file", "../src/bootstrap")
    assert [f.span.line for f in found] == [line]
    assert "../src/bootstrap is 0700, an executable; Lambda needs o+rx (755)" in found[0].message


@pytest.mark.parametrize("flavour", ["tf-hcl", "tf-json"])
def test_terraform_readable_archive_source_is_silent(tmp_path, flavour):
    _package(tmp_path, {"app.py": 0o644, "bin/tool": 0o755}, dirs={"bin": 0o755})
    found, _, _ = _lint_tf(tmp_path, flavour, "source_dir", "../src")
    assert found == []
    found, _, _ = _lint_tf(tmp_path, flavour, "source_file", "../src/app.py")
    assert found == []


@pytest.mark.parametrize("flavour", ["tf-hcl", "tf-json"])
def test_terraform_filename_zip_entries_fire(tmp_path, flavour):
    _zip(tmp_path, [("app.py", 0o100600), ("lib/", 0o040755), ("lib/util.py", 0o100644)])
    found, line, _ = _lint_tf(tmp_path, flavour, filename="../fn.zip")
    assert [f.span.line for f in found] == [line]
    assert "entry app.py is 0600; Lambda needs o+r (644)" in found[0].message
    assert "util.py" not in found[0].message


@pytest.mark.parametrize("flavour", ["tf-hcl", "tf-json"])
def test_terraform_filename_readable_zip_is_silent(tmp_path, flavour):
    _zip(tmp_path, [("app.py", 0o100644), ("lib/", None), ("lib/util.py", None)])
    found, _, _ = _lint_tf(tmp_path, flavour, filename="${path.module}/../fn.zip")
    assert found == []


def test_terraform_plan_filename_is_read_beside_the_plan(tmp_path):
    """A real plan (fixtures/LL108/remote_code.plan.json, made from remote_code_tf/) names
    ``filename = "build/not_built.zip"``; Terraform ran in the plan's directory, so the zip is
    looked up beside the plan file.  (A plan holds ``filename`` as the archive's output_path: the
    archive_file data source itself is in prior_state, so the built zip is what is checked.)"""
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "LL108" / "remote_code.plan.json"
    plan = tmp_path / "plan.json"
    plan.write_text(fixture.read_text())
    line = next(n for n, t in enumerate(plan.read_text().splitlines(), 1) if '"filename": "build/not_built.zip"' in t)
    report = lint([str(plan)], Config(select=["LL108"]))
    assert [f for f in report.findings if f.rule == "LL108"] == []
    assert any("does not exist" in u.reason for u in report.unknowns if u.rule == "LL108")
    (tmp_path / "build").mkdir()
    _zip(tmp_path / "build", [("app.py", 0o100600)])
    os.rename(tmp_path / "build" / "fn.zip", tmp_path / "build" / "not_built.zip")
    report = lint([str(plan)], Config(select=["LL108"]))
    found = [f for f in report.findings if f.rule == "LL108"]
    assert [(f.span.line, f.resource) for f in found] == [(line, "aws_lambda_function.not_built")]
    assert "entry app.py is 0600" in found[0].message


# -- archive_file output_file_mode and excludes ---------------------------------------------------

def _lint_archive(tmp_path, flavour, extra: dict):
    """An archive_file over ../src with ``extra`` arguments (HCL values as JSON), linted from tmp_path."""
    module = tmp_path / "infra"
    module.mkdir(exist_ok=True)
    if flavour == "tf-hcl":
        body = "".join(f"  {key} = {json.dumps(value)}\n" for key, value in extra.items())
        text = TF_ARCHIVE.format(source='source_dir = "${path.module}/../src"\n' + body) + TF_FUNCTION.format(
            filename="data.archive_file.worker.output_path")
        (module / "main.tf").write_text(text)
    else:
        text = _tf_json({"source_dir": "${path.module}/../src", **extra}, "${data.archive_file.worker.output_path}")
        (module / "main.tf.json").write_text(text)
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        report = lint([str(module)], Config(select=["LL108"]), show_unknowns=True)
    finally:
        os.chdir(here)
    return [f for f in report.findings if f.rule == "LL108"], [u for u in report.unknowns if u.rule == "LL108"]


@pytest.mark.parametrize("flavour", ["tf-hcl", "tf-json"])
def test_archive_output_file_mode_sets_every_entry(tmp_path, flavour):
    _package(tmp_path, {"app.py": 0o600, "bootstrap": 0o700})
    found, _ = _lint_archive(tmp_path, flavour, {"output_file_mode": "0644"})
    assert found == []  # packaged as 0644 whatever the files' own modes
    found, _ = _lint_archive(tmp_path, flavour, {"output_file_mode": "0755"})
    assert found == []


@pytest.mark.parametrize("flavour", ["tf-hcl", "tf-json"])
def test_archive_output_file_mode_that_hides_files_fires(tmp_path, flavour):
    _package(tmp_path, {"app.py": 0o644})
    found, _ = _lint_archive(tmp_path, flavour, {"output_file_mode": "0600"})
    assert len(found) == 1 and "src/app.py is 0644 (packaged as 0600); Lambda needs o+r (644)" in found[0].message


@pytest.mark.parametrize("flavour", ["tf-hcl", "tf-json"])
def test_archive_excludes_remove_files(tmp_path, flavour):
    _package(tmp_path, {"app.py": 0o644, "secret.env": 0o600, "tests/t.py": 0o600, "lib/x.pyc": 0o600})
    found, _ = _lint_archive(tmp_path, flavour, {"excludes": ["secret.env", "tests", "**/*.pyc"]})
    assert found == []
    found, _ = _lint_archive(tmp_path, flavour, {"excludes": ["secret.env", "*.pyc"]})  # * stays in one segment
    assert len(found) == 1 and "tests/t.py" in found[0].message and "x.pyc" in found[0].message
    assert "secret.env" not in found[0].message


def test_archive_mode_or_excludes_unknown_are_undecided(tmp_path):
    _package(tmp_path, {"app.py": 0o600})
    module = tmp_path / "infra"
    module.mkdir()
    (module / "main.tf").write_text(
        'provider "aws" {}\nvariable "mode" {}\nvariable "skip" {}\n'
        + TF_ARCHIVE.format(source='source_dir = "${path.module}/../src"\n  output_file_mode = var.mode')
        + TF_FUNCTION.format(filename="data.archive_file.worker.output_path"))
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        report = lint([str(module)], Config(select=["LL108"]), show_unknowns=True)
        assert [f for f in report.findings if f.rule == "LL108"] == []
        assert any("output_file_mode" in u.reason and "var.mode" in u.reason for u in report.unknowns)
        (module / "main.tf").write_text((module / "main.tf").read_text().replace(
            "output_file_mode = var.mode", "excludes = [var.skip]"))
        report = lint([str(module)], Config(select=["LL108"]), show_unknowns=True)
    finally:
        os.chdir(here)
    assert [f for f in report.findings if f.rule == "LL108"] == []  # app.py may be the one excluded
    assert any("unless excluded" in u.reason and "var.skip" in u.reason for u in report.unknowns)
