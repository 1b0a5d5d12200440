"""What a rule module in ``rules/`` is made of.

A rule module defines ``RULE = Rule(...)`` (metadata) and ``check(model, options)``, a generator
that yields :class:`Issue` (a problem) and :class:`Unsure` (a check it could not decide).  The
engine stamps the ID, name and severity; a rule never formats those itself.  The module
docstring is the rule's documentation (What it does / Why is this bad? / Example / Use instead /
References), printed by ``lambdalint explain``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .document import Source, Span


@dataclass(frozen=True)
class Option:
    """A typed rule option, settable in the config file (``rules: {LL501: {min-ratio: 6}}``)."""

    type: type
    default: Any
    help: str = ""


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    severity: str  # error | warning | info
    summary: str
    opt_in: bool = False
    options: dict[str, Option] = field(default_factory=dict)


@dataclass(frozen=True)
class Link:
    """A related location: another link of the chain behind an issue."""

    source: Source | None
    message: str
    resource: str | None = None


@dataclass(frozen=True)
class Issue:
    """What a rule yields for a problem.  ``source`` is where to point (the offending value, or
    the resource header when the value is absent); ``resource`` is the entity it concerns."""

    resource: Any  # a model entity (has .name) or None
    message: str
    source: Source | None = None
    related: tuple[Link, ...] = ()
    severity: str | None = None  # only for rules whose severity depends on the case (LL107)
    span: Span | None = None  # an explicit location when there is no Source (LL001 parse errors)


@dataclass(frozen=True)
class Unsure:
    """What a rule yields when a value it needs is Unknown: it stays silent about the problem
    and says which value blocked it (shown by ``--show-unknowns``)."""

    resource: Any
    reason: str
    source: Source | None = None
