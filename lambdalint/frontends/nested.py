"""Nested stacks and SAM applications: a child template read as part of its parent.

An ``AWS::CloudFormation::Stack`` whose ``TemplateURL`` is a local path (the form ``aws
cloudformation package`` uploads), one whose ``Metadata`` names a local ``aws:asset:path`` for
its ``TemplateURL`` (an AWS CDK nested stack), and an ``AWS::Serverless::Application`` whose
``Location`` is a local path are read the way the deploy tool reads them:

* each instantiation of a child is its own set of resources (nodes under the stack resource's
  node, names ``<Stack>/<Resource>``), whose findings point into the child's file;
* the child's parameters take the Values the parent passes (resolved in the parent, so a
  reference keeps its identity: a subnet passed down is the parent's subnet);
* ``!GetAtt Child.Outputs.Name`` in the parent is the child's output Value.

Everything else (an S3 URL, a Serverless Application Repository application, a missing file, a
path outside the project, a template that includes itself) is not read: the stack's outputs
stay Unknown naming why, and rule LL004 lists the stack as an unread input.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..document import Document, ParseError, Source
from ..model.inputs import InputRef
from ..paths import project, real as real_path
from ..values import Either, Known, Unknown, Value, describe, known_str
from .cfn_intrinsics import _LIST_TYPES, STACK_TYPES

KIND = {"AWS::CloudFormation::Stack": ("nested stack", "TemplateURL"),
        "AWS::Serverless::Application": ("SAM application", "Location")}


@dataclass(frozen=True)
class Written:
    """Where a stack resource says its template is."""

    key: str  # TemplateURL | Location
    text: str  # as written, for messages
    local: str | None  # a local path, relative to the parent template's directory
    reason: str | None  # why it is not a local path
    source_path: tuple  # where it is written, in the parent


def location(body: dict, resolve=None) -> Written | None:
    """The template location of a stack resource body (None for other resources).  ``resolve``
    turns an intrinsic function into a Value; without it only literal locations count."""
    if not isinstance(body, dict) or not isinstance(body.get("Type"), str) or body["Type"] not in KIND:
        return None
    _kind, key = KIND[body["Type"]]
    props = body.get("Properties") if isinstance(body.get("Properties"), dict) else {}
    meta = body.get("Metadata") if isinstance(body.get("Metadata"), dict) else {}
    asset = meta.get("aws:asset:path")
    if isinstance(asset, str) and meta.get("aws:asset:property") == key:  # AWS CDK
        return Written(key, asset, asset, None, ("Metadata", "aws:asset:path"))
    raw = props.get(key)
    at = ("Properties", key)
    if raw is None:
        return Written(key, "", None, f"has no {key}", ("__key__",))
    if isinstance(raw, dict) and ("ApplicationId" in raw or "SemanticVersion" in raw):
        app = raw.get("ApplicationId")
        if not isinstance(app, str):
            app = describe(resolve(app, at + ("ApplicationId",))) if resolve is not None else "(computed)"
        version = raw.get("SemanticVersion")
        text = app + (f" (version {version})" if isinstance(version, (str, int, float)) else "")
        return Written(key, text, None, f"Location {text} is a Serverless Application Repository application; lambdalint "
                                   "reads only local templates (keep the application's template in the project and "
                                   "set Location to its path to have it linted)", at)
    if not isinstance(raw, str):
        value = resolve(raw, at) if resolve is not None else None
        text = known_str(value) if value is not None else None
        if text is None:
            shown = describe(value) if value is not None else "an intrinsic function"
            return Written(key, shown, None, f"{key} is computed ({shown}); lambdalint reads only a local template path", at)
        raw = text
    written = raw.strip()
    if "://" in written or written.startswith("s3:") or "${" in written:
        return Written(key, written, None, f"{key} {written} is not a local file; lambdalint reads only local templates "
                                      "(lint the template before `aws cloudformation package` uploads it)", at)
    return Written(key, written, written, None, at)


def local_path(parent: Document, written: Written) -> tuple[str | None, str | None]:
    """(path to read, None) or (None, why not) for a local location written in ``parent``."""
    key = written.key
    base = os.path.dirname(parent.path) or "."
    path = project().resolve(written.local, base)
    if path is None:
        return None, (f"{key} {written.text} is outside the project ({project().describe()}); lambdalint reads only "
                      "files under the paths it was given or the current directory")
    if not os.path.isfile(path):
        return None, f"{key} {written.text}: no such file"
    return path, None


def child_paths(doc: Document) -> list[str]:
    """Real paths of the local templates ``doc`` nests (literal locations only): the templates
    a directory scan must not lint a second time on their own."""
    resources = doc.data.get("Resources") if isinstance(doc.data, dict) else None
    found = []
    for body in (resources.values() if isinstance(resources, dict) else ()):
        written = location(body)
        if written is not None and written.local is not None:
            path, _ = local_path(doc, written)
            if path is not None:
                found.append(real_path(path))
    return found


class Stacks:
    """The nested templates of one run: each file is read once (its Document is shared by every
    instantiation) and registered with the run the first time a parent reads it."""

    def __init__(self, model, parameters: dict, register):
        self.model = model
        self.parameters = parameters
        self.register = register  # called once per file read as a child (Document or ParseError)
        self.cache: dict[str, Document | ParseError] = {}
        self.registered: set[str] = set()
        self.assets: dict = {}  # AWS CDK: (real dir, S3 object key) -> asset path (cdk.read_assembly)

    def preload(self, doc: Document, registered: bool = False) -> None:
        """A template the run found itself (``registered``: and lints as a root)."""
        real = real_path(doc.path)
        self.cache.setdefault(real, doc)
        if registered:
            self.registered.add(real)

    def peek(self, path: str) -> Document | ParseError:
        from ..discover import load_cfn_file

        real = real_path(path)
        loaded = self.cache.get(real)
        if loaded is None:
            loaded = self.cache[real] = load_cfn_file(Path(path), True)
        return loaded

    def load(self, path: str) -> Document | ParseError:
        real = real_path(path)
        loaded = self.peek(path)
        if real not in self.registered:
            self.registered.add(real)
            self.register(loaded)
        return loaded


def reached_as_children(docs: list[Document], stacks: Stacks, order: list[str] | None = None,
                        childless: set[str] = frozenset()) -> set[str]:
    """Real paths of the templates among ``docs`` (in run order) that some other template of
    the run nests, directly or deeper: they are linted as part of their parents, not again on
    their own ("one resource, counted once").  Templates that only nest each other (a cycle,
    no parent outside it) are still linted, the first one found as a root.

    ``order`` (real paths in run order) and ``childless`` (real paths known to nest nothing, not
    parsed) let a caller pass only the templates that may nest others (the streamed runner)."""
    edges: dict[str, list[str]] = {real: [] for real in childless}

    def below(real: str) -> set[str]:
        seen, todo = set(), [real]
        while todo:
            current = todo.pop()
            if current not in edges:
                loaded = stacks.peek(current)
                edges[current] = child_paths(loaded) if isinstance(loaded, Document) else []
            for child in edges[current]:
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        return seen

    if order is None:
        order = list(dict.fromkeys(real_path(doc.path) for doc in docs))
    for doc in docs:
        stacks.preload(doc)
    nested = set()
    for real in order:
        nested |= below(real) - {real}
    roots = [real for real in order if real not in nested]
    reached = set()
    for real in roots:
        reached |= below(real)
    for real in order:  # nested only inside a cycle: lint the first one as a root
        if real not in reached and real in nested:
            reached |= below(real) - {real}
            reached.discard(real)
            roots.append(real)
    return {real for real in order if real not in roots}


@dataclass
class Parent:
    """How a child template is instantiated: by which stack resource of which parent."""

    fe: object  # the parent's CfnFrontend
    logical_id: str
    passed: dict
    ancestry: tuple  # real paths of the templates above (a template may not include itself)
    condition: str | None


class Nesting:
    """The nested stacks of one template instantiation (``fe.r.nested``)."""

    def __init__(self, stacks: Stacks, fe, ancestry: tuple, map_template):
        self.stacks = stacks
        self.fe = fe
        self.ancestry = ancestry
        self.map_template = map_template  # template.map_template: maps a child onto the model
        self.children: dict[str, object] = {}  # logical id -> child CfnFrontend, or None
        self.reasons: dict[str, str] = {}
        self.active: set[str] = set()

    def instantiate(self, logical_id: str):
        """The child frontend of stack resource ``logical_id`` (mapped on first use), or None."""
        if logical_id in self.children:
            return self.children[logical_id]
        if logical_id in self.active:  # its parameters need its own outputs
            self.reasons.setdefault(logical_id, "its parameters depend on its own outputs")
            return None
        self.active.add(logical_id)
        try:
            child = self._instantiate(logical_id)
        finally:
            self.active.discard(logical_id)
        self.children[logical_id] = child
        return child

    def _instantiate(self, logical_id: str):
        fe = self.fe
        body = fe.r.resources.get(logical_id)
        base = ("Resources", logical_id)
        written = location(body, lambda raw, at: fe.r.resolve(raw, base + at))
        kind, _ = KIND[body["Type"]]
        name = fe.r.display(logical_id)
        ref = InputRef(kind, name, written.text, Source(fe.doc, base + written.source_path), False)
        fe.model.inputs.append(ref)
        path, reason = (None, written.reason) if written.local is None else local_path(fe.doc, written)
        doc = None
        if path is not None:
            real = real_path(path)
            if real in self.ancestry:
                reason = f"{written.text} includes a template that includes it"
            else:
                doc = self.stacks.load(path)
                if isinstance(doc, ParseError):
                    reason, doc = f"{written.text} could not be read ({doc.reason}; see LL001)", None
        if doc is None:
            ref.reason = reason or "not read"
            ref.cause = "outside-project" if "outside the project" in ref.reason else "module"
            self.reasons[logical_id] = ref.reason
            return None
        ref.read = True
        from ..parameters import parameters_for

        props = body.get("Properties") if isinstance(body.get("Properties"), dict) else {}
        condition = body.get("Condition") if isinstance(body.get("Condition"), str) else None
        parent = Parent(fe, logical_id, self._parameters(logical_id, props, doc), self.ancestry + (real,), condition)
        return self.map_template(doc, fe.model, parameters_for(self.stacks.parameters, doc.path), stacks=self.stacks,
                            parent=parent)

    def _parameters(self, logical_id: str, props: dict, child: Document) -> dict[str, Value]:
        """The Values passed to the child's parameters, resolved in the parent."""
        raw = props.get("Parameters")
        declared = child.data.get("Parameters") if isinstance(child.data, dict) else None
        declared = declared if isinstance(declared, dict) else {}
        passed = {}
        for name, item in (raw.items() if isinstance(raw, dict) else ()):
            path = ("Resources", logical_id, "Properties", "Parameters", name)
            decl = declared.get(name) if isinstance(declared.get(name), dict) else {}
            ptype = str(decl.get("Type", "String"))
            join = item.get("Fn::Join") if isinstance(item, dict) and len(item) == 1 else None
            if ptype.startswith(_LIST_TYPES) and isinstance(join, list) and len(join) == 2 and join[0] == ",":
                items = self.fe.r.resolve(join[1], path + ("Fn::Join", 1))
                if isinstance(items, Known) and isinstance(items.value, list):
                    passed[str(name)] = items  # each item keeps its identity (a subnet reference)
                    continue
            passed[str(name)] = self.fe.r.resolve(item, path)
        return passed

    def output(self, logical_id: str, name: str, source: Source) -> Value:
        """``!GetAtt <logical_id>.Outputs.<name>``: the child's output, located at the GetAtt."""
        label = f"!GetAtt {logical_id}.Outputs.{name}"
        child = self.instantiate(logical_id)
        if child is None:
            return Unknown(f"{label} ({self.reasons.get(logical_id, 'nested stack not read')})", source, cause="module")
        outputs = child.doc.data.get("Outputs") if isinstance(child.doc.data, dict) else None
        body = outputs.get(name) if isinstance(outputs, dict) else None
        if not isinstance(body, dict) or "Value" not in body:
            return Unknown(f"{label} (template {child.doc.path} has no output {name})", source)
        value = child.r.get(body, "Value", ("Outputs", name), Source(child.doc, ("Outputs", name)))
        return _located(value, source, label)


def _located(value: Value, source: Source, label: str) -> Value:
    if isinstance(value, Known):
        return Known(value.value, source)
    if isinstance(value, Unknown):
        return value.moved(source, f"{label} <- {value.reason}")
    if isinstance(value, Either):
        return Either(value.condition, tuple(_located(o, source, label) for o in value.options), source)
    return value


def attach(fe, stacks: Stacks, parent: Parent | None, map_template) -> None:
    """Make ``fe`` (a template being mapped) read its nested stacks, each mapped with
    ``map_template`` (template.py's, passed down so this module never imports its caller); as a
    child, give it its own nodes and names and the parameters its parent passes."""
    if parent is None:
        fe.r.nested = Nesting(stacks, fe, (real_path(fe.doc.path),), map_template)
        return
    fe.r.node_prefix = parent.fe.r.node(parent.logical_id) + "/"
    fe.r.name_prefix = parent.fe.r.display(parent.logical_id) + "/"
    fe.r.passed = parent.passed
    fe.r.passed_by = parent.fe.r.display(parent.logical_id)
    fe.r.nested = Nesting(stacks, fe, parent.ancestry, map_template)
    fe.inherited_condition = parent.condition or getattr(parent.fe, "inherited_condition", None)


__all__ = ["Nesting", "Parent", "STACK_TYPES", "Stacks", "attach", "child_paths", "location", "reached_as_children"]
