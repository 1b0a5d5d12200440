"""
## What it does
Looks up each function's `Runtime` (every `Fn::If` branch, SAM `Globals` included) in
lambdalint's dated runtime table (`lambdalint/data/runtimes.json`, from AWS's runtime deprecation
schedule) and warns when the runtime is past its deprecation date. Once creating functions with
the runtime is blocked, the finding becomes an error. The message names the deprecation date,
the dates from which creating and updating functions are blocked, and the suggested successor.
The "as of" date is today unless the option `as-of` sets it
(`rules: {LL107: {as-of: 2026-11-26}}`), which keeps CI results reproducible.

## Why is this bad?
A deprecated runtime gets no more security patches or technical support. After the block dates
CloudFormation and Terraform can no longer create (then update) the function: a new stack or a
new environment fails to deploy.

## Example
```yaml
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs10.x   # expect: LL107
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/worker
      Code: {ZipFile: "exports.handler = async () => {}"}
```

## Use instead
```yaml
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs24.x
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/worker
      Code: {ZipFile: "exports.handler = async () => {}"}
```

## References
- [AWS Lambda Developer Guide, *Lambda runtimes*](https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html), "Runtime
  deprecation policy" and the table of deprecation, block-function-create and
  block-function-update dates: after deprecation "you can no longer create new functions" once
  creation is blocked, and later no longer update them
- cfn-lint `LmbdRuntimeLifecycle.json` and rules W2531 / E2531 / E2533 (the same dates)
"""
import datetime

from lambdalint import data
from lambdalint.rulekit import Issue, Option, Rule, blocked
from lambdalint.values import Known, Unknown, known_str

RULE = Rule(
    id="LL107",
    name="deprecated-runtime",
    severity="warning",
    summary="Runtime past its deprecation date (error once function create is blocked)",
    options={"as-of": Option(datetime.date, None, "date to evaluate the runtime table at (default: today)")},
)


def _date(text):
    return datetime.date.fromisoformat(text) if isinstance(text, str) else None


def _when(label: str, day, today) -> str:
    if day is None:
        return ""
    return f"; {label} {'blocked since' if day <= today else 'will be blocked from'} {day.isoformat()}"


def check(model, fn, options):
    today = options.get("as-of") or datetime.date.today()
    if isinstance(today, str):
        today = datetime.date.fromisoformat(today)
    table = data.runtimes()
    inherited = " (inherited from SAM Globals)" if "Runtime" in fn.inherited else ""
    for leaf in fn.runtime.leaves():
        if isinstance(leaf, Unknown):
            yield blocked(fn, leaf, "Runtime")
            continue
        name = known_str(leaf) if isinstance(leaf, Known) else None
        entry = table.get(name) if name else None
        if not isinstance(entry, dict):
            continue
        deprecated, block_create, block_update = (_date(entry.get(k)) for k in ("deprecated", "block_create", "block_update"))
        is_deprecated = deprecated is not None and deprecated <= today
        create_blocked = block_create is not None and block_create <= today
        if not (is_deprecated or create_blocked):
            continue
        successor = entry.get("successor")
        message = (f"{fn.name}: runtime {name}{inherited} "
                   + (f"was deprecated on {deprecated.isoformat()}" if deprecated else "is deprecated")
                   + _when("creating functions", block_create, today)
                   + _when("updating functions", block_update, today)
                   + (f"; migrate to {successor}" if successor else "")
                   + f" (as of {today.isoformat()})")
        yield Issue(fn, message, leaf.source, severity="error" if create_blocked else None)
