"""Files of a Terraform module directory: its ``.tf``/``.tf.json`` configuration and the
``*.tfvars`` files Terraform reads automatically."""
from __future__ import annotations

import json
import os

from ...document import Document, ParseError
from ...load.hcl import Block, Literal, ObjectExpr, TupleExpr, load_hcl
from ...load.tfjson import load_tfjson, make_locator


def load_module_dir(path: str) -> list[Document]:
    """Every ``.tf`` and ``.tf.json`` file of one directory (ParseError propagates)."""
    docs = []
    for name in sorted(os.listdir(path)):
        full = os.path.join(path, name)
        if not os.path.isfile(full):
            continue
        if name.endswith(".tf"):
            docs.append(load_hcl(_read(full), full))
        elif name.endswith(".tf.json"):
            docs.append(load_tfjson(_read(full), full))
    return docs


def _read(path):
    from ...load.read import read_text

    return read_text(path, path)  # regular files only, within the size budget (never a FIFO)


def is_tfvars(path: str) -> bool:
    return path.endswith(".tfvars") or path.endswith(".tfvars.json")


def read_tfvars(directory: str, notes: list) -> list[Document]:
    """terraform.tfvars[.json], then *.auto.tfvars[.json] in lexical order (later files win)."""
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    wanted = [n for n in ("terraform.tfvars", "terraform.tfvars.json") if n in names]
    wanted += [n for n in names if n.endswith(".auto.tfvars") or n.endswith(".auto.tfvars.json")]
    docs = []
    for name in wanted:
        path = os.path.join(directory, name)
        try:
            text = _read(path)
            if name.endswith(".json"):
                raw = json.loads(text)
                if not isinstance(raw, dict):
                    raise ValueError("not an object")
                root = Block("", [], {k: _json_literal(v) for k, v in raw.items()}, [], ())
                doc = Document(path, "tf-json", root, text)
                doc.locate = make_locator(doc)
                docs.append(doc)
            else:
                docs.append(load_hcl(text, path))
        except (OSError, ValueError, ParseError) as exc:
            notes.append(f"{path}: not read ({exc})")
    return docs


def _json_literal(value):
    """A ``.tfvars.json`` value as expressions: variable values are data, so strings are not
    templates (``"${x}"`` stays text), unlike ``.tf.json`` configuration."""
    if isinstance(value, dict):
        return ObjectExpr(None, [(Literal(None, k), _json_literal(v)) for k, v in value.items()])
    if isinstance(value, list):
        return TupleExpr(None, [_json_literal(v) for v in value])
    return Literal(None, value)


