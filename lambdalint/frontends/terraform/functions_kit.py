"""How Terraform's built-in functions are registered and bounded: the ``FUNCTIONS`` registry,
the decorator that turns arity errors into Invalid and unknown inputs into Unknown, the
argument budgets (limits.py), plain-data functions, and the functions that are always Unknown
(they read files, hash or depend on time).  The implementations are in ``functions_text.py``
and ``functions_collections.py``; ``functions.py`` loads them all.
"""
from __future__ import annotations

import re
from typing import Callable

from ...values import Either, Known, Unknown
from .limits import MAX_ARGUMENT_CHARACTERS, MAX_COLLECTION, MAX_STRING
from .tfvalues import Invalid, NotPlain, blocked, from_plain, to_plain, to_str

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
