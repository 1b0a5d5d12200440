"""The model's graph: directed edges between entities (by node id), each with a reason.

The model needs from a graph exactly this: add nodes and edges, ask who points at an entity and
why, and list every edge for ``lambdalint graph``.  Its chain queries (function -> subnet ->
route table -> NAT -> internet gateway, function -> role -> policies) follow typed values with
Known/Unknown semantics at each step, which no generic graph algorithm expresses, so a general
graph library bought nothing but its import (about 0.1 s of every run's start-up, measured with
``benchmarks/run.py``).  This store keeps the subset of networkx's ``MultiDiGraph`` interface the
code uses, with the same semantics: parallel edges are kept (keys 0, 1, ...), predecessors and
edges come in insertion order, ``get_edge_data(u, v)`` is ``{key: {"reason": ...}}`` or None.
"""
from __future__ import annotations


class Graph:
    __slots__ = ("_nodes", "_succ", "_pred")

    def __init__(self) -> None:
        self._nodes: dict[str, None] = {}  # every node, in insertion order
        # only nodes with edges have entries (most entities have none: no two dicts each)
        self._succ: dict[str, dict[str, dict]] = {}  # u -> v -> {key: attributes}
        self._pred: dict[str, dict[str, dict]] = {}  # v -> u -> the same {key: attributes}

    def add_node(self, node: str, **_attributes) -> None:
        self._nodes.setdefault(node, None)

    def add_edge(self, u: str, v: str, **attributes) -> int:
        nodes = self._nodes
        nodes.setdefault(u, None)
        nodes.setdefault(v, None)
        targets = self._succ.get(u)
        if targets is None:
            targets = self._succ[u] = {}
        keyed = targets.get(v)
        if keyed is None:
            keyed = targets[v] = {}
            sources = self._pred.get(v)
            if sources is None:
                sources = self._pred[v] = {}
            sources[u] = keyed
        key = len(keyed)
        keyed[key] = attributes
        return key

    def remove_node(self, node: str) -> None:
        """Drop a node and its edges (the runner removes what a file that failed half-way added;
        tests/test_hostile_stages.py covers it)."""
        self._nodes.pop(node, None)
        for v in self._succ.pop(node, {}):
            self._pred.get(v, {}).pop(node, None)
        for u in self._pred.pop(node, {}):
            self._succ.get(u, {}).pop(node, None)

    def has_node(self, node: str) -> bool:
        return node in self._nodes

    __contains__ = has_node

    def nodes(self):
        return iter(self._nodes)

    def predecessors(self, node: str):
        return iter(self._pred.get(node, ()))

    def successors(self, node: str):
        return iter(self._succ.get(node, ()))

    def get_edge_data(self, u: str, v: str, default=None):
        return self._succ.get(u, {}).get(v, default)

    def edges(self, data: bool = False):
        succ = self._succ
        for u in self._nodes:  # networkx's order: nodes as inserted, then each one's targets
            for v, keyed in succ.get(u, {}).items():
                for attributes in keyed.values():
                    yield (u, v, attributes) if data else (u, v)

    def number_of_edges(self) -> int:
        return sum(len(keyed) for targets in self._succ.values() for keyed in targets.values())
