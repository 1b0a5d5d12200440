"""What a rule module in ``rules/`` is made of.

A rule module defines ``RULE = Rule(...)`` (metadata) and ``check(model, subject, options)``, a
generator that looks at ONE subject (a function, an event source mapping, a permission, a file,
the whole run: ``Rule.subject`` names which, and an optional module-level
``subjects(model, options)`` narrows them to those the rule applies to).  For each subject the
check yields:

- :class:`Issue`: a problem (the check is *decided*, with a finding);
- :class:`Unsure`: a value it needs is not known (the check is *undecided* unless it also
  yields an Issue);
- nothing: the check is *decided*, and passes;
- :class:`Sure`: a pass decided although some value it read is Unknown (a bound covers it, or
  the unknown branch cannot change the answer): it says why.  Without it, a pass that read an
  Unknown is a silent drop, which ``tests/test_silent_drops.py`` rejects.

The engine computes the verdict of every (rule, subject) and counts it (``N checks: D decided, U
undecided``); it also stamps the ID, name and severity, so a rule never formats those itself.
The module docstring is the rule's documentation (What it does / Why is this bad? / Example /
Use instead / References), printed by ``lambdalint explain``.
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
    # what one check looks at: function | event-source-mapping | permission | invoke-config |
    # file | run (see engine.SUBJECTS); a module-level ``subjects(model, options)`` overrides it
    subject: str = "function"


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
    and says which value blocked it (shown by ``--show-unknowns``).  ``cause`` is one of
    :data:`lambdalint.values.CAUSES`; :func:`blocked` takes it from the Unknown itself."""

    resource: Any
    reason: str
    source: Source | None = None
    cause: str | None = None


@dataclass(frozen=True)
class Sure:
    """A pass decided although a value the check read is Unknown, and why (``every branch of
    Timeout is at most 900``, ``the unknown subnet cannot be in this VPC``)."""

    resource: Any
    reason: str


def blocked(owner, value, fallback: str, what: str = "", at=None) -> Unsure:
    """The usual :class:`Unsure` for a value that blocks a check: ``<property> <- <why>``, where
    the property is spelled as the user wrote it (``fallback`` when the value has no place of its
    own), ``what`` is inserted after the property (``" of QueueA"``), and the cause is the
    value's own.  ``value`` may be Unknown, or a set value that is not usable (``describe``).
    It points at the value, else at ``at`` (a Source), else at the owner."""
    from .native_names import native_name
    from .values import cause_of, describe

    return Unsure(owner, f"{native_name(value, fallback)}{what} <- {describe(value)}",
                  value.source or at or getattr(owner, "source", None), cause_of(value))
