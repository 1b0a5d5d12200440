"""Where a subnet's default route goes: the chain subnet → route table → 0.0.0.0/0 → target.

Shared by the VPC rules (LL201 public subnet, LL202 no egress, LL203 NAT without internet) so
each follows the chain the same way and names every link in its message.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..rulekit import Link
from ..values import Known, Unknown, Value, describe, known_str
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
    if blocked and table is None:
        return Egress(subnet, None, None, None, "unknown", unknown=f"route table {blocked}")
    if table is None:
        # no association: the VPC's main route table, which (unless declared here) has only
        # the local route
        return Egress(subnet, None, None, None, "none")
    route = model.default_route(table)
    if route is None:
        unknown_routes = [r for r in model.routes(table) if isinstance(r.destination, Unknown)]
        if unknown_routes:
            return Egress(subnet, table, association, None, "unknown",
                          unknown=f"route destination {unknown_routes[0].destination.reason}")
        return Egress(subnet, table, association, None, "none")
    for value, prefixes in ((route.gateway, {"igw-": "igw", "local": "other"}), (route.nat_gateway, {"nat-": "nat"}),
                            (route.instance, {"i-": "instance"}), (route.other_target, {"": "other"})):
        found = _classify(model, value, prefixes)
        if found is not None:
            kind, target = found
            return Egress(subnet, table, association, route, kind, target, value,
                          unknown=value.reason if isinstance(value, Unknown) else None)
    return Egress(subnet, table, association, route, "other")
