"""One lint run: discover files, load them, map them onto one model, run the rules.

All files of a run form one model, so cross-template facts (the account concurrency pool,
``Export``/``ImportValue``) are resolved across them.  A file that cannot be parsed becomes an
LL001 finding and never stops the other files.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config
from .document import Document, ParseError, Source
from .engine import (SuppressionHit, apply_suppressions, glob_match, load_rules, matches, run_rules,
                     select_rules)
from .findings import Report
from .model import Model

SKIP_DIRS = {".git", "node_modules", ".terraform", ".aws-sam", "__pycache__", ".venv", ".tox"}
CFN_SUFFIXES = (".yaml", ".yml", ".json", ".template")
_LOOKS_LIKE_CFN = re.compile(r'^\s*"?(AWSTemplateFormatVersion|Resources|Transform)"?\s*:'
                             r'|[{,]\s*"(AWSTemplateFormatVersion|Resources|Transform)"\s*:', re.MULTILINE)  # also minified JSON


@dataclass
class Inputs:
    cfn_files: list = field(default_factory=list)  # (path, explicit)
    tf_dirs: list = field(default_factory=list)  # directories holding .tf / .tf.json
    plan_candidates: list = field(default_factory=list)
    # ("cfn", index into cfn_files) / ("tf", directory) in the order found: the order the model
    # gets them in (LL401 adds reservations up in this order)
    order: list = field(default_factory=list)


def display_path(path: Path) -> str:
    try:
        return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    except ValueError:
        return str(path)


def discover(paths: list[str], exclude: list[str]) -> Inputs:
    found = Inputs()
    tf_dirs: dict[str, None] = {}

    def excluded(rel: str) -> bool:
        return any(glob_match(rel, pattern) for pattern in exclude)

    def consider(file: Path, explicit: bool) -> None:
        name = file.name
        rel = display_path(file)
        if not explicit and excluded(rel):
            return
        if name.endswith(".tf") or name.endswith(".tf.json"):
            if str(file.parent) not in tf_dirs:
                tf_dirs[str(file.parent)] = None
                found.order.append(("tf", str(file.parent)))
        elif name.endswith(CFN_SUFFIXES):
            found.order.append(("cfn", len(found.cfn_files)))
            found.cfn_files.append((file, explicit))

    for raw in paths:
        path = Path(raw)
        if path.is_file():
            consider(path, True)
        elif path.is_dir():
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not (d.startswith("asset.") and "cdk.out" in folder)
                                 and not excluded(display_path(Path(folder) / d)))
                for name in sorted(files):
                    consider(Path(folder) / name, False)
        else:
            found.order.append(("cfn", len(found.cfn_files)))
            found.cfn_files.append((path, True))  # reported as unreadable
    found.tf_dirs = list(tf_dirs)
    return found


def load_cfn_file(path: Path, explicit: bool):
    """A Document, a ParseError, or None when the file is not a template (skipped silently)."""
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        return ParseError(shown, f"not UTF-8 text ({error.reason} at byte {error.start})") if explicit else None
    except OSError as error:
        return ParseError(shown, f"cannot read file: {error.strerror or error}")
    looks = bool(_LOOKS_LIKE_CFN.search(text))
    is_json = text.lstrip().startswith("{")
    if not looks and not explicit and not (is_json and '"format_version"' in text[:4096] + text[-512:]):
        return None
    try:
        if is_json:
            from .load.cfn_json import load_json

            doc = load_json(text, shown)
        else:
            from .load.cfn_yaml import load_yaml

            doc = load_yaml(text, shown)
    except ParseError as error:
        return error if (looks or explicit) else None
    data = doc.data
    if isinstance(data, dict) and "format_version" in data and "planned_values" in data:
        from .load.tfplan import load_plan

        try:
            return load_plan(text, shown, data)  # already decoded above: plans can be megabytes
        except ParseError as error:
            return error
    if isinstance(data, dict) and isinstance(data.get("Resources"), dict):
        return doc
    if explicit:
        return ParseError(shown, "not a CloudFormation/SAM template or Terraform plan (no Resources section)")
    return None


def load_parameters(path: str | None) -> dict:
    if not path:
        return {}
    import json

    import yaml

    text = Path(path).read_text(encoding="utf-8")
    raw = json.loads(text) if text.lstrip().startswith("{") else yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return raw if isinstance(raw, dict) else {}


def parameters_for(parameters: dict, file: str) -> dict:
    merged = dict(parameters.get("*", {}) or {})
    for pattern, values in parameters.items():
        if pattern != "*" and isinstance(values, dict) and glob_match(file, pattern):
            merged.update(values)
    return merged


def build_model(paths: list[str], config: Config, parameters: dict | None = None) -> tuple[Model, list[Document]]:
    from .frontends.cloudformation import CfnFrontend

    parameters = parameters or {}
    model = Model()
    model.parse_errors = []
    docs: list[Document] = []
    inputs = discover(paths, config.exclude)
    modules = {}
    if inputs.tf_dirs:
        from .frontends.terraform.mapping import add_resources
        from .frontends.terraform.modules import add_module, evaluate_modules

        errors, modules = evaluate_modules(inputs.tf_dirs, parameters, display_path, model.internal_errors)
        for error in errors:
            model.parse_errors.append(error)
            model.files.append(error.file)
    # files and Terraform module directories in the order found (arguments order, then walk order)
    for kind, item in inputs.order:
        if kind == "tf":
            if item in modules:
                for doc in add_module(*modules[item], model, add_resources):
                    docs.append(doc)
                    if doc.path not in model.files:
                        model.files.append(doc.path)
            continue
        path, explicit = inputs.cfn_files[item]
        loaded = load_cfn_file(path, explicit and not config.only_templates)
        if loaded is None:
            continue
        if isinstance(loaded, ParseError):
            model.parse_errors.append(loaded)
            model.files.append(loaded.file)
            continue
        docs.append(loaded)
        model.files.append(loaded.path)
        try:
            if loaded.format == "tf-plan":
                from .frontends.terraform.mapping import add_plan

                add_plan(loaded, model)
            else:
                CfnFrontend(loaded, model, parameters_for(parameters, loaded.path)).run()
        except RecursionError:
            model.parse_errors.append(ParseError(loaded.path, "template nested too deeply to analyse"))
        except Exception as error:  # a lambdalint bug on this file: say so, lint the others
            model.internal_errors.append(f"{loaded.path}: {type(error).__name__}: {error}")
    model.resolve_imports()
    model.build()
    return model, docs


def collect_suppressions(docs: list[Document]) -> list[SuppressionHit]:
    hits = []
    for doc in docs:
        for s in doc.suppressions():
            hits.append(SuppressionHit(s.file, s.line, s.ids, s.reason, "inline", column=s.column,
                                       end_column=s.end_column))
        data = doc.data
        if doc.format.startswith("cfn") and isinstance(data, dict) and isinstance(data.get("Resources"), dict):
            for lid, body in data["Resources"].items():
                meta = body.get("Metadata") if isinstance(body, dict) else None
                entries = meta.get("lambdalint", {}).get("ignore") if isinstance(meta, dict) and isinstance(meta.get("lambdalint"), dict) else None
                for index, entry in enumerate(entries if isinstance(entries, list) else []):
                    rule_id = entry.get("id") if isinstance(entry, dict) else entry
                    reason = entry.get("reason", "") if isinstance(entry, dict) else ""
                    if isinstance(rule_id, str):
                        span = doc.span(("Resources", lid, "Metadata", "lambdalint", "ignore", index))
                        hits.append(SuppressionHit(doc.path, span.line, (rule_id,), str(reason or ""), "metadata",
                                                   resource=lid, column=span.column, end_column=span.end_column
                                                   if span.end_line == span.line else None))
    return hits


def unused_suppressions(suppressions: list[SuppressionHit], rules: dict, chosen: list) -> list[SuppressionHit]:
    """The suppressions (narrowed to their unused IDs) that matched no finding although a rule
    they name ran in this run.  A selector naming only rules that did not run cannot be judged;
    one that names no rule at all (a typo, ``LL999``) can never match and is always unused."""
    from dataclasses import replace

    ran = [r.meta for r in chosen if r.meta.id != "LL002"]
    known = [r.meta for r in rules.values()]
    unused = []
    for hit in suppressions:
        ids = tuple(i for i in hit.ids if i not in hit.used_ids and (
            any(_suppresses(i, meta) for meta in ran) or not any(_suppresses(i, meta) for meta in known)))
        if ids and "LL002" not in {i.upper() for i in hit.ids}:
            unused.append(replace(hit, ids=ids))
    return unused


def _suppresses(selector: str, meta) -> bool:
    selector = selector.strip()
    return selector.upper() == meta.id or selector == meta.name or selector.lower() == "all" or (
        len(selector) < 5 and meta.id.startswith(selector.upper()))


def lint(paths: list[str], config: Config, parameters: dict | None = None, show_unknowns: bool = False) -> Report:
    rules = load_rules()
    model, docs = build_model(paths, config, parameters)
    chosen = select_rules(rules, config.select, config.ignore)
    first = [r for r in chosen if r.meta.id != "LL002"]
    findings, undecided = run_rules(model, first, config)
    suppressions = collect_suppressions(docs)
    starts = {}
    if any(h.kind == "inline" for h in suppressions):
        files = {h.file for h in suppressions}
        for entity in model.entities.values():
            if entity.source.doc.path in files:
                starts[(entity.source.doc.path, entity.name)] = entity.source.span.line
    findings, suppressed, without_reason = apply_suppressions(findings, suppressions, config, starts)
    ll002 = [r for r in chosen if r.meta.id == "LL002"]
    if ll002:
        # A suppression may name a rule that --select left out (`--select LL002` alone looks for
        # stale suppressions): run those rules too, only to see which suppressions they use.
        shadow = [r for r in rules.values() if r not in chosen and not r.meta.opt_in and r.meta.id != "LL002"
                  and not any(matches(r.meta, s) for s in config.ignore or ())
                  and any(not h.used and any(_suppresses(i, r.meta) for i in h.ids) for h in suppressions)]
        if shadow:
            hidden, _ = run_rules(model, shadow, config)
            apply_suppressions(hidden, suppressions, config, starts)
        model.unused_suppressions = unused_suppressions(suppressions, rules, chosen + shadow)
        more, _ = run_rules(model, ll002, config)
        findings += more
    findings.sort(key=lambda f: f.sort_key())
    undecided = sorted(set(undecided), key=lambda u: u.sort_key())
    return Report(findings=findings, unknowns=undecided, files=len(model.files), functions=len(model.functions()),
                  suppressed=suppressed, suppressed_without_reason=without_reason, show_unknowns=show_unknowns,
                  internal_errors=list(model.internal_errors))


__all__ = ["lint", "build_model", "discover", "Source"]
