"""
## What it does
Checks each function event invoke config (CloudFormation `AWS::Lambda::EventInvokeConfig`, SAM
`EventInvokeConfig`, Terraform `aws_lambda_function_event_invoke_config`): `MaximumRetryAttempts`
must be 0..2 and `MaximumEventAgeInSeconds` 60..21600 (6 hours).

## Why is this bad?
Lambda retries a failed asynchronous event at most twice and keeps an event at most 6 hours;
values outside these ranges are rejected by the `PutFunctionEventInvokeConfig` API, so the
stack or plan fails to deploy.

## Example
```yaml
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: arn:aws:iam::123456789012:role/worker
  WorkerInvokeConfig:
    Type: AWS::Lambda::EventInvokeConfig
    Properties:
      FunctionName: !Ref Worker
      Qualifier: $LATEST
      MaximumRetryAttempts: 5   # expect: LL306
      MaximumEventAgeInSeconds: 3600
```

## Use instead
```yaml
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: arn:aws:iam::123456789012:role/worker
  WorkerInvokeConfig:
    Type: AWS::Lambda::EventInvokeConfig
    Properties:
      FunctionName: !Ref Worker
      Qualifier: $LATEST
      MaximumRetryAttempts: 2
      MaximumEventAgeInSeconds: 3600
```

## References
- [AWS Lambda API Reference, *PutFunctionEventInvokeConfig*](https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionEventInvokeConfig.html):
  `MaximumRetryAttempts` "Minimum value of 0. Maximum value of 2."; `MaximumEventAgeInSeconds`
  "Minimum value of 60. Maximum value of 21600."
- [Terraform `aws_lambda_function_event_invoke_config`](https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/lambda_function_event_invoke_config):
  the same ranges
"""

from lambdalint.rulekit import Issue, Rule, blocked
from lambdalint.native_names import native_name
from lambdalint.values import describe, known_int

RULE = Rule(
    id="LL306",
    name="async-retry-config-out-of-range",
    severity="error",
    summary="MaximumRetryAttempts outside 0..2 or MaximumEventAgeInSeconds outside 60..21600",
    subject="invoke-config",
)

LIMITS = (
    ("max_retry_attempts", "MaximumRetryAttempts", 0, 2, "retries"),
    ("max_event_age", "MaximumEventAgeInSeconds", 60, 21600, "seconds"),
)


def _function_name(model, config) -> str:
    targets = model.targets(config.function)
    return targets[0].name if targets else describe(config.function)


def check(model, config, options):
    for field, label, low, high, unit in LIMITS:
        value = getattr(config, field)
        if value.absent:
            continue
        for leaf in value.leaves():
            if leaf.absent:  # an Fn::If branch with AWS::NoValue
                continue
            number = known_int(leaf)
            name = native_name(leaf, label)
            if number is None:
                yield blocked(config, leaf, label)
                continue
            if low <= number <= high:
                continue
            yield Issue(
                config,
                f"{name} of event invoke config {config.name} (function {_function_name(model, config)}) "
                f"is {number}; Lambda accepts {low}..{high} {unit}.",
                leaf.source,
            )
