"""GitHub Actions workflow commands (``--format github``): one annotation per finding.

``::error file=infra/app.yaml,line=42,col=9,endLine=42,endColumn=31,title=LL201 vpc-subnet-public::message``

``error``/``warning``/``notice`` for error/warning/info.  Related locations are appended to the
message as ``↳ file:line:col message`` lines.  Escaping follows the Actions runner: in the
message ``%``, ``\\r``, ``\\n`` become ``%25``, ``%0D``, ``%0A``; in property values ``:`` and
``,`` also become ``%3A`` and ``%2C``.  ``col``/``endColumn`` are given only for single-line
spans (GitHub rejects columns on multi-line annotations).  With ``--show-unknowns`` each
undecided check becomes a ``notice``.

GitHub shows only about 10 error and 10 warning annotations per step, so errors come first, then
warnings, then notices (each group sorted by file and line), and a last plain line sums the run
up (``lambdalint: 3 errors, 12 warnings, 0 infos in 40 files``): a real error in the 20th file is
never hidden behind warnings.  ``file=`` is relative to the repository root
(``GITHUB_WORKSPACE``, else the git top level), which is what GitHub resolves it against.
"""
from __future__ import annotations

from ..document import Span
from ..findings import Finding, Report, Undecided
from ..rulekit import Rule
from . import repository_path, repository_root

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}
ORDER = {"error": 0, "warning": 1, "info": 2}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(kind: str, props: list[tuple[str, str]], message: str) -> str:
    rendered = ",".join(f"{k}={escape_property(v)}" for k, v in props)
    return f"::{kind} {rendered}::{escape_data(message)}" if rendered else f"::{kind}::{escape_data(message)}"


def _location(span: Span, root) -> list[tuple[str, str]]:
    props = [("file", _path(span.file, root)), ("line", str(span.line))]
    if span.end_line == span.line:
        props.append(("col", str(span.column)))
        props += [("endLine", str(span.end_line)), ("endColumn", str(max(span.column, span.end_column)))]
    else:
        props.append(("endLine", str(max(span.line, span.end_line))))
    return props


def _path(file: str, root) -> str:
    return repository_path(file, root) or file


def _finding(f: Finding, root) -> str:
    message = f.message
    for r in f.related:
        s = r.span
        message += f"\n↳ {_path(s.file, root)}:{s.line}:{s.column}" + (f" {r.message}" if r.message else "")
    props = _location(f.span, root) + [("title", f"{f.rule} {f.name}")]
    return _command(COMMANDS.get(f.severity, "warning"), props, message)


def _unknown(u: Undecided, root) -> str:
    props = _location(u.span, root) if u.span is not None else []
    props.append(("title", f"{u.rule} undecided"))
    who = f"{u.resource}: " if u.resource else ""
    return _command("notice", props, f"{who}could not decide: {u.reason}")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def render(report: Report, rules: dict[str, Rule], *, color: bool = False, quiet: bool = False) -> str:
    root = repository_root()
    findings = sorted(report.findings, key=lambda f: (ORDER.get(f.severity, 1), f.sort_key()))
    lines = [_finding(f, root) for f in findings]
    if report.show_unknowns:
        lines += [_unknown(u, root) for u in sorted(report.unknowns, key=Undecided.sort_key)]
    counts = ", ".join(_plural(report.count(s), s) for s in ("error", "warning", "info"))
    summary = f"lambdalint: {counts} in {_plural(report.files, 'file')}"
    if report.unknowns:
        summary += f"; {_plural(len(report.unknowns), 'check')} undecided"
    return "\n".join(lines + [summary]) + "\n"
