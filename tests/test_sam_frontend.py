"""The SAM frontend on what a fixture's expectations cannot express: the model it builds, how
often a finding is reported, the words of a message."""
from __future__ import annotations

from lambdalint.config import load_config
from lambdalint.runner import lint


def _model(tmp_path, text: str):
    from pathlib import Path

    from lambdalint.config import Config
    from lambdalint.runner import build_model

    path = Path(tmp_path) / "template.yaml"
    path.write_text(text, encoding="utf-8")
    model, _docs = build_model([str(path)], Config())
    return model


def test_policies_under_fn_if_keep_both_branches_and_sam_names(tmp_path):
    from lambdalint.model import Role
    from lambdalint.values import Absent, Either

    model = _model(tmp_path, """Transform: AWS::Serverless-2016-10-31
Conditions:
  Strict: !Equals [!Ref AWS::Region, us-east-1]
Resources:
  Jobs:
    Type: AWS::SQS::Queue
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: s3://bucket/app.zip
      Policies:
        - !If [Strict, {SQSPollerPolicy: {QueueName: !GetAtt Jobs.QueueName}}, !Ref AWS::NoValue]
        - !If [Strict, AmazonSQSFullAccess, arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
""")
    role = next(r for r in model.of_type(Role) if r.name == "WorkerRole")
    (origin, document, _source), = role.inline_documents
    assert origin == "SAM policy template SQSPollerPolicy (WorkerRolePolicy0)"  # the name SAM gives it
    assert isinstance(document, Either) and document.condition == "Strict"
    assert isinstance(document.options[1], Absent)
    conditional = [arn for arn in role.managed_arns if isinstance(arn, Either)]
    assert [leaf.value for leaf in conditional[0].leaves()] == [
        "arn:aws:iam::aws:policy/AmazonSQSFullAccess", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
    assert not role.unresolved


def test_cloudformation_inline_policy_under_fn_if_is_named(tmp_path):
    from lambdalint.model import Role

    model = _model(tmp_path, """Parameters:
  ExtraName: {Type: String}
Conditions:
  Strict: !Equals [!Ref AWS::Region, us-east-1]
Resources:
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: []}
      Policies:
        - !If
          - Strict
          - PolicyName: deny-logs
            PolicyDocument: {Statement: [{Effect: Deny, Action: "logs:*", Resource: "*"}]}
          - !Ref AWS::NoValue
        - PolicyName: !Ref ExtraName
          PolicyDocument: {Statement: []}
""")
    role = next(r for r in model.of_type(Role) if r.name == "WorkerRole")
    assert [origin for origin, _doc, _src in role.inline_documents] == [
        "inline policy deny-logs of WorkerRole", "inline policy Policies[1] of WorkerRole"]


def test_policy_template_argument_reported_once(monkeypatch):
    # the fixture test compares lines; this counts: one finding, at the argument (not at the template)
    from pathlib import Path

    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    config = load_config(None)
    config.select = ["LL003"]
    report = lint(["fixtures/LL003/policy_template_argument_sam.yaml"], config)
    assert [(f.span.line, f.span.column) for f in report.findings] == [(13, 24)]


def test_ll601_says_when_tracing_comes_from_globals(monkeypatch):
    from pathlib import Path

    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    config = load_config(None)
    config.select = ["LL601"]
    report = lint(["fixtures/LL601/globals_tracing_sam.yaml", "fixtures/LL601/missing_xray_sam.yaml"], config)
    said = {(f.span.file, "(from SAM Globals)" in f.message) for f in report.findings}
    assert said == {("fixtures/LL601/globals_tracing_sam.yaml", True), ("fixtures/LL601/missing_xray_sam.yaml", False)}


def test_function_url_permissions_as_sam_writes_them(tmp_path):
    from lambdalint.model import Permission
    from lambdalint.values import known_str

    model = _model(tmp_path, """Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    FunctionUrlConfig: {AuthType: NONE}
Resources:
  Public:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.12, Handler: app.handler, CodeUri: s3://b/k.zip, AutoPublishAlias: live}
  Private:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: s3://b/k.zip
      FunctionUrlConfig: {AuthType: AWS_IAM}
""")
    found = {p.name: (known_str(p.action), known_str(p.principal), p.function.value.name)
             for p in model.of_type(Permission)}
    assert found == {"PublicUrlPublicPermissions": ("lambda:InvokeFunctionUrl", "*", "PublicAliaslive"),
                     "PublicURLInvokeAllowPublicAccess": ("lambda:InvokeFunction", "*", "PublicAliaslive")}
