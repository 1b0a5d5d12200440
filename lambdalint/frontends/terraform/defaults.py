"""Which variable defaults an expression reads, syntactically (through locals).

A resource whose ``count`` / ``for_each`` is empty only because of a variable's default may well
exist: a module's caller, ``-var`` or a ``.tfvars`` file sets the variable, as a CloudFormation
parameter's default can be overridden (a ``Condition`` on a parameter default stays undecided).
The answer is read from the syntax alone (``var.x``, and the ``local.y`` expressions it goes
through), so asking evaluates nothing and changes no cached value.
"""
from __future__ import annotations

from ...load.hcl import Expr, Traversal

_MAX_NODES = 10_000  # syntax nodes looked at per question (locals may be large)


def defaults_read(module, expr) -> list[str]:
    """Names of the variables of ``module`` that ``expr`` reads (directly or through its locals)
    whose value is their default: declared with one, and given no value (no module argument,
    ``-var``, ``.tfvars``)."""
    found: dict[str, None] = {}
    seen_locals: set[str] = set()
    stack, budget = [expr], _MAX_NODES
    while stack and budget > 0:
        node = stack.pop()
        budget -= 1
        if isinstance(node, (list, tuple)):
            stack.extend(node)
            continue
        if not isinstance(node, Expr):
            continue
        if isinstance(node, Traversal) and isinstance(node.root, str) and node.steps and node.steps[0][0] == "attr":
            name = node.steps[0][1]
            if node.root == "var":
                decl = module.variables.get(name)
                if decl is not None and "default" in decl[0].attrs and module.inputs.get(name) is None:
                    found[name] = None
            elif node.root == "local" and name not in seen_locals:
                seen_locals.add(name)
                decl = module.locals.get(name)
                if decl is not None and name in decl[0].attrs:
                    stack.append(decl[0].attrs[name])
        for slot in _slots(type(node)):
            if slot != "node":
                stack.append(getattr(node, slot, None))
    return list(found)


def _slots(cls) -> tuple:
    names = []
    for klass in cls.__mro__:
        names.extend(getattr(klass, "__slots__", ()))
    return tuple(names)


__all__ = ["defaults_read"]
