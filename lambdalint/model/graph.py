"""The resource graph and the typed queries rules use.

Frontends hand over entities; :meth:`Model.build` links them (edges come from each entity's
``links()``: ``placed-in``, ``assumes``, ``dead-letters-to``, ``triggers``, ``routes-to`` ...),
resolves every role's policy statements from wherever they are attached, and indexes routes and
route-table associations.  All of that is format-neutral: no native property name appears here.
"""
from __future__ import annotations

import re
from collections import defaultdict

from ..partial_strings import partial_text
from ..values import Either, Known, ResourceRef, Unknown, Value, handled, known_str, ref_of
from .build import ModelBuilding
from .invoked import FunctionNames
from .edges import Graph
from .entities import (
    Alias, Entity, EventInvokeConfig, EventSourceMapping, Function, Permission, Role,
    Route, RouteTable, Subnet, Trigger, VpcEndpoint,
)

_TOKEN = re.compile(r"\$\{([^}]+)\.[A-Za-z_]+\}")  # ResourceRef.token() inside a string
ARN_SERVICE_OF_KIND = {"sqs:queue": "sqs", "sns:topic": "sns"}


class Model(ModelBuilding):
    def __init__(self) -> None:
        self.graph = Graph()
        self.entities: dict[str, Entity] = {}
        self.by_class: dict[type, list] = defaultdict(list)
        self.exports: dict[str, Value] = {}  # CloudFormation Outputs Export.Name -> value
        self.unresolved_refs: list = []  # (Source, text) for LL003
        self.inputs: list = []  # InputRef per nested stack / module call / CDK asset (LL004)
        self.files: list[str] = []
        self.parse_errors: list = []  # ParseError per file that could not be read (LL001)
        self.unused_suppressions: list = []  # filled by the runner before LL002 runs
        self.internal_errors: list[str] = []
        self._function_names_index: FunctionNames | None = None  # set by build()
        self._permission_index: dict | None = None  # see permissions_naming  # lambdalint's own failures: reported, exit code 2
        self._route_tables_of_subnet: dict[str, list] = {}
        self._memo: dict = {}
        self.run_wide: dict | None = None  # see of_type
        self.shared_memo: dict | None = None  # see run_memo
        self._routes_of_table: dict[str, list] = defaultdict(list)

    # -- generic lookups ---------------------------------------------------------------------
    def run_memo(self, key, compute):
        """:meth:`memo` for what depends on no linted file (the files under a package directory):
        shared by every group of a streamed run (``shared_memo``), so it is computed once per run."""
        store = self.shared_memo if self.shared_memo is not None else self._memo
        if key not in store:
            store[key] = compute()
        return store[key]

    def memo(self, key, compute):
        """``compute()`` once per model: what a rule checking one subject at a time needs about
        the whole run (an index, a total) without a quadratic rescan."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def entity(self, value) -> Entity | None:
        """The entity a Known ResourceRef (or a node id) points at."""
        if isinstance(value, Known):
            value = value.value
        if isinstance(value, ResourceRef):
            return self.entities.get(value.node)
        if isinstance(value, str):
            return self.entities.get(value)
        return None

    def targets(self, value: Value) -> list[Entity]:
        """Entities referenced by a value (all branches of an Fn::If, all list items)."""
        return [entity for _, entity in self.linked(value)]

    def linked(self, value: Value) -> list[tuple[Value, Entity]]:
        """(the referencing leaf, the entity) for each known reference in ``value``, so a
        finding can point at the exact list item that names the entity."""
        found = []
        if value is None:
            return found
        for leaf in value.leaves():
            if isinstance(leaf, Known):
                if isinstance(leaf.value, ResourceRef):
                    target = self.entities.get(leaf.value.node)
                    if target is not None:
                        found.append((leaf, target))
                elif isinstance(leaf.value, list):
                    for item in leaf.value:
                        found.extend(self.linked(item))
        return found

    def unknown_parts(self, value: Value) -> list[Unknown]:
        """The Unknown leaves of a value (list items included)."""
        found = []
        if value is None:
            return found
        for leaf in value.leaves():
            if isinstance(leaf, Unknown):
                found.append(leaf)
            elif isinstance(leaf, Known) and isinstance(leaf.value, list):
                for item in leaf.value:
                    found.extend(self.unknown_parts(item))
        return found

    def of_type(self, cls):
        # the streamed runner lists here the run's entities of a class whose facts other files'
        # checks read (log groups, VPC endpoints, alarms), in run order, this model's own among them
        run_wide = self.run_wide.get(cls) if self.run_wide else None
        return run_wide if run_wide is not None else self.by_class.get(cls, [])

    def functions(self) -> list[Function]:
        return self.by_class.get(Function, [])

    def pointing_at(self, entity: Entity, reason: str, cls=None) -> list[Entity]:
        """Entities with an edge ``reason`` into ``entity`` (e.g. triggers of a function)."""
        found = []
        for pred in self.graph.predecessors(entity.node):
            for edge in self.graph.get_edge_data(pred, entity.node).values():
                if edge["reason"] == reason:
                    other = self.entities[pred]
                    if cls is None or isinstance(other, cls):
                        found.append(other)
                    break
        return found

    # -- functions ---------------------------------------------------------------------------
    def role_of(self, function: Function) -> Role | None:
        target = self.entity(function.role)
        return target if isinstance(target, Role) else None

    def event_source_mappings(self, function: Function) -> list[EventSourceMapping]:
        return self.pointing_at(function, "triggers", EventSourceMapping)

    def triggers(self, function: Function) -> list[Trigger]:
        return self.pointing_at(function, "triggers", Trigger)

    def invoke_configs(self, function: Function) -> list[EventInvokeConfig]:
        return self.pointing_at(function, "configures", EventInvokeConfig)

    def aliases(self, function: Function) -> list[Alias]:
        return self.pointing_at(function, "points-to", Alias)

    def permissions(self, function: Function) -> list[Permission]:
        return self.pointing_at(function, "allows-invoke", Permission)

    def permissions_naming(self, function: Function) -> list[Permission]:
        """Permissions on the function, on one of its aliases or versions, or naming it inside a
        longer string (``!Sub ${Fn.Arn}:live``, SAM's ``!Ref Fn.Alias``).  The index is built
        once per model: a scan of every permission per function is quadratic on a large run."""
        if self._permission_index is None:
            self._permission_index = self._index_permissions()
        return self._permission_index.get(function.node, [])

    def permissions_maybe_naming(self, function: Function) -> list[tuple[Permission, Unknown]]:
        """(permission, the unknown part of its function) for permissions of the same template or
        Terraform module whose function is known only at deploy time: it may be this one."""
        if self._permission_index is None:
            self._permission_index = self._index_permissions()
        from .logs import _same_unit

        return [(permission, unknown) for permission, unknown in self._permission_index.get(None, [])
                if _same_unit(permission, function)]

    def _index_permissions(self) -> dict:
        names = self._function_names_index or FunctionNames(self)
        functions = {fn.node for fn in self.functions()}
        by_name = {(fn.node.rsplit("#", 1)[0], fn.name): fn.node for fn in self.functions()}
        alias_owner = {alias.node: fn.node for fn in self.functions() for alias in self.aliases(fn)}
        index: dict = {}
        for permission in self.of_type(Permission):
            nodes = set()
            # a function known only at deploy time is indexed under None (permissions_maybe_naming)
            for unknown in self.unknown_parts(handled(permission.function)):
                index.setdefault(None, []).append((permission, unknown))
            for leaf in permission.function.leaves():
                ref = ref_of(leaf)
                if ref is not None:
                    if ref.node in functions:
                        nodes.add(ref.node)
                    elif ref.node in alias_owner:
                        nodes.add(alias_owner[ref.node])
                    elif "." in ref.name:
                        owner = by_name.get((ref.node.rsplit("#", 1)[0], ref.name.split(".", 1)[0]))
                        if owner:
                            nodes.add(owner)
                text = leaf.value if isinstance(leaf, Known) and isinstance(leaf.value, str) else ""
                nodes.update(node for node in _TOKEN.findall(text) if node in functions)
            nodes.update(fn.node for fn in names.functions(permission.function, permission.node))
            for node in nodes:
                index.setdefault(node, []).append(permission)
        return index

    # -- network -----------------------------------------------------------------------------
    def route_table_of(self, subnet: Subnet) -> tuple[RouteTable | None, Entity | None]:
        """(route table, association) for a subnet; (main table, None) without association;
        (None, None) when the main table is not in the model (it has only the local route)."""
        for assoc in self._associations.get(subnet.node, []):
            for table in self.targets(assoc.route_table):
                if isinstance(table, RouteTable):
                    return table, assoc
        vpcs = {v.node for v in self.targets(subnet.vpc)}
        for table in self.of_type(RouteTable):
            if {v.node for v in self.targets(table.main_for_vpc)} & vpcs:
                return table, None
        return None, None

    def has_unknown_association(self, subnet: Subnet) -> Value | None:
        """The route table value of an association of this subnet that names a table we cannot
        see (None when every association names a table of the model)."""
        for assoc in self._associations.get(subnet.node, []):
            if not self.targets(assoc.route_table):
                return assoc.route_table
        return None

    def routes(self, table: RouteTable) -> list[Route]:
        return self._routes_of_table.get(table.node, [])

    def default_route(self, table: RouteTable) -> Route | None:
        for route in self.routes(table):
            if known_str(route.destination) == "0.0.0.0/0":
                return route
        return None

    def endpoints_for(self, subnet: Subnet, table: RouteTable | None) -> list[VpcEndpoint]:
        """VPC endpoints that serve a subnet: gateway endpoints on its route table, interface
        endpoints in its VPC."""
        vpcs = {v.node for v in self.targets(subnet.vpc)}
        found = []
        for endpoint in self.of_type(VpcEndpoint):
            kind = (known_str(endpoint.endpoint_type) or "Gateway").lower()
            if kind == "gateway":
                if table is not None and table.node in {t.node for t in self.targets(endpoint.route_tables)}:
                    found.append(endpoint)
            elif {v.node for v in self.targets(endpoint.vpc)} & vpcs:
                found.append(endpoint)
        return found

    # -- ARNs --------------------------------------------------------------------------------
    def arn_candidates(self, value: Value) -> list[str]:
        """Strings an IAM resource pattern is compared with when the target is ``value``."""
        leaf = value
        if isinstance(leaf, Known) and isinstance(leaf.value, ResourceRef):
            ref = leaf.value
            target = self.entities.get(ref.node)
            stream = _stream_candidates(ref, target)
            if stream is not None:
                return stream
            out = ["${" + ref.node + ".arn}"]
            service = ARN_SERVICE_OF_KIND.get(target.kind) if target else None
            if service:
                # an unknown name is this entity's own: the ${node.name} placeholder
                name = known_str(handled(getattr(target, "queue_name", None) or getattr(target, "topic_name", None))
                                 or Unknown(""))
                # the literal name when set (policies' ${node.name} were replaced by it), else the
                # ${node.name} placeholder a policy may use for the generated name
                for each in ([name] if name and "${" not in name else ["${" + ref.node + ".name}"]):
                    out.append(f"arn:${{AWS::Partition}}:{service}:${{AWS::Region}}:${{AWS::AccountId}}:{each}")
            return out
        text = known_str(leaf) or partial_text(leaf)  # a string known whole or in part
        return [text] if text else []


def _stream_candidates(ref: ResourceRef, target) -> list[str] | None:
    """ARN spellings of a Kinesis stream or of a DynamoDB table's stream (``StreamArn``, whose
    label is generated at deploy time); None for other targets."""
    kind = getattr(target, "kind", "")
    if kind not in ("dynamodb:table", "kinesis:stream") or (kind == "dynamodb:table" and ref.attr != "streamarn"):
        return None
    token = "${" + ref.node + "." + ref.attr + "}"
    names = [n for n in (known_str(handled(getattr(target, "physical_name", Unknown("")))), "${" + ref.node + ".name}") if n]
    prefix = "arn:${AWS::Partition}:" + kind.split(":")[0] + ":${AWS::Region}:${AWS::AccountId}:"
    if kind == "kinesis:stream":
        return [token] + [f"{prefix}stream/{name}" for name in dict.fromkeys(names)]
    label = "${" + ref.node + ".streamlabel}"
    return [token, "${" + ref.node + ".arn}/stream/" + label] + [
        f"{prefix}table/{name}/stream/{label}" for name in dict.fromkeys(names)]


__all__ = ["Model", "Either"]
