"""Which inputs a run reads: discovery of templates, Terraform module directories and plans,
and loading one CloudFormation/SAM/plan file into a Document (or LL001, or None when the file
is not a template at all)."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .document import ParseError
from .paths import display_path, glob_match

SKIP_DIRS = {".git", "node_modules", ".terraform", ".aws-sam", "__pycache__", ".venv", ".tox"}
CFN_SUFFIXES = (".yaml", ".yml", ".json", ".template")
_LOOKS_LIKE_CFN = re.compile(r'^\s*"?(AWSTemplateFormatVersion|Resources|Transform)"?\s*:'
                             r'|[{,]\s*"(AWSTemplateFormatVersion|Resources|Transform)"\s*:', re.MULTILINE)  # also minified JSON


@dataclass
class Inputs:
    cfn_files: list = field(default_factory=list)  # (path, explicit)
    tf_dirs: list = field(default_factory=list)  # directories holding .tf / .tf.json
    plan_candidates: list = field(default_factory=list)
    # ("cfn", index into cfn_files) / ("tf", directory) in the order found: the order the model
    # gets them in (LL401 adds reservations up in this order)
    order: list = field(default_factory=list)


def discover(paths: list[str], exclude: list[str]) -> Inputs:
    found = Inputs()
    tf_dirs: dict[str, None] = {}

    def excluded(rel: str) -> bool:
        return any(glob_match(rel, pattern) for pattern in exclude)

    def consider(file: Path, explicit: bool) -> None:
        name = file.name
        rel = display_path(file)
        if not explicit and excluded(rel):
            return
        if name.endswith(".tf") or name.endswith(".tf.json"):
            if str(file.parent) not in tf_dirs:
                tf_dirs[str(file.parent)] = None
                found.order.append(("tf", str(file.parent)))
        elif name.endswith(CFN_SUFFIXES):
            found.order.append(("cfn", len(found.cfn_files)))
            found.cfn_files.append((file, explicit))

    for raw in paths:
        path = Path(raw)
        if path.is_file():
            consider(path, True)
        elif path.is_dir():
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not (d.startswith("asset.") and "cdk.out" in folder)
                                 and not excluded(display_path(Path(folder) / d)))
                for name in sorted(files):
                    consider(Path(folder) / name, False)
        else:
            found.order.append(("cfn", len(found.cfn_files)))
            found.cfn_files.append((path, True))  # reported as unreadable
    found.tf_dirs = list(tf_dirs)
    return found


def load_cfn_file(path: Path, explicit: bool):
    """A Document, a ParseError, or None when the file is not a template (skipped silently)."""
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        return ParseError(shown, f"not UTF-8 text ({error.reason} at byte {error.start})") if explicit else None
    except OSError as error:
        return ParseError(shown, f"cannot read file: {error.strerror or error}")
    looks = bool(_LOOKS_LIKE_CFN.search(text))
    is_json = text.lstrip().startswith("{")
    if not looks and not explicit and not (is_json and '"format_version"' in text[:4096] + text[-512:]):
        return None
    try:
        if is_json:
            from .load.cfn_json import load_json

            doc = load_json(text, shown)
        else:
            from .load.cfn_yaml import load_yaml

            doc = load_yaml(text, shown)
    except ParseError as error:
        return error if (looks or explicit) else None
    data = doc.data
    if isinstance(data, dict) and "format_version" in data and "planned_values" in data:
        from .load.tfplan import load_plan

        try:
            return load_plan(text, shown, data)  # already decoded above: plans can be megabytes
        except ParseError as error:
            return error
    if isinstance(data, dict) and isinstance(data.get("Resources"), dict):
        return doc
    if explicit:
        return ParseError(shown, "not a CloudFormation/SAM template or Terraform plan (no Resources section)")
    return None
