"""The streamed run: memory bounded by the largest group of linked files, not by the run.

A run is a sequence of *units* (a template file with the templates it nests, a Terraform module
directory, a plan).  Most units share nothing with the others: each is parsed, modelled and
checked on its own, its findings and undecided checks are kept as plain data (``Span``s), and its
documents and model are dropped before the next unit is read.  Units that are linked are modelled
together as one *group* (union-find over their link keys):

* ``Fn::ImportValue`` of a name another unit ``Export``s (the import resolves to that unit's
  value, so each side's checks read the other's resources);
* with LL604 (opt-in), a log group declared with a literal name that a function of another unit
  writes to (``/aws/lambda/<FunctionName>``, ``LoggingConfig.LogGroup``): LL604 checks the group
  with every function that writes to it.  LL602 only reads the group from the function's side,
  which the run-wide list below gives it.

Facts that any unit's checks may read without a link are kept for the whole run and shown to
every group in run order (``Model.run_wide``): log groups, VPC endpoints (LL202), CloudWatch
alarms (LL603).  So that they are known before the first group is checked, the units that may
hold them or import something are found by a text scan and modelled first (*pass 0*) and kept to
the end; the rest are streamed in run order (*pass 1*).  The scan is checked against the model:
a streamed unit that turns out to hold such a fact (or nests a template although its text names
no stack type) makes the run start again unstreamed, so a miss costs time, never a finding.

What truly spans the run is computed at the end from compact records: LL401 adds up the
reservations of every function in run order, LL002 reports the suppressions nothing used.

Runs with AWS CDK cloud assemblies are not streamed (their templates are registered across the
assembly and the files listed beside it).  The findings, undecided checks and counts are those
of the unstreamed run (``runner.build_model`` + one rules pass), byte for byte; tests compare
both on every fixture directory and on the corpus.
"""
from __future__ import annotations

import gc

from . import progress
from .discover import discover
from .document import Document, ParseError
from .frontends.cfn_intrinsics import IMPORTS
from .mapfile import map_file, mark, reported_once, rollback
from .model import Model
from .paths import display_path, real as real_path
from .stream_check import LAST, RUN_LEVEL, RUN_WIDE, GroupChecks, finish
from .stream_records import (RunRecords, calls_modules, frozen_entity, groups, import_names, log_names_declared,
                             log_names_written, scan, scan_directory)

RUN_WIDE_TF = ("aws_cloudwatch_log_group", "aws_vpc_endpoint", "aws_cloudwatch_metric_alarm")


class Restart(Exception):
    """The text scan missed a unit that holds a run-wide fact: lint the run unstreamed."""


class Unit:
    __slots__ = ("index", "kind", "item", "model", "docs", "files", "errors", "keys", "held", "wide", "frozen",
                 "__weakref__")

    def __init__(self, index, kind, item):
        self.index, self.kind, self.item = index, kind, item
        self.model = None
        self.docs, self.files, self.errors, self.keys = [], [], [], set()
        self.held = False
        self.wide: dict = {}  # RUN_WIDE class -> this unit's entities of it (pass-0 units)
        self.frozen: dict = {}  # the same, as copies whose sources keep no document alive


class Streamed(GroupChecks):
    def __init__(self, paths, config, parameters, rules, chosen, load):
        self.config, self.parameters = config, parameters or {}
        self.load = load
        self.rules, self.chosen = rules, chosen
        self.group_rules = [r for r in chosen if r.meta.id not in RUN_LEVEL]
        self.order_of = {r.meta.id: i for i, r in enumerate(rules.values())}
        self.findings, self.undecided, self.checks = [], [], {}
        self.rule_errors = []  # (rule order, unit index, message)
        self.load_errors, self.map_errors = [], []  # (unit index, message)
        self.nesting_errors: list = []  # after every file is loaded, before any is mapped (as runner.py)
        self.suppressions, self.extents = [], {}
        self.suppressed = self.without_reason = 0
        self.shadow_ran: dict = {}
        self.records = RunRecords()
        self.functions = 0
        self.current: Unit | None = None
        self.concurrency: list = []  # (unit index, position, LL401 Contribution)
        self.tf_files: set = set()
        self.settings: dict = {}  # rule ID -> (options, severity), for run_rules
        self.shared_memo: dict = {}  # Model.run_memo across groups (LL108's package walks)
        self.shared_wide = None  # (run-wide lists, log group index) shown to every streamed unit

    # -- units ------------------------------------------------------------------------------
    def run(self, paths):
        from .frontends.nested import Stacks, reached_as_children
        from .samconfig import SamConfigs

        inputs = discover(paths, self.config.exclude)
        if any(kind == "cdk" for kind, _ in inputs.order):
            raise Restart("AWS CDK cloud assembly in the run: not streamed")
        head = Unit(-1, "head", None)
        head.model = Model()
        head.model.parse_errors = []
        for error in inputs.errors:
            head.model.parse_errors.append(error)
            head.files.append(error.file)
        self.modules = None
        if inputs.tf_dirs:  # directories that call no module are evaluated when they are linted
            from .frontends.terraform.modules import ModulePlan

            self.modules = ModulePlan(inputs.tf_dirs, self.parameters, display_path,
                                      defer=lambda directory: not calls_modules(directory))
        units = [Unit(i, kind, item) for i, (kind, item) in enumerate(inputs.order)]
        first, parents, order, childless = [], [], [], set()
        for unit in units:
            if unit.kind == "tf":
                plan = self.modules
                if unit.item in plan.deferred:  # calls no module: its own files tell
                    wide = scan_directory(unit.item)
                else:  # evaluated already: its resources (child modules' too) tell
                    docs_evaluation = plan.results.get(unit.item)
                    wide = docs_evaluation is not None and any(
                        r.type in RUN_WIDE_TF for r in docs_evaluation[1].resources)
                if wide:
                    first.append(unit)
                continue
            path = inputs.cfn_files[unit.item][0]
            wide, nests = scan(path)
            real = real_path(path)
            order.append(real)
            if wide:
                first.append(unit)
            if nests:
                parents.append((unit, path))
            else:
                childless.add(real)
        self.sam_errors: list = []
        self.stacks = Stacks(None, self.parameters, self._register)
        self.samconfigs = SamConfigs(self.config.sam_config_env, self.sam_errors)
        self.inputs = inputs
        self.nests = {id(u) for u, _ in parents}
        docs = []
        self.preparsed = {}  # unit index -> its file, parsed to find nested templates, read once
        for unit, path in parents:
            loaded = self._load(unit, path, inputs.cfn_files[unit.item][1], record=False)
            if loaded is not None:
                self.preparsed[unit.index] = loaded
            if isinstance(loaded, Document) and loaded.format.startswith("cfn"):
                docs.append(loaded)
        try:
            self.as_children = reached_as_children(docs, self.stacks, order, childless) if docs else set()
        except Exception as error:  # a lambdalint bug: every template is then linted on its own
            self.nesting_errors.append(f"finding nested stacks: {type(error).__name__}: {error}")
            self.as_children = set()
        self.stacks.cache.clear()
        del docs
        progress.expect(len(units))
        # pass 0: the units whose facts other units read
        log_links = any(r.meta.id == "LL604" for r in self.chosen)  # see the module's docstring
        imports, log_names = set(), set()
        for unit in first:
            self._map(unit)
            unit.held = True
            unit.wide = {cls: list(unit.model.by_class.get(cls, ())) for cls in RUN_WIDE}
            unit.frozen = {cls: [frozen_entity(e) for e in found] for cls, found in unit.wide.items()}
            for entity in unit.model.entities.values():
                names = import_names(entity)
                if names and isinstance(entity, RUN_WIDE):
                    raise Restart(f"{type(entity).__name__} {entity.name} imports {sorted(names)[0]}")
                imports |= names
                unit.keys |= {("x", name) for name in names}
            unit.keys |= {("x", name) for name in unit.model.exports}
            if log_links:
                declared = log_names_declared(unit.model)
                log_names |= declared
                unit.keys |= {("l", name) for name in declared}
                for fn in unit.model.functions():
                    unit.keys |= {("l", name) for name in log_names_written(fn)}
        self.run_wide_units = list(first)
        LAST["run-wide files"] = len(first)
        # a group of them that imports nothing (and, with LL604, declares no log group a streamed
        # unit may write to) can take no streamed unit in: checked now, its documents dropped
        held = []
        for group in groups(first):
            if any(key[0] == "x" and key[1] in imports for u in group for key in u.keys) or (
                    log_links and any(key[0] == "l" and key[1] in log_names for u in group for key in u.keys)):
                held += group
            else:
                self._check(group)
        gc.collect()
        gc.freeze()  # what lives on to the end: the collections below need not scan it again
        # pass 1: every other unit in run order, checked and dropped at once unless linked
        for unit in units:
            if unit.held:
                continue
            seen = IMPORTS[0]
            self._map(unit)
            model = unit.model
            if IMPORTS[0] != seen:
                raise Restart(f"{unit.files[:1]}: import not found by the text scan")
            for cls in RUN_WIDE:
                if model.by_class.get(cls):
                    raise Restart(f"{unit.files[:1]}: {cls.__name__} not found by the text scan")
            if id(unit) not in self.nests:
                from .frontends.nested import child_paths

                if any(child_paths(doc) for doc in unit.docs if doc.format.startswith("cfn")):
                    raise Restart(f"{unit.files[:1]}: nested stack not found by the text scan")
            exported = set(model.exports) & imports
            linked = set()
            if log_links:
                for fn in model.functions():
                    linked |= log_names_written(fn) & log_names
            if exported or linked:
                unit.held = True
                unit.keys |= {("x", name) for name in exported} | {("l", name) for name in linked}
                held.append(unit)
            else:
                self._check([unit])
        # the linked units, group by group
        for group in groups(sorted(held, key=lambda u: u.index)):
            self._check(group)
        return head, units

    def _register(self, loaded) -> None:  # a template first read as a child
        unit = self.current
        if isinstance(loaded, ParseError):
            unit.model.parse_errors.append(loaded)
            unit.files.append(loaded.file)
        elif loaded is not None:
            unit.docs.append(loaded)
            unit.files.append(loaded.path)

    def _load(self, unit, path, explicit, record=True):
        try:
            return self.load(path, explicit and not self.config.only_templates)
        except RecursionError:
            return ParseError(display_path(path), "nested too deeply to read")
        except Exception as error:  # a lambdalint bug on this file: say so, lint the others
            if record:
                self.load_errors.append((unit.index, f"{display_path(path)}: {type(error).__name__}: {error}"))
            return None

    def _map(self, unit) -> None:
        progress.tick()
        self.current = unit
        model = unit.model = Model()
        model.parse_errors = []
        self.stacks.model = model
        try:
            if unit.kind == "tf":
                self._map_tf(unit)
                return
            path, explicit = self.inputs.cfn_files[unit.item]
            loaded = self.preparsed.pop(unit.index, None) or self._load(unit, path, explicit)
            if loaded is None:
                return
            if isinstance(loaded, Document) and loaded.format.startswith("cfn"):
                real = real_path(loaded.path)
                if real in self.as_children or real in self.stacks.registered:
                    return  # linted through the template that nests it
                self.stacks.preload(loaded, registered=True)
            if isinstance(loaded, ParseError):
                if reported_once(loaded, self.stacks):  # not again when a parent read it as a child
                    model.parse_errors.append(loaded)
                    unit.files.append(loaded.file)
                return
            unit.docs.append(loaded)
            unit.files.append(loaded.path)
            map_file(loaded, model, self.parameters, self.samconfigs, self.stacks)
        finally:
            self.map_errors += [(unit.index, message) for message in model.internal_errors]
            model.internal_errors.clear()
            model.parse_errors.extend(self.sam_errors)
            self.sam_errors.clear()
            self.stacks.cache.clear()
            self.current = None

    def _map_tf(self, unit) -> None:
        from .frontends.terraform.mapping import add_resources
        from .frontends.terraform.modules import ReadsChild, add_module

        plan = self.modules
        if unit.item in plan.deferred:
            try:
                plan.evaluate(unit.item)
            except ReadsChild:
                raise Restart(f"{unit.item}: module call not found by the text scan") from None
        if unit.item not in plan.results or unit.item not in plan.kept:
            return
        model = unit.model
        before = mark(model)
        try:
            added = add_module(*plan.results.pop(unit.item), model, add_resources)
        except Exception as error:  # a lambdalint bug on this module: say so, lint the others
            rollback(model, before)
            model.internal_errors.append(f"{display_path(unit.item)}: {type(error).__name__}: {error}")
            return
        for doc in added:
            unit.docs.append(doc)
            if doc.path not in self.tf_files:
                self.tf_files.add(doc.path)
                unit.files.append(doc.path)


def lint_streamed(paths, config, parameters, rules, chosen, show_unknowns, started, load):
    """The report of a streamed run (``Restart`` when the run must be linted unstreamed); ``load``
    reads one CloudFormation/SAM file (``discover.load_cfn_file``)."""
    LAST.clear()
    LAST.update({"groups": 0, "largest group": 0, "run-wide files": 0, "restarted": ""})
    run = Streamed(paths, config, parameters, rules, chosen, load)
    collecting = gc.isenabled()
    gc.disable()
    try:
        head, units = run.run(paths)
    finally:
        if collecting:
            gc.enable()
    return finish(run, head, units, config, rules, chosen, show_unknowns, started)
