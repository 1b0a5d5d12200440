"""Human-readable report, grouped by file.

::

    infra/app.yaml
      42:9   LL201 error    subnet PublicSubnetA routes ... NAT gateway.  [Worker]
          ↳ infra/app.yaml:88:7 route to Igw

    note: LL204 Worker: could not decide: Role <- !Ref RoleArn (parameter without default)  infra/app.yaml:12

    3 files, 8 functions: 1 error, 0 warnings, 0 infos; 2 suppressed (1 without reason); 40 checks: 38 decided, 2 undecided (--show-unknowns lists them)

Colour (ANSI escapes) only when ``color=True``.  How much detail:

- ``quiet=True`` prints only the finding lines, each prefixed with its file
  (``infra/app.yaml:42:9  LL201 error  ...``) so that every line stands alone, messages whole; no
  headers, related locations, notes or summary.
- the default cuts a finding line at :data:`LINE_LIMIT` characters (``…``; the summary says so),
  and above :data:`STATS_FROM` findings of several rules lists the count per rule (as ruff's
  ``--statistics``) before the summary: a run with 3,000 LL107 findings says so in one line.
- ``verbose=True`` prints every message whole, always lists the counts per rule, and says how
  long the run took.
- ``statistics=True`` prints only the counts per rule and the summary.
"""
from __future__ import annotations

from ..findings import Finding, Report, Undecided
from ..rulekit import Rule

LINE_LIMIT = 200  # characters of one finding line in the default view
STATS_FROM = 10  # findings (of at least two rules) from which the default view counts per rule

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


def _finding_line(f: Finding, paint: _Painter, loc_width: int, prefix_file: bool,
                  limit: int | None = None) -> tuple[str, bool]:
    """One line per finding, and whether its message was cut: with ``limit`` the message is cut
    so the line fits (the resource tag stays)."""
    s = f.span
    loc = f"{s.line}:{s.column}"
    if prefix_file:
        head, head_len = paint(f"{s.file}:{loc}", _BOLD), len(f"{s.file}:{loc}")
    else:
        head, head_len = "  " + paint(loc, _DIM) + " " * (loc_width - len(loc)), 2 + max(loc_width, len(loc))
    sev = paint(f.severity, _SEVERITY_COLOR.get(f.severity, ""), _BOLD) + " " * (7 - len(f.severity))
    message = " ".join(part.strip() for part in f.message.splitlines()) or f.message  # one line per finding
    shown = f.resource or ""
    if f.resource and f.construct_path:  # an AWS CDK resource: its construct path too
        shown = f"{f.resource} ({f.construct_path})"
    whole = message
    if limit is not None:
        prefix = head_len + len(f"  {f.rule} {f.severity:<7}  ")
        if f.resource and f.construct_path and prefix + 40 + len(shown) + 4 > limit:
            keep = max(limit - prefix - 40 - len(f.resource) - 8, 12)  # the path's end says most
            shown = f"{f.resource} (…{f.construct_path[-keep:]})" if keep < len(f.construct_path) else shown
        tag = f"  [{shown}]" if shown else ""
        message = cut(message, max(limit - prefix - len(tag), 40))
    line = f"{head}  {paint(f.rule, _BOLD)} {sev}  {message}"
    if shown:
        line += "  " + paint(f"[{shown}]", _DIM)
    return line, message is not whole


def cut(text: str, room: int) -> str:
    """``text`` in at most ``room`` characters: cut at a word boundary, ending in ``…`` (the
    same object when it fits)."""
    if len(text) <= room:
        return text
    head = text[:room - 1]
    space = head.rfind(" ")
    if space >= room // 2:
        head = head[:space]
    return head.rstrip(" ,;:(") + "…"


def statistics(findings: list[Finding], paint: _Painter) -> list[str]:
    """Count per rule, most frequent first (as ruff's ``--statistics``)."""
    counts: dict[str, list] = {}
    for f in findings:
        entry = counts.setdefault(f.rule, [0, f.name, set()])
        entry[0] += 1
        entry[2].add(f.severity)
    width = len(str(max((c[0] for c in counts.values()), default=0)))
    order = sorted(counts.items(), key=lambda item: (-item[1][0], item[0]))
    lines = []
    for rule, (count, name, severities) in order:
        sev = "/".join(s for s in ("error", "warning", "info") if s in severities)
        lines.append(f"{count:>{width}}  {paint(rule, _BOLD)}  {name} ({sev})")
    return lines


def _note(u: Undecided, paint: _Painter) -> str:
    who = f"{u.rule} {u.resource}" if u.resource else u.rule
    text = f"{paint('note', _BOLD)}: {who}: could not decide: {u.reason}"
    if u.span is not None:
        text += "  " + paint(f"{u.span.file}:{u.span.line}", _DIM)
    return text


def render(report: Report, rules: dict[str, Rule], *, color: bool = False, quiet: bool = False,
           verbose: bool = False, statistics_only: bool = False) -> str:
    paint = _Painter(color)
    findings = sorted(report.findings, key=Finding.sort_key)
    lines: list[str] = []

    if quiet and not statistics_only:
        lines = [_finding_line(f, paint, 0, prefix_file=True)[0] for f in findings]
        return "\n".join(lines) + "\n" if lines else ""
    limit = None if verbose else LINE_LIMIT
    findings_shown = [] if statistics_only else findings

    by_file: dict[str, list[Finding]] = {}
    for f in findings_shown:
        by_file.setdefault(f.span.file, []).append(f)
    was_cut = False
    for file, group in by_file.items():
        width = max(len(f"{f.span.line}:{f.span.column}") for f in group)
        lines.append(paint(file, _BOLD, _UNDERLINE))
        for f in group:
            line, shortened = _finding_line(f, paint, width, prefix_file=False, limit=limit)
            was_cut = was_cut or shortened
            lines.append(line)
            for r in f.related:
                where = f"↳ {r.span}"
                message = r.message or ""
                if limit is not None and message:
                    cut_message = cut(message, max(limit - 6 - len(where) - 1, 20))
                    was_cut = was_cut or cut_message is not message
                    message = cut_message
                lines.append("      " + paint(where, _DIM) + (f" {message}" if message else ""))
        lines.append("")

    unknowns = sorted(report.unknowns, key=Undecided.sort_key)
    if report.show_unknowns and unknowns and not statistics_only:
        lines.extend(_note(u, paint) for u in unknowns)
        lines.append("")

    several_rules = len({f.rule for f in findings}) > 1
    if findings and (verbose or statistics_only or (len(findings) >= STATS_FROM and several_rules)):
        lines.extend(statistics(findings, paint))
        lines.append("")
    if was_cut:
        lines.append(paint("long messages were cut (…): --verbose shows them whole", _DIM))
    if verbose:
        lines.append(paint(f"linted in {report.elapsed:.1f} s", _DIM))

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
    if report.checks:
        decided, undecided = report.decided, report.undecided
        total = decided + undecided
        summary += f"; {total:,} check{'' if total == 1 else 's'}: {decided:,} decided, {undecided:,} undecided"
        if undecided:
            summary += " (listed above)" if report.show_unknowns and unknowns else " (--show-unknowns lists them)"
    elif unknowns:  # a report made without the engine's counts
        hint = "listed above" if report.show_unknowns else "--show-unknowns lists them"
        summary += f"; {_plural(len(unknowns), 'check')} undecided ({hint})"
    lines.append(summary)
    return "\n".join(lines) + "\n"
