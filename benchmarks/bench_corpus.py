"""Lint the whole shared corpus the way a user would, and print the time per group.

    python benchmarks/bench_corpus.py [--repeat N]

Skips (exit 0) when ../shared/corpus is absent.  Measures the CLI end to end in a subprocess
(imports included), which is what a user waits for.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
GROUPS = {"cfn+sam": ["cfn", "sam"], "terraform": ["tf-hcl", "tf-json", "tf-plan"]}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"skipped: {CORPUS} is absent")
        return 0
    for name, parts in GROUPS.items():
        paths = [str(CORPUS / p) for p in parts if (CORPUS / p).is_dir()]
        best, summary = None, None
        for _ in range(args.repeat):
            with tempfile.NamedTemporaryFile(suffix=".json") as out:
                start = time.perf_counter()
                result = subprocess.run([sys.executable, "-m", "lambdalint.cli", "check", *paths, "--format", "json",
                                         "--output", out.name], capture_output=True, text=True)
                elapsed = time.perf_counter() - start
                if result.returncode > 1:
                    print(f"{name}: exit {result.returncode}: {result.stderr.strip()}")
                    return 1
                summary = json.load(open(out.name))["summary"]
            best = elapsed if best is None else min(best, elapsed)
        print(f"{name}: {summary['files']} files, {summary['functions']} functions, best of {args.repeat}: {best:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
