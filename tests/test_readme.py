"""The README's rule table is generated from the rule modules; fail when it is stale."""
from __future__ import annotations

import re
from pathlib import Path

from lambdalint.docs import rules_markdown
from lambdalint.engine import load_rules

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_rule_table_is_current():
    text = README.read_text(encoding="utf-8")
    match = re.search(r"<!-- rules:start -->\n(.*?)<!-- rules:end -->", text, re.S)
    assert match, "README lacks the rules markers"
    assert match.group(1) == rules_markdown(load_rules()), (
        "README rule table is stale: run `python scripts/update_readme.py`")


def test_readme_states_the_two_setup_commands():
    text = README.read_text(encoding="utf-8")
    assert "lambdalint check fixtures/example" in text
    assert "python3 -m pytest" in text
