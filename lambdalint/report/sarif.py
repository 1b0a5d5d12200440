"""SARIF 2.1.0 report (``--format sarif``), for GitHub code scanning and other SARIF viewers.

One run; ``tool.driver.rules`` lists every rule known to the run (sorted by ID) plus any rule ID
that appears in a finding without metadata (e.g. internal IDs), so ``ruleIndex`` is always valid.
Each result has one physical location (URI relative to ``%SRCROOT%``; absolute paths become
``file://`` URIs), a logical location naming the resource, related locations for the rest of the
chain, and a partial fingerprint ``lambdalint/v1`` (first 32 hex digits of the SHA-256 of rule,
file, resource and message; independent of line numbers, so moving code does not reopen alerts).

Undecided checks become ``invocations[0].toolExecutionNotifications`` (level ``note``) only with
``--show-unknowns``.  Help URIs follow :data:`HELP_URI` (``docs/rules.md#ll201``).
"""
from __future__ import annotations

import hashlib
import json
import re
from urllib.parse import quote

from .. import __version__
from ..document import Span
from ..findings import Finding, Related, Report, Undecided
from ..rulekit import Rule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/lambdalint/lambdalint"
HELP_URI = INFORMATION_URI + "/blob/main/docs/rules.md#{anchor}"
FINGERPRINT_KEY = "lambdalint/v1"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}

_WINDOWS_ABS = re.compile(r"^[A-Za-z]:[\\/]")


def help_uri(rule_id: str) -> str:
    return HELP_URI.format(anchor=rule_id.lower())


def fingerprint(f: Finding) -> str:
    data = "\0".join((f.rule, f.span.file, f.resource or "", f.message))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:32]


def _artifact(file: str) -> dict:
    path = file.replace("\\", "/")
    if _WINDOWS_ABS.match(path):
        return {"uri": "file:///" + quote(path, safe="/:")}
    if path.startswith("/"):
        return {"uri": "file://" + quote(path, safe="/")}
    if path.startswith("./"):
        path = path[2:]
    return {"uri": quote(path, safe="/"), "uriBaseId": "%SRCROOT%"}


def _region(span: Span) -> dict:
    line = max(1, span.line)
    column = max(1, span.column)
    end_line = max(line, span.end_line)
    end_column = max(1, span.end_column)
    if end_line == line:
        end_column = max(column, end_column)
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


def _physical(span: Span) -> dict:
    return {"artifactLocation": _artifact(span.file), "region": _region(span)}


def _descriptor(rule_id: str, name: str, severity: str, summary: str) -> dict:
    text = summary or name or rule_id
    return {
        "id": rule_id,
        "name": name or rule_id,
        "shortDescription": {"text": text},
        "fullDescription": {"text": text},
        "helpUri": help_uri(rule_id),
        "defaultConfiguration": {"level": LEVELS.get(severity, "warning")},
    }


def _related(index: int, r: Related) -> dict:
    out = {
        "id": index,
        "physicalLocation": _physical(r.span),
        "message": {"text": r.message or r.resource or "related location"},
    }
    if r.resource:
        out["logicalLocations"] = [{"name": r.resource, "kind": "resource"}]
    return out


def _result(f: Finding, index: dict[str, int]) -> dict:
    location: dict = {"physicalLocation": _physical(f.span)}
    if f.resource:
        location["logicalLocations"] = [{"name": f.resource, "kind": "resource"}]
    result = {
        "ruleId": f.rule,
        "ruleIndex": index[f.rule],
        "level": LEVELS.get(f.severity, "warning"),
        "message": {"text": f.message},
        "locations": [location],
    }
    if f.related:
        result["relatedLocations"] = [_related(i, r) for i, r in enumerate(f.related, 1)]
    result["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint(f)}
    return result


def _notification(u: Undecided, index: dict[str, int]) -> dict:
    who = f"{u.rule} {u.resource}" if u.resource else u.rule
    out: dict = {"level": "note", "message": {"text": f"{who}: could not decide: {u.reason}"}}
    if u.span is not None:
        loc: dict = {"physicalLocation": _physical(u.span)}
        if u.resource:
            loc["logicalLocations"] = [{"name": u.resource, "kind": "resource"}]
        out["locations"] = [loc]
    ref = {"id": u.rule}
    if u.rule in index:
        ref["index"] = index[u.rule]
    out["associatedRule"] = ref
    return out


def as_dict(report: Report, rules: dict[str, Rule]) -> dict:
    findings = sorted(report.findings, key=Finding.sort_key)
    descriptors: dict[str, dict] = {
        rid: _descriptor(rid, r.name, r.severity, r.summary) for rid, r in rules.items()
    }
    for f in findings:
        if f.rule not in descriptors:
            descriptors[f.rule] = _descriptor(f.rule, f.name, f.severity, "")
    ordered = [descriptors[rid] for rid in sorted(descriptors)]
    index = {d["id"]: i for i, d in enumerate(ordered)}

    invocation: dict = {"executionSuccessful": True}
    if report.show_unknowns and report.unknowns:
        invocation["toolExecutionNotifications"] = [
            _notification(u, index) for u in sorted(report.unknowns, key=Undecided.sort_key)
        ]

    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "lambdalint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": ordered,
                    }
                },
                "invocations": [invocation],
                "columnKind": "unicodeCodePoints",
                "results": [_result(f, index) for f in findings],
            }
        ],
    }


def render(report: Report, rules: dict[str, Rule], *, color: bool = False, quiet: bool = False) -> str:
    return json.dumps(as_dict(report, rules), indent=2, sort_keys=False, ensure_ascii=False) + "\n"
