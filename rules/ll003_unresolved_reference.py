"""
## What it does
Finds `Ref`, `Fn::GetAtt`, `Fn::Sub` variables and `DependsOn` entries that name no resource,
parameter or pseudo parameter of the template, wherever they appear: resource properties,
`Outputs`, `Conditions` and SAM `Globals`. Names that SAM generates (`FunctionRole`,
`Function.Alias`, `FunctionAliaslive`, `ServerlessRestApi`, and anything else named after a SAM
resource) count as declared. A template under another transform (a macro,
`AWS::LanguageExtensions`) is not checked, since the transform may create the names.

## Why is this bad?
CloudFormation rejects the template ("Template format error: Unresolved resource dependencies
[...] in the Resources block of the template"), usually because of a typo or a renamed resource.
Other rules cannot follow the reference either.

## Example
```yaml
Resources:
  Jobs:
    Type: AWS::SQS::Queue
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Role: arn:aws:iam::123456789012:role/worker
      Code: {ZipFile: "def handler(e, c): pass"}
      Environment:
        Variables:
          QUEUE_URL: !Ref Job   # expect: LL003
```

## Use instead
```yaml
Resources:
  Jobs:
    Type: AWS::SQS::Queue
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Role: arn:aws:iam::123456789012:role/worker
      Code: {ZipFile: "def handler(e, c): pass"}
      Environment:
        Variables:
          QUEUE_URL: !Ref Jobs
```

## References
- [AWS CloudFormation User Guide, *Ref*](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-ref.html) and
  [*Fn::GetAtt*](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-getatt.html): the logical name must be a
  resource or parameter declared in the template
- [AWS SAM Developer Guide, *Generated AWS CloudFormation resources*](https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-generated-resources.html):
  the names SAM creates (`<Function>Role`, `<Function>Alias<alias>`, `ServerlessRestApi` ...)
  can be referenced
"""
import re

from lambdalint.rulekit import Issue, Rule

RULE = Rule(
    id="LL003",
    name="unresolved-reference",
    severity="warning",
    summary="Ref/GetAtt/Sub/DependsOn names a resource or parameter that does not exist",
)

_NAME = re.compile(r"'([^']*)'")


def _suggestion(source, text: str) -> str:
    match = _NAME.search(text)
    data = getattr(source.doc, "data", None)
    if not match or not isinstance(data, dict):
        return ""
    names = []
    for section in ("Resources", "Parameters"):
        if isinstance(data.get(section), dict):
            names.extend(str(k) for k in data[section])
    wanted = match.group(1).split(".", 1)[0]
    if len(names) > 300:
        return ""  # a suggestion is not worth a quadratic scan of a huge template
    limit = 1 if len(wanted) < 6 else 2
    best = min(((_distance(wanted, name, limit), name) for name in names), default=None)
    return f" (did you mean '{best[1]}'?)" if best and best[0] <= limit else ""


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of ``a`` and ``b`` when it is at most ``limit``, else ``limit + 1``.

    Only cells within ``limit`` of the diagonal can stay within the limit (Ukkonen's band), and
    the scan stops as soon as a whole row exceeds it: a typo needs a small distance, so most
    names are rejected after a row or two."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    if a == b:
        return 0
    over = limit + 1
    width = len(b)
    previous = [j if j <= limit else over for j in range(width + 1)]
    for i, ca in enumerate(a, 1):
        low, high = max(1, i - limit), min(width, i + limit)
        current = [over] * (width + 1)
        if i <= limit:
            current[0] = i
        best = current[low - 1]
        for j in range(low, high + 1):
            cost = previous[j - 1] + (ca != b[j - 1])
            if previous[j] + 1 < cost:
                cost = previous[j] + 1
            if current[j - 1] + 1 < cost:
                cost = current[j - 1] + 1
            current[j] = cost if cost < over else over
            if cost < best:
                best = cost
        if best > limit:
            return over
        previous = current
    return previous[width]


def _owners(model) -> dict:
    """(document, header path) -> the first entity declared there, to name the resource that
    holds a reference whatever the format (a resource's header path is a prefix of its values')."""
    owners = {}
    for entity in getattr(model, "entities", {}).values():
        src = getattr(entity, "source", None)
        path = tuple(src.path) if src is not None else ()
        if path and path[-1] == "__key__":  # a header located at its key line
            path = path[:-1]
        if path:
            owners.setdefault((id(src.doc), path), entity)
    return owners


def _owner(owners: dict, source):
    path = tuple(source.path)
    for end in range(1, len(path) + 1):  # the outermost resource (a SAM function, not its event)
        entity = owners.get((id(source.doc), path[:end]))
        if entity is not None:
            return entity
    return None


def subjects(model, options):
    """One check per file: every reference in it names something declared."""
    refs: dict = {}
    for source, text in getattr(model, "unresolved_refs", ()) or ():
        refs.setdefault(source.doc.path, []).append((source, text))
    return [(path, refs.get(path, ())) for path in dict.fromkeys(list(model.files) + list(refs))]


def check(model, subject, options):
    _path, refs = subject
    seen = set()
    for source, text in refs:
        span = source.span  # a SAM policy template may resolve the same text twice
        if (span.file, span.line, span.column, text) in seen:
            continue
        seen.add((span.file, span.line, span.column, text))
        owner = _owner(model.memo("LL003 owners", lambda: _owners(model)), source)
        yield Issue(owner.name if owner is not None else None, text + _suggestion(source, text), source)
