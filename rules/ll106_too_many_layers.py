"""
## What it does
Counts each function's layers (every `Fn::If` branch; SAM `Globals` layers are added to the
function's own, as SAM concatenates them) and flags more than five.

## Why is this bad?
Lambda accepts at most five layers per function; the deployment fails.

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
      Layers:   # expect: LL106
        - arn:aws:lambda:us-east-1:123456789012:layer:a:1
        - arn:aws:lambda:us-east-1:123456789012:layer:b:1
        - arn:aws:lambda:us-east-1:123456789012:layer:c:1
        - arn:aws:lambda:us-east-1:123456789012:layer:d:1
        - arn:aws:lambda:us-east-1:123456789012:layer:e:1
        - arn:aws:lambda:us-east-1:123456789012:layer:f:1
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
      Layers:
        - arn:aws:lambda:us-east-1:123456789012:layer:a:1
        - arn:aws:lambda:us-east-1:123456789012:layer:bcdef:1
```
Merge layers, or move to a container image for large dependency sets.

## References
- [AWS Lambda Developer Guide, *Lambda quotas*](https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html): "five
  layers" per function
- [CloudFormation, *AWS::Lambda::Function*](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-function.html) `Layers`
  (at most 5 items); [Terraform `aws_lambda_function`](https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/lambda_function) `layers`
- [AWS SAM, *Globals section*](https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-template-anatomy-globals.html): list
  properties such as `Layers` are concatenated with the function's own
"""
from lambdalint.document import Source
from lambdalint.rulehelpers import key_source
from lambdalint.rulekit import Issue, Rule, Sure, blocked
from lambdalint.values import Known, Unknown, items

RULE = Rule(
    id="LL106",
    name="too-many-layers",
    severity="error",
    summary="More than 5 layers on a function",
)

MAXIMUM = 5


def check(model, fn, options):
    for leaf in fn.layers.leaves():
        if isinstance(leaf, Unknown):
            yield blocked(fn, leaf, "Layers")
            continue
        layers = items(leaf) if isinstance(leaf, Known) else None
        if layers is None or len(layers) <= MAXIMUM:
            if layers is not None:
                yield Sure(fn, "the number of layers is known, whatever each ARN is")
            continue
        from_globals = sum(1 for layer in layers if layer.source is not None and layer.source.path[:1] == ("Globals",))
        origin = f" ({from_globals} from SAM Globals)" if from_globals and from_globals < len(layers) else (
            " (from SAM Globals)" if from_globals else "")
        at = leaf.source
        if from_globals == len(layers) and layers[0].source is not None:
            at = Source(layers[0].source.doc, layers[0].source.path[:-1])
        yield Issue(fn, f"{fn.name} has {len(layers)} layers{origin}; Lambda allows at most {MAXIMUM}", key_source(at, "Layers"))
