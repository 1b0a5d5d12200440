"""`lambdalint graph` pictures: escaping in DOT and Mermaid, subnet -> route table drawn
directly, shapes and colours by kind, VPC clusters, --function and --finding."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from lambdalint.cli import main
from lambdalint.graphviz import STYLES, Picture, dot_string, mermaid_text, render_dot, render_mermaid, style

ROOT = Path(__file__).resolve().parents[1]
NASTY = 'module.mod2["test"].aws_lambda_function.this|<x> \\ end'


def graph(capsys, monkeypatch, *argv) -> str:
    monkeypatch.chdir(ROOT)
    code = main(["graph", *argv])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


class Node:
    def __init__(self, node, name, kind):
        self.node, self.name, self.kind = node, name, kind


def nasty_picture() -> Picture:
    fn = Node(f'plan.json#{NASTY}', NASTY, "lambda:function")
    subnet = Node('plan.json#module.net["a"].aws_subnet.x', 'module.net["a"].aws_subnet.x', "ec2:subnet")
    vpc = Node('plan.json#aws_vpc.main["x"]', 'aws_vpc.main["x"]', "ec2:vpc")
    return Picture(nodes={n.node: n for n in (fn, subnet, vpc)},
                   edges=[(fn.node, subnet.node, 'placed-in "quoted" |pipe|')],
                   clusters={vpc.node: [subnet.node, fn.node]})


# -- DOT ---------------------------------------------------------------------------------------

_DOT_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _unescape_dot(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text)


def test_dot_strings_escape_quotes_and_backslashes():
    assert dot_string('a"b\\c') == '"a\\"b\\\\c"'
    out = render_dot(nasty_picture())
    strings = [_unescape_dot(s) for s in _DOT_STRING.findall(out)]
    assert f"plan.json#{NASTY}" in strings
    assert f"{NASTY}\nlambda:function" in strings
    assert 'VPC aws_vpc.main["x"]' in strings
    assert 'placed-in "quoted" |pipe|' in strings
    # outside strings only DOT syntax remains
    skeleton = _DOT_STRING.sub('""', out)
    assert "[\"test\"]" not in skeleton and "mod2" not in skeleton


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz dot not installed")
def test_dot_parses_with_graphviz(capsys, monkeypatch):
    for text in (render_dot(nasty_picture()), graph(capsys, monkeypatch, "fixtures/LL107/far_future.plan.json")):
        result = subprocess.run(["dot", "-Tsvg"], input=text, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert "from_parameter" in result.stdout or "mod2" in result.stdout


# -- Mermaid -------------------------------------------------------------------------------------

def test_mermaid_labels_carry_no_raw_quotes():
    assert mermaid_text('a["b"]|<c>') == "a[#quot;b#quot;]#124;#lt;c#gt;"
    out = render_mermaid(nasty_picture())
    for line in out.splitlines()[1:]:
        labels = re.findall(r'"(.*?)"', line)
        for label in labels:
            assert '"' not in label and "|" not in label.replace("#124;", "")
    assert "module.mod2[#quot;test#quot;].aws_lambda_function.this#124;#lt;x#gt;" in out
    assert re.search(r'-->\|"placed-in #quot;quoted#quot; #124;pipe#124;"\|', out)
    assert out.count("subgraph") == 1 and "end" in [line.strip() for line in out.splitlines()]


def test_plan_addresses_with_keys(capsys, monkeypatch):
    out = graph(capsys, monkeypatch, "fixtures/LL107/far_future.plan.json", "--format", "mermaid")
    assert 'aws_lambda_function.from_parameter[#quot;a#quot;]' in out
    assert '["a"]' not in out


# -- a picture a person reads --------------------------------------------------------------------

def _json(capsys, monkeypatch, *argv):
    data = json.loads(graph(capsys, monkeypatch, *argv, "--format", "json"))
    names = {n["id"]: n["name"] for n in data["nodes"]}
    return {n["name"] for n in data["nodes"]}, {(names[e["from"]], e["reason"], names[e["to"]]) for e in data["edges"]}


def test_subnet_points_straight_at_its_route_table(capsys, monkeypatch):
    out = graph(capsys, monkeypatch, "fixtures/LL203/nat_in_private_subnet.yaml")
    edges = {(_unescape_dot(a).split("#")[-1], _unescape_dot(label), _unescape_dot(b).split("#")[-1])
             for a, b, label in re.findall(r'"([^"]+)" -> "([^"]+)" \[label="([^"]*)"\]', out)}
    assert ("PrivateA", "route table", "PrivateRT") in edges
    assert ("PrivateRT", "0.0.0.0/0", "Nat") in edges
    assert ("Nat", "placed-in", "NatSubnet") in edges
    assert ("NatSubnetRT", "10.1.0.0/16", "route-target:pcx-0123456789abcdef0") in edges  # a literal target
    assert "Assoc" not in out and "PrivateDefault" not in out  # association and route nodes are gone
    assert "in-vpc" not in out
    # the VPC is a box around its resources, the function inside it
    cluster = out[out.index("subgraph cluster_0"):out.index("  }")]
    assert 'label="VPC Vpc"' in cluster
    for name in ("Worker", "PrivateA", "PrivateRT", "Nat", "NatSubnet"):
        assert f'#{name}" [' in cluster
    assert '#Igw" [' not in cluster


def test_main_route_table_is_drawn(capsys, monkeypatch):
    _, edges = _json(capsys, monkeypatch, "fixtures/LL201/main_route_table_association_tf",
                     "--function", "aws_lambda_function.worker")
    assert ("aws_subnet.subnet_a", "main route table", "aws_route_table.public_rt") in edges
    assert ("aws_route_table.public_rt", "0.0.0.0/0", "aws_internet_gateway.igw") in edges


def test_shapes_and_colours_by_kind(capsys, monkeypatch):
    out = graph(capsys, monkeypatch, "fixtures/example/app.yaml")
    for name, kind in (("Worker", "lambda:function"), ("PublicA", "ec2:subnet"), ("Igw", "ec2:internet-gateway"),
                       ("WorkerRole", "iam:role"), ("Jobs", "sqs:queue")):
        shape, fill = style(kind)
        assert re.search(rf'#{name}" \[label="{name}\\n{kind}", shape={shape}, fillcolor="{fill}"\]', out), name
    assert len({style(k) for k in ("lambda:function", "ec2:subnet", "ec2:route-table", "ec2:internet-gateway",
                                   "ec2:nat-gateway", "iam:role", "sqs:queue")}) == 7
    assert "lambda:function" in STYLES


def test_function_filter_keeps_only_its_chain(capsys, monkeypatch):
    names, edges = _json(capsys, monkeypatch, "fixtures/example/app.yaml", "--function", "Worker")
    assert {"Worker", "PublicA", "PublicRT", "Igw", "WorkerRole", "Failures", "Worker.Events.Work", "Jobs"} <= names
    full, _ = _json(capsys, monkeypatch, "fixtures/LL201", "--function", "Worker")
    assert len(full) < 20  # the other fixtures' resources are not in Worker's chain


def test_function_filter_stops_at_other_functions(capsys, monkeypatch, tmp_path):
    template = (ROOT / "fixtures" / "LL201" / "public_subnet.yaml").read_text()
    other = template[template.index("  Worker:"):].replace("  Worker:", "  Other:", 1)
    (tmp_path / "two.yaml").write_text(template + other)
    monkeypatch.chdir(tmp_path)
    assert main(["graph", "two.yaml", "--function", "Worker", "--format", "json"]) == 0
    names = {n["name"] for n in json.loads(capsys.readouterr().out)["nodes"]}
    assert "Worker" in names and "Other" not in names


def test_finding_filter(capsys, monkeypatch):
    names, edges = _json(capsys, monkeypatch, "fixtures/LL203/nat_in_private_subnet.yaml", "--finding", "LL203:Worker")
    assert names >= {"Worker", "PrivateA", "PrivateRT", "Nat", "NatSubnet", "NatSubnetRT"}
    assert "Igw" not in names and "NatEip" not in names


@pytest.mark.parametrize("argv,needle", [
    (["--function", "Nope"], "no function Nope"),
    (["--finding", "LL999"], "no LL999 finding"),
    (["--function", "Worker", "--finding", "LL201"], "not allowed with"),
])
def test_filter_errors_exit_2(capsys, monkeypatch, argv, needle):
    monkeypatch.chdir(ROOT)
    assert main(["graph", "fixtures/example/app.yaml", *argv]) == 2
    assert needle in capsys.readouterr().err


def test_documented_example_is_current(capsys, monkeypatch):
    out = graph(capsys, monkeypatch, "fixtures/LL203/nat_in_private_subnet.yaml")
    assert (ROOT / "docs" / "images" / "nat_in_private_subnet.dot").read_text() == out, \
        "regenerate docs/images (see docs/images/README.md)"
