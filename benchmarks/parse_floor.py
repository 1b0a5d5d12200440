"""The parse-only floor: read and parse exactly the files a lambdalint run reads, nothing else.

    python benchmarks/parse_floor.py LIST

``LIST`` has one ``kind<TAB>path`` line per file, in the order lambdalint reads them
(``benchmarks/run.py`` writes it with lambdalint's own discovery).  Each file is read as
lambdalint reads it (UTF-8, BOM dropped) and then, by kind:

* ``yaml``: ``yaml.compose`` with libyaml (``CSafeLoader``): the C parser *and* the C composer,
  which builds one node per value with its start/end line and column.  That is the least work
  that yields what lambdalint needs from a YAML file: the data and where each value is.
* ``json``: ``json.loads`` (C).  JSON spans are found lazily, so the data is all that is needed
  up front.  Also ``.tf.json`` files and Terraform plans.
* ``tf``: tree-sitter-hcl parses the bytes into a concrete syntax tree (C), as lambdalint does.
* ``read``: read only.  lambdalint opens these, sees that they are not templates and skips them.

Nothing is interpreted: no CloudFormation short forms, no Terraform evaluation, no model, no
rules, no report.  The process start-up and the imports of ``json``/``yaml``/``tree_sitter``
are included, as they are in a lambdalint run, so the ratio compares two end-to-end runs.
A file that fails to parse still costs its parse attempt, as in lambdalint.
"""
from __future__ import annotations

import json
import sys


def main(argv: list[str]) -> int:
    with open(argv[1], encoding="utf-8") as handle:
        entries = [line.rstrip("\n").split("\t", 1) for line in handle if line.strip()]
    kinds = {kind for kind, _ in entries}
    if "yaml" in kinds:
        import yaml

        compose = yaml.compose
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    if "tf" in kinds:
        import tree_sitter_hcl
        from tree_sitter import Language, Parser

        parser = Parser(Language(tree_sitter_hcl.language()))
    parsed = failed = 0
    for kind, path in entries:
        try:
            with open(path, encoding="utf-8-sig") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError):
            continue
        try:
            if kind == "yaml":
                compose(text, Loader=loader)
            elif kind == "json":
                json.loads(text)
            elif kind == "tf":
                parser.parse(text.encode("utf-8", "surrogatepass"))
            else:
                continue
            parsed += 1
        except Exception:  # noqa: BLE001 - a broken file costs its parse attempt, like in lambdalint
            failed += 1
    print(json.dumps({"read": len(entries), "parsed": parsed, "failed": failed}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
