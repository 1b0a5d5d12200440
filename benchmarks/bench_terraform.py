"""Parse and evaluate every Terraform module of the corpus; print timings and failures.

    python benchmarks/bench_terraform.py [CORPUS_DIR]

Compares three costs over the same files: tree-sitter alone (the floor), loading (parse + AST),
and evaluation (``evaluate_module_ex`` over the loaded documents).  The budget is evaluation
at most about 2x the pure parse time.  Skips when the corpus is absent.
"""
from __future__ import annotations

import os
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from lambdalint.document import ParseError  # noqa: E402
from lambdalint.frontends.terraform.evaluate import evaluate_module_ex  # noqa: E402
from lambdalint.load.hcl import load_hcl, parser  # noqa: E402
from lambdalint.load.tfjson import load_tfjson  # noqa: E402
from lambdalint.values import Unknown  # noqa: E402


def module_dirs(root):
    hcl = os.path.join(root, "tf-hcl")
    dirs = []
    for base, _subdirs, files in os.walk(hcl):
        if any(f.endswith(".tf") or f.endswith(".tf.json") for f in files):
            dirs.append(base)
    jsons = []
    for base, _subdirs, files in os.walk(os.path.join(root, "tf-json")):
        jsons += [os.path.join(base, f) for f in files if f.endswith(".tf.json")]
    return sorted(dirs), sorted(jsons)


def read(path):
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read()


def count_unknowns(values):
    n = 0
    stack = list(values.values())
    while stack:
        v = stack.pop()
        if isinstance(v, Unknown):
            n += 1
        raw = getattr(v, "value", None)
        if isinstance(raw, list):
            stack.extend(raw)
        elif isinstance(raw, dict):
            stack.extend(raw.values())
    return n


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def main(argv):
    root = argv[1] if len(argv) > 1 else os.path.join(HERE, "..", "..", "shared", "corpus")
    if not os.path.isdir(os.path.join(root, "tf-hcl")):
        print(f"corpus not found at {root}: skipped")
        return 0
    dirs, jsons = module_dirs(root)
    # Units: one per HCL module directory (all its .tf/.tf.json files), one per .tf.json file.
    units = []
    for d in dirs:
        names = sorted(n for n in os.listdir(d) if n.endswith(".tf") or n.endswith(".tf.json"))
        units.append((d, [(os.path.join(d, n), read(os.path.join(d, n))) for n in names]))
    for path in jsons:
        units.append((path, [(path, read(path))]))
    files = sum(len(u[1]) for u in units)

    p = parser()
    rounds = 3  # best of three: the machine may be shared

    def parse_all():
        for _container, texts in units:
            for path, text in texts:
                if path.endswith(".tf"):
                    p.parse(text.encode("utf-8", "surrogatepass"))

    def load_all():
        parse_errors, crashes, loaded = [], [], []
        for container, texts in units:
            docs = []
            for path, text in texts:
                try:
                    docs.append(load_tfjson(text, path) if path.endswith(".tf.json") else load_hcl(text, path))
                except ParseError as exc:
                    parse_errors.append(str(exc))
                except Exception:  # noqa: BLE001 - reported below
                    crashes.append((path, traceback.format_exc()))
            loaded.append((container, docs))
        return parse_errors, crashes, loaded

    def evaluate_all(loaded, crashes):
        counts = [0, 0, 0]  # resources, unknown leaves, undeclared references
        for container, docs in loaded:
            if not docs:
                continue
            try:
                result = evaluate_module_ex(docs, container)
            except Exception:  # noqa: BLE001
                crashes.append((container, traceback.format_exc()))
                continue
            counts[0] += len(result.resources)
            counts[2] += len(result.undeclared)
            for r in result.resources:
                counts[1] += count_unknowns(r.values)
        return counts

    parse_time = min(timed(parse_all)[1] for _ in range(rounds))
    (parse_errors, crashes, loaded), load_time = timed(load_all)
    load_time = min([load_time] + [timed(load_all)[1] for _ in range(rounds - 1)])
    (resources, unknowns, undeclared), eval_time = timed(lambda: evaluate_all(loaded, crashes))
    eval_time = min([eval_time] + [timed(lambda: evaluate_all(loaded, []))[1] for _ in range(rounds - 1)])

    print(f"units: {len(units)} ({len(dirs)} HCL module dirs, {len(jsons)} .tf.json files), files: {files}")
    print(f"tree-sitter parse only (.tf): {parse_time:.3f} s (best of {rounds})")
    print(f"load (parse + AST, .tf and .tf.json): {load_time:.3f} s  ({load_time / parse_time:.2f}x parse)")
    print(f"evaluate: {eval_time:.3f} s  ({eval_time / parse_time:.2f}x parse)")
    print(f"resources: {resources}, Unknown leaves: {unknowns}, undeclared references: {undeclared}")
    print(f"ParseErrors: {len(parse_errors)}")
    for line in parse_errors:
        print("  ", line)
    print(f"exceptions escaping: {len(crashes)}")
    for where, tb in crashes:
        print("  ", where)
        print(tb)
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
