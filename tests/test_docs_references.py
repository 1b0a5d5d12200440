"""Rule documentation cites what users can open: AWS documentation pages (and the Terraform,
SAM, CloudFormation references), quoting the fact, never lambdalint's internal research notes
(constraints.md) or specs."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from lambdalint.docs import explain, rules_reference, sections
from lambdalint.engine import load_rules

ROOT = Path(__file__).resolve().parents[1]
RULES = load_rules()
INTERNAL = re.compile(r"constraints\.md|spec/(rules|cli)\.md|\bCFNL-LIFE\b|\bLDG:|⚠")
AWS = re.compile(r"\]\(https://(docs\.aws\.amazon\.com|registry\.terraform\.io|developer\.hashicorp\.com)/[^)\s]+\)")
NOT_AN_AWS_FACT = {"LL002"}  # unused suppressions: a lambdalint behaviour
NO_QUOTE = {"LL002", "LL003", "LL004"}  # references name the documents, there is no sentence to quote


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_references_cite_public_pages_and_quote(rule_id):
    loaded = RULES[rule_id]
    refs = sections(loaded.doc).get("References", "")
    assert refs, f"{rule_id} has no References"
    assert not INTERNAL.search(loaded.doc), INTERNAL.search(loaded.doc).group(0)
    links = re.findall(r"\]\((https?://[^)\s]+)\)", refs)
    assert links, f"{rule_id}: References without a link"
    if rule_id not in NOT_AN_AWS_FACT:
        assert AWS.search(refs), f"{rule_id}: no AWS/Terraform documentation page"
    if rule_id not in NO_QUOTE:
        assert re.search(r'"[^"]{12,}"', refs), f"{rule_id}: no quoted fact"
    for url in links:
        assert not url.endswith((".", ",")) and " " not in url


def test_no_internal_citation_anywhere_users_read():
    texts = {"docs/rules.md": (ROOT / "docs" / "rules.md").read_text(),
             "README.md": (ROOT / "README.md").read_text(),
             "explain": "".join(explain(r) for r in RULES.values()),
             "reference": rules_reference(RULES)}
    for name, text in texts.items():
        found = INTERNAL.search(text)
        assert found is None, (name, found.group(0) if found else None)
