"""One lint run: discover files, load them, map them onto a model, run the rules.

A run is linted as if all its files formed one model, so cross-template facts (the account
concurrency pool, ``Export``/``ImportValue``) are resolved across them.  There are two runners,
with the same report byte for byte:

* the *streamed* run (:mod:`lambdalint.stream`), the default: one group of linked files at a
  time, memory bounded by the largest group;
* the *one-model* run (``build_model`` below, then one rules pass), which must stay: it is what a
  streamed run falls back to when it cannot stream (an AWS CDK cloud assembly in the run, or a
  file whose run-wide facts its text scan missed: ``stream.Restart``), what ``lambdalint graph``
  draws (the whole model), and the oracle the tests compare the streamed run with
  (``LAMBDALINT_STREAM=0`` selects it).

Both map a file with :mod:`lambdalint.mapfile`.  A file that cannot be parsed becomes an LL001
finding and never stops the other files.
"""
from __future__ import annotations

import os
import sys
import time

from . import progress
from .config import Config
from .discover import discover, load_cfn_file
from .document import Document, ParseError
from .engine import load_rules, matches, run_rules, select_rules
from .findings import Report
from .mapfile import map_file, mark, reported_once, rollback
from .model import Model
from .parameters import load_parameters
from .paths import display_path, project_of, real as real_path
from .suppressions import (apply_suppressions, collect_suppressions, resource_extents, selector_matches,
                           unused_suppressions)


def build_model(paths: list[str], config: Config, parameters: dict | None = None) -> tuple[Model, list[Document]]:
    with project_of(paths):  # paths written in inputs are read only inside the project
        return _build_model(paths, config, parameters)


def _build_model(paths: list[str], config: Config, parameters: dict | None) -> tuple[Model, list[Document]]:
    parameters = parameters or {}
    model = Model()
    model.parse_errors = []
    docs: list[Document] = []
    inputs = discover(paths, config.exclude)
    for error in inputs.errors:  # directories that cannot be listed, non-regular files named
        model.parse_errors.append(error)
        model.files.append(error.file)
    modules = {}
    if inputs.tf_dirs:
        from .frontends.terraform.mapping import add_resources
        from .frontends.terraform.modules import add_module, evaluate_modules

        errors, modules = evaluate_modules(inputs.tf_dirs, parameters, display_path, model.internal_errors)
        for error in errors:
            model.parse_errors.append(error)
            model.files.append(error.file)
    # CloudFormation/SAM files first loaded, so that a template another one nests (a nested
    # stack, a SAM application) is linted through its parent and not again on its own
    from .frontends.nested import Stacks, reached_as_children

    loaded_cfn = {}
    progress.expect(2 * len(inputs.order))  # parse, then map
    for kind, item in inputs.order:
        if kind == "cfn":
            path, explicit = inputs.cfn_files[item]
            progress.tick(path)
            try:
                loaded_cfn[item] = load_cfn_file(path, explicit and not config.only_templates)
            except RecursionError:
                loaded_cfn[item] = ParseError(display_path(path), "nested too deeply to read")
            except Exception as error:  # a lambdalint bug on this file: say so, lint the others
                model.internal_errors.append(f"{display_path(path)}: {type(error).__name__}: {error}")
                loaded_cfn[item] = None
        else:
            progress.tick()

    def register(loaded) -> None:  # a template first read as a child
        if isinstance(loaded, ParseError):
            model.parse_errors.append(loaded)
            model.files.append(loaded.file)
        elif loaded is not None:
            docs.append(loaded)
            model.files.append(loaded.path)

    stacks = Stacks(model, parameters, register)
    from .samconfig import SamConfigs

    samconfigs = SamConfigs(config.sam_config_env, model.parse_errors)
    templates = [d for d in loaded_cfn.values() if isinstance(d, Document) and d.format.startswith("cfn")]
    try:
        as_children = reached_as_children(templates, stacks) if templates else set()
    except Exception as error:  # a lambdalint bug: every template is then linted on its own
        model.internal_errors.append(f"finding nested stacks: {type(error).__name__}: {error}")
        as_children = set()
    def map_root(loaded: Document, samconfig: bool = True) -> None:
        map_file(loaded, model, parameters, samconfigs if samconfig else None, stacks)

    # files, Terraform module directories and CDK cloud assemblies in the order found (arguments
    # order, then walk order)
    for kind, item in inputs.order:
        progress.tick("mapping")
        if kind == "cdk":  # every stack of the app (nested stacks through their parents)
            from .frontends.cdk import read_assembly

            try:
                assembly = read_assembly(item)
            except Exception as error:  # a lambdalint bug on this assembly: say so, lint the others
                model.internal_errors.append(f"{display_path(item)}: {type(error).__name__}: {error}")
                continue
            stacks.assets.update(assembly.assets)
            for error in assembly.errors:
                register(error)
            for path in assembly.templates:
                if real_path(path) not in stacks.registered:
                    loaded = stacks.load(path)
                    if isinstance(loaded, Document):
                        map_root(loaded, samconfig=False)  # deployed by the cdk CLI
            continue
        if kind == "tf":
            if item in modules:
                before = mark(model)
                try:
                    added = add_module(*modules[item], model, add_resources)
                except Exception as error:  # a lambdalint bug on this module: say so, lint the others
                    rollback(model, before)
                    model.internal_errors.append(f"{display_path(item)}: {type(error).__name__}: {error}")
                    continue
                for doc in added:
                    docs.append(doc)
                    if doc.path not in model.files:
                        model.files.append(doc.path)
            continue
        loaded = loaded_cfn[item]
        if loaded is None:
            continue
        if isinstance(loaded, Document) and loaded.format.startswith("cfn"):
            real = real_path(loaded.path)
            if real in as_children or real in stacks.registered:
                continue  # linted through the template that nests it
            stacks.preload(loaded, registered=True)
        if isinstance(loaded, ParseError):
            if reported_once(loaded, stacks):  # a child that a parent in the run also reads
                model.parse_errors.append(loaded)
                model.files.append(loaded.file)
            continue
        docs.append(loaded)
        model.files.append(loaded.path)
        map_root(loaded)
    model.resolve_imports()
    model.build()
    return model, docs


def lint(paths: list[str], config: Config, parameters: dict | None = None, show_unknowns: bool = False) -> Report:
    with project_of(paths):  # rules that read packages (LL108) stay inside the project too
        return _lint(paths, config, parameters, show_unknowns)


def _lint(paths: list[str], config: Config, parameters: dict | None, show_unknowns: bool) -> Report:
    started = time.perf_counter()
    rules = load_rules()
    if os.environ.get("LAMBDALINT_STREAM", "1") != "0":  # 0: one model for the whole run (tests compare)
        from .stream import Restart, lint_streamed

        try:
            return lint_streamed(paths, config, parameters, rules, select_rules(rules, config.select, config.ignore),
                                 show_unknowns, started, load_cfn_file)  # looked up now: tests replace it here
        except Restart as why:
            from . import stream

            stream.LAST["restarted"] = str(why)
            if os.environ.get("LAMBDALINT_STREAM_DEBUG"):
                print(f"lambdalint: streamed run restarted unstreamed: {why}", file=sys.stderr)
            progress.expect(0)
    model, docs = build_model(paths, config, parameters)
    chosen = select_rules(rules, config.select, config.ignore)
    first = [r for r in chosen if r.meta.id != "LL002"]
    findings, undecided, checks = run_rules(model, first, config)
    suppressions = collect_suppressions(docs)
    starts = resource_extents(model, {h.file for h in suppressions}) if suppressions else {}
    findings, suppressed, without_reason = apply_suppressions(findings, suppressions, config, starts)
    ll002 = [r for r in chosen if r.meta.id == "LL002"]
    if ll002:
        # A suppression may name a rule that --select left out (`--select LL002` alone looks for
        # stale suppressions): run those rules too, only to see which suppressions they use.
        shadow = [r for r in rules.values() if r not in chosen and not r.meta.opt_in and r.meta.id != "LL002"
                  and not any(matches(r.meta, s) for s in config.ignore or ())
                  and any(not h.used and any(selector_matches(i, r.meta.id, r.meta.name) for i in h.ids) for h in suppressions)]
        if shadow:
            hidden, _, _ = run_rules(model, shadow, config)
            apply_suppressions(hidden, suppressions, config, starts)
        model.unused_suppressions = unused_suppressions(suppressions, rules, chosen + shadow)
        more, _, more_checks = run_rules(model, ll002, config)
        findings += more
        checks.update(more_checks)
    findings.sort(key=lambda f: f.sort_key())
    undecided = sorted(set(undecided), key=lambda u: u.sort_key())
    return Report(findings=findings, unknowns=undecided, files=len(model.files), functions=len(model.functions()),
                  suppressed=suppressed, suppressed_without_reason=without_reason, show_unknowns=show_unknowns,
                  internal_errors=list(model.internal_errors), paths=tuple(dict.fromkeys(model.files)),
                  fail_on=config.fail_on, elapsed=time.perf_counter() - started, checks=checks)


__all__ = ["lint", "build_model", "load_parameters"]
