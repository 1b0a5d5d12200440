"""Evaluate a Terraform module directory (HCL and/or JSON) into :class:`TfResource` instances.

Only what Terraform itself knows before talking to a provider is resolved: variables (parameters,
``*.tfvars``, defaults), locals, literal functions, ``count``/``for_each`` over known values,
local child modules, ``aws_iam_policy_document``, and attributes of other resources that are
configured on them (see ``references.py``).  Any other reference to a resource becomes
``Known(ResourceRef(...))`` so the model can draw the edge, and anything else that cannot be known
becomes ``Unknown`` with the user's own notation as reason.

This module holds the module model (declarations, instances, child module calls) and drives the
evaluation; the parts live beside it:

* ``expressions.py``: expressions -> Values (operators, templates, ``for``, conditionals, calls);
* ``instances.py``: ``count``/``for_each`` -> instances, and the values of each;
* ``operators.py``: the binary operators (``==``, ``&&``, arithmetic, comparisons);
* ``references.py``: names (``var``, ``local``, ``module``, resources) and attribute/index steps;
* ``functions.py``: the built-in functions table;
* ``policy_document.py``: ``data "aws_iam_policy_document"`` -> the policy tree;
* ``tfvalues.py``: Terraform's conversions and :class:`Invalid` (what ``try`` falls back on);
* ``files.py``: reading a module directory and its ``*.tfvars``.

Design notes:
* Unknown ``count``/``for_each``: one representative instance addressed ``type.name[*]``;
  ``count.index``/``each.*`` are Unknown there.  A count/for_each that is a conditional with an
  unknown condition uses its largest branch (worst case) and records the condition in
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
import os
from dataclasses import dataclass, field
from typing import Any, Callable

from ...document import Document, ParseError, Source
from ...load.hcl import Block, Traversal
from ...paths import project_unless_set
from ...values import Absent, Either, Known, Unknown, Value
from .expressions import ExpressionEvaluator, Scope
from .files import is_tfvars, load_module_dir, read_tfvars
from .instances import InstanceExpansion
from .limits import MAX_COLLECTION
from .module_tree import Decl as _Decl, Instance as _Instance, Module as _Module, ModuleCalls, installed_modules
from .references import ReferenceResolver
from .resources import TfResource
from .tfvalues import known_str, located, too_large

__all__ = ["ModuleEvaluation", "UndeclaredRef", "evaluate_module", "evaluate_module_ex", "load_module_dir",
           "read_tfvars"]


@dataclass
class UndeclaredRef:
    """A reference to something the module does not declare (becomes LL003)."""

    kind: str  # resource | data | variable | local | module
    name: str  # as written: aws_iam_role.missing, var.x, module.y
    source: Source


@dataclass
class ModuleEvaluation:
    """What evaluating a root module found, its local child modules included."""

    resources: list[TfResource]
    undeclared: list[UndeclaredRef] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # non-fatal problems (unreadable tfvars, ...)
    inputs: list = field(default_factory=list)  # InputRef per module call, read or not (LL004)
    # what the evaluation cost, against the budgets of limits.py (scripts/corpus_budgets.py)
    stats: dict = field(default_factory=dict)


def evaluate_module(directory_docs: list[Document], container: str, variables: dict | None = None, *,
                    read_module: Callable[[str], list[Document]] | None = None) -> list[TfResource]:
    return evaluate_module_ex(directory_docs, container, variables, read_module=read_module).resources


def evaluate_module_ex(directory_docs: list[Document], container: str, variables: dict | None = None, *,
                       read_module: Callable[[str], list[Document]] | None = None) -> ModuleEvaluation:
    """Like :func:`evaluate_module`, plus references to undeclared objects and notes."""
    ev = _Evaluator(container, read_module)
    docs = [d for d in directory_docs if not is_tfvars(d.path)]
    tfvars = [d for d in directory_docs if is_tfvars(d.path)]
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
    root = _Module("", docs, directory, inputs, depth=0, parent=None, ancestry=(os.path.abspath(directory),))
    root.reusable = is_reusable_module(docs)
    ev.root_directory = directory
    ev.installed = installed_modules(directory)  # registry and git modules `terraform init` installed
    with project_unless_set([directory]):  # called outside a run: its directory is the project
        ev.run(root)
    stats = {"steps": ev.steps, "characters": ev.characters, "instances": ev.instance_total,
             "largest_expansion": ev.largest_expansion,
             "longest_string": ev.longest, "largest_collection": ev.largest, "module_depth": ev.deepest_module}
    return ModuleEvaluation(ev.resources, ev.undeclared, ev.notes, ev.inputs, stats)


def is_reusable_module(docs: list[Document]) -> bool:
    """Whether a module directory linted on its own is a *reusable module*: one that configures
    no provider (no ``provider`` block) and no state backend (no ``backend`` or ``cloud`` block in
    ``terraform``), so it is not applied as it is but called by other configurations, which set its
    inputs.  Its variables are the callers' values: a ``default = null`` there means "optional,
    the caller decides", so such a variable is Unknown, not null (a root configuration, which
    has a provider or backend, is applied as written: its null defaults are null).  A module
    reached through a ``module`` call of the run gets its inputs from that call and is never
    judged by this."""
    for doc in docs:
        data = doc.data
        for block in data.blocks if isinstance(data, Block) else ():
            if block.type == "provider":
                return False
            if block.type == "terraform" and any(b.type in ("backend", "cloud") for b in block.blocks):
                return False
    return True


# ---------------------------------------------------------------------------------------------


class _Evaluator(InstanceExpansion, ModuleCalls, ReferenceResolver, ExpressionEvaluator):
    """Evaluates one root module and, through it, its local child modules."""

    def __init__(self, container: str, read_module):
        super().__init__()
        self.container = container
        self.read_module = read_module
        self.resources: list[TfResource] = []
        self.undeclared: list[UndeclaredRef] = []
        self._undeclared_seen: set = set()
        self.notes: list[str] = []
        self.node_types: dict[str, str] = {}
        self.unknown_instances: dict[str, str] = {}  # representative node -> why count is unknown
        self.active: set = set()  # keys being computed by guarded(): seeing one again is a cycle
        self.node_index: dict[str, tuple] = {}  # node -> (module, _Instance)
        self.read_cache: dict[str, tuple] = {}  # child module directory -> (docs, reason)
        self.root_directory = "."
        self.installed: dict[str, dict] = {}  # modules.json of the root module, by call key
        self.inputs: list = []  # InputRef per module call
        self.instance_total = 0  # resource and module instances so far (MAX_TOTAL_INSTANCES)
        self.deepest_module = 0
        self.largest_expansion = 0  # instances of the largest single count/for_each

    # -- driver
    def run(self, module: _Module):
        self.deepest_module = max(self.deepest_module, module.depth)
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
        scope = Scope(module, {})
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
                value = Unknown("expression nested too deeply", src, cause="budget")
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
                values[name] = items[0] if len(items) == 1 else items[0].moved(src)
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
            out.append(Known(self.body(content, Scope(scope.module, bindings), doc), Source(doc, content.path)))
        return out

def _finish(value: Value, src: Source) -> Value | None:
    """The value stored for an attribute: null means "not set" in Terraform, so it is dropped
    (``Absent`` inside a conditional)."""
    if isinstance(value, Known) and value.value is None:
        return None
    if too_large(value):  # shared subtrees can describe 100**5 values in a few lines: not for the rules
        return Unknown(f"a value of more than {MAX_COLLECTION:,} items in all (the budget)", src, cause="budget")
    if isinstance(value, Either):
        options = tuple(Absent(src) if isinstance(o, Known) and o.value is None else o for o in value.options)
        return Either(value.condition, options, src)
    return located(value, src)
