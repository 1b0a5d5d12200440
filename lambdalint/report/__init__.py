"""Reporters: turn a :class:`~lambdalint.findings.Report` into text, JSON, SARIF, GitHub
workflow commands or JUnit XML.

Every reporter module exposes ``render(report, rules, *, color, quiet) -> str``; ``rules`` maps a
rule ID to its :class:`~lambdalint.rulekit.Rule` metadata.  Modules are imported lazily so a run
pays only for the format it prints.
"""
from __future__ import annotations

import importlib
import os
from pathlib import Path
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
           quiet: bool = False, verbose: bool = False, statistics: bool = False) -> str:
    """Render ``report`` in format ``fmt`` (a key of :data:`REPORTERS`).  ``verbose`` and
    ``statistics`` (only the counts per rule) concern the text format only."""
    try:
        module_name = REPORTERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(REPORTERS)})") from None
    module = importlib.import_module(module_name)
    if fmt == "text":
        return module.render(report, rules, color=color, quiet=quiet, verbose=verbose, statistics_only=statistics)
    return module.render(report, rules, color=color, quiet=quiet)


def repository_root(cwd: str | None = None) -> Path:
    """The folder that SARIF URIs and GitHub annotation paths are relative to: ``GITHUB_WORKSPACE``
    when set (the checkout in GitHub Actions), else the git top level above the current
    directory (the nearest folder holding ``.git``), else the current directory.  Found without
    running git."""
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if workspace and os.path.isdir(workspace):
        return Path(os.path.abspath(workspace))
    here = Path(os.path.abspath(cwd or os.getcwd()))
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return here


def repository_path(file: str, root: Path) -> str | None:
    """``file`` (as shown: relative to the current directory, or absolute) relative to ``root``
    with ``/`` separators; None when it lies outside ``root``."""
    try:
        relative = os.path.relpath(os.path.abspath(file), root)
    except ValueError:  # another drive (Windows)
        return None
    relative = relative.replace(os.sep, "/")
    return None if relative == ".." or relative.startswith("../") else relative
