"""Configuration: ``.lambdalint.yaml`` or ``[tool.lambdalint]`` in ``pyproject.toml``, plus flags.

The file is validated with a JSON Schema, so an unknown key or a wrong type is an error that
names the file and the key (exit 2) instead of being silently ignored.  ``pyproject.toml`` is
parsed as TOML (``tomllib``, or ``tomli`` on Python 3.10), so ``[tool.lambdalint.rules.LL201]``
and inline tables work.

``per-file-ignores`` patterns are resolved against the directory of the config file, as ruff
does: ``legacy/*.yaml`` matches ``<config dir>/legacy/x.yaml`` whatever the current directory.
``*`` and ``?`` never cross ``/``; ``**`` matches any number of directories.  A pattern without
``/`` (``*.json``) matches a file name in any directory.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .findings import SEVERITY_RANK
from .report import repository_path
from .rulekit import Rule

CONFIG_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "select": {"type": "array", "items": {"type": "string"}},
        "ignore": {"type": "array", "items": {"type": "string"}},
        "fail-on": {"enum": ["error", "warning", "info", "never"]},
        "exclude": {"type": "array", "items": {"type": "string"}},
        "parameters": {"type": "string"},
        "account": {
            "type": "object", "additionalProperties": False,
            "properties": {"concurrency": {"type": "integer", "minimum": 0},
                           "min-unreserved": {"type": "integer", "minimum": 0}},
        },
        "rules": {
            "type": "object",
            "propertyNames": {"pattern": "^LL[0-9]{3}$"},
            "additionalProperties": {"type": "object", "properties": {"severity": {"enum": ["error", "warning", "info"]}}},
        },
        "per-file-ignores": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
}


class ConfigError(Exception):
    """A usage or configuration error: exit code 2."""


@dataclass
class Config:
    select: list | None = None
    ignore: list = field(default_factory=list)
    fail_on: str = "warning"
    exclude: list = field(default_factory=list)
    account_concurrency: int = 1000
    min_unreserved: int = 100
    rules: dict = field(default_factory=dict)
    per_file_ignores: dict = field(default_factory=dict)
    parameters_file: str | None = None
    only_templates: bool = False  # --only-templates: named non-templates are skipped, not LL001
    sam_config_env: str | None = None  # --sam-config-env: the samconfig environment (else "default")
    origin: str | None = None  # the file it came from
    root: str | None = None  # the directory per-file-ignores patterns are relative to (its folder)

    @classmethod
    def from_mapping(cls, raw: dict, origin: str) -> "Config":
        import jsonschema

        validator = jsonschema.Draft202012Validator(CONFIG_SCHEMA)
        errors = sorted(validator.iter_errors(raw), key=lambda e: list(e.absolute_path))
        if errors:
            error = errors[0]
            where = ".".join(str(p) for p in error.absolute_path) or "(top level)"
            if error.validator == "additionalProperties" and isinstance(error.instance, dict):
                allowed = error.schema.get("properties", {})
                extra = sorted(str(k) for k in error.instance if k not in allowed)
                prefix = "" if where == "(top level)" else where + "."
                names = ", ".join(f"'{prefix}{k}'" for k in extra)
                known = ", ".join(allowed)
                raise ConfigError(f"{origin}: unknown key {names} (allowed here: {known})")
            raise ConfigError(f"{origin}: key '{where}': {error.message}")
        account = raw.get("account", {})
        return cls(
            select=raw.get("select"), ignore=list(raw.get("ignore", [])), fail_on=raw.get("fail-on", "warning"),
            exclude=list(raw.get("exclude", [])), account_concurrency=account.get("concurrency", 1000),
            min_unreserved=account.get("min-unreserved", 100), rules=dict(raw.get("rules", {})),
            per_file_ignores=dict(raw.get("per-file-ignores", {})), parameters_file=raw.get("parameters"),
            origin=origin, root=str(Path(origin).resolve().parent),
        )

    def check_rule_options(self, rules: dict) -> None:
        """Unknown rule IDs (in ``select``, ``ignore``, ``per-file-ignores``, ``rules``) and
        unknown or mistyped rule options are errors naming the file and the key."""
        from .engine import unknown_selectors

        where = f"{self.origin}: " if self.origin else ""
        for key, selectors in (("select", self.select), ("ignore", self.ignore)):
            bad = unknown_selectors(rules, selectors)
            if bad:
                raise ConfigError(f"{where}{key}: unknown rule {', '.join(bad)} (see `lambdalint rules`)")
        for pattern, selectors in self.per_file_ignores.items():
            bad = unknown_selectors(rules, selectors)
            if bad:
                raise ConfigError(f"{where}per-file-ignores.{pattern}: unknown rule {', '.join(bad)} "
                                  "(see `lambdalint rules`)")
        for rule_id, settings in self.rules.items():
            if rule_id not in rules:
                raise ConfigError(f"{self.origin}: rules.{rule_id}: no such rule")
            meta: Rule = rules[rule_id].meta
            for key, value in settings.items():
                if key == "severity":
                    continue
                option = meta.options.get(key)
                if option is None:
                    known = ", ".join(sorted(meta.options)) or "none"
                    raise ConfigError(f"{self.origin}: rules.{rule_id}.{key}: unknown option (options: {known})")
                if not _typed_ok(option.type, value):
                    raise ConfigError(f"{self.origin}: rules.{rule_id}.{key}: expected {option.type.__name__}, got {value!r}")

    def rule_options(self, meta: Rule) -> dict:
        options = {name: option.default for name, option in meta.options.items()}
        if "account-concurrency" in options:
            options["account-concurrency"] = self.account_concurrency
        if "min-unreserved" in options:
            options["min-unreserved"] = self.min_unreserved
        for key, value in self.rules.get(meta.id, {}).items():
            if key != "severity" and key in options:
                option_type = meta.options[key].type
                if option_type is datetime.date and isinstance(value, str):
                    value = datetime.date.fromisoformat(value)
                options[key] = option_type(value) if option_type in (int, float, bool) else value
        return options

    def rule_severity(self, meta: Rule) -> str:
        return self.rules.get(meta.id, {}).get("severity", meta.severity)

    def ignored_for_file(self, rule_id: str, file: str, name: str = "") -> bool:
        """Whether ``per-file-ignores`` drops rule ``rule_id`` (``name``) in ``file`` (a path as
        shown, relative to the current directory or absolute)."""
        if not self.per_file_ignores:
            return False
        from .suppressions import selector_matches

        relative = _relative_to(file, self.root)
        for pattern, ids in self.per_file_ignores.items():
            if any(selector_matches(i, rule_id, name) for i in ids) and _matches(pattern, relative, file):
                return True
        return False

    def fails(self, severity: str) -> bool:
        if self.fail_on == "never":
            return False
        return SEVERITY_RANK[severity] >= SEVERITY_RANK[self.fail_on]


def _typed_ok(expected: type, value) -> bool:
    if expected is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if expected is datetime.date:
        if isinstance(value, datetime.date):
            return True
        try:
            datetime.date.fromisoformat(str(value))
            return True
        except ValueError:
            return False
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


def _relative_to(file: str, root: str | None) -> str | None:
    """``file`` (relative to the current directory, or absolute) relative to ``root``, with
    ``/`` separators; None when it lies outside ``root``."""
    if root is None:
        path = file.replace("\\", "/")
        return path[2:] if path.startswith("./") else path
    return repository_path(file, root)


@lru_cache(maxsize=256)
def _glob(pattern: str) -> re.Pattern:
    """A gitignore-style glob as a regex: ``*``/``?`` stay within one path segment, ``**``
    spans directories (``**/`` also matches none), ``[abc]`` is a character class."""
    pattern = pattern.replace("\\", "/")
    while pattern.startswith("./"):
        pattern = pattern[2:]
    pattern = pattern.lstrip("/")  # "/legacy/*.yaml" is anchored like "legacy/*.yaml"
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[" and pattern.find("]", i + 2) != -1:
            end = pattern.find("]", i + 2)
            body = pattern[i + 1:end].replace("\\", "\\\\")
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
            i = end + 1
        else:
            out.append(re.escape(c))
            i += 1
    if pattern.endswith("/"):  # a directory: everything below it
        out.append(".*")
    return re.compile("".join(out), re.DOTALL)


def _matches(pattern: str, relative: str | None, shown: str) -> bool:
    """A pattern with a ``/`` is anchored at the config's directory; one without (``*.json``,
    ``legacy``) matches a file or folder name at any depth, as in ``.gitignore``."""
    if "/" in pattern.strip("/"):
        return relative is not None and bool(_glob(pattern).fullmatch(relative))
    path = relative if relative is not None else shown.replace("\\", "/")
    name = _glob(pattern.strip("/"))
    return any(name.fullmatch(part) for part in path.split("/"))


def _toml():
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: the tomli backport (a dependency there)
        import tomli as tomllib
    return tomllib


def _pyproject_section(path: Path) -> dict | None:
    """``[tool.lambdalint]`` of a pyproject.toml, None when it has none.  A file that is not
    valid TOML is an error only when it mentions lambdalint (someone meant to configure it)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read config {path}: {getattr(error, 'strerror', None) or error}") from None
    if "lambdalint" not in text:
        return None
    tomllib = _toml()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    tool = data.get("tool")
    section = tool.get("lambdalint") if isinstance(tool, dict) else None
    return section if section is not None else None


def find_config(start: Path) -> Path | None:
    """``.lambdalint.yaml`` in ``start`` or above, else a pyproject.toml with ``[tool.lambdalint]``
    (parsed as TOML: ``[tool.lambdalint.rules.LL201]`` or an inline table count too)."""
    for folder in [start, *start.parents]:
        for name in (".lambdalint.yaml", ".lambdalint.yml"):
            if (folder / name).is_file():
                return folder / name
    for folder in [start, *start.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and _pyproject_section(candidate) is not None:
            return candidate
    return None


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    if path.name == "pyproject.toml" or path.suffix == ".toml":
        if path.is_dir():
            raise ConfigError(f"cannot read config {path}: Is a directory")
        raw = _pyproject_section(path) or {}
    else:
        from .document import ParseError
        from .load.cfn_yaml import load_yaml
        from .load.read import read_text

        try:  # a regular file within the size budget (load/limits.py)
            text = read_text(path, str(path))
        except ParseError as error:
            raise ConfigError(f"cannot read config {path}: {error.reason}") from None
        try:  # the template loader: the same node and depth budgets (an alias bomb stops fast)
            raw = load_yaml(text, str(path)).data or {}
        except ParseError as error:
            raise ConfigError(f"{path}:{error.line}:{error.column}: invalid YAML: {error.reason}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the config must be a mapping")
    return Config.from_mapping(raw, str(path))
