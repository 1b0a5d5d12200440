"""
## What it does
Checks each function's `/tmp` size (`EphemeralStorage.Size`, every `Fn::If` branch, SAM `Globals`
included) against the allowed range of 512 to 10240 MB, a whole number of MB (a fraction is reported too).

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
      EphemeralStorage:
        Size: 256   # expect: LL103
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
      EphemeralStorage:
        Size: 512
```

## References
- [AWS Lambda API Reference, *EphemeralStorage*](https://docs.aws.amazon.com/lambda/latest/api/API_EphemeralStorage.html): `Size`
  "Minimum value of 512. Maximum value of 10240."
- [AWS Lambda Developer Guide, *Lambda quotas*](https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html): `/tmp`
  storage between 512 MB and 10,240 MB
- [CloudFormation, *AWS::Lambda::Function EphemeralStorage*](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-lambda-function-ephemeralstorage.html);
  [Terraform `aws_lambda_function`](https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/lambda_function) `ephemeral_storage.size`
"""
from lambdalint.rulekit import Issue, Rule, blocked
from lambdalint.native_names import native_name
from lambdalint.values import Known, Unknown, known_int, not_whole

RULE = Rule(
    id="LL103",
    name="ephemeral-storage-out-of-range",
    severity="error",
    summary="Function /tmp (ephemeral storage) size outside 512..10240 MB",
)

MINIMUM, MAXIMUM = 512, 10240


def check(model, fn, options):
    inherited = " (inherited from SAM Globals)" if "EphemeralStorage" in fn.inherited else ""
    for leaf in fn.ephemeral_storage.leaves():
        if isinstance(leaf, Unknown):
            yield blocked(fn, leaf, "EphemeralStorage.Size")
            continue
        if not_whole(leaf) is not None:  # the size is an integer number of MB
            yield Issue(fn, f"{fn.name}: ephemeral storage (/tmp) {native_name(leaf, 'EphemeralStorage.Size')} "
                            f"{not_whole(leaf)}{inherited} is not a whole number of MB", leaf.source)
            continue
        size = known_int(leaf) if isinstance(leaf, Known) else None
        if size is None or MINIMUM <= size <= MAXIMUM:
            continue
        yield Issue(fn, f"{fn.name}: ephemeral storage (/tmp) {native_name(leaf, 'EphemeralStorage.Size')} "
                        f"{size} MB{inherited} is outside "
                        f"{MINIMUM}..{MAXIMUM} MB", leaf.source)
