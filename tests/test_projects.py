"""Projects that span files (spec/cli.md "Projects that span files"): nested stacks and SAM
applications read through their parent, each instantiation its own resources, counted once;
what cannot be read is an undecided LL004 check naming the value."""
from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from lambdalint.config import Config
from lambdalint.runner import lint

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"



def function(name: str, *properties: str, metadata: str = "") -> str:
    """A function resource (two-space YAML under ``Resources:``) with extra properties."""
    lines = [f"  {name}:", "    Type: AWS::Lambda::Function"]
    if metadata:
        lines.append(f"    Metadata: {metadata}")
    lines += ["    Properties:", "      Runtime: python3.12", "      Handler: app.handler",
              '      Code: {ZipFile: "def handler(e, c): pass"}', "      Role: arn:aws:iam::123456789012:role/worker"]
    return "\n".join(lines + [f"      {p}" for p in properties]) + "\n"


def _run(paths, select=None, **kwargs):
    return lint([str(p) for p in paths], Config(select=select), **kwargs)


def _comparable(report):
    """Findings as a user reads them, with the nesting separator removed from names: a child
    resource Blue/Backend of the project is BlueBackend in the equivalent single template."""
    return sorted((f.rule, f.severity, (f.resource or "").replace("/", ""), f.message.replace("/", ""))
                  for f in report.findings)


@pytest.mark.parametrize("project,single", [
    ("LL201/nested_stack_subnet/network.yaml", "LL201/nested_stack_subnet_flat.yaml"),
    ("LL303/nested_fifo_output/app.yaml", "LL303/nested_fifo_output_flat.yaml"),
    ("LL401/nested_twice/app.yaml", "LL401/nested_twice_flat.yaml"),
    ("LL501/sam_application_queue/template.yaml", "LL501/sam_application_queue_flat.yaml"),
])
def test_parent_alone_finds_what_the_single_template_finds(project, single, monkeypatch):
    monkeypatch.chdir(ROOT)
    nested = _run([FIXTURES / project])
    flat = _run([FIXTURES / single])
    assert nested.findings, "the equivalence must be about something"
    assert _comparable(nested) == _comparable(flat)


def test_each_instantiation_is_its_own_set_of_resources(monkeypatch):
    monkeypatch.chdir(ROOT)
    report = _run([FIXTURES / "LL201/nested_stack_subnet/network.yaml"], select=["LL201", "LL206"])
    ll201 = [f for f in report.findings if f.rule == "LL201"]
    assert [f.resource for f in ll201] == ["PublicWorkers/Worker"]  # the private instantiation is fine
    assert ll201[0].span.file == "fixtures/LL201/nested_stack_subnet/stacks/workers.yaml"  # into the child
    assert {r.span.file for r in ll201[0].related} == {"fixtures/LL201/nested_stack_subnet/network.yaml"}
    assert sorted(f.resource for f in report.findings if f.rule == "LL206") == [
        "PrivateWorkers/Worker", "PublicWorkers/Worker"]
    assert report.functions == 2 and report.files == 2


def test_a_child_is_counted_once(monkeypatch):
    """A directory scan, or the child named beside its parent, lints the child only through
    its parent: the same findings as the parent alone."""
    monkeypatch.chdir(ROOT)
    case = FIXTURES / "LL401/nested_twice"
    alone = _comparable(_run([case / "app.yaml"]))
    assert _comparable(_run([case])) == alone
    assert _comparable(_run([case / "backend.yaml", case / "app.yaml"])) == alone
    assert _run([case]).functions == 3


def test_a_child_named_without_its_parent_is_linted_alone(monkeypatch):
    monkeypatch.chdir(ROOT)
    report = _run([FIXTURES / "LL201/nested_stack_subnet/stacks/workers.yaml"], select=["LL201"])
    assert report.findings == []
    assert [u.reason for u in report.unknowns] == ["VpcConfig.SubnetIds <- !Ref SubnetIds (parameter without default)"]


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text if text.startswith(("Resources", "Parameters", "Transform")) else textwrap.dedent(text))
    return path


def test_unread_children_are_undecided_ll004_checks(tmp_path, monkeypatch):
    project = tmp_path / "project"
    _write(tmp_path, "elsewhere/child.yaml", "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n")
    _write(project, "local.yaml", "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n")
    parent = _write(project, "parent.yaml", """\
        Transform: AWS::Serverless-2016-10-31
        Resources:
          InS3:
            Type: AWS::CloudFormation::Stack
            Properties:
              TemplateURL: https://s3.amazonaws.com/bucket/child.yaml
          FromSar:
            Type: AWS::Serverless::Application
            Properties:
              Location:
                ApplicationId: arn:aws:serverlessrepo:us-east-1:123456789012:applications/thumbnails
                SemanticVersion: 1.2.3
          Missing:
            Type: AWS::CloudFormation::Stack
            Properties:
              TemplateURL: stacks/missing.yaml
          Outside:
            Type: AWS::CloudFormation::Stack
            Properties:
              TemplateURL: ../elsewhere/child.yaml
          Local:
            Type: AWS::CloudFormation::Stack
            Properties:
              TemplateURL: local.yaml
        """)
    monkeypatch.chdir(project)
    report = _run([parent], select=["LL004"])
    assert report.findings == []  # never a finding
    reasons = {u.resource: (u.reason, u.span.line) for u in report.unknowns}
    assert set(reasons) == {"InS3", "FromSar", "Missing", "Outside"}  # Local was read
    assert reasons["InS3"][0].startswith("nested stack InS3: TemplateURL https://s3.amazonaws.com/bucket/child.yaml is not a local file")
    assert reasons["InS3"][1] == 6
    assert "Serverless Application Repository" in reasons["FromSar"][0]
    assert "applications/thumbnails (version 1.2.3)" in reasons["FromSar"][0]
    assert reasons["Missing"][0] == "nested stack Missing: TemplateURL stacks/missing.yaml: no such file"
    assert "TemplateURL ../elsewhere/child.yaml is outside the project" in reasons["Outside"][0]


def test_outputs_of_an_unread_child_stay_unknown(tmp_path, monkeypatch):
    parent = _write(tmp_path, "parent.yaml", "Resources:\n" + function(
        "Worker", "DeadLetterConfig: {TargetArn: !GetAtt Queues.Outputs.DeadLetterArn}") + "  Queues:\n    Type: AWS::CloudFormation::Stack\n"
                     "    Properties: {TemplateURL: 'https://s3.amazonaws.com/bucket/queues.yaml'}\n")
    monkeypatch.chdir(tmp_path)
    report = _run([parent], select=["LL303"])
    assert report.findings == []
    [unknown] = report.unknowns
    assert unknown.reason.startswith("DeadLetterConfig.TargetArn <- !GetAtt Queues.Outputs.DeadLetterArn (TemplateURL https://")


def test_parameters_the_parent_does_not_pass_name_the_stack(tmp_path, monkeypatch):
    _write(tmp_path, "child.yaml", "Parameters:\n  Timeout: {Type: Number}\nResources:\n"
           + function("Worker", "Timeout: !Ref Timeout"))
    parent = _write(tmp_path, "parent.yaml", """\
        Resources:
          Child:
            Type: AWS::CloudFormation::Stack
            Properties: {TemplateURL: child.yaml}
        """)
    monkeypatch.chdir(tmp_path)
    report = _run([parent], select=["LL101"])
    assert [u.reason for u in report.unknowns] == [
        "Timeout <- !Ref Timeout (parameter without default; stack Child does not pass it)"]
    parent.write_text(parent.read_text().replace("TemplateURL: child.yaml", "TemplateURL: child.yaml, Parameters: {Timeout: 1200}"))
    report = _run([parent], select=["LL101"])
    assert [(f.resource, f.span.file, f.span.line) for f in report.findings] == [("Child/Worker", "child.yaml", 11)]


def test_exports_of_a_child_resolve_imports_elsewhere(tmp_path, monkeypatch):
    _write(tmp_path, "network/queues.yaml", """\
        Resources:
          Dlq:
            Type: AWS::SQS::Queue
            Properties: {FifoQueue: true}
        Outputs:
          DlqArn:
            Value: !GetAtt Dlq.Arn
            Export: {Name: shared-dlq}
        """)
    _write(tmp_path, "network/main.yaml", """\
        Resources:
          Queues:
            Type: AWS::CloudFormation::Stack
            Properties: {TemplateURL: queues.yaml}
        """)
    _write(tmp_path, "app.yaml", "Resources:\n" + function("Worker", "DeadLetterConfig: {TargetArn: !ImportValue shared-dlq}"))
    monkeypatch.chdir(tmp_path)
    report = _run(["."], select=["LL303"])
    assert [(f.resource, f.span.file) for f in report.findings] == [("Worker", "app.yaml")]
    assert "Queues/Dlq" in report.findings[0].message


def test_a_template_that_includes_itself_is_read_once(tmp_path, monkeypatch):
    _write(tmp_path, "a.yaml", """\
        Resources:
          B:
            Type: AWS::CloudFormation::Stack
            Properties: {TemplateURL: b.yaml}
        """)
    _write(tmp_path, "b.yaml", """\
        Resources:
          A:
            Type: AWS::CloudFormation::Stack
            Properties: {TemplateURL: a.yaml}
        """)
    monkeypatch.chdir(tmp_path)
    report = _run(["."], select=["LL004"])
    assert not report.internal_errors
    assert [(u.resource, u.reason) for u in report.unknowns] == [
        ("B/A", "nested stack B/A: a.yaml includes a template that includes it")]


def test_a_child_that_cannot_be_parsed_is_ll001_and_unread(tmp_path, monkeypatch):
    _write(tmp_path, "child.yaml", "Resources:\n  Q: [unclosed\n")
    parent = _write(tmp_path, "parent.yaml", """\
        Resources:
          Child:
            Type: AWS::CloudFormation::Stack
            Properties: {TemplateURL: child.yaml}
        """)
    monkeypatch.chdir(tmp_path)
    report = _run([parent], select=["LL001", "LL004"])
    assert [(f.rule, f.span.file) for f in report.findings] == [("LL001", "child.yaml")]
    assert [u.resource for u in report.unknowns] == ["Child"]
    assert "could not be read" in report.unknowns[0].reason


def test_suppressions_in_the_child_apply(tmp_path, monkeypatch):
    _write(tmp_path, "child.yaml", "Resources:\n" + function("Worker", "Timeout: 1200  # lambdalint: ignore[LL101] reviewed")
           + function("Other", "Timeout: 1300", metadata="{lambdalint: {ignore: [{id: LL101, reason: reviewed}]}}"))
    parent = _write(tmp_path, "parent.yaml", """\
        Resources:
          Child:
            Type: AWS::CloudFormation::Stack
            Properties: {TemplateURL: child.yaml}
        """)
    monkeypatch.chdir(tmp_path)
    report = _run([parent], select=["LL101", "LL002"])
    assert report.findings == [] and report.suppressed == 2


def test_nested_stacks_need_no_network(tmp_path, monkeypatch):
    """An S3 TemplateURL is named, never fetched: linting works offline and reads nothing but
    the project (the unknown says so)."""
    parent = _write(tmp_path, "parent.yaml", """\
        Resources:
          Child:
            Type: AWS::CloudFormation::Stack
            Properties: {TemplateURL: "s3://bucket/child.yaml"}
        """)
    monkeypatch.chdir(tmp_path)
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("lambdalint tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    report = _run([parent], select=["LL004"])
    assert [u.resource for u in report.unknowns] == ["Child"]
    assert os.path.basename(report.unknowns[0].span.file) == "parent.yaml"


def test_resource_type_that_is_not_a_string_is_not_a_stack():
    """A corpus template has ``Type: {AWS::Serverless::Function: invalid_field}``: no crash."""
    from lambdalint.frontends.nested import location

    assert location({"Type": {"AWS::Serverless::Function": "invalid_field"}, "Properties": {}}) is None
    assert location({"Type": ["AWS::CloudFormation::Stack"]}) is None


# -- Terraform after `terraform init` ---------------------------------------------------------

def _renamed(report, names: dict):
    """Findings with Terraform addresses mapped onto those of the equivalent single module."""
    def rename(text):
        for old, new in names.items():
            text = text.replace(old, new)
        return text
    return sorted((f.rule, f.severity, rename(f.resource or ""), rename(f.message)) for f in report.findings)


@pytest.mark.parametrize("project,single,names", [
    ("LL201/registry_module_tf", "LL201/registry_module_flat_tf", {
        "module.worker.aws_lambda_function.this[0]": "aws_lambda_function.worker",
        "module.reporter.aws_lambda_function.this[0]": "aws_lambda_function.reporter"}),
    ("LL303/git_module_tf", "LL303/git_module_flat_tf", {
        "module.queues.module.dlq.aws_sqs_queue.this": "aws_sqs_queue.dlq"}),
])
def test_initialised_root_module_finds_what_the_single_module_finds(project, single, names, monkeypatch):
    monkeypatch.chdir(ROOT)
    installed = _run([FIXTURES / project])
    assert installed.findings
    assert _renamed(installed, names) == _renamed(_run([FIXTURES / single]), {})
    assert not [u for u in installed.unknowns if u.rule == "LL004"]  # every module call was read


def test_modules_json_records_registry_and_nested_git_calls(monkeypatch):
    """The fixtures hold what `terraform get` wrote (fixtures/_terraform/get_modules.sh)."""
    import json

    monkeypatch.chdir(ROOT)
    registry = json.loads((FIXTURES / "LL201/registry_module_tf/.terraform/modules/modules.json").read_text())
    assert {"Key": "worker", "Source": "registry.terraform.io/terraform-aws-modules/lambda/aws", "Version": "7.21.1",
            "Dir": ".terraform/modules/worker"} in registry["Modules"]
    git = json.loads((FIXTURES / "LL303/git_module_tf/.terraform/modules/modules.json").read_text())
    assert {m["Key"] for m in git["Modules"]} == {"", "queues", "queues.dlq", "queues.naming"}
    from lambdalint.runner import build_model

    model, _ = build_model([str(FIXTURES / "LL303/git_module_tf")], Config())
    assert sorted((i.name, i.read) for i in model.inputs) == [
        ("module.queues", True), ("module.queues.module.dlq", True), ("module.queues.module.naming", True)]
    queue = next(e for e in model.entities.values() if e.name == "module.queues.module.dlq.aws_sqs_queue.this")
    assert queue.queue_name.value == "orders-app-dlq.fifo"  # named through the nested git module


TF_FUNCTION = """
resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = "arn:aws:iam::123456789012:role/worker"
  runtime       = "python3.12"
  handler       = "app.handler"
  s3_bucket     = "artifacts"
  s3_key        = "worker.zip"
  timeout       = module.settings.timeout
}
"""


def _tf_project(tmp_path, source: str, manifest: str | None = None, installed: str | None = None) -> Path:
    root = tmp_path / "root"
    root.mkdir()
    (root / "main.tf").write_text(f'module "settings" {{\n  source  = "{source}"\n  version = "1.0.0"\n}}\n' + TF_FUNCTION)
    if manifest is not None:
        (root / ".terraform/modules").mkdir(parents=True)
        (root / ".terraform/modules/modules.json").write_text(manifest)
    if installed is not None:
        folder = root / ".terraform/modules/settings"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "main.tf").write_text(installed)
    return root


SETTINGS = 'output "timeout" {\n  value = 1200\n}\n'
ENTRY = '{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"settings","Source":"%s","Version":"1.0.0","Dir":"%s"}]}'


def test_an_installed_registry_module_is_read(tmp_path, monkeypatch):
    root = _tf_project(tmp_path, "acme/settings/aws", ENTRY % ("registry.terraform.io/acme/settings/aws",
                                                               ".terraform/modules/settings"), SETTINGS)
    monkeypatch.chdir(root)
    report = _run(["."], select=["LL101", "LL004"])
    assert [(f.rule, f.span.file, f.span.line) for f in report.findings] == [("LL101", "main.tf", 13)]
    assert report.unknowns == []


def test_a_module_call_before_terraform_init_is_an_undecided_ll004_check(tmp_path, monkeypatch):
    root = _tf_project(tmp_path, "acme/settings/aws")
    monkeypatch.chdir(root)
    report = _run(["."], select=["LL101", "LL004"])
    assert report.findings == []
    by_rule = {u.rule: u for u in report.unknowns}
    assert by_rule["LL004"].resource == "module.settings"
    assert by_rule["LL004"].reason == ("module call module.settings: source acme/settings/aws (version 1.0.0) is not "
                                       "downloaded; run `terraform init`, or lint a plan")
    assert (by_rule["LL004"].span.file, by_rule["LL004"].span.line) == ("main.tf", 2)
    assert by_rule["LL101"].reason.startswith("timeout <- module.settings output timeout (source acme/settings/aws")


@pytest.mark.parametrize("manifest,why", [
    (ENTRY % ("registry.terraform.io/acme/other/aws", ".terraform/modules/settings"),
     "is not the registry.terraform.io/acme/other/aws that `terraform init` installed; run `terraform init`"),
    (ENTRY % ("registry.terraform.io/acme/settings/aws", ".terraform/modules/gone"),
     ".terraform/modules/gone, recorded in .terraform/modules/modules.json, does not exist; run `terraform init`"),
    (ENTRY % ("registry.terraform.io/acme/settings/aws", "../elsewhere"), "installed in ../elsewhere, outside the project"),
    ("not json", "is not downloaded; run `terraform init`, or lint a plan"),
])
def test_a_stale_or_foreign_modules_json_is_not_trusted(tmp_path, monkeypatch, manifest, why):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere/main.tf").write_text(SETTINGS)
    root = _tf_project(tmp_path, "acme/settings/aws", manifest, SETTINGS)
    monkeypatch.chdir(root)
    report = _run(["."], select=["LL101", "LL004"])
    assert report.findings == []
    [unread] = [u for u in report.unknowns if u.rule == "LL004"]
    assert why in unread.reason


def test_tfvars_of_the_root_module_are_read_and_a_child_modules_are_not(tmp_path, monkeypatch):
    (tmp_path / "modules/fn").mkdir(parents=True)
    (tmp_path / "modules/fn/main.tf").write_text('variable "timeout" {}\n' + TF_FUNCTION.replace(
        "module.settings.timeout", "var.timeout"))
    (tmp_path / "modules/fn/terraform.tfvars").write_text("timeout = 1200\n")  # Terraform ignores it
    (tmp_path / "main.tf").write_text('variable "timeout" {}\nmodule "fn" {\n  source  = "./modules/fn"\n'
                                      '  timeout = var.timeout\n}\n')
    (tmp_path / "prod.auto.tfvars").write_text("timeout = 1000\n")
    monkeypatch.chdir(tmp_path)
    report = _run(["."], select=["LL101"])
    assert [(f.resource, f.span.file) for f in report.findings] == [("module.fn.aws_lambda_function.worker", "modules/fn/main.tf")]
    assert "1000" in report.findings[0].message
    (tmp_path / "prod.auto.tfvars").unlink()
    report = _run(["."], select=["LL101"])
    assert report.findings == [] and "var.timeout" in report.unknowns[0].reason


# -- SAM configuration ------------------------------------------------------------------------

def test_parameter_overrides_in_the_forms_the_sam_cli_reads():
    from lambdalint.samconfig import parse_overrides

    assert parse_overrides('Timeout=30 Name="two words" Quote=\'it\\\'s\' Path=a\\ b') == {
        "Timeout": "30", "Name": "two words", "Quote": "it's", "Path": "a b"}
    assert parse_overrides("ParameterKey=Timeout,ParameterValue=30 ParameterKey=Env,ParameterValue=prod") == {
        "Timeout": "30", "Env": "prod"}
    assert parse_overrides(["Timeout=30", ["Env=prod"]]) == {"Timeout": "30", "Env": "prod"}
    assert parse_overrides({"Subnets": ["subnet-1", "subnet-2"], "Debug": True, "Unset": None}) == {
        "Subnets": "subnet-1,subnet-2", "Debug": "true", "Unset": ""}


def test_sam_config_env_picks_the_environment(monkeypatch, capsys):
    from lambdalint.cli import main

    monkeypatch.chdir(ROOT)
    case = "fixtures/LL101/samconfig_yaml_default_env"
    assert main(["check", case, "--select", "LL101", "--format", "json"]) == 0
    assert main(["check", case, "--select", "LL101", "--format", "json", "--sam-config-env", "prod"]) == 1
    assert main(["check", case, "--select", "LL101", "--format", "json", "--sam-config-env", "staging"]) == 0
    out = capsys.readouterr().out
    assert "FunctionTimeout (parameter without default)" in out  # staging sets nothing


def test_parameters_win_over_samconfig(monkeypatch, capsys):
    from lambdalint.cli import main

    monkeypatch.chdir(ROOT)
    case = "fixtures/LL101/samconfig_parameters_win"
    assert main(["check", case, "--select", "LL101", "-q"]) == 1  # samconfig alone: 1200
    assert main(["check", case, "--select", "LL101", "-q", "--parameters", f"{case}/parameters.yaml"]) == 0


def test_a_broken_samconfig_is_ll001(tmp_path, monkeypatch):
    (tmp_path / "template.yaml").write_text("Parameters:\n  T: {Type: Number}\nResources:\n" + function("Fn", "Timeout: !Ref T"))
    (tmp_path / "samconfig.toml").write_text("[default.deploy.parameters\nparameter_overrides = 'T=1200'\n")
    monkeypatch.chdir(tmp_path)
    report = _run(["."], select=["LL001", "LL101"])
    assert [(f.rule, f.span.file) for f in report.findings] == [("LL001", "samconfig.toml")]
    assert "not valid TOML" in report.findings[0].message


def test_samconfig_applies_to_the_template_sam_deploys_not_to_its_children(tmp_path, monkeypatch):
    (tmp_path / "child.yaml").write_text("Parameters:\n  T: {Type: Number}\nResources:\n" + function("Fn", "Timeout: !Ref T"))
    (tmp_path / "template.yaml").write_text(
        "Parameters:\n  T: {Type: Number}\nResources:\n" + function("Own", "Timeout: !Ref T")
        + "  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties: {TemplateURL: child.yaml}\n")
    (tmp_path / "samconfig.toml").write_text("version = 0.1\n[default.deploy.parameters]\nparameter_overrides = 'T=1200'\n")
    monkeypatch.chdir(tmp_path)
    report = _run(["."], select=["LL101"])
    assert [f.resource for f in report.findings] == ["Own"]
    assert [u.reason for u in report.unknowns] == ["Timeout <- !Ref T (parameter without default; stack Child does not pass it)"]


def test_local_module_calls_are_confined_to_the_project(tmp_path, monkeypatch):
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared/main.tf").write_text(SETTINGS)
    root = tmp_path / "root"
    root.mkdir()
    (root / "main.tf").write_text('module "settings" {\n  source = "../shared"\n}\nmodule "gone" {\n'
                                  '  source = "./gone"\n}\n' + TF_FUNCTION)
    monkeypatch.chdir(root)
    report = _run(["."], select=["LL101", "LL004"])
    reasons = {u.resource: u.reason for u in report.unknowns if u.rule == "LL004"}
    assert reasons["module.gone"] == "module call module.gone: source ./gone: no such directory"
    assert "source ../shared is outside the project" in reasons["module.settings"]
    assert report.findings == []
    monkeypatch.chdir(tmp_path)  # the parent directory is the project now: ../shared is read
    report = _run(["root"], select=["LL101", "LL004"])
    assert [f.rule for f in report.findings] == ["LL101"]
    assert [u.resource for u in report.unknowns if u.rule == "LL004"] == ["module.gone"]
