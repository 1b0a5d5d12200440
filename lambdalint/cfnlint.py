"""cfn-lint plugin: ``cfn-lint template.yaml -a lambdalint.cfnlint``.

The plugin reports what ``lambdalint check template.yaml`` reports: the same findings, at the same
lines and columns, with the same messages.  To get there it lints the template *file* the way
``lambdalint check`` does, once per template (every rule in one run, cached for the plugin's rule
classes), and hands the findings to cfn-lint:

- **SAM**: cfn-lint transforms a SAM template before its rules run, which would lose SAM's
  ``Globals`` provenance ("from SAM Globals") and every location inside the SAM resources;
  lambdalint reads the untransformed file, as ``lambdalint check`` does.
- **Locations**: lambdalint's loaders keep a span for every scalar (``Timeout: 901`` is ``9:16``,
  not the enclosing ``Properties`` mapping).
- **lambdalint's settings**: ``.lambdalint.yaml`` / ``[tool.lambdalint]`` (found from the current
  directory, as ``lambdalint check`` finds it; ``LAMBDALINT_CONFIG`` names another file), inline
  ``# lambdalint: ignore[...]`` comments, ``Metadata.lambdalint.ignore`` and rule options all
  apply, and LL002 reports unused suppressions.
- **Severity**: cfn-lint takes a rule's severity from the first letter of its ID, so LL201
  (error) is ``ELL201``, LL202 (warning) ``WLL202``, LL206 (info) ``ILL206`` (cfn-lint shows ``I``
  rules only with ``--include-checks I``).  A finding whose severity differs from its rule's
  default (LL107 raises itself to error once creating functions is blocked; a config
  ``rules: {LL201: {severity: warning}}``) is reported under the ID with *its* letter: the
  plugin also registers ``ELL107``, and an ID for each severity the config sets.
- **Opt-in rules** (LL603, LL604) are registered but run only when asked for the cfn-lint way:
  ``--include-checks ILL603`` (the exact ID), ``--configure-rule ILL603:enabled=true``, or
  ``select`` naming them in lambdalint's config.
- **Rule options**: ``--configure-rule WLL501:min-ratio=6`` (option names as in
  ``lambdalint explain``) override the config file's ``rules:`` options.
- cfn-lint's own ``--ignore-checks``, ``Metadata: {cfn-lint: {config: {ignore_checks: [...]}}}``
  and ``.cfnlintrc`` work on these IDs as on cfn-lint's.

cfn-lint lints one template at a time, so cross-template checks (the account concurrency pool
summed over several stacks) see that template and the stacks it nests.  A template cfn-lint read
from stdin has no file: the plugin then maps cfn-lint's decoded (for SAM: transformed) template,
with locations from its node marks.
"""
from __future__ import annotations

import os
from pathlib import Path

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from .document import Document, Span
from .engine import load_rules

_LETTER = {"error": "E", "warning": "W", "info": "I"}
# Severities a rule's findings can have besides its default (``Issue(severity=...)``: LL107
# escalates, LL501's ``min-ratio`` advice is info); a test keeps this in step with the rules.
ESCALATIONS = {"LL107": ("error",), "LL501": ("info",)}
_OPTION_TYPES = {int: "integer", bool: "boolean"}

_instances: dict[str, "CloudFormationLintRule"] = {}  # plugin ID -> the instance cfn-lint runs
_enabled_opt_in: set = set()
_cache: dict = {}


def _settings():
    """lambdalint's config as ``lambdalint check`` would find it (``ConfigError`` if broken)."""
    from .config import find_config, load_config

    named = os.environ.get("LAMBDALINT_CONFIG")
    path = Path(named) if named else find_config(Path.cwd())
    config = load_config(path)
    config.check_rule_options(load_rules())
    return config


def _config_at_import():
    try:
        return _settings()
    except Exception:  # reported when a template is linted (see _findings)
        from .config import Config

        return Config()


def _findings(cfn) -> dict:
    """All findings for cfn-lint's current template, by lambdalint rule ID (one run per template)."""
    filename = getattr(cfn, "filename", None)
    signature = (id(cfn), filename, tuple(sorted(_enabled_opt_in)),
                 tuple(sorted((k, repr(sorted(v.config.items()))) for k, v in _instances.items())))
    if _cache.get("signature") == signature:
        return _cache["findings"]
    _cache.clear()
    _cache["signature"] = signature
    _cache["findings"] = {}
    config = _settings()  # a broken config raises: cfn-lint reports it (E0002) on the first rule
    rules = load_rules()
    chosen = [s for s in (config.select or [])]
    if not config.select:
        chosen = [rid for rid, loaded in rules.items() if not loaded.meta.opt_in]
    chosen += sorted(_enabled_opt_in)
    config.select = chosen
    config.only_templates = True  # cfn-lint decides what it lints; not-a-template is not LL001
    for plugin_id, instance in _instances.items():
        meta = rules[plugin_id[1:]].meta
        for name, option in meta.options.items():
            value = instance.config.get(name)
            if value is not None and value != "":
                config.rules.setdefault(meta.id, {})[name] = float(value) if option.type is float else value
    config.check_rule_options(rules)
    if filename and filename != "-" and os.path.isfile(filename):
        from .runner import lint

        report = lint([filename], config)
        # cfn-lint reports on this template only: findings inside a nested stack's file are
        # reported when cfn-lint lints that file
        here = os.path.realpath(filename)
        findings = [f for f in report.findings if os.path.realpath(f.span.file) == here]
    else:
        findings = _lint_decoded(cfn, config)
    by_rule: dict = {}
    for f in findings:
        by_rule.setdefault(f.rule, []).append(f)
    _cache["findings"] = by_rule
    return by_rule


def _lint_decoded(cfn, config) -> list:
    """A template without a file (stdin): cfn-lint's decoded template, spans from its marks."""
    from .engine import run_rules, select_rules
    from .frontends.template import map_template
    from .model import Model

    filename = getattr(cfn, "filename", None) or "template"
    doc = Document(filename, "cfn-yaml", cfn.template, locate=_locator(cfn.template, filename))
    model = Model()
    map_template(doc, model)
    model.resolve_imports()
    model.build()
    chosen = [r for r in select_rules(load_rules(), config.select, config.ignore) if r.meta.id != "LL002"]
    return run_rules(model, chosen, config)[0]


def _locator(template, filename: str):
    """Spans from cfn-lint's node marks (0-based) along a path.  Numbers and booleans carry no
    mark in cfn-lint's decoded template: they get their key's mark (``Timeout: 901`` points at
    ``Timeout``), or, in a list, the list's."""

    def locate(path) -> Span | None:
        node, parent, step_key = template, None, None
        key_mode = bool(path) and path[-1] == "__key__"
        steps = path[:-1] if key_mode else path
        for step in steps:
            try:
                if isinstance(node, dict):
                    if key_mode and step == steps[-1]:
                        for key in node:
                            if key == step and hasattr(key, "start_mark"):
                                return _span(key, filename)
                    parent, step_key, node = node, step, node[step]
                elif isinstance(node, list):
                    parent, step_key, node = node, step, node[step]
                else:
                    return None
            except (KeyError, IndexError, TypeError):
                return None
        if hasattr(node, "start_mark"):
            return _span(node, filename)
        if isinstance(parent, dict):
            key = next((k for k in parent if k == step_key and hasattr(k, "start_mark")), None)
            return _span(key, filename) if key is not None else None
        if hasattr(parent, "start_mark"):
            return _span(parent, filename)
        return None

    return locate


def _span(node, filename) -> Span:
    start, end = node.start_mark, node.end_mark
    return Span(filename, start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def _path(finding) -> list:
    if not finding.key:
        return []
    return [int(part) if part.isdigit() else part for part in finding.key.split("/") if part != "__key__"]


def _match(finding) -> RuleMatch:
    s = finding.span
    return RuleMatch(_path(finding), finding.message,
                     location=(s.line - 1, s.column - 1, s.end_line - 1, s.end_column - 1))


def _make_rule(loaded, letter: str, default_letter: str):
    meta = loaded.meta
    plugin_id = letter + meta.id

    def configure(self, configs=None, experimental=False):
        CloudFormationLintRule.configure(self, configs, experimental)
        _instances[plugin_id] = self

    def is_enabled(self, include_experimental=False, ignore_rules=None, include_rules=None, mandatory_rules=None):
        enabled = CloudFormationLintRule.is_enabled(self, include_experimental, ignore_rules, include_rules,
                                                    mandatory_rules)
        if meta.opt_in:  # only when named exactly, or enabled=true
            enabled = enabled and (plugin_id in (include_rules or ()) or bool(self.config.get("enabled")))
            if enabled:
                _enabled_opt_in.add(meta.id)
            else:
                _enabled_opt_in.discard(meta.id)
        return enabled

    def match(self, cfn):
        own = [f for f in _findings(cfn).get(meta.id, ()) if _LETTER.get(f.severity) == letter
               or (letter == default_letter and f.severity not in _LETTER)]
        return [_match(f) for f in own]

    definition = {name: {"default": None, "type": _OPTION_TYPES.get(option.type, "string")}
                  for name, option in meta.options.items()}
    if meta.opt_in:
        definition["enabled"] = {"default": False, "type": "boolean"}

    def __init__(self):
        CloudFormationLintRule.__init__(self)
        self.config_definition = dict(definition)
        self.configure()

    severity = {"E": "error", "W": "warning", "I": "info"}[letter]
    note = "" if letter == default_letter else f" (its findings of severity {severity})"
    return type(f"Lambdalint{plugin_id}", (CloudFormationLintRule,), {
        "id": plugin_id,
        "shortdesc": f"lambdalint {meta.id} {meta.name}",
        "description": meta.summary + note + (" (opt-in)" if meta.opt_in else ""),
        "source_url": f"https://github.com/lambdalint/lambdalint/blob/main/docs/rules.md#{meta.id.lower()}",
        "tags": ["lambda", "lambdalint"],
        "__init__": __init__,
        "configure": configure,
        "is_enabled": is_enabled,
        "match": match,
        "__module__": __name__,
    })


def plugin_ids(config=None) -> dict[str, list[str]]:
    """The cfn-lint IDs registered for each lambdalint rule: the default letter first, then one
    per other severity its findings can have (escalations, the config's per-rule severity)."""
    config = config if config is not None else _config_at_import()
    out = {}
    for rid, loaded in load_rules().items():
        severities = [loaded.meta.severity, *ESCALATIONS.get(rid, ()), config.rule_severity(loaded.meta)]
        out[rid] = list(dict.fromkeys(_LETTER[s] + rid for s in severities))
    return out


for _rid, _ids in plugin_ids().items():
    _loaded = load_rules()[_rid]
    for _id in _ids:
        globals()[f"Lambdalint{_id}"] = _make_rule(_loaded, _id[0], _ids[0][0])
