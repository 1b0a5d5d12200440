"""Draw the reproducible precision sample of the corpus (docs/precision.md).

    python3 scripts/precision_sample.py [--corpus ../shared/corpus] [--json a.json b.json]
        [--judgments docs/precision-judgments.tsv] [--out sample.tsv]

Without --json it lints the corpus twice, exactly as the docs say:

    lambdalint check CORPUS/cfn CORPUS/sam --format json --show-unknowns --fail-on never
    lambdalint check CORPUS/tf-hcl CORPUS/tf-json CORPUS/tf-plan --format json ...

Sampling rule (fixed, no state): the `_constructed/` stress inputs are left out (they repeat other
files). Every finding and every unknown gets a rank, sha256(SEED|rule|file|resource|line), so a
finding keeps its rank from run to run and a fix that removes one lets the next in rank in.
Per rule, n = min(count, clamp(ceil(1.2 * sqrt(count)), 5, 15)) findings are taken in rank order,
preferring a file not yet taken for that rule (so one template's repeats do not fill a rule's
quota); LL107 and LL003, with hundreds of findings, get proportionally fewer by the square root.
Unknowns: per rule, n = min(count, clamp(ceil(0.25 * sqrt(count)), 1, 3)), same ranking.

With --judgments (a TSV `kind rule file resource line verdict note`, `#` lines ignored), the
sample is joined with the verdicts and per-rule counts are printed: findings are true (T), false
(F) or debatable (D) positives; unknowns are real (R: the value is not in what was given) or lazy
(L: the tool could have decided from what is written). `--show` prints the rows still to judge
(verdict `?`).
"""
from __future__ import annotations

import argparse
import collections
import csv
import hashlib
import json
import math
import subprocess
import sys
from pathlib import Path

SEED = "lambdalint-precision-1"
GROUPS = (("cfn", "sam"), ("tf-hcl", "tf-json", "tf-plan"))


def lint(corpus: Path) -> list[dict]:
    reports = []
    for group in GROUPS:
        cmd = [sys.executable, "-m", "lambdalint.cli", "check", *(str(corpus / g) for g in group),
               "--format", "json", "--show-unknowns", "--fail-on", "never"]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        reports.append(json.loads(out))
    return reports


def rel(path: str, corpus: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(corpus.resolve()))
    except ValueError:
        return path


def rank(kind: str, item: dict) -> str:
    key = "|".join((SEED, kind, item["rule"], item["file"], str(item.get("resource") or ""),
                    str(item.get("line") or "")))
    return hashlib.sha256(key.encode()).hexdigest()


def quota(count: int, factor: float, low: int, high: int) -> int:
    return min(count, max(low, min(high, math.ceil(factor * math.sqrt(count)))))


def pick(items: list[dict], kind: str, factor: float, low: int, high: int) -> list[dict]:
    by_rule = collections.defaultdict(list)
    for item in items:
        by_rule[item["rule"]].append(item)
    chosen = []
    for rule in sorted(by_rule):
        ranked = sorted(by_rule[rule], key=lambda i: rank(kind, i))
        n = quota(len(ranked), factor, low, high)
        seen_files: set[str] = set()
        first = [i for i in ranked if not (i["file"] in seen_files or seen_files.add(i["file"]))]
        rest = [i for i in ranked if i not in first]
        chosen.extend((first + rest)[:n])
    return chosen


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "corpus")
    ap.add_argument("--json", nargs="*", type=Path, help="reports already produced by the two commands")
    ap.add_argument("--judgments", type=Path)
    ap.add_argument("--out", type=Path, help="write the sample (with any verdicts) as TSV")
    ap.add_argument("--show", action="store_true", help="print every sampled row with its message")
    args = ap.parse_args(argv)
    reports = [json.loads(p.read_text()) for p in args.json] if args.json else lint(args.corpus)
    findings, unknowns = [], []
    for report in reports:
        for f in report["findings"]:
            f = dict(f, file=rel(f["file"], args.corpus))
            if "_constructed/" not in f["file"]:
                findings.append(f)
        for u in report.get("unknowns", []):
            u = dict(u, file=rel(u["file"], args.corpus))
            if "_constructed/" not in u["file"]:
                unknowns.append(u)
    sample = [("finding", f) for f in pick(findings, "finding", 1.2, 5, 15)]
    sample += [("unknown", u) for u in pick(unknowns, "unknown", 0.25, 1, 3)]

    verdicts = {}
    if args.judgments and args.judgments.exists():
        with args.judgments.open() as fh:
            for row in csv.reader((ln for ln in fh if not ln.startswith("#")), delimiter="\t"):
                if len(row) >= 6:
                    verdicts[tuple(row[:5])] = (row[5], row[6] if len(row) > 6 else "")
    rows = []
    for kind, item in sample:
        key = (kind, item["rule"], item["file"], str(item.get("resource") or ""), str(item.get("line") or ""))
        verdict, note = verdicts.get(key, ("?", ""))
        rows.append((*key, verdict, note, item.get("message") or item.get("reason") or ""))
    if args.out:
        with args.out.open("w", newline="") as fh:
            w = csv.writer(fh, delimiter="\t", lineterminator="\n")
            for row in rows:
                w.writerow(row)
    counts = collections.defaultdict(collections.Counter)
    for kind, rule, *_, verdict, _note, _msg in rows:
        counts[(kind, rule)][verdict] += 1
    population = {"finding": collections.Counter(f["rule"] for f in findings),
                  "unknown": collections.Counter(u["rule"] for u in unknowns)}
    print("kind\trule\tpopulation\tsampled\tT\tF\tD\tR\tL\t?")
    for (kind, rule), c in sorted(counts.items()):
        print(f"{kind}\t{rule}\t{population[kind][rule]}\t{sum(c.values())}\t{c['T']}\t{c['F']}\t{c['D']}"
              f"\t{c['R']}\t{c['L']}\t{c['?']}")
    total = {kind: collections.Counter() for kind in population}
    for (kind, _rule), c in counts.items():
        total[kind].update(c)
    fc, uc = total["finding"], total["unknown"]
    if fc["T"] + fc["F"]:
        print(f"findings: {fc['T']} true, {fc['F']} false, {fc['D']} debatable, {fc['?']} unjudged; "
              f"precision {fc['T'] / (fc['T'] + fc['F']):.1%} of the {fc['T'] + fc['F']} decided verdicts")
    if uc["R"] + uc["L"]:
        print(f"unknowns: {uc['R']} real, {uc['L']} lazy (decidable from what is written), {uc['?']} unjudged")
    if args.show:
        for row in rows:
            if row[5] == "?":
                print("\t".join(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
