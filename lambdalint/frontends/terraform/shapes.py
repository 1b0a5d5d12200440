"""String functions over a value known only after apply that keep what it names.

``aws_lambda_function.f.invoke_arn`` is known only once applied, but its shape is documented:
``arn:<partition>:apigateway:<region>:lambda:path/2015-03-31/functions/<function ARN>/invocations``,
the function ARN being ``arn:<partition>:lambda:<region>:<account>:function:<name>``.  A
configuration that rewrites it (``replace(f.invoke_arn, "/invocations",
"/response-streaming-invocations")``) still names that function, and the model must still tie
the result to it.  :func:`replace` works on that shape, with placeholders for the parts known
only at deploy time (``${AWS::Region}``, the function's ``${<node>.name}`` token), and answers
only when no occurrence of the text replaced can touch a placeholder, whatever its value at
deploy time; otherwise the caller keeps the result unknown.
"""
from __future__ import annotations

import re

from ...partial_strings import PLACEHOLDER
from ...values import Known, ResourceRef, Value

# What a pseudo parameter can hold: a part ``y`` of a value is possible when ``fits(y)``
_PARTITIONS = ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc")
_URL_SUFFIXES = ("amazonaws.com", "amazonaws.com.cn", "c2s.ic.gov", "sc2s.sgov.gov", "cloud.adc-e.uk", "csp.hci.ic.gov",
                 "amazonaws.eu")


def _among(values, y: str, at_start: bool, at_end: bool) -> bool:
    return any((v == y) if at_start and at_end else v.startswith(y) if at_start else v.endswith(y) if at_end
               else y in v for v in values)


def _region(y: str, at_start: bool, at_end: bool) -> bool:
    """A Region name: lowercase words joined by hyphens, then one digit (``us-gov-west-1``)."""
    pattern = ("[a-z][a-z-]*" if at_start else "[a-z-]*") + ("[0-9]" if at_end else "[0-9]?")
    return re.fullmatch(pattern, y) is not None


_PSEUDO_FITS = {  # whether text y can be part of the pseudo parameter's value (its start / end)
    "AWS::Partition": lambda y, s, e: _among(_PARTITIONS, y, s, e),
    "AWS::URLSuffix": lambda y, s, e: _among(_URL_SUFFIXES, y, s, e),
    "AWS::AccountId": lambda y, s, e: y.isdigit() and len(y) <= 12,
    "AWS::Region": _region,
}
_INVOKE_ARN = ("arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
               "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:{name}/invocations")


def invoke_arn_shape(value: Value, types: dict, configured) -> str | None:
    """The documented shape of ``aws_lambda_function.<x>.invoke_arn`` (``value``) when the
    function's name is a literal written on it (``configured(node, "function_name")``), with the
    name kept as the function's ``${<node>.name}`` token; else None."""
    raw = value.value if isinstance(value, Known) else None
    if not (isinstance(raw, ResourceRef) and raw.attr == "invoke_arn"
            and types.get(raw.node) == "aws_lambda_function"):
        return None
    name = configured(raw.node, "function_name", None)
    if not (isinstance(name, Known) and isinstance(name.value, str) and "${" not in name.value):
        return None
    return _INVOKE_ARN.replace("{name}", ResourceRef(raw.node, "name", raw.name).token())


def literal_names(text: str, types: dict, configured) -> dict | None:
    """``{placeholder: the literal it stands for}`` for the ``${<node>.name}`` tokens of Lambda
    functions in ``text`` whose name is written as a literal; None when ``text`` holds a
    placeholder :func:`replace` knows nothing about (it cannot say what that may hold)."""
    found = {}
    for body in PLACEHOLDER.findall(text):
        if body in _PSEUDO_FITS:
            continue
        node, _, attr = body.rpartition(".")
        if attr != "name" or types.get(node) != "aws_lambda_function":
            return None
        name = configured(node, "function_name", None)
        if not (isinstance(name, Known) and isinstance(name.value, str) and "${" not in name.value):
            return None
        found["${" + body + "}"] = name.value
    return found


def replace(text: str, old: str, new: str, literals: dict) -> str | None:
    """``text`` with every ``old`` replaced by ``new`` (Terraform's ``replace`` with a plain
    substring), where ``text`` holds placeholders: pseudo parameters, and function name tokens
    standing for the literal in ``literals``.  None when an occurrence of ``old`` could overlap a
    placeholder (its value, or its edge), which would change what the result names."""
    if not old or (len(old) > 1 and old[0] == "/" == old[-1]):  # every position / a regular expression
        return None
    segments = []  # literal text and placeholders, in order
    last = 0
    for match in PLACEHOLDER.finditer(text):
        segments.append(("text", text[last:match.start()]))
        segments.append(("hole", match.group(0)))
        last = match.end()
    segments.append(("text", text[last:]))
    for index, (kind, token) in enumerate(segments):
        if kind == "hole" and _may_touch(old, token, literals, segments, index):
            return None
    return "".join(part.replace(old, new) if kind == "text" else part for kind, part in segments)


def _fits(token: str, literals: dict, part: str, at_start: bool, at_end: bool) -> bool:
    """Whether ``part`` can be the text at that place of the placeholder's value (its start when
    ``at_start``, its end when ``at_end``)."""
    if token in literals:
        value = literals[token]
        if at_start and at_end:
            return value == part
        if at_start:
            return value.startswith(part)
        if at_end:
            return value.endswith(part)
        return part in value
    return _PSEUDO_FITS[token[2:-1]](part, at_start, at_end)


def _may_touch(old: str, token: str, literals: dict, segments: list, index: int) -> bool:
    """Whether some occurrence of ``old`` in the deployed string could cover part of the
    placeholder at ``segments[index]``: ``old`` = before + inside + after, ``inside`` in the
    placeholder's value, ``before`` ending the text just before it, ``after`` starting the text
    just after it (conservatively yes when that text is another placeholder)."""
    before_text = segments[index - 1][1] if index > 0 else ""
    after_text = segments[index + 1][1] if index + 1 < len(segments) else ""
    more_before = index > 1 and len(before_text) < len(old)  # a placeholder further back
    more_after = index + 2 < len(segments) and len(after_text) < len(old)
    for start in range(len(old)):
        for end in range(start + 1, len(old) + 1):
            before, inside, after = old[:start], old[start:end], old[end:]
            if before and not (before_text.endswith(before) or (more_before and _tail_overlaps(before_text, before))):
                continue
            if after and not (after_text.startswith(after) or (more_after and _head_overlaps(after_text, after))):
                continue
            if _fits(token, literals, inside, bool(before), bool(after)):
                return True
    return False


def _tail_overlaps(text: str, before: str) -> bool:
    """``before`` could end at the end of ``text`` with its start in what precedes ``text``."""
    return before.endswith(text)


def _head_overlaps(text: str, after: str) -> bool:
    return after.startswith(text)


__all__ = ["invoke_arn_shape", "literal_names", "replace"]
