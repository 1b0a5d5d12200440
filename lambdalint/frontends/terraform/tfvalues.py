"""Terraform's value semantics on top of :mod:`lambdalint.values`, shared by the evaluator,
the built-in functions and the policy document conversion.

* :class:`Invalid` (an ``Unknown``) marks what Terraform would reject (missing key, bad index,
  wrong argument type): it lets ``try``/``can`` fall back, exactly where Terraform would.
* ``to_str``/``to_number``/``to_bool`` are Terraform's implicit conversions of primitive values
  (``"30"`` is a number where a number is expected, ``true`` is ``"true"`` in a string).
* ``to_plain``/``from_plain`` convert between Value trees and plain Python data, for functions
  that compute on fully known data only.
"""
from __future__ import annotations

import math

from ...document import Source
from ...values import Absent, Either, Known, ResourceRef, Unknown, Value
from .limits import MAX_COLLECTION


class Invalid(Unknown):
    """Something Terraform would reject at plan time; ``try``/``can`` skip it."""

    __slots__ = ()



def known_str(value) -> str | None:
    if isinstance(value, Known) and isinstance(value.value, str):
        return value.value
    return None


def located(value: Value, src: Source) -> Value:
    """The same value, located at ``src`` (the expression that produced it)."""
    if value.source is src:
        return value
    if isinstance(value, Known):
        return Known(value.value, src)
    if isinstance(value, Invalid):
        return Invalid(value.reason, src)
    if isinstance(value, Unknown):
        return value.moved(src)
    if isinstance(value, Either):
        return Either(value.condition, value.options, src)
    if isinstance(value, Absent):
        return Absent(src)
    return value


def from_plain(obj, src: Source) -> Value:
    if isinstance(obj, dict):
        return Known({str(k): from_plain(v, src) for k, v in obj.items()}, src)
    if isinstance(obj, (list, tuple)):
        return Known([from_plain(v, src) for v in obj], src)
    return Known(obj, src)


class NotPlain(Exception):
    def __init__(self, value):
        self.value = value


class OverBudget(NotPlain):
    """A value too large to convert: ``value`` is the Unknown naming the budget."""


def _over_budget() -> OverBudget:
    return OverBudget(Unknown(f"a value of more than {MAX_COLLECTION:,} items in all (the budget)", cause="budget"))


def to_plain(value: Value, limit: int = MAX_COLLECTION):
    """The plain Python form of a fully known value without references; raises NotPlain
    (:class:`OverBudget` past ``limit`` items in all: values share subtrees, so a few
    expressions can describe a list of 100**5 strings)."""
    left = [limit]

    def plain(value):
        left[0] -= 1
        if left[0] < 0:
            raise _over_budget()
        if isinstance(value, Known):
            raw = value.value
            if isinstance(raw, list):
                return [plain(v) for v in raw]
            if isinstance(raw, dict):
                return {k: plain(v) for k, v in raw.items()}
            if isinstance(raw, ResourceRef):
                raise NotPlain(value)
            return raw
        raise NotPlain(value)

    return plain(value)


def too_large(value: Value, limit: int = MAX_COLLECTION) -> bool:
    """Whether ``value`` holds more than ``limit`` values in all (lists, maps and conditional
    options walked; shared subtrees counted each time they appear, as a rule would see them)."""
    stack = [value]
    while stack:
        limit -= 1
        if limit < 0:
            return True
        current = stack.pop()
        if isinstance(current, Known):
            raw = current.value
            if type(raw) is list:
                stack.extend(raw)
            elif type(raw) is dict:
                stack.extend(raw.values())
        elif isinstance(current, Either):
            stack.extend(current.options)
    return False


def blocked(value: Value, what: str, src) -> Unknown:
    """Why an operation could not compute: the Unknown input's reason, a reference (known only
    after apply), or a wrong type (which Terraform rejects, so ``try`` falls back)."""
    if isinstance(value, Invalid):
        return Invalid(value.reason, src)
    if isinstance(value, Unknown):
        # the operation's result is not its argument: a string known in part stays unknown whole
        return Unknown(value.reason, src, value.import_name, value.cause, value.nullable)
    if isinstance(value, Known) and not isinstance(value.value, ResourceRef):
        return Invalid(f"{what}: wrong type of argument", src)
    return Unknown(f"{what} of a value known only after apply", src, cause="after-apply")


def to_str(raw) -> str | None:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, str):
        return raw
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() else repr(raw)
    if isinstance(raw, ResourceRef):
        return raw.token()
    return None


def to_number(raw):
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return raw
    if isinstance(raw, str):
        try:
            return int(raw)
        except ValueError:
            try:
                number = float(raw)
            except ValueError:
                return None
            return None if math.isnan(number) else number
    return None


def to_bool(raw):
    if isinstance(raw, bool):
        return raw
    if raw in ("true", "false"):
        return raw == "true"
    return None


def known_list(value):
    return value.value if isinstance(value, Known) and isinstance(value.value, list) else None


def known_map(value):
    return value.value if isinstance(value, Known) and isinstance(value.value, dict) else None
