"""
## What it does
Reports every file that looks like a template (CloudFormation, SAM, Terraform) but cannot be
parsed: broken YAML or JSON, a duplicate key, a YAML tag CloudFormation does not accept
(`!!python/object`, `!!binary`, an unknown `!Foo`), several YAML documents in one file. The
finding points at the line and column where the parser stopped and quotes its reason. A file
named explicitly on the command line that is not a template at all is reported too; files found
while walking a folder that do not look like templates are skipped silently.

## Why is this bad?
CloudFormation rejects the template before creating anything, and no other rule can check a
file it cannot read. The other files of the run are still linted.

## Example
```yaml
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Handler: app.main   # expect: LL001
      Role: arn:aws:iam::123456789012:role/worker
      Code: {ZipFile: "def handler(e, c): pass"}
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
```

## References
- [AWS CloudFormation User Guide, *Template formats*](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html): "You can
  author CloudFormation templates in JSON or YAML formats"; a template that does not parse is
  rejected before any resource is created
- [YAML 1.1](https://yaml.org/spec/1.1/) and [JSON (RFC 8259)](https://www.rfc-editor.org/rfc/rfc8259):
  duplicate keys and unknown tags are errors in lambdalint, as in CloudFormation's validation
"""
from lambdalint.document import Span
from lambdalint.rulekit import Issue, Rule

RULE = Rule(
    id="LL001",
    name="template-parse-error",
    severity="error",
    summary="A file that looks like a template cannot be parsed",
)


def subjects(model, options):
    """One check per file of the run: it parses, or it is LL001."""
    errors: dict = {}
    for error in getattr(model, "parse_errors", ()) or ():
        errors.setdefault(error.file, []).append(error)
    return [(path, errors.get(path, ())) for path in dict.fromkeys(list(model.files) + list(errors))]


def check(model, subject, options):
    _path, errors = subject
    for error in errors:
        span = Span(error.file, error.line, error.column, error.line, error.column)
        yield Issue(None, error.reason, None, span=span)
