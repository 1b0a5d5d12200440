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
from ..values import Either, Known, Reason, ResourceRef, Unknown, Value, cause_of, describe, handled, known_str, ref_of
from ..load.limits import MAX_ROLE_STATEMENTS
from .iam import branches, condition_keys, statements_from_document
from .invoked import FunctionNames
from .edges import Graph
from .entities import (
    Queue, Topic,
    Alias, Entity, EventInvokeConfig, EventSourceMapping, Function, Permission, Policy, Role,
    RoleAttachment, Route, RouteTable, RouteTableAssociation, Subnet, Trigger, VpcEndpoint,
)

# Relations to a function that may name it through an alias, a version or a literal ARN/name
_INVOKES = ("triggers", "configures", "allows-invoke")
_TOKEN = re.compile(r"\$\{([^}]+)\.[A-Za-z_]+\}")  # ResourceRef.token() inside a string
ARN_SERVICE_OF_KIND = {"sqs:queue": "sqs", "sns:topic": "sns"}
_FN_NAME_TOKEN = re.compile(r"\$\{[^}]*\.name\}")


class Model:
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

    # -- building ---------------------------------------------------------------------------
    def add(self, entity: Entity) -> Entity:
        self.entities[entity.node] = entity
        self.by_class[type(entity)].append(entity)
        self.graph.add_node(entity.node, entity=entity)
        return entity

    def resolve_imports(self) -> None:
        """Replace ``Fn::ImportValue`` of a name some linted template exports by the exported
        value, so cross-stack references resolve like local ones."""
        if not self.exports:
            return
        from dataclasses import fields

        def substitute(value, depth=0):
            """The value with imports replaced; the same object when it holds none to replace
            (most values: nothing is copied)."""
            if depth > 50:
                return value
            if isinstance(value, Unknown):
                if value.import_name not in self.exports:
                    return value
                exported = self.exports[value.import_name]
                if not isinstance(exported, Known):
                    return value
                # the exported value, located at the import (where the importing stack uses it)
                return Known(exported.value, value.source or exported.source)
            if isinstance(value, Known):
                raw = value.value
                if isinstance(raw, list):
                    items = [substitute(v, depth + 1) for v in raw]
                    if any(new is not old for new, old in zip(items, raw)):
                        return Known(items, value.source)
                elif isinstance(raw, dict):
                    items = {k: substitute(v, depth + 1) for k, v in raw.items()}
                    if any(items[k] is not v for k, v in raw.items()):
                        return Known(items, value.source)
                return value
            if isinstance(value, Either):
                options = tuple(substitute(v, depth + 1) for v in value.options)
                if any(new is not old for new, old in zip(options, value.options)):
                    return Either(value.condition, options, value.source)
            return value

        names: dict = {}  # entity class -> its field names
        for entity in self.entities.values():
            cls = type(entity)
            if cls not in names:
                names[cls] = [f.name for f in fields(entity)]
            for name in names[cls]:
                current = getattr(entity, name)
                if isinstance(current, Value):
                    replaced = substitute(current)
                    if replaced is not current:
                        setattr(entity, name, replaced)
            if isinstance(entity, Role):
                entity.inline_documents = [(o, substitute(d), s) for o, d, s in entity.inline_documents]
                entity.managed_arns = [substitute(a) for a in entity.managed_arns]

    def _main_route_tables(self) -> None:
        """A route or association on a VPC's main route table (``!GetAtt Vpc.MainRouteTableId``,
        ``aws_vpc.x.main_route_table_id``) gets that table as an entity, so the subnets that use
        the main table (no explicit association) see its routes."""
        from .entities import Vpc

        for holder in self.by_class[Route] + self.by_class[RouteTableAssociation]:
            target = self.entity(holder.route_table)
            if not isinstance(target, Vpc):
                continue
            node = target.node + "/main-route-table"
            if node not in self.entities:
                self.add(RouteTable(node, f"{target.name} main route table", "ec2:route-table", target.source,
                                    native_type="main route table", vpc=Known(ResourceRef(target.node, "id", target.name), target.source),
                                    main_for_vpc=Known(ResourceRef(target.node, "id", target.name), target.source)))
            holder.route_table = Known(ResourceRef(node, "id", f"{target.name} main route table"), holder.route_table.source)

    def build(self) -> "Model":
        self._main_route_tables()
        names = FunctionNames(self)
        for entity in list(self.entities.values()):
            for reason, value in entity.links():
                direct = set()
                for target in self.targets(value):
                    self.graph.add_edge(entity.node, target.node, reason=reason)
                    direct.add(target.node)
                if reason in _INVOKES:  # through an alias/version, a qualified ARN, a literal name
                    for fn in names.functions(value, entity.node):
                        if fn.node not in direct:
                            self.graph.add_edge(entity.node, fn.node, reason=reason)
        self._function_names_index = names
        self._index_routes()
        # "${x.name}" in a policy is x's name when that name is a literal: policies often spell
        # a log group as /aws/lambda/${fn.name} or a queue via SAM's ${Queue.QueueName} while the
        # resource sets its name; comparing literal with literal lets a policy on another,
        # named resource decide "not allowed" instead of "cannot tell"
        self._function_names = {}
        for entity in self.by_class[Function] + self.by_class[Queue] + self.by_class[Topic]:
            name = known_str(getattr(entity, "function_name", None) or getattr(entity, "queue_name", None)
                             or getattr(entity, "topic_name", None) or Unknown(""))
            if name and "${" not in name:
                self._function_names["${" + entity.node + ".name}"] = name
        # the literal resource parts of named entities' ARNs, by kind: a policy naming one of
        # them is about that entity, not about another whose name is generated or unknown
        self.literal_resources: dict[str, set] = {}
        for entity in self.by_class[Queue] + self.by_class[Topic] + self.by_class[Function]:
            name = known_str(getattr(entity, "function_name", None) or getattr(entity, "queue_name", None)
                             or getattr(entity, "topic_name", None) or Unknown(""))
            if name and "${" not in name:
                self.literal_resources.setdefault(entity.kind, set()).add(
                    ("function:" if entity.kind == "lambda:function" else "") + name)
        for role in self.by_class[Role]:
            self._resolve_role(role)
        return self

    def _index_routes(self) -> None:
        for route in self.by_class[Route]:
            default = known_str(route.destination) == "0.0.0.0/0"
            for table in self.targets(route.route_table):
                self._routes_of_table[table.node].append(route)
                if default:  # the edge `lambdalint graph` shows for a table's way out
                    for value in (route.gateway, route.nat_gateway, route.instance, route.other_target):
                        for target in self.targets(value):
                            self.graph.add_edge(table.node, target.node, reason="routes-default-to")
        associations = defaultdict(list)
        for assoc in self.by_class[RouteTableAssociation]:
            for subnet in self.targets(assoc.subnet):
                associations[subnet.node].append(assoc)
        self._associations = associations

    def _policy_by_arn(self, value: Value) -> Policy | None:
        target = self.entity(value)
        return target if isinstance(target, Policy) else None

    def _resolve_role(self, role: Role) -> None:
        from .. import data

        statements, problems = [], list(role.unresolved)  # keep what the frontend could not read
        for origin, document, _source in role.inline_documents:
            more, why = statements_from_document(document, origin)
            statements += more
            problems += why
        arns = list(role.managed_arns)
        # standalone policies attached to this role by reference or by role name
        for pred in self.graph.predecessors(role.node):
            for edge in self.graph.get_edge_data(pred, role.node).values():
                if edge["reason"] != "attached-to":
                    continue
                other = self.entities[pred]
                if isinstance(other, Policy):
                    # a Terraform address already starts with its type: no "aws_iam_role_policy aws_iam_role_policy.x"
                    kind = other.native_type or "policy"
                    origin = other.name if other.name.startswith(kind + ".") else f"{kind} {other.name}"
                    more, why = statements_from_document(other.document, origin)
                    statements += more
                    problems += why
                elif isinstance(other, RoleAttachment):
                    arns.append(other.policy_arn)
        managed = data.managed_policies()
        for arn_value in arns:
            for leaf, branch in branches(arn_value):
                if leaf.absent and branch:
                    continue  # AWS::NoValue in one branch: no policy there
                policy = self._policy_by_arn(leaf)
                if policy is not None:
                    more, why = statements_from_document(policy.document, f"managed policy {policy.name}", branch)
                    statements += more
                    problems += why
                    continue
                arn = known_str(leaf)
                if arn is None:
                    target = self.entity(leaf)  # e.g. a Terraform data source's ARN
                    kind = getattr(target, "kind", "")
                    problems.append(Reason(f"managed policy {describe(leaf)}", cause_of(leaf) or (
                        "data-source" if kind.startswith("data:") else "after-apply" if target is not None else "other")))
                    continue
                name = arn.rsplit("/", 1)[-1]
                entry = managed.get(name)
                aws_managed = ":aws:policy/" in arn.replace("${AWS::Partition}", "aws")
                if entry is None or not aws_managed:
                    problems.append(Reason(f"managed policy {arn} (contents not known to lambdalint)",
                                           "unsupported" if aws_managed else "not-in-run"))
                    continue
                for raw in entry["statements"]:
                    statements.append(_managed_statement(raw, name, leaf, branch))
        if self._function_names:
            for stmt in statements:
                for attr in ("resources", "not_resources"):
                    patterns = getattr(stmt, attr)
                    if patterns and any("${" in p for p in patterns):
                        setattr(stmt, attr, [_FN_NAME_TOKEN.sub(lambda m: self._function_names.get(m.group(0), m.group(0)), p)
                                             for p in patterns])
        if len(statements) > MAX_ROLE_STATEMENTS:  # bounded work per function (load/limits.py)
            problems.append(Reason(f"{role.name}'s policies hold {len(statements):,} statements, more than the budget of "
                                   f"{MAX_ROLE_STATEMENTS:,}", "budget"))
            statements = []
        role.statements = statements
        role.unresolved = list(dict.fromkeys(problems))

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


def _managed_statement(raw: dict, name: str, leaf: Value, branch: tuple = ()):
    from .entities import Statement

    def as_list(key):
        value = raw.get(key)
        if value is None:
            return None
        return [value] if isinstance(value, str) else list(value)

    resources = as_list("Resource")
    not_resources = as_list("NotResource")
    return Statement(
        effect=raw.get("Effect", "Allow"), actions=as_list("Action"), not_actions=as_list("NotAction"),
        resources=resources if resources is not None or not_resources is not None else ["*"],
        not_resources=not_resources, source=leaf.source, origin=f"managed policy {name}",
        has_condition="Condition" in raw, condition_keys=condition_keys(raw.get("Condition")), branch=branch,
    )


__all__ = ["Model", "Either"]
