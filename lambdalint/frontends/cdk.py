"""AWS CDK cloud assemblies (``cdk.out``): the app a ``manifest.json`` describes.

A directory whose ``manifest.json`` is a cloud assembly manifest is read as the app: every
``aws:cloudformation:stack`` artifact's template, in manifest order, nested assemblies (stages,
``cdk:cloud-assembly`` artifacts) depth first.  Nested stacks need nothing here: their
``AWS::CloudFormation::Stack`` resource names the local template in ``aws:asset:path`` metadata,
which ``nested.py`` reads.

A function's code asset is its local deployment package for LL108: the ``aws:asset:path`` of a
resource whose ``aws:asset:property`` is ``Code``, or, when asset metadata was not written, the
asset that ``<stack>.assets.json`` publishes under the function's literal ``Code.S3Key``.  CDK
keeps each file's mode when it zips an asset (aws/aws-cdk#3413), so the modes staged in
``cdk.out/asset.*`` are the ones Lambda gets.  Each such reference is an input (LL004): read
when the asset is there, else undecided.

Every entity keeps its resource's construct path (``aws:cdk:path``), which reports show.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from ..document import ParseError, Source
from ..load.limits import MAX_TEMPLATE_BYTES
from ..model.inputs import InputRef
from ..paths import display_path, project
from ..values import Known, Unknown, Value

MANIFEST = "manifest.json"
MAX_ASSEMBLY_DEPTH = 10  # stages inside stages


def _read_json(path: str):
    from pathlib import Path

    from ..load.read import read_bytes

    return json.loads(read_bytes(path, display_path(Path(path)), MAX_TEMPLATE_BYTES))


def is_assembly(directory: str) -> bool:
    """Whether ``directory`` holds a cloud assembly (a ``manifest.json`` with ``artifacts``)."""
    path = os.path.join(directory, MANIFEST)
    if not os.path.isfile(path):
        return False
    try:
        data = _read_json(path)
    except (ParseError, ValueError, OSError):
        return False
    return isinstance(data, dict) and isinstance(data.get("artifacts"), dict) and "version" in data


@dataclass
class Assembly:
    directory: str
    templates: list[str] = field(default_factory=list)  # stack templates, in the order to lint them
    assets: dict = field(default_factory=dict)  # (real dir, S3 object key) -> asset path in that dir
    errors: list[ParseError] = field(default_factory=list)


def read_assembly(directory: str, found: Assembly | None = None, depth: int = 0) -> Assembly:
    found = found if found is not None else Assembly(directory)
    path = os.path.join(directory, MANIFEST)
    shown = display_path_of(path)
    try:
        manifest = _read_json(path)
    except ParseError as error:
        found.errors.append(error)
        return found
    except ValueError as error:
        found.errors.append(ParseError(shown, f"not a cloud assembly manifest: {error}"))
        return found
    artifacts = manifest.get("artifacts") if isinstance(manifest, dict) else None
    for artifact in (artifacts.values() if isinstance(artifacts, dict) else ()):
        if not isinstance(artifact, dict) or not isinstance(artifact.get("properties"), dict):
            continue
        kind, props = artifact.get("type"), artifact["properties"]
        if kind == "aws:cloudformation:stack" and isinstance(props.get("templateFile"), str):
            template = project().resolve(props["templateFile"], directory)
            if template is None:  # never read outside the project
                found.errors.append(ParseError(shown, f"stack template {props['templateFile']} not read "
                                                      "(outside the project)"))
            else:
                found.templates.append(template)
        elif kind == "cdk:asset-manifest" and isinstance(props.get("file"), str):
            if project().resolve(props["file"], directory) is not None:
                _asset_manifest(os.path.join(directory, props["file"]), found)
        elif kind == "cdk:cloud-assembly" and isinstance(props.get("directoryName"), str):
            inner = os.path.normpath(os.path.join(directory, props["directoryName"]))
            if depth >= MAX_ASSEMBLY_DEPTH or project().resolve(props["directoryName"], directory) is None:
                found.errors.append(ParseError(shown, f"nested assembly {props['directoryName']} not read"
                                                      " (outside the project or nested too deeply)"))
            elif os.path.isfile(os.path.join(inner, MANIFEST)):
                read_assembly(inner, found, depth + 1)
    return found


def display_path_of(path: str) -> str:
    from pathlib import Path

    return display_path(Path(path))


def _asset_manifest(path: str, found: Assembly) -> None:
    """``<stack>.assets.json``: the S3 object key each file asset is published under."""
    try:
        data = _read_json(path)
    except (ParseError, ValueError):
        return  # only a fallback for templates without asset metadata
    files = data.get("files") if isinstance(data, dict) else None
    real = os.path.realpath(os.path.dirname(path))
    for entry in (files.values() if isinstance(files, dict) else ()):
        source = entry.get("source") if isinstance(entry, dict) else None
        destinations = entry.get("destinations") if isinstance(entry, dict) else None
        if not isinstance(source, dict) or not isinstance(source.get("path"), str) or not isinstance(destinations, dict):
            continue
        for destination in destinations.values():
            if isinstance(destination, dict) and isinstance(destination.get("objectKey"), str):
                found.assets[(real, destination["objectKey"])] = source["path"]


def construct_path(body) -> str | None:
    meta = body.get("Metadata") if isinstance(body, dict) else None
    value = meta.get("aws:cdk:path") if isinstance(meta, dict) else None
    return value if isinstance(value, str) else None


def code_asset(fe, logical_id: str, body: dict, code: Value) -> Value | None:
    """The local package of a function built from a CDK asset (a path relative to the template,
    as LL108 reads it), or None when the function names no asset."""
    meta = body.get("Metadata") if isinstance(body.get("Metadata"), dict) else {}
    written = meta.get("aws:asset:path")
    if isinstance(written, str) and meta.get("aws:asset:property") == "Code":
        source = Source(fe.doc, ("Resources", logical_id, "Metadata", "aws:asset:path"))
    else:
        written, source = _published_asset(fe, code), None
        if written is None:
            return None
        source = Source(fe.doc, ("Resources", logical_id, "Properties", "Code", "S3Key"))
    name = fe.r.display(logical_id)
    base = os.path.dirname(fe.doc.path) or "."
    inside = project().resolve(written, base)
    cause = "outside-project" if inside is None else "not-built"
    if inside is None:
        reason = (f"asset {written} is outside the project ({project().describe()}); lambdalint reads only "
                  "files under the paths it was given")
    elif not os.path.exists(inside):
        reason = f"asset {written} is not in {base} (run `cdk synth` again)"
    else:
        reason = ""
    fe.model.inputs.append(InputRef("CDK asset", name, written, source, not reason, reason, cause))
    return Known(written, source) if not reason else Unknown(f"CDK asset {written}: {reason}", source, cause=cause)


def _published_asset(fe, code: Value) -> str | None:
    """Without asset metadata: the asset ``*.assets.json`` publishes under ``Code.S3Key``."""
    stacks = getattr(fe.r.nested, "stacks", None)
    assets = getattr(stacks, "assets", None)
    if not assets or not isinstance(code, Known) or not isinstance(code.value, dict):
        return None
    key = code.value.get("S3Key")
    if not isinstance(key, Known) or not isinstance(key.value, str):
        return None
    return assets.get((os.path.realpath(os.path.dirname(fe.doc.path) or "."), key.value))
