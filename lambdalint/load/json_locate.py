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


class JsonIndex:
    """Offsets of values in one JSON text, found lazily and remembered per container.

    The first lookup inside a container scans that container's children once (keys with the C
    ``scanstring``, values skipped with the C ``raw_decode``) and records where each child starts;
    every later lookup in the same container is a dictionary hit.  So locating all 4,000
    resources of a large plan costs one pass over the text, not one pass per resource.
    With duplicate keys the first occurrence is taken (``json.loads`` keeps the last).
    """

    def __init__(self, text: str):
        self.text = text
        # path -> (value start offset, (key start, key end) or None)
        self.offsets: dict[tuple, tuple[int, tuple | None]] = {(): (_skip_ws(text, 0), None)}
        self.scanned: set[tuple] = set()

    def _scan_children(self, path: tuple, idx: int) -> None:
        text, offsets = self.text, self.offsets
        self.scanned.add(path)
        char = text[idx:idx + 1]
        if char == "{":
            idx = _skip_ws(text, idx + 1)
            while text[idx:idx + 1] == '"':
                key_start = idx
                name, idx = scanstring(text, idx + 1)
                key_span = (key_start, idx)
                idx = _skip_ws(text, idx)
                if text[idx:idx + 1] != ":":
                    return
                idx = _skip_ws(text, idx + 1)
                offsets.setdefault(path + (name,), (idx, key_span))
                _, idx = _DECODER.raw_decode(text, idx)
                idx = _skip_ws(text, idx)
                if text[idx:idx + 1] != ",":
                    return
                idx = _skip_ws(text, idx + 1)
        elif char == "[":
            idx = _skip_ws(text, idx + 1)
            position = 0
            while text[idx:idx + 1] not in ("]", ""):
                offsets[path + (position,)] = (idx, None)
                _, idx = _DECODER.raw_decode(text, idx)
                idx = _skip_ws(text, idx)
                position += 1
                if text[idx:idx + 1] != ",":
                    return
                idx = _skip_ws(text, idx + 1)

    def start(self, path: tuple) -> tuple[int, tuple | None] | None:
        """(value start, key span) of the value at ``path``."""
        offsets = self.offsets
        hit = offsets.get(path)
        if hit is not None:
            return hit
        known = len(path) - 1  # the longest prefix already located (the root always is)
        while known > 0 and path[:known] not in offsets:
            known -= 1
        for depth in range(known, len(path)):  # iterative: a deep path never recurses
            parent = path[:depth]
            if parent in self.scanned:
                return None
            try:
                self._scan_children(parent, offsets[parent][0])
            except (ValueError, IndexError, RecursionError):
                return None
            if path[:depth + 1] not in offsets:
                return None
        return offsets.get(path)

    def value_range(self, path: tuple) -> tuple[int, int] | None:
        hit = self.start(tuple(path))
        if hit is None:
            return None
        try:
            _, end = _DECODER.raw_decode(self.text, hit[0])
        except ValueError:
            return None
        return hit[0], end


def value_range(text: str, path: Path) -> tuple[int, int] | None:
    """Start and end offsets of the value at ``path`` in the JSON ``text`` (one-off lookup)."""
    return JsonIndex(text).value_range(tuple(path))


def json_locator(text: str, file: str, blocks_as_first_line: bool = False) -> Callable[[Path], Span | None]:
    """A ``Document.locate`` for JSON text: path -> span of that value (None when absent).
    A path ending in ``"__key__"`` gives the span of the key that introduces the value."""
    index = JsonIndex(text)
    lines: list[LineIndex] = []  # built on the first lookup only

    def locate(path: Path) -> Span | None:
        path = tuple(path)
        if path and path[-1] == "__key__":
            hit = index.start(path[:-1])
            if hit is None or hit[1] is None:
                return None
            found = hit[1]
        else:
            found = index.value_range(path)
        if found is None:
            return None
        if not lines:
            lines.append(LineIndex(text))
        line, column = lines[0].position(found[0])
        end_line, end_column = lines[0].position(found[1])
        if blocks_as_first_line and end_line != line and text[found[0]] in "{[":
            end_line, end_column = line, column + 1
        return Span(file, line, column, end_line, end_column)

    return locate
