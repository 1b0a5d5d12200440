"""Resolving names in expressions: ``var.*``, ``local.*``, ``module.*``, ``data.*``, resources,
``path.*``, and the attribute/index/splat steps after them.

An attribute of another resource is what Terraform would give before apply: the value configured
on that resource when it is written there (``aws_lambda_alias.live.function_name`` is the alias's
``function_name`` argument, ``aws_sqs_queue.q.visibility_timeout_seconds`` the queue's setting),
following that value's own references any number of hops (a cycle, which Terraform rejects, ends
in a reference).  Identity attributes (``arn``, ``id``, ``name`` ...: ``resources.IDENTITY_ATTRS``)
and attributes not configured there stay ``Known(ResourceRef(...))`` so the model can draw the
edge (``aws_iam_role.r.arn``); ``data.aws_iam_policy_document.*.json`` is computed, as the policy
tree.  Values reached through a reference (a variable default, a local)
keep their inner sources but get the referring expression's source at the top, so findings point
where the value is used.  For a resource whose ``count``/``for_each`` is unknown there is one
representative instance: an index into it selects the representative, a splat over it is Unknown
(its length is not known).
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ...document import Source
from ...load.hcl import Literal, Traversal
from ...values import Absent, Either, Known, ResourceRef, Unknown, Value
from .expressions import Scope
from .policy_document import policy_tree
from .resources import follows_configuration, normalize_attr
from .tfvalues import Invalid, blocked, from_plain, located, to_number, to_str

if TYPE_CHECKING:
    from .module_tree import Module as _Module


class ReferenceResolver:
    """Mixin of the module evaluator (``evaluate._Evaluator``), which provides ``eval``,
    ``guarded`` (cycle protection), ``note_undeclared``, ``instances``/``instance_values`` of
    resources, ``module_instances`` of module calls, and the maps ``node_types``,
    ``unknown_instances`` and ``node_index`` filled while instances are made."""

    def e_traversal(self, expr: Traversal, scope, src):
        root, steps = expr.root, expr.steps
        if not isinstance(root, str):
            value = self.eval(root, scope, src)
            return located(self.apply_steps(value, steps, 0, src, scope), src)
        if root in scope.bindings:
            return located(self.apply_steps(scope.bindings[root], steps, 0, src, scope), src)
        module = scope.module
        first = steps[0][1] if steps and steps[0][0] == "attr" else None
        if root == "var":
            if first is None:
                return Invalid("var without a name", src)
            value, start = self.variable(module, first, src), 1
        elif root == "local":
            if first is None:
                return Invalid("local without a name", src)
            value, start = self.local(module, first, src), 1
        elif root == "module":
            if first is None:
                return Invalid("module without a name", src)
            return located(self.module_ref(module, first, steps, src, scope), src)
        elif root == "data":
            second = steps[1][1] if len(steps) > 1 and steps[1][0] == "attr" else None
            if first is None or second is None:
                return Invalid("data without type and name", src)
            value, start = self.resource_value(module, "data", first, second, src), 2
        elif root in ("count", "each"):
            return Invalid(f"{root}.{first} used outside count/for_each", src)
        elif root == "path":
            # absolute, so a path built from it (filename, source_dir) resolves from any module's
            # file and from any working directory; relative paths stay relative to the file
            if first == "module":
                value = Known(os.path.abspath(module.directory), src)
            elif first == "root":
                top = module
                while top.parent is not None:
                    top = top.parent
                value = Known(os.path.abspath(top.directory), src)
            else:
                value = Unknown(f"path.{first}", src)
            start = 1
        elif root in ("terraform", "self"):
            return Unknown(f"{root}.{first}" if first else root, src)
        elif first is None:
            return Invalid(f"unknown name {root}", src)
        else:
            value, start = self.resource_value(module, "resource", root, first, src), 1
        return located(self.apply_steps(value, steps, start, src, scope), src)

    def apply_steps(self, value: Value, steps, start, src, scope=None) -> Value:
        i = start
        while i < len(steps):
            step = steps[i]
            if isinstance(value, Either):
                rest = steps[i:]
                return Either(value.condition, tuple(self.apply_steps(v, rest, 0, src, scope) for v in value.options), src)
            if not isinstance(value, Known):
                if isinstance(value, Absent):
                    return Invalid("attribute of an unset value", src)
                return value
            kind = step[0]
            i += 1
            if kind == "splat":
                value = self.splat(value, steps[i:i + step[1]], src, scope)
                i += step[1]
            elif kind == "attr":
                value = self.get_attr(value, step[1], src)
            else:
                index = self.eval(step[1], scope, src) if scope is not None or isinstance(step[1], Literal) \
                    else None
                value = self.get_index(value, index, src)
        return value

    def get_attr(self, value: Known, name, src) -> Value:
        raw = value.value
        if isinstance(raw, dict):
            item = raw.get(name)
            return item if item is not None else Invalid(f"no attribute {name!r}", src)
        if isinstance(raw, ResourceRef):
            if raw.attr == "self":
                rtype = self.node_types.get(raw.node, "")
                if rtype == "aws_iam_policy_document" and name in ("json", "minified_json"):
                    return self.policy_document(raw.node, src)
                if follows_configuration(rtype, name):
                    configured = self.configured(raw.node, name, src)
                    if configured is not None:
                        return configured
                return Known(ResourceRef(raw.node, normalize_attr(rtype, name), raw.name), src)
            return Known(ResourceRef(raw.node, f"{raw.attr}.{name}", raw.name), src)
        if raw is None:
            return Invalid(f"attribute {name!r} of null", src)
        return Invalid(f"attribute {name!r} of a {type(raw).__name__}", src)

    def get_index(self, value: Known, index: Value | None, src) -> Value:
        raw = value.value
        if isinstance(raw, ResourceRef):
            if raw.attr == "self" and raw.node in self.unknown_instances:
                return value  # any instance of an unknown count: the representative
            if raw.attr == "self":
                return Invalid(f"{raw.name} has no count or for_each", src)
            if index is not None and isinstance(index, Known):
                return Known(ResourceRef(raw.node, f"{raw.attr}.{index.value}", raw.name), src)
            return Known(ResourceRef(raw.node, raw.attr, raw.name), src)
        if index is None or not isinstance(index, Known):
            if index is not None and isinstance(index, Unknown):
                return blocked(index, "index", src)
            return Unknown("index known only after apply", src, cause="after-apply")
        key = index.value
        if isinstance(raw, list):
            number = to_number(key)
            if number is None or number != int(number) or not 0 <= int(number) < len(raw):
                return Invalid(f"index {key!r} out of range", src)
            return raw[int(number)]
        if isinstance(raw, dict):
            text = to_str(key)
            item = raw.get(text) if text is not None else None
            return item if item is not None else Invalid(f"no key {key!r}", src)
        return Invalid(f"index into a {type(raw).__name__}", src)

    def splat(self, value: Known, rest, src, scope=None) -> Value:
        raw = value.value
        if isinstance(raw, ResourceRef) and raw.attr == "self" and raw.node in self.unknown_instances:
            return Unknown(f"{raw.name.removesuffix('[*]')}[*] ({self.unknown_instances[raw.node]})", src)
        if raw is None:
            return Known([], src)
        items = raw if isinstance(raw, list) else [value]
        return Known([self.apply_steps(item, rest, 0, src, scope) for item in items], src)

    def variable(self, module: _Module, name, src) -> Value:
        cache = module.cache
        key = ("var", name)
        if key in cache:
            return cache[key]
        value, cycle = self.guarded((id(module), key), lambda: self._variable(module, name, src), "cycle")
        if cycle:
            return Unknown(f"var.{name} (reference cycle)", src)
        cache[key] = value
        return value

    def _variable(self, module: _Module, name, src) -> Value:
        decl = module.variables.get(name)
        given = module.inputs.get(name)
        if decl is None:
            self.note_undeclared("variable", f"var.{name}", src)
            return Unknown(f"reference to undeclared variable var.{name}", src, cause="undeclared")
        block, doc = decl
        vsrc = Source(doc, block.path)
        if given is not None:
            if given[0] == "plain":
                return from_plain(given[1], vsrc)
            if given[0] == "expr":
                _, expr, gdoc = given
                return self.eval(expr, Scope(module, {}), Source(gdoc, gdoc.data.path + (name,)))
            _, expr, gdoc, path, pscope = given
            return self.eval(expr, pscope, Source(gdoc, path))
        default = block.attrs.get("default")
        if default is None:
            return Unknown(f"var.{name} (variable without default)", vsrc, cause="parameter")
        value = self.eval(default, Scope(module, {}), Source(doc, block.path + ("default",)))
        if module.reusable and isinstance(value, Known) and value.value is None:
            # optional input of a module its callers configure: their value, not null
            return Unknown(f"var.{name} (module input, null by default: set by the module's caller)", vsrc,
                           cause="parameter", nullable=True)
        return value

    def local(self, module: _Module, name, src) -> Value:
        cache = module.cache
        key = ("local", name)
        if key in cache:
            return cache[key]
        decl = module.locals.get(name)
        if decl is None:
            if src is not None:
                self.note_undeclared("local", f"local.{name}", src)
            return Unknown(f"reference to undeclared local value local.{name}", src, cause="undeclared")
        block, doc = decl
        value, cycle = self.guarded((id(module), key), lambda: self.eval(
            block.attrs[name], Scope(module, {}), Source(doc, block.path + (name,))), "cycle")
        if cycle:
            return Unknown(f"local.{name} (reference cycle)", src)
        cache[key] = value
        return value

    def resource_value(self, module: _Module, kind, rtype, name, src) -> Value:
        decl = module.resources.get((kind, rtype, name))
        address = f"{'data.' if kind == 'data' else ''}{rtype}.{name}"
        if decl is None:
            self.note_undeclared("data" if kind == "data" else "resource", module.prefix + address, src)
            what = "data source" if kind == "data" else "resource"
            return Unknown(f"reference to undeclared {what} {module.prefix}{address}", src, cause="undeclared")
        insts = self.instances(module, decl)
        block = decl.block
        if "count" not in block.attrs and "for_each" not in block.attrs:
            inst = insts[0]
            return Known(ResourceRef(inst.node, "self", inst.address), src)
        if len(insts) == 1 and insts[0].node in self.unknown_instances:
            inst = insts[0]
            return Known(ResourceRef(inst.node, "self", inst.address), src)
        refs = [Known(ResourceRef(i.node, "self", i.address), src) for i in insts]
        if "count" in block.attrs:
            return Known(refs, src)
        return Known({str(i.key): r for i, r in zip(insts, refs)}, src)

    def module_ref(self, module: _Module, name, steps, src, scope) -> Value:
        call = module.modules.get(name)
        if call is None:
            self.note_undeclared("module", f"{module.prefix}module.{name}", src)
            return Unknown(f"reference to undeclared module {module.prefix}module.{name}", src, cause="undeclared")
        instances = self.module_instances(module, call)
        rest = steps[1:]
        if call.unreadable is not None:
            output = rest[0][1] if rest and rest[0][0] == "attr" else (
                rest[1][1] if len(rest) > 1 and rest[1][0] == "attr" else None)
            what = f"module.{name} output {output}" if output else f"module.{name}"
            return Unknown(f"{what} ({call.unreadable})", src, cause="module")
        if not instances:
            return Unknown(f"module.{name} (reference cycle)", src)
        expanded = "count" in call.block.attrs or "for_each" in call.block.attrs
        if call.unknown_keys is not None:  # any instance is the representative; all of them: unknown
            child = instances[0][1]
            if rest and rest[0][0] == "index":
                rest = rest[1:]
            elif rest and rest[0][0] == "splat":
                return Unknown(f"module.{name}[*] ({call.unknown_keys})", src)
            else:
                return Unknown(f"module.{name} ({call.unknown_keys})", src)
            expanded = False
        if not expanded:
            child = instances[0][1]
            if rest and rest[0][0] == "attr":
                return self.apply_steps(self.output(child, rest[0][1], src), rest, 1, src, scope)
            return self.apply_steps(self.all_outputs(child, src), rest, 0, src, scope)
        if rest and rest[0][0] == "index":
            wanted = self.eval(rest[0][1], scope, src)
            if not isinstance(wanted, Known):
                return blocked(wanted, f"module.{name}[...]", src)
            want = wanted.value
            for key, child in instances:
                if key == want or to_str(key) == to_str(want):
                    if len(rest) > 1 and rest[1][0] == "attr":
                        return self.apply_steps(self.output(child, rest[1][1], src), rest, 2, src, scope)
                    return self.apply_steps(self.all_outputs(child, src), rest, 1, src, scope)
            return Invalid(f"module.{name}[{want!r}] does not exist", src)
        objects = [(key, self.all_outputs(child, src)) for key, child in instances]
        if "count" in call.block.attrs:
            whole = Known([v for _, v in objects], src)
        else:
            whole = Known({str(k): v for k, v in objects}, src)
        return self.apply_steps(whole, rest, 0, src, scope)

    def output(self, child: _Module, name, src) -> Value:
        key = ("output", name)
        if key in child.cache:
            return child.cache[key]
        decl = child.outputs.get(name)
        if decl is None or "value" not in decl[0].attrs:
            if src is not None:
                return Invalid(f"module {child.prefix.rstrip('.')} has no output {name}", src)
            return Unknown(f"no output {name}")
        block, doc = decl
        value, cycle = self.guarded((id(child), key), lambda: self.eval(
            block.attrs["value"], Scope(child, {}), Source(doc, block.path + ("value",))), "cycle")
        if cycle:
            return Unknown(f"{child.prefix}{name} (reference cycle)", src)
        child.cache[key] = value
        return value

    def all_outputs(self, child: _Module, src) -> Value:
        return Known({name: self.output(child, name, src) for name in child.outputs}, src)

    def configured(self, node, name, src) -> Value | None:
        """The value written for attribute ``name`` on the resource instance ``node`` (its own
        references followed the same way, any number of hops), or None when it is not written
        there (computed by the provider, or a default) or is being computed (a reference cycle,
        which Terraform rejects): the caller keeps the reference."""
        found = self.node_index.get(node)
        if found is None:
            return None
        module, inst = found
        if inst.values is None and ("values", node) in self.active:
            return None
        value = self.instance_values(module, inst).get(name)
        return None if value is None else located(value, src)

    # -- aws_iam_policy_document
    def policy_document(self, node, src) -> Value:
        found = self.node_index.get(node)
        if found is None:
            return Unknown("policy document", src)
        module, inst = found
        key = ("policy", node)
        if key in module.cache:
            return module.cache[key]
        values = self.instance_values(module, inst)
        value, cycle = self.guarded(key, lambda: policy_tree(values, Source(inst.decl.doc, inst.decl.block.path)), "cycle")
        if cycle:
            return Unknown(f"{inst.address}.json (reference cycle)", src)
        module.cache[key] = value
        return value
