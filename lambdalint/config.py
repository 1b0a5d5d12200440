"""Configuration: ``.lambdalint.yaml`` or ``[tool.lambdalint]`` in ``pyproject.toml``, plus flags.

The file is validated with a JSON Schema, so an unknown key or a wrong type is an error that
names the key (exit 2) instead of being silently ignored.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from .paths import glob_match
from .findings import SEVERITY_RANK
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
    origin: str | None = None  # the file it came from

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
            origin=origin,
        )

    def check_rule_options(self, rules: dict) -> None:
        """Unknown rule IDs and unknown or mistyped rule options are errors naming the key."""
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

    def ignored_for_file(self, rule_id: str, file: str) -> bool:
        for pattern, ids in self.per_file_ignores.items():
            if glob_match(file, pattern) and any(rule_id.startswith(i.upper()) for i in ids):
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


def find_config(start: Path) -> Path | None:
    """``.lambdalint.yaml`` in ``start`` or above, else a pyproject.toml with [tool.lambdalint]."""
    for folder in [start, *start.parents]:
        for name in (".lambdalint.yaml", ".lambdalint.yml"):
            if (folder / name).is_file():
                return folder / name
    for folder in [start, *start.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and "[tool.lambdalint]" in candidate.read_text(encoding="utf-8", errors="replace"):
            return candidate
    return None


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"cannot read config {path}: {error.strerror}") from None
    if path.name == "pyproject.toml":
        try:
            import tomllib
        except ModuleNotFoundError:  # Python 3.10
            import tomli as tomllib
        try:
            raw = tomllib.loads(text).get("tool", {}).get("lambdalint", {})
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{path}: {error}") from None
    else:
        import yaml

        try:
            raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
        except yaml.YAMLError as error:
            raise ConfigError(f"{path}: {error}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the config must be a mapping")
    return Config.from_mapping(raw, str(path))
