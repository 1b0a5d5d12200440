"""docs/relations.md and fixtures/relations/ stay in sync, and every declaration form listed there
gives the model what the table says (an edge of the graph, or a policy of a role)."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest

from lambdalint.config import load_config
from lambdalint.model.entities import Role
from lambdalint.runner import build_model

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "relations.md"
FIXTURES = ROOT / "fixtures" / "relations"
LINK = re.compile(r"\]\((\.\./fixtures/relations/[^)]+)\)")
EDGE = re.compile(r"^(\S+) -([a-z-]+)-> (\S+)$")
POLICY = re.compile(r"^(\S+) <= (.+)$")


def _rows():
    """(section, declaration form, [fixture paths], expectation) per table row of the doc."""
    section = ""
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:]
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else []
        if len(cells) != 4 or cells[0] in ("format", "---"):
            continue
        fixtures = [(DOC.parent / link).resolve() for link in LINK.findall(cells[2])]
        expectation = cells[3].strip("`")
        yield section, f"{cells[0]}: {cells[1]}", fixtures, expectation


ROWS = list(_rows())


def test_every_fixture_is_listed_and_every_listed_fixture_exists():
    listed = {path for _, _, fixtures, _ in ROWS for path in fixtures}
    assert ROWS and all(fixtures for _, _, fixtures, _ in ROWS), "a row without a fixture"
    assert all(path.exists() for path in listed), sorted(str(p) for p in listed if not p.exists())
    on_disk = {p.resolve() for p in FIXTURES.iterdir() if not p.name.startswith((".", "_"))}
    on_disk = {p / "main.tf" if p.is_dir() and (p / "main.tf").exists() else
               p / "main.tf.json" if p.is_dir() else p for p in on_disk}
    assert on_disk == listed, f"not in docs/relations.md: {sorted(map(str, on_disk - listed))}"


@lru_cache(maxsize=None)
def _model(path: Path):
    target = path.parent if path.name in ("main.tf", "main.tf.json") else path
    model, _ = build_model([str(target)], load_config(None))
    return model


def _by_name(model, name):
    found = [e for e in model.entities.values() if e.name == name]
    assert found, f"no resource named {name}"
    return found


@pytest.mark.parametrize("section,form,fixtures,expectation", ROWS,
                         ids=[f"{s}|{f}" for s, f, _, _ in ROWS])
def test_declaration_form_gives_the_model_relation(section, form, fixtures, expectation):
    for fixture in fixtures:
        model = _model(fixture)
        edge, policy = EDGE.match(expectation), POLICY.match(expectation)
        assert edge or policy, f"unreadable expectation {expectation!r}"
        if edge:
            source, reason, target = edge.groups()
            targets = {t.node for t in _by_name(model, target)}
            assert any(data["reason"] == reason for s in _by_name(model, source) for t in targets
                       for data in (model.graph.get_edge_data(s.node, t) or {}).values()), \
                f"{fixture.name}: no {expectation}"
        else:
            name, origin = policy.groups()
            roles = [r for r in _by_name(model, name) if isinstance(r, Role)]
            origins = [s.origin for r in roles for s in r.statements] + [u for r in roles for u in r.unresolved]
            assert any(origin in o for o in origins), f"{fixture.name}: {name} has {sorted(set(origins))}"
