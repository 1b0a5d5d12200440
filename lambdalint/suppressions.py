"""Suppressions: inline ``# lambdalint: ignore[...]`` comments, resource ``Metadata`` and the
config's ``per-file-ignores``; which findings they drop, and which of them matched nothing
(LL002)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .document import Document
from .findings import Finding


@dataclass
class SuppressionHit:
    file: str
    line: int
    ids: tuple
    reason: str
    kind: str  # inline | metadata
    resource_lines: tuple = ()  # lines covered (inline: the line or the resource header)
    resource: str | None = None
    used: bool = False
    column: int = 1
    end_column: int | None = None
    used_ids: set = field(default_factory=set)  # the selectors of ``ids`` that matched a finding


def apply_suppressions(findings: list[Finding], suppressions: list[SuppressionHit], config,
                       resource_starts: dict) -> tuple[list[Finding], int, int]:
    """Drop suppressed findings.  ``resource_starts`` maps (file, resource) to its first line so
    that a comment on a resource's first line covers the whole resource."""
    kept, suppressed, without_reason = [], 0, 0
    by_file: dict[str, list[SuppressionHit]] = {}
    for hit in suppressions:
        by_file.setdefault(hit.file, []).append(hit)
    for finding in findings:
        if finding.rule == "LL002":
            kept.append(finding)
            continue
        if config.ignored_for_file(finding.rule, finding.span.file):
            suppressed += 1
            continue
        header = resource_starts.get((finding.span.file, finding.resource))
        hit = None
        for candidate in by_file.get(finding.span.file, ()):
            matched = [i for i in candidate.ids if selector_matches(i, finding.rule, finding.name)]
            if not matched:
                continue
            if candidate.kind == "metadata":
                # a resource of a nested stack is named <Stack>/<LogicalId> in findings
                if candidate.resource == finding.resource or (finding.resource or "").endswith("/" + candidate.resource):
                    hit = candidate
            elif candidate.line == finding.span.line or (header is not None and candidate.line == header):
                hit = candidate
            if hit:
                break
        if hit is None:
            kept.append(finding)
            continue
        hit.used = True
        hit.used_ids.update(matched)
        suppressed += 1
        if not hit.reason:
            without_reason += 1
    return kept, suppressed, without_reason


def selector_matches(selector: str, rule_id: str, name: str) -> bool:
    """Whether a suppression's selector (an ID, a prefix such as ``LL2``, a rule name or
    ``all``) covers the rule ``rule_id``/``name``."""
    selector = selector.strip()
    return selector.upper() == rule_id or selector == name or selector.lower() == "all" or (
        len(selector) < 5 and rule_id.startswith(selector.upper()))


def collect_suppressions(docs: list[Document]) -> list[SuppressionHit]:
    hits = []
    for doc in docs:
        for s in doc.suppressions():
            hits.append(SuppressionHit(s.file, s.line, s.ids, s.reason, "inline", column=s.column,
                                       end_column=s.end_column))
        data = doc.data
        if doc.format.startswith("cfn") and isinstance(data, dict) and isinstance(data.get("Resources"), dict):
            for lid, body in data["Resources"].items():
                meta = body.get("Metadata") if isinstance(body, dict) else None
                entries = meta.get("lambdalint", {}).get("ignore") if isinstance(meta, dict) and isinstance(meta.get("lambdalint"), dict) else None
                for index, entry in enumerate(entries if isinstance(entries, list) else []):
                    rule_id = entry.get("id") if isinstance(entry, dict) else entry
                    reason = entry.get("reason", "") if isinstance(entry, dict) else ""
                    if isinstance(rule_id, str):
                        span = doc.span(("Resources", lid, "Metadata", "lambdalint", "ignore", index))
                        hits.append(SuppressionHit(doc.path, span.line, (rule_id,), str(reason or ""), "metadata",
                                                   resource=lid, column=span.column, end_column=span.end_column
                                                   if span.end_line == span.line else None))
    return hits


def unused_suppressions(suppressions: list[SuppressionHit], rules: dict, chosen: list) -> list[SuppressionHit]:
    """The suppressions (narrowed to their unused IDs) that matched no finding although a rule
    they name ran in this run.  A selector naming only rules that did not run cannot be judged;
    one that names no rule at all (a typo, ``LL999``) can never match and is always unused."""
    from dataclasses import replace

    ran = [r.meta for r in chosen if r.meta.id != "LL002"]
    known = [r.meta for r in rules.values()]
    unused = []
    for hit in suppressions:
        ids = tuple(i for i in hit.ids if i not in hit.used_ids and (
            any(selector_matches(i, meta.id, meta.name) for meta in ran) or not any(selector_matches(i, meta.id, meta.name) for meta in known)))
        if ids and "LL002" not in {i.upper() for i in hit.ids}:
            unused.append(replace(hit, ids=ids))
    return unused
