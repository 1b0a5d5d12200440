"""One parametrized test over every case in ``fixtures/<RULE_ID>/`` (sqlfluff-style).

A case is a file, or a directory linted as one run (several templates, a Terraform module).
Expectations: a comment ``# expect: LL201`` on the line that must fire (YAML, HCL); JSON, which
has no comments, lists them in ``<file>.expect`` beside it, one ``LL201 <line>`` per line.  A
case without expectations must stay silent for that rule.  A case directory may hold a
``.lambdalint.yaml`` (rule options) and a ``parameters.yaml``.

Undecided checks are expectations too: ``# expect-unknown: LL201 <part of the reason>`` on the
line the unknown points at (JSON: ``UNKNOWN LL201 <line> <part of the reason>`` in the
``.expect`` file).  For the case's rule, the lines with unknowns must be exactly the expected
ones, and every unknown on such a line must contain one of the texts expected there: a check
that ends undecided where it should decide (or decides where it cannot) fails.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from lambdalint.config import load_config
from lambdalint.parameters import load_parameters
from lambdalint.runner import lint

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EXPECT = re.compile(r"#\s*expect:\s*((?:LL\d{3}[\s,]*)+)")
EXPECT_UNKNOWN = re.compile(r"#\s*expect-unknown:\s*(LL\d{3})\s+(.*?)\s*(?=#\s*expect|$)")
CASE_FILES = (".yaml", ".yml", ".json", ".template", ".tf")


def _cases():
    for rule_dir in sorted(FIXTURES.glob("LL[0-9][0-9][0-9]")):
        for entry in sorted(rule_dir.iterdir()):
            if entry.name.startswith((".", "_")) or entry.suffix == ".expect":
                continue
            if entry.is_dir() or entry.name.endswith(CASE_FILES):
                yield pytest.param(rule_dir.name, entry, id=f"{rule_dir.name}/{entry.name}")


def _files(case: Path) -> list[Path]:
    files = [case] if case.is_file() else sorted(p for p in case.rglob("*") if p.is_file())
    if case.is_file() and Path(str(case) + ".expect").is_file():
        files.append(Path(str(case) + ".expect"))  # JSON file case: expectations beside it
    return files


def _expected(case: Path, rule: str) -> tuple[set, dict]:
    """({(rule, file, line)} findings, {(file, line): [reason texts]} unknowns) for ``rule``."""
    wanted, unknowns = set(), {}
    for file in _files(case):
        rel = os.path.relpath(file)
        if file.suffix == ".expect":
            target = os.path.relpath(file.with_suffix(""))
            for line in file.read_text().splitlines():
                if not line.strip() or line.startswith("#"):
                    continue
                if line.startswith("UNKNOWN "):
                    _, rule_id, number, text = line.split(None, 3)
                    if rule_id == rule:
                        unknowns.setdefault((target, int(number)), []).append(text.strip())
                    continue
                rule_id, number = line.split()[:2]
                if rule_id == rule:
                    wanted.add((rule_id, target, int(number)))
            continue
        if file.suffix == ".json":
            continue
        for number, line in enumerate(file.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            match = EXPECT.search(line)
            if match:
                for rule_id in re.findall(r"LL\d{3}", match.group(1)):
                    if rule_id == rule:
                        wanted.add((rule_id, rel, number))
            for rule_id, text in EXPECT_UNKNOWN.findall(line):
                if rule_id == rule:
                    unknowns.setdefault((rel, number), []).append(text)
    return wanted, unknowns


@pytest.mark.parametrize("rule,case", list(_cases()))
def test_fixture(rule, case, monkeypatch):
    monkeypatch.chdir(FIXTURES.parent)
    case = case.relative_to(FIXTURES.parent)
    config = load_config(case / ".lambdalint.yaml" if (case / ".lambdalint.yaml").is_file() else None)
    config.select = [rule]
    parameters = load_parameters(str(case / "parameters.yaml")) if (case / "parameters.yaml").is_file() else {}
    report = lint([str(case)], config, parameters)
    got = {(f.rule, f.span.file, f.span.line) for f in report.findings if f.rule == rule}
    wanted, unknowns = _expected(case, rule)
    assert got == wanted, "\n".join(f"{f.span} {f.rule} {f.message}" for f in report.findings)
    got_unknowns = {}
    for u in report.unknowns:
        if u.rule == rule:
            got_unknowns.setdefault((u.span.file, u.span.line), []).append(u.reason)
    listing = "\n".join(f"{u.span.file}:{u.span.line} {u.rule} {u.reason}" for u in report.unknowns)
    assert set(got_unknowns) == set(unknowns), "unknowns:\n" + listing
    for place, reasons in got_unknowns.items():
        for reason in reasons:
            assert any(text in reason for text in unknowns[place]), f"{place}: {reason!r} not in {unknowns[place]}"
