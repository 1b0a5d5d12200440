"""Regenerate the README's rule table from the rule modules."""
import re
from pathlib import Path

from lambdalint.docs import rules_markdown, rules_reference
from lambdalint.engine import load_rules

readme = Path(__file__).resolve().parents[1] / "README.md"
text = readme.read_text(encoding="utf-8")
table = rules_markdown(load_rules())
text = re.sub(r"(<!-- rules:start -->\n).*?(<!-- rules:end -->)", lambda m: m.group(1) + table + m.group(2), text, flags=re.S)
readme.write_text(text, encoding="utf-8")

(readme.parent / "docs").mkdir(exist_ok=True)
(readme.parent / "docs" / "rules.md").write_text(rules_reference(load_rules()), encoding="utf-8")
