"""
## What it does
Checks each function's timeout (every branch of an `Fn::If`, and SAM `Globals` timeouts for every
function that inherits them) against the allowed range: 1 to 900 seconds, or up to 5400 seconds
for Lambda Managed Instances (a function with a capacity provider config).

## Why is this bad?
Lambda rejects the value and the deployment fails: the maximum run time of a function is
15 minutes, and a timeout of 0 or less is meaningless.

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
      Timeout: 1800   # expect: LL101
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
      Timeout: 900
```
Split longer work into steps (Step Functions, SQS) or use a container service.

## References
- [AWS Lambda Developer Guide, *Lambda quotas*](https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html): function
  timeout "900 seconds (15 minutes)"
- [AWS Lambda API Reference, *CreateFunction*](https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html), `Timeout`:
  "The default is 3 seconds. The maximum allowed value is 900 seconds."
- [CloudFormation, *AWS::Lambda::Function*](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-function.html) `Timeout`
  (minimum 1); [Terraform `aws_lambda_function`](https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/lambda_function) `timeout`:
  "Valid between 1 and 900"
- Lambda Managed Instances (a capacity provider config) allow longer timeouts, up to 5400 seconds
"""
from lambdalint.rulehelpers import has_capacity_provider
from lambdalint.rulekit import Issue, Rule, blocked
from lambdalint.native_names import native_name
from lambdalint.values import Known, Unknown, known_int, not_whole

RULE = Rule(
    id="LL101",
    name="timeout-out-of-range",
    severity="error",
    summary="Function timeout outside 1..900 seconds (5400 with a capacity provider)",
)

MAXIMUM = 900
MANAGED_INSTANCES_MAXIMUM = 5400


def check(model, fn, options):
    managed = has_capacity_provider(fn)
    maximum = MANAGED_INSTANCES_MAXIMUM if managed else MAXIMUM
    inherited = " (inherited from SAM Globals)" if "Timeout" in fn.inherited else ""
    for leaf in fn.timeout.leaves():
        name = native_name(leaf, "Timeout")
        if isinstance(leaf, Unknown):
            yield blocked(fn, leaf, "Timeout")
            continue
        if not isinstance(leaf, Known):
            continue
        seconds = known_int(leaf)
        if seconds is None:
            if not_whole(leaf) is not None:  # 2.5: not an integer number of seconds
                yield Issue(fn, f"{fn.name}: {name} {not_whole(leaf)}{inherited} is not a whole number of seconds",
                            leaf.source)
            continue
        if 1 <= seconds <= maximum:
            continue
        if seconds < 1:
            why = "the minimum is 1 second"
        elif managed:
            why = f"the maximum is {MANAGED_INSTANCES_MAXIMUM} seconds even with a capacity provider (Lambda Managed Instances)"
        elif seconds <= MANAGED_INSTANCES_MAXIMUM:
            why = (f"the maximum is {MAXIMUM} seconds (15 minutes); up to {MANAGED_INSTANCES_MAXIMUM} only "
                   f"with a capacity provider config (Lambda Managed Instances)")
        else:
            why = f"the maximum is {MAXIMUM} seconds (15 minutes)"
        yield Issue(fn, f"{fn.name}: {name} {seconds} s{inherited} is out of range: {why}", leaf.source)
