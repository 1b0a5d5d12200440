"""Measure the corpus against the file budgets (README "Budgets"): the largest file, the most
parse nodes and the deepest nesting per format, so each default's margin can be stated.

    python3 scripts/corpus_budgets.py [../shared/corpus]

Terraform evaluation maxima (instances, string length, module depth, evaluation steps) are
printed too: each module directory of tf-hcl/ and tf-json/ is evaluated and its counters read.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lambdalint.document import ParseError  # noqa: E402
from lambdalint.load import limits  # noqa: E402


DIGITS = [0]  # the longest integer seen (its digits)


def shape(data):
    """(nodes, depth) of plain data, iteratively."""
    nodes = depth = 0
    stack = [(data, 1)]
    while stack:
        value, d = stack.pop()
        nodes += 1
        depth = max(depth, d)
        if type(value) is int:
            DIGITS[0] = max(DIGITS[0], len(str(abs(value))))
        if isinstance(value, dict):
            stack.extend((v, d + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, d + 1) for v in value)
    return nodes, depth


def hcl_shape(text: str):
    """(syntax nodes, nesting depth as load/hcl.py's budget counts it) of one .tf file."""
    from lambdalint.load import hcl

    deepest = [0]
    original = hcl._Converter.expr

    def expr(self, node):  # the converter's own depth counter, watched
        deepest[0] = max(deepest[0], self.depth + (node.type == "expression"))
        return original(self, node)

    hcl._Converter.expr = expr
    try:
        hcl.load_hcl(text, "t.tf")
    except ParseError:
        pass
    finally:
        hcl._Converter.expr = original
    nodes, stack = 0, [hcl.parser().parse(text.encode()).root_node]
    while stack:
        nodes += 1
        stack.extend(stack.pop().children)
    return nodes, deepest[0]


def main(corpus: Path) -> None:
    from lambdalint.discover import load_cfn_file

    best: dict = {}

    def note(kind, what, value, path):
        key = (kind, what)
        if value > best.get(key, (-1, ""))[0]:
            best[key] = (value, str(path.relative_to(corpus)))

    for path in sorted(corpus.rglob("*")):
        if not path.is_file() or path.name in ("MANIFEST.tsv", "README.md"):
            continue
        kind = path.relative_to(corpus).parts[0]
        note(kind, "bytes", path.stat().st_size, path)
        if path.name.endswith(".tf"):
            nodes, depth = hcl_shape(path.read_text(encoding="utf-8", errors="replace"))
        else:
            loaded = load_cfn_file(path, False) if not path.name.endswith(".tf.json") else None
            if loaded is None:
                import json
                try:
                    data = json.loads(path.read_text(encoding="utf-8-sig"))
                except (ValueError, UnicodeDecodeError):
                    continue
            elif isinstance(loaded, ParseError):
                continue
            else:
                data = loaded.data
            nodes, depth = shape(data)
        note(kind, "nodes", nodes, path)
        note(kind, "depth", depth, path)
    print("file budgets: template bytes %s, plan bytes %s, nodes %s, depth %s" % (
        f"{limits.MAX_TEMPLATE_BYTES:,}", f"{limits.MAX_PLAN_BYTES:,}", f"{limits.MAX_NODES:,}", limits.MAX_DEPTH))
    for (kind, what), (value, path) in sorted(best.items()):
        print(f"{kind:8} {what:6} {value:>12,}  {path}")
    print(f"longest integer (YAML/JSON): {DIGITS[0]} digits")
    terraform(corpus)
    roles(corpus)


def roles(corpus: Path) -> None:
    from lambdalint.config import Config
    from lambdalint.model.entities import Role
    from lambdalint.runner import build_model

    model, _ = build_model([str(corpus)], Config())
    count, name, path = max((len(r.statements), r.name, r.source.doc.path) for r in model.by_class[Role])
    print(f"role statements   {count:>12,}  {name} in {os.path.relpath(path, corpus)} (budget {limits.MAX_ROLE_STATEMENTS:,})")


def terraform(corpus: Path) -> None:
    from lambdalint.frontends.terraform import limits as tf_limits
    from lambdalint.frontends.terraform.modules import evaluate_modules
    from lambdalint.paths import display_path, project_of

    dirs = sorted({str(p.parent) for p in corpus.rglob("*.tf") if ".terraform" not in p.parts}
                  | {str(p.parent) for p in corpus.rglob("*.tf.json") if ".terraform" not in p.parts})
    with project_of([str(corpus)]):
        _, modules = evaluate_modules(dirs, {}, display_path, [])
    best: dict = {}
    for directory, (_docs, evaluation) in modules.items():
        for what, value in (getattr(evaluation, "stats", None) or {}).items():
            if value > best.get(what, (-1, ""))[0]:
                best[what] = (value, os.path.relpath(directory, corpus))
    print("terraform budgets:", {k: getattr(tf_limits, k) for k in dir(tf_limits) if k.isupper()})
    for what, (value, path) in sorted(best.items()):
        print(f"terraform {what:16} {value:>12,}  {path}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "corpus").resolve())
