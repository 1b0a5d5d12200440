"""Suppressions: inline ``# lambdalint: ignore[...]`` comments (``//`` and ``/* */`` in HCL too),
resource ``Metadata`` and the config's ``per-file-ignores``; which findings they drop, and which
of them matched nothing (LL002).

Which resource a finding belongs to: a finding concerns its *subject* (``resource``: the function
for most rules) and is *shown at* the resource whose definition contains its location (LL501 is
shown at the queue's ``VisibilityTimeout``; LL201 at the function's ``SubnetIds``).  A suppression
on either resource covers it: Metadata of the subject or of the resource it is shown at, or a
comment on the first line of either, or on the finding's own line.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .document import Document, Span
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


@dataclass(frozen=True)
class Extent:
    """Where one resource is defined in one file: from its header up to (not including) ``end``
    (line, column), which is where the next key starts in block YAML."""

    name: str
    first: int  # the header's line
    start: tuple
    end: tuple

    def contains(self, line: int, column: int) -> bool:
        return self.start <= (line, column) < self.end


def resource_extents(model, files: set) -> dict[str, list[Extent]]:
    """The resources defined in ``files``, innermost (smallest) first: a finding is shown at the
    first extent that contains its location."""
    extents: dict[str, list[Extent]] = {}
    seen = set()
    for entity in model.entities.values():
        source = getattr(entity, "source", None)
        if source is None or source.doc.path not in files:
            continue
        path = source.path
        header = source.span
        if len(path) == 3 and path[0] == "Resources" and path[2] == "__key__":  # CloudFormation
            body = source.doc.span(path[:2])
            lid = path[1]  # entities SAM generates (WorkerRole) are defined by their SAM resource
            name = entity.name if entity.name == lid or entity.name.endswith("/" + lid) else lid
        else:
            body, name = _block_extent(source) or header, entity.name
        end = max((body.end_line, body.end_column), (header.line, header.column + 1))
        key = (source.doc.path, name, header.line)
        if key not in seen:
            seen.add(key)
            extents.setdefault(source.doc.path, []).append(Extent(name, header.line, (header.line, header.column), end))
    for items in extents.values():
        items.sort(key=lambda e: (e.end[0] - e.start[0], e.end[1] - e.start[1]))
    return extents


def _block_extent(source):
    """An HCL block's whole extent (its span is the header only), from the syntax tree."""
    if source.doc.format != "tf-hcl":
        return None
    from .load.hcl import find

    node = getattr(find(source.doc.data, source.path), "node", None)
    if node is None:
        return None
    (row, column) = node.end_point
    return Span(source.doc.path, node.start_point[0] + 1, 1, row + 1, column + 1)


def shown_at(extents: dict[str, list[Extent]], finding: Finding) -> Extent | None:
    """The resource whose definition contains the finding's location."""
    s = finding.span
    return next((e for e in extents.get(s.file, ()) if e.contains(s.line, s.column)), None)


def apply_suppressions(findings: list[Finding], suppressions: list[SuppressionHit], config,
                       extents: dict[str, list[Extent]]) -> tuple[list[Finding], int, int]:
    """Drop suppressed findings.  ``extents`` (from :func:`resource_extents`) says where each
    resource is defined, so a comment on a resource's first line or its Metadata covers the
    findings about it and the findings shown inside it."""
    kept, suppressed, without_reason = [], 0, 0
    by_file: dict[str, list[SuppressionHit]] = {}
    for hit in suppressions:
        by_file.setdefault(hit.file, []).append(hit)
    for finding in findings:
        if finding.rule == "LL002":
            kept.append(finding)
            continue
        if config.ignored_for_file(finding.rule, finding.span.file, finding.name):
            suppressed += 1
            continue
        candidates = by_file.get(finding.span.file, ())
        hit = None
        if candidates:
            at = shown_at(extents, finding)
            owners = {finding.resource} | ({at.name} if at else set())
            headers = {e.first for e in extents.get(finding.span.file, ()) if e.name in owners}
            for candidate in candidates:
                matched = [i for i in candidate.ids if selector_matches(i, finding.rule, finding.name)]
                if not matched:
                    continue
                if candidate.kind == "metadata":
                    # a resource of a nested stack is named <Stack>/<LogicalId> in findings
                    if candidate.resource in owners or any(
                            (owner or "").endswith("/" + candidate.resource) for owner in owners):
                        hit = candidate
                elif candidate.line == finding.span.line or candidate.line in headers:
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
