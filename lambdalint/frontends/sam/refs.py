"""References to what SAM generates, as the model's ``ResourceRef`` values."""
from __future__ import annotations

from ...values import ResourceRef


def ref(fe, logical_id: str, attr: str) -> ResourceRef:
    """``logical_id``'s attribute (``arn``, ``name``) in this template, declared or generated."""
    return ResourceRef(fe.r.node(logical_id), attr, fe.r.display(logical_id))


def ref_entity(entity, attr: str = "arn") -> ResourceRef:
    """An entity the frontend made itself (a queue SAM creates)."""
    return ResourceRef(entity.node, attr, entity.name)


__all__ = ["ref", "ref_entity"]
