"""
## What it does
Checks each function's memory size (every `Fn::If` branch, SAM `Globals` included) against the
allowed range: 128 to 10240 MB, or up to 32768 MB for Lambda Managed Instances (a function with a
capacity provider config), in 1-MB increments: a fraction such as `128.5` is reported too.

## Why is this bad?
Lambda rejects the value and the deployment fails.

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
      MemorySize: 16384   # expect: LL102
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
      MemorySize: 10240
```

## References
- [AWS Lambda Developer Guide, *Lambda quotas*](https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html) and
  [*Configure memory*](https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html): 128 MB to 10,240 MB, in 1-MB increments
- [AWS Lambda API Reference, *CreateFunction*](https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html), `MemorySize`:
  "Minimum value of 128. Maximum value of 10240."
- [Terraform `aws_lambda_function`](https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/lambda_function) `memory_size`: "Valid value
  between 128 MB to 32,768 MB (32 GB), in 1 MB increments"; the larger sizes belong to Lambda
  Managed Instances, so lambdalint accepts them only with a capacity provider config
"""
from lambdalint.rulehelpers import has_capacity_provider
from lambdalint.rulekit import Issue, Rule, blocked
from lambdalint.native_names import native_name
from lambdalint.values import Known, Unknown, known_int, not_whole

RULE = Rule(
    id="LL102",
    name="memory-out-of-range",
    severity="error",
    summary="Function memory below 128 MB or above 10240 MB (32768 with a capacity provider)",
)

MINIMUM, MAXIMUM, MANAGED_INSTANCES_MAXIMUM = 128, 10240, 32768


def check(model, fn, options):
    managed = has_capacity_provider(fn)
    maximum = MANAGED_INSTANCES_MAXIMUM if managed else MAXIMUM
    inherited = " (inherited from SAM Globals)" if "MemorySize" in fn.inherited else ""
    for leaf in fn.memory.leaves():
        name = native_name(leaf, "MemorySize")
        if isinstance(leaf, Unknown):
            yield blocked(fn, leaf, "MemorySize")
            continue
        if not_whole(leaf) is not None:  # Lambda sets memory in 1-MB increments
            yield Issue(fn, f"{fn.name}: {name} {not_whole(leaf)}{inherited} is not a whole number of MB", leaf.source)
            continue
        megabytes = known_int(leaf) if isinstance(leaf, Known) else None
        if megabytes is None or MINIMUM <= megabytes <= maximum:
            continue
        if megabytes < MINIMUM:
            why = f"the minimum is {MINIMUM} MB"
        elif megabytes > MANAGED_INSTANCES_MAXIMUM:
            why = f"the maximum is {MAXIMUM} MB ({MANAGED_INSTANCES_MAXIMUM} MB with a capacity provider)"
        else:
            why = (f"the maximum is {MAXIMUM} MB; up to {MANAGED_INSTANCES_MAXIMUM} MB only with a capacity "
                   f"provider config (Lambda Managed Instances)")
        yield Issue(fn, f"{fn.name}: {name} {megabytes} MB{inherited} is out of range: {why}", leaf.source)
