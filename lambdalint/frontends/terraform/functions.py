"""Terraform's built-in functions, as far as they can be computed before apply.

``FUNCTIONS`` maps a function name to ``impl(args, src) -> Value``: ``args`` are the evaluated
argument Values (conditionals already distributed by the evaluator), ``src`` the call's Source.
A function that reads files, hashes or depends on time is registered as always Unknown
(``file(...)``); a function that is not registered at all is Unknown too (the evaluator's
``name(...)``), but :class:`Invalid` arguments still propagate through both so ``try``/``can``
fall back as Terraform would.
"""
from __future__ import annotations

from . import functions_collections, functions_text  # noqa: F401  (importing them registers their functions)
from .functions_kit import FUNCTIONS  # noqa: F401  (the registry, read by expressions.py)
