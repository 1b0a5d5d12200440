"""Parity: a scenario written in several formats gives the same rule IDs on the same resources.

In ``fixtures/<RULE>/`` one scenario ``S`` may exist as ``S.yaml`` (CloudFormation YAML),
``S.json`` (CloudFormation JSON), ``S_tf/`` (Terraform HCL module), ``S_tfjson/`` (Terraform JSON
module) and ``S.plan.json`` (a real ``terraform show -json`` plan).  Resources are compared by
name: the Terraform address's last part against the logical ID, ignoring case, ``_`` and ``-``
(``aws_subnet.public_a[0]`` ~ ``PublicA``), which is how the fixtures name them.
"""
from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from lambdalint.config import load_config
from lambdalint.runner import lint

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FORMATS = ((".plan.json", "plan"), ("_tfjson", "tf-json"), ("_tf", "tf-hcl"), (".yaml", "cfn-yaml"), (".json", "cfn-json"))


def _scenarios():
    for rule_dir in sorted(FIXTURES.glob("LL[0-9][0-9][0-9]")):
        groups = defaultdict(dict)
        for entry in rule_dir.iterdir():
            if entry.name.endswith(".expect") or entry.name.startswith((".", "_")):
                continue
            for suffix, fmt in FORMATS:
                if entry.name.endswith(suffix) and (entry.is_dir() == suffix.startswith("_")):
                    groups[entry.name[: -len(suffix)]][fmt] = entry
                    break
        for stem, formats in sorted(groups.items()):
            if {"tf-hcl", "tf-json", "plan"} & set(formats) and len(formats) > 1:
                yield pytest.param(rule_dir.name, formats, id=f"{rule_dir.name}/{stem}")


def _norm(resource: str | None) -> str:
    name = (resource or "").split(".")[-1] if (resource or "").startswith(("aws_", "module.", "data.")) else resource or ""
    return re.sub(r"\[.*?\]|[_\-]", "", name).lower()


@pytest.mark.parametrize("rule,formats", list(_scenarios()))
def test_same_findings_in_every_format(rule, formats, monkeypatch):
    monkeypatch.chdir(FIXTURES.parent)
    seen = {}
    for fmt, path in sorted(formats.items()):
        case = path.relative_to(FIXTURES.parent)
        config_file = case / ".lambdalint.yaml" if case.is_dir() else None
        config = load_config(config_file if config_file and config_file.is_file() else None)
        config.select = [rule]
        report = lint([str(case)], config)
        seen[fmt] = sorted({(f.rule, _norm(f.resource)) for f in report.findings if f.rule == rule})
    reference = next(iter(seen.values()))
    assert all(v == reference for v in seen.values()), seen
