"""Where a subnet's default route goes: the chain subnet → route table → 0.0.0.0/0 → target.

Shared by the VPC rules (LL201 public subnet, LL202 no egress, LL203 NAT without internet) so
each follows the chain the same way and names every link in its message.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..rulekit import Link, Unsure
from ..native_names import native_name
from ..values import Known, Unknown, Value, cause_of, describe, known_str
from .entities import Entity, Instance, InternetGateway, NatGateway, Route, RouteTable, Subnet


@dataclass
class Egress:
    subnet: Subnet
    table: RouteTable | None
    association: Entity | None
    route: Route | None
    kind: str  # igw | nat | instance | other | none | unknown
    target: Entity | None = None
    target_value: Value | None = None
    unknown: str | None = None
    cause: str | None = None  # of the unknown (values.CAUSES)

    @property
    def target_name(self) -> str:
        if self.target is not None:
            return self.target.name
        return describe(self.target_value) if self.target_value is not None else "?"

    def links(self) -> list[Link]:
        """The chain as related locations."""
        found = []
        if self.association is not None:
            found.append(Link(self.association.source, f"{self.subnet.name} is associated with route table "
                                                        f"{self.table.name if self.table else '?'}", self.association.name))
        elif self.table is not None:
            found.append(Link(self.table.source, f"main route table {self.table.name} of the VPC", self.table.name))
        if self.route is not None:
            found.append(Link(self.route.destination.source or self.route.source,
                              f"0.0.0.0/0 -> {self.target_name}", self.route.name))
        if self.target is not None:
            found.append(Link(self.target.source, f"{self.target.native_type or self.target.kind} {self.target.name}",
                              self.target.name))
        return found


def _classify(model, value: Value, kind_if_string: dict) -> tuple[str, Entity | None] | None:
    if value is None or value.absent:
        return None
    if isinstance(value, Unknown):
        return "unknown", None
    target = model.entity(value)
    if isinstance(target, InternetGateway):
        return "igw", target
    if isinstance(target, NatGateway):
        return "nat", target
    if isinstance(target, Instance):
        return "instance", target
    if target is not None:
        return "other", target
    text = known_str(value) or ""
    for prefix, kind in kind_if_string.items():
        if text.startswith(prefix):
            return kind, None
    return ("other", None) if isinstance(value, Known) else ("unknown", None)


def egress(model, subnet: Subnet) -> Egress:
    blocked = model.has_unknown_association(subnet)
    table, association = model.route_table_of(subnet)
    if blocked is not None and table is None:
        return Egress(subnet, None, None, None, "unknown", unknown=f"route table {describe(blocked)}",
                      cause=cause_of(blocked) or "not-in-run")
    if table is None:
        # no association: the VPC's main route table, which (unless declared here) has only
        # the local route
        return Egress(subnet, None, None, None, "none")
    route = model.default_route(table)
    if route is None:
        unknown_routes = [r for r in model.routes(table) if isinstance(r.destination, Unknown)]
        if unknown_routes:
            return Egress(subnet, table, association, None, "unknown",
                          unknown=f"route destination {unknown_routes[0].destination.reason}",
                          cause=unknown_routes[0].destination.cause)
        return Egress(subnet, table, association, None, "none")
    # a route has one target: the first one set is it (the others are not read: a plan may mark
    # them known after apply)
    for attr, prefixes in (("gateway", {"igw-": "igw", "local": "other"}), ("nat_gateway", {"nat-": "nat"}),
                           ("instance", {"i-": "instance"}), ("other_target", {"": "other"})):
        value = getattr(route, attr)
        found = _classify(model, value, prefixes)
        if found is not None:
            kind, target = found
            return Egress(subnet, table, association, route, kind, target, value,
                          unknown=value.reason if isinstance(value, Unknown) else None,
                          cause=value.cause if isinstance(value, Unknown) else None)
    return Egress(subnet, table, association, route, "other")


@dataclass
class Placement:
    """One subnet a function is placed in: a subnet of the model, or a value that names one
    lambdalint cannot follow (``unknown`` says why, ``cause`` is its values.CAUSES entry)."""

    value: Value  # the leaf that names the subnet (where a finding points)
    subnet: Subnet | None
    unknown: str | None = None
    cause: str | None = None


def placements(model, fn) -> list[Placement]:
    """Every subnet of the function's subnet list (all Fn::If branches): a literal subnet ID, a
    parameter or an import names a subnet whose route table is not in the run."""
    found: list[Placement] = []

    def walk(value, depth=0):
        for leaf in value.leaves():
            if leaf.absent:
                continue
            if isinstance(leaf, Unknown):
                found.append(Placement(leaf, None, f"{native_name(leaf, 'SubnetIds')} <- {leaf.reason}", leaf.cause))
                continue
            if isinstance(leaf, Known) and isinstance(leaf.value, list) and depth < 5:
                for item in leaf.value:
                    walk(item, depth + 1)
                continue
            target = model.entity(leaf)
            if isinstance(target, Subnet):
                found.append(Placement(leaf, target))
            elif target is not None:
                from .targets import entity_cause

                found.append(Placement(leaf, None, f"subnet {describe(leaf)} comes from {target.name} "
                                                   f"({target.native_type or target.kind}): the subnet it names is "
                                                   f"not known", entity_cause(target.kind, getattr(leaf.value, "attr", ""))))
            else:
                found.append(Placement(leaf, None, f"subnet {describe(leaf)} is not in the linted files (its route "
                                                   f"table is not known)", "not-in-run"))

    walk(fn.subnets)
    del walk  # the closure refers to itself: a cycle only the collector would free
    return found


def subnet_egress(model, fn):
    """Each subnet of the function's subnet list with its way out, as ``(reference, subnet,
    Egress)``; an :class:`Unsure` instead for a subnet not in the run or one whose way out is
    unknown (what the VPC rules LL201/LL202/LL203 each read the same way)."""
    for place in placements(model, fn):
        if place.subnet is None:
            yield Unsure(fn, place.unknown, place.value.source or fn.source, place.cause)
            continue
        reference, subnet = place.value, place.subnet
        path = egress(model, subnet)
        if path.kind == "unknown":
            yield Unsure(fn, f"subnet {subnet.name}: {path.unknown}", reference.source, path.cause)
            continue
        yield reference, subnet, path
