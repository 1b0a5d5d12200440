"""No silent drops: a check that read a value it could not resolve never passes quietly.

Every (rule, subject) check ends in a finding, a pass, or undecided (``engine.verdict``).  This
test watches each check: while it runs, every read of an entity attribute (and of a
destination's target) whose value holds an ``Unknown`` anywhere inside is recorded.  A check
that read such a value and then passes without a word is a silent drop, unless the rule said
why the unknown cannot change the answer (``rulekit.Sure``: a bound, an irrelevant branch), or
a model query accounted for it exactly (``values.handled``: a name known only after apply is the
entity's own placeholder).

It runs on every fixture case (with the case's rule, as ``test_fixtures`` does) and on the
whole corpus in ``../shared/corpus`` with every rule (skipped when the corpus is absent).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from lambdalint import engine, values
from lambdalint.config import load_config
from lambdalint.model.entities import Destination, Entity
from lambdalint.parameters import load_parameters
from lambdalint.rulekit import Sure
from lambdalint.runner import lint
from lambdalint.values import Value, unknown_leaves

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CORPUS_PARTS = ("cfn", "sam", "tf-hcl", "tf-json", "tf-plan")


class Watch:
    """Records the Unknown-holding values read during one check."""

    def __init__(self):
        self.reads: list | None = None
        self.holds: dict = {}  # id(value) -> first Unknown inside (or None)
        self.drops: list[str] = []
        self.checks = 0

    def unknown_in(self, value):
        key = id(value)
        if key not in self.holds:
            self.holds[key] = (value, next(unknown_leaves(value), None))
        return self.holds[key][1]

    def install(self, monkeypatch):
        watch = self
        original_get = object.__getattribute__

        def reading(obj, name):
            value = original_get(obj, name)
            if watch.reads is not None and isinstance(value, Value) and not name.startswith("_"):
                unknown = watch.unknown_in(value)
                if unknown is not None:
                    watch.reads.append((original_get(obj, "__class__").__name__, name, unknown, value))
            return value

        original_check = engine.check_subject

        def check_subject(loaded, model, subject, options):
            watch.reads = []
            values.HANDLED = []
            Entity.__getattribute__ = reading
            Destination.__getattribute__ = reading
            try:
                items = original_check(loaded, model, subject, options)
            finally:
                del Entity.__getattribute__
                del Destination.__getattribute__
                reads, watch.reads = watch.reads, None
                accounted, values.HANDLED = set(values.HANDLED), None
            reads = [read for read in reads if id(read[3]) not in accounted]
            watch.checks += 1
            if reads and engine.verdict(items) == engine.PASS and not any(isinstance(i, Sure) for i in items):
                who = getattr(subject, "name", None) or type(subject).__name__
                cls, attr, unknown, _value = reads[0]
                where = f"{unknown.source.span}" if unknown.source is not None else "?"
                watch.drops.append(f"{loaded.meta.id} on {who}: passed after reading {cls}.{attr} <- "
                                   f"{unknown.reason} ({where})")
            return items

        monkeypatch.setattr(engine, "check_subject", check_subject)
        return self


def _cases():
    for rule_dir in sorted(FIXTURES.glob("LL[0-9][0-9][0-9]")):
        for entry in sorted(rule_dir.iterdir()):
            if entry.name.startswith((".", "_")) or entry.suffix == ".expect":
                continue
            if entry.is_dir() or entry.name.endswith((".yaml", ".yml", ".json", ".template", ".tf")):
                yield rule_dir.name, entry


def test_fixture_cases_never_drop_silently(monkeypatch):
    watch = Watch().install(monkeypatch)
    monkeypatch.chdir(FIXTURES.parent)
    for rule, entry in _cases():
        case = entry.relative_to(FIXTURES.parent)
        config = load_config(case / ".lambdalint.yaml" if (case / ".lambdalint.yaml").is_file() else None)
        config.select = [rule]
        parameters = load_parameters(str(case / "parameters.yaml")) if (case / "parameters.yaml").is_file() else {}
        lint([str(case)], config, parameters)
    assert watch.checks > 500
    assert not watch.drops, "\n".join(watch.drops)


def test_corpus_never_drops_silently(shared_dir, monkeypatch):
    corpus = shared_dir / "corpus"
    parts = [str(corpus / part) for part in CORPUS_PARTS if (corpus / part).is_dir()]
    if not parts:
        pytest.skip("no corpus")
    watch = Watch().install(monkeypatch)
    monkeypatch.chdir(corpus.parent)
    config = load_config(None)
    config.select = sorted(engine.load_rules())  # the opt-in rules too
    config.jobs = 1 if hasattr(config, "jobs") else None
    lint([os.path.relpath(p) for p in parts], config)
    assert watch.checks > 10_000
    assert not watch.drops, f"{len(watch.drops)} silent drops:\n" + "\n".join(sorted(watch.drops)[:200])


def test_the_watch_sees_a_silent_drop(monkeypatch, tmp_path):
    """The test can fail: a rule that ignores an Unknown timeout is caught."""
    module = engine.load_rules()["LL101"].module

    def careless(model, fn, options):
        fn.timeout  # read, then say nothing
        return iter(())

    monkeypatch.setattr(module, "check", careless)
    watch = Watch().install(monkeypatch)
    (tmp_path / "t.yaml").write_text(
        "Parameters:\n  T:\n    Type: Number\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n"
        "    Properties:\n      Runtime: python3.12\n      Handler: a.h\n      Role: arn:aws:iam::1:role/r\n"
        "      Code: {ZipFile: x}\n      Timeout: !Ref T\n")
    monkeypatch.chdir(tmp_path)
    config = load_config(None)
    config.select = ["LL101"]
    lint(["t.yaml"], config)
    assert watch.drops and "LL101 on Fn" in watch.drops[0] and "!Ref T" in watch.drops[0]
