"""GitHub Actions workflow commands (``--format github``): one annotation per finding.

``::error file=infra/app.yaml,line=42,col=9,endLine=42,endColumn=31,title=LL201 vpc-subnet-public::message``

``error``/``warning``/``notice`` for error/warning/info.  Related locations are appended to the
message as ``↳ file:line:col message`` lines.  Escaping follows the Actions runner: in the
message ``%``, ``\\r``, ``\\n`` become ``%25``, ``%0D``, ``%0A``; in property values ``:`` and
``,`` also become ``%3A`` and ``%2C``.  ``col``/``endColumn`` are given only for single-line
spans (GitHub rejects columns on multi-line annotations).  With ``--show-unknowns`` each
undecided check becomes a ``notice``.
"""
from __future__ import annotations

from ..document import Span
from ..findings import Finding, Report, Undecided
from ..rulekit import Rule

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(kind: str, props: list[tuple[str, str]], message: str) -> str:
    rendered = ",".join(f"{k}={escape_property(v)}" for k, v in props)
    return f"::{kind} {rendered}::{escape_data(message)}" if rendered else f"::{kind}::{escape_data(message)}"


def _location(span: Span) -> list[tuple[str, str]]:
    props = [("file", span.file), ("line", str(span.line))]
    if span.end_line == span.line:
        props.append(("col", str(span.column)))
        props += [("endLine", str(span.end_line)), ("endColumn", str(max(span.column, span.end_column)))]
    else:
        props.append(("endLine", str(max(span.line, span.end_line))))
    return props


def _finding(f: Finding) -> str:
    message = f.message
    for r in f.related:
        message += f"\n↳ {r.span}" + (f" {r.message}" if r.message else "")
    props = _location(f.span) + [("title", f"{f.rule} {f.name}")]
    return _command(COMMANDS.get(f.severity, "warning"), props, message)


def _unknown(u: Undecided) -> str:
    props = _location(u.span) if u.span is not None else []
    props.append(("title", f"{u.rule} undecided"))
    who = f"{u.resource}: " if u.resource else ""
    return _command("notice", props, f"{who}could not decide: {u.reason}")


def render(report: Report, rules: dict[str, Rule], *, color: bool = False, quiet: bool = False) -> str:
    lines = [_finding(f) for f in sorted(report.findings, key=Finding.sort_key)]
    if report.show_unknowns:
        lines += [_unknown(u) for u in sorted(report.unknowns, key=Undecided.sort_key)]
    return "\n".join(lines) + "\n" if lines else ""
