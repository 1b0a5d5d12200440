"""``lambdalint graph``: the resource graph the rules see, drawn for a person (DOT, Mermaid) or
as data (JSON).

The JSON form is the model's graph as it is: every entity, every edge with its reason.  The
pictures are made to be read at a glance:

- a subnet points straight at the route table it uses (``route table``; ``main route table``
  when it has no association), instead of through association nodes that point away;
- a route table points at each route's target, labelled with the destination
  (``0.0.0.0/0``); route and association resources are not nodes of their own;
- nodes are shaped and coloured by kind (functions orange boxes, subnets blue folders,
  gateways green, roles red, queues and topics purple);
- resources of one VPC are drawn inside a box named after the VPC (``in-vpc`` edges become that
  box); a function is drawn inside its VPC when all its subnets are in it.

``--function NAME`` keeps the chain behind one function: what it points at (subnets, route
tables, gateways, role, dead-letter target, transitively), the policies attached to its role,
and what points at it (triggers, mappings and what they poll, permissions, aliases); other
functions are shown where the chain meets them, not followed.  ``--finding RULE[:RESOURCE]``
keeps the chain behind findings of that rule: the resource, its related locations and the
paths between them.

Every name is escaped for its format: DOT quotes ``"`` and ``\\``; Mermaid writes ``"`` as
``#quot;`` (and ``<`` ``>`` ``|`` as entities), so a plan address such as
``module.mod2["test"].aws_lambda_function.this`` draws as it reads.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

# kind -> (DOT shape, fill colour); a kind not listed uses its service's entry, then DEFAULT
STYLES = {
    "lambda:function": ("box", "#f5b041"),
    "lambda": ("box", "#fbe3c0"),
    "ec2:subnet": ("folder", "#aed6f1"),
    "ec2:route-table": ("note", "#d6eaf8"),
    "ec2:internet-gateway": ("doubleoctagon", "#7dcea0"),
    "ec2:egress-only-internet-gateway": ("doubleoctagon", "#a9dfbf"),
    "ec2:nat-gateway": ("hexagon", "#a9dfbf"),
    "ec2:vpc-endpoint": ("component", "#d4efdf"),
    "ec2:instance": ("box3d", "#d4efdf"),
    "ec2:security-group": ("octagon", "#ebf5fb"),
    "ec2": ("ellipse", "#ebf5fb"),
    "iam:role": ("house", "#f1948a"),
    "iam": ("note", "#fadbd8"),
    "sqs": ("cds", "#c39bd3"),
    "sns": ("cds", "#e8daef"),
    "logs": ("tab", "#d5dbdb"),
    "cloudwatch": ("octagon", "#d5dbdb"),
}
DEFAULT = ("ellipse", "#eeeeee")
STYLES["route-target"] = ("plaintext", "#ffffff")  # a literal target: pcx-..., tgw-..., an ENI
_HIDDEN_KINDS = {"ec2:route", "ec2:route-table-association"}
_HIDDEN_REASONS = {"in-vpc", "associates", "in-route-table", "routes-to", "routes-default-to"}


def style(kind: str) -> tuple[str, str]:
    return STYLES.get(kind) or STYLES.get(kind.split(":", 1)[0]) or DEFAULT


@dataclass(frozen=True)
class Literal:
    """A route target written as a literal ID (a peering connection, a transit gateway)."""

    node: str
    name: str
    kind: str = "route-target"


@dataclass
class Picture:
    nodes: dict = field(default_factory=dict)  # node id -> entity
    edges: list = field(default_factory=list)  # (from id, to id, label)
    clusters: dict = field(default_factory=dict)  # vpc node id -> [member node ids]


def _known_text(value) -> str | None:
    from .values import Known

    return str(value.value) if isinstance(value, Known) and isinstance(value.value, (str, int)) else None


def _edges(model):
    for source, target, data in sorted(model.graph.edges(data=True), key=lambda e: (e[0], e[1], e[2]["reason"])):
        yield source, target, data["reason"]


def picture(model) -> Picture:
    """The presentation graph: direct subnet -> route table -> target edges, VPC clusters."""
    from .model import RouteTable, Subnet

    pic = Picture()
    for entity in sorted(model.entities.values(), key=lambda e: e.node):
        if entity.kind not in _HIDDEN_KINDS:
            pic.nodes[entity.node] = entity
    edges = set()
    vpc_of: dict = {}
    for source, target, reason in _edges(model):
        if reason == "in-vpc" and source in pic.nodes and target in pic.nodes:
            vpc_of[source] = target
        if reason in _HIDDEN_REASONS or source not in pic.nodes or target not in pic.nodes:
            continue
        edges.add((source, target, reason))
    for subnet in model.of_type(Subnet):
        table, association = model.route_table_of(subnet)
        if table is not None and table.node in pic.nodes:
            edges.add((subnet.node, table.node, "route table" if association is not None else "main route table"))
    for table in model.of_type(RouteTable):
        for route in model.routes(table):
            label = _known_text(route.destination) or _known_text(route.destination_ipv6) or "route"
            for value in (route.gateway, route.nat_gateway, route.instance, route.other_target):
                target = model.entity(value)
                if target is not None and target.node in pic.nodes and target.node != table.node:
                    edges.add((table.node, target.node, label))
                elif target is None and _known_text(value) not in (None, "local"):
                    literal = Literal(f"route-target:{_known_text(value)}", _known_text(value))
                    pic.nodes.setdefault(literal.node, literal)
                    edges.add((table.node, literal.node, label))
    # VPC membership: subnets and route tables say it; NAT gateways, instances and functions
    # live in the VPC of their subnets (a function only when all its subnets are in one VPC)
    placed: dict = {}
    for source, target, reason in _edges(model):
        if reason == "placed-in" and source in pic.nodes:
            placed.setdefault(source, set()).add(vpc_of.get(target))
    for member, vpcs in placed.items():
        if len(vpcs) == 1 and None not in vpcs:
            vpc_of[member] = next(iter(vpcs))
    for member, vpc in sorted(vpc_of.items()):
        if vpc in pic.nodes:
            pic.clusters.setdefault(vpc, []).append(member)
    pic.edges = sorted(edges)
    return pic


def visible(model, entity) -> list[str]:
    """The nodes a picture shows for an entity: itself, or for a route the route table and its
    target, for an association the subnet and the route table."""
    if entity.kind not in _HIDDEN_KINDS:
        return [entity.node]
    values = [getattr(entity, name, None) for name in
              ("subnet", "route_table", "gateway", "nat_gateway", "instance")]
    return [e.node for e in (model.entity(v) for v in values if v is not None) if e is not None]


def _restrict(pic: Picture, keep: set) -> Picture:
    out = Picture()
    out.nodes = {n: e for n, e in pic.nodes.items() if n in keep}
    out.edges = [e for e in pic.edges if e[0] in keep and e[1] in keep]
    for vpc, members in pic.clusters.items():
        inside = [m for m in members if m in keep]
        if inside:
            out.clusters[vpc] = inside
            out.nodes.setdefault(vpc, pic.nodes[vpc])
    return out


def function_chain(pic: Picture, start: str) -> set:
    """The chain behind one function: forward from it and from what points at it, plus policies
    attached to roles on the way; other functions are reached but not followed."""
    outgoing: dict = {}
    incoming: dict = {}
    for a, b, label in pic.edges:
        outgoing.setdefault(a, []).append(b)
        incoming.setdefault(b, []).append((a, label))
    seeds = [start] + [a for a, _ in incoming.get(start, ())]
    keep, todo = set(), list(seeds)
    while todo:
        node = todo.pop()
        if node in keep:
            continue
        keep.add(node)
        entity = pic.nodes.get(node)
        if node != start and node not in seeds and entity is not None and entity.kind == "lambda:function":
            continue  # another function: shown, not followed
        todo.extend(outgoing.get(node, ()))
        todo.extend(a for a, label in incoming.get(node, ()) if label == "attached-to")
    return keep


def finding_chain(pic: Picture, subject: str, related: list) -> set:
    """The subject, its related resources, and the shortest paths between them within the
    subject's function chain (or the whole graph when the subject is not a function)."""
    chain = function_chain(pic, subject)
    area = chain if all(r in chain for r in related) else set(pic.nodes)
    neighbours: dict = {}
    for a, b, _ in pic.edges:
        if a in area and b in area:
            neighbours.setdefault(a, set()).add(b)
            neighbours.setdefault(b, set()).add(a)
    keep = {subject, *related}
    for goal in related:
        previous, frontier = {subject: None}, [subject]
        while frontier and goal not in previous:
            nxt = []
            for node in frontier:
                for other in sorted(neighbours.get(node, ())):
                    if other not in previous:
                        previous[other] = node
                        nxt.append(other)
            frontier = nxt
        node = goal if goal in previous else None
        while node is not None:
            keep.add(node)
            node = previous[node]
    return keep


# -- escaping ---------------------------------------------------------------------------------

def dot_string(text: str) -> str:
    """A DOT double-quoted string."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def mermaid_text(text: str) -> str:
    """Text for a quoted Mermaid label (``["..."]``, ``|"..."|``)."""
    out = str(text).replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
    return out.replace("|", "#124;").replace("\n", "<br/>")


# -- rendering --------------------------------------------------------------------------------

def _label(entity) -> str:
    return f"{entity.name}\n{entity.kind}"


def render_dot(pic: Picture) -> str:
    lines = ["digraph lambdalint {", "  rankdir=LR;", '  graph [fontname="Helvetica", fontsize=11, nodesep=0.3];',
             '  node [fontname="Helvetica", fontsize=10, style="filled,rounded", penwidth=0.8];',
             '  edge [fontname="Helvetica", fontsize=9, color="#555555", fontcolor="#333333"];']
    in_cluster = {m for members in pic.clusters.values() for m in members}

    def node_line(node: str, indent: str) -> str:
        entity = pic.nodes[node]
        shape, fill = style(entity.kind)
        return f"{indent}{dot_string(node)} [label={dot_string(_label(entity))}, shape={shape}, fillcolor={dot_string(fill)}];"

    for index, (vpc, members) in enumerate(sorted(pic.clusters.items())):
        entity = pic.nodes[vpc]
        lines.append(f"  subgraph cluster_{index} {{")
        lines.append(f'    label={dot_string("VPC " + entity.name)}; style="rounded,dashed"; color="#2e86c1"; '
                     f'fontcolor="#1b4f72";')
        lines += [node_line(m, "    ") for m in sorted(set(members)) if m in pic.nodes]
        lines.append("  }")
    lines += [node_line(n, "  ") for n in pic.nodes if n not in in_cluster and n not in pic.clusters]
    lines += [f"  {dot_string(a)} -> {dot_string(b)} [label={dot_string(label)}];" for a, b, label in pic.edges]
    return "\n".join(lines + ["}"]) + "\n"


_MERMAID_SHAPES = {"box": ('["', '"]'), "folder": ('[/"', '"/]'), "hexagon": ('{{"', '"}}'),
                   "doubleoctagon": ('(("', '"))'), "house": ('[\\"', '"/]'), "cds": ('[("', '")]')}


def render_mermaid(pic: Picture) -> str:
    index = {node: f"n{i}" for i, node in enumerate(pic.nodes)}
    lines = ["graph LR"]
    in_cluster = {m for members in pic.clusters.values() for m in members}

    def node_line(node: str, indent: str) -> str:
        entity = pic.nodes[node]
        shape, _ = style(entity.kind)
        left, right = _MERMAID_SHAPES.get(shape, ('["', '"]'))
        return f"{indent}{index[node]}{left}{mermaid_text(_label(entity))}{right}"

    for i, (vpc, members) in enumerate(sorted(pic.clusters.items())):
        lines.append(f'  subgraph vpc{i}["{mermaid_text("VPC " + pic.nodes[vpc].name)}"]')
        lines += [node_line(m, "    ") for m in sorted(set(members)) if m in pic.nodes]
        lines.append("  end")
    lines += [node_line(n, "  ") for n in pic.nodes if n not in in_cluster and n not in pic.clusters]
    lines += [f'  {index[a]} -->|"{mermaid_text(label)}"| {index[b]}' for a, b, label in pic.edges]
    used = {}
    for node, entity in pic.nodes.items():
        if node not in pic.clusters:  # a VPC with members is a subgraph, not a node
            used.setdefault(style(entity.kind)[1], []).append(index[node])
    for i, (fill, ids) in enumerate(sorted(used.items())):
        lines.append(f"  classDef k{i} fill:{fill},stroke:#555555")
        lines.append(f"  class {','.join(ids)} k{i}")
    return "\n".join(lines) + "\n"


def render_json(model) -> str:
    nodes = sorted(model.entities.values(), key=lambda e: e.node)
    return json.dumps({
        "nodes": [{"id": e.node, "name": e.name, "kind": e.kind} for e in nodes],
        "edges": [{"from": a, "to": b, "reason": r} for a, b, r in _edges(model)],
    }, indent=2, ensure_ascii=False) + "\n"


def render_graph(model, fmt: str, keep: set | None = None) -> str:
    if fmt == "json" and keep is None:
        return render_json(model)
    pic = picture(model)
    if keep is not None:
        pic = _restrict(pic, keep)
    if fmt == "json":
        return json.dumps({
            "nodes": [{"id": n, "name": e.name, "kind": e.kind} for n, e in pic.nodes.items()],
            "edges": [{"from": a, "to": b, "reason": r} for a, b, r in pic.edges],
        }, indent=2, ensure_ascii=False) + "\n"
    return render_mermaid(pic) if fmt == "mermaid" else render_dot(pic)
