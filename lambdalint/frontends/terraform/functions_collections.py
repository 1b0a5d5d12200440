"""Terraform's collection functions (``concat``, ``merge``, ``lookup``, ``flatten``, ``zipmap``,
``distinct``, ``range`` ...), registered in ``functions_kit.FUNCTIONS``."""
from __future__ import annotations

import json

from ...values import Known, ResourceRef, Unknown
from .functions_kit import _fn, _Invalid, _need, _plain_fn, _str
from .tfvalues import Invalid, NotPlain, blocked, known_list, known_map, located, to_number, to_plain, to_str


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
