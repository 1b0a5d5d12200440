"""Runs the rules over a model and turns what they yield into findings.

Rules are discovered by listing the ``rules/`` folder (no registry filled by import side effects):
each module there has ``RULE`` and ``check``.  The engine stamps ID, name and severity, applies
suppressions (inline comments, resource ``Metadata``, config) and reports unused ones (LL002).
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


def run_rules(model, chosen: list[LoadedRule], config) -> tuple[list[Finding], list[Undecided]]:
    findings, undecided = [], []
    progress.expect(len(chosen))
    for loaded in chosen:
        meta = loaded.meta
        progress.tick(f"checking {meta.id} {meta.name}")
        options = config.rule_options(meta)
        severity = config.rule_severity(meta)
        items = _check(loaded, model, options)
        for item in items:
            entity = item.resource
            name = getattr(entity, "name", None) if entity is not None else None
            if isinstance(entity, str):
                name = entity
            try:
                span = (item.span or _span(item.source, entity)) if isinstance(item, Issue) else _span(item.source, entity)
            except Exception:  # a location that cannot be worked out: the resource's file
                span = Span(_file_of(entity) or "<unknown>", 1, 1, 1, 1)
            if isinstance(item, Issue):
                where = item.source or getattr(entity, "source", None)
                findings.append(Finding(
                    rule=meta.id, name=meta.name,
                    severity=item.severity if item.severity and severity == meta.severity else severity,
                    message=item.message, span=span, resource=name,
                    related=tuple(Related(_span(link.source, None), link.message, link.resource)
                                  for link in item.related if link.source is not None),
                    key=where.key if where is not None and item.span is None else "",
                    construct_path=getattr(entity, "construct_path", None)))
            elif isinstance(item, Unsure):
                undecided.append(Undecided(meta.id, name, item.reason, span))
    return findings, undecided


def _file_of(entity) -> str | None:
    source = getattr(entity, "source", None)
    doc = getattr(source, "doc", None)
    return getattr(doc, "path", None)


def _check(loaded: LoadedRule, model, options) -> list:
    """What one rule yields.  A rule that fails (a lambdalint bug, or input it did not expect)
    is run again file by file, on each file's own resources (everything else stays visible to
    look up), so one file's resources never cost the other files their findings; each file
    where it still fails is one internal error naming the rule and the file."""
    try:
        return list(loaded.module.check(model, options))
    except Exception as error:
        first = error
    import copy
    from collections import defaultdict

    rule = loaded.meta.id
    files: dict[str, None] = {}
    for entities in model.by_class.values():
        for entity in entities:
            files.setdefault(_file_of(entity) or "", None)
    items, failed = [], []
    for file in files:
        view = copy.copy(model)  # shares entities and graph; only the subjects differ
        view.by_class = defaultdict(list, {cls: [e for e in entities if (_file_of(e) or "") == file]
                                           for cls, entities in model.by_class.items()})
        try:
            items.extend(loaded.module.check(view, options))
        except Exception as error:
            failed.append(f"rule {rule} failed on {file or 'a resource'}: {type(error).__name__}: {error}")
    model.internal_errors.extend(failed or [f"rule {rule} failed: {type(first).__name__}: {first}"])
    return items
