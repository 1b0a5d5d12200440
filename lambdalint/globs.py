"""Path glob patterns with ``**`` (doublestar), as packaging tools match them.

Terraform's ``archive_file`` matches each ``excludes`` pattern against the path of a file or
directory relative to ``source_dir`` with ``doublestar.PathMatch`` (hashicorp/terraform-provider-
archive >= 2.5.0; earlier versions compared the path literally, which a pattern without special
characters still does): ``*`` and ``?`` stay within one path segment, ``**`` as a whole segment
spans any number of segments (none included), ``[...]`` is a character class (``[!...]`` or
``[^...]`` negated), ``{a,b}`` an alternation, ``\\`` escapes the next character.
"""
from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=256)
def compile_doublestar(pattern: str) -> re.Pattern | None:
    """The regular expression of ``pattern`` (None when it is malformed: it matches nothing)."""
    try:
        return re.compile(_translate(pattern) + r"\Z", re.DOTALL)
    except (re.error, ValueError):
        return None


def doublestar_match(pattern: str, path: str) -> bool:
    """Whether ``path`` (``/``-separated, relative) matches ``pattern`` as a whole."""
    if not pattern:
        return False
    regex = compile_doublestar(pattern)
    return bool(regex and regex.match(path))


def _translate(pattern: str) -> str:
    out, i, n, depth = [], 0, len(pattern), 0
    while i < n:
        c = pattern[i]
        if c == "*":
            if pattern.startswith("**", i) and (i == 0 or pattern[i - 1] == "/") and \
                    (i + 2 == n or pattern[i + 2] == "/"):
                if i + 2 == n:  # trailing "**": the rest, any depth (a preceding "/" is optional)
                    if out and out[-1] == "/":
                        out[-1] = "(?:/.*)?"
                    else:
                        out.append(".*")
                    i += 2
                else:  # "**/": zero or more whole segments
                    out.append("(?:[^/]*/)*")
                    i += 3
                continue
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = pattern.find("]", i + 2 if pattern[i + 1:i + 2] in ("!", "^") else i + 1)
            if j < 0:
                raise ValueError("unterminated class")
            body = pattern[i + 1:j]
            negate = body[:1] in ("!", "^")
            body = body[1:] if negate else body
            out.append("[" + ("^/" if negate else "") + body.replace("\\", "\\\\") + "]")
            i = j
        elif c == "{":
            out.append("(?:")
            depth += 1
        elif c == "}" and depth:
            out.append(")")
            depth -= 1
        elif c == "," and depth:
            out.append("|")
        elif c == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(c) if c != "/" else "/")
        i += 1
    if depth:
        raise ValueError("unterminated alternation")
    return "".join(out)
