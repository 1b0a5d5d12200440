"""A parsed input file and the places inside it.

Every loader (CloudFormation YAML/JSON, Terraform HCL/JSON/plan, or a template that cfn-lint has
already decoded) produces a :class:`Document`: plain Python data (``dict``/``list``/``str``/
``int``/``float``/``bool``/``None``) plus a way to turn a *path* into that data (a tuple of keys
and list indexes) into a :class:`Span`.  Frontends never see parser objects, so one frontend
serves every loader, and spans are only computed for the values a finding actually needs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

Path = tuple  # tuple[str | int, ...]

_SUPPRESSION = re.compile(r"#\s*lambdalint:\s*ignore\[([A-Za-z0-9_,\s-]+)\]\s*(.*)$")
# HCL also has `// comment` and `/* comment */`
_SUPPRESSION_HCL = re.compile(r"(?:#|//|/\*)\s*lambdalint:\s*ignore\[([A-Za-z0-9_,\s-]+)\]\s*(.*?)\s*(?:\*/.*)?$")


@dataclass(frozen=True, slots=True)
class Span:
    """1-based line/column range in one file."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Suppression:
    """An inline ``# lambdalint: ignore[ID,...] reason`` comment."""

    file: str
    line: int
    ids: tuple[str, ...]
    reason: str
    column: int = 1  # where the comment starts
    end_column: int = 1


@dataclass(eq=False)
class Document:
    """One input file after parsing.

    ``locate`` maps a path to a span; loaders supply it.  It is called lazily (only for paths
    that end up in a finding), which is what lets JSON be parsed by the C ``json`` module alone.
    """

    path: str  # as shown to the user
    format: str  # cfn-yaml | cfn-json | tf-hcl | tf-json | tf-plan
    data: Any
    text: str = ""
    locate: Callable[[Path], Span | None] | None = None
    _cache: dict = field(default_factory=dict, repr=False)

    def span(self, path: Path) -> Span:
        """Span of the value at ``path``; falls back to the nearest enclosing value found."""
        hit = self._cache.get(path)
        if hit is not None:
            return hit
        span = None
        probe = tuple(path)
        while self.locate is not None:
            span = self.locate(probe)
            if span is not None or not probe:
                break
            probe = probe[:-1]
        if span is None:
            span = Span(self.path, 1, 1, 1, 1)
        self._cache[path] = span
        return span

    def suppressions(self) -> list[Suppression]:
        """Inline suppression comments (YAML ``#``; HCL ``#``, ``//`` and ``/* */``; JSON has
        no comments)."""
        if "lambdalint:" not in self.text:
            return []
        pattern = _SUPPRESSION_HCL if self.format == "tf-hcl" else _SUPPRESSION
        found = []
        for number, line in enumerate(self.text.splitlines(), 1):
            if "lambdalint:" not in line:
                continue
            match = pattern.search(line)
            if match:
                ids = tuple(i.strip() for i in match.group(1).split(",") if i.strip())
                found.append(Suppression(self.path, number, ids, match.group(2).strip(),
                                         match.start() + 1, len(line.rstrip()) + 1))
        return found


@dataclass(frozen=True, slots=True)
class Source:
    """Where a value came from: a document and the path to it.  Resolves to a Span on demand."""

    doc: Document
    path: Path

    @property
    def span(self) -> Span:
        return self.doc.span(self.path)

    def child(self, *keys) -> "Source":
        return Source(self.doc, self.path + keys)

    def __repr__(self) -> str:  # keeps test failure output readable
        return f"Source({self.doc.path}, {'/'.join(map(str, self.path))})"

    @property
    def key(self) -> str:
        """The path as text that survives edits elsewhere in the file: an HCL block index
        becomes the block's type and labels (``resource.aws_sqs_queue.jobs``), plus ``#n`` when
        several blocks of one type and labels sit side by side; an index into a list of plan
        resources becomes the resource's address."""
        steps, node = [], self.doc.data
        for step in self.path:
            blocks = getattr(node, "blocks", None)
            if isinstance(step, int) and blocks is not None and 0 <= step < len(blocks):
                block = blocks[step]
                name = ".".join([block.type, *map(str, block.labels)])
                twins = [b for b in blocks[:step] if b.type == block.type and b.labels == block.labels]
                steps.append(f"{name}#{len(twins)}" if twins else name)
                node = block
                continue
            if isinstance(node, dict):
                node = node.get(step)
            elif isinstance(node, list) and isinstance(step, int) and -len(node) <= step < len(node):
                node = node[step]
                address = node.get("address") if isinstance(node, dict) else None
                if isinstance(address, str):
                    steps.append(address)
                    continue
            else:
                attrs = getattr(node, "attrs", None)
                node = attrs.get(step) if isinstance(attrs, dict) else None
            steps.append(str(step))
        return "/".join(steps)


class ParseError(Exception):
    """A file could not be parsed.  Becomes finding LL001 with this location and reason."""

    def __init__(self, file: str, reason: str, line: int = 1, column: int = 1):
        super().__init__(f"{file}:{line}:{column}: {reason}")
        self.file = file
        self.reason = reason
        self.line = max(1, int(line))
        self.column = max(1, int(column))
