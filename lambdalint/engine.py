"""Runs the rules over a model and turns what they yield into findings.

Rules are discovered by listing the ``rules/`` folder (no registry filled by import side effects):
each module there has ``RULE`` and ``check``.  The engine runs each rule's check on each of its
subjects and computes the verdict of every (rule, subject): a finding, a pass, or undecided (see
:mod:`lambdalint.rulekit`), which the summary counts.  It stamps ID, name and severity; the
runner then applies suppressions (inline comments, resource ``Metadata``, config) and reports
unused ones (LL002).
"""
from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType

from . import progress
from .document import Span
from .findings import Finding, Related, Undecided
from .rulekit import Issue, Rule, Unsure


@dataclass(frozen=True)
class LoadedRule:
    meta: Rule
    module: ModuleType

    @property
    def doc(self) -> str:
        return (self.module.__doc__ or "").strip()


def rules_dir() -> Path:
    """``lambdalint/rules`` in an installed wheel, ``rules/`` beside the package in a checkout."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "rules", package.parent / "rules"):
        if candidate.is_dir() and any(candidate.glob("ll[0-9][0-9][0-9]_*.py")):
            return candidate
    raise RuntimeError(f"lambdalint rules folder not found next to {package}")


@cache
def load_rules() -> dict[str, LoadedRule]:
    loaded = {}
    for path in sorted(rules_dir().glob("ll[0-9][0-9][0-9]_*.py")):
        name = f"lambdalint.rules.{path.stem}"
        module = sys.modules.get(name)
        if module is None:
            spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
        meta: Rule = module.RULE
        loaded[meta.id] = LoadedRule(meta, module)
    return loaded


def matches(rule: Rule, selector: str) -> bool:
    selector = selector.strip()
    return rule.id == selector.upper() or rule.name == selector or (
        selector.upper().startswith("LL") and rule.id.startswith(selector.upper()))


def select_rules(rules: dict[str, LoadedRule], select=None, ignore=None) -> list[LoadedRule]:
    """Rules in effect.  Opt-in rules run only when named exactly (ID or name)."""
    chosen = []
    for loaded in rules.values():
        meta = loaded.meta
        if select:
            exact = any(s.strip().upper() == meta.id or s.strip() == meta.name for s in select)
            if not any(matches(meta, s) for s in select) or (meta.opt_in and not exact):
                continue
        elif meta.opt_in:
            continue
        if ignore and any(matches(meta, s) for s in ignore):
            continue
        chosen.append(loaded)
    return chosen


def unknown_selectors(rules: dict[str, LoadedRule], selectors) -> list[str]:
    return [s for s in selectors or () if not any(matches(r.meta, s) for r in rules.values())]


def _span(source, entity) -> Span:
    if source is not None:
        return source.span
    if entity is not None and getattr(entity, "source", None) is not None:
        return entity.source.span
    return Span("<unknown>", 1, 1, 1, 1)


def _of_type(name: str):
    def subjects(model):
        from . import model as entities

        return model.of_type(getattr(entities, name))
    return subjects


# What ``Rule.subject`` may name: the subjects a rule checks one at a time
SUBJECTS = {
    "function": lambda model: model.functions(),
    "event-source-mapping": _of_type("EventSourceMapping"),
    "invoke-config": _of_type("EventInvokeConfig"),
    "permission": _of_type("Permission"),
    "file": lambda model: list(model.files),
    "run": lambda model: [model],
}

FINDING, UNDECIDED, PASS = "finding", "undecided", "pass"


def subjects_of(loaded: LoadedRule, model, options) -> list:
    """The subjects one rule checks: its module's ``subjects(model, options)``, else those its
    ``Rule.subject`` names."""
    custom = getattr(loaded.module, "subjects", None)
    if custom is not None:
        return list(custom(model, options))
    return list(SUBJECTS[loaded.meta.subject](model))


def check_subject(loaded: LoadedRule, model, subject, options) -> list:
    """What one rule yields for one subject (the unit the engine counts; tests wrap it)."""
    return list(loaded.module.check(model, subject, options))


def verdict(items) -> str:
    """Any Issue: decided with a finding; else any Unsure: undecided; else a decided pass."""
    if any(isinstance(item, Issue) for item in items):
        return FINDING
    if any(isinstance(item, Unsure) for item in items):
        return UNDECIDED
    return PASS


def rule_items(loaded: LoadedRule, model, options, errors: list | None = None):
    """``(subject, items)`` for every subject of one rule.  A rule that fails on a subject (a
    lambdalint bug, or input it did not expect) costs only that subject: the others are still
    checked, and each file where it fails is one internal error naming the rule and the file."""
    failed_files: set = set()
    for subject in subjects_of(loaded, model, options):
        try:
            items = check_subject(loaded, model, subject, options)
        except Exception as error:  # a bug in one rule must not hide the others' findings
            file = _subject_file(subject)
            if file not in failed_files and errors is not None:
                where = f" on {file}" if file else ""
                errors.append(f"rule {loaded.meta.id} failed{where}: {type(error).__name__}: {error}")
            failed_files.add(file)
            continue
        yield subject, items


def _subject_file(subject) -> str:
    if isinstance(subject, tuple) and subject:
        subject = subject[0]
    if isinstance(subject, str):
        return subject  # a file subject
    return _file_of(subject) or ""


def _resource_name(entity):
    if isinstance(entity, str):
        return entity
    return getattr(entity, "name", None) if entity is not None else None


def run_rules(model, chosen: list[LoadedRule], config, settings: dict | None = None,
              quiet: bool = False) -> tuple[list[Finding], list[Undecided], dict]:
    """Findings, the undecided checks' unknowns, and ``{rule: [decided, undecided]}``.
    ``settings`` keeps each rule's options and severity across calls (the streamed runner calls
    this once per group); ``quiet``: no progress steps (the caller counts its own)."""
    findings, undecided, checks = [], [], {}
    if not quiet:
        progress.expect(len(chosen))
    for loaded in chosen:
        meta = loaded.meta
        if not quiet:
            progress.tick(f"checking {meta.id} {meta.name}")
        if settings is None or meta.id not in settings:
            found = (config.rule_options(meta), config.rule_severity(meta))
            if settings is not None:
                settings[meta.id] = found
        else:
            found = settings[meta.id]
        options, severity = found
        counts = checks.setdefault(meta.id, [0, 0])
        try:
            for _subject, items in rule_items(loaded, model, options, model.internal_errors):
                outcome = verdict(items)
                counts[outcome == UNDECIDED] += 1
                for item in items:
                    entity = item.resource
                    try:
                        span = (item.span or _span(item.source, entity)) if isinstance(item, Issue) else _span(item.source, entity)
                    except Exception:  # a location that cannot be worked out: the resource's file
                        span = Span(_file_of(entity) or "<unknown>", 1, 1, 1, 1)
                    if isinstance(item, Issue):
                        where = item.source or getattr(entity, "source", None)
                        findings.append(Finding(
                            rule=meta.id, name=meta.name,
                            severity=item.severity if item.severity and severity == meta.severity else severity,
                            message=item.message, span=span, resource=_resource_name(entity),
                            related=tuple(Related(_span(link.source, None), link.message, link.resource)
                                          for link in item.related if link.source is not None),
                            key=where.key if where is not None and item.span is None else "",
                            construct_path=getattr(entity, "construct_path", None)))
                    elif isinstance(item, Unsure) and outcome == UNDECIDED:
                        undecided.append(Undecided(meta.id, _resource_name(item.resource), item.reason, span,
                                                   item.cause or "other"))
        except Exception as error:  # listing the subjects failed
            model.internal_errors.append(f"rule {meta.id} failed: {type(error).__name__}: {error}")
    return findings, undecided, checks


def _file_of(entity) -> str | None:
    source = getattr(entity, "source", None)
    doc = getattr(source, "doc", None)
    return getattr(doc, "path", None)
