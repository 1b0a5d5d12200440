"""SAM CLI configuration beside a template: the ``parameter_overrides`` that ``sam deploy``
would pass, so the rules see the values a deploy sees.

Read as the SAM CLI reads it: ``samconfig.toml``, else ``samconfig.yaml``, else
``samconfig.yml`` in the template's directory; the environment ``default`` (or the one
``--sam-config-env`` names); the ``deploy`` command's ``parameters`` over the ``global`` ones.
``parameter_overrides`` may be a string (``Key=Value Other="two words"`` or
``ParameterKey=Key,ParameterValue=Value ...``), a list of such strings, or a mapping (a list
value is joined with commas).  ``--parameters`` wins over it, name by name.

A samconfig file that cannot be parsed is LL001 (the SAM CLI would refuse it too).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from .document import ParseError
from .paths import display_path, real as real_path

NAMES = ("samconfig.toml", "samconfig.yaml", "samconfig.yml")  # the SAM CLI's order of preference
DEFAULT_ENV = "default"
COMMAND = "deploy"

_KEY = r"[A-Za-z0-9\"']+"
_VALUE = r"\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|(?:\\.|[^ \"\\])+"
_LONG_FORM = re.compile(rf"ParameterKey=({_KEY}),ParameterValue=({_VALUE})")
_SHORT_FORM = re.compile(rf" ({_KEY})=({_VALUE})")


class SamConfigs:
    """The overrides of each template directory of one run (each samconfig is read once)."""

    def __init__(self, env: str | None, errors: list):
        self.env = env or DEFAULT_ENV
        self.errors = errors  # ParseError per samconfig file that cannot be read (LL001)
        self.cache: dict[str, dict] = {}

    def overrides(self, template_path: str) -> dict:
        directory = os.path.dirname(template_path) or "."
        key = real_path(directory)
        if key not in self.cache:
            self.cache[key] = self._read(directory)
        return self.cache[key]

    def _read(self, directory: str) -> dict:
        path = next((os.path.join(directory, n) for n in NAMES if os.path.isfile(os.path.join(directory, n))), None)
        if path is None:
            return {}
        shown = display_path(Path(path))
        try:
            document = _load(path, shown)
        except ParseError as error:
            self.errors.append(error)
            return {}
        env = document.get(self.env) if isinstance(document, dict) else None
        if not isinstance(env, dict):
            return {}
        merged = {}
        for command in ("global", COMMAND):
            section = env.get(command)
            params = section.get("parameters") if isinstance(section, dict) else None
            if isinstance(params, dict) and "parameter_overrides" in params:
                merged = parse_overrides(params["parameter_overrides"])  # deploy's replace global's
        return merged


def _load(path: str, shown: str):
    from .load.read import decode, read_bytes

    text = decode(read_bytes(path, shown), shown)
    if path.endswith(".toml"):
        from .config import _toml

        tomllib = _toml()
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise ParseError(shown, f"not valid TOML: {error}") from None
    import yaml

    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise ParseError(shown, f"not valid YAML: {getattr(error, 'problem', error)}",
                         (mark.line + 1) if mark else 1, (mark.column + 1) if mark else 1) from None


def parse_overrides(value) -> dict[str, str]:
    """``parameter_overrides`` as the SAM CLI reads it: name -> string value."""
    found: dict[str, str] = {}
    for item in _flat(value):
        if isinstance(item, dict):
            for key, raw in item.items():
                if isinstance(raw, list):
                    found[str(key)] = ",".join(str(x).strip() for x in raw if x not in (None, ""))
                else:
                    found[str(key)] = "" if raw is None else _text(raw)
        elif isinstance(item, str) and not item.startswith("file://"):
            text = " " + item.strip()
            pairs = _LONG_FORM.findall(text) or _SHORT_FORM.findall(text)
            found.update((_unquote(k), _unquote(v)) for k, v in pairs)
    return found


def _flat(value) -> list:
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in _flat(item)]
    return [value]


def _text(raw) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return str(raw)


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1]
    return text.replace("\\ ", " ").replace('\\"', '"').replace("\\'", "'")
