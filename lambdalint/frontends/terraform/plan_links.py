"""The plan reader's second half: the ``configuration`` section's ``references`` put into the
planned values (``plan.py`` reads the values).  Ids of resources created by the same plan are
unknown, so the graph edges (function -> role, subnet -> route table) come from here; a known
planned value is matched to the referenced resource's attribute of that value; a reference to a
non-identity attribute configured by references of its own (``aws_lambda_alias.live.
function_name``) is followed to what those name, as in HCL.
"""
from __future__ import annotations

import json
import re
from typing import Any

from ...values import Known, ResourceRef, Unknown, Value
from .resources import TfResource, follows_configuration, node_id, normalize_attr

AFTER_APPLY = "known after apply"

# Attributes holding an IAM policy document as a JSON string (jsonencode(...) or a heredoc).
_POLICY_ATTRS = frozenset({"policy", "assume_role_policy"})

# One step of a reference: ".name" or "[0]" / ["key"].
_STEP = re.compile(r'\.([A-Za-z_][\w-]*)|\[(\d+|"(?:[^"\\]|\\.)*")\]')
_HEAD = re.compile(r"[A-Za-z_][\w-]*")
_INDEX = re.compile(r'\[(?:\d+|"(?:[^"\\]|\\.)*")\]')
# References followed through the configuration of the resources they name (an alias's function_name).
_MAX_HOPS = 8
# Reference roots that are never resources.
_NOT_RESOURCES = frozenset({"var", "local", "count", "each", "path", "terraform", "self"})


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def index_suffix(index: Any) -> str:
    """``[0]`` / ``["key"]`` as Terraform writes instance keys in addresses."""
    if index is None:
        return ""
    if isinstance(index, int) and not isinstance(index, bool):
        return f"[{index}]"
    return "[" + json.dumps(str(index)) + "]"


class _Key(str):
    """A string index (``each["a"]``) in a parsed reference, told apart from attribute names."""


def _is_name(step) -> bool:
    return isinstance(step, str) and not isinstance(step, _Key)


def _parse_ref(text: str) -> list | None:
    """``aws_subnet.a[0].id`` -> ["aws_subnet", "a", 0, "id"] (string keys become _Key)."""
    head = _HEAD.match(text)
    if not head:
        return None
    steps: list = [head.group(0)]
    pos = head.end()
    while pos < len(text):
        step = _STEP.match(text, pos)
        if not step:
            break  # something we do not model (e.g. a splat): keep what we have
        if step.group(1) is not None:
            steps.append(step.group(1))
        else:
            raw = step.group(2)
            steps.append(int(raw) if raw.isdigit() else _Key(json.loads(raw)))
        pos = step.end()
    return steps


class ConfigurationLinks:
    """Mixin of ``plan._PlanReader``, which provides ``config_resources``, ``config_modules``,
    ``instances``, ``module_instances``, ``by_address`` and ``doc``."""

    # -- references from configuration --------------------------------------------------------

    def _link(self, resource: TfResource) -> None:
        module = resource.extra["module"]
        static = _INDEX.sub("", module + ".") if module else ""
        relative = resource.extra["base"][len(module) + 1 if module else 0:]
        config = self.config_resources.get((static, relative))
        if config is not None:
            # attributes written in the configuration: an Optional+Computed one that is not is
            # "known after apply" only because the provider reads it back (mapping.py decides)
            resource.extra["configured"] = _dict(config.get("expressions"))
            self._link_block(resource, _dict(config.get("expressions")), Known(resource.values), (),
                             module + "." if module else "")

    def _link_block(self, resource: TfResource, expressions: dict, block: Value, at: tuple, prefix: str):
        if not isinstance(block, Known) or not isinstance(block.value, dict):
            return
        for name, expr in expressions.items():
            current = block.value.get(name)
            if isinstance(expr, list):  # nested blocks: list of attribute -> expression maps
                blocks = current.value if isinstance(current, Known) and isinstance(current.value, list) else []
                for i, sub in enumerate(expr):
                    if i < len(blocks) and isinstance(sub, dict):
                        self._link_block(resource, sub, blocks[i], at + (name, i), prefix)
            elif isinstance(expr, dict) and "references" in expr:
                targets = self._targets(_list(expr["references"]), prefix, resource.count_index,
                                        _implied_attr(name))
                if name in _POLICY_ATTRS:  # jsonencode({... aws_sqs_queue.q.arn}) is not that ARN
                    targets = [t for t in targets if t.attr in ("json", "minified_json")]
                if targets:
                    linked = self._apply(resource, targets, current, at + (name,),
                                         _only_resources(_list(expr["references"])))
                    if linked is not None:
                        block.value[name] = linked
            elif isinstance(expr, dict) and current is not None and not ("constant_value" in expr):
                # a single nested block written as an object
                self._link_block(resource, expr, current, at + (name,), prefix)

    def _targets(self, refs: list, prefix: str, self_index: Any, implied: str = "id",
                 depth: int = 0) -> list[ResourceRef]:
        """References (as the plan lists them, relative to module ``prefix``) -> ResourceRefs to
        resource instances, in order, one per instance.  ``implied`` is the attribute assumed when
        Terraform cut the reference at the resource (``aws_sqs_queue.q[each.key].arn`` is listed
        as ``aws_sqs_queue.q``)."""
        per_base: dict[tuple, str | None] = {}  # (base address, index or None) -> attribute
        follows_index = any(isinstance(r, str) and r.split(".")[0] in ("count", "each") for r in refs)
        out: list[ResourceRef] = []
        for ref in refs:
            steps = _parse_ref(ref) if isinstance(ref, str) else None
            if not steps or steps[0] in _NOT_RESOURCES:
                continue
            if steps[0] == "module":
                if depth < 8:
                    out.extend(self._module_output(steps, prefix, self_index, implied, depth))
                continue
            head = 3 if steps[0] == "data" else 2
            if len(steps) < head or not all(_is_name(s) for s in steps[:head]):
                continue
            base = prefix + ".".join(steps[:head])
            rest = steps[head:]
            index = rest.pop(0) if rest and not _is_name(rest[0]) else None
            attr = rest[0] if rest and _is_name(rest[0]) else None
            if attr is not None and len(rest) > 1 and not _is_name(rest[1]):
                attr = f"{attr}.{rest[1]}"  # data.aws_availability_zones.a.names[1]: "names.1", as in HCL
            key = (base, index)
            if per_base.get(key) is None:
                per_base[key] = attr
        # Terraform lists every prefix of a reference: aws_sqs_queue.q[1].arn also gives
        # aws_sqs_queue.q[1] and aws_sqs_queue.q; the bare prefix is not a use of every instance.
        indexed = {base for base, index in per_base if index is not None}
        for (base, index), attr in per_base.items():
            if index is None and base in indexed:
                continue
            instances = self.instances.get(base)
            if not instances:
                continue
            if index is not None:
                chosen = [instances[index]] if index in instances else []
            elif follows_index and self_index is not None and self_index in instances:
                chosen = [instances[self_index]]  # aws_subnet.a[count.index]
            else:
                chosen = list(instances.values())  # whole resource or splat: every instance
            type_ = base.rsplit(".", 2)[-2]
            for address in chosen:
                out.extend(self._through(ResourceRef(node_id(self.doc.path, address),
                                                     normalize_attr(type_, attr or implied), address), depth))
        return out

    def _through(self, ref: ResourceRef, depth: int) -> list[ResourceRef]:
        """A reference to an attribute configured on its resource by references of its own
        (``aws_lambda_alias.live.function_name`` -> ``aws_lambda_function.f.function_name``):
        the resources those name, any number of hops (bounded; Terraform rejects cycles)."""
        target = self.by_address.get(ref.name)
        if target is None or depth >= _MAX_HOPS or not follows_configuration(target.type, ref.attr):
            return [ref]
        module = target.extra["module"]
        static = _INDEX.sub("", module + ".") if module else ""
        config = self.config_resources.get((static, target.extra["base"][len(module) + 1 if module else 0:]))
        expression = _dict(_dict(_dict(config).get("expressions")).get(ref.attr))
        refs = _list(expression.get("references"))
        if not refs:
            return [ref]
        found = self._targets(refs, module + "." if module else "", target.count_index, _implied_attr(ref.attr),
                              depth + 1)
        return found or [ref]

    def _module_output(self, steps: list, prefix: str, self_index: Any, implied: str,
                       depth: int) -> list[ResourceRef]:
        """``module.x.out`` -> the resources that output references, inside that module."""
        name, rest = steps[1], steps[2:]
        key = rest.pop(0) if rest and not _is_name(rest[0]) else None  # module.x[0].out
        if not _is_name(name) or not rest or not _is_name(rest[0]):
            return []  # the whole module object: we cannot tell which output is used
        output = rest[0]
        child_static = _INDEX.sub("", prefix) + f"module.{steps[1]}."
        expression = _dict(_dict(_dict(self.config_modules.get(child_static, {}).get("outputs")).get(output))
                           .get("expression"))
        refs = _list(expression.get("references"))
        if key is not None:
            instances = [f"{prefix}module.{name}{index_suffix(key)}"]
        else:  # every instance of a counted module, but only below our own module instance
            instances = [m for m in self.module_instances.get(child_static[:-1], [])
                         if m.startswith(prefix) and _INDEX.sub("", m[len(prefix):]) == f"module.{name}"]
        out = []
        for instance in instances:
            out.extend(self._targets(refs, instance + ".", self_index, implied, depth + 1))
        return out

    def _apply(self, resource: TfResource, refs: list[ResourceRef], current: Value | None,
               at: tuple, only_resources: bool = False) -> Value | None:
        """The attribute value with references put in, or None to leave it as it is."""
        source = current.source if current is not None and current.source else \
            resource.source.child("values", *at)
        if isinstance(current, Known) and current.value == "" and only_resources and \
                len({r.name for r in refs}) == 1:
            # planned "" for an expression that names one resource and no variable or local
            # (no condition can have chosen ""): a plan with the referenced value blanked out
            # (terraform-compliance's sanitized plans show role = "" for role = aws_iam_role.r.arn);
            # the configuration says what it is
            return Known(refs[0], source)
        if isinstance(current, Known) and isinstance(current.value, list) and \
                any(isinstance(item, Known) and isinstance(item.value, dict) for item in current.value):
            return self._fill(current, refs)
        if isinstance(current, Known) and isinstance(current.value, list):
            # Known ids that equal an attribute of a referenced resource; unknown items get the
            # remaining references in order when the counts match.
            items = list(current.value)
            left = list(refs)
            for i, item in enumerate(items):
                match = self._match(item, left)
                if match is not None:
                    used, found = match
                    items[i] = Known(found, item.source)
                    left.remove(used)
            holes = [i for i, item in enumerate(items) if isinstance(item, Unknown)]
            if holes and len(holes) == len(left):
                for i, ref in zip(holes, left):
                    items[i] = Known(ref, items[i].source)
            return Known(items, current.source)
        if isinstance(current, Known):
            match = self._match(current, refs)
            return Known(match[1], current.source) if match is not None else None
        if isinstance(current, Unknown) and current.reason == AFTER_APPLY:
            shape = self._shape(resource, at)
            if shape == "list":
                return Known([Known(ref, source) for ref in refs], source)
            if shape == "scalar" and len(refs) == 1:
                return Known(refs[0], source)
        return None

    def _fill(self, current: Known, refs: list[ResourceRef]) -> Value | None:
        """One expression for a whole structure (``route = [{gateway_id = aws_internet_gateway.
        igw.id, ...}]``): give each unknown leaf the references whose type its name names
        (``nat_gateway_id`` -> ``aws_nat_gateway``), when that is unambiguous."""
        leaves: list[tuple[Any, Any, str]] = []  # (container, key in it, attribute name)

        def collect(value: Value, name: str) -> None:
            if not isinstance(value, Known):
                return
            pairs = value.value.items() if isinstance(value.value, dict) else \
                enumerate(value.value) if isinstance(value.value, list) else ()
            for key, item in pairs:
                label = key if isinstance(key, str) else name
                if isinstance(item, Unknown) and item.reason == AFTER_APPLY:
                    leaves.append((value.value, key, label))
                else:
                    collect(item, label)

        collect(current, "")
        if not leaves:
            return None
        single = len({r.name for r in refs}) == 1
        options = []
        for _, _, name in leaves:
            stem = "_" + re.sub(r"_(ids?|arns?|names?)$", "", name)
            fits = [r for r in refs if ("_" + self._type_of(r)[4:]).endswith(stem)]
            options.append(fits or (refs if len(leaves) == 1 and single else []))
        # A reference that is the only option of one leaf is not also given to another leaf.
        claimed = {id(o[0]) for o in options if len(o) == 1}
        for (container, key, name), choice in zip(leaves, options):
            if len(choice) > 1:
                choice = [r for r in choice if id(r) not in claimed]
            source = container[key].source
            if name.endswith(("_ids", "_arns")) and not isinstance(container, list):
                if choice:
                    container[key] = Known([Known(r, source) for r in choice], source)
            elif len({r.name for r in choice}) == 1:
                container[key] = Known(choice[0], source)
        return current

    def _type_of(self, ref: ResourceRef) -> str:
        target = self.by_address.get(ref.name)
        return target.type if target is not None else ""

    def _match(self, item: Value, refs: list[ResourceRef]) -> tuple[ResourceRef, ResourceRef] | None:
        """(the reference of ``refs`` used, the reference to the attribute of its target that has
        this known value), for a known id or name written through a reference.  The attribute
        the reference names wins; else the first attribute with that value.  The two differ when
        Terraform cut the reference at the resource (0.12 plans list ``aws_vpc.v`` for
        ``aws_vpc.v.cidr_block``) or another attribute has the same value (a description equal
        to the name)."""
        if not isinstance(item, Known) or not isinstance(item.value, str) or not item.value:
            return None
        for ref in refs:
            target = self.by_address.get(ref.name)
            if target is None:
                continue
            equal = [attr for attr, value in target.values.items()
                     if isinstance(value, Known) and value.value == item.value]
            if equal:
                named = [attr for attr in equal if normalize_attr(target.type, attr) == ref.attr]
                attr = (named or equal)[0]
                found = self._through(ResourceRef(ref.node, normalize_attr(target.type, attr), ref.name), 0)
                return ref, found[0] if len(found) == 1 else ResourceRef(ref.node, normalize_attr(target.type, attr), ref.name)
        return None

    @staticmethod
    def _shape(resource: TfResource, at: tuple) -> str:
        """list / map / scalar for an unknown value, from sensitive_values, which mirrors the
        value's structure ([] for lists and sets, {} for maps) even where the value is unknown."""
        node: Any = resource.extra["shape"]
        for step in at:
            if isinstance(node, dict) and isinstance(step, str):
                node = node.get(step)
            elif isinstance(node, list) and isinstance(step, int) and step < len(node):
                node = node[step]
            else:
                node = None
                break
        if isinstance(node, list):
            return "list"
        if isinstance(node, dict):
            return "map"
        if resource.extra["shape"] is None:
            # Old plans carry no sensitive_values: fall back on the naming convention.
            name = next((s for s in reversed(at) if isinstance(s, str)), "")
            return "list" if name.endswith(("_ids", "_arns", "s")) and not name.endswith("ss") else "scalar"
        return "scalar"


def _only_resources(refs: list) -> bool:
    """Whether an expression's references name resources (and instance keys) only: no variable,
    local or module output, which could hold a condition."""
    roots = {ref.split(".", 1)[0].split("[", 1)[0] for ref in refs if isinstance(ref, str)}
    return bool(roots) and not roots & {"var", "local", "module", "path", "terraform", "self"}


def _implied_attr(name: str) -> str:
    """The attribute a reference most likely takes, judging by the attribute it is assigned to."""
    for suffix, attr in (("arn", "arn"), ("arns", "arn"), ("name", "name"), ("url", "url")):
        if name == suffix or name.endswith("_" + suffix):
            return attr
    return "id"
