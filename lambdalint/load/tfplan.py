"""Terraform plan JSON (``terraform show -json plan``) as a :class:`Document`.

Plans are big (thousands of resources, megabytes of text), so the text is parsed once by the C
``json`` module and spans are located lazily by ``json_locate``.  The frontend
(``frontends/terraform/plan.py``) turns the data into Terraform resources.
"""
from __future__ import annotations

import json
from typing import Any

from ..document import Document, ParseError
from .json_locate import json_locator
from .jsontext import loads

# Terraform promises that a major format_version only changes incompatibly; 0.x and 1.x are the
# ones whose layout the plan reader knows.
SUPPORTED_MAJORS = ("0", "1")


def is_plan(data: Any) -> bool:
    """Plan JSON is recognised by content, not by file name."""
    return isinstance(data, dict) and "format_version" in data and "planned_values" in data


def load_plan(text: str, path: str, data: Any = None) -> Document:
    """Parse plan JSON.  ``data`` may be passed when the caller has already decoded ``text``
    (discovery decodes it to tell a plan from a template), to avoid parsing megabytes twice."""
    if data is None:
        try:  # within the budgets (load/jsontext.py)
            data = loads(text, path)
        except json.JSONDecodeError as error:
            raise ParseError(path, f"invalid JSON: {error.msg}", error.lineno, error.colno) from None
    locate = json_locator(text, path)
    if not is_plan(data):
        raise ParseError(path, "not a Terraform plan (no format_version and planned_values)")
    version = data["format_version"]
    major = version.split(".", 1)[0] if isinstance(version, str) else None
    if major not in SUPPORTED_MAJORS:
        span = locate(("format_version",))
        line, column = (span.line, span.column) if span else (1, 1)
        raise ParseError(path, f"unsupported plan format_version {str(version)!r}", line, column)
    return Document(path=path, format="tf-plan", data=data, text=text, locate=locate)

