"""Shared test helpers."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture
def shared_dir():
    if not SHARED.is_dir():
        pytest.skip("../shared is absent")
    return SHARED


@pytest.fixture(autouse=True)
def _no_github_workspace(monkeypatch):
    """Reports are relative to GITHUB_WORKSPACE when it is set (in GitHub Actions): tests set it
    themselves when they mean to."""
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)


@pytest.fixture(scope="session")
def corpus_report():
    """The whole corpus linted once per session with the default config (shared by the tests
    that check report properties on real input: ~10 s CPU)."""
    corpus = SHARED / "corpus"
    if not corpus.is_dir():
        pytest.skip("../shared/corpus is absent")
    from lambdalint.config import Config
    from lambdalint.runner import lint

    return lint([str(corpus)], Config())
