"""Lazy spans for JSON documents, without a Python-level JSON parser.

The data of a JSON file comes from the C ``json.loads``; a span is only needed for the few values
a finding names.  :func:`json_locator` walks the raw text along one path: keys are read with the
C ``scanstring`` and sibling values are skipped with the C ``raw_decode``, so finding one
resource in a multi-megabyte plan touches only the values before it on the way down.
Line numbers come from a bisect over line start offsets, computed once per file.
"""
from __future__ import annotations

import bisect
import json
import operator
import re
from itertools import accumulate, repeat
from json.decoder import scanstring
from typing import Callable

from ..document import Path, Span

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class LineIndex:
    """Offset -> (line, column), both 1-based.  Columns count code points, as editors do."""

    def __init__(self, text: str):
        # len(line) + 1 for each '\n'-separated line, summed in C: the start offset of each line.
        lengths = map(operator.add, map(len, text.split("\n")), repeat(1))
        self.starts = list(accumulate(lengths, initial=0))

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1


def _skip_ws(text: str, idx: int) -> int:
    return _WS.match(text, idx).end()


def value_range(text: str, path: Path) -> tuple[int, int] | None:
    """Start and end offsets of the value at ``path`` in the JSON ``text``, or None.

    With duplicate keys the first occurrence is taken (``json.loads`` keeps the last); JSON
    written by tools has none.
    """
    try:
        idx = _skip_ws(text, 0)
        for key in path:
            char = text[idx:idx + 1]
            if char == "{":
                if not isinstance(key, str):
                    return None
                idx = _skip_ws(text, idx + 1)
                while True:
                    if text[idx:idx + 1] != '"':
                        return None  # '}' (not found) or malformed
                    name, idx = scanstring(text, idx + 1)
                    idx = _skip_ws(text, idx)
                    if text[idx:idx + 1] != ":":
                        return None
                    idx = _skip_ws(text, idx + 1)
                    if name == key:
                        break
                    _, idx = _DECODER.raw_decode(text, idx)
                    idx = _skip_ws(text, idx)
                    if text[idx:idx + 1] != ",":
                        return None
                    idx = _skip_ws(text, idx + 1)
            elif char == "[":
                if not isinstance(key, int) or isinstance(key, bool) or key < 0:
                    return None
                idx = _skip_ws(text, idx + 1)
                for _ in range(key):
                    if text[idx:idx + 1] == "]":
                        return None
                    _, idx = _DECODER.raw_decode(text, idx)
                    idx = _skip_ws(text, idx)
                    if text[idx:idx + 1] != ",":
                        return None
                    idx = _skip_ws(text, idx + 1)
                if text[idx:idx + 1] == "]":
                    return None
            else:
                return None
        _, end = _DECODER.raw_decode(text, idx)
        return idx, end
    except (ValueError, IndexError):
        return None


def json_locator(text: str, file: str) -> Callable[[Path], Span | None]:
    """A ``Document.locate`` for JSON text: path -> span of that value (None when absent)."""
    lines: list[LineIndex] = []  # built on the first lookup only

    def locate(path: Path) -> Span | None:
        found = value_range(text, path)
        if found is None:
            return None
        if not lines:
            lines.append(LineIndex(text))
        line, column = lines[0].position(found[0])
        end_line, end_column = lines[0].position(found[1])
        return Span(file, line, column, end_line, end_column)

    return locate
