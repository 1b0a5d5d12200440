"""Smoke + timing: read every Terraform plan of the shared corpus.

    python benchmarks/bench_plans.py [CORPUS_DIR]

Prints load (json.loads) and read (plan -> TfResource) time per file and totals.  Exits 0 when
the corpus is absent (nothing to measure) and 1 when any file raised, since none may.
"""
from __future__ import annotations

import os
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lambdalint.document import ParseError  # noqa: E402
from lambdalint.frontends.terraform.plan import read_plan  # noqa: E402
from lambdalint.load.tfplan import load_plan  # noqa: E402

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "tf-plan"


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(os.environ.get("LAMBDALINT_PLAN_CORPUS", DEFAULT))
    if not root.is_dir():
        print(f"skipped: no plan corpus at {root}")
        return 0
    files = sorted(p for p in root.rglob("*.json") if p.is_file())
    total_load = total_read = 0.0
    total_resources = failures = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        name = str(path.relative_to(root))
        try:
            start = time.perf_counter()
            doc = load_plan(text, name)
            loaded = time.perf_counter()
            resources = read_plan(doc)
            # touch one span per file, as a finding would
            if resources:
                resources[-1].source.span
            done = time.perf_counter()
        except ParseError as error:
            print(f"{'LL001':>8} {name}: {error}")
            continue
        except Exception:  # a crash is the one thing this smoke test is for
            failures += 1
            print(f"{'CRASH':>8} {name}")
            traceback.print_exc()
            continue
        total_load += loaded - start
        total_read += done - loaded
        total_resources += len(resources)
        print(f"{(loaded - start) * 1000:7.1f} ms load {(done - loaded) * 1000:7.1f} ms read "
              f"{len(resources):5d} resources  {name}")
    print(f"total: {len(files)} files, {total_resources} resources, load {total_load:.3f} s, "
          f"read {total_read:.3f} s, {failures} crashes")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
