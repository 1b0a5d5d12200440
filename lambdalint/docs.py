"""Rule documentation from the rule modules themselves: the table, JSON, Markdown, explain."""
from __future__ import annotations

import json
import re

_HEADING = re.compile(r"^## +(.+?)\s*$", re.M)


def rules_table(rules) -> str:
    rows = [("ID", "NAME", "SEVERITY", "SUMMARY")]
    for loaded in rules.values():
        meta = loaded.meta
        severity = meta.severity + (" (opt-in)" if meta.opt_in else "")
        rows.append((meta.id, meta.name, severity, meta.summary))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "".join(f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]}\n" for r in rows)


def rules_json(rules) -> str:
    out = [{"id": r.meta.id, "name": r.meta.name, "severity": r.meta.severity, "opt_in": r.meta.opt_in,
            "summary": r.meta.summary,
            "options": {k: {"type": o.type.__name__, "default": str(o.default) if not isinstance(o.default, (int, float, bool, str)) else o.default, "help": o.help}
                        for k, o in r.meta.options.items()}}
           for r in rules.values()]
    return json.dumps(out, indent=2) + "\n"


def rules_markdown(rules) -> str:
    """The README's rule table (a test fails when the README's copy is stale)."""
    lines = ["| ID | name | severity | what |", "|---|---|---|---|"]
    for loaded in rules.values():
        meta = loaded.meta
        severity = meta.severity + (" (opt-in)" if meta.opt_in else "")
        lines.append(f"| {meta.id} | {meta.name} | {severity} | {meta.summary.replace('|', '/')} |")
    return "\n".join(lines) + "\n"


def explain(loaded) -> str:
    meta = loaded.meta
    head = f"{meta.id} {meta.name} ({meta.severity}{', opt-in' if meta.opt_in else ''})\n\n{meta.summary}\n\n"
    options = ""
    if meta.options:
        options = "\n## Options\n" + "".join(
            f"- `{name}` ({option.type.__name__}, default {option.default}): {option.help}\n"
            for name, option in meta.options.items())
    return head + loaded.doc + "\n" + options


def rules_reference(rules) -> str:
    """docs/rules.md: every rule's full documentation, one anchor per ID (SARIF helpUri)."""
    parts = ["# lambdalint rules\n\nGenerated from the rule modules (`python scripts/update_readme.py`); "
             "`lambdalint explain ID` prints the same text.\n"]
    for loaded in rules.values():
        meta = loaded.meta
        doc = loaded.doc.replace("\n## ", "\n### ")
        doc = doc[3:] if doc.startswith("## ") else doc
        severity = meta.severity + (", opt-in" if meta.opt_in else "")
        options = "".join(f"- `{name}` ({o.type.__name__}, default {o.default}): {o.help}\n"
                          for name, o in meta.options.items())
        parts.append(f"\n<a id=\"{meta.id.lower()}\"></a>\n## {meta.id} {meta.name} ({severity})\n\n"
                     f"{meta.summary}\n\n### {doc}\n" + (f"\n### Options\n{options}" if options else ""))
    return "".join(parts)


def sections(doc: str) -> dict[str, str]:
    """A rule docstring's ``## Title`` sections, by title."""
    parts = _HEADING.split(doc)
    return {parts[i].strip(): parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}


def _paragraph(text: str) -> str:
    return " ".join(line.strip() for line in text.split("\n\n")[0].splitlines()).strip()


def full_description(loaded) -> str:
    """One paragraph that says more than the summary: "What it does", then "Why is this bad?"."""
    parts = sections(loaded.doc)
    what, why = _paragraph(parts.get("What it does", "")), _paragraph(parts.get("Why is this bad?", ""))
    text = " ".join(p for p in (what, why) if p)
    return text if text and text != loaded.meta.summary else ""


def _options(meta) -> str:
    return "".join(f"- `{name}` ({option.type.__name__}, default {option.default}): {option.help}\n"
                   for name, option in meta.options.items())


def help_markdown(loaded, uri: str) -> str:
    """The rule's documentation as Markdown (SARIF ``help.markdown``, shown beside each alert)."""
    meta = loaded.meta
    severity = meta.severity + (", opt-in" if meta.opt_in else "")
    options = f"\n\n## Options\n{_options(meta)}" if meta.options else ""
    return (f"**{meta.id} {meta.name}** ({severity}): {meta.summary}\n\n{loaded.doc.strip()}{options}"
            f"\n\n[Full documentation]({uri}) · suppress with `# lambdalint: ignore[{meta.id}] reason`\n")


def help_text(loaded) -> str:
    """The same as plain text: headings without ``##``, code fences dropped."""
    meta = loaded.meta
    lines = [f"{meta.id} {meta.name}: {meta.summary}", ""]
    for line in loaded.doc.strip().splitlines():
        if line.startswith("```"):
            continue
        lines.append(line[3:].upper() if line.startswith("## ") else line)
    if meta.options:
        lines += ["", "OPTIONS", _options(meta).rstrip()]
    return "\n".join(lines) + "\n"
