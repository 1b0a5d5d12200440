"""Human-readable report, grouped by file.

::

    infra/app.yaml
      42:9   LL201 error    subnet PublicSubnetA routes ... NAT gateway.  [Worker]
          ↳ infra/app.yaml:88:7 route to Igw

    note: LL204 Worker: could not decide: Role <- !Ref RoleArn (parameter without default)  infra/app.yaml:12

    3 files, 8 functions: 1 error, 0 warnings, 0 infos; 2 suppressed (1 without reason)

Colour (ANSI escapes) only when ``color=True``.  ``quiet=True`` prints only the finding lines,
each prefixed with its file (``infra/app.yaml:42:9  LL201 error  ...``) so that every line stands
alone; no headers, related locations, notes or summary.
"""
from __future__ import annotations

from ..findings import Finding, Report, Undecided
from ..rulekit import Rule

_RESET = "\033[0m"
_BOLD = "\033[1m"
_DIM = "\033[2m"
_UNDERLINE = "\033[4m"
_SEVERITY_COLOR = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_GREEN = "\033[32m"


class _Painter:
    def __init__(self, enabled: bool):
        self.enabled = enabled

    def __call__(self, text: str, *codes: str) -> str:
        if not self.enabled or not codes or not text:
            return text
        return "".join(codes) + text + _RESET


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _finding_line(f: Finding, paint: _Painter, loc_width: int, prefix_file: bool) -> str:
    s = f.span
    loc = f"{s.line}:{s.column}"
    if prefix_file:
        head = paint(f"{s.file}:{loc}", _BOLD)
    else:
        head = "  " + paint(loc, _DIM) + " " * (loc_width - len(loc))
    sev = paint(f.severity, _SEVERITY_COLOR.get(f.severity, ""), _BOLD) + " " * (7 - len(f.severity))
    message = " ".join(part.strip() for part in f.message.splitlines()) or f.message  # one line per finding
    line = f"{head}  {paint(f.rule, _BOLD)} {sev}  {message}"
    if f.resource:
        line += "  " + paint(f"[{f.resource}]", _DIM)
    return line


def _note(u: Undecided, paint: _Painter) -> str:
    who = f"{u.rule} {u.resource}" if u.resource else u.rule
    text = f"{paint('note', _BOLD)}: {who}: could not decide: {u.reason}"
    if u.span is not None:
        text += "  " + paint(f"{u.span.file}:{u.span.line}", _DIM)
    return text


def render(report: Report, rules: dict[str, Rule], *, color: bool = False, quiet: bool = False) -> str:
    paint = _Painter(color)
    findings = sorted(report.findings, key=Finding.sort_key)
    lines: list[str] = []

    if quiet:
        lines = [_finding_line(f, paint, 0, prefix_file=True) for f in findings]
        return "\n".join(lines) + "\n" if lines else ""

    by_file: dict[str, list[Finding]] = {}
    for f in findings:
        by_file.setdefault(f.span.file, []).append(f)
    for file, group in by_file.items():
        width = max(len(f"{f.span.line}:{f.span.column}") for f in group)
        lines.append(paint(file, _BOLD, _UNDERLINE))
        for f in group:
            lines.append(_finding_line(f, paint, width, prefix_file=False))
            for r in f.related:
                lines.append("      " + paint(f"↳ {r.span}", _DIM) + (f" {r.message}" if r.message else ""))
        lines.append("")

    unknowns = sorted(report.unknowns, key=Undecided.sort_key)
    if report.show_unknowns and unknowns:
        lines.extend(_note(u, paint) for u in unknowns)
        lines.append("")

    errors, warnings, infos = (report.count(s) for s in ("error", "warning", "info"))
    counts = ", ".join([
        paint(_plural(errors, "error"), _SEVERITY_COLOR["error"], _BOLD) if errors else _plural(errors, "error"),
        paint(_plural(warnings, "warning"), _SEVERITY_COLOR["warning"], _BOLD) if warnings else _plural(warnings, "warning"),
        paint(_plural(infos, "info"), _SEVERITY_COLOR["info"]) if infos else _plural(infos, "info"),
    ])
    summary = f"{_plural(report.files, 'file')}, {_plural(report.functions, 'function')}: {counts}"
    if not findings:
        summary = paint(summary, _GREEN)
    if report.suppressed:
        summary += f"; {report.suppressed} suppressed"
        if report.suppressed_without_reason:
            summary += f" ({report.suppressed_without_reason} without reason)"
    if unknowns:
        hint = "listed above" if report.show_unknowns else "--show-unknowns lists them"
        summary += f"; {_plural(len(unknowns), 'check')} undecided ({hint})"
    lines.append(summary)
    return "\n".join(lines) + "\n"
