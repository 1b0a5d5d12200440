"""lambdalint's benchmark: one command, end-to-end runs, medians of alternating rounds.

    python benchmarks/run.py                      # everything, 5 rounds, cfn-lint on a sample
    python benchmarks/run.py --only startup,constructed --rounds 9
    python benchmarks/run.py --baseline 1bdbc81   # before/after in one sitting: a commit of this repo
    python benchmarks/run.py --baseline /path/to/other/venv/bin/python   # ... or another installation
    python benchmarks/run.py --cfn-lint all       # cfn-lint on every file too (~10 min a round)

For each group of inputs it runs, as separate processes, alternating A/B/A/B round by round:

* ``lambdalint``: ``python -m lambdalint.cli check PATHS --format json`` exactly as a user runs
  it (start-up, discovery, parsing, model, rules, report);
* ``parse floor``: ``benchmarks/parse_floor.py`` on *the same files*: the list comes from
  lambdalint's own discovery, each file is read as lambdalint reads it and parsed by the C
  parsers only (libyaml compose, C ``json``, tree-sitter); see that file for the definition;
* ``cfn-lint`` (CloudFormation/SAM groups, when it is installed) on the same templates;
* ``baseline`` (with ``--baseline COMMIT`` or ``--baseline PYTHON``): another lambdalint, whose
  JSON report is also compared with this one's.  A commit of this repository (e.g. ``1bdbc81``,
  before the performance work of issue 9) is exported with ``git archive`` and installed with
  ``pip install --no-deps`` into a scratch virtual environment that sees this Python's packages
  (about 10 s, once); a path names the ``python`` of an installation made some other way.

and prints the median CPU time (user + system of the process and its children), wall time and
peak RSS of each, and lambdalint's CPU ratio to the floor and to cfn-lint.  On a shared machine
CPU time is the figure to trust; wall time is shown for completeness.

Groups: ``cfn+sam`` (``corpus/cfn`` + ``corpus/sam``), ``terraform`` (``tf-hcl`` + ``tf-json`` +
``tf-plan``), ``constructed`` (each large ``*/_constructed`` input alone), ``startup`` (the
bundled ``fixtures/example/app.yaml``), ``sample`` (an evenly spaced sample of the CFN/SAM
templates, where cfn-lint runs by default: on the whole corpus it takes about 9 minutes).

The corpus is ``../shared/corpus`` next to the repository (or ``--corpus DIR``); groups whose
inputs are missing are skipped.  The exit code is 0 whatever the numbers are; it is 1 only when
lambdalint itself failed (exit code 2 or more, i.e. a usage error or a crash).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
FLOOR = HERE / "parse_floor.py"
STARTUP_TEMPLATE = ROOT / "fixtures" / "example" / "app.yaml"
sys.path.insert(0, str(ROOT))  # this checkout's discovery lists the files the floor reads
CFN_LINT = "import sys; from cfnlint.runner import main; sys.exit(main())"


@dataclass
class Sample:
    cpu: float
    wall: float
    rss_mb: float
    code: int


@dataclass
class Tool:
    name: str
    command: list  # argv; "{report}" is replaced by a per-run output file
    samples: list = field(default_factory=list)
    reports: list = field(default_factory=list)  # lambdalint JSON reports (first round)
    note: str = ""


@dataclass
class Group:
    name: str
    paths: list  # what lambdalint is given
    rounds: int
    tools: list = field(default_factory=list)
    entries: list = field(default_factory=list)  # (kind, path) of the files read
    info: str = ""


# ---------------------------------------------------------------------------------------------
# Measuring one process


# A process's peak RSS on Linux starts at the peak of the process it was forked from (the
# kernel carries it over at exec), so measured processes are started by a tiny spawner process
# (``python -S``, about 9 MB) instead of by this one, which holds file lists and reports.
_SPAWNER_CODE = r"""
import json, os, sys, time
for line in sys.stdin:
    argv, err_path = json.loads(line)
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            null = os.open(os.devnull, os.O_RDWR)
            err = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(null, 0)
            os.dup2(null, 1)
            os.dup2(err, 2)
            os.execv(argv[0], argv)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    sys.stdout.write(json.dumps([usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss,
                                 os.waitstatus_to_exitcode(status)]) + "\n")
    sys.stdout.flush()
"""
_spawner = None


def start_spawner(cwd: Path) -> None:
    """Every measured process runs in ``cwd`` (a scratch directory): ``python -m`` puts the
    working directory first on ``sys.path``, and a checkout there would shadow the installation
    being measured (e.g. the ``--baseline`` one)."""
    global _spawner
    # Measured as installed: pip compiles a wheel's modules to bytecode, and Python caches it
    # for a checkout.  With PYTHONDONTWRITEBYTECODE every run would compile every module anew.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    _spawner = subprocess.Popen([sys.executable, "-S", "-c", _SPAWNER_CODE], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True, cwd=cwd, env=env)


def run_once(argv: list, complain: bool = False) -> Sample:
    """Run argv to completion; CPU and peak RSS come from wait4's rusage of that process (its
    waited-for children included), so other processes on the machine do not count."""
    if _spawner is None:
        start_spawner(Path(tempfile.gettempdir()))
    with tempfile.NamedTemporaryFile(prefix="lambdalint-bench-", suffix=".err") as err:
        _spawner.stdin.write(json.dumps([argv, err.name]) + "\n")
        _spawner.stdin.flush()
        cpu, wall, maxrss, code = json.loads(_spawner.stdout.readline())
        if code >= 2 and complain:
            tail = Path(err.name).read_text(encoding="utf-8", errors="replace").strip().splitlines()[-5:]
            print(f"    ! exit {code}: {' / '.join(tail)}", file=sys.stderr)
    rss = maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)  # bytes on macOS, KB elsewhere
    return Sample(cpu, wall, rss, code)


def median(values):
    return statistics.median(values) if values else float("nan")


# ---------------------------------------------------------------------------------------------
# Which files lambdalint reads, for the floor


def files_read(paths: list) -> list:
    """(kind, path) of every file a lambdalint run on ``paths`` reads, with the kind of parse
    lambdalint applies to it (``read`` when it reads the file and skips it as no template)."""
    from lambdalint import discover as disc

    looks_like = getattr(disc, "_LOOKS_LIKE_CFN", None)
    inputs = disc.discover([str(p) for p in paths], [])
    entries = []
    for item in inputs.cfn_files:
        path, explicit = item[0], item[1]
        entries.append((_cfn_kind(Path(path), explicit, looks_like), str(path)))
    for directory in inputs.tf_dirs:
        names = sorted(os.listdir(directory))
        for name in names:
            full = os.path.join(directory, name)
            if not os.path.isfile(full):
                continue
            if name.endswith(".tf") or name in ("terraform.tfvars",) or name.endswith(".auto.tfvars"):
                entries.append(("tf", full))
            elif name.endswith(".tf.json") or name == "terraform.tfvars.json" or name.endswith(".auto.tfvars.json"):
                entries.append(("json", full))
    return entries


def _cfn_kind(path: Path, explicit: bool, looks_like) -> str:
    """The parse lambdalint's ``load_cfn_file`` applies (same content test)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return "read"
    is_json = text.lstrip().startswith("{")
    looks = bool(looks_like.search(text)) if looks_like is not None else True
    if not looks and not explicit and not (is_json and '"format_version"' in text[:4096] + text[-512:]):
        return "read"
    return "json" if is_json else "yaml"


def describe(entries: list) -> str:
    counts = {}
    for kind, _ in entries:
        counts[kind] = counts.get(kind, 0) + 1
    parts = [f"{counts[k]:,} {label}" for k, label in (("yaml", "YAML"), ("json", "JSON"), ("tf", "HCL"),
                                                      ("read", "read and skipped")) if counts.get(k)]
    return f"{len(entries):,} files ({', '.join(parts)})"


# ---------------------------------------------------------------------------------------------
# Groups


def build_groups(args, corpus: Path, scratch: Path) -> list:
    wanted = set(args.only.split(",")) if args.only else None
    python = sys.executable
    have_cfn_lint = _importable("cfnlint") and args.cfn_lint != "off"
    groups = []

    def want(name):
        return wanted is None or name in wanted

    def add(key, name, paths, rounds, cfn_lint=False):
        paths = [Path(p) for p in paths]
        if not paths or not all(p.exists() for p in paths):
            print(f"skipped {name}: {', '.join(str(p) for p in paths if not p.exists()) or 'no inputs'} missing")
            return
        group = Group(name, paths, rounds)
        group.entries = files_read(paths)
        listing = scratch / f"{key}.list"
        listing.write_text("".join(f"{k}\t{p}\n" for k, p in group.entries), encoding="utf-8")
        lint = ["check", *map(str, paths), "--format", "json", "--output", "{report}"]
        group.tools.append(Tool("lambdalint", [python, "-m", "lambdalint.cli", *lint]))
        if args.baseline:
            group.tools.append(Tool("baseline", [args.baseline, "-m", "lambdalint.cli", *lint]))
        group.tools.append(Tool("parse floor", [python, str(FLOOR), str(listing)]))
        if cfn_lint and have_cfn_lint:
            templates = [p for k, p in group.entries if k in ("yaml", "json")]
            group.tools.append(Tool("cfn-lint", [python, "-c", CFN_LINT, "--format", "parseable", "--", *templates]))
        groups.append(group)

    if want("startup"):
        add("startup", "startup (one small template)", [STARTUP_TEMPLATE], args.startup_rounds)
    if want("constructed"):
        for kind in ("cfn", "sam", "tf-plan"):
            for path in sorted((corpus / kind / "_constructed").glob("*.json")):
                add(f"constructed-{kind}", f"constructed {kind}: {path.name}", [path], args.rounds,
                    cfn_lint=args.cfn_lint == "all" and kind != "tf-plan")
    if want("cfn+sam"):
        add("cfn-sam", "cfn+sam corpus", [corpus / "cfn", corpus / "sam"], args.rounds, cfn_lint=args.cfn_lint == "all")
    if want("terraform"):
        add("terraform", "terraform corpus (HCL, .tf.json, plans)",
            [corpus / "tf-hcl", corpus / "tf-json", corpus / "tf-plan"], args.rounds)
    if want("sample") and have_cfn_lint and args.cfn_lint == "sample" and (corpus / "cfn").is_dir():
        entries = files_read([corpus / "cfn", corpus / "sam"])
        templates = [p for k, p in entries if k == "yaml" or (k == "json" and not _is_plan(p))]
        templates = [p for p in templates if "_constructed" not in p]
        step = max(1, len(templates) // args.sample)
        chosen = templates[::step][: args.sample]
        add("sample", f"cfn+sam sample ({len(chosen)} templates, every {step}th)", chosen, args.sample_rounds,
            cfn_lint=True)
    return groups


def _is_plan(path: str) -> bool:
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        head = handle.read(4096)
    return '"format_version"' in head and '"planned_values"' in head or '"terraform_version"' in head


def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


# ---------------------------------------------------------------------------------------------
# Running and printing


def run_group(group: Group, scratch: Path, reports: Path | None) -> bool:
    for _, path in group.entries:  # warm the page cache once: every tool then reads from memory
        try:
            Path(path).read_bytes()
        except OSError:
            pass
    ok = True
    for round_no in range(group.rounds):
        for tool in group.tools:
            report = scratch / f"report-{tool.name.replace(' ', '_')}.json"
            argv = [str(report) if a == "{report}" else a for a in tool.command]
            sample = run_once(argv, complain="{report}" in tool.command)
            tool.samples.append(sample)
            if "{report}" in tool.command:
                if sample.code >= 2:
                    ok = False
                if round_no == 0 and report.exists():
                    tool.reports.append(report.read_bytes())
        print(f"  round {round_no + 1}/{group.rounds}: "
              + ", ".join(f"{t.name} {t.samples[-1].cpu:.2f} s" for t in group.tools), flush=True)
    if reports is not None:
        for tool in group.tools:
            if tool.reports:
                name = f"{group.name.split(':')[0].split(' (')[0].replace(' ', '-')}.{tool.name}.json"
                (reports / name).write_bytes(tool.reports[0])
    return ok


def print_group(group: Group) -> dict:
    floor = next((t for t in group.tools if t.name == "parse floor"), None)
    floor_cpu = median([s.cpu for s in floor.samples]) if floor else float("nan")
    lint = group.tools[0]
    lint_cpu = median([s.cpu for s in lint.samples])
    print(f"  {'':14} {'CPU s':>8} {'wall s':>8} {'peak MB':>8}   ratio (CPU)")
    rows = {}
    for tool in group.tools:
        cpu = median([s.cpu for s in tool.samples])
        wall = median([s.wall for s in tool.samples])
        rss = median([s.rss_mb for s in tool.samples])
        if tool.name == "parse floor":
            ratio = "1.00 (the floor)"
        elif tool.name == "cfn-lint":
            ratio = f"{cpu / floor_cpu:.2f}x floor; lambdalint is {cpu / lint_cpu:.1f}x faster"
        else:
            ratio = f"{cpu / floor_cpu:.2f}x floor"
        print(f"  {tool.name:14} {cpu:8.3f} {wall:8.3f} {rss:8.1f}   {ratio}")
        rows[tool.name] = {"cpu_s": cpu, "wall_s": wall, "peak_mb": rss,
                           "samples": [[s.cpu, s.wall, s.rss_mb, s.code] for s in tool.samples]}
    summary = _report_summary(lint)
    if summary:
        print(f"  lambdalint report: {summary}")
    base = next((t for t in group.tools if t.name == "baseline"), None)
    if base is not None and lint.reports and base.reports:
        same = lint.reports[0] == base.reports[0]
        print(f"  report identical to the baseline's: {'yes' if same else 'NO'}")
        if not same:
            _print_difference(lint.reports[0], base.reports[0])
    return rows


def _report_summary(tool: Tool) -> str:
    if not tool.reports:
        return ""
    try:
        summary = json.loads(tool.reports[0])["summary"]
    except (ValueError, KeyError):
        return ""
    keys = ("files", "functions", "errors", "warnings", "infos")
    return ", ".join(f"{summary[k]:,} {k}" for k in keys if k in summary)


def _print_difference(mine: bytes, theirs: bytes) -> None:
    try:
        a, b = json.loads(mine), json.loads(theirs)
    except ValueError:
        return
    for key in ("findings", "unknowns"):
        left = {json.dumps(x, sort_keys=True) for x in a.get(key, [])}
        right = {json.dumps(x, sort_keys=True) for x in b.get(key, [])}
        if left != right:
            print(f"    {key}: {len(left - right)} only here, {len(right - left)} only in the baseline")
            for line in sorted(left - right)[:3]:
                print(f"      + {line[:200]}")
            for line in sorted(right - left)[:3]:
                print(f"      - {line[:200]}")
    if a.get("summary") != b.get("summary"):
        print(f"    summary: {a.get('summary')} vs {b.get('summary')}")


def baseline_python(spec: str, scratch: Path) -> str | None:
    """The python that runs the baseline: ``spec`` itself when it is a file, else ``spec`` is a
    commit of this repository, installed (without its dependencies, which this Python has) into
    a virtual environment under ``scratch``."""
    if Path(spec).is_file():
        return spec
    found = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}"],
                           capture_output=True, text=True)
    if found.returncode != 0:
        print(f"--baseline {spec}: neither a python executable nor a commit of {ROOT}", file=sys.stderr)
        return None
    commit = found.stdout.strip()
    source, venv = scratch / "baseline-src", scratch / "baseline-venv"
    print(f"baseline: commit {commit[:12]}, installed into a scratch venv ...", flush=True)
    source.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    installed = subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", str(source)],
                               capture_output=True, text=True)
    if installed.returncode != 0:
        print(f"--baseline {spec}: pip install failed:\n{installed.stderr[-2000:]}", file=sys.stderr)
        return None
    return python


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="examples:\n" + __doc__.split("\n\n")[1],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds per group (default 5)")
    parser.add_argument("--startup-rounds", type=int, default=11)
    parser.add_argument("--only", help="comma-separated groups: startup,constructed,cfn+sam,terraform,sample")
    parser.add_argument("--cfn-lint", choices=("sample", "all", "off"), default="sample",
                        help="cfn-lint on a sample of templates (default), also on every group, or never")
    parser.add_argument("--sample", type=int, default=60, help="templates in the cfn-lint sample (default 60)")
    parser.add_argument("--sample-rounds", type=int, default=3)
    parser.add_argument("--baseline", metavar="COMMIT|PYTHON",
                        help="compare with another lambdalint in the same sitting: a commit of this repository "
                             "(installed into a scratch venv), or the python of another installation")
    parser.add_argument("--reports", type=Path, help="keep each lambdalint JSON report (first round) here")
    parser.add_argument("--json", type=Path, help="write all figures (and every sample) to this file")
    args = parser.parse_args(argv)
    args.corpus = args.corpus.resolve()
    if not hasattr(os, "wait4"):
        print("skipped: needs a POSIX system (os.wait4 gives each process's CPU time and peak RSS)")
        return 0
    if not args.corpus.is_dir():
        print(f"note: no corpus at {args.corpus}: only the start-up group runs")
    if args.reports:
        args.reports.mkdir(parents=True, exist_ok=True)
    print(f"python {sys.version.split()[0]} on {os.cpu_count()} CPUs; load average "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}; medians of alternating rounds")
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print("note: PYTHONDONTWRITEBYTECODE is ignored for the measured processes (bytecode is cached, "
              "as after pip install)")
    results, ok = {}, True
    with tempfile.TemporaryDirectory(prefix="lambdalint-bench-") as tmp:
        scratch = Path(tmp)
        if args.baseline:
            args.baseline = baseline_python(args.baseline, scratch)
            if args.baseline is None:
                return 1
        start_spawner(scratch)
        for python in [sys.executable] + ([args.baseline] if args.baseline else []):  # writes bytecode once
            run_once([python, "-m", "lambdalint.cli", "check", str(STARTUP_TEMPLATE), "--output", os.devnull])
        groups = build_groups(args, args.corpus, scratch)
        for group in groups:
            print(f"\n{group.name}: {describe(group.entries)}; {group.rounds} rounds", flush=True)
            ok = run_group(group, scratch, args.reports) and ok
            results[group.name] = print_group(group)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    if not ok:
        print("\nlambdalint failed (exit code 2 or more) on at least one group: see above")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
