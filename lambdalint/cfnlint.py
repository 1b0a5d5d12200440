"""cfn-lint plugin: ``cfn-lint template.yaml -a lambdalint.cfnlint``.

Every lambdalint rule runs inside cfn-lint on cfn-lint's own decoded template (its nodes carry
``start_mark``/``end_mark``), so the template is parsed once.  cfn-lint takes a rule's severity
from the first letter of its ID, so LL201 (error) becomes ``ELL201``, LL202 (warning)
``WLL202``, LL206 (info) ``ILL206``.  Findings are returned as paths into the template; cfn-lint
turns them into the same lines and columns lambdalint reports.

Each cfn-lint run lints one template at a time, so cross-template checks (the account
concurrency pool summed over several stacks) see only that template.
"""
from __future__ import annotations

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from .config import Config
from .document import Document, Span
from .engine import load_rules

_LETTER = {"error": "E", "warning": "W", "info": "I"}
_models: dict = {}


def _locator(template, filename: str):
    """Spans from cfn-lint's node marks (0-based) along a path."""

    def locate(path) -> Span | None:
        node = template
        key_mode = bool(path) and path[-1] == "__key__"
        steps = path[:-1] if key_mode else path
        for step in steps:
            try:
                if isinstance(node, dict):
                    if key_mode and step == steps[-1]:
                        for key in node:
                            if key == step and hasattr(key, "start_mark"):
                                return _span(key, filename)
                    node = node[step]
                elif isinstance(node, list):
                    node = node[step]
                else:
                    return None
            except (KeyError, IndexError, TypeError):
                return None
        return _span(node, filename) if hasattr(node, "start_mark") else None

    return locate


def _span(node, filename) -> Span:
    start, end = node.start_mark, node.end_mark
    return Span(filename, start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def model_for(cfn):
    """The lambdalint model of one cfn-lint Template, built once per template."""
    key = id(cfn)
    cached = _models.get(key)
    if cached is not None and cached[0] is cfn:
        return cached[1]
    from .frontends.template import map_template
    from .model import Model

    filename = getattr(cfn, "filename", None) or "template"
    doc = Document(filename, "cfn-yaml", cfn.template, locate=_locator(cfn.template, filename))
    model = Model()
    map_template(doc, model)
    model.resolve_imports()
    model.build()
    _models.clear()  # keep one: cfn-lint lints templates one after the other
    _models[key] = (cfn, model)
    return model


def _path_of(issue) -> list:
    source = issue.source or getattr(getattr(issue, "resource", None), "source", None)
    if source is None:
        return []
    path = list(source.path)
    return path[:-1] if path and path[-1] == "__key__" else path


def _make_rule(loaded):
    meta = loaded.meta
    config = Config()

    def match(self, cfn):
        from .rulekit import Issue

        model = model_for(cfn)
        matches = []
        for item in loaded.module.check(model, config.rule_options(meta)):
            if isinstance(item, Issue):
                source = item.source or getattr(item.resource, "source", None)
                kwargs = {}
                if source is not None:
                    # the exact span lambdalint reports (cfn-lint would point at a mapping's key)
                    span = source.span
                    kwargs["location"] = (span.line - 1, span.column - 1, span.end_line - 1, span.end_column - 1)
                matches.append(RuleMatch(_path_of(item), item.message, **kwargs))
        return matches

    return type(f"Lambdalint{meta.id}", (CloudFormationLintRule,), {
        "id": _LETTER[meta.severity] + meta.id,
        "shortdesc": meta.name,
        "description": meta.summary,
        "source_url": f"https://github.com/lambdalint/lambdalint/blob/main/docs/rules.md#{meta.id.lower()}",
        "tags": ["lambda", "lambdalint"],
        "match": match,
        "__module__": __name__,
    })


# Rules that need what cfn-lint does itself (parsing) or several files are left out.
_SKIP = {"LL001", "LL002"}
for _loaded in load_rules().values():
    if _loaded.meta.id not in _SKIP and not _loaded.meta.opt_in:
        globals()[f"Lambdalint{_loaded.meta.id}"] = _make_rule(_loaded)
