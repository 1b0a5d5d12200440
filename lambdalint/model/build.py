"""Building the model (the half of :class:`~lambdalint.model.graph.Model` that runs once, in
:meth:`build`): entities added, ``Fn::ImportValue`` resolved, edges linked from each entity's
``links()``, routes indexed, and every role's policy statements resolved from wherever they are
attached.  Format-neutral, like the queries in ``graph.py``.
"""
from __future__ import annotations

import re
from collections import defaultdict

from ..values import Either, Known, Reason, ResourceRef, Unknown, Value, cause_of, describe, known_str
from ..load.limits import MAX_ROLE_STATEMENTS
from .iam import branches, condition_keys, statements_from_document
from .invoked import FunctionNames
from .entities import (
    Queue, Topic,
    Entity, Function, Policy, Role, RoleAttachment, Route, RouteTable, RouteTableAssociation,
)

# Relations to a function that may name it through an alias, a version or a literal ARN/name
_INVOKES = ("triggers", "configures", "allows-invoke")
_FN_NAME_TOKEN = re.compile(r"\$\{[^}]*\.name\}")


class ModelBuilding:
    """The building methods of :class:`~lambdalint.model.graph.Model` (its base class)."""

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

    def build(self) -> "ModelBuilding":
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
