"""The cfn-lint plugin reports what lambdalint reports, at the same places, on cfn-lint's own
parsed template (one parse)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("cfnlint")

from lambdalint.config import Config  # noqa: E402
from lambdalint.runner import lint  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
# Plain CloudFormation YAML cases (cfn-lint transforms SAM templates before running rules).
CASES = sorted(p for p in (ROOT / "fixtures").glob("LL[2-4]0[1-6]/*.yaml")
               if "_sam" not in p.name and "Transform" not in p.read_text())[:12]
LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+):\d+:\d+:(?P<id>[EWI]LL\d{3}):(?P<msg>.*)$")


@pytest.mark.parametrize("case", CASES, ids=[f"{p.parent.name}/{p.name}" for p in CASES])
def test_plugin_matches_lambdalint(case, monkeypatch):
    monkeypatch.chdir(ROOT)
    rel = str(case.relative_to(ROOT))
    ours = {(f.rule, f.span.line, f.span.column, f.message)
            for f in lint([rel], Config()).findings if f.rule not in ("LL001", "LL002", "LL003")}
    result = subprocess.run([sys.executable, "-c", "import sys; from cfnlint.runner import main; sys.argv[0] = 'cfn-lint'; main()", rel, "-a", "lambdalint.cfnlint", "--format", "parseable", "--include-checks", "I"],
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    theirs = set()
    for line in result.stdout.splitlines():
        match = LINE.match(line)
        if match:
            theirs.add((match["id"][1:], int(match["line"]), int(match["col"]), match["msg"]))
    assert theirs == ours, result.stderr[-2000:]


def test_plugin_ids_carry_the_severity_letter():
    import lambdalint.cfnlint as plugin

    ids = {getattr(plugin, name).id for name in dir(plugin) if name.startswith("LambdalintLL")}
    assert "ELL201" in ids
    assert all(i[0] in "EWI" and i[1:].startswith("LL") for i in ids)
