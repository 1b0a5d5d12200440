"""The text report for people: lines cut to a readable length, counts per rule, --quiet /
--verbose / --statistics, every option described in --help, FORCE_COLOR/NO_COLOR, and a progress
bar only on a terminal and only for long runs."""
from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest

from lambdalint.cli import _parser, main
from lambdalint.document import Span
from lambdalint.engine import load_rules
from lambdalint.findings import Finding, Report
from lambdalint.progress import Bar, expect, tick
from lambdalint.report import render
from lambdalint.report.text import LINE_LIMIT, STATS_FROM, cut

ROOT = Path(__file__).resolve().parents[1]
RULES = {rid: loaded.meta for rid, loaded in load_rules().items()}
ANSI = re.compile(r"\x1b\[[0-9;]*m")
LONG = ("queue Jobs has a visibility timeout (VisibilityTimeout) of 30 s, below the 90 s timeout "
        "(Timeout) of function Worker it triggers through WorkerJobs: Lambda rejects the event source "
        "mapping ('Invalid request provided'). Set the queue's visibility timeout to at least 90 s.")


def finding(rule="LL501", line=6, message=LONG, file="app.yaml", severity="error"):
    return Finding(rule, RULES[rule].name, severity, message, Span(file, line, 26, line, 28), "Worker")


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


# -- long lines ------------------------------------------------------------------------------

def test_default_cuts_long_lines_and_says_so():
    out = render("text", Report(findings=[finding()], files=1), RULES)
    line = next(l for l in out.splitlines() if "LL501" in l)
    assert len(line) <= LINE_LIMIT and "…" in line and line.endswith("[Worker]")
    assert "--verbose shows them whole" in out
    short = render("text", Report(findings=[finding(message="short")], files=1), RULES)
    assert "…" not in short and "--verbose" not in short


@pytest.mark.parametrize("flag", ["quiet", "verbose"])
def test_quiet_and_verbose_keep_messages_whole(flag):
    out = render("text", Report(findings=[finding()], files=1), RULES, **{flag: True})
    assert LONG in out and "…" not in out


def test_cut_at_a_word_boundary():
    assert cut("short", 10) == "short"
    assert cut("alpha beta gamma delta", 13) == "alpha beta…"
    assert len(cut("x" * 300, 50)) == 50


def test_no_corpus_line_exceeds_the_limit_by_default(corpus_report):
    out = render("text", corpus_report, RULES)
    lines = out.splitlines()
    finding_lines = [l for l in lines if re.match(r"^  \d+:\d+ ", l)]
    related = [l for l in lines if l.startswith("      ↳ ")]
    assert finding_lines and related
    # a finding line fits unless its resource name alone is too long; a related line unless its
    # path is (paths and names are never cut: they are what a reader searches for)
    assert max(len(l) - len(l.rsplit("  [", 1)[-1]) for l in finding_lines) <= LINE_LIMIT
    for line in related:
        assert len(line) <= LINE_LIMIT or len(line.split(" ", 8)[7]) + 8 + 21 >= LINE_LIMIT, line
    assert "--verbose shows them whole" in out


# -- counts per rule -------------------------------------------------------------------------

def _many():
    return ([finding("LL107", i, "runtime nodejs12.x is deprecated", severity="warning") for i in range(1, 12)]
            + [finding("LL107", 20, "blocked", severity="error"), finding("LL201", 30, "public")])


def test_counts_per_rule_most_frequent_first():
    out = render("text", Report(findings=_many(), files=1), RULES)
    table = [l for l in out.splitlines() if re.match(r"^\s*\d+  LL\d{3}  ", l)]
    assert table == ["12  LL107  deprecated-runtime (error/warning)", " 1  LL201  vpc-subnet-public (error)"]
    assert out.index(table[0]) < out.index("1 file")


def test_no_table_for_a_few_findings_or_a_single_rule():
    few = render("text", Report(findings=[finding("LL201", 3, "x"), finding("LL107", 4, "y")], files=1), RULES)
    assert not re.search(r"^\s*1  LL201", few, re.M)
    assert STATS_FROM > 2
    one_rule = [finding("LL107", i, "y", severity="warning") for i in range(1, 30)]
    assert not re.search(r"^\s*29  LL107", render("text", Report(findings=one_rule, files=1), RULES), re.M)
    assert re.search(r"^29  LL107", render("text", Report(findings=one_rule, files=1), RULES, verbose=True), re.M)


def test_statistics_flag_prints_only_the_table(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_text((ROOT / "fixtures" / "LL107" / "as_of_date" / "template.yaml").read_text())
    code, out, _ = run(capsys, "check", "a.yaml", "--statistics")
    lines = [l for l in out.splitlines() if l]
    assert code == 1
    assert re.match(r"^\d+  LL107  deprecated-runtime", lines[0])
    assert lines[-1].startswith("1 file")
    assert "a.yaml" not in out


# -- options are described -------------------------------------------------------------------

def test_every_check_option_has_a_description():
    import argparse

    check = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction)).choices["check"]
    for action in check._actions:
        assert action.help and action.help != argparse.SUPPRESS, action.option_strings or action.dest
    text = check.format_help()
    for flag in ("--quiet", "--verbose", "--statistics", "--jobs", "--only-templates", "--exclude"):
        assert flag in text


def test_quiet_and_verbose_exclude_each_other(capsys):
    code, _, err = run(capsys, "check", ".", "--quiet", "--verbose")
    assert code == 2 and "not allowed with" in err


# -- colour ----------------------------------------------------------------------------------

@pytest.fixture
def public(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "app.yaml").write_text((ROOT / "fixtures" / "LL201" / "public_subnet.yaml").read_text())
    return tmp_path


@pytest.mark.parametrize("env,flags,coloured", [
    ({}, [], False),  # a pipe
    ({"FORCE_COLOR": "1"}, [], True),
    ({"FORCE_COLOR": "true"}, [], True),
    ({"FORCE_COLOR": "0"}, [], False),
    ({"FORCE_COLOR": ""}, [], False),
    ({"FORCE_COLOR": "1"}, ["--no-color"], False),
    ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, [], False),
    ({"FORCE_COLOR": "1"}, ["--format", "json"], False),
    ({"FORCE_COLOR": "1"}, ["--output", "out.txt"], False),
])
def test_force_color(capsys, public, monkeypatch, env, flags, coloured):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    code, out, _ = run(capsys, "check", "app.yaml", *flags)
    text = out or (public / "out.txt").read_text()
    assert bool(ANSI.search(text)) is coloured


# -- progress --------------------------------------------------------------------------------

class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_bar_stays_hidden_for_short_runs():
    stream, clock = io.StringIO(), Clock()
    with Bar(stream, clock):
        expect(100)
        for i in range(100):
            clock.now = i * 0.009  # the whole run takes 0.9 s
            tick(f"file{i}.yaml")
    assert stream.getvalue() == ""


def test_bar_appears_after_a_second_and_is_erased():
    stream, clock = io.StringIO(), Clock()
    with Bar(stream, clock) as bar:
        expect(50)
        for i in range(50):
            clock.now = i * 0.05
            tick(Path(f"stacks/file{i}.yaml"))
    out = stream.getvalue()
    assert "lambdalint" in out and "50/50" in out and "stacks/file49.yaml" in out
    assert out.endswith("\r\033[K")  # erased: the report starts on a clean line
    assert out.count("\r") <= 2 + 50 * 0.05 / Bar.INTERVAL + 2  # redrawn at most ten times a second
    assert bar.done == 50


def test_tick_without_a_bar_is_a_no_op():
    expect(5)
    tick("x")  # nothing active: nothing happens, nothing raises


@pytest.mark.parametrize("fmt,stderr_tty,shown", [
    ("text", True, True), ("text", False, False), ("json", True, False), ("sarif", True, False),
    ("github", True, False), ("junit", True, False),
])
def test_bar_only_for_text_on_a_terminal(capsys, public, monkeypatch, fmt, stderr_tty, shown):
    monkeypatch.setattr(Bar, "DELAY", 0.0)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: stderr_tty, raising=False)
    code, out, err = run(capsys, "check", "app.yaml", "--format", fmt)
    assert ("lambdalint ━" in err or "lambdalint ─" in err) is shown
    assert "━" not in out and "\r" not in out
    if shown:
        assert run(capsys, "check", "app.yaml", "--quiet")[2] == ""  # --quiet: no bar either


def test_progress_import_stays_cheap():
    import subprocess

    code = ("import sys, lambdalint.progress; "
            "print(sorted(m for m in ('rich', 'tqdm') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
