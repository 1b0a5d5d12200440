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


def test_rules_reference_is_current():
    """docs/rules.md (the SARIF help links point into it) is generated from the rule modules."""
    from lambdalint.docs import rules_reference

    path = README.parent / "docs" / "rules.md"
    assert path.is_file() and path.read_text(encoding="utf-8") == rules_reference(load_rules()), (
        "docs/rules.md is stale: run `python scripts/update_readme.py`")
    text = path.read_text(encoding="utf-8")
    for rule_id in load_rules():
        assert f'<a id="{rule_id.lower()}"></a>' in text
