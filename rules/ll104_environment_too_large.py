"""
## What it does
Adds up the lengths of the keys and values of each function's environment variables (SAM
`Globals` variables merged in) and flags a total above 4 KB (4096 characters). It also flags any
key that Lambda reserves for itself (`AWS_REGION`, `_HANDLER`, `AWS_ACCESS_KEY_ID`, ... from
lambdalint's data file), pointing at the key. Values known only at deploy time (parameters
without default, `!GetAtt`, imports) count as zero: the rule fires only when the known part
alone is already too large, and otherwise reports the check as undecided.

## Why is this bad?
Lambda rejects the function configuration: the environment is limited to 4 KB in aggregate, and
reserved keys "cannot be set in your function configuration". The deployment fails.

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
      Environment:
        Variables:
          AWS_REGION: eu-west-1   # expect: LL104
          TABLE: orders
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
      Environment:
        Variables:
          TABLE: orders
```
Lambda sets `AWS_REGION` itself. Keep large configuration in SSM Parameter Store, Secrets
Manager, AppConfig or S3 and pass only its name.

## References
- [AWS Lambda Developer Guide, *Lambda quotas*](https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html):
  environment variables "4 KB, for all environment variables associated with the function, in
  aggregate"
- [AWS Lambda Developer Guide, *Working with Lambda environment variables*](https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html):
  the runtime's keys (`AWS_REGION`, `_HANDLER`, `AWS_LAMBDA_FUNCTION_NAME` ...) "are reserved and
  cannot be set in your function configuration"
- cfn-lint E3697 (sum of key and value lengths) and E3663 (reserved keys)
"""
from lambdalint import data
from lambdalint.document import Source
from lambdalint.rulehelpers import key_source
from lambdalint.rulekit import Issue, Rule, Unsure, blocked
from lambdalint.values import Known, ResourceRef, Unknown, cause_of, describe, native_name

RULE = Rule(
    id="LL104",
    name="environment-too-large",
    severity="error",
    summary="Environment variables exceed 4 KB in total or set a reserved key",
)

LIMIT = 4096


def _length(value):
    """(known length, unknown reason or None) of one variable's value: the lower bound over
    ``Fn::If`` branches; references and ``${...}`` placeholders count only their literal text."""
    lengths, unknown = [], None
    for leaf in value.leaves():
        if isinstance(leaf, Unknown):
            lengths.append(0)
            unknown = unknown or leaf.reason
        elif isinstance(leaf, Known):
            raw = leaf.value
            if isinstance(raw, ResourceRef):
                lengths.append(0)
                unknown = unknown or f"!GetAtt/!Ref {describe(leaf)}"
            elif isinstance(raw, bool):
                lengths.append(len("true" if raw else "false"))
            elif isinstance(raw, (str, int, float)):
                text = str(raw)
                if "${" in text:
                    unknown = unknown or f"{text} (contains values known only at deploy time)"
                    while "${" in text and "}" in text[text.index("${"):]:
                        start = text.index("${")
                        text = text[:start] + text[text.index("}", start) + 1:]
                lengths.append(len(text))
            else:
                lengths.append(0)
                unknown = unknown or "a non-scalar value"
        else:  # Absent (AWS::NoValue): the variable is not set in that branch
            lengths.append(0)
    return (min(lengths) if lengths else 0), unknown


def _key_source(variables: Known, key: str, value) -> Source | None:
    src = getattr(value, "source", None)
    if src is not None and src.path and src.path[-1] == key:
        return Source(src.doc, src.path + ("__key__",))
    if variables.source is not None:
        return Source(variables.source.doc, variables.source.path + (key, "__key__"))
    return src


def check(model, fn, options):
    reserved = data.reserved_env_keys()
    inherited = " (partly inherited from SAM Globals)" if "Environment" in fn.inherited else ""
    for variables in fn.environment.leaves():
        if isinstance(variables, Unknown):
            yield blocked(fn, variables, "Environment.Variables")
            continue
        if not isinstance(variables, Known) or not isinstance(variables.value, dict):
            if not variables.absent:
                yield Unsure(fn, f"{native_name(variables, 'Environment.Variables')} <- {describe(variables)} "
                                 f"(not a mapping of names to values)", variables.source, "unsupported")
            continue
        total, unknown, sizes = 0, None, []
        for key, value in variables.value.items():
            if value.absent:
                continue
            if key in reserved:
                yield Issue(fn, f"{fn.name}: environment variable {key} is reserved by Lambda and cannot be set "
                                f"in the function configuration", _key_source(variables, key, value))
            length, why = _length(value)
            total += len(key) + length
            sizes.append((len(key) + length, key))
            unknown = unknown or (f"{key} <- {why}" if why else None)
        if total > LIMIT:
            largest = ", ".join(f"{k} ({n})" for n, k in sorted(sizes, reverse=True)[:3])
            at_least = "at least " if unknown else ""
            yield Issue(fn, f"{fn.name}: environment variables total {at_least}{total} characters (keys plus "
                            f"values){inherited}, over Lambda's 4 KB ({LIMIT}) limit; largest: {largest}",
                        key_source(variables.source, "Variables"))
        elif unknown:
            yield Unsure(fn, f"environment size: {total} characters known, {unknown}", variables.source,
                         cause_of(variables))
