"""Terraform's string, number and JSON functions (``format``, ``join``, ``jsonencode``, ``lower``,
``replace``, ``max`` ...), registered in ``functions_kit.FUNCTIONS``."""
from __future__ import annotations

import json
import math
import os

from ...values import Known, ResourceRef
from .functions_kit import _Arity, _Budget, _check_width, _fn, _need, _plain_fn, _str
from .limits import MAX_STRING
from .tfvalues import Invalid, blocked, from_plain, known_list, known_str, located, to_bool, to_number, to_plain, to_str


@_fn("jsonencode", structural=True)
def _jsonencode(args, src):
    _need(args, 1)
    value = args[0]
    if isinstance(value, Known) and isinstance(value.value, (str, int, float, bool)) and not isinstance(value.value, ResourceRef):
        return Known(json.dumps(value.value), src)
    return located(value, src)  # keep the structure: rules read policies as trees


@_fn("jsondecode", structural=True)
def _jsondecode(args, src):
    _need(args, 1)
    value = args[0]
    if isinstance(value, Known) and isinstance(value.value, (dict, list)):
        return located(value, src)  # jsondecode(jsonencode(x))
    text = known_str(value)
    if text is None:
        return blocked(value, "jsondecode(...)", src)
    try:
        return from_plain(json.loads(text), src)
    except ValueError:
        return Invalid("jsondecode: invalid JSON", src)


@_fn("format", structural=True)
def _format(args, src):
    _need(args, 1)
    fmt = known_str(args[0])
    if fmt is None:
        return blocked(args[0], "format(...)", src)
    out, i, argi = [], 0, 1
    total, counted = 0, 1  # characters produced by verbs so far (many wide verbs)
    while i < len(fmt):
        if argi != counted:  # a verb just consumed an argument: count what it produced
            counted = argi
            total += len(out[-1])
            if total > MAX_STRING:
                raise _Budget(f"format: a result longer than the budget of {MAX_STRING:,} characters")
        ch = fmt[i]
        if ch != "%":
            out.append(ch)
            i += 1
            continue
        j = i + 1
        while j < len(fmt) and fmt[j] in "+-# 0123456789.":
            j += 1
        if j >= len(fmt):
            return Invalid("format: unterminated verb", src)
        verb, spec = fmt[j], fmt[i + 1:j]
        _check_width(spec)
        i = j + 1
        if verb == "%":
            out.append("%")
            continue
        if argi >= len(args):
            raise _Arity()
        arg = args[argi]
        argi += 1
        if not isinstance(arg, Known):
            return blocked(arg, "format(...)", src)
        raw = arg.value
        if verb in "sv":
            text = to_str(raw) if not isinstance(raw, (list, dict)) else json.dumps(to_plain(arg))
            if text is None:
                return Invalid("format: null argument", src)
            out.append(("%" + spec + "s") % text)
        elif verb == "q":
            text = to_str(raw)
            out.append(json.dumps(text))
        elif verb in "dfeEgGxXob":
            number = to_number(raw)
            if number is None:
                return blocked(arg, "format(...)", src) if isinstance(raw, ResourceRef) else Invalid("format: not a number", src)
            if verb == "b":
                out.append(format(int(number), "b"))
            else:
                out.append(("%" + spec + verb) % (int(number) if verb in "dxXo" else number))
        elif verb == "t":
            out.append(to_str(to_bool(raw)) or "")
        else:
            return Invalid(f"format: verb %{verb}", src)
    return Known("".join(out), src)


@_fn("join", structural=True)
def _join(args, src):
    _need(args, 2)
    sep = known_str(args[0])
    if sep is None:
        return blocked(args[0], "join(...)", src)
    parts = []
    if len(args) == 2:
        items = known_list(args[1])
        if items is not None and len(items) == 1 and isinstance(items[0], Known) \
                and isinstance(items[0].value, (dict, list)):
            # join("", data.aws_iam_policy_document.x[*].json): policies are kept as trees,
            # and joining one document is that document.
            return located(items[0], src)
    for lst in args[1:]:
        items = known_list(lst)
        if items is None:
            return blocked(lst, "join(...)", src)
        for item in items:
            if not isinstance(item, Known):
                return blocked(item, "join(...)", src)
            text = to_str(item.value)
            if text is None:
                return Invalid("join: element is not a string", src)
            parts.append(text)
    return Known(sep.join(parts), src)


_plain_fn("basename", lambda s: os.path.basename(_str(s)))
_plain_fn("dirname", lambda s: os.path.dirname(_str(s)))
_plain_fn("lower", lambda s: _str(s).lower())
_plain_fn("upper", lambda s: _str(s).upper())
_plain_fn("title", lambda s: _str(s).title())
_plain_fn("trimspace", lambda s: _str(s).strip())
_plain_fn("chomp", lambda s: _str(s).rstrip("\r\n"))
_plain_fn("tostring", lambda s: _str(s) if s is not None else None)
_plain_fn("tonumber", lambda s: to_number(s) if to_number(s) is not None else int("x" + str(s)))
_plain_fn("tobool", lambda s: to_bool(s) if to_bool(s) is not None else int("x" + str(s)))
_plain_fn("split", lambda sep, s: _str(s).split(_str(sep)) if _str(sep) else list(_str(s)), 2)
_plain_fn("trimprefix", lambda s, p: _str(s)[len(_str(p)):] if _str(s).startswith(_str(p)) else _str(s), 2)
_plain_fn("trimsuffix", lambda s, p: _str(s)[: -len(_str(p))] if _str(p) and _str(s).endswith(_str(p)) else _str(s), 2)
_plain_fn("startswith", lambda s, p: _str(s).startswith(_str(p)), 2)
_plain_fn("endswith", lambda s, p: _str(s).endswith(_str(p)), 2)
_plain_fn("substr", lambda s, o, n: _str(s)[int(o):(None if int(n) < 0 else int(o) + int(n))], 3)
_plain_fn("max", lambda *xs: max(to_number(x) for x in xs), 1)
_plain_fn("min", lambda *xs: min(to_number(x) for x in xs), 1)
_plain_fn("abs", lambda x: abs(to_number(x)))
_plain_fn("ceil", lambda x: math.ceil(to_number(x)))
_plain_fn("floor", lambda x: math.floor(to_number(x)))
_plain_fn("sum", lambda xs: sum(to_number(x) for x in xs))
def _replace(s, a, b):
    s, a, b = _str(s), _str(a), _str(b)
    if len(a) > 1 and a[0] == "/" == a[-1]:
        raise ValueError("regex")
    count = s.count(a) if a else len(s) + 1
    if len(s) + count * (len(b) - len(a)) > MAX_STRING:  # worked out before building it
        raise _Budget(f"replace: a result longer than the budget of {MAX_STRING:,} characters")
    return s.replace(a, b)


_plain_fn("replace", _replace, 3)
