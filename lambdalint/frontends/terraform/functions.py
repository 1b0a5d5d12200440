"""Terraform's built-in functions, as far as they can be computed before apply.

``FUNCTIONS`` maps a function name to ``impl(args, src) -> Value``: ``args`` are the evaluated
argument Values (conditionals already distributed by the evaluator), ``src`` the call's Source.
A function that reads files, hashes or depends on time is registered as always Unknown
(``file(...)``); a function that is not registered at all is Unknown too (the evaluator's
``name(...)``), but :class:`Invalid` arguments still propagate through both so ``try``/``can``
fall back as Terraform would.
"""
from __future__ import annotations

import json
import math
import os
import re
from typing import Callable

from ...values import Either, Known, ResourceRef, Unknown
from .limits import MAX_ARGUMENT_CHARACTERS, MAX_COLLECTION, MAX_STRING
from .tfvalues import (Invalid, NotPlain, blocked, from_plain, known_list, known_map, known_str, located,
                       to_bool, to_number, to_plain, to_str)

FUNCTIONS: dict[str, Callable] = {}


def _need(args, n):
    if len(args) < n:
        raise _Arity()


class _Arity(Exception):
    pass


def _first_not_known(args):
    for a in args:
        if not isinstance(a, Known):
            return a
    return None


def _fn(name, structural=False):
    """Register an implementation under ``name``: arity errors become Invalid, unknown inputs
    Unknown.  ``structural`` implementations also receive arguments that are not Known and deal
    with them themselves (``jsonencode`` passes an unknown through with its own reason)."""

    def wrap(impl):
        def call(args, src):
            over = _over_budget(args)
            if over is not None:  # inputs this large would make the output (or the work) unbounded
                return Unknown(f"{name}(...): {over}", src, cause="budget")
            try:
                if not structural:
                    blocker = _first_not_known(args)
                    if blocker is not None:
                        return blocked(blocker, f"{name}(...)", src)
                return impl(args, src)
            except _Arity:
                return Invalid(f"{name}: wrong number of arguments", src)
            except _Budget as exc:
                return Unknown(str(exc), src, cause="budget")
            except _Invalid as exc:  # an error Terraform itself reports, in its words
                return Invalid(str(exc), src)
            except NotPlain as exc:
                return blocked(exc.value, f"{name}(...)", src)
            except (TypeError, ValueError, KeyError, IndexError, OverflowError, RecursionError) as exc:
                return Invalid(f"{name}: {type(exc).__name__}", src)

        FUNCTIONS[name] = call
        return impl

    return wrap


def _over_budget(args) -> str | None:
    """Why the arguments of one call are past the budgets (limits.py), or None: more than
    MAX_COLLECTION values in all (shared subtrees counted each time, as a function walks
    them), or more than MAX_ARGUMENT_CHARACTERS characters of strings in all."""
    nodes, chars = MAX_COLLECTION, MAX_ARGUMENT_CHARACTERS
    stack = list(args)
    while stack:
        nodes -= 1
        if nodes < 0:
            return f"arguments of more than {MAX_COLLECTION:,} values in all (the budget)"
        current = stack.pop()
        if isinstance(current, Known):
            raw = current.value
            kind = type(raw)
            if kind is str:
                chars -= len(raw)
                if chars < 0:
                    return f"arguments of more than {MAX_ARGUMENT_CHARACTERS:,} characters in all (the budget)"
            elif kind is list:
                stack.extend(raw)
            elif kind is dict:
                stack.extend(raw.values())
        elif isinstance(current, Either):
            stack.extend(current.options)
    return None


def _check_width(spec: str) -> None:
    """A format width or precision past the string budget (``%999999999d``) is not expanded."""
    for number in re.findall(r"\d+", spec):
        if len(number) > 7 or int(number) > MAX_STRING:
            raise _Budget(f"format: a width past the budget of {MAX_STRING:,} characters")


class _Budget(Exception):
    pass


class _Invalid(Exception):
    pass


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


def _unknown_fn(name):
    def impl(args, src):
        for a in args:
            if isinstance(a, Invalid):
                return Invalid(a.reason, src)
        causes = [a.cause for a in args if isinstance(a, Unknown)]
        return Unknown(f"{name}(...)", src, cause=causes[0] if causes else "unsupported")

    FUNCTIONS[name] = impl


for _name in ("file", "templatefile", "filebase64", "filebase64sha256", "filemd5", "filesha1", "filesha256",
              "fileexists", "fileset", "timestamp", "uuid", "bcrypt", "base64sha256", "sha256", "md5", "sha1",
              "base64encode", "base64decode", "plantimestamp", "abspath", "pathexpand"):
    _unknown_fn(_name)


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


@_fn("concat", structural=True)
def _concat(args, src):
    out = []
    for lst in args:
        items = known_list(lst)
        if items is None:
            return blocked(lst, "concat(...)", src)
        out.extend(items)
    return Known(out, src)


@_fn("merge", structural=True)
def _merge(args, src):
    out = {}
    for m in args:
        if isinstance(m, Known) and m.value is None:
            continue
        items = known_map(m)
        if items is None:
            return blocked(m, "merge(...)", src)
        out.update(items)
    return Known(out, src)


@_fn("lookup", structural=True)
def _lookup(args, src):
    _need(args, 2)
    m = known_map(args[0])
    if m is None:
        return blocked(args[0], "lookup(...)", src)
    key = args[1]
    if not isinstance(key, Known):
        return blocked(key, "lookup(...)", src)
    text = to_str(key.value)
    if text in m:
        return m[text]
    if len(args) > 2:
        return args[2]
    return Invalid(f"lookup: no key {text!r}", src)


@_fn("element", structural=True)
def _element(args, src):
    _need(args, 2)
    items = known_list(args[0])
    if items is None:
        return blocked(args[0], "element(...)", src)
    index = to_number(args[1].value) if isinstance(args[1], Known) else None
    if index is None:
        return blocked(args[1], "element(...)", src)
    if not items:
        return Invalid("element: empty list", src)
    return items[int(index) % len(items)]


@_fn("length", structural=True)
def _length(args, src):
    _need(args, 1)
    value = args[0]
    if isinstance(value, Known) and isinstance(value.value, (list, dict, str)) and not isinstance(value.value, ResourceRef):
        return Known(len(value.value), src)
    return blocked(value, "length(...)", src)


@_fn("tolist", structural=True)
def _tolist(args, src):
    _need(args, 1)
    if known_list(args[0]) is not None:
        return located(args[0], src)
    return blocked(args[0], "tolist(...)", src)


@_fn("toset", structural=True)
def _toset(args, src):
    _need(args, 1)
    items = known_list(args[0])
    if items is None:
        return blocked(args[0], "toset(...)", src)
    out, seen = [], set()
    for item in items:
        try:
            marker = json.dumps(to_plain(item), sort_keys=True)
        except NotPlain:
            if isinstance(item, Known) and isinstance(item.value, ResourceRef):
                marker = item.value.token()
            else:
                out.append(item)
                continue
        if marker not in seen:
            seen.add(marker)
            out.append(item)
    return Known(out, src)


@_fn("tomap", structural=True)
def _tomap(args, src):
    _need(args, 1)
    if known_map(args[0]) is not None:
        return located(args[0], src)
    return blocked(args[0], "tomap(...)", src)


@_fn("coalesce", structural=True)
def _coalesce(args, src):
    for a in args:
        if isinstance(a, Known):
            if a.value is None or a.value == "":
                continue
            return a
        return blocked(a, "coalesce(...)", src)
    return Invalid("coalesce: no non-null argument", src)


@_fn("coalescelist", structural=True)
def _coalescelist(args, src):
    for a in args:
        items = known_list(a)
        if items is None:
            return blocked(a, "coalescelist(...)", src)
        if items:
            return a
    return Invalid("coalescelist: all lists empty", src)


@_fn("flatten", structural=True)
def _flatten(args, src):
    _need(args, 1)
    out = []

    def walk(value):
        items = known_list(value)
        if items is None:
            if isinstance(value, Unknown):
                raise NotPlain(value)
            out.append(value)
            return
        for item in items:
            walk(item)

    if known_list(args[0]) is None:
        return blocked(args[0], "flatten(...)", src)
    walk(args[0])
    return Known(out, src)


@_fn("values", structural=True)
def _values(args, src):
    _need(args, 1)
    m = known_map(args[0])
    if m is None:
        return blocked(args[0], "values(...)", src)
    return Known([m[k] for k in sorted(m)], src)


@_fn("keys", structural=True)
def _keys(args, src):
    _need(args, 1)
    m = known_map(args[0])
    if m is None:
        return blocked(args[0], "keys(...)", src)
    return Known([Known(k, src) for k in sorted(m)], src)


@_fn("one", structural=True)
def _one(args, src):
    _need(args, 1)
    items = known_list(args[0])
    if items is None:
        return blocked(args[0], "one(...)", src)
    if not items:
        return Known(None, src)
    if len(items) == 1:
        return items[0]
    return Invalid("one: more than one element", src)


@_fn("compact", structural=True)
def _compact(args, src):
    _need(args, 1)
    items = known_list(args[0])
    if items is None:
        return blocked(args[0], "compact(...)", src)
    return Known([i for i in items if not (isinstance(i, Known) and i.value in (None, ""))], src)


@_fn("slice", structural=True)
def _slice(args, src):
    _need(args, 3)
    items = known_list(args[0])
    a = to_number(args[1].value) if isinstance(args[1], Known) else None
    b = to_number(args[2].value) if isinstance(args[2], Known) else None
    if items is None or a is None or b is None:
        return blocked(next(x for x in args if not (isinstance(x, Known))), "slice(...)", src) \
            if any(not isinstance(x, Known) for x in args) else Invalid("slice: bad arguments", src)
    return Known(items[int(a):int(b)], src)


@_fn("reverse", structural=True)
def _reverse(args, src):
    _need(args, 1)
    items = known_list(args[0])
    if items is None:
        return blocked(args[0], "reverse(...)", src)
    return Known(list(reversed(items)), src)


@_fn("zipmap", structural=True)
def _zipmap(args, src):
    _need(args, 2)
    keys, vals = known_list(args[0]), known_list(args[1])
    if keys is None or vals is None:
        return blocked(args[0] if keys is None else args[1], "zipmap(...)", src)
    out = {}
    for k, v in zip(keys, vals):
        if not isinstance(k, Known) or to_str(k.value) is None or isinstance(k.value, ResourceRef):
            return blocked(k, "zipmap(...)", src)
        out[to_str(k.value)] = v
    return Known(out, src)


@_fn("contains", structural=True)
def _contains(args, src):
    _need(args, 2)
    items = known_list(args[0])
    if items is None:
        return blocked(args[0], "contains(...)", src)
    want = to_plain(args[1])
    return Known(any(to_plain(i) == want for i in items), src)


def _plain_fn(name, impl, arity=1):
    """A function of plain data: inputs must be fully known (no references)."""

    @_fn(name)
    def call(args, src):
        _need(args, arity)
        return from_plain(impl(*[to_plain(a) for a in args]), src)

    return call


def _str(x):
    if not isinstance(x, str):
        text = to_str(x)
        if text is None:
            raise TypeError("not a string")
        return text
    return x


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
def _distinct(xs):
    seen, out = set(), []
    for x in xs:  # linear: a key per element, not a scan of the ones before it
        key = json.dumps(x, sort_keys=True) if isinstance(x, (list, dict)) else (type(x) is bool, x)
        if key not in seen:
            seen.add(key)
            out.append(x)
    return out


_plain_fn("distinct", _distinct)
_plain_fn("sort", lambda xs: sorted(_str(x) for x in xs))


RANGE_LIMIT = 1024  # Terraform's own (go-cty's RangeFunc): more values is an error, not a budget


def _range(*xs):
    numbers = range(*[int(to_number(x)) for x in xs])
    if len(numbers) > RANGE_LIMIT:
        raise _Invalid(f"range: more than {RANGE_LIMIT} values were generated (Terraform's limit)")
    return list(numbers)


_plain_fn("range", _range)
def _replace(s, a, b):
    s, a, b = _str(s), _str(a), _str(b)
    if len(a) > 1 and a[0] == "/" == a[-1]:
        raise ValueError("regex")
    count = s.count(a) if a else len(s) + 1
    if len(s) + count * (len(b) - len(a)) > MAX_STRING:  # worked out before building it
        raise _Budget(f"replace: a result longer than the budget of {MAX_STRING:,} characters")
    return s.replace(a, b)


_plain_fn("replace", _replace, 3)
