"""JUnit XML report (``--format junit``) for CI systems that display test results.

One ``<testsuite name="lambdalint">`` (inside ``<testsuites>``); one ``<testcase>`` per file
that has findings (``classname`` and ``name`` = the file), with one ``<failure>`` per finding
(``type`` = rule ID, ``message`` = ``line:col LL201 vpc-subnet-public: message``, body = the
finding with resource and related locations).  A run without findings yields a single passing
testcase.  ``tests``/``failures`` count testcases.  Characters XML 1.0 cannot carry are replaced.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..findings import Finding, Report
from ..rulekit import Rule

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def _body(f: Finding) -> str:
    s = f.span
    lines = [f"{s.file}:{s.line}:{s.column}: {f.rule} {f.name} ({f.severity}): {f.message}"]
    if f.resource:
        lines.append(f"resource: {f.resource}")
    for r in f.related:
        lines.append(f"  ↳ {r.span}" + (f" {r.message}" if r.message else ""))
    return "\n".join(lines)


def render(report: Report, rules: dict[str, Rule], *, color: bool = False, quiet: bool = False) -> str:
    by_file: dict[str, list[Finding]] = {}
    for f in sorted(report.findings, key=Finding.sort_key):
        by_file.setdefault(f.span.file, []).append(f)

    tests = max(1, len(by_file))
    failures = len(by_file)
    counts = {"tests": str(tests), "failures": str(failures), "errors": "0", "skipped": "0"}
    root = ET.Element("testsuites", {"name": "lambdalint", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": "lambdalint", **counts})
    if not by_file:
        ET.SubElement(suite, "testcase", {
            "classname": "lambdalint",
            "name": f"no findings in {report.files} file{'s' if report.files != 1 else ''}",
        })
    for file, group in by_file.items():
        case = ET.SubElement(suite, "testcase", {"classname": _clean(file), "name": _clean(file)})
        for f in group:
            failure = ET.SubElement(case, "failure", {
                "type": f.rule,
                "message": _clean(f"{f.span.line}:{f.span.column} {f.rule} {f.name}: {f.message}"),
            })
            failure.text = _clean(_body(f))
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
