"""``json.loads`` within the file budgets: a number too long for Python's int conversion, or
nesting past :data:`~lambdalint.load.limits.MAX_DEPTH`, is a :class:`ParseError` with a
location, never a ``ValueError``/``RecursionError`` that escapes the loader.  ``NaN`` and
``Infinity``, which Python's decoder accepts, are not JSON (CloudFormation and Terraform reject
them): a ParseError too."""
from __future__ import annotations

import json
import re

from ..document import ParseError
from .json_locate import LineIndex, value_range
from .limits import MAX_DEPTH, MAX_INT_DIGITS as _DIGITS, too_deep

_LONG_NUMBER = re.compile(r"\d{%d,}" % (_DIGITS + 1))
# a string (skipped) or a bare NaN/Infinity: the first match of the second group is the culprit
_CONSTANT = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)')


class _NotJson(ValueError):
    pass


def _reject(constant: str):
    raise _NotJson(constant)


def loads(text: str, path: str, **options):
    """Decoded JSON.  ``json.JSONDecodeError`` propagates (each loader words it); the budgets
    raise ParseError."""
    try:
        data = json.loads(text, parse_constant=_reject, **options)
    except json.JSONDecodeError:
        raise
    except _NotJson as error:
        found = next((m for m in _CONSTANT.finditer(text) if m.group(1)), None)
        line, column = LineIndex(text).position(found.start(1)) if found else (1, 1)
        raise ParseError(path, f"invalid JSON: {error} is not a JSON value", line, column) from None
    except RecursionError:
        raise ParseError(path, f"nesting deeper than {MAX_DEPTH} levels") from None
    except ValueError as error:  # int conversion limit (CVE-2020-10735 guard)
        found = _LONG_NUMBER.search(text)
        if found is None:
            raise ParseError(path, f"invalid JSON: {error}") from None
        line, column = LineIndex(text).position(found.start())
        raise ParseError(path, f"number with more than {_DIGITS:,} digits", line, column) from None
    deep = too_deep(data)
    if deep is not None:
        hit = value_range(text, deep)
        line, column = LineIndex(text).position(hit[0]) if hit else (1, 1)
        raise ParseError(path, f"nesting deeper than {MAX_DEPTH} levels", line, column)
    return data
