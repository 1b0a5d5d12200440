"""Evaluate a Terraform module directory (HCL and/or JSON) into :class:`TfResource` instances.

Only what Terraform itself knows before talking to a provider is resolved: variables (parameters,
``*.tfvars``, defaults), locals, literal functions, ``count``/``for_each`` over known values,
local child modules, ``aws_iam_policy_document``.  Attributes of other resources are never
looked up: a reference becomes ``Known(ResourceRef(...))`` so the model can draw the edge, and
anything else that cannot be known becomes ``Unknown`` with the user's own notation as reason.

Design notes:
* Every ``Value`` produced for an expression carries ``Source(doc, path)`` of that expression;
  values reached through a reference (a variable default, a local) keep their inner sources but
  get the referring expression's source at the top, so findings point where the value is used.
* ``_Invalid`` (an ``Unknown``) marks what Terraform would reject (missing key, bad index): it
  lets ``try``/``can`` fall back, exactly where Terraform would.
* Unknown ``count``/``for_each``: one representative instance addressed ``type.name[*]``;
  ``count.index``/``each.*`` are Unknown there, an index into it selects the representative, and
  a splat over it is Unknown (its length is not known).  A count/for_each that is a conditional
  with an unknown condition uses its largest branch (worst case) and records the condition in
  ``TfResource.extra["condition"]``.
* Everything is lazy with cycle protection (locals, counts, module outputs, policy documents);
  nothing raises on weird input: errors become ``Unknown``.

What stays ``Unknown`` (reason in brackets): variables without default or value (``var.x
(variable without default)``); outputs of modules whose source is not a local directory or
cannot be read; file/hash/time functions (``file(...)``, ``templatefile(...)``, ``sha256(...)``)
and any function not implemented here (``cidrsubnet(...)``); string operations on values known
only after apply (``lower(aws_s3_bucket.b.id)``); a splat over an unknown count/for_each;
``path.cwd``, ``terraform.workspace``, ``self``.  Not modelled: ``*_override.tf`` merging (the
first declaration wins), ``optional()`` defaults of object variable types, type conversion of
variable values (``"30"`` stays a string).
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from typing import Any, Callable

from ...document import Document, ParseError, Source
from ...load.hcl import (Block, Call, Conditional, ForExpr, Literal, ObjectExpr, Template, TemplateFor,
                         TemplateIf, Traversal, TupleExpr, BinOp, UnOp, load_hcl)
from ...values import Absent, Either, Known, ResourceRef, Unknown, Value
from .resources import TfResource, node_id, normalize_attr

MAX_DEPTH = 120  # nested expression evaluation
MAX_MODULE_DEPTH = 8
MAX_INSTANCES = 1000  # count/for_each beyond this is treated as unknown
MAX_EITHER = 16  # options of a conditional distributed through a function


class _Invalid(Unknown):
    """Something Terraform would reject at plan time; ``try``/``can`` skip it."""

    __slots__ = ()


@dataclass
class UndeclaredRef:
    """A reference to something the module does not declare (becomes LL003)."""

    kind: str  # resource | data | variable | local | module
    name: str  # as written: aws_iam_role.missing, var.x, module.y
    source: Source


@dataclass
class ModuleEvaluation:
    resources: list[TfResource]
    undeclared: list[UndeclaredRef] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # non-fatal problems (unreadable tfvars, ...)


def evaluate_module(directory_docs: list[Document], container: str, variables: dict | None = None, *,
                    read_module: Callable[[str], list[Document]] | None = None) -> list[TfResource]:
    return evaluate_module_ex(directory_docs, container, variables, read_module=read_module).resources


def evaluate_module_ex(directory_docs: list[Document], container: str, variables: dict | None = None, *,
                       read_module: Callable[[str], list[Document]] | None = None) -> ModuleEvaluation:
    """Like :func:`evaluate_module`, plus references to undeclared objects and notes."""
    ev = _Evaluator(container, read_module)
    docs = [d for d in directory_docs if not _is_tfvars(d.path)]
    tfvars = [d for d in directory_docs if _is_tfvars(d.path)]
    directory = os.path.dirname((docs or tfvars)[0].path) if (docs or tfvars) else "."
    directory = directory or "."
    if not tfvars and docs:
        tfvars = read_tfvars(directory, ev.notes)
    inputs: dict[str, Any] = {}
    for doc in tfvars:
        for name, expr in doc.data.attrs.items():
            inputs[name] = ("expr", expr, doc)
    for name, value in (variables or {}).items():
        inputs[name] = ("plain", value)
    root = _Module(ev, "", docs, directory, inputs, depth=0, parent=None, ancestry=(os.path.abspath(directory),))
    ev.run(root)
    return ModuleEvaluation(ev.resources, ev.undeclared, ev.notes)


def load_module_dir(path: str) -> list[Document]:
    """Every ``.tf`` and ``.tf.json`` file of one directory (ParseError propagates)."""
    docs = []
    for name in sorted(os.listdir(path)):
        full = os.path.join(path, name)
        if not os.path.isfile(full):
            continue
        if name.endswith(".tf"):
            docs.append(load_hcl(_read(full), full))
        elif name.endswith(".tf.json"):
            from ...load.tfjson import load_tfjson

            docs.append(load_tfjson(_read(full), full))
    return docs


def _read(path):
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read()


def _is_tfvars(path: str) -> bool:
    return path.endswith(".tfvars") or path.endswith(".tfvars.json")


# ---------------------------------------------------------------------------------------------


class _Decl:
    """A declared resource or data source."""

    __slots__ = ("mode", "type", "name", "block", "doc", "instances", "values")

    def __init__(self, mode, type_, name, block, doc):
        self.mode, self.type, self.name, self.block, self.doc = mode, type_, name, block, doc
        self.instances = None  # list[_Instance] once computed
        self.values = {}


class _Instance:
    __slots__ = ("decl", "address", "node", "key", "bindings", "extra", "values")

    def __init__(self, decl, address, node, key, bindings, extra):
        self.decl, self.address, self.node, self.key = decl, address, node, key
        self.bindings, self.extra, self.values = bindings, extra, None


class _ModuleCall:
    __slots__ = ("name", "block", "doc", "source", "instances", "unreadable", "unknown_keys")

    def __init__(self, name, block, doc):
        self.name, self.block, self.doc = name, block, doc
        self.source = None
        self.instances = None  # list[(key, _Module | None)]
        self.unreadable = None  # reason
        self.unknown_keys = None  # why count/for_each is unknown (one representative instance)


class _Module:
    """One module instance: its declarations and lazily evaluated variables/locals/outputs."""

    def __init__(self, ev, prefix, docs, directory, inputs, depth, parent, ancestry):
        self.ev, self.prefix, self.docs, self.directory = ev, prefix, docs, directory
        self.inputs = inputs  # name -> ("plain", v) | ("expr", Expr, doc) | ("parent", Expr, doc, path, scope)
        self.depth, self.parent, self.ancestry = depth, parent, ancestry
        self.resources: dict[tuple, _Decl] = {}
        self.variables: dict[str, tuple] = {}
        self.locals: dict[str, tuple] = {}
        self.outputs: dict[str, tuple] = {}
        self.modules: dict[str, _ModuleCall] = {}
        self.order: list = []  # resources and module calls in document order
        self.cache: dict = {}
        for doc in docs:
            data = doc.data
            if not isinstance(data, Block):
                continue
            for block in data.blocks:
                self._declare(block, doc)

    def _declare(self, block: Block, doc):
        kind, labels = block.type, block.labels
        if kind in ("resource", "data") and len(labels) == 2:
            key = (kind, labels[0], labels[1])
            if key not in self.resources:  # *_override.tf merging is not modelled: first wins
                decl = _Decl("managed" if kind == "resource" else "data", labels[0], labels[1], block, doc)
                self.resources[key] = decl
                self.order.append(decl)
        elif kind == "variable" and labels:
            self.variables.setdefault(labels[0], (block, doc))
        elif kind == "locals":
            for name in block.attrs:
                self.locals[name] = (block, doc)
        elif kind == "output" and labels:
            self.outputs.setdefault(labels[0], (block, doc))
        elif kind == "module" and labels and labels[0] not in self.modules:
            call = _ModuleCall(labels[0], block, doc)
            self.modules[labels[0]] = call
            self.order.append(call)


class _Scope:
    __slots__ = ("module", "bindings")

    def __init__(self, module, bindings):
        self.module, self.bindings = module, bindings


def _src_str(value) -> str | None:
    if isinstance(value, Known) and isinstance(value.value, str):
        return value.value
    return None


def _at(value: Value, src: Source) -> Value:
    """The same value, located at ``src`` (the expression that produced it)."""
    if value.source is src:
        return value
    if isinstance(value, Known):
        return Known(value.value, src)
    if isinstance(value, _Invalid):
        return _Invalid(value.reason, src)
    if isinstance(value, Unknown):
        return Unknown(value.reason, src, value.import_name)
    if isinstance(value, Either):
        return Either(value.condition, value.options, src)
    if isinstance(value, Absent):
        return Absent(src)
    return value


def from_plain(obj, src: Source) -> Value:
    if isinstance(obj, dict):
        return Known({str(k): from_plain(v, src) for k, v in obj.items()}, src)
    if isinstance(obj, (list, tuple)):
        return Known([from_plain(v, src) for v in obj], src)
    return Known(obj, src)


class _NotPlain(Exception):
    def __init__(self, value):
        self.value = value


def _plain(value: Value):
    """The plain Python form of a fully known value without references; raises _NotPlain."""
    if isinstance(value, Known):
        raw = value.value
        if isinstance(raw, list):
            return [_plain(v) for v in raw]
        if isinstance(raw, dict):
            return {k: _plain(v) for k, v in raw.items()}
        if isinstance(raw, ResourceRef):
            raise _NotPlain(value)
        return raw
    raise _NotPlain(value)


def _blocked(value: Value, what: str, src) -> Unknown:
    """Why an operation could not compute: the Unknown input's reason, a reference (known only
    after apply), or a wrong type (which Terraform rejects, so ``try`` falls back)."""
    if isinstance(value, _Invalid):
        return _Invalid(value.reason, src)
    if isinstance(value, Unknown):
        return Unknown(value.reason, src)
    if isinstance(value, Known) and not isinstance(value.value, ResourceRef):
        return _Invalid(f"{what}: wrong type of argument", src)
    return Unknown(f"{what} of a value known only after apply", src)


def _to_str(raw) -> str | None:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, str):
        return raw
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() else repr(raw)
    if isinstance(raw, ResourceRef):
        return raw.token()
    return None


def _to_number(raw):
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return raw
    if isinstance(raw, str):
        try:
            return int(raw)
        except ValueError:
            try:
                number = float(raw)
            except ValueError:
                return None
            return None if math.isnan(number) else number
    return None


def _to_bool(raw):
    if isinstance(raw, bool):
        return raw
    if raw in ("true", "false"):
        return raw == "true"
    return None


def _key_text(key) -> str:
    return json.dumps(key, ensure_ascii=False) if isinstance(key, str) else str(key)


class _Evaluator:
    def __init__(self, container: str, read_module):
        self.container = container
        self.read_module = read_module
        self.resources: list[TfResource] = []
        self.undeclared: list[UndeclaredRef] = []
        self._undeclared_seen: set = set()
        self.notes: list[str] = []
        self.node_types: dict[str, str] = {}
        self.unknown_instances: dict[str, str] = {}  # representative node -> why count is unknown
        self.active: set = set()
        self.depth = 0
        self.node_index: dict[str, tuple] = {}  # node -> (module, _Instance)
        self.read_cache: dict[str, tuple] = {}  # child module directory -> (docs, reason)

    # -- driver
    def run(self, module: _Module):
        for item in module.order:
            try:
                if isinstance(item, _Decl):
                    for inst in self.instances(module, item):
                        self.emit(module, inst)
                else:
                    for _key, child in self.module_instances(module, item):
                        if child is not None:
                            self.run(child)
            except RecursionError:
                self.notes.append(f"{module.prefix}{getattr(item, 'name', '?')}: nested too deeply")
        # Unused locals, outputs and module arguments still reveal undeclared references.
        scope = _Scope(module, {})
        for name in list(module.locals):
            self.local(module, name, None)
        for name, (block, doc) in module.outputs.items():
            expr = block.attrs.get("value")
            if expr is not None:
                self.output(module, name, None)
        for call in module.modules.values():
            for _key, child in call.instances or ():
                for arg, given in (child.inputs.items() if child is not None else ()):
                    if arg in child.variables:
                        self.variable(child, arg, None)
                    else:
                        self.eval(given[1], given[4], Source(given[2], given[3]))
            if call.unreadable is not None:
                for arg, expr in call.block.attrs.items():
                    if arg not in ("source", "version", "count", "for_each", "providers", "depends_on"):
                        self.eval(expr, scope, Source(call.doc, call.block.path + (arg,)))

    def emit(self, module: _Module, inst: _Instance):
        decl = inst.decl
        values = self.instance_values(module, inst)
        self.resources.append(TfResource(
            address=inst.address, type=decl.type, mode=decl.mode, node=inst.node, values=values,
            source=Source(decl.doc, decl.block.path), doc=decl.doc, count_index=inst.key, extra=inst.extra))

    def note_undeclared(self, kind, name, src):
        key = (kind, name, src.doc.path if src else "", src.path if src else ())
        if key not in self._undeclared_seen:
            self._undeclared_seen.add(key)
            self.undeclared.append(UndeclaredRef(kind, name, src))

    def guarded(self, key, compute, reason):
        """Run ``compute`` unless ``key`` is already being computed (a reference cycle)."""
        if key in self.active:
            return None, reason
        self.active.add(key)
        try:
            return compute(), None
        finally:
            self.active.discard(key)

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
        scope = _Scope(module, {})
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
            return best, extra
        return self._expand_one(kind, value), extra

    def _expand_one(self, kind, value):
        if isinstance(value, Absent) or (isinstance(value, Known) and value.value is None):
            return [] if kind == "count" else []
        if not isinstance(value, Known):
            return Unknown(f"{kind} = {value.reason}" if isinstance(value, Unknown) else kind)
        raw = value.value
        if kind == "count":
            number = _to_number(raw)
            if number is None or (isinstance(number, float) and not number.is_integer()):
                return Unknown(f"count = {raw!r} (not a whole number)")
            number = int(number)
            if number > MAX_INSTANCES:
                return Unknown(f"count = {number} (too many instances to expand)")
            return [(i, None) for i in range(max(0, number))]
        if isinstance(raw, dict):
            if len(raw) > MAX_INSTANCES:
                return Unknown("for_each (too many instances to expand)")
            return [(k, raw[k]) for k in sorted(raw)]
        if isinstance(raw, list):
            keys = {}
            for item in raw:
                text = _to_str(item.value) if isinstance(item, Known) else None
                if text is None or isinstance(item.value, ResourceRef):
                    return Unknown("for_each set element " + (item.reason if isinstance(item, Unknown)
                                                              else "known only after apply"))
                keys[text] = item
            if len(keys) > MAX_INSTANCES:
                return Unknown("for_each (too many instances to expand)")
            return [(k, keys[k]) for k in sorted(keys)]
        return Unknown(f"for_each = {raw!r} (not a map or set)")

    def expansion_bindings(self, block, key, value, unknown):
        src = None
        if "count" in block.attrs:
            index = Known(key) if unknown is None else Unknown(f"count.index ({unknown.reason})")
            return {"count": Known({"index": index})}
        if "for_each" in block.attrs:
            if unknown is not None:
                u = Unknown(f"each.key ({unknown.reason})")
                return {"each": Known({"key": u, "value": Unknown(f"each.value ({unknown.reason})")})}
            return {"each": Known({"key": Known(key, src), "value": value if value is not None else Known(key)})}
        return {}

    def instance_values(self, module, inst: _Instance) -> dict:
        if inst.values is not None:
            return inst.values
        decl = inst.decl
        values, cycle = self.guarded(("values", inst.node),
                                     lambda: self.body(decl.block, _Scope(module, inst.bindings), decl.doc, True),
                                     "cycle")
        if cycle:
            return {}
        branch = inst.extra.get("condition_branch")
        if branch is not None:
            cond = inst.extra["condition"]
            values = {k: _assume(v, cond, branch) for k, v in values.items()}
        inst.values = values
        return values

    # -- bodies and nested blocks
    def body(self, block: Block, scope, doc, top=False) -> dict:
        values: dict[str, Value] = {}
        for name, expr in block.attrs.items():
            if top and name in ("count", "for_each", "provider", "providers"):
                continue
            src = Source(doc, block.path + (name,))
            try:
                value = self.eval(expr, scope, src)
            except RecursionError:
                value = Unknown("expression nested too deeply", src)
            value = _finish(value, src)
            if value is not None:
                values[name] = value
        groups: dict[str, list] = {}
        first: dict[str, Block] = {}
        for child in block.blocks:
            if top and child.type in ("lifecycle", "provisioner", "connection"):
                continue
            if child.type == "dynamic" and child.labels:
                name = child.labels[0]
                groups.setdefault(name, []).extend(self.dynamic(child, scope, doc))
            else:
                name = child.type
                groups.setdefault(name, []).append(Known(self.body(child, scope, doc), Source(doc, child.path)))
            first.setdefault(name, child)
        for name, items in groups.items():
            if not items:
                continue  # a dynamic block over an empty collection: as if not written
            src = Source(doc, first[name].path)
            if items and all(isinstance(v, Unknown) for v in items):
                values[name] = items[0] if len(items) == 1 else Unknown(items[0].reason, src)
            else:
                values[name] = Known(items, src)
        return values

    def dynamic(self, block: Block, scope, doc) -> list[Value]:
        src = Source(doc, block.path + ("for_each",))
        content = next((b for b in block.blocks if b.type == "content"), None)
        if content is None or "for_each" not in block.attrs:
            return []
        iterator = block.labels[0]
        it = block.attrs.get("iterator")
        if isinstance(it, Traversal) and isinstance(it.root, str) and not it.steps:
            iterator = it.root
        coll = self.eval(block.attrs["for_each"], scope, src)
        if isinstance(coll, Either):
            sizes = [v for v in coll.leaves() if isinstance(v, Known) and isinstance(v.value, (list, dict))]
            coll = max(sizes, key=lambda v: len(v.value)) if sizes else Unknown(coll.condition, src)
        if not isinstance(coll, Known) or not isinstance(coll.value, (list, dict)):
            reason = coll.reason if isinstance(coll, Unknown) else "not a collection"
            return [Unknown(f'dynamic "{block.labels[0]}" for_each = {reason}', Source(doc, content.path))]
        raw = coll.value
        pairs = list(raw.items()) if isinstance(raw, dict) else list(enumerate(raw))
        out = []
        for key, value in pairs:
            bindings = dict(scope.bindings)
            bindings[iterator] = Known({"key": Known(key, src), "value": value}, src)
            out.append(Known(self.body(content, _Scope(scope.module, bindings), doc), Source(doc, content.path)))
        return out

    # -- expressions
    def eval(self, expr, scope: _Scope, src: Source) -> Value:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                return Unknown("expression nested too deeply", src)
            method = _EVAL.get(type(expr))
            if method is None:
                return Unknown("unsupported expression", src)
            return method(self, expr, scope, src)
        except RecursionError:
            raise
        except Exception as exc:  # never let odd input escape as a traceback
            return Unknown(f"could not evaluate ({type(exc).__name__})", src)
        finally:
            self.depth -= 1

    def e_literal(self, expr: Literal, scope, src):
        return Known(expr.value, src)

    def e_tuple(self, expr: TupleExpr, scope, src):
        items = []
        for i, item in enumerate(expr.items):
            value = self.eval(item, scope, src.child(i))
            if isinstance(item, Template) and len(item.parts) == 1 and not isinstance(
                    item.parts[0], (str, TemplateIf, TemplateFor)):
                # Terraform 0.11: ["${var.ids}"] flattens a list into the outer list (0.12+ rejects
                # a nested list there), so an unknown "${...}" item may be any number of items
                if isinstance(value, Known) and isinstance(value.value, list):
                    items.extend(value.value)
                    continue
                if isinstance(value, Unknown) and not isinstance(value, _Invalid):
                    return Unknown(f"{value.reason} (\"${{...}}\" in a list: may be a list itself)", src)
            items.append(value)
        return Known(items, src)

    def e_object(self, expr: ObjectExpr, scope, src):
        out = {}
        for kexpr, vexpr in expr.items:
            if isinstance(kexpr, Literal):
                key = _to_str(kexpr.value)
            else:
                kval = self.eval(kexpr, scope, src)
                key = _to_str(kval.value) if isinstance(kval, Known) and not isinstance(kval.value, ResourceRef) else None
                if key is None:
                    return Unknown(kval.reason if isinstance(kval, Unknown) else "object key known only after apply", src)
            if key is None:
                return _Invalid("object key is not a string", src)
            out[key] = self.eval(vexpr, scope, src.child(key))
        return Known(out, src)

    def e_conditional(self, expr: Conditional, scope, src):
        cond = self.eval(expr.cond, scope, src.child(0))
        if isinstance(cond, Known):
            flag = _to_bool(cond.value)
            if flag is None:
                return _Invalid(f"condition {expr.text} is not a bool", src)
            return _at(self.eval(expr.then if flag else expr.else_, scope, src.child(1 if flag else 2)), src)
        if isinstance(cond, _Invalid):
            return _Invalid(cond.reason, src)
        if isinstance(cond, Either):
            flags = {_to_bool(v.value) if isinstance(v, Known) else None for v in cond.leaves()}
            if len(flags) == 1 and None not in flags:
                flag = flags.pop()
                return _at(self.eval(expr.then if flag else expr.else_, scope, src.child(1 if flag else 2)), src)
        then = self.eval(expr.then, scope, src.child(1))
        else_ = self.eval(expr.else_, scope, src.child(2))
        if _same(then, else_):  # the condition does not matter
            return _at(then, src)
        return Either(expr.text, (then, else_), src)

    def e_template(self, expr: Template, scope, src):
        parts = expr.parts
        if len(parts) == 1 and not isinstance(parts[0], (str, TemplateIf, TemplateFor)):
            return _at(self.eval(parts[0], scope, src), src)  # "${x}" is x itself
        pieces: list = []
        for part in parts:
            if isinstance(part, str):
                pieces.append(Known(part, src))
            else:
                pieces.append(self.template_part(part, scope, src))
        return self.lift(lambda vals: self._join_pieces(vals, src), pieces, src)

    def template_part(self, part, scope, src) -> Value:
        if isinstance(part, TemplateIf):
            cond = self.eval(part.cond, scope, src)
            flag = _to_bool(cond.value) if isinstance(cond, Known) else None
            if flag is None:
                return cond if isinstance(cond, Unknown) else Unknown("template %{if} condition", src)
            return self._sub_template(part.then if flag else part.else_, scope, src)
        if isinstance(part, TemplateFor):
            coll = self.eval(part.coll, scope, src)
            if not isinstance(coll, Known) or not isinstance(coll.value, (list, dict)):
                return coll if isinstance(coll, Unknown) else Unknown("template %{for} collection", src)
            raw = coll.value
            pairs = list(raw.items()) if isinstance(raw, dict) else list(enumerate(raw))
            out = []
            for key, value in pairs:
                bindings = dict(scope.bindings)
                bindings[part.val_var] = value
                if part.key_var:
                    bindings[part.key_var] = Known(key, src)
                piece = self._sub_template(part.parts, _Scope(scope.module, bindings), src)
                if not isinstance(piece, Known):
                    return piece
                out.append(piece.value)
            return Known("".join(out), src)
        return self.eval(part, scope, src)

    def _sub_template(self, parts, scope, src):
        if not parts:
            return Known("", src)
        return self.e_template(Template(None, list(parts) + [""]), scope, src)

    @staticmethod
    def _join_pieces(vals, src):
        out = []
        for v in vals:
            if isinstance(v, Unknown):
                return v if v.source is src else (_Invalid if isinstance(v, _Invalid) else Unknown)(v.reason, src)
            if not isinstance(v, Known):
                return Unknown("template part not set", src)
            text = _to_str(v.value)
            if text is None:
                if v.value is None:
                    return _Invalid("null value in a string template", src)
                return _Invalid("a list or map in a string template", src)
            out.append(text)
        return Known("".join(out), src)

    def e_binop(self, expr: BinOp, scope, src):
        left = self.eval(expr.left, scope, src)
        right = self.eval(expr.right, scope, src)
        op = expr.op
        if op in ("&&", "||"):  # false && unknown is false, true || unknown is true
            for side in (left, right):
                flag = _to_bool(side.value) if isinstance(side, Known) else None
                if flag is (op == "||"):
                    return Known(flag, src)
        return self.lift(lambda vals: _binary(op, vals[0], vals[1], src), [left, right], src)

    def e_unop(self, expr: UnOp, scope, src):
        value = self.eval(expr.operand, scope, src)

        def apply(vals):
            v = vals[0]
            if not isinstance(v, Known):
                return _blocked(v, expr.op, src)
            if expr.op == "!":
                flag = _to_bool(v.value)
                return Known(not flag, src) if flag is not None else _Invalid("! of a non-bool", src)
            number = _to_number(v.value)
            return Known(-number, src) if number is not None else _Invalid("- of a non-number", src)

        return self.lift(apply, [value], src)

    def e_for(self, expr: ForExpr, scope, src):
        coll = self.eval(expr.coll, scope, src)
        if isinstance(coll, Either):
            return self.lift(lambda vals: self._for(expr, scope, src, vals[0]), [coll], src)
        return self._for(expr, scope, src, coll)

    def _for(self, expr: ForExpr, scope, src, coll):
        if not isinstance(coll, Known):
            return _blocked(coll, "for expression", src)
        raw = coll.value
        if isinstance(raw, dict):
            pairs = list(raw.items())
        elif isinstance(raw, list):
            pairs = list(enumerate(raw))
        elif raw is None:
            return _Invalid("for expression over null", src)
        elif isinstance(raw, ResourceRef):
            return Unknown(f"for expression over {raw.name}.{raw.attr} (known only after apply)", src)
        else:
            return _Invalid("for expression over a scalar", src)
        items: list = []
        obj: dict = {}
        for i, (key, value) in enumerate(pairs):
            bindings = dict(scope.bindings)
            if expr.val_var:
                bindings[expr.val_var] = value
            if expr.key_var:
                bindings[expr.key_var] = Known(key, src)
            inner = _Scope(scope.module, bindings)
            if expr.cond is not None:
                keep = self.eval(expr.cond, inner, src)
                flag = _to_bool(keep.value) if isinstance(keep, Known) else None
                if flag is None:
                    return _blocked(keep, "for expression condition", src) if not isinstance(keep, Known) \
                        else _Invalid("for expression condition is not a bool", src)
                if not flag:
                    continue
            if expr.is_object:
                kval = self.eval(expr.key, inner, src)
                ktext = _to_str(kval.value) if isinstance(kval, Known) and not isinstance(kval.value, ResourceRef) else None
                if ktext is None:
                    return _blocked(kval, "for expression key", src)
                vval = self.eval(expr.value, inner, src.child(ktext))
                if expr.group:
                    obj.setdefault(ktext, Known([], src)).value.append(vval)
                else:
                    obj[ktext] = vval
            else:
                items.append(self.eval(expr.value, inner, src.child(len(items))))
        return Known(obj if expr.is_object else items, src)

    # -- references
    def e_traversal(self, expr: Traversal, scope, src):
        root, steps = expr.root, expr.steps
        if not isinstance(root, str):
            value = self.eval(root, scope, src)
            return _at(self.apply_steps(value, steps, 0, src, scope), src)
        if root in scope.bindings:
            return _at(self.apply_steps(scope.bindings[root], steps, 0, src, scope), src)
        module = scope.module
        first = steps[0][1] if steps and steps[0][0] == "attr" else None
        if root == "var":
            if first is None:
                return _Invalid("var without a name", src)
            value, start = self.variable(module, first, src), 1
        elif root == "local":
            if first is None:
                return _Invalid("local without a name", src)
            value, start = self.local(module, first, src), 1
        elif root == "module":
            if first is None:
                return _Invalid("module without a name", src)
            return _at(self.module_ref(module, first, steps, src, scope), src)
        elif root == "data":
            second = steps[1][1] if len(steps) > 1 and steps[1][0] == "attr" else None
            if first is None or second is None:
                return _Invalid("data without type and name", src)
            value, start = self.resource_value(module, "data", first, second, src), 2
        elif root in ("count", "each"):
            return _Invalid(f"{root}.{first} used outside count/for_each", src)
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
            return _Invalid(f"unknown name {root}", src)
        else:
            value, start = self.resource_value(module, "resource", root, first, src), 1
        return _at(self.apply_steps(value, steps, start, src, scope), src)

    def apply_steps(self, value: Value, steps, start, src, scope=None) -> Value:
        i = start
        while i < len(steps):
            step = steps[i]
            if isinstance(value, Either):
                rest = steps[i:]
                return Either(value.condition, tuple(self.apply_steps(v, rest, 0, src, scope) for v in value.options), src)
            if not isinstance(value, Known):
                if isinstance(value, Absent):
                    return _Invalid("attribute of an unset value", src)
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
            return item if item is not None else _Invalid(f"no attribute {name!r}", src)
        if isinstance(raw, ResourceRef):
            if raw.attr == "self":
                rtype = self.node_types.get(raw.node, "")
                if rtype == "aws_iam_policy_document" and name in ("json", "minified_json"):
                    return self.policy_document(raw.node, src)
                return Known(ResourceRef(raw.node, normalize_attr(rtype, name), raw.name), src)
            return Known(ResourceRef(raw.node, f"{raw.attr}.{name}", raw.name), src)
        if raw is None:
            return _Invalid(f"attribute {name!r} of null", src)
        return _Invalid(f"attribute {name!r} of a {type(raw).__name__}", src)

    def get_index(self, value: Known, index: Value | None, src) -> Value:
        raw = value.value
        if isinstance(raw, ResourceRef):
            if raw.attr == "self" and raw.node in self.unknown_instances:
                return value  # any instance of an unknown count: the representative
            if raw.attr == "self":
                return _Invalid(f"{raw.name} has no count or for_each", src)
            if index is not None and isinstance(index, Known):
                return Known(ResourceRef(raw.node, f"{raw.attr}.{index.value}", raw.name), src)
            return Known(ResourceRef(raw.node, raw.attr, raw.name), src)
        if index is None or not isinstance(index, Known):
            if index is not None and isinstance(index, Unknown):
                return _blocked(index, "index", src)
            return Unknown("index known only after apply", src)
        key = index.value
        if isinstance(raw, list):
            number = _to_number(key)
            if number is None or number != int(number) or not 0 <= int(number) < len(raw):
                return _Invalid(f"index {key!r} out of range", src)
            return raw[int(number)]
        if isinstance(raw, dict):
            text = _to_str(key)
            item = raw.get(text) if text is not None else None
            return item if item is not None else _Invalid(f"no key {key!r}", src)
        return _Invalid(f"index into a {type(raw).__name__}", src)

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
            return Unknown(f"reference to undeclared variable var.{name}", src)
        block, doc = decl
        vsrc = Source(doc, block.path)
        if given is not None:
            if given[0] == "plain":
                return from_plain(given[1], vsrc)
            if given[0] == "expr":
                _, expr, gdoc = given
                return self.eval(expr, _Scope(module, {}), Source(gdoc, gdoc.data.path + (name,)))
            _, expr, gdoc, path, pscope = given
            return self.eval(expr, pscope, Source(gdoc, path))
        default = block.attrs.get("default")
        if default is None:
            return Unknown(f"var.{name} (variable without default)", vsrc)
        return self.eval(default, _Scope(module, {}), Source(doc, block.path + ("default",)))

    def local(self, module: _Module, name, src) -> Value:
        cache = module.cache
        key = ("local", name)
        if key in cache:
            return cache[key]
        decl = module.locals.get(name)
        if decl is None:
            if src is not None:
                self.note_undeclared("local", f"local.{name}", src)
            return Unknown(f"reference to undeclared local value local.{name}", src)
        block, doc = decl
        value, cycle = self.guarded((id(module), key), lambda: self.eval(
            block.attrs[name], _Scope(module, {}), Source(doc, block.path + (name,))), "cycle")
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
            return Unknown(f"reference to undeclared {what} {module.prefix}{address}", src)
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

    # -- modules
    def module_instances(self, module: _Module, call: _ModuleCall):
        if call.instances is not None:
            return call.instances
        call.instances = []
        result, cycle = self.guarded(("module", id(call)), lambda: self._module_instances(module, call), "cycle")
        call.instances = result if not cycle else []
        return call.instances

    def _module_instances(self, module: _Module, call: _ModuleCall):
        block, doc = call.block, call.doc
        scope = _Scope(module, {})
        source = self.eval(block.attrs["source"], scope, Source(doc, block.path + ("source",))) \
            if "source" in block.attrs else Unknown("no source")
        text = _src_str(source)
        call.source = text
        docs, reason = self.read_child(module, text)
        keys, _extra = self.expansion(block, scope, doc)
        if reason is not None:
            call.unreadable = reason
            return [(None, None)]
        path = os.path.normpath(os.path.join(module.directory, text))
        out = []
        unknown = keys if isinstance(keys, Unknown) else None
        if unknown is not None:  # one representative instance, as for resources
            call.unknown_keys = unknown.reason
            keys = [("*", None)]
        for key, value in (keys if keys is not None else [(None, None)]):
            index = "[*]" if unknown is not None else f"[{_key_text(key)}]" if key is not None else ""
            prefix = f"{module.prefix}module.{call.name}{index}."
            bindings = self.expansion_bindings(block, key, value, unknown) if key is not None else {}
            pscope = _Scope(module, bindings)
            inputs = {}
            for arg, expr in block.attrs.items():
                if arg not in ("source", "version", "count", "for_each", "providers", "depends_on"):
                    inputs[arg] = ("parent", expr, doc, block.path + (arg,), pscope)
            child = _Module(self, prefix, docs, path, inputs, module.depth + 1, module,
                            module.ancestry + (os.path.abspath(path),))
            out.append((key, child))
        return out

    def read_child(self, module: _Module, source: str | None):
        if source is None:
            return None, "module source is not a known string"
        if not (source.startswith("./") or source.startswith("../") or source.startswith(".\\")
                or source.startswith("..\\")):
            return None, f"module source '{source}' not read"
        if module.depth + 1 > MAX_MODULE_DEPTH:
            return None, f"module source '{source}' not read (modules nested too deeply)"
        path = os.path.normpath(os.path.join(module.directory, source))
        if os.path.abspath(path) in module.ancestry:
            return None, f"module source '{source}' not read (it includes itself)"
        cached = self.read_cache.get(path)
        if cached is None:
            cached = self.read_cache[path] = self._read_child(source, path)
        return cached

    def _read_child(self, source, path):
        try:
            docs = self.read_module(path) if self.read_module is not None else load_module_dir(path)
        except ParseError as exc:
            return None, f"module source '{source}' not read ({exc.reason} in {exc.file}:{exc.line})"
        except Exception as exc:  # missing directory, unreadable file, callback error
            return None, f"module source '{source}' not read ({type(exc).__name__})"
        if not docs:
            return None, f"module source '{source}' not read (no .tf files)"
        return docs, None

    def module_ref(self, module: _Module, name, steps, src, scope) -> Value:
        call = module.modules.get(name)
        if call is None:
            self.note_undeclared("module", f"{module.prefix}module.{name}", src)
            return Unknown(f"reference to undeclared module {module.prefix}module.{name}", src)
        instances = self.module_instances(module, call)
        rest = steps[1:]
        if call.unreadable is not None:
            output = rest[0][1] if rest and rest[0][0] == "attr" else (
                rest[1][1] if len(rest) > 1 and rest[1][0] == "attr" else None)
            what = f"module.{name} output {output}" if output else f"module.{name}"
            return Unknown(f"{what} ({call.unreadable})", src)
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
                return _blocked(wanted, f"module.{name}[...]", src)
            want = wanted.value
            for key, child in instances:
                if key == want or _to_str(key) == _to_str(want):
                    if len(rest) > 1 and rest[1][0] == "attr":
                        return self.apply_steps(self.output(child, rest[1][1], src), rest, 2, src, scope)
                    return self.apply_steps(self.all_outputs(child, src), rest, 1, src, scope)
            return _Invalid(f"module.{name}[{want!r}] does not exist", src)
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
                return _Invalid(f"module {child.prefix.rstrip('.')} has no output {name}", src)
            return Unknown(f"no output {name}")
        block, doc = decl
        value, cycle = self.guarded((id(child), key), lambda: self.eval(
            block.attrs["value"], _Scope(child, {}), Source(doc, block.path + ("value",))), "cycle")
        if cycle:
            return Unknown(f"{child.prefix}{name} (reference cycle)", src)
        child.cache[key] = value
        return value

    def all_outputs(self, child: _Module, src) -> Value:
        return Known({name: self.output(child, name, src) for name in child.outputs}, src)

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
        value, cycle = self.guarded(key, lambda: _policy(values, Source(inst.decl.doc, inst.decl.block.path)), "cycle")
        if cycle:
            return Unknown(f"{inst.address}.json (reference cycle)", src)
        module.cache[key] = value
        return value

    # -- functions
    def e_call(self, expr: Call, scope, src):
        name = expr.name
        if name in ("try", "can"):
            return self._try(expr, scope, src) if name == "try" else self._can(expr, scope, src)
        args = [self.eval(a, scope, src.child(i)) for i, a in enumerate(expr.args)]
        if expr.expand and args:
            last = args[-1]
            if isinstance(last, Known) and isinstance(last.value, list):
                args = args[:-1] + list(last.value)
            else:
                return _blocked(last, f"{name}(...)", src)
        impl = _FUNCTIONS.get(name)
        if impl is None:
            for a in args:
                if isinstance(a, _Invalid):
                    return _Invalid(a.reason, src)
            return Unknown(f"{name}(...)", src)
        return self.lift(lambda vals: impl(vals, src), args, src)

    def _try(self, expr, scope, src):
        last = None
        for i, a in enumerate(expr.args):
            value = self.eval(a, scope, src.child(i))
            if not isinstance(value, _Invalid):
                return _at(value, src)
            last = value
        return _Invalid(last.reason if last else "try() without arguments", src)

    def _can(self, expr, scope, src):
        if not expr.args:
            return _Invalid("can() without arguments", src)
        value = self.eval(expr.args[0], scope, src.child(0))
        if isinstance(value, _Invalid):
            return Known(False, src)
        if isinstance(value, Unknown):
            return Unknown(value.reason, src)
        return Known(True, src)

    def lift(self, fn, args: list, src) -> Value:
        """Apply ``fn`` to argument values, distributing over conditionals (Either)."""
        for i, a in enumerate(args):
            if isinstance(a, Either):
                if len(a.options) > MAX_EITHER:
                    return Unknown(a.condition, src)
                options = tuple(self.lift(fn, args[:i] + [opt] + args[i + 1:], src) for opt in a.options)
                if all(_same(options[0], o) for o in options[1:]):
                    return options[0]
                return Either(a.condition, options, src)
        return fn(args)

    def e_template_directive(self, expr, scope, src):
        return self._sub_template([expr], scope, src)


_EVAL = {
    Literal: _Evaluator.e_literal,
    TupleExpr: _Evaluator.e_tuple,
    ObjectExpr: _Evaluator.e_object,
    Conditional: _Evaluator.e_conditional,
    Template: _Evaluator.e_template,
    BinOp: _Evaluator.e_binop,
    UnOp: _Evaluator.e_unop,
    ForExpr: _Evaluator.e_for,
    Traversal: _Evaluator.e_traversal,
    Call: _Evaluator.e_call,
    TemplateIf: _Evaluator.e_template_directive,
    TemplateFor: _Evaluator.e_template_directive,
}


def _assume(value: Value, cond: str, branch: int) -> Value:
    """``value`` with every conditional on ``cond`` resolved to ``branch`` (0 = true)."""
    if isinstance(value, Either):
        if value.condition == cond:
            return _at(_assume(value.options[branch], cond, branch), value.source)
        return Either(value.condition, tuple(_assume(o, cond, branch) for o in value.options), value.source)
    if isinstance(value, Known):
        raw = value.value
        if isinstance(raw, list):
            return Known([_assume(v, cond, branch) for v in raw], value.source)
        if isinstance(raw, dict):
            return Known({k: _assume(v, cond, branch) for k, v in raw.items()}, value.source)
    return value


def _same(a: Value, b: Value) -> bool:
    if isinstance(a, Unknown) and isinstance(b, Unknown):
        return a.reason == b.reason and type(a) is type(b)
    if isinstance(a, Known) and isinstance(b, Known):
        if isinstance(a.value, ResourceRef) or isinstance(b.value, ResourceRef):
            return a.value == b.value
        try:
            return _plain(a) == _plain(b) and type(a.value) is type(b.value)
        except _NotPlain:
            return False
    return False


def _finish(value: Value, src: Source) -> Value | None:
    """The value stored for an attribute: null means "not set" in Terraform, so it is dropped
    (``Absent`` inside a conditional)."""
    if isinstance(value, Known) and value.value is None:
        return None
    if isinstance(value, Either):
        options = tuple(Absent(src) if isinstance(o, Known) and o.value is None else o for o in value.options)
        return Either(value.condition, options, src)
    return _at(value, src)


def _binary(op, left, right, src) -> Value:
    for side in (left, right):
        if not isinstance(side, Known):
            return _blocked(side, op, src)
    a, b = left.value, right.value
    if op in ("==", "!="):
        try:
            equal = _plain(left) == _plain(right)
        except _NotPlain:
            if isinstance(a, ResourceRef) or isinstance(b, ResourceRef):
                return Unknown(f"comparison with a value known only after apply", src)
            return Unknown("comparison of partly unknown values", src)
        return Known(equal if op == "==" else not equal, src)
    if op in ("&&", "||"):
        x, y = _to_bool(a), _to_bool(b)
        if x is None or y is None:
            return _Invalid(f"{op} of non-bool values", src)
        return Known((x and y) if op == "&&" else (x or y), src)
    x, y = _to_number(a), _to_number(b)
    if x is None or y is None:
        if isinstance(a, ResourceRef) or isinstance(b, ResourceRef):
            return Unknown(f"arithmetic on a value known only after apply", src)
        return _Invalid(f"{op} of non-numbers", src)
    if op == "+":
        r = x + y
    elif op == "-":
        r = x - y
    elif op == "*":
        r = x * y
    elif op == "/":
        if y == 0:
            return _Invalid("division by zero", src)
        r = x / y
    elif op == "%":
        if y == 0:
            return _Invalid("modulo by zero", src)
        r = math.fmod(x, y)
    elif op == "<":
        return Known(x < y, src)
    elif op == ">":
        return Known(x > y, src)
    elif op == "<=":
        return Known(x <= y, src)
    elif op == ">=":
        return Known(x >= y, src)
    else:
        return _Invalid(f"operator {op}", src)
    if isinstance(r, float) and r.is_integer() and abs(r) < 2 ** 53:
        r = int(r)
    return Known(r, src)


# ---------------------------------------------------------------------------------------------
# Functions.  Each takes the evaluated argument Values and the call's Source.


def _need(args, n):
    if len(args) < n:
        raise _Arity()


class _Arity(Exception):
    pass


def _first_not_known(args):
    for a in args:
        if not isinstance(a, Known):
            return a
    return None


def _known_list(value):
    return value.value if isinstance(value, Known) and isinstance(value.value, list) else None


def _known_map(value):
    return value.value if isinstance(value, Known) and isinstance(value.value, dict) else None


def _fn(name, structural=False):
    """Wrap an implementation: arity errors become _Invalid, unknown inputs Unknown."""

    def wrap(impl):
        def call(args, src):
            try:
                if not structural:
                    blocker = _first_not_known(args)
                    if blocker is not None:
                        return _blocked(blocker, f"{name}(...)", src)
                return impl(args, src)
            except _Arity:
                return _Invalid(f"{name}: wrong number of arguments", src)
            except _NotPlain as exc:
                return _blocked(exc.value, f"{name}(...)", src)
            except (TypeError, ValueError, KeyError, IndexError, OverflowError, RecursionError) as exc:
                return _Invalid(f"{name}: {type(exc).__name__}", src)

        _FUNCTIONS[name] = call
        return impl

    return wrap


_FUNCTIONS: dict[str, Callable] = {}


@_fn("jsonencode", structural=True)
def _jsonencode(args, src):
    _need(args, 1)
    value = args[0]
    if isinstance(value, Known) and isinstance(value.value, (str, int, float, bool)) and not isinstance(value.value, ResourceRef):
        return Known(json.dumps(value.value), src)
    return _at(value, src)  # keep the structure: rules read policies as trees


@_fn("jsondecode", structural=True)
def _jsondecode(args, src):
    _need(args, 1)
    value = args[0]
    if isinstance(value, Known) and isinstance(value.value, (dict, list)):
        return _at(value, src)  # jsondecode(jsonencode(x))
    text = _src_str(value)
    if text is None:
        return _blocked(value, "jsondecode(...)", src)
    try:
        return from_plain(json.loads(text), src)
    except ValueError:
        return _Invalid("jsondecode: invalid JSON", src)


def _unknown_fn(name):
    def impl(args, src):
        for a in args:
            if isinstance(a, _Invalid):
                return _Invalid(a.reason, src)
        return Unknown(f"{name}(...)", src)

    _FUNCTIONS[name] = impl


for _name in ("file", "templatefile", "filebase64", "filebase64sha256", "filemd5", "filesha1", "filesha256",
              "fileexists", "fileset", "timestamp", "uuid", "bcrypt", "base64sha256", "sha256", "md5", "sha1",
              "base64encode", "base64decode", "plantimestamp", "abspath", "pathexpand"):
    _unknown_fn(_name)


@_fn("format", structural=True)
def _format(args, src):
    _need(args, 1)
    fmt = _src_str(args[0])
    if fmt is None:
        return _blocked(args[0], "format(...)", src)
    out, i, argi = [], 0, 1
    while i < len(fmt):
        ch = fmt[i]
        if ch != "%":
            out.append(ch)
            i += 1
            continue
        j = i + 1
        while j < len(fmt) and fmt[j] in "+-# 0123456789.":
            j += 1
        if j >= len(fmt):
            return _Invalid("format: unterminated verb", src)
        verb, spec = fmt[j], fmt[i + 1:j]
        i = j + 1
        if verb == "%":
            out.append("%")
            continue
        if argi >= len(args):
            raise _Arity()
        arg = args[argi]
        argi += 1
        if not isinstance(arg, Known):
            return _blocked(arg, "format(...)", src)
        raw = arg.value
        if verb in "sv":
            text = _to_str(raw) if not isinstance(raw, (list, dict)) else json.dumps(_plain(arg))
            if text is None:
                return _Invalid("format: null argument", src)
            out.append(("%" + spec + "s") % text)
        elif verb == "q":
            text = _to_str(raw)
            out.append(json.dumps(text))
        elif verb in "dfeEgGxXob":
            number = _to_number(raw)
            if number is None:
                return _blocked(arg, "format(...)", src) if isinstance(raw, ResourceRef) else _Invalid("format: not a number", src)
            if verb == "b":
                out.append(format(int(number), "b"))
            else:
                out.append(("%" + spec + verb) % (int(number) if verb in "dxXo" else number))
        elif verb == "t":
            out.append(_to_str(_to_bool(raw)) or "")
        else:
            return _Invalid(f"format: verb %{verb}", src)
    return Known("".join(out), src)


@_fn("join", structural=True)
def _join(args, src):
    _need(args, 2)
    sep = _src_str(args[0])
    if sep is None:
        return _blocked(args[0], "join(...)", src)
    parts = []
    if len(args) == 2:
        items = _known_list(args[1])
        if items is not None and len(items) == 1 and isinstance(items[0], Known) \
                and isinstance(items[0].value, (dict, list)):
            # join("", data.aws_iam_policy_document.x[*].json): policies are kept as trees,
            # and joining one document is that document.
            return _at(items[0], src)
    for lst in args[1:]:
        items = _known_list(lst)
        if items is None:
            return _blocked(lst, "join(...)", src)
        for item in items:
            if not isinstance(item, Known):
                return _blocked(item, "join(...)", src)
            text = _to_str(item.value)
            if text is None:
                return _Invalid("join: element is not a string", src)
            parts.append(text)
    return Known(sep.join(parts), src)


@_fn("concat", structural=True)
def _concat(args, src):
    out = []
    for lst in args:
        items = _known_list(lst)
        if items is None:
            return _blocked(lst, "concat(...)", src)
        out.extend(items)
    return Known(out, src)


@_fn("merge", structural=True)
def _merge(args, src):
    out = {}
    for m in args:
        if isinstance(m, Known) and m.value is None:
            continue
        items = _known_map(m)
        if items is None:
            return _blocked(m, "merge(...)", src)
        out.update(items)
    return Known(out, src)


@_fn("lookup", structural=True)
def _lookup(args, src):
    _need(args, 2)
    m = _known_map(args[0])
    if m is None:
        return _blocked(args[0], "lookup(...)", src)
    key = args[1]
    if not isinstance(key, Known):
        return _blocked(key, "lookup(...)", src)
    text = _to_str(key.value)
    if text in m:
        return m[text]
    if len(args) > 2:
        return args[2]
    return _Invalid(f"lookup: no key {text!r}", src)


@_fn("element", structural=True)
def _element(args, src):
    _need(args, 2)
    items = _known_list(args[0])
    if items is None:
        return _blocked(args[0], "element(...)", src)
    index = _to_number(args[1].value) if isinstance(args[1], Known) else None
    if index is None:
        return _blocked(args[1], "element(...)", src)
    if not items:
        return _Invalid("element: empty list", src)
    return items[int(index) % len(items)]


@_fn("length", structural=True)
def _length(args, src):
    _need(args, 1)
    value = args[0]
    if isinstance(value, Known) and isinstance(value.value, (list, dict, str)) and not isinstance(value.value, ResourceRef):
        return Known(len(value.value), src)
    return _blocked(value, "length(...)", src)


@_fn("tolist", structural=True)
def _tolist(args, src):
    _need(args, 1)
    if _known_list(args[0]) is not None:
        return _at(args[0], src)
    return _blocked(args[0], "tolist(...)", src)


@_fn("toset", structural=True)
def _toset(args, src):
    _need(args, 1)
    items = _known_list(args[0])
    if items is None:
        return _blocked(args[0], "toset(...)", src)
    out, seen = [], set()
    for item in items:
        try:
            marker = json.dumps(_plain(item), sort_keys=True)
        except _NotPlain:
            if isinstance(item, Known) and isinstance(item.value, ResourceRef):
                marker = item.value.token()
            else:
                out.append(item)
                continue
        if marker not in seen:
            seen.add(marker)
            out.append(item)
    return Known(out, src)


@_fn("tomap", structural=True)
def _tomap(args, src):
    _need(args, 1)
    if _known_map(args[0]) is not None:
        return _at(args[0], src)
    return _blocked(args[0], "tomap(...)", src)


@_fn("coalesce", structural=True)
def _coalesce(args, src):
    for a in args:
        if isinstance(a, Known):
            if a.value is None or a.value == "":
                continue
            return a
        return _blocked(a, "coalesce(...)", src)
    return _Invalid("coalesce: no non-null argument", src)


@_fn("coalescelist", structural=True)
def _coalescelist(args, src):
    for a in args:
        items = _known_list(a)
        if items is None:
            return _blocked(a, "coalescelist(...)", src)
        if items:
            return a
    return _Invalid("coalescelist: all lists empty", src)


@_fn("flatten", structural=True)
def _flatten(args, src):
    _need(args, 1)
    out = []

    def walk(value):
        items = _known_list(value)
        if items is None:
            if isinstance(value, Unknown):
                raise _NotPlain(value)
            out.append(value)
            return
        for item in items:
            walk(item)

    if _known_list(args[0]) is None:
        return _blocked(args[0], "flatten(...)", src)
    walk(args[0])
    return Known(out, src)


@_fn("values", structural=True)
def _values(args, src):
    _need(args, 1)
    m = _known_map(args[0])
    if m is None:
        return _blocked(args[0], "values(...)", src)
    return Known([m[k] for k in sorted(m)], src)


@_fn("keys", structural=True)
def _keys(args, src):
    _need(args, 1)
    m = _known_map(args[0])
    if m is None:
        return _blocked(args[0], "keys(...)", src)
    return Known([Known(k, src) for k in sorted(m)], src)


@_fn("one", structural=True)
def _one(args, src):
    _need(args, 1)
    items = _known_list(args[0])
    if items is None:
        return _blocked(args[0], "one(...)", src)
    if not items:
        return Known(None, src)
    if len(items) == 1:
        return items[0]
    return _Invalid("one: more than one element", src)


@_fn("compact", structural=True)
def _compact(args, src):
    _need(args, 1)
    items = _known_list(args[0])
    if items is None:
        return _blocked(args[0], "compact(...)", src)
    return Known([i for i in items if not (isinstance(i, Known) and i.value in (None, ""))], src)


@_fn("slice", structural=True)
def _slice(args, src):
    _need(args, 3)
    items = _known_list(args[0])
    a = _to_number(args[1].value) if isinstance(args[1], Known) else None
    b = _to_number(args[2].value) if isinstance(args[2], Known) else None
    if items is None or a is None or b is None:
        return _blocked(next(x for x in args if not (isinstance(x, Known))), "slice(...)", src) \
            if any(not isinstance(x, Known) for x in args) else _Invalid("slice: bad arguments", src)
    return Known(items[int(a):int(b)], src)


@_fn("reverse", structural=True)
def _reverse(args, src):
    _need(args, 1)
    items = _known_list(args[0])
    if items is None:
        return _blocked(args[0], "reverse(...)", src)
    return Known(list(reversed(items)), src)


@_fn("zipmap", structural=True)
def _zipmap(args, src):
    _need(args, 2)
    keys, vals = _known_list(args[0]), _known_list(args[1])
    if keys is None or vals is None:
        return _blocked(args[0] if keys is None else args[1], "zipmap(...)", src)
    out = {}
    for k, v in zip(keys, vals):
        if not isinstance(k, Known) or _to_str(k.value) is None or isinstance(k.value, ResourceRef):
            return _blocked(k, "zipmap(...)", src)
        out[_to_str(k.value)] = v
    return Known(out, src)


@_fn("contains", structural=True)
def _contains(args, src):
    _need(args, 2)
    items = _known_list(args[0])
    if items is None:
        return _blocked(args[0], "contains(...)", src)
    want = _plain(args[1])
    return Known(any(_plain(i) == want for i in items), src)


def _plain_fn(name, impl, arity=1):
    """A function of plain data: inputs must be fully known (no references)."""

    @_fn(name)
    def call(args, src):
        _need(args, arity)
        return from_plain(impl(*[_plain(a) for a in args]), src)

    return call


def _str(x):
    if not isinstance(x, str):
        text = _to_str(x)
        if text is None:
            raise TypeError("not a string")
        return text
    return x


_plain_fn("basename", lambda s: os.path.basename(_str(s)))
_plain_fn("dirname", lambda s: os.path.dirname(_str(s)))
_plain_fn("lower", lambda s: _str(s).lower())
_plain_fn("upper", lambda s: _str(s).upper())
_plain_fn("title", lambda s: _str(s).title())
_plain_fn("trimspace", lambda s: _str(s).strip())
_plain_fn("chomp", lambda s: _str(s).rstrip("\r\n"))
_plain_fn("tostring", lambda s: _str(s) if s is not None else None)
_plain_fn("tonumber", lambda s: _to_number(s) if _to_number(s) is not None else int("x" + str(s)))
_plain_fn("tobool", lambda s: _to_bool(s) if _to_bool(s) is not None else int("x" + str(s)))
_plain_fn("split", lambda sep, s: _str(s).split(_str(sep)) if _str(sep) else list(_str(s)), 2)
_plain_fn("trimprefix", lambda s, p: _str(s)[len(_str(p)):] if _str(s).startswith(_str(p)) else _str(s), 2)
_plain_fn("trimsuffix", lambda s, p: _str(s)[: -len(_str(p))] if _str(p) and _str(s).endswith(_str(p)) else _str(s), 2)
_plain_fn("startswith", lambda s, p: _str(s).startswith(_str(p)), 2)
_plain_fn("endswith", lambda s, p: _str(s).endswith(_str(p)), 2)
_plain_fn("substr", lambda s, o, n: _str(s)[int(o):(None if int(n) < 0 else int(o) + int(n))], 3)
_plain_fn("max", lambda *xs: max(_to_number(x) for x in xs), 1)
_plain_fn("min", lambda *xs: min(_to_number(x) for x in xs), 1)
_plain_fn("abs", lambda x: abs(_to_number(x)))
_plain_fn("ceil", lambda x: math.ceil(_to_number(x)))
_plain_fn("floor", lambda x: math.floor(_to_number(x)))
_plain_fn("sum", lambda xs: sum(_to_number(x) for x in xs))
_plain_fn("distinct", lambda xs: [x for i, x in enumerate(xs) if x not in xs[:i]])
_plain_fn("sort", lambda xs: sorted(_str(x) for x in xs))
def _range(*xs):
    numbers = range(*[int(_to_number(x)) for x in xs])
    if len(numbers) > MAX_INSTANCES:
        raise ValueError("range too long")
    return list(numbers)


_plain_fn("range", _range)
_plain_fn("replace", lambda s, a, b: (_str(s).replace(_str(a), _str(b)) if not (len(_str(a)) > 1 and _str(a)[0] == "/" == _str(a)[-1])
                                      else int("regex")), 3)


def _policy(values: dict, src: Source) -> Value:
    """``data.aws_iam_policy_document.x.json`` as the policy's Value tree (not a string)."""
    statements: list[Value] = []
    by_sid: dict[str, int] = {}

    def add(stmt: Value, replace: bool):
        sid = None
        body = stmt.value if isinstance(stmt, Known) and isinstance(stmt.value, dict) else None
        if body is not None and isinstance(body.get("Sid"), Known):
            sid = _to_str(body["Sid"].value) or None
        if sid and sid in by_sid and replace:
            statements[by_sid[sid]] = stmt
            return
        if sid:
            by_sid[sid] = len(statements)
        statements.append(stmt)

    def documents(name):
        docs = values.get(name)
        if docs is None:
            return
        items = _known_list(docs)
        if items is None:
            statements.append(Unknown(docs.reason if isinstance(docs, Unknown) else name, docs.source))
            return
        for doc in items:
            if isinstance(doc, Known) and isinstance(doc.value, str):
                try:
                    doc = from_plain(json.loads(doc.value), doc.source)
                except ValueError:
                    doc = Unknown(f"{name}: not JSON", doc.source)
            body = _known_map(doc)
            stmts = _known_list(body.get("Statement")) if body and body.get("Statement") is not None else None
            if body is not None and isinstance(body.get("Statement"), Known) and isinstance(body["Statement"].value, dict):
                stmts = [body["Statement"]]
            if stmts is None:
                statements.append(doc if isinstance(doc, Unknown) else Unknown(f"{name} element", doc.source))
                continue
            for stmt in stmts:
                add(stmt, name == "override_policy_documents")

    documents("source_policy_documents")
    own = values.get("statement")
    for stmt in (_known_list(own) or ([own] if own is not None else [])):
        add(_statement(stmt), True)
    documents("override_policy_documents")
    doc = {"Version": values.get("version") or Known("2012-10-17", src),
           "Statement": Known(statements, values["statement"].source if "statement" in values else src)}
    if "policy_id" in values:
        doc["Id"] = values["policy_id"]
    return Known(doc, src)


_STATEMENT_KEYS = (("sid", "Sid"), ("effect", "Effect"), ("actions", "Action"), ("not_actions", "NotAction"),
                   ("resources", "Resource"), ("not_resources", "NotResource"))


def _statement(stmt: Value) -> Value:
    body = _known_map(stmt)
    if body is None:
        return stmt
    out: dict[str, Value] = {}
    for key, name in _STATEMENT_KEYS:
        if key in body:
            out[name] = body[key]
    out.setdefault("Effect", Known("Allow", stmt.source))
    for key, name in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        blocks = body.get(key)
        if blocks is None:
            continue
        items = _known_list(blocks)
        if items is None:
            out[name] = blocks
            continue
        principal: dict[str, Value] = {}
        for block in items:
            b = _known_map(block)
            ptype = _src_str(b.get("type")) if b else None
            if b is None or ptype is None:
                principal = None
                out[name] = Unknown(f"{key} type", block.source)
                break
            ids = b.get("identifiers", Known([], block.source))
            if ptype in principal and _known_list(principal[ptype]) is not None and _known_list(ids) is not None:
                ids = Known(principal[ptype].value + ids.value, ids.source)
            principal[ptype] = ids
        if principal is not None:
            out[name] = Known(principal, blocks.source)
    conditions = body.get("condition")
    if conditions is not None:
        items = _known_list(conditions)
        if items is None:
            out["Condition"] = conditions
        else:
            cond: dict[str, Value] = {}
            for block in items:
                b = _known_map(block)
                test = _src_str(b.get("test")) if b else None
                variable = _src_str(b.get("variable")) if b else None
                if test is None or variable is None:
                    cond = Unknown("policy condition", block.source)
                    break
                group = cond.setdefault(test, Known({}, block.source))
                group.value[variable] = b.get("values", Known([], block.source))
            out["Condition"] = cond if isinstance(cond, Unknown) else Known(cond, conditions.source)
    return Known(out, stmt.source)


# ---------------------------------------------------------------------------------------------


def read_tfvars(directory: str, notes: list) -> list[Document]:
    """terraform.tfvars[.json], then *.auto.tfvars[.json] in lexical order (later files win)."""
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    wanted = [n for n in ("terraform.tfvars", "terraform.tfvars.json") if n in names]
    wanted += [n for n in names if n.endswith(".auto.tfvars") or n.endswith(".auto.tfvars.json")]
    docs = []
    for name in wanted:
        path = os.path.join(directory, name)
        try:
            text = _read(path)
            if name.endswith(".json"):
                raw = json.loads(text)
                if not isinstance(raw, dict):
                    raise ValueError("not an object")
                from ...load.tfjson import make_locator

                root = Block("", [], {k: _json_literal(v) for k, v in raw.items()}, [], ())

                doc = Document(path, "tf-json", root, text)
                doc.locate = make_locator(doc)
                docs.append(doc)
            else:
                docs.append(load_hcl(text, path))
        except (OSError, ValueError, ParseError) as exc:
            notes.append(f"{path}: not read ({exc})")
    return docs


def _json_literal(value):
    if isinstance(value, dict):
        return ObjectExpr(None, [(Literal(None, k), _json_literal(v)) for k, v in value.items()])
    if isinstance(value, list):
        return TupleExpr(None, [_json_literal(v) for v in value])
    return Literal(None, value)


