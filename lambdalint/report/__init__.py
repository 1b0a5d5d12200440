"""Reporters: turn a :class:`~lambdalint.findings.Report` into text, JSON, SARIF, GitHub
workflow commands or JUnit XML.

Every reporter module exposes ``render(report, rules, *, color, quiet) -> str``; ``rules`` maps a
rule ID to its :class:`~lambdalint.rulekit.Rule` metadata.  Modules are imported lazily so a run
pays only for the format it prints.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ..findings import Report
    from ..rulekit import Rule

REPORTERS: dict[str, str] = {
    "text": "lambdalint.report.text",
    "json": "lambdalint.report.json_report",
    "sarif": "lambdalint.report.sarif",
    "github": "lambdalint.report.github",
    "junit": "lambdalint.report.junit",
}


def render(fmt: str, report: "Report", rules: "dict[str, Rule]", color: bool = False,
           quiet: bool = False) -> str:
    """Render ``report`` in format ``fmt`` (a key of :data:`REPORTERS`)."""
    try:
        module_name = REPORTERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(REPORTERS)})") from None
    module = importlib.import_module(module_name)
    return module.render(report, rules, color=color, quiet=quiet)
