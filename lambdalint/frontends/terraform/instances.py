"""Instances of Terraform resources and data sources: ``count``/``for_each`` expanded into keys
(against the instance budgets of limits.py), ``count.index``/``each.*`` bound, and the values of
one instance read (assuming the branch of a conditional count that made it exist).  A
``count``/``for_each`` empty only because of variable defaults (which a caller, ``-var`` or a
``.tfvars`` file may override, like a CloudFormation parameter default) gives one instance
``[*]`` whose attributes reading those variables are unknown (``defaults.py``).  A mixin of
the module evaluator (``evaluate._Evaluator``), which provides ``eval``, ``guarded`` and ``body``.
"""
from __future__ import annotations

from ...document import Source
from ...load.hcl import Block
from ...values import Absent, Either, Known, ResourceRef, Unknown, Value
from .defaults import defaults_read
from .expressions import Scope
from .limits import MAX_INSTANCES, MAX_TOTAL_INSTANCES
from .module_tree import Decl as _Decl, Instance as _Instance, Module as _Module
from .module_tree import key_text as _key_text
from .resources import node_id
from .tfvalues import located, to_number, to_str


class InstanceExpansion:
    """count/for_each -> instances, and each instance's values."""

    # -- instances of resources and data sources
    def instances(self, module: _Module, decl: _Decl) -> list[_Instance]:
        if decl.instances is not None:
            return decl.instances
        result, cycle = self.guarded(("count", id(decl)), lambda: self._instances(module, decl), "cycle")
        if cycle:
            result = self._instances(module, decl, Unknown("count/for_each refers to itself"))
        decl.instances = result
        return result

    def _instances(self, module, decl, forced=None) -> list[_Instance]:
        out = self._make_instances(module, decl, forced)
        for inst in out:
            self.node_index[inst.node] = (module, inst)
        return out

    def _make_instances(self, module, decl, forced=None) -> list[_Instance]:
        block = decl.block
        base = f"{module.prefix}{'data.' if decl.mode == 'data' else ''}{decl.type}.{decl.name}"
        scope = Scope(module, {})
        keys, extra = self.expansion(block, scope, decl.doc, forced)
        out = []
        if keys is None:
            node = node_id(self.container, base)
            self.node_types[node] = decl.type
            out.append(_Instance(decl, base, node, None, {}, extra))
        elif isinstance(keys, Unknown):
            address = base + "[*]"
            node = node_id(self.container, address)
            self.node_types[node] = decl.type
            self.unknown_instances[node] = keys.reason
            extra = dict(extra, instances_unknown=keys.reason)
            bindings = self.expansion_bindings(block, None, None, keys)
            out.append(_Instance(decl, address, node, None, bindings, extra))
        else:
            for key, value in keys:
                address = f"{base}[{_key_text(key)}]"
                node = node_id(self.container, address)
                self.node_types[node] = decl.type
                out.append(_Instance(decl, address, node, key, self.expansion_bindings(block, key, value, None),
                                     extra))
        return out

    def expansion(self, block: Block, scope, doc, forced=None):
        """Instance keys from count/for_each: None (single), Unknown, or [(key, each.value)]."""
        extra: dict = {}
        if "count" in block.attrs:
            kind = "count"
        elif "for_each" in block.attrs:
            kind = "for_each"
        else:
            return None, extra
        if forced is not None:
            return forced, extra
        value = self.eval(block.attrs[kind], scope, Source(doc, block.path + (kind,)))
        if isinstance(value, Either):
            extra["condition"] = value.condition
            options = [self._expand_one(kind, v) for v in value.leaves()]
            known = [o for o in options if not isinstance(o, Unknown)]
            if not known:
                return options[0], extra
            best = max(known, key=len)
            if len(value.options) == 2 and not any(isinstance(o, Either) for o in value.options):
                # Values of this instance may test the same condition: they are read assuming
                # the branch that made the instance exist.
                extra["condition_branch"] = options.index(best)
            return self._count_instances(kind, best), extra
        keys = self._expand_one(kind, value)
        if keys == []:
            # empty with variable defaults only: a caller or -var may set them, so the resource
            # may exist (as a CloudFormation Condition on a parameter default stays undecided)
            names = defaults_read(scope.module, block.attrs[kind])
            if names:
                keys = Unknown(f"{kind} is empty with the default of {', '.join('var.' + n for n in names)}, "
                               f"which a caller, -var or a .tfvars file may override", cause="parameter")
                extra["defaults_overridden"] = tuple(names)
        return self._count_instances(kind, keys), extra

    def _count_instances(self, kind, keys):
        """``keys``, counted against the budget of instances for the whole configuration; past
        it, Unknown (one representative instance) naming the budget."""
        if not isinstance(keys, list):
            return keys
        self.largest_expansion = max(self.largest_expansion, len(keys))
        if self.instance_total + len(keys) > MAX_TOTAL_INSTANCES:
            return Unknown(f"{kind} expands past the budget of {MAX_TOTAL_INSTANCES:,} instances "
                           "in this configuration (all modules together)", cause="budget")
        self.instance_total += len(keys)
        return keys

    def _expand_one(self, kind, value):
        if isinstance(value, Absent) or (isinstance(value, Known) and value.value is None):
            return []
        if not isinstance(value, Known):
            return Unknown(f"{kind} = {value.reason}" if isinstance(value, Unknown) else kind)
        raw = value.value
        if kind == "count":
            number = to_number(raw)
            if number is None or (isinstance(number, float) and not number.is_integer()):
                return Unknown(f"count = {raw!r} (not a whole number)")
            number = int(number)
            if number > MAX_INSTANCES:
                return Unknown(f"count expands to more than {MAX_INSTANCES:,} instances (the budget)", cause="budget")
            return [(i, None) for i in range(max(0, number))]
        if isinstance(raw, dict):
            if len(raw) > MAX_INSTANCES:
                return Unknown(f"for_each expands to more than {MAX_INSTANCES:,} instances (the budget)", cause="budget")
            return [(k, raw[k]) for k in sorted(raw)]
        if isinstance(raw, list):
            keys = {}
            for item in raw:
                text = to_str(item.value) if isinstance(item, Known) else None
                if text is None or isinstance(item.value, ResourceRef):
                    return Unknown("for_each set element " + (item.reason if isinstance(item, Unknown)
                                                              else "known only after apply"))
                keys[text] = item
            if len(keys) > MAX_INSTANCES:
                return Unknown(f"for_each expands to more than {MAX_INSTANCES:,} instances (the budget)", cause="budget")
            return [(k, keys[k]) for k in sorted(keys)]
        return Unknown(f"for_each = {raw!r} (not a map or set)")

    def expansion_bindings(self, block, key, value, unknown):
        if "count" in block.attrs:
            index = Known(key) if unknown is None else Unknown(f"count.index ({unknown.reason})", cause=unknown.cause)
            return {"count": Known({"index": index})}
        if "for_each" in block.attrs:
            if unknown is not None:  # the same cause: past the instance budget, each.key is a budget unknown
                key_, value_ = (Unknown(f"each.{n} ({unknown.reason})", cause=unknown.cause) for n in ("key", "value"))
                return {"each": Known({"key": key_, "value": value_})}
            return {"each": Known({"key": Known(key), "value": value if value is not None else Known(key)})}
        return {}

    def instance_values(self, module, inst: _Instance) -> dict:
        if inst.values is not None:
            return inst.values
        decl = inst.decl
        values, cycle = self.guarded(("values", inst.node),
                                     lambda: self.body(decl.block, Scope(module, inst.bindings), decl.doc, True),
                                     "cycle")
        if cycle:
            return {}
        overridden = inst.extra.get("defaults_overridden")
        if overridden:  # the instance exists only with other values of these variables
            values = _without_defaults(module, decl.block, decl.doc, values, overridden)
        branch = inst.extra.get("condition_branch")
        if branch is not None:
            cond = inst.extra["condition"]
            values = {k: _assume(v, cond, branch) for k, v in values.items()}
        inst.values = values
        return values


def _without_defaults(module, block, doc, values: dict, names: tuple) -> dict:
    """``values`` of an instance that exists only when the variables ``names`` are not their
    defaults: an attribute (or nested block) that reads one of them is Unknown, not the value the
    default would give."""
    wanted = set(names)
    out = dict(values)
    for name, expr in block.attrs.items():
        if name in out and wanted.intersection(defaults_read(module, expr)):
            out[name] = _overridden(name, names, Source(doc, block.path + (name,)))
    for child in block.blocks:
        name = child.labels[0] if child.type == "dynamic" and child.labels else child.type
        if name in out and wanted.intersection(defaults_read(module, _expressions(child))):
            out[name] = _overridden(name, names, Source(doc, child.path))
    return out


def _overridden(name: str, names: tuple, src) -> Unknown:
    return Unknown(f"{', '.join('var.' + n for n in names)} (not its default, which leaves the resource out)",
                   src, cause="parameter")


def _expressions(block) -> list:
    found = list(block.attrs.values())
    for child in block.blocks:
        found.extend(_expressions(child))
    return found


def _assume(value: Value, cond: str, branch: int) -> Value:
    """``value`` with every conditional on ``cond`` resolved to ``branch`` (0 = true)."""
    if isinstance(value, Either):
        if value.condition == cond:
            return located(_assume(value.options[branch], cond, branch), value.source)
        return Either(value.condition, tuple(_assume(o, cond, branch) for o in value.options), value.source)
    if isinstance(value, Known):
        raw = value.value
        if isinstance(raw, list):
            return Known([_assume(v, cond, branch) for v in raw], value.source)
        if isinstance(raw, dict):
            return Known({k: _assume(v, cond, branch) for k, v in raw.items()}, value.source)
    return value
