"""SARIF 2.1.0 report (``--format sarif``), for GitHub code scanning and other SARIF viewers.

One run.  ``tool.driver.rules`` lists every rule known to the run (sorted by ID) plus any rule ID
that appears in a finding without metadata, so ``ruleIndex`` is always valid.  Each rule carries
a short description (the summary), a full description (the rule's "What it does"), ``help`` as
text and Markdown (the rule's documentation, as ``lambdalint explain`` prints it) and a help URI.

Each result has one physical location, a logical location naming the resource, and related
locations for the rest of the chain (the route, the NAT gateway, the policy).  GitHub shows a
related location only when the message links to it, so the message ends with the chain as
embedded links ``[route to Igw](1)``; literal ``[`` ``]`` in messages are escaped (``\\[``) as
SARIF §3.11.6 requires.

URIs are relative to the repository root (``GITHUB_WORKSPACE``, else the git top level above the
current directory, else the current directory) with ``uriBaseId`` ``%SRCROOT%``, whatever folder
lambdalint ran in; a file outside it gets an absolute ``file://`` URI.

Fingerprints (``partialFingerprints["lambdalint/v2"]``) hash the rule, the file's URI, the
resource, the property path (``Resources/Jobs/Properties/VisibilityTimeout``) and an occurrence
index among findings sharing those four, never the message or a line number: an alert keeps its
identity when code moves or LL107's "(as of DATE)" changes.

Undecided checks become ``invocations[0].toolExecutionNotifications`` (level ``note``) only with
``--show-unknowns``.  Help URIs follow :data:`HELP_URI` (``docs/rules.md#ll201``).
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from urllib.parse import quote

from .. import __version__
from ..document import Span
from ..findings import Finding, Related, Report, Undecided
from ..rulekit import Rule
from . import repository_path, repository_root

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/lambdalint/lambdalint"
HELP_URI = INFORMATION_URI + "/blob/main/docs/rules.md#{anchor}"
FINGERPRINT_KEY = "lambdalint/v2"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}

_WINDOWS_ABS = re.compile(r"^[A-Za-z]:[\\/]")


def help_uri(rule_id: str) -> str:
    return HELP_URI.format(anchor=rule_id.lower())


def escape(text: str) -> str:
    """Plain text for a SARIF message: brackets escaped so they never read as an embedded link."""
    return text.replace("[", "\\[").replace("]", "\\]")


def fingerprint(f: Finding, uri: str, occurrence: int = 0) -> str:
    data = "\0".join((f.rule, uri, f.resource or "", f.key, str(occurrence)))
    return hashlib.sha256(data.encode("utf-8", "surrogateescape")).hexdigest()[:32]


class _Locations:
    """Artifact locations relative to the repository root, computed once per file."""

    def __init__(self, root: Path):
        self.root = root
        self.cache: dict[str, dict] = {}

    def artifact(self, file: str) -> dict:
        hit = self.cache.get(file)
        if hit is None:
            hit = self.cache[file] = self._artifact(file)
        return hit

    @staticmethod
    def _quote(path: str, safe: str) -> str:
        # a file name that is not UTF-8 (surrogate escapes): its raw bytes, percent-encoded
        return quote(path.encode("utf-8", "surrogateescape"), safe=safe)

    def _artifact(self, file: str) -> dict:
        path = file.replace("\\", "/")
        if _WINDOWS_ABS.match(path):
            return {"uri": "file:///" + self._quote(path, safe="/:")}
        relative = repository_path(file, self.root) if not path.startswith("<") else None
        if relative is None:
            if path.startswith("/"):
                return {"uri": "file://" + self._quote(path, safe="/")}
            relative = path[2:] if path.startswith("./") else path
        return {"uri": self._quote(relative, safe="/"), "uriBaseId": "%SRCROOT%"}

    def physical(self, span: Span) -> dict:
        return {"artifactLocation": self.artifact(span.file), "region": _region(span)}


def _region(span: Span) -> dict:
    line = max(1, span.line)
    column = max(1, span.column)
    end_line = max(line, span.end_line)
    end_column = max(1, span.end_column)
    if end_line == line:
        end_column = max(column, end_column)
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


def _rule_docs() -> dict:
    """Each rule's documentation, by ID (empty when the rules cannot be loaded)."""
    try:
        from ..engine import load_rules

        return {rid: loaded for rid, loaded in load_rules().items()}
    except Exception:  # pragma: no cover - reporters must work on hand-built reports
        return {}


def _descriptor(rule_id: str, name: str, severity: str, summary: str, loaded=None) -> dict:
    from ..docs import full_description, help_markdown, help_text

    text = summary or name or rule_id
    out = {
        "id": rule_id,
        "name": name or rule_id,
        "shortDescription": {"text": text},
        "fullDescription": {"text": (full_description(loaded) if loaded else "") or text},
        "helpUri": help_uri(rule_id),
        "defaultConfiguration": {"level": LEVELS.get(severity, "warning")},
    }
    if loaded is not None:
        out["help"] = {"text": help_text(loaded), "markdown": help_markdown(loaded, help_uri(rule_id))}
    else:
        out["help"] = {"text": text, "markdown": f"{text}\n\nSee [{rule_id}]({help_uri(rule_id)})."}
    out["properties"] = {"tags": ["aws-lambda", "infrastructure-as-code"]}
    return out


def _message(f: Finding) -> str:
    text = escape(f.message)
    if f.related:
        links = "; ".join(f"[{escape(_related_text(r))}]({i})" for i, r in enumerate(f.related, 1))
        text += f"\n\nChain: {links}"
    return text


def _related_text(r: Related) -> str:
    return r.message or r.resource or "related location"


def _related(locations: _Locations, index: int, r: Related) -> dict:
    out = {
        "id": index,
        "physicalLocation": locations.physical(r.span),
        "message": {"text": escape(_related_text(r))},
    }
    if r.resource:
        out["logicalLocations"] = [{"name": r.resource, "kind": "resource"}]
    return out


def _result(f: Finding, index: dict[str, int], locations: _Locations, occurrence: int) -> dict:
    location: dict = {"physicalLocation": locations.physical(f.span)}
    if f.resource:
        location["logicalLocations"] = [{"name": f.resource, "kind": "resource"}]
        if f.construct_path:  # an AWS CDK app: the resource's construct path is its full name
            location["logicalLocations"][0]["fullyQualifiedName"] = f.construct_path
    result = {
        "ruleId": f.rule,
        "ruleIndex": index[f.rule],
        "level": LEVELS.get(f.severity, "warning"),
        "message": {"text": _message(f)},
        "locations": [location],
    }
    if f.related:
        result["relatedLocations"] = [_related(locations, i, r) for i, r in enumerate(f.related, 1)]
    uri = location["physicalLocation"]["artifactLocation"]["uri"]
    result["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint(f, uri, occurrence)}
    return result


def _notification(u: Undecided, index: dict[str, int], locations: _Locations) -> dict:
    who = f"{u.rule} {u.resource}" if u.resource else u.rule
    out: dict = {"level": "note", "message": {"text": escape(f"{who}: could not decide: {u.reason}")}}
    if u.span is not None:
        loc: dict = {"physicalLocation": locations.physical(u.span)}
        if u.resource:
            loc["logicalLocations"] = [{"name": u.resource, "kind": "resource"}]
        out["locations"] = [loc]
    ref = {"id": u.rule}
    if u.rule in index:
        ref["index"] = index[u.rule]
    out["associatedRule"] = ref
    return out


def as_dict(report: Report, rules: dict[str, Rule], root: Path | None = None) -> dict:
    findings = sorted(report.findings, key=Finding.sort_key)
    locations = _Locations(root if root is not None else repository_root())
    docs = _rule_docs()
    descriptors: dict[str, dict] = {}
    for rid, r in rules.items():
        loaded = docs.get(rid)
        descriptors[rid] = _descriptor(rid, r.name, r.severity, r.summary,
                                       loaded if loaded is not None and loaded.meta.name == r.name else None)
    for f in findings:
        if f.rule not in descriptors:
            descriptors[f.rule] = _descriptor(f.rule, f.name, f.severity, "")
    ordered = [descriptors[rid] for rid in sorted(descriptors)]
    index = {d["id"]: i for i, d in enumerate(ordered)}

    invocation: dict = {"executionSuccessful": True}
    if report.show_unknowns and report.unknowns:
        invocation["toolExecutionNotifications"] = [
            _notification(u, index, locations) for u in sorted(report.unknowns, key=Undecided.sort_key)
        ]

    results, seen = [], {}
    for f in findings:
        identity = (f.rule, locations.artifact(f.span.file)["uri"], f.resource or "", f.key)
        occurrence = seen.get(identity, 0)
        seen[identity] = occurrence + 1
        results.append(_result(f, index, locations, occurrence))

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
                "results": results,
            }
        ],
    }


def render(report: Report, rules: dict[str, Rule], *, color: bool = False, quiet: bool = False) -> str:
    return json.dumps(as_dict(report, rules), indent=2, sort_keys=False, ensure_ascii=False) + "\n"
