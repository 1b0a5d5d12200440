"""IAM policy evaluation, exact enough for the questions rules ask.

``allows(role, action, targets)`` answers True (an Allow matches and no Deny does), False (nothing
allows it and everything about the role is known) or None (undecided: a managed policy we have no
data for, a parameter in a statement, a resource pattern that cannot be compared).  Wildcards,
``NotAction``/``NotResource`` and explicit ``Deny`` are honoured.  An ``Allow`` with a
``Condition`` decides nothing by itself (the condition is evaluated when the request is made): when
no unconditional statement allows the action, the answer is undecided naming the condition's keys
(``aws:ViaAWSService``).  A ``Deny`` with a condition is assumed not to apply, which keeps the
answer on the side of no finding.

A statement inside one branch of an ``Fn::If`` (or of a Terraform conditional) applies only when
the template's condition picks that branch (``Statement.branch``).  Such a ``Deny`` or ``Allow``
decides only when the answer is the same either way: an ``Allow`` present in every branch of the
same condition allows; otherwise the answer is undecided, naming the condition.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..partial_strings import arn_fields, has_unknown_part
from ..values import Either, Known, Reason, ResourceRef, Unknown, Value, cause_of, describe, reason_cause
from .entities import Role, Statement

PSEUDO = re.compile(r"\$\{AWS::(Region|AccountId|Partition|URLSuffix|StackName|StackId)\}")


@dataclass(frozen=True)
class Decision:
    allowed: bool | None
    statement: Statement | None = None
    reason: str = ""

    @property
    def cause(self) -> str | None:
        """Why an undecided answer is undecided (values.CAUSES), when the reason says."""
        return reason_cause(self.reason) if self.allowed is None else None


def _flatten_patterns(value: Value, unknown: list) -> list[str]:
    """A Statement's Action/Resource value as a list of string patterns."""
    out: list[str] = []
    for leaf in value.leaves():
        if isinstance(leaf, Known):
            raw = leaf.value
            if isinstance(raw, list):
                for item in raw:
                    out.extend(_flatten_patterns(item, unknown))
            elif isinstance(raw, ResourceRef):
                out.append(raw.token())
            elif isinstance(raw, (str, int)):
                out.append(str(raw))
            else:
                unknown.append(Reason(f"unsupported value {describe(leaf)}", "unsupported"))
        elif isinstance(leaf, Unknown):
            unknown.append(Reason(leaf.reason, leaf.cause))
    return out


def branches(value: Value, branch: tuple = ()):
    """(leaf, branch) for each leaf of ``value``: the branch is the path of ``Either`` choices
    that leads to it, ``((condition, index, number of options), ...)``."""
    if isinstance(value, Either):
        for index, option in enumerate(value.options):
            yield from branches(option, branch + ((value.condition, index, len(value.options)),))
    else:
        yield value, branch


def statements_from_document(document: Value, origin: str, branch: tuple = ()) -> tuple[list[Statement], list[str]]:
    """Statements of a policy document Value tree; second item lists what could not be read.
    ``branch``: the conditional branch the whole document sits in (see :func:`branches`)."""
    problems: list[str] = []
    if isinstance(document, Either):
        stmts: list[Statement] = []
        for option, path in branches(document, branch):
            more, why = statements_from_document(option, origin, path)
            stmts += more
            problems += why
        return stmts, problems
    if not isinstance(document, Known) or not isinstance(document.value, dict):
        if isinstance(document, Unknown):
            problems.append(Reason(f"{origin}: {document.reason}", document.cause))
        elif isinstance(document, Known) and document.value is not None:
            # e.g. a reference to a policy known only after apply: unreadable, not empty
            problems.append(f"{origin}: document {describe(document)} cannot be read")
        return [], problems
    raw_statements = document.value.get("Statement")
    if raw_statements is None:
        return [], problems
    if isinstance(raw_statements, Either) or isinstance(raw_statements, Known) and isinstance(raw_statements.value, dict):
        entries = [raw_statements]
    elif isinstance(raw_statements, Known) and isinstance(raw_statements.value, list):
        entries = raw_statements.value
    else:
        problems.append(Reason(f"{origin}: {describe(raw_statements)}", cause_of(raw_statements)))
        return [], problems
    result = []
    for entry in entries:
        for leaf, path in branches(entry, branch):
            if leaf.absent and path:
                continue  # AWS::NoValue in one branch: no statement there
            if not isinstance(leaf, Known) or not isinstance(leaf.value, dict):
                problems.append(Reason(f"{origin}: statement {describe(leaf)}", cause_of(leaf)))
                continue
            body = leaf.value
            unknown: list[str] = []

            def patterns(key):
                value = body.get(key)
                return None if value is None else _flatten_patterns(value, unknown)

            effect_value = body.get("Effect")
            effect = effect_value.value if isinstance(effect_value, Known) else "Allow"
            stmt = Statement(
                effect=str(effect),
                actions=patterns("Action"),
                not_actions=patterns("NotAction"),
                resources=patterns("Resource"),
                not_resources=patterns("NotResource"),
                source=leaf.source,
                origin=origin,
                has_condition="Condition" in body,
                condition_keys=condition_keys(body.get("Condition")),
                branch=path,
            )
            if not isinstance(effect_value, Known) and effect_value is not None:
                unknown.append(Reason(describe(effect_value), cause_of(effect_value)))
            if stmt.resources is None and stmt.not_resources is None:
                stmt.resources = ["*"]  # identity policies without Resource are invalid; be lenient
            if unknown:
                stmt.unknown = Reason("; ".join(unknown), reason_cause(unknown[0]))
            result.append(stmt)
    return result, problems


def condition_keys(condition) -> tuple:
    """The keys a statement's ``Condition`` tests (``aws:SourceArn``, ``aws:ViaAWSService``), from a
    Value tree or a plain mapping; a condition known only at deploy time gives its reason."""
    if condition is None:
        return ()
    if isinstance(condition, Value) and not isinstance(condition, Known):
        return (describe(condition),)
    raw = condition.value if isinstance(condition, Known) else condition
    keys: list[str] = []
    if isinstance(raw, dict):
        for tests in raw.values():
            tests = tests.value if isinstance(tests, Known) else tests
            if isinstance(tests, dict):
                keys.extend(str(key) for key in tests)
            elif isinstance(tests, Value):
                keys.append(describe(tests))
    return tuple(dict.fromkeys(keys))


@lru_cache(maxsize=4096)
def _glob(pattern: str, case_insensitive: bool) -> re.Pattern:
    parts = []
    for ch in pattern:
        parts.append(".*" if ch == "*" else "." if ch == "?" else re.escape(ch))
    return re.compile("".join(parts) + r"\Z", re.IGNORECASE if case_insensitive else 0)


def action_matches(pattern: str, action: str) -> bool:
    return bool(_glob(pattern, True).match(action))


def resource_matches(pattern: str, target: str, others: frozenset = frozenset()) -> bool | None:
    """Does an IAM resource pattern match a target ARN?  Both may hold placeholders (see
    ``partial_strings.PLACEHOLDER``): ``${A.arn}``/``${A.name}`` stand for entity A alone, so they never
    equal B's; a pseudo parameter is the deployment's own; ``${?...}`` may be any text, so only a
    literal part that already differs (or a wildcard that covers it) decides.  ``others`` holds
    the literal resource parts (``orders``, ``function:worker``) that name other entities of the
    model: a pattern naming one of them is not about an entity whose name is a placeholder."""
    if pattern == "*":
        return True
    unknown = has_unknown_part(pattern) or has_unknown_part(target)
    if pattern == target:
        return None if unknown else True
    if pattern.startswith("${") and pattern.endswith("}") and pattern.count("${") == 1 and not unknown:
        # a bare reference to another resource, e.g. ${Other.arn}: different resource
        return target == pattern
    p_parts, t_parts = _pattern_fields(pattern), arn_fields(target)
    if p_parts is None or t_parts is None:
        if "${" in target and "*" not in pattern or unknown:
            return None
        return bool(_glob(pattern, False).match(target))
    undecided = False
    for index, (p, t) in enumerate(zip(p_parts, t_parts)):
        if index in (1, 3, 4):  # partition, region, account: the deployment's own
            if has_unknown_part(p) or has_unknown_part(t):
                undecided = undecided or p not in ("", "*")
                continue
            if PSEUDO.search(p) or PSEUDO.search(t) or p in ("", "*") or "${" in t:
                continue
        if index == 5 and "${" in t + p and p != t:
            # a name generated at deploy time, or not known: only a wildcard-only pattern or the
            # same placeholder matches for sure
            if p.strip("*") == "":
                continue
            if p in others and "${" not in p and _entities(t):
                return False  # another entity's literal name: not this one's
            if "*" in p and not has_unknown_part(p) and _glob(PSEUDO.sub("*", p), False).match(t):
                continue  # a wildcard covers the generated part (log-group:/aws/lambda/*)
            if not has_unknown_part(p) and not _could_match(PSEUDO.sub("*", p), t):
                return False  # the text before the generated part already differs (table/x vs table/x/stream/...)
            mine, theirs = _entities(t), _entities(p)
            if mine and theirs and not mine & theirs:
                return False  # placeholders of different entities: different resources
            return None
        if "${" in t + p and has_unknown_part(t + p):
            undecided = True
            continue
        if not _glob(PSEUDO.sub("*", p), index != 5).match(t):
            return False
    return None if undecided else True


def _pattern_fields(pattern: str) -> list[str] | None:
    """The six ARN fields of a resource pattern.  IAM lets a ``*`` that ends a segment "expand to
    match beyond the colon boundaries" (IAM User Guide, *IAM JSON policy elements: Resource*), so
    a pattern with fewer segments that ends in ``*`` (``arn:aws:logs:*``,
    ``arn:aws:logs:us-east-1:*``) covers every later segment: its missing fields are ``*``.  The
    service segment takes no wildcard, so a pattern must name it."""
    fields = arn_fields(pattern)
    if fields is not None or not pattern.endswith("*") or "${" in pattern:
        return fields
    parts = pattern.split(":")
    if parts[0] != "arn" or len(parts) < 4 or "*" in parts[2] or "?" in parts[2]:
        return None
    return parts + ["*"] * (6 - len(parts))


_ENTITY_TOKEN = re.compile(r"\$\{([^}?:]+)\.[A-Za-z0-9_.\[\]]+\}")


def _entities(text: str) -> set:
    """The entities whose placeholders (``${<node>.<attr>}``) a pattern or target holds."""
    return {node for node in _ENTITY_TOKEN.findall(text) if "#" in node}


def _could_match(pattern: str, target: str) -> bool:
    """Whether a pattern can match some value of a target whose tail is generated
    (``table/x/stream/${label}``): compare the literal text before the first placeholder."""
    prefix = target.split("${", 1)[0]
    literal = re.split(r"[*?]", pattern, maxsplit=1)[0]
    if literal == pattern:  # no wildcard: the pattern spells the whole name
        return pattern.startswith(prefix)
    return literal.startswith(prefix) or prefix.startswith(literal)


def _statement_covers(stmt: Statement, action: str, targets: list[str], others: frozenset = frozenset()) -> bool | None:
    if stmt.actions is not None:
        if not any(action_matches(p, action) for p in stmt.actions):
            return False
    elif stmt.not_actions is not None and any(action_matches(p, action) for p in stmt.not_actions):
        return False
    results = []
    for target in targets:
        if stmt.resources is not None:
            matches = [resource_matches(p, target, others) for p in stmt.resources]
            if any(m is True for m in matches):
                return True
            results.append(None if any(m is None for m in matches) else False)
        else:
            matches = [resource_matches(p, target, others) for p in stmt.not_resources or []]
            if not any(matches):
                return True if all(m is False for m in matches) else None
            results.append(False)
    if stmt.unknown:
        return None  # the action matches and part of the resource could not be resolved
    return None if any(r is None for r in results) else False


def _when(branch: tuple) -> str:
    """Which branch a statement sits in, as the user wrote it: ``when condition IsProd is true``."""
    parts = []
    for condition, index, count in branch:
        if count == 2 and re.fullmatch(r"[A-Za-z0-9]+", str(condition)):
            parts.append(f"condition {condition} is {'true' if index == 0 else 'false'}")
        else:
            parts.append(f"branch {index + 1} of {condition} is taken")
    return "when " + " and ".join(parts)


def _every_branch(stmts: list[Statement]) -> bool:
    """Whether the branched statements cover every branch of one condition (the same answer
    whichever branch the template takes)."""
    seen: dict = {}
    for stmt in stmts:
        if len(stmt.branch) == 1:
            condition, index, count = stmt.branch[0]
            seen.setdefault((condition, count), set()).add(index)
    return any(len(indexes) == count for (_condition, count), indexes in seen.items())


def allows(role: Role, action: str, targets: list[str] | None = None, others: frozenset = frozenset()) -> Decision:
    """Whether ``role`` allows ``action`` on any of ``targets`` (ARN strings; default ``*``);
    ``others``: see :func:`resource_matches`."""
    targets = targets or ["*"]
    undecided = list(role.unresolved)
    conditional: list[Statement] = []
    branch_denies: list[Statement] = []
    for stmt in role.statements:
        if stmt.effect == "Deny" and not stmt.has_condition:
            if _statement_covers(stmt, action, targets, others) is True and stmt.unknown is None:
                if stmt.branch:
                    branch_denies.append(stmt)
                    continue
                return Decision(False, stmt, f"denied by {stmt.origin}")
    branch_allows: list[Statement] = []
    allowed = None
    for stmt in role.statements:
        if stmt.effect != "Allow":
            continue
        covered = _statement_covers(stmt, action, targets, others)
        if covered is True and stmt.unknown is None:
            if stmt.has_condition:  # allowed only when the condition holds at request time
                conditional.append(stmt)
                continue
            if stmt.branch:
                branch_allows.append(stmt)
                continue
            allowed = stmt
            break
        if covered is None or (covered is True and stmt.unknown):
            undecided.append(stmt.unknown or Reason(f"{stmt.origin}: resource pattern cannot be compared", "after-apply"))
    if allowed is None and branch_allows and _every_branch(branch_allows):
        allowed = branch_allows[0]
    if allowed is not None:
        if branch_denies:
            deny = branch_denies[0]
            return Decision(None, deny, Reason(f"{deny.origin} denies it only {_when(deny.branch)}", "condition"))
        return Decision(True, allowed, f"allowed by {allowed.origin}")
    if conditional:
        stmt = conditional[0]
        keys = ", ".join(stmt.condition_keys) or "its condition"
        return Decision(None, stmt, Reason(f"{stmt.origin} allows it only if its condition on {keys} holds "
                                           f"(evaluated when the request is made)", "condition"))
    if branch_allows:
        stmt = branch_allows[0]
        return Decision(None, stmt, Reason(f"{stmt.origin} allows it only {_when(stmt.branch)}", "condition"))
    if undecided:
        return Decision(None, None, undecided[0])
    return Decision(False, None, "no statement allows it")


def allows_all(role: Role, actions: list[str], targets: list[str] | None = None):
    """(missing actions, undecided reason or None)."""
    missing, reason = [], None
    for action in actions:
        decision = allows(role, action, targets)
        if decision.allowed is False:
            missing.append(action)
        elif decision.allowed is None and reason is None:
            reason = decision.reason
    return missing, reason
