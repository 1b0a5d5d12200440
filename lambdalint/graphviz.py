"""``lambdalint graph``: the resource graph as DOT, Mermaid or JSON."""
from __future__ import annotations

import json


def _edges(model):
    for source, target, data in sorted(model.graph.edges(data=True), key=lambda e: (e[0], e[1], e[2]["reason"])):
        yield model.entities[source], model.entities[target], data["reason"]


def render_graph(model, fmt: str) -> str:
    nodes = sorted(model.entities.values(), key=lambda e: e.node)
    if fmt == "json":
        return json.dumps({
            "nodes": [{"id": e.node, "name": e.name, "kind": e.kind} for e in nodes],
            "edges": [{"from": a.node, "to": b.node, "reason": r} for a, b, r in _edges(model)],
        }, indent=2) + "\n"
    if fmt == "mermaid":
        index = {e.node: f"n{i}" for i, e in enumerate(nodes)}
        lines = ["graph LR"]
        lines += [f'  {index[e.node]}["{e.name}<br/>{e.kind}"]' for e in nodes]
        lines += [f"  {index[a.node]} -->|{r}| {index[b.node]}" for a, b, r in _edges(model)]
        return "\n".join(lines) + "\n"
    lines = ["digraph lambdalint {", "  rankdir=LR;"]
    lines += [f'  "{e.node}" [label="{e.name}\\n{e.kind}"];' for e in nodes]
    lines += [f'  "{a.node}" -> "{b.node}" [label="{r}"];' for a, b, r in _edges(model)]
    return "\n".join(lines + ["}"]) + "\n"
