"""scripts/precision_sample.py: the sampling rule of docs/precision.md is fixed and reproducible."""
from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "precision_sample.py"
spec = importlib.util.spec_from_file_location("precision_sample", SCRIPT)
sample = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sample)


def _findings(rule, count, files):
    return [{"rule": rule, "file": f"f{i % files}.yaml", "resource": f"R{i}", "line": i} for i in range(count)]


def test_quota_per_rule():
    assert sample.quota(3, 1.2, 5, 15) == 3  # all, when fewer than 5
    assert sample.quota(29, 1.2, 5, 15) == 7  # ceil(1.2 * sqrt(29))
    assert sample.quota(2875, 1.2, 5, 15) == 15  # LL107: capped


def test_pick_is_stable_prefers_new_files_and_keeps_ranks():
    items = _findings("LL109", 40, files=4) + _findings("LL003", 2, files=1)
    first = sample.pick(items, "finding", 1.2, 5, 15)
    assert first == sample.pick(list(reversed(items)), "finding", 1.2, 5, 15)  # order-free
    ll109 = [i for i in first if i["rule"] == "LL109"]
    assert len(ll109) == 8 and len({i["file"] for i in ll109[:4]}) == 4  # four files before repeats
    # a finding that disappears lets the next in rank in; the others stay
    gone = ll109[-1]
    again = sample.pick([i for i in items if i is not gone], "finding", 1.2, 5, 15)
    assert [i for i in ll109 if i is not gone] == [i for i in again if i["rule"] == "LL109"][:7]
