"""
## What it does
Adds up the lengths of the keys and values of each function's environment variables (SAM
`Globals` variables merged in) and flags a total above 4 KB (4096 characters). It also flags any
key that Lambda reserves for itself (`AWS_REGION`, `_HANDLER`, `AWS_ACCESS_KEY_ID`, ... from
lambdalint's data file), pointing at the key. The size finding (and an undecided size) points
at the key that introduces the variables, in every format: `Variables:` (CloudFormation, SAM),
`variables =` (Terraform HCL), `"variables":` (Terraform JSON and plans).

Values known only at deploy time count with an upper bound of their kind, so a small
environment is decided even when it holds ARNs, names or pseudo parameters:

| part | upper bound (characters) |
|---|---|
| `AWS::AccountId` / `AWS::Region` / `AWS::Partition` / `AWS::URLSuffix` | 12 / 20 / 16 / 20 |
| `AWS::StackName` / `AWS::StackId` | 128 / 256 |
| a resource's name (`!Ref` of most types, `.name`, `QueueName` ...) | 256 (a log group's: 512) |
| a resource's ID (`!Ref` returning an ID, `.id`) | 256 |
| a resource's ARN (`.Arn`, `.arn`, `StreamArn` ...) | 128 + the name's bound (+64 for a stream label) |
| an SQS queue URL (`!Ref Queue`, `.url`) / another URL or endpoint attribute | 192 / 2048 |
| `!Ref` of a resource SAM generates (`Function.Version`, `Function.Alias`) | 384 (an ARN's) |
| an Availability Zone | 32 |

A CloudFormation parameter without default is bounded by its declaration: its `MaxLength`, or
the longest of its `AllowedValues` (the tighter of the two), also inside `Fn::Sub` / `Fn::Join`.
An SSM parameter type is not: `MaxLength` constrains the parameter's name there, not the value
it holds. (Terraform `validation` blocks are not read as bounds.)

The AWS limits behind them: account IDs are 12 digits; Region and partition names are short
(`ap-southeast-5`, `aws-us-gov`); stack names are at most 128 characters; resource names are at
most 256 characters except log groups (512). A part of any other kind (a parameter without
default, an import, another attribute) has no bound: the rule fires when the known part alone is
already too large (total "at least N") and otherwise reports the check as undecided, as it does
when the known part plus the bounds could pass 4 KB.

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
- [CloudFormation User Guide, *Parameters*](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html):
  `AllowedValues` is "an array containing the list of values allowed for the parameter", and
  `MaxLength` "an integer value that determines the largest number of characters you want to
  allow for String types"
- cfn-lint E3697 (sum of key and value lengths) and E3663 (reserved keys)
"""
from lambdalint import data
from lambdalint.document import Source
from lambdalint.rulehelpers import key_source
from lambdalint.rulekit import Issue, Rule, Sure, Unsure, blocked
from lambdalint.native_names import native_name
from lambdalint.partial_strings import PLACEHOLDER, placeholder_kind
from lambdalint.values import Known, Reason, ResourceRef, Unknown, cause_of, describe, reason_cause

RULE = Rule(
    id="LL104",
    name="environment-too-large",
    severity="error",
    summary="Environment variables exceed 4 KB in total or set a reserved key",
)

LIMIT = 4096


# Upper bounds of the parts known only at deploy time, by kind (see the rule's documentation)
PSEUDO_BOUND = {"AccountId": 12, "Region": 20, "Partition": 16, "URLSuffix": 20, "StackName": 128, "StackId": 256}
NAME_BOUND = {"logs:log-group": 512}  # other resources' names: 256
NAME, ID, ARN_PREFIX, URL = 256, 256, 128, 2048  # an ARN: its prefix plus the resource's name
QUEUE_URL = 192


def _attr_bound(model, node: str, attr: str) -> int | None:
    """Upper bound of an attribute of an entity of the model (None: no bound known)."""
    entity = model.entities.get(node)
    kind = getattr(entity, "kind", "")
    name = NAME_BOUND.get(kind, NAME)
    attr = attr.lower()
    if attr in ("name", "ref") or attr.endswith("name"):
        return name
    if attr == "id":
        return ID
    if attr == "arn" or attr.endswith("arn"):
        return ARN_PREFIX + name + (64 if kind == "dynamodb:table" and attr != "arn" else 0)  # a stream label
    if attr == "url":
        return QUEUE_URL if kind == "sqs:queue" else URL
    if attr.endswith(("url", "endpoint")):
        return URL
    return None


def _text_bounds(model, text: str, declared: tuple = ()):
    """(literal length, upper bound or None, what is known only at deploy time or None);
    ``declared``: the bounds an input declares for ``${?...}`` placeholders (Unknown.bounds)."""
    if "${" not in text:
        return len(text), len(text), None
    literal = PLACEHOLDER.sub("", text)
    high = len(literal)
    declared = dict(declared)
    for body in PLACEHOLDER.findall(text):
        kind = placeholder_kind("${" + body + "}")
        bound = declared.get("${" + body + "}")
        if bound is not None:
            pass  # a parameter's MaxLength / AllowedValues
        elif kind == "pseudo":
            bound = PSEUDO_BOUND.get(body[5:])
        elif kind == "zone":
            bound = 32
        elif kind == "attribute":
            node, _, attr = body.rpartition(".")
            bound = _attr_bound(model, node, attr)
        elif body.startswith("?ref:"):  # Ref of a resource the transform generates: name, ID or ARN
            bound = ARN_PREFIX + NAME
        if bound is None:
            return len(literal), None, f"{text} (contains values known only at deploy time)"
        high += bound
    return len(literal), high, None


def _length(model, value):
    """(lower bound, upper bound or None, what blocks an upper bound or None) of one variable's
    value over its ``Fn::If`` branches; deploy-time parts count 0 for the lower bound and their
    documented upper bound for the upper one."""
    lows, highs, unknown = [], [], None
    for leaf in value.leaves():
        if isinstance(leaf, Known) and isinstance(leaf.value, ResourceRef):
            text = leaf.value.token()
        elif isinstance(leaf, Known) and isinstance(leaf.value, bool):
            text = "true" if leaf.value else "false"
        elif isinstance(leaf, Known) and isinstance(leaf.value, (str, int, float)):
            text = str(leaf.value)
        elif isinstance(leaf, Unknown) and leaf.partial is not None:
            text = leaf.partial
        elif isinstance(leaf, Unknown) and leaf.max_length is not None:  # a parameter's MaxLength / AllowedValues
            lows.append(0)
            highs.append(leaf.max_length)
            continue
        elif leaf.absent:  # AWS::NoValue: the variable is not set in that branch
            lows.append(0)
            highs.append(0)
            continue
        else:
            lows.append(0)
            highs.append(None)
            if unknown is None:
                unknown = leaf.reason if isinstance(leaf, Unknown) else "a non-scalar value"
                unknown = Reason(unknown, leaf.cause if isinstance(leaf, Unknown) else "unsupported")
            continue
        low, high, why = _text_bounds(model, text, leaf.bounds if isinstance(leaf, Unknown) else ())
        if why:  # a part of no known bound: an attribute (known once deployed) or the leaf's unknown
            why = Reason(leaf.reason, leaf.cause) if isinstance(leaf, Unknown) else Reason(why, "after-apply")
        lows.append(low)
        highs.append(high)
        unknown = unknown or why
    high = None if any(h is None for h in highs) else max(highs or [0])
    return (min(lows) if lows else 0), high, unknown


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
        total, most, unknown, sizes, deploy_time, widest = 0, 0, None, [], False, (0, None)
        for key, value in variables.value.items():
            if value.absent:
                continue
            if key in reserved:
                yield Issue(fn, f"{fn.name}: environment variable {key} is reserved by Lambda and cannot be set "
                                f"in the function configuration", _key_source(variables, key, value))
            low, high, why = _length(model, value)
            deploy_time = deploy_time or high != low
            if high is not None and high - low > widest[0]:
                widest = (high - low, f"{key} <- {describe(value)} (up to {high})")
            total += len(key) + low
            most = None if most is None or high is None else most + len(key) + high
            sizes.append((len(key) + low, key))
            unknown = unknown or (Reason(f"{key} <- {why}", reason_cause(why)) if why else None)
        at = key_source(variables.source, "Variables")
        if total > LIMIT:
            largest = ", ".join(f"{k} ({n})" for n, k in sorted(sizes, reverse=True)[:3])
            at_least = "at least " if deploy_time else ""
            yield Issue(fn, f"{fn.name}: environment variables total {at_least}{total} characters (keys plus "
                            f"values){inherited}, over Lambda's 4 KB ({LIMIT}) limit; largest: {largest}", at)
        elif most is not None and most <= LIMIT:
            if deploy_time:
                yield Sure(fn, f"environment size at most {most} characters with the documented bounds")
        elif unknown:
            yield Unsure(fn, f"environment size: {total} characters known, {unknown}", at,
                         reason_cause(unknown) or cause_of(variables) or "other")
        else:
            yield Unsure(fn, f"environment size: {total} to {most} characters, over the {LIMIT} limit only if the "
                             f"values known at deploy time are long: {widest[1]}", at, cause_of(variables) or "after-apply")
