"""The names a value has in its input: the native property path a finding names (``Timeout``,
``timeout``), and how a parameter's default or a variable reached the property."""
from __future__ import annotations

from .values import Absent, Either, Known, Value, describe


# Where a resource's properties start, and which path keys are not property names
_TF_BLOCKS = ("resource", "data")
_CONDITIONAL = "Fn::If"


def native_name(value: Value, fallback: str) -> str:
    """The property ``value`` sits in, spelled as the user wrote it: ``Timeout``,
    ``DeadLetterConfig.TargetArn`` (CloudFormation, SAM), ``timeout``,
    ``dead_letter_config.target_arn`` (Terraform HCL, JSON and plans).  ``fallback`` when the
    value has no property of its own: a default or an unset value (its source is the resource
    header), or a value written elsewhere (a parameter default, a Terraform variable or local).

    This is the one place that reads value paths for names, so rules never branch on formats."""
    if isinstance(value, Absent) and value.name:
        return value.name  # unset: the frontend said how the property is spelled there
    source = getattr(value, "source", None)
    if source is None:
        return fallback
    names = getattr(source, "property_names", None)  # a source resolved ahead (the streamed runner)
    if names is None:
        names = _property_names(source.doc, tuple(source.path))
    return ".".join(names) if names else fallback


def default_of(value: Value) -> str | None:
    """``!Ref SQSArn <- default 'my-sqs-arn'`` (``var.queue_arn <- default "..."`` in Terraform)
    when a known value is a parameter's or variable's default, else None: a default can be
    overridden at deploy time, so a finding about it says where it came from."""
    source = getattr(value, "source", None)
    if not isinstance(value, Known) or source is None:
        return None
    path, doc = tuple(source.path), source.doc
    shown = repr(value.value) if isinstance(value.value, str) else describe(value)
    if len(path) >= 3 and path[0] == "Parameters" and path[2] == "Default":
        return f"!Ref {path[1]} <- default {shown}"
    if len(path) >= 3 and path[0] == "variable" and path[2] == "default":  # Terraform JSON
        return f"var.{path[1]} <- default {shown}"
    blocks = getattr(getattr(doc, "data", None), "blocks", None)
    if blocks and path and isinstance(path[0], int) and 0 <= path[0] < len(blocks) and "default" in path[1:]:
        block = blocks[path[0]]
        if block.type == "variable" and block.labels:
            return f"var.{block.labels[0]} <- default {shown}"
    return None


def chain(whole: Value, leaf: Value, fallback: str) -> str | None:
    """``Destination <- !If <- !Ref SQSArn <- default 'my-sqs-arn'``: how a value that came from a
    parameter default reached the property (``whole`` is the property's value, ``leaf`` the
    branch looked at); None when ``leaf`` is no default."""
    origin = default_of(leaf)
    if origin is None:
        return None
    steps = [native_name(whole, fallback)]
    if isinstance(whole, Either):
        steps.append("!If" if getattr(getattr(whole.source, "doc", None), "format", "").startswith("cfn") else "conditional")
    return " <- ".join(steps + [origin])


def _property_names(doc, path: tuple) -> list[str]:
    fmt = getattr(doc, "format", "")
    if fmt == "tf-hcl":
        return _hcl_names(getattr(doc, "data", None), path)
    if fmt == "tf-json":
        return _tf_json_names(path)
    if fmt == "tf-plan":
        body = path[path.index("values") + 1:] if "values" in path else ()
        return [key for key in body if isinstance(key, str) and key != "__key__"]
    # CloudFormation / SAM: below a resource's (or a SAM event's) Properties, or SAM Globals
    if path[:1] == ("Globals",):
        body = path[2:]
    elif "Properties" in path:
        body = path[len(path) - path[::-1].index("Properties"):]
    else:
        return []
    names = []
    for key in body:
        if key == _CONDITIONAL or not isinstance(key, str) or key == "__key__":
            continue  # an Fn::If branch holds a property value: go on inside it
        if key == "Ref" or key.startswith("Fn::"):
            break  # the arguments of an intrinsic function are no property names
        names.append(key)
    return names


def _hcl_names(root, path: tuple) -> list[str]:
    """Block types (the label of a ``dynamic`` block), then the attribute and object keys."""
    blocks = getattr(root, "blocks", None)
    if not path or not isinstance(path[0], int) or blocks is None or not 0 <= path[0] < len(blocks):
        return []
    block = blocks[path[0]]
    if block.type not in _TF_BLOCKS:
        return []  # a variable default, a local, a module argument
    names = []
    for key in path[1:]:
        if block is not None and isinstance(key, int):
            if not 0 <= key < len(block.blocks):
                break
            parent, block = block, block.blocks[key]
            if block.type == "dynamic" and block.labels:
                names.append(block.labels[0])
            elif not (block.type == "content" and parent.type == "dynamic"):
                names.append(block.type)
        elif isinstance(key, str) and key != "__key__":
            block = None  # into the attribute's expression: object keys follow
            names.append(key)
    return names


def _tf_json_names(path: tuple) -> list[str]:
    if path[:1] not in (("resource",), ("data",)):
        return []
    keys = [key for key in path[1:] if isinstance(key, str) and key != "__key__"][2:]  # past type and name
    names, dynamic = [], False
    for key in keys:
        if key == "dynamic" and not dynamic:
            dynamic = True
            continue
        if dynamic and key == "content":
            dynamic = False
            continue
        names.append(key)
    return names
