"""Which CloudWatch Logs log group a function writes to, and whether the templates declare it.

A function logs to ``LoggingConfig.LogGroup`` when set, else to ``/aws/lambda/<function
name>`` (constraints.md §11 L2).  A generated function name is the placeholder
``${<node>.name}``, the same text a ``!Sub /aws/lambda/${Fn}`` (or an HCL interpolation of the
function's name) resolves to, so a declared log group is found by comparing names.
Format-neutral: only model entities are read.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from ..values import Known, Reason, ResourceRef, Unknown, cause_of, describe, handled, known_str
from .entities import Function, LogGroup

ARN_PREFIX = "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:"
_NODE_TOKEN = re.compile(r"\$\{[^}#]*#([^}]*)\}")
SAMPLE_STREAM = "2024/01/01/[$LATEST]0123456789abcdef0123456789abcdef"


@dataclass
class FunctionLogs:
    names: list = field(default_factory=list)  # log group names (may hold ${node.name})
    declared: list = field(default_factory=list)  # LogGroup entities that are this log group
    explicit: bool = False  # LoggingConfig.LogGroup is set
    unknown: list = field(default_factory=list)  # (reason, source) that kept a match undecided
    maybe: list = field(default_factory=list)  # LogGroup entities whose unknown name may be this one

    def display(self, fn: Function) -> str:
        if not self.names:
            return "its log group"
        name = self.names[0]
        token = "${" + fn.node + ".name}"
        what = "generated name" if fn.function_name.absent else "function name"
        name = name.replace(token, f"<{fn.name}'s {what}>")
        return _NODE_TOKEN.sub(r"${\1}", name)  # ${file#Res.attr} -> ${Res.attr}

    def arn_targets(self) -> list[str]:
        """ARNs a logs:* statement is compared with: the group (with and without ``:*``), a
        stream in it, and references to a declared log group resource."""
        out = []
        literal = [n for n in self.names if "${" not in n]
        names = list(literal or self.names)
        for group in self.declared + self.maybe:  # policies may name the group by reference: ${Group}
            names.append("${" + group.node + ".name}")
            out.append("${" + group.node + ".arn}")
            # an ARN attribute without the ":*" suffix (Terraform's) is written "${arn}:*"
            out.append("${" + group.node + ".arn}:*")
        for name in names:
            out += [ARN_PREFIX + name, ARN_PREFIX + name + ":*", ARN_PREFIX + name + ":log-stream:" + SAMPLE_STREAM]
        return out


def _same_unit(a, b) -> bool:
    """Same template, or same Terraform module directory: where a log group whose name is
    not known could still be this function's."""
    da, db = a.source.doc, b.source.doc
    if da is db:
        return True
    tf = da.format.startswith("tf") and db.format.startswith("tf")
    return tf and os.path.dirname(da.path) == os.path.dirname(db.path)


def function_logs(model, fn: Function) -> FunctionLogs:
    result = FunctionLogs()
    if not fn.log_group.absent:
        result.explicit = True
        for leaf in fn.log_group.leaves():
            if isinstance(leaf, Known) and isinstance(leaf.value, ResourceRef):
                target = model.entity(leaf)
                if isinstance(target, LogGroup):
                    result.declared.append(target)
                    name = known_str(handled(target.log_group_name))  # unknown: the group's own placeholder
                    result.names.append(name if name else "${" + target.node + ".name}")
                    continue
            text = known_str(leaf)
            if text:
                result.names.append(text)
            else:
                result.unknown.append((Reason(f"LoggingConfig.LogGroup <- {describe(leaf)}", cause_of(leaf)), leaf.source))
    else:
        candidates = ["/aws/lambda/${" + fn.node + ".name}"]  # the function's own name, known or not
        for leaf in handled(fn.function_name).leaves():
            text = known_str(leaf)
            if text:
                candidates.insert(0, "/aws/lambda/" + text)
        result.names = candidates
    by_name, unknown_named = _group_index(model)
    for name in result.names:
        for group in by_name.get(name, ()):
            if group not in result.declared:
                result.declared.append(group)
    for group, leaf in unknown_named:
        if group not in result.declared and _same_unit(group, fn):
            result.unknown.append((Reason(f"log group {group.name} name <- {leaf.reason}", leaf.cause), leaf.source))
            if group not in result.maybe:
                result.maybe.append(group)
    return result


def _group_index(model):
    """(literal log group name -> groups, [(group, Unknown name leaf)]), built once per model:
    matching every function against every log group would be quadratic on a large run."""
    cached = getattr(model, "_log_group_index", None)
    if cached is None:
        by_name, unknown_named = {}, []
        for group in model.of_type(LogGroup):
            for leaf in handled(group.log_group_name).leaves():  # unknown names: the second list
                text = known_str(leaf)
                if text is not None:
                    by_name.setdefault(text, []).append(group)
                elif isinstance(leaf, Unknown):
                    unknown_named.append((group, leaf))
        cached = model._log_group_index = (by_name, unknown_named)
    return cached
