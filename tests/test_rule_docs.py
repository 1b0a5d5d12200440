"""Every rule's documentation is complete, and its examples are executed (pylint-style): the
``## Example`` block must fire where it says ``# expect:``, the ``## Use instead`` block must not."""
from __future__ import annotations

import re

import pytest

from lambdalint.config import Config
from lambdalint.engine import load_rules
from lambdalint.runner import lint

RULES = load_rules()
SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## References")
CODE_AFTER = r"{}\n+```(?:yaml|json)\n(.*?)```"


def _block(doc: str, heading: str) -> str | None:
    match = re.search(CODE_AFTER.format(re.escape(heading)), doc, re.S)
    return match.group(1) if match else None


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_doc_sections(rule_id):
    doc = RULES[rule_id].doc
    for section in SECTIONS:
        assert section in doc, f"{rule_id} docstring lacks {section}"


def _lint_text(tmp_path, rule_id, text, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "example.yaml").write_text(text)
    config = Config(select=[rule_id])
    return [f for f in lint(["example.yaml"], config).findings if f.rule == rule_id]


@pytest.mark.parametrize("rule_id", sorted(r for r in RULES if _block(RULES[r].doc, "## Example")))
def test_doc_example_fires(rule_id, tmp_path, monkeypatch):
    text = _block(RULES[rule_id].doc, "## Example")
    expected = {n for n, line in enumerate(text.splitlines(), 1) if f"expect: {rule_id}" in line}
    assert expected, f"{rule_id} example has no '# expect: {rule_id}' line"
    found = _lint_text(tmp_path, rule_id, text, monkeypatch)
    assert {f.span.line for f in found} == expected, [f"{f.span} {f.message}" for f in found]


@pytest.mark.parametrize("rule_id", sorted(r for r in RULES if _block(RULES[r].doc, "## Use instead")))
def test_doc_use_instead_is_silent(rule_id, tmp_path, monkeypatch):
    found = _lint_text(tmp_path, rule_id, _block(RULES[rule_id].doc, "## Use instead"), monkeypatch)
    assert found == [], [f"{f.span} {f.message}" for f in found]
