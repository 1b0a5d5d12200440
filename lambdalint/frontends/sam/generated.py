"""CloudFormation resources SAM generates, modelled by the CloudFormation builders themselves:
the SAM frontend writes the properties SAM would write (raw template values, intrinsic functions
included) and hands them to ``cloudformation.BUILDERS``, so the SAM form and its transform get
the same entities."""
from __future__ import annotations

from ...document import Source
from ..cloudformation import BUILDERS


def build(fe, rtype: str, logical_id: str, cfn: dict, path: tuple, at: Source, native_type: str) -> list:
    """Entities of one generated resource, located at ``at`` (what the user wrote that makes SAM
    generate it); ``path`` is where its values count as written.  The references in it come from
    the user's values (LL003 reports those where they are written) or are SAM's own, so what
    resolving them records is dropped."""
    recorded = len(fe.r.unresolved)
    entities = BUILDERS[rtype](fe, logical_id, cfn, path)
    del fe.r.unresolved[recorded:]
    for entity in entities:
        entity.source = at
        entity.native_type = native_type
        if hasattr(entity, "generated_by"):
            entity.generated_by = "SAM"
    return entities


def add(fe, entities: list, condition: str | None) -> None:
    """Into the model, as template.py adds what the builders return (nested-stack name prefix,
    the Condition of the SAM resource that generates them)."""
    for entity in entities:
        entity.name = fe.r.name_prefix + entity.name
        entity.condition = entity.condition or condition
        fe.model.add(entity)


__all__ = ["add", "build"]
