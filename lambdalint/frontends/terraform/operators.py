"""Terraform's binary operators on evaluated operands: ``==``/``!=`` (plain data, or unknown
when a side is known only after apply), ``&&``/``||``, arithmetic and comparisons."""
from __future__ import annotations

import math

from ...values import Known, ResourceRef, Unknown, Value
from .tfvalues import Invalid, NotPlain, OverBudget, blocked, to_bool, to_number, to_plain


def _binary(op, left, right, src) -> Value:
    """A binary operator on evaluated operands (``&&``/``||`` short-circuiting is done by the caller)."""
    for side in (left, right):
        if not isinstance(side, Known):
            return blocked(side, op, src)
    a, b = left.value, right.value
    if op in ("==", "!="):
        try:
            equal = to_plain(left) == to_plain(right)
        except NotPlain as exc:
            if isinstance(exc, OverBudget):
                return Unknown(f"comparison of {exc.value.reason}", src, cause="budget")
            if isinstance(a, ResourceRef) or isinstance(b, ResourceRef):
                return Unknown("comparison with a value known only after apply", src, cause="after-apply")
            return Unknown("comparison of partly unknown values", src)
        return Known(equal if op == "==" else not equal, src)
    if op in ("&&", "||"):
        x, y = to_bool(a), to_bool(b)
        if x is None or y is None:
            return Invalid(f"{op} of non-bool values", src)
        return Known((x and y) if op == "&&" else (x or y), src)
    x, y = to_number(a), to_number(b)
    if x is None or y is None:
        if isinstance(a, ResourceRef) or isinstance(b, ResourceRef):
            return Unknown("arithmetic on a value known only after apply", src, cause="after-apply")
        return Invalid(f"{op} of non-numbers", src)
    if op == "+":
        r = x + y
    elif op == "-":
        r = x - y
    elif op == "*":
        r = x * y
    elif op == "/":
        if y == 0:
            return Invalid("division by zero", src)
        r = x / y
    elif op == "%":
        if y == 0:
            return Invalid("modulo by zero", src)
        r = math.fmod(x, y)
    elif op == "<":
        return Known(x < y, src)
    elif op == ">":
        return Known(x > y, src)
    elif op == "<=":
        return Known(x <= y, src)
    elif op == ">=":
        return Known(x >= y, src)
    else:
        return Invalid(f"operator {op}", src)
    if isinstance(r, float) and r.is_integer() and abs(r) < 2 ** 53:
        r = int(r)
    return Known(r, src)
