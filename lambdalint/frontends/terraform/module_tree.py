"""The module tree of one Terraform evaluation: declarations, instances, module calls and
the child modules they read.

A module call is read from

* a local directory (``source = "./modules/x"``), relative to the calling module;
* for a registry or git source, the directory that ``terraform init`` installed it into, as
  ``.terraform/modules/modules.json`` of the root module records it for the call's key
  (``worker``, nested calls ``worker.inner``), when that directory is inside the project.

Every module call is recorded as an input (:class:`~lambdalint.model.inputs.InputRef`, rule
LL004): read, or not read with the reason and what would let lambdalint read it (``terraform
init``, or a plan).  A call that cannot be read leaves its outputs Unknown with that reason.
"""
from __future__ import annotations

import json
import os

from ...document import ParseError, Source
from ...load.hcl import Block
from ...model.inputs import InputRef
from ...paths import project
from ...values import Unknown
from .expressions import Scope
from .files import load_module_dir
from .limits import MAX_MODULE_DEPTH
from .tfvalues import known_str

MANIFEST = os.path.join(".terraform", "modules", "modules.json")
_META_ARGUMENTS = ("source", "version", "count", "for_each", "providers", "depends_on")
_REGISTRY = "registry.terraform.io/"
REMEDY = "run `terraform init`, or lint a plan"


def installed_modules(root: str) -> dict[str, dict]:
    """What ``terraform init`` installed for the root module in ``root``: call key -> the
    ``modules.json`` entry (``Key``, ``Source``, ``Version``, ``Dir`` relative to ``root``)."""
    from ...document import ParseError
    from ...load.read import read_text

    path = os.path.join(root, MANIFEST)
    if not os.path.exists(path):
        return {}
    try:  # a regular file within the size budget: a FIFO named modules.json is never opened
        raw = json.loads(read_text(path, path))
    except (ParseError, ValueError, RecursionError):
        return {}
    entries = raw.get("Modules") if isinstance(raw, dict) else None
    return {e["Key"]: e for e in entries or () if isinstance(e, dict) and isinstance(e.get("Key"), str)
            and isinstance(e.get("Dir"), str)}


def _same_source(written: str, recorded) -> bool:
    """Whether the source a call writes is the one ``terraform init`` installed (registry
    addresses are recorded with their host)."""
    if not isinstance(recorded, str):
        return True
    strip = lambda s: s[len(_REGISTRY):] if s.startswith(_REGISTRY) else s  # noqa: E731
    return strip(written.strip()) == strip(recorded.strip())


def _is_local(source: str) -> bool:
    return source.startswith(("./", "../", ".\\", "..\\"))


class Decl:
    """A declared resource or data source."""

    __slots__ = ("mode", "type", "name", "block", "doc", "instances")

    def __init__(self, mode, type_, name, block, doc):
        self.mode, self.type, self.name, self.block, self.doc = mode, type_, name, block, doc
        self.instances = None  # list[Instance] once computed


class Instance:
    __slots__ = ("decl", "address", "node", "key", "bindings", "extra", "values")

    def __init__(self, decl, address, node, key, bindings, extra):
        self.decl, self.address, self.node, self.key = decl, address, node, key
        self.bindings, self.extra, self.values = bindings, extra, None


class ModuleCall:
    __slots__ = ("name", "block", "doc", "instances", "unreadable", "unknown_keys")


    def __init__(self, name, block, doc):
        self.name, self.block, self.doc = name, block, doc
        self.instances = None  # list[(key, Module | None)]
        self.unreadable = None  # reason
        self.unknown_keys = None  # why count/for_each is unknown (one representative instance)


class Module:
    """One module instance: its declarations and lazily evaluated variables/locals/outputs."""

    def __init__(self, prefix, docs, directory, inputs, depth, parent, ancestry, key=""):
        self.prefix, self.docs, self.directory = prefix, docs, directory
        self.key = key  # the call path modules.json uses: "" (root), "worker", "worker.inner"
        self.reusable = False  # a reusable module linted on its own (evaluate.is_reusable_module)
        self.inputs = inputs  # name -> ("plain", v) | ("expr", Expr, doc) | ("parent", Expr, doc, path, scope)
        self.depth, self.parent, self.ancestry = depth, parent, ancestry
        self.resources: dict[tuple, Decl] = {}
        self.variables: dict[str, tuple] = {}
        self.locals: dict[str, tuple] = {}
        self.outputs: dict[str, tuple] = {}
        self.modules: dict[str, ModuleCall] = {}
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
                decl = Decl("managed" if kind == "resource" else "data", labels[0], labels[1], block, doc)
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
            call = ModuleCall(labels[0], block, doc)
            self.modules[labels[0]] = call
            self.order.append(call)


def key_text(key) -> str:
    """An instance key as Terraform writes it in an address: ``[0]``, ``["a"]``."""
    return json.dumps(key, ensure_ascii=False) if isinstance(key, str) else str(key)



class ModuleCalls:
    """Mixin of the module evaluator (``evaluate._Evaluator``): the instances of a module call
    and the child modules they read.  The evaluator provides ``eval``, ``guarded``,
    ``expansion``/``expansion_bindings``, ``read_module``, ``read_cache``, ``installed`` (from
    :func:`installed_modules`), ``root_directory`` and ``inputs``."""

    def module_instances(self, module: Module, call: ModuleCall):
        if call.instances is not None:
            return call.instances
        call.instances = []
        result, cycle = self.guarded(("module", id(call)), lambda: self._module_instances(module, call), "cycle")
        call.instances = result if not cycle else []
        return call.instances

    def _module_instances(self, module: Module, call: ModuleCall):
        block, doc = call.block, call.doc
        scope = Scope(module, {})
        source = self.eval(block.attrs["source"], scope, Source(doc, block.path + ("source",))) \
            if "source" in block.attrs else Unknown("no source")
        text = known_str(source)
        call_key = f"{module.key}.{call.name}" if module.key else call.name
        docs, reason, path = self.read_child(module, text, call_key, block.attrs.get("version"), scope, doc)
        self.inputs.append(InputRef("module call", f"{module.prefix}module.{call.name}",
                                    text if text is not None else getattr(source, "reason", "?"),
                                    Source(doc, block.path + ("source",)), reason is None, reason or "",
                                    "outside-project" if reason and "outside the project" in reason else "module"))
        keys, _extra = self.expansion(block, scope, doc)
        if reason is not None:
            call.unreadable = reason
            return [(None, None)]
        out = []
        unknown = keys if isinstance(keys, Unknown) else None
        if unknown is not None:  # one representative instance, as for resources
            call.unknown_keys = unknown.reason
            keys = [("*", None)]
        for key, value in (keys if keys is not None else [(None, None)]):
            index = "[*]" if unknown is not None else f"[{key_text(key)}]" if key is not None else ""
            prefix = f"{module.prefix}module.{call.name}{index}."
            bindings = self.expansion_bindings(block, key, value, unknown) if key is not None else {}
            pscope = Scope(module, bindings)
            inputs = {}
            for arg, expr in block.attrs.items():
                if arg not in _META_ARGUMENTS:
                    inputs[arg] = ("parent", expr, doc, block.path + (arg,), pscope)
            child = Module(prefix, docs, path, inputs, module.depth + 1, module,
                            module.ancestry + (os.path.abspath(path),), call_key)
            out.append((key, child))
        return out

    def read_child(self, module: Module, source: str | None, key: str, version_expr=None, scope=None, doc=None):
        """(docs, None, directory) for a readable module call, else (None, reason, None)."""
        if source is None:
            return None, "module source is not a known string", None
        if module.depth + 1 > MAX_MODULE_DEPTH:
            return None, f"source {source} not read (modules nested more than {MAX_MODULE_DEPTH} deep: the budget)", None
        if _is_local(source):
            path = project().resolve(source, module.directory)
            if path is None:
                return None, (f"source {source} is outside the project ({project().describe()}); lambdalint reads "
                              "only files under the paths it was given or the current directory"), None
        else:
            path, reason = self.installed_dir(source, key, version_expr, scope, doc)
            if path is None:
                return None, reason, None
        if os.path.abspath(path) in module.ancestry:
            return None, f"source {source} not read (it includes itself)", None
        cached = self.read_cache.get(path)
        if cached is None:
            cached = self.read_cache[path] = self._read_child(source, path)
        return cached + (path,)

    def installed_dir(self, source: str, key: str, version_expr, scope, doc):
        """(directory, None) where ``terraform init`` installed a registry or git module call,
        or (None, why not and what would let lambdalint read it)."""
        version = None
        if version_expr is not None and scope is not None:
            version = known_str(self.eval(version_expr, scope, None))
        shown = f"{source} (version {version})" if version else source
        entry = self.installed.get(key)
        if entry is None:
            return None, f"source {shown} is not downloaded; {REMEDY}"
        if not _same_source(source, entry.get("Source")):
            return None, (f"source {shown} is not the {entry.get('Source')} that `terraform init` installed; "
                          f"{REMEDY}")
        where = project().resolve(entry["Dir"], self.root_directory)
        if where is None:
            return None, (f"source {shown} was installed in {entry['Dir']}, outside the project "
                          f"({project().describe()}); lambdalint reads only files under the paths it was given")
        if not os.path.isdir(where):
            return None, f"source {shown}: {entry['Dir']}, recorded in {MANIFEST}, does not exist; {REMEDY}"
        return os.path.normpath(where), None

    def _read_child(self, source, path):
        if not os.path.isdir(path):
            return None, f"source {source}: no such directory"
        try:
            docs = self.read_module(path) if self.read_module is not None else load_module_dir(path)
        except ParseError as exc:
            return None, f"source {source} could not be read ({exc.reason} in {exc.file}:{exc.line}; see LL001)"
        except Exception as exc:  # unreadable directory, callback error
            return None, f"source {source} could not be read ({type(exc).__name__})"
        if not docs:
            return None, f"source {source}: the directory holds no .tf files"
        return docs, None


