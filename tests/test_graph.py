"""`lambdalint graph`: the edges the rules follow carry their reason."""
from __future__ import annotations

import json
from pathlib import Path

from lambdalint.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _edges(capsys, path, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["graph", path, "--format", "json"]) == 0
    graph = json.loads(capsys.readouterr().out)
    names = {n["id"]: n["name"] for n in graph["nodes"]}
    return {(names[e["from"]], e["reason"], names[e["to"]]) for e in graph["edges"]}


def test_vpc_chain_edges(capsys, monkeypatch):
    edges = _edges(capsys, "fixtures/example/app.yaml", monkeypatch)
    assert ("Worker", "placed-in", "PublicA") in edges
    assert ("PublicRT", "routes-default-to", "Igw") in edges
    assert ("Worker", "assumes", "WorkerRole") in edges  # the role SAM generates
    assert ("Worker", "dead-letters-to", "Failures") in edges
    assert ("Worker.Events.Work", "triggers", "Worker") in edges


def test_terraform_plan_edges(capsys, monkeypatch):
    edges = _edges(capsys, "tests/data/plan_sample/plan.json", monkeypatch)
    assert ("aws_lambda_function.worker", "assumes", "aws_iam_role.fn") in edges
    assert ("aws_lambda_function.worker", "placed-in", "aws_subnet.public[1]") in edges
    assert ("aws_route_table.public", "routes-default-to", "aws_internet_gateway.igw") in edges


def test_dot_and_mermaid_render(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["graph", "fixtures/example/app.yaml", "--format", "dot"]) == 0
    assert "digraph lambdalint" in capsys.readouterr().out
    assert main(["graph", "fixtures/example/app.yaml", "--format", "mermaid"]) == 0
    assert capsys.readouterr().out.startswith("graph LR")


def test_literal_function_names_in_arns_and_names():
    from lambdalint.model.invoked import literal_function_name

    assert literal_function_name("arn:aws:lambda:us-east-1:123456789012:function:worker:live") == "worker"
    assert literal_function_name("arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:worker") == "worker"
    assert literal_function_name("123456789012:function:worker:7") == "worker"
    assert literal_function_name("worker:live") == "worker"
    assert literal_function_name("worker") == "worker"
    assert literal_function_name("arn:aws:sqs:us-east-1:123456789012:worker") is None  # not a function
    assert literal_function_name("arn:aws:lambda:us-east-1:123456789012:layer:worker:1") is None
    assert literal_function_name("${AWS::StackName}-worker") is None  # not a literal
    assert literal_function_name("https://example.com/x") is None
