"""``data "aws_iam_policy_document"`` -> the policy as a Value tree.

Rules read policies as trees (``Statement``/``Action``/``Resource`` with their own sources), so
the document's ``json`` is not rendered to a string: statements, principals and conditions are
rebuilt in IAM's JSON shape with every leaf still pointing at the argument that set it.
``source_policy_documents`` come first, then the document's own statements (which replace a
source statement with the same ``sid``), then ``override_policy_documents`` (which replace any
statement with the same ``sid``).
"""
from __future__ import annotations

import json

from ...document import Source
from ...values import Known, Unknown, Value
from .tfvalues import from_plain, known_list, known_map, known_str, to_str


def policy_tree(values: dict, src: Source) -> Value:
    """``data.aws_iam_policy_document.x.json`` as the policy's Value tree (not a string);
    ``values`` are the data source's evaluated arguments and blocks, ``src`` its block."""
    statements: list[Value] = []
    by_sid: dict[str, int] = {}

    def add(stmt: Value, replace: bool):
        sid = None
        body = stmt.value if isinstance(stmt, Known) and isinstance(stmt.value, dict) else None
        if body is not None and isinstance(body.get("Sid"), Known):
            sid = to_str(body["Sid"].value) or None
        if sid and sid in by_sid and replace:
            statements[by_sid[sid]] = stmt
            return
        if sid:
            by_sid[sid] = len(statements)
        statements.append(stmt)

    def documents(name):
        docs = values.get(name)
        if docs is None:
            return
        items = known_list(docs)
        if items is None:
            statements.append(Unknown(docs.reason if isinstance(docs, Unknown) else name, docs.source))
            return
        for doc in items:
            if isinstance(doc, Known) and isinstance(doc.value, str):
                try:
                    doc = from_plain(json.loads(doc.value), doc.source)
                except ValueError:
                    doc = Unknown(f"{name}: not JSON", doc.source)
            body = known_map(doc)
            stmts = known_list(body.get("Statement")) if body and body.get("Statement") is not None else None
            if body is not None and isinstance(body.get("Statement"), Known) and isinstance(body["Statement"].value, dict):
                stmts = [body["Statement"]]
            if stmts is None:
                statements.append(doc if isinstance(doc, Unknown) else Unknown(f"{name} element", doc.source))
                continue
            for stmt in stmts:
                add(stmt, name == "override_policy_documents")

    documents("source_policy_documents")
    own = values.get("statement")
    for stmt in (known_list(own) or ([own] if own is not None else [])):
        add(_statement(stmt), True)
    documents("override_policy_documents")
    doc = {"Version": values.get("version") or Known("2012-10-17", src),
           "Statement": Known(statements, values["statement"].source if "statement" in values else src)}
    if "policy_id" in values:
        doc["Id"] = values["policy_id"]
    return Known(doc, src)


_STATEMENT_KEYS = (("sid", "Sid"), ("effect", "Effect"), ("actions", "Action"), ("not_actions", "NotAction"),
                   ("resources", "Resource"), ("not_resources", "NotResource"))


def _statement(stmt: Value) -> Value:
    body = known_map(stmt)
    if body is None:
        return stmt
    out: dict[str, Value] = {}
    for key, name in _STATEMENT_KEYS:
        if key in body:
            out[name] = body[key]
    out.setdefault("Effect", Known("Allow", stmt.source))
    for key, name in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        blocks = body.get(key)
        if blocks is None:
            continue
        items = known_list(blocks)
        if items is None:
            out[name] = blocks
            continue
        principal: dict[str, Value] = {}
        for block in items:
            b = known_map(block)
            ptype = known_str(b.get("type")) if b else None
            if b is None or ptype is None:
                principal = None
                out[name] = Unknown(f"{key} type", block.source)
                break
            ids = b.get("identifiers", Known([], block.source))
            if ptype in principal and known_list(principal[ptype]) is not None and known_list(ids) is not None:
                ids = Known(principal[ptype].value + ids.value, ids.source)
            principal[ptype] = ids
        if principal is not None:
            out[name] = Known(principal, blocks.source)
    conditions = body.get("condition")
    if conditions is not None:
        items = known_list(conditions)
        if items is None:
            out["Condition"] = conditions
        else:
            cond: dict[str, Value] = {}
            for block in items:
                b = known_map(block)
                test = known_str(b.get("test")) if b else None
                variable = known_str(b.get("variable")) if b else None
                if test is None or variable is None:
                    cond = Unknown("policy condition", block.source)
                    break
                group = cond.setdefault(test, Known({}, block.source))
                group.value[variable] = b.get("values", Known([], block.source))
            out["Condition"] = cond if isinstance(cond, Unknown) else Known(cond, conditions.source)
    return Known(out, stmt.source)
