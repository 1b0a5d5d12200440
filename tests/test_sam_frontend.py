"""The SAM frontend on cases a fixture file cannot express well: what stays undecided, and why."""
from __future__ import annotations


from lambdalint.config import load_config
from lambdalint.runner import lint

ROLE_WITHOUT_LOGS = """
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: s3://bucket/app.zip
      Role: !GetAtt WorkerRole.Arn
"""


def _lint(tmp_path, monkeypatch, body: str, rule: str):
    path = tmp_path / "template.yaml"
    path.write_text("Transform: AWS::Serverless-2016-10-31\nResources:" + body, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    config = load_config(None)
    config.select = [rule]
    return lint([path.name], config, show_unknowns=True)


def test_connector_sam_rejects_leaves_the_role_undecided(tmp_path, monkeypatch):
    report = _lint(tmp_path, monkeypatch, ROLE_WITHOUT_LOGS + """
  ToLogs:
    Type: AWS::Serverless::Connector
    Properties:
      Source: {Id: Worker}
      Destination: {Type: AWS::Logs::LogGroup, Arn: arn:aws:logs:us-east-1:123456789012:log-group:x}
      Permissions: [Write]
""", "LL602")
    assert not report.findings
    reasons = [u.reason for u in report.unknowns if u.rule == "LL602"]
    assert any("SAM connector ToLogs: SAM has no connector from AWS::Lambda::Function to AWS::Logs::LogGroup" in r
               for r in reasons), reasons


def test_connector_policy_is_modelled(tmp_path, monkeypatch):
    # the connector's policy is known (DynamoDB writes): the missing log permissions are decided
    report = _lint(tmp_path, monkeypatch, ROLE_WITHOUT_LOGS + """
  Table:
    Type: AWS::Serverless::SimpleTable
  ToTable:
    Type: AWS::Serverless::Connector
    Properties:
      Source: {Id: Worker}
      Destination: {Id: Table}
      Permissions: [Read, Write]
""", "LL602")
    assert [f.resource for f in report.findings] == ["Worker"]
    assert not [u for u in report.unknowns if u.rule == "LL602"]
