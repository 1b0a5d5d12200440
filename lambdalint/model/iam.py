"""IAM policy evaluation, exact enough for the questions rules ask.

``allows(role, action, targets)`` answers True (an Allow matches and no Deny does), False (nothing
allows it and everything about the role is known) or None (undecided: a managed policy we have no
data for, a parameter in a statement, a resource pattern that cannot be compared).  Wildcards,
``NotAction``/``NotResource`` and explicit ``Deny`` are honoured; conditions are assumed to hold
for an Allow and not to hold for a Deny, which keeps the answer on the side of no finding.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

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


def statements_from_document(document: Value, origin: str) -> tuple[list[Statement], list[str]]:
    """Statements of a policy document Value tree; second item lists what could not be read."""
    problems: list[str] = []
    if isinstance(document, Either):
        stmts: list[Statement] = []
        for option in document.options:
            more, why = statements_from_document(option, origin)
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
    if isinstance(raw_statements, Known) and isinstance(raw_statements.value, dict):
        entries = [raw_statements]
    elif isinstance(raw_statements, Known) and isinstance(raw_statements.value, list):
        entries = raw_statements.value
    else:
        problems.append(Reason(f"{origin}: {describe(raw_statements)}", cause_of(raw_statements)))
        return [], problems
    result = []
    for entry in entries:
        for leaf in entry.leaves():
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
            )
            if not isinstance(effect_value, Known) and effect_value is not None:
                unknown.append(Reason(describe(effect_value), cause_of(effect_value)))
            if stmt.resources is None and stmt.not_resources is None:
                stmt.resources = ["*"]  # identity policies without Resource are invalid; be lenient
            if unknown:
                stmt.unknown = Reason("; ".join(unknown), reason_cause(unknown[0]))
            result.append(stmt)
    return result, problems


@lru_cache(maxsize=4096)
def _glob(pattern: str, case_insensitive: bool) -> re.Pattern:
    parts = []
    for ch in pattern:
        parts.append(".*" if ch == "*" else "." if ch == "?" else re.escape(ch))
    return re.compile("".join(parts) + r"\Z", re.IGNORECASE if case_insensitive else 0)


def action_matches(pattern: str, action: str) -> bool:
    return bool(_glob(pattern, True).match(action))


_PLACEHOLDER = re.compile(r"\$\{[^}]*\}")


def _arn_parts(value: str):
    # placeholders such as ${AWS::Partition} contain colons: hide them while splitting
    hidden: list[str] = []

    def hide(match):
        hidden.append(match.group(0))
        return f"\x00{len(hidden) - 1}\x00"

    parts = _PLACEHOLDER.sub(hide, value).split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    return [re.sub("\x00(\\d+)\x00", lambda m: hidden[int(m.group(1))], part) for part in parts]


def resource_matches(pattern: str, target: str) -> bool | None:
    """Does an IAM resource pattern match a target ARN (which may contain placeholders)?"""
    if pattern == "*" or pattern == target:
        return True
    if "${" in pattern and pattern.startswith("${") and pattern.endswith("}") and pattern.count("${") == 1:
        # a bare reference to another resource, e.g. ${Other.arn}: different resource
        return target == pattern
    p_parts, t_parts = _arn_parts(pattern), _arn_parts(target)
    if p_parts is None or t_parts is None:
        if "${" in target and "*" not in pattern:
            return None
        return bool(_glob(pattern, False).match(target))
    for index, (p, t) in enumerate(zip(p_parts, t_parts)):
        if index in (1, 3, 4):  # partition, region, account: unknown before deployment
            if PSEUDO.search(p) or PSEUDO.search(t) or p in ("", "*") or "${" in t:
                continue
        if index == 5 and "${" in t:
            # the target's name is generated at deploy time: only a wildcard-only pattern or the
            # same placeholder matches for sure; anything else is undecidable
            if p == t or p.strip("*") == "":
                continue
            if "*" in p and _glob(PSEUDO.sub("*", p), False).match(t):
                continue  # a wildcard covers the generated part (log-group:/aws/lambda/*)
            if "${" not in p and not _could_match(PSEUDO.sub("*", p), t):
                return False  # the text before the generated part already differs (table/x vs table/x/stream/...)
            if "${" in p:
                return False if p.startswith("${") and p != t else None
            return None
        if not _glob(PSEUDO.sub("*", p), index != 5).match(t):
            return False
    return True


def _could_match(pattern: str, target: str) -> bool:
    """Whether a pattern can match some value of a target whose tail is generated
    (``table/x/stream/${label}``): compare the literal text before the first placeholder."""
    prefix = target.split("${", 1)[0]
    literal = re.split(r"[*?]", pattern, maxsplit=1)[0]
    if literal == pattern:  # no wildcard: the pattern spells the whole name
        return pattern.startswith(prefix)
    return literal.startswith(prefix) or prefix.startswith(literal)


def _statement_covers(stmt: Statement, action: str, targets: list[str]) -> bool | None:
    if stmt.actions is not None:
        if not any(action_matches(p, action) for p in stmt.actions):
            return False
    elif stmt.not_actions is not None and any(action_matches(p, action) for p in stmt.not_actions):
        return False
    results = []
    for target in targets:
        if stmt.resources is not None:
            matches = [resource_matches(p, target) for p in stmt.resources]
            if any(m is True for m in matches):
                return True
            results.append(None if any(m is None for m in matches) else False)
        else:
            matches = [resource_matches(p, target) for p in stmt.not_resources or []]
            if not any(matches):
                return True if all(m is False for m in matches) else None
            results.append(False)
    if stmt.unknown:
        return None  # the action matches and part of the resource could not be resolved
    return None if any(r is None for r in results) else False


def allows(role: Role, action: str, targets: list[str] | None = None) -> Decision:
    """Whether ``role`` allows ``action`` on any of ``targets`` (ARN strings; default ``*``)."""
    targets = targets or ["*"]
    undecided = list(role.unresolved)
    for stmt in role.statements:
        if stmt.effect == "Deny" and not stmt.has_condition:
            if _statement_covers(stmt, action, targets) is True and stmt.unknown is None:
                return Decision(False, stmt, f"denied by {stmt.origin}")
    for stmt in role.statements:
        if stmt.effect != "Allow":
            continue
        covered = _statement_covers(stmt, action, targets)
        if covered is True and stmt.unknown is None:
            return Decision(True, stmt, f"allowed by {stmt.origin}")
        if covered is None or (covered is True and stmt.unknown):
            undecided.append(stmt.unknown or Reason(f"{stmt.origin}: resource pattern cannot be compared", "after-apply"))
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
