"""Terraform module directories of one run: load, evaluate, add to the model.

Each directory holding ``.tf``/``.tf.json`` files is one module.  A directory that another linted
module uses as a local child module (``source = "./modules/x"``) is linted through its caller,
with the caller's inputs, and not a second time on its own (its resources would otherwise be
counted twice, e.g. in the concurrency pool).  A file that cannot be parsed is LL001; the other
files of its module are still evaluated.
"""
from __future__ import annotations

import os
from pathlib import Path

from ...document import ParseError


def _load_file(full: str, shown: str):
    from ...load.hcl import load_hcl
    from ...load.tfjson import load_tfjson

    from ...load.read import read_text

    try:  # regular files only, within the size budget (load/limits.py), BOMs decoded
        text = read_text(full, shown)
    except ParseError as error:
        return error
    try:
        return load_tfjson(text, shown) if full.endswith(".tf.json") else load_hcl(text, shown)
    except ParseError as error:
        return error
    except RecursionError:
        return ParseError(shown, "nesting too deep")


def _regular_inside(path: str) -> bool:
    """A regular file (a symlink only to one inside the project): FIFOs and devices are skipped."""
    from ...paths import project

    if not os.path.isfile(path):
        return False
    return not os.path.islink(path) or project().contains(path)


class _Loader:
    """Loads each directory once; remembers which directories were read as child modules."""

    def __init__(self, display_path):
        self.display_path = display_path
        self.cache: dict[str, tuple[list, list]] = {}
        self.children: set[str] = set()
        self.reader: str | None = None  # the root module being evaluated
        self.reads: dict[str, set] = {}  # root module -> directories it read as child modules

    def load(self, directory: str) -> tuple[list, list]:
        key = os.path.abspath(directory)
        if key not in self.cache:
            docs, errors = [], []
            for name in sorted(os.listdir(directory)):
                full = os.path.join(directory, name)
                if (name.endswith(".tf") or name.endswith(".tf.json")) and _regular_inside(full):
                    loaded = _load_file(full, self.display_path(full))
                    (errors if isinstance(loaded, ParseError) else docs).append(loaded)
            self.cache[key] = (docs, errors)
        return self.cache[key]

    def read_child(self, directory: str) -> list:
        self.children.add(os.path.abspath(directory))
        if self.reader is not None:
            self.reads.setdefault(self.reader, set()).add(os.path.abspath(directory))
        docs, errors = self.load(directory)
        if errors and not docs:
            raise errors[0]
        return docs


def evaluate_modules(directories, parameters: dict, display_path, internal_errors: list | None = None):
    """Evaluate the module directories of one run together (a directory another one uses as a
    child module is not linted on its own).  Returns (ParseErrors, {directory: (docs, evaluation)})
    for the directories to add to the model, which the caller adds in its own order."""
    plan = ModulePlan(directories, parameters, display_path, internal_errors is None)
    errors = [error for directory in directories for error in plan.errors[directory]]
    if internal_errors is not None:
        internal_errors += [message for directory in directories for message in plan.internal[directory]]
    return errors, {d: plan.results[d] for d in directories if d in plan.results and d in plan.kept}


class ReadsChild(Exception):
    """A directory evaluated late (see ModulePlan) called a local module after all."""


class ModulePlan:
    """The module directories of one run, evaluated in order; those ``defer`` names (directories
    that call no module, so they are nobody's caller) only when :meth:`evaluate` asks, so that a
    caller that lints one directory at a time keeps one directory's documents at a time.  Per
    directory: its ParseErrors, lambdalint's own failures, its (docs, evaluation)."""

    def __init__(self, directories, parameters: dict, display_path, raise_bugs: bool = False, defer=None):
        self.loader = _Loader(lambda p: display_path(Path(p)))
        self.parameters = parameters
        self.raise_bugs = raise_bugs
        self.errors: dict = {d: [] for d in directories}
        self.internal: dict = {d: [] for d in directories}
        self.results: dict = {}
        self.deferred = {d for d in directories if defer is not None and defer(d)}
        for directory in directories:
            if directory not in self.deferred:
                self._evaluate(directory)
        up_front = [os.path.abspath(d) for d in directories if d in self.results]
        roots = _linted_on_their_own(up_front, self.loader.reads)
        read = {child for children in self.loader.reads.values() for child in children}
        self.kept = {d for d in directories
                     if (d in self.deferred and os.path.abspath(d) not in read) or os.path.abspath(d) in roots}

    def evaluate(self, directory: str) -> None:
        """Evaluate a deferred directory now (results, errors and internal errors filled in)."""
        self._evaluate(directory)
        self.loader.cache.pop(os.path.abspath(directory), None)  # linted once: not kept
        if self.loader.reads.get(os.path.abspath(directory)):
            raise ReadsChild(directory)

    def _evaluate(self, directory: str) -> None:
        from ...parameters import parameters_for
        from .evaluate import evaluate_module_ex

        loader = self.loader
        docs, failed = loader.load(directory)
        self.errors[directory].extend(failed)
        if not docs:
            return
        shown = loader.display_path(directory)
        variables = parameters_for(self.parameters, shown) if self.parameters else {}
        loader.reader = os.path.abspath(directory)
        try:
            evaluation = evaluate_module_ex(docs, shown, variables, read_module=loader.read_child)
        except RecursionError:
            self.errors[directory].append(ParseError(shown, "module nested too deeply to evaluate"))
            return
        except Exception as error:  # a lambdalint bug on this module: say so, lint the others
            if self.raise_bugs:
                raise
            self.internal[directory].append(f"{shown}: {type(error).__name__}: {error}")
            return
        self.results[directory] = (docs, evaluation)


def _linted_on_their_own(directories: list[str], reads: dict[str, set]) -> set[str]:
    """The directories to lint as root modules: those no other directory reads as a child, and
    then, for modules that only call each other (``a`` sources ``../b``, ``b`` sources ``../a``),
    the first of each cycle in discovery order, so each module is linted exactly once (the call
    back into it stays unread: "it includes itself")."""
    read_by_other = {child for reader, children in reads.items() for child in children if child != reader}
    kept = {d for d in directories if d not in read_by_other}
    covered = set(kept)
    for d in kept:
        covered |= reads.get(d, set())
    for d in directories:  # a cycle no root reaches
        if d not in covered:
            kept.add(d)
            covered.add(d)
            covered |= reads.get(d, set())
    return kept


def add_module(docs, evaluation, model, add_resources) -> list:
    """Add one evaluated module's resources to the model; returns its Documents."""
    add_resources(evaluation.resources, model)
    model.inputs.extend(evaluation.inputs)
    for ref in evaluation.undeclared:
        model.unresolved_refs.append((ref.source, f"reference to undeclared {ref.kind} {ref.name}"))
    return list(docs)
