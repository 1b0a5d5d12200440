"""Length bounds a CloudFormation template declares for values known only at deploy time: a
parameter's ``MaxLength`` or ``AllowedValues``, carried on its ``Unknown`` (``max_length``) and on
the placeholders of strings built from it (``Unknown.bounds``), for rules that need a bound
(LL104)."""
from __future__ import annotations

from ..values import Unknown, Value


def parameter_max_length(declaration: dict) -> int | None:
    """The longest a parameter's value can be, as its declaration constrains it: ``MaxLength``,
    or the longest of its ``AllowedValues`` (CloudFormation rejects any other value); None when
    neither is declared.  A list parameter (``List<...>``, ``CommaDelimitedList``) is no string."""
    ptype = str(declaration.get("Type", "String"))
    if ptype.startswith("List<") or ptype == "CommaDelimitedList":
        return None
    bounds = []
    limit = declaration.get("MaxLength") if ptype == "String" else None  # MaxLength is for String types only
    if isinstance(limit, (int, str)) and not isinstance(limit, bool) and str(limit).strip().isdigit():
        bounds.append(int(str(limit).strip()))
    allowed = declaration.get("AllowedValues")
    if isinstance(allowed, list) and allowed and all(
            isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in allowed):
        bounds.append(max(len(str(v)) for v in allowed))
    return min(bounds) if bounds else None


def part_bounds(value: Value, text: str) -> tuple:
    """The length bounds a part of a Sub/Join brings along: its own placeholders' bounds, or the
    bound of the whole part when it became the placeholder ``text``."""
    if not isinstance(value, Unknown):
        return ()
    if value.partial is not None:
        return value.bounds
    return ((text, value.max_length),) if value.max_length is not None else ()


__all__ = ["parameter_max_length", "part_bounds"]
