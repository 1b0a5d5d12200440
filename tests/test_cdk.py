"""AWS CDK cloud assemblies (spec/cli.md "Projects that span files"): ``cdk.out`` read as the
app its manifest describes, assets as deployment packages, construct paths in every report.
The assemblies are synthesized by the real CDK (fixtures/_cdk/README.md)."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from lambdalint.config import Config
from lambdalint.runner import build_model, lint

ROOT = Path(__file__).resolve().parents[1]
CDK = ROOT / "fixtures" / "_cdk"
ASSET = "asset.f1871c0d7f1c11d2f15ebaa19f35511c669d212cd876f1677214e33bd7b84f5b"


def _run(*paths, select=None):
    return lint([str(p) for p in paths], Config(select=select))


@pytest.fixture
def in_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def test_the_whole_app_is_read(in_root):
    report = _run(CDK / "cdk.out")
    got = sorted((f.rule, f.construct_path, f.span.file) for f in report.findings)
    assert got == [
        ("LL201", "Dispatch/Dispatcher/Resource", "fixtures/_cdk/cdk.out/Dispatch.template.json"),
        ("LL201", "Dispatch/Dispatcher/Resource", "fixtures/_cdk/cdk.out/Dispatch.template.json"),
        ("LL303", "Dispatch/Dispatcher/Resource", "fixtures/_cdk/cdk.out/Dispatch.template.json"),
        ("LL501", "Prod/Jobs/Consumer/Resource", "fixtures/_cdk/cdk.out/assembly-Prod/ProdJobsDB64F8DD.template.json"),
    ]
    # the subnets come from the Network stack through Fn::ImportValue, the FIFO queue from the
    # nested stack's template
    related = {r.span.file for f in report.findings for r in f.related}
    assert "fixtures/_cdk/cdk.out/Network.template.json" in related
    assert "fixtures/_cdk/cdk.out/DispatchQueues0785E028.nested.template.json" in related
    assert report.functions == 3
    assert report.files == 4  # three stack templates and the nested one: no template twice
    assert report.unknowns == []  # CDK writes everything out: every check decided


def test_the_app_finds_what_its_single_stack_finds(in_root):
    """cdk.single.out holds the same constructs in one stack: the same findings, for the same
    constructs (construct paths without their stack and stage)."""
    def comparable(report):
        return sorted((f.rule, f.severity, "/".join(f.construct_path.split("/")[-2:])) for f in report.findings)

    app, single = _run(CDK / "cdk.out"), _run(CDK / "cdk.single.out")
    assert app.findings
    assert comparable(app) == comparable(single)


def test_construct_paths_in_every_report(in_root):
    from lambdalint.engine import load_rules
    from lambdalint.report import json_report, sarif, text

    report = _run(CDK / "cdk.out", select=["LL303"])
    rules = {r.meta.id: r.meta for r in load_rules().values()}
    [finding] = json_report.as_dict(report)["findings"]
    assert finding["construct_path"] == "Dispatch/Dispatcher/Resource"
    assert finding["resource"] == "DispatcherD4A12972"
    assert "[DispatcherD4A12972 (Dispatch/Dispatcher/Resource)]" in text.render(report, rules)
    [result] = json.loads(sarif.render(report, rules))["runs"][0]["results"]
    assert result["locations"][0]["logicalLocations"] == [
        {"name": "DispatcherD4A12972", "kind": "resource", "fullyQualifiedName": "Dispatch/Dispatcher/Resource"}]


def test_json_report_with_construct_paths_is_valid(in_root, shared_dir):
    import jsonschema

    from lambdalint.report import json_report

    schema = json.loads((shared_dir / "schemas" / "lambdalint-report.schema.json").read_text())
    jsonschema.validate(json_report.as_dict(_run(CDK / "cdk.out")), schema)


def _copy(tmp_path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(CDK / name, target)
    return target


def test_a_0600_handler_staged_in_the_assembly_is_ll108(tmp_path, monkeypatch):
    """CDK zips an asset with each file's mode (aws/aws-cdk#3413): a handler only its owner can
    read fails at every invocation.  git keeps only 0644/0755, so the 0600 file is made here."""
    assembly = _copy(tmp_path, "cdk.out")
    monkeypatch.chdir(tmp_path)
    assert _run("cdk.out", select=["LL108"]).findings == []  # as committed: 0644
    os.chmod(assembly / ASSET / "handler.py", 0o600)
    report = _run("cdk.out", select=["LL108"])
    assert sorted(f.construct_path for f in report.findings) == [
        "Dispatch/Dispatcher/Resource", "Dispatch/Reporter/Resource", "Prod/Jobs/Consumer/Resource"]
    assert all(f"{ASSET}/handler.py is 0600" in f.message for f in report.findings)


def test_without_asset_metadata_the_assets_manifest_names_the_package(tmp_path, monkeypatch):
    assembly = _copy(tmp_path, "cdk.plain.out")
    os.chmod(assembly / ASSET / "handler.py", 0o600)
    monkeypatch.chdir(tmp_path)
    [finding] = _run("cdk.plain.out", select=["LL108"]).findings
    assert finding.construct_path == "Plain/Worker/Resource"
    assert (finding.span.file, finding.span.line) == ("cdk.plain.out/Plain.template.json", 42)  # Code.S3Key
    assert f"deployment package {ASSET} of Worker11F36D0F" in finding.message


def test_a_missing_asset_is_an_undecided_ll004_check(tmp_path, monkeypatch):
    assembly = _copy(tmp_path, "cdk.out")
    shutil.rmtree(assembly / ASSET)
    monkeypatch.chdir(tmp_path)
    report = _run("cdk.out", select=["LL004", "LL108"])
    unread = sorted((u.resource, u.reason) for u in report.unknowns if u.rule == "LL004")
    assert [name for name, _ in unread] == ["Consumer8D6BE417", "DispatcherD4A12972", "Reporter08098DAC"]
    assert all("(run `cdk synth` again)" in reason for _, reason in unread)


def test_every_input_of_the_app_is_read(in_root):
    model, _ = build_model([str(CDK / "cdk.out")], Config())
    assert sorted((i.kind, i.read) for i in model.inputs) == [
        ("CDK asset", True), ("CDK asset", True), ("CDK asset", True), ("nested stack", True)]


def test_a_directory_scan_reads_each_assembly_once(in_root):
    """The CDK project folder holds app.js, src/ and three assemblies: each assembly is read as
    its app, its templates never a second time on their own."""
    report = _run(CDK)
    assert report.files == 4 + 1 + 1
    assert report.functions == 3 + 3 + 1
    assert sorted(f.rule for f in report.findings) == ["LL201"] * 4 + ["LL303"] * 2 + ["LL501"] * 2
    named_too = _run(CDK / "cdk.out", CDK / "cdk.out" / "Dispatch.template.json")
    assert named_too.files == 4 and len(named_too.findings) == 4
    manifest = _run(CDK / "cdk.out" / "manifest.json")  # naming the manifest names the app
    assert manifest.files == 4 and len(manifest.findings) == 4


def test_a_stack_template_named_alone_reads_its_nested_stack(in_root):
    report = _run(CDK / "cdk.out" / "Dispatch.template.json", select=["LL303"])
    assert [f.construct_path for f in report.findings] == ["Dispatch/Dispatcher/Resource"]


def test_sarif_with_construct_paths_is_valid(in_root, shared_dir):
    import jsonschema

    from lambdalint.engine import load_rules
    from lambdalint.report import sarif

    rules = {r.meta.id: r.meta for r in load_rules().values()}
    schema = json.loads((shared_dir / "schemas" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validate(json.loads(sarif.render(_run(CDK / "cdk.out"), rules)), schema)
