"""The JSON report is encoded finding by finding (issue 9: a large run's report never exists as
dicts and encoder fragments at once); its bytes are those of one ``json.dumps`` of ``as_dict``."""
from __future__ import annotations

import json

from lambdalint.config import Config
from lambdalint.document import Span
from lambdalint.findings import Finding, Related, Report, Undecided
from lambdalint.report.json_report import as_dict, render
from lambdalint.runner import lint


def _whole(report: Report) -> str:
    return json.dumps(as_dict(report), indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def test_render_is_one_dumps_of_the_report():
    here = Span("t\u00e9mplate.yaml", 3, 5, 3, 9)
    odd = 'a message with "quotes", a \\ backslash, a\nnewline, \u00e9t\u00e9 and "findings": []'
    findings = [
        Finding("LL101", "timeout", "error", odd, here, "Fn", related=(Related(here, "see \"this\"", None),
                                                                    Related(Span("b.yaml", 1, 1, 1, 2), "and", "Q"))),
        Finding("LL102", "memory", "warning", "plain", Span("a.yaml", 1, 1, 1, 1), None, construct_path="App/Fn"),
    ]
    unknowns = [Undecided("LL201", "Fn", 'reason "unknowns": []', here, "parameter"), Undecided("LL202", None, "r")]
    for report in (Report(findings=findings, unknowns=unknowns), Report(findings=findings), Report(findings=[]),
                   Report(findings=[], unknowns=unknowns)):
        text = render(report, {})
        assert text == _whole(report)
        assert len(json.loads(text)["findings"]) == len(report.findings)


def test_render_of_a_real_run(monkeypatch):
    monkeypatch.chdir(__import__("pathlib").Path(__file__).resolve().parents[1])
    report = lint(["fixtures/LL003", "fixtures/LL401"], Config(), show_unknowns=True)
    assert report.findings and report.unknowns
    assert render(report, {}) == _whole(report)
