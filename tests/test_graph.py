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


def test_edge_store_keeps_parallel_edges_and_insertion_order():
    from lambdalint.model.edges import Graph

    graph = Graph()
    graph.add_node("fn")
    graph.add_edge("fn", "role", reason="uses-role")
    graph.add_edge("queue", "fn", reason="triggers")
    graph.add_edge("fn", "role", reason="uses-role")  # a second, parallel edge (networkx keeps it too)
    graph.add_edge("api", "fn", reason="invokes")
    assert list(graph.predecessors("fn")) == ["queue", "api"]
    assert list(graph.predecessors("nowhere")) == []
    assert graph.get_edge_data("fn", "role") == {0: {"reason": "uses-role"}, 1: {"reason": "uses-role"}}
    assert graph.get_edge_data("role", "fn") is None
    assert list(graph.edges(data=True)) == [("fn", "role", {"reason": "uses-role"}), ("fn", "role", {"reason": "uses-role"}),
                                            ("queue", "fn", {"reason": "triggers"}), ("api", "fn", {"reason": "invokes"})]
    assert list(graph.nodes()) == ["fn", "role", "queue", "api"] and graph.number_of_edges() == 4


def test_edge_store_remove_node():
    """The runner's rollback of a file that failed half-way removes its nodes (and any edges)."""
    from lambdalint.model.edges import Graph

    graph = Graph()
    graph.add_edge("a", "b", reason="r")
    graph.add_edge("b", "c", reason="s")
    graph.remove_node("b")
    assert list(graph.nodes()) == ["a", "c"] and graph.number_of_edges() == 0
    assert list(graph.successors("a")) == [] and list(graph.predecessors("c")) == []
    graph.remove_node("missing")  # nothing to do
