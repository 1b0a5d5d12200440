"""Which inputs a run reads: discovery of templates, Terraform module directories and plans,
and loading one CloudFormation/SAM/plan file into a Document (or LL001, or None when the file
is not a template at all).

Only regular files are read.  A directory scan skips FIFOs, devices and sockets, and follows a
symlink only to a regular file or directory inside the project (``paths.project``); each real
directory and file is visited once, so symlink loops end.  A directory that cannot be listed is
LL001 "cannot read directory"; the rest of the scan goes on.
"""
from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .document import ParseError
from .load.limits import MAX_PLAN_BYTES, MAX_TEMPLATE_BYTES
from .load.read import PLAN_HEAD as _PLAN_HEAD
from .load.read import TooLarge, decode, read_bytes
from .paths import display_path, glob_match, project

SKIP_DIRS = {".git", "node_modules", ".terraform", ".aws-sam", "__pycache__", ".venv", ".tox"}
CFN_SUFFIXES = (".yaml", ".yml", ".json", ".template")
YAML_SUFFIXES = (".yaml", ".yml")
TF_SUFFIXES = (".tf", ".tf.json")
_LOOKS_LIKE_CFN = re.compile(r'^\s*"?(AWSTemplateFormatVersion|Resources|Transform)"?\s*:'
                             r'|[{,]\s*"?(AWSTemplateFormatVersion|Resources|Transform)"?\s*:', re.MULTILINE)  # also minified JSON, flow YAML


@dataclass
class Inputs:
    cfn_files: list = field(default_factory=list)  # (path, explicit)
    tf_dirs: list = field(default_factory=list)  # directories holding .tf / .tf.json
    plan_candidates: list = field(default_factory=list)
    # ("cfn", index into cfn_files) / ("tf", directory) / ("cdk", cloud assembly directory) in
    # the order found: the order the model gets them in (LL401 adds reservations up in this order)
    order: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # ParseError: directories that cannot be read


def discover(paths: list[str], exclude: list[str]) -> Inputs:
    found = Inputs()
    tf_dirs: dict[str, None] = {}
    seen_files: set = set()  # (device, inode): a file reached twice (symlink, repeated path) is read once
    seen_dirs: set = set()
    inside = project().contains

    def excluded(rel: str) -> bool:
        return any(glob_match(rel, pattern) for pattern in exclude)

    def consider(file: Path, explicit: bool, identity=None) -> None:
        name = file.name
        if not explicit and excluded(display_path(file)):
            return
        if identity is not None:
            if identity in seen_files:
                return
            seen_files.add(identity)
        if name.endswith(TF_SUFFIXES):
            if str(file.parent) not in tf_dirs:
                tf_dirs[str(file.parent)] = None
                found.order.append(("tf", str(file.parent)))
        elif name.endswith(CFN_SUFFIXES):
            found.order.append(("cfn", len(found.cfn_files)))
            found.cfn_files.append((file, explicit))

    def scan(top: Path) -> None:
        stack = [top]
        while stack:
            folder = stack.pop()
            try:
                info = os.stat(folder)
                if (info.st_dev, info.st_ino) in seen_dirs:
                    continue  # reached again through a symlink: a loop, or a second path
                seen_dirs.add((info.st_dev, info.st_ino))
                with os.scandir(folder) as listing:
                    entries = sorted(listing, key=lambda e: e.name)
            except OSError as error:
                found.errors.append(ParseError(display_path(folder), f"cannot read directory: {error.strerror or error}"))
                continue
            if any(e.name == "manifest.json" for e in entries) and _assembly(folder):
                found.order.append(("cdk", str(folder)))  # an AWS CDK cloud assembly: read as the app
                continue
            subdirs = []
            for entry in entries:
                name = entry.name
                try:
                    if entry.is_symlink():
                        target = os.stat(entry.path)  # a dangling or looping link raises: skipped
                        if not inside(entry.path):
                            continue  # never follow a link out of the project
                        mode, identity = target.st_mode, (target.st_dev, target.st_ino)
                    elif entry.is_dir(follow_symlinks=False):
                        mode, identity = stat.S_IFDIR, None
                    elif entry.is_file(follow_symlinks=False):
                        mode, identity = stat.S_IFREG, None
                    else:
                        continue  # a FIFO, device or socket: never opened
                except OSError:
                    continue
                if stat.S_ISDIR(mode):
                    if name in SKIP_DIRS or (name.startswith("asset.") and "cdk.out" in str(folder)):
                        continue
                    if not excluded(display_path(folder / name)):
                        subdirs.append(folder / name)
                elif stat.S_ISREG(mode) and name.endswith(CFN_SUFFIXES + TF_SUFFIXES):
                    if identity is None:
                        identity = _identity(entry)
                    consider(folder / name, False, identity)
            stack.extend(reversed(subdirs))  # depth first, in name order (files of a folder first)

    for raw in paths:
        path = Path(raw)
        try:
            info = os.stat(path)
        except OSError:
            info = None
        if info is not None and stat.S_ISDIR(info.st_mode):
            scan(path)
        elif info is not None and stat.S_ISREG(info.st_mode) and path.name == "manifest.json" and _assembly(path.parent):
            found.order.append(("cdk", str(path.parent)))  # cdk.out/manifest.json named: the whole app
        elif info is not None and stat.S_ISREG(info.st_mode):
            consider(path, True, (info.st_dev, info.st_ino))
        elif path.name.endswith(TF_SUFFIXES) and info is not None:
            found.errors.append(_not_readable(path, info))  # e.g. a FIFO named main.tf: never opened
        else:  # missing, unreadable, a FIFO or device: reported by the loader, never opened blocking
            found.order.append(("cfn", len(found.cfn_files)))
            found.cfn_files.append((path, True))
    found.tf_dirs = list(tf_dirs)
    return found


def _assembly(folder) -> bool:
    """A folder holding an AWS CDK cloud assembly (``cdk.out``): read through its manifest."""
    from .frontends.cdk import is_assembly

    return is_assembly(str(folder))


def _identity(entry) -> tuple | None:
    try:
        info = entry.stat(follow_symlinks=False)
        return info.st_dev, info.st_ino
    except OSError:
        return None


def _not_readable(path: Path, info) -> ParseError:
    from .load.read import kind_of

    return ParseError(display_path(path), f"not a regular file ({kind_of(info.st_mode)}): not read")


def looks_like_template(text: str) -> bool:
    return bool(_LOOKS_LIKE_CFN.search(text))


def load_cfn_file(path: Path, explicit: bool):
    """A Document, a ParseError, or None when the file is not a template (skipped silently)."""
    shown = display_path(path)
    try:
        raw = read_bytes(path, shown, MAX_TEMPLATE_BYTES)
    except TooLarge as error:
        head = error.head.decode("utf-8", "replace")
        if _PLAN_HEAD.match(head.lstrip("\ufeff")):  # a plan: the one input that is legitimately big
            try:
                raw = read_bytes(path, shown, MAX_PLAN_BYTES)
            except ParseError as again:
                return again
        else:
            return error if explicit or looks_like_template(head) else None
    except ParseError as error:
        return error
    try:
        text = decode(raw, shown)
    except ParseError as error:
        # a scan skips what is not a template, but a template that fails to decode is LL001
        return error if explicit or looks_like_template(raw[:65536].decode("utf-8", "replace")) else None
    del raw  # a plan's bytes (up to MAX_PLAN_BYTES) need not outlive its text while it is parsed
    return parse_cfn_text(text, shown, explicit, path.name.lower().endswith(YAML_SUFFIXES))


def parse_cfn_text(text: str, shown: str, explicit: bool, yaml_name: bool = False):
    """Parse decoded text as a template or plan (see :func:`load_cfn_file`).  A ``.yaml`` file
    always goes through the YAML parser first (a flow-style template is valid YAML)."""
    is_json = text.lstrip().startswith("{")
    # the content test is a regex over the whole text when nothing matches (0.3 s on an 8 MB
    # plan): asked only when its answer matters
    looks = None
    plan_like = is_json and '"format_version"' in text[:4096] + text[-512:]
    if not explicit and not plan_like:
        looks = looks_like_template(text)
        if not looks:
            return None
    try:
        doc = _parse(text, shown, yaml_name, is_json)
    except ParseError as error:  # a plan by its format_version, or a template by its keys: LL001
        return error if explicit or plan_like or (looks if looks is not None else looks_like_template(text)) else None
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


def _parse(text: str, shown: str, yaml_name: bool, is_json: bool):
    from .load.cfn_json import load_json
    from .load.cfn_yaml import load_yaml

    if not yaml_name:
        return load_json(text, shown) if is_json else load_yaml(text, shown)
    try:
        return load_yaml(text, shown)
    except ParseError as error:
        if not is_json:
            raise
        try:  # JSON that YAML 1.1 rejects (tab indentation, some escapes), as cfn-lint accepts it
            return load_json(text, shown)
        except ParseError:
            raise error from None
