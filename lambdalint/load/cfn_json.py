"""CloudFormation/SAM JSON loader: text -> :class:`Document`, parsed by the C ``json`` module.

Spans are never computed up front.  ``locate(path)`` re-reads the text along that one path:
it reads member keys with the C ``scanstring`` and skips sibling values with the C scanner, so
the cost is proportional to the text before the value, and nothing is paid for values that
no finding points at.  ``path + ("__key__",)`` gives the span of the member key (with its
quotes) that introduces the value, as in the YAML loader.

Duplicate keys are a ParseError (CloudFormation rejects them).  They are detected with an
``object_pairs_hook`` (measured: about +0.6 ms on a 215 KB template) and only then located by
a second, walking pass, which is paid on that error path alone.
"""
from __future__ import annotations

import json
from json.decoder import WHITESPACE, scanstring
from json.scanner import make_scanner

from lambdalint.document import Document, ParseError
from lambdalint.load.json_locate import LineIndex, json_locator
from lambdalint.load.jsontext import loads

KEY = "__key__"

_scan = make_scanner(json.JSONDecoder())  # C scanner: (text, index) -> (value, end index)
_ws = WHITESPACE.match  # C regex: skip JSON whitespace


class _Duplicate(Exception):
    pass


def _no_duplicates(pairs):
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise _Duplicate
    return obj


def load_json(text: str, path: str) -> Document:
    if text.startswith("\ufeff"):  # a BOM is not part of the first line for an editor either
        text = text[1:]
    if not text.strip():  # like an empty YAML file: no data, the caller decides what it is
        return Document(path=path, format="cfn-json", data=None, text=text)
    try:  # within the budgets: huge numbers and deep nesting are ParseErrors (load/jsontext.py)
        data = loads(text, path, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise ParseError(path, exc.msg, exc.lineno, exc.colno) from None
    except _Duplicate:
        key, first, second = _find_duplicate(text)
        lines = LineIndex(text)
        line, column = lines.position(second)
        first_line = lines.position(first)[0]
        raise ParseError(path, f"duplicate key {key!r} (first at line {first_line})",
                         line, column) from None

    locate = json_locator(text, path)
    return Document(path=path, format="cfn-json", data=data, text=text, locate=locate)


def _find_duplicate(text: str):
    """(key, first key offset, second key offset) of the first duplicate key in ``text``.

    Only called once ``json.loads`` has found one, so the text is valid JSON.  Iterative (an
    explicit stack of open objects), skipping every scalar with the C scanner.
    """
    stack: list = []  # per open container: {key: offset} for an object, None for an array
    expect_key = False  # just after '{' or an object's ','
    pos = 0
    length = len(text)
    while True:
        pos = _ws(text, pos).end()
        if pos >= length:
            return "?", 0, 0  # pragma: no cover - json.loads said there was one
        char = text[pos]
        if char == "{":
            stack.append({})
            expect_key = True
            pos += 1
        elif char == "[":
            stack.append(None)
            pos += 1
        elif char in "}]":
            stack.pop()
            pos += 1
        elif char == ",":
            expect_key = stack[-1] is not None
            pos += 1
        elif char == ":":
            pos += 1
        elif expect_key:  # a member key
            key, end = scanstring(text, pos + 1)
            seen = stack[-1]
            if key in seen:
                return key, seen[key], pos
            seen[key] = pos
            expect_key = False
            pos = end
        else:
            pos = _scan(text, pos)[1]
