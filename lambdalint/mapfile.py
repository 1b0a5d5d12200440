"""Mapping one loaded file into a model, shared by both runners (``runner.py``'s one model and
``stream.py``'s groups): a file that fails half-way leaves nothing of it in the model."""
from __future__ import annotations

import os

from .document import Document, ParseError
from .model import Model
from .parameters import parameters_for


def map_file(loaded: Document, model: Model, parameters: dict, samconfigs, stacks) -> None:
    """Map one root template or plan into ``model``; a file that fails half-way leaves nothing
    of it (LL001 for a structure its format forbids, an internal error for a lambdalint bug).
    ``samconfigs``: what `sam deploy` passes (None for templates the cdk CLI deploys)."""
    from .frontends import template

    before = mark(model)
    try:
        if loaded.format == "tf-plan":
            from .frontends.terraform.mapping import add_plan

            add_plan(loaded, model)
        else:
            values = parameters_for(parameters, loaded.path)
            if samconfigs is not None:  # what `sam deploy` passes; --parameters wins, name by name
                values = {**samconfigs.overrides(loaded.path), **values}
            template.map_template(loaded, model, values, stacks=stacks)
    except ParseError as error:  # a structure the format does not allow, found while mapping it
        rollback(model, before)
        model.parse_errors.append(error)
    except RecursionError:
        rollback(model, before)  # half a file's resources would mislead the rules
        model.parse_errors.append(ParseError(loaded.path, "template nested too deeply to analyse"))
    except Exception as error:  # a lambdalint bug on this file: say so, lint the others
        rollback(model, before)
        model.internal_errors.append(f"{loaded.path}: {type(error).__name__}: {error}")


def reported_once(error: ParseError, stacks) -> bool:
    """Whether a template that cannot be parsed is reported here: not when a parent already
    read it as a child (its LL001 came with the parent), and then never again."""
    real = os.path.realpath(error.file)
    if real in stacks.registered:
        return False
    stacks.registered.add(real)
    return True


def mark(model: Model) -> tuple:
    """What the model holds before one file is added (see :func:`rollback`)."""
    return (len(model.entities), len(model.exports), len(model.unresolved_refs),  # dicts keep insertion order
            len(getattr(model, "inputs", ())))


def rollback(model: Model, before: tuple) -> None:
    """Remove what a file that failed half-way added, so the rules never see half a file."""
    entities, exports, refs, inputs = before
    for node in list(model.entities)[entities:]:
        entity = model.entities.pop(node)
        model.by_class[type(entity)].remove(entity)
        model.graph.remove_node(node)  # no edges yet: build() draws them after every file is added
    for name in list(model.exports)[exports:]:
        del model.exports[name]
    del model.unresolved_refs[refs:]
    if hasattr(model, "inputs"):
        del model.inputs[inputs:]
