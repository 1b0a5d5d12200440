"""One CloudFormation/SAM template onto the model: walk its resources, dispatch each to its
builder (``cloudformation.py`` for plain types, ``sam.py`` for the SAM transform), then record
exports and unresolved references.

This module sits above both builder modules, so they never import each other's caller.
"""
from __future__ import annotations

from ..document import Document, Source
from ..model import entities as m
from ..values import known_str
from . import sam
from .cdk import construct_path
from .cfn_base import KIND_OF_TYPE, CfnFrontend, kind_from_type
from .cfn_intrinsics import STACK_TYPES
from .cloudformation import BUILDERS
from .nested import attach


def map_template(doc: Document, model, parameters: dict | None = None, *, stacks=None, parent=None) -> CfnFrontend:
    """Add the entities of one template to ``model``; returns the frontend (its resolver).

    With ``stacks`` (a ``nested.Stacks``), nested stacks and SAM applications with a local
    template are read as part of this one; ``parent`` is set when this template is itself such
    a child (``nested.Parent``)."""
    fe = CfnFrontend(doc, model, parameters)
    if stacks is not None:
        attach(fe, stacks, parent, map_template)
    inherited = getattr(fe, "inherited_condition", None)
    resources = fe.r.resources
    is_sam = sam.is_sam(doc.data)
    if is_sam:
        sam.declare_generated(fe)
    for logical_id, body in resources.items():
        if not isinstance(body, dict) or not isinstance(body.get("Type"), str):
            continue
        rtype = body["Type"]
        if fe.r.condition(body.get("Condition")) is False:
            continue  # never created: its Condition is false whatever is deployed (cfn_conditions)
        props = body.get("Properties")
        props = props if isinstance(props, dict) else {}
        path = ("Resources", logical_id, "Properties")
        builder = BUILDERS.get(rtype)
        if rtype in STACK_TYPES and fe.r.nested is not None:
            fe.r.nested.instantiate(logical_id)  # the child's resources join the model
        if rtype == "AWS::Serverless::Function":
            entities = sam.function(fe, logical_id, body, props, path)
        elif builder is not None:
            entities = builder(fe, logical_id, props, path)
        else:
            entities = [m.Resource(fe.r.node(logical_id), logical_id, KIND_OF_TYPE.get(rtype, kind_from_type(rtype)),
                                   fe.header(logical_id))]
        condition = body.get("Condition") if isinstance(body.get("Condition"), str) else inherited
        construct = construct_path(body)
        for entity in entities or ():
            entity.native_type = entity.native_type or rtype
            entity.name = fe.r.name_prefix + entity.name
            entity.construct_path = entity.construct_path or construct
            if condition and entity.condition is None:
                entity.condition = condition
            model.add(entity)
        _depends_on(fe, logical_id, body)
    if is_sam:
        sam.add_generated(fe)
    _exports(fe)
    _scan_references(fe)
    return fe


def _scan_references(fe: CfnFrontend) -> None:
    """LL003: references anywhere in the template (not only the values builders read), each
    reported once.  Skipped under a transform other than SAM (a macro or
    ``AWS::LanguageExtensions`` may create the names referenced)."""
    data = fe.doc.data if isinstance(fe.doc.data, dict) else {}
    transform = data.get("Transform")
    if any(name != sam.SAM_TRANSFORM for name in (transform if isinstance(transform, list) else [transform] if transform else [])):
        return
    for lid, body in fe.r.resources.items():
        if isinstance(body, dict):
            fe.r.scan_references(body.get("Properties"), ("Resources", lid, "Properties"))
            fe.r.scan_references(body.get("Connectors"), ("Resources", lid, "Connectors"))  # SAM embedded
    for section in ("Outputs", "Conditions", "Globals"):
        fe.r.scan_references(data.get(section), (section,))
    seen = set()
    for source, text in fe.r.unresolved:
        if (source.path, text) not in seen:
            seen.add((source.path, text))
            fe.model.unresolved_refs.append((source, text))


def _depends_on(fe: CfnFrontend, logical_id, body) -> None:
    depends = body.get("DependsOn")
    names = [depends] if isinstance(depends, str) else depends if isinstance(depends, list) else []
    for index, name in enumerate(names):
        if isinstance(name, str) and fe.r.resource_type(name) is None and not fe.r.generated(name):
            path = ("Resources", logical_id, "DependsOn") + ((index,) if isinstance(depends, list) else ())
            fe.r.unresolved.append((Source(fe.doc, path), f"DependsOn '{name}', which is not a resource"))


def _exports(fe: CfnFrontend) -> None:
    outputs = fe.doc.data.get("Outputs") if isinstance(fe.doc.data, dict) else None
    if not isinstance(outputs, dict):
        return
    for name, body in outputs.items():
        if not isinstance(body, dict) or not isinstance(body.get("Export"), dict):
            continue
        export_name = fe.r.resolve(body["Export"].get("Name"), ("Outputs", name, "Export", "Name"))
        text = known_str(export_name)
        if text and "${" not in text:
            fe.model.exports[text] = fe.r.get(body, "Value", ("Outputs", name), Source(fe.doc, ("Outputs", name)))
