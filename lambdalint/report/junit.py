"""JUnit XML report (``--format junit``) for CI systems that display test results.

Valid against the Apache Ant JUnit schema (the strict one; ``tests/data/junit``) and the schema
the Jenkins xUnit plugin reads:

- one ``<testsuite name="lambdalint">`` inside ``<testsuites>``;
- one ``<testcase>`` per file × rule that has findings there, named ``LL201 vpc-subnet-public``,
  with at most one ``<failure>`` (the schema allows one): its ``message`` is the first finding
  (``42:9 subnet PublicSubnetA routes ... (+2 more)``), its body every finding of that rule in
  that file with resource and related locations;
- only findings at or above ``--fail-on`` fail a testcase; a file × rule whose findings are all
  below it is a passing testcase, and so is every file without findings (``name="no findings"``),
  so CI shows how many files were linted and stayed clean;
- ``classname`` is the file with its dots replaced by ``_`` (``infra/app_yaml``): JUnit readers
  split a classname at its last dot into package and class, which would cut ``app.yaml`` into a
  class ``yaml`` of package ``infra/app``;
- ``time``: the whole run on the suite (lambdalint lints all files as one model, so a file has no
  time of its own: testcases carry ``0``); ``timestamp`` and ``hostname`` as the schema requires.

Characters XML 1.0 cannot carry are replaced.
"""
from __future__ import annotations

import datetime
import re
import socket
import xml.etree.ElementTree as ET

from ..findings import SEVERITY_RANK, Finding, Report
from ..rulekit import Rule

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # surrogates: names not UTF-8


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def classname(file: str) -> str:
    return _clean(file.replace("\\", "/").replace(".", "_")) or "lambdalint"


def _line(f: Finding) -> str:
    s = f.span
    lines = [f"{s.file}:{s.line}:{s.column}: {f.rule} {f.severity}: {f.message}"
             + (f" [{f.resource}]" if f.resource else "")]
    for r in f.related:
        lines.append(f"    ↳ {r.span}" + (f" {r.message}" if r.message else ""))
    return "\n".join(lines)


def _fails(severity: str, fail_on: str) -> bool:
    return fail_on != "never" and SEVERITY_RANK.get(severity, 1) >= SEVERITY_RANK.get(fail_on, 1)


def _hostname() -> str:
    try:
        return socket.gethostname().strip() or "localhost"
    except OSError:  # pragma: no cover
        return "localhost"


def render(report: Report, rules: dict[str, Rule], *, color: bool = False, quiet: bool = False) -> str:
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in sorted(report.findings, key=Finding.sort_key):
        groups.setdefault((f.span.file, f.rule), []).append(f)
    files = list(dict.fromkeys([*report.paths, *(file for file, _ in groups)]))

    cases = []  # (classname, name, failing findings, all findings)
    for file in sorted(files):
        rule_ids = sorted(rule for (where, rule) in groups if where == file)
        if not rule_ids:
            cases.append((classname(file), "no findings", [], []))
        for rule in rule_ids:
            group = groups[(file, rule)]
            failing = [f for f in group if _fails(f.severity, report.fail_on)]
            cases.append((classname(file), f"{rule} {group[0].name}", failing, group))

    failures = sum(1 for case in cases if case[2])
    timestamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    root = ET.Element("testsuites")
    suite = ET.SubElement(root, "testsuite", {
        "name": "lambdalint", "timestamp": timestamp, "hostname": _clean(_hostname()),
        "tests": str(len(cases)), "failures": str(failures), "errors": "0", "skipped": "0",
        "time": f"{report.elapsed:.3f}", "package": "lambdalint", "id": "0",
    })
    ET.SubElement(suite, "properties")
    for cls, name, failing, group in cases:
        case = ET.SubElement(suite, "testcase", {"name": _clean(name), "classname": cls, "time": "0"})
        if failing:
            first = failing[0]
            more = f" (+{len(failing) - 1} more)" if len(failing) > 1 else ""
            failure = ET.SubElement(case, "failure", {
                "type": first.rule,
                "message": _clean(f"{first.span.line}:{first.span.column} {first.message}{more}"),
            })
            failure.text = _clean("\n".join(_line(f) for f in group))
    ET.SubElement(suite, "system-out").text = ""
    ET.SubElement(suite, "system-err").text = ""
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
