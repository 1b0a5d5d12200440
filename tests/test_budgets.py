"""The budgets of issue 11 as the README documents them: the README table is the constants'
values, and no real input reaches one (the corpus, when present)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from lambdalint.frontends.terraform import limits as tf_limits
from lambdalint.load import limits

README = Path(__file__).resolve().parents[1] / "README.md"


def _table() -> dict[str, str]:
    rows = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        found = re.match(r"\| `(MAX_[A-Z_]+)` [^|]* \| ([^|]+) \|", line)
        if found:
            rows[found.group(1)] = found.group(2).strip()
    return rows


def _shown(value: int) -> str:
    return f"{value // limits.MB} MB" if value >= limits.MB and value % limits.MB == 0 else f"{value:,}"


def test_readme_lists_every_budget_with_its_value():
    table = _table()
    constants = {name: getattr(limits, name) for name in dir(limits) if name.startswith("MAX_")}
    constants |= {name: getattr(tf_limits, name) for name in dir(tf_limits) if name.startswith("MAX_")
                  and name not in ("MAX_DEPTH", "MAX_EITHER")}  # evaluation internals, not input budgets
    assert set(table) == set(constants)
    for name, value in constants.items():
        assert table[name] == _shown(value), name


def test_no_corpus_file_reaches_a_budget(corpus_report):
    """Every budget names itself in its message: none of them may show up on real input."""
    messages = [f.message for f in corpus_report.findings if f.rule == "LL001"]
    messages += [u.reason for u in corpus_report.unknowns]
    for text in messages:
        assert not re.search(r"budget|file too large|nesting deeper than|more than [\d,]+ (nodes|digits)", text), text
