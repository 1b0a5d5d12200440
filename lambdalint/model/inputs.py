"""Inputs a project points to beyond the files linted: nested stack templates, SAM
applications, Terraform module calls, CDK assets.

Frontends record one :class:`InputRef` per reference, read or not; rule LL004 turns each into a
check (decided when lambdalint read the input, undecided naming the source and what would let
lambdalint read it when not), so an unread module call is counted instead of silently dropped.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..document import Source


@dataclass(eq=False)
class InputRef:
    kind: str  # "nested stack", "SAM application", "module", "CDK asset"
    name: str  # the resource or module call as the user calls it: Network, module.worker
    written: str  # the source as written: a TemplateURL, a module source, an asset path
    source: Source | None  # where it is written
    read: bool
    reason: str = ""  # when not read: why, and what would let lambdalint read it
    cause: str = "module"  # when not read: values.CAUSES (outside-project for a path outside it)
