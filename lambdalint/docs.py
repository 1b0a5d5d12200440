"""Rule documentation from the rule modules themselves: the table, JSON, Markdown, explain."""
from __future__ import annotations

import json


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
