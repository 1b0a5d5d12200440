"""SAM ``Globals``: what a resource inherits, and how SAM merges it with its own properties."""
from __future__ import annotations

from ...values import Known, Value

GLOBALS_PATH = ("Globals", "Function")


def function_globals(fe, body: dict) -> dict:
    """The raw ``Globals.Function`` a function inherits, minus what its ``IgnoreGlobals`` (``"*"``
    or a list of keys) opts out of."""
    template = fe.doc.data
    section = template.get("Globals") if isinstance(template, dict) else None
    inherited = section.get("Function") if isinstance(section, dict) else None
    inherited = inherited if isinstance(inherited, dict) else {}
    ignore = body.get("IgnoreGlobals") if isinstance(body, dict) else None
    if ignore == "*":
        return {}
    if isinstance(ignore, list):
        return {k: v for k, v in inherited.items() if k not in ignore}
    return inherited


def merge(local: Value | None, inherited: Value | None) -> Value | None:
    """SAM's Globals merge: maps merge key by key, lists concatenate, otherwise local wins."""
    if inherited is None:
        return local
    if local is None:
        return inherited
    if isinstance(local, Known) and isinstance(inherited, Known):
        if isinstance(local.value, dict) and isinstance(inherited.value, dict):
            merged = dict(inherited.value)
            for key, value in local.value.items():
                merged[key] = merge(value, inherited.value.get(key))
            return Known(merged, local.source)
        if isinstance(local.value, list) and isinstance(inherited.value, list):
            return Known(inherited.value + local.value, local.source)
    return local


__all__ = ["function_globals", "merge", "GLOBALS_PATH"]
