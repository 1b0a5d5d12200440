"""
## What it does
Reports a suppression that matched no finding in this run: an inline comment
`# lambdalint: ignore[LL201] reason` (YAML, HCL) whose line (or resource, when the comment sits
on the resource's first line) has no LL201 finding, or a resource
`Metadata: {lambdalint: {ignore: [{id: LL201, reason: ...}]}}` entry for a rule that does not
fire on that resource. A suppression naming several rules is reported for the rules that
matched nothing. A rule that did not run (not selected, or ignored in the config) cannot be
judged, so its suppressions are left alone; a suppression naming no rule at all (`LL999`, a
misspelt name) can never match and is always reported. A comment that also names LL002
(`ignore[LL201, LL002]`) is never reported.

## Why is this bad?
A stale suppression hides nothing today but will silently hide the next real problem of that
kind on the same line or resource, after the template has changed. It is usually left over
from a fix, points at a line that moved, or has a typo in its rule ID, so the finding it was
meant to silence still shows up somewhere else.

## Example
```yaml
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Role: arn:aws:iam::123456789012:role/worker
      Code: {ZipFile: "def handler(e, c): pass"}
      Timeout: 30  # lambdalint: ignore[LL101] legacy value   # expect: LL002
```

## Use instead
```yaml
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Role: arn:aws:iam::123456789012:role/worker
      Code: {ZipFile: "def handler(e, c): pass"}
      Timeout: 30
```

## References
- [Ruff, *unused-noqa (RUF100)*](https://docs.astral.sh/ruff/rules/unused-noqa/) and ESLint
  [`--report-unused-disable-directives`](https://eslint.org/docs/latest/use/command-line-interface#--report-unused-disable-directives):
  the same check in other linters
- lambdalint README, *Suppressing a finding*: inline comments, `Metadata.lambdalint.ignore` and
  where a suppression applies
"""
from lambdalint.document import Span
from lambdalint.rulekit import Issue, Rule

RULE = Rule(
    id="LL002",
    name="unused-suppression",
    severity="warning",
    summary="An inline or Metadata suppression that matched no finding",
    subject="run",
)


def _known(selector: str) -> bool:
    from lambdalint.engine import load_rules

    selector = selector.strip()
    return selector.lower() == "all" or any(
        meta.id == selector.upper() or meta.name == selector
        or (len(selector) < 5 and meta.id.startswith(selector.upper()))
        for meta in (loaded.meta for loaded in load_rules().values()))


def check(model, run, options):
    for hit in getattr(model, "unused_suppressions", ()) or ():
        ids = ", ".join(hit.ids)
        message = f"suppression of {ids} matched no finding"
        unknown = [i for i in hit.ids if not _known(i)]
        if unknown:
            message += f" ({', '.join(unknown)}: no such rule)"
        elif hit.kind == "metadata":
            message += f" on resource {hit.resource}"
        message += "; remove it, or fix its rule ID or placement"
        end = hit.end_column if hit.end_column and hit.end_column > hit.column else hit.column
        span = Span(hit.file, hit.line, hit.column, hit.line, end)
        yield Issue(hit.resource, message, None, span=span)
