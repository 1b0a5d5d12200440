"""Values users supply for CloudFormation parameters and Terraform variables (``--parameters``)."""
from __future__ import annotations

from pathlib import Path

from .paths import glob_match


def load_parameters(path: str | None) -> dict:
    if not path:
        return {}
    import json

    import yaml

    text = Path(path).read_text(encoding="utf-8")
    raw = json.loads(text) if text.lstrip().startswith("{") else yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return raw if isinstance(raw, dict) else {}


def parameters_for(parameters: dict, file: str) -> dict:
    merged = dict(parameters.get("*", {}) or {})
    for pattern, values in parameters.items():
        if pattern != "*" and isinstance(values, dict) and glob_match(file, pattern):
            merged.update(values)
    return merged
