"""
## What it does
Flags a dead-letter target that is an SQS queue URL instead of the queue's ARN: `!Ref Queue`
(which returns the URL), `!GetAtt Queue.QueueUrl`, Terraform `aws_sqs_queue.x.url` / `.id`, or a
literal `https://sqs.…` string.

## Why is this bad?
`TargetArn` must be an ARN. `Ref` of an `AWS::SQS::Queue` returns the queue URL, so Lambda
rejects the function's configuration and the stack does not deploy. The same
`!Ref` on an SNS topic is fine: it returns the topic ARN.

## Example
```yaml
Resources:
  WorkerDlq:
    Type: AWS::SQS::Queue
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: arn:aws:iam::123456789012:role/worker
      DeadLetterConfig:
        TargetArn: !Ref WorkerDlq   # expect: LL302
```

## Use instead
```yaml
Resources:
  WorkerDlq:
    Type: AWS::SQS::Queue
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: arn:aws:iam::123456789012:role/worker
      DeadLetterConfig:
        TargetArn: !GetAtt WorkerDlq.Arn
```

## References
- [AWS Lambda API Reference, *DeadLetterConfig*](https://docs.aws.amazon.com/lambda/latest/api/API_DeadLetterConfig.html): `TargetArn`
  is "The Amazon Resource Name (ARN) of an Amazon SQS queue or Amazon SNS topic."
- [AWS CloudFormation User Guide, *AWS::SQS::Queue*](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sqs-queue.html) return
  values: `Ref` returns the queue URL, `Fn::GetAtt Arn` the ARN; for
  [*AWS::SNS::Topic*](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sns-topic.html) `Ref` returns the topic ARN
- [Terraform `aws_sqs_queue`](https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sqs_queue): `id` and `url` are the queue URL, `arn`
  the ARN
"""
from lambdalint.model.targets import dead_letter_functions, dead_letter_targets
from lambdalint.rulekit import Issue, Link, Rule, Sure, Unsure
from lambdalint.values import Unknown
from lambdalint.native_names import native_name

RULE = Rule(
    id="LL302",
    name="dlq-target-is-queue-url",
    severity="error",
    summary="The dead-letter target is an SQS queue URL (e.g. !Ref Queue), not the queue ARN",
)


def subjects(model, options):
    return dead_letter_functions(model)


def check(model, fn, options):
    for target in dead_letter_targets(model, fn):
        if isinstance(target, Unsure):
            yield target
            continue
        if isinstance(target.value, Unknown):  # an ARN known in part: its service is literal
            yield Sure(fn, "the ARN's service and resource type are written literally")
        if target.form != "url":
            continue
        if target.entity is not None:
            queue = target.entity
            yield Issue(
                fn,
                f"dead-letter target ({native_name(target.value, 'DeadLetterConfig.TargetArn')}) of {fn.name} "
                f"is {target.text}, the URL of queue {queue.name}, not "
                f"its ARN; use the queue's ARN attribute (CloudFormation `!GetAtt Queue.Arn`, "
                f"Terraform `aws_sqs_queue.name.arn`).",
                target.source,
                related=(Link(queue.source, f"queue {queue.name}", queue.name),),
            )
        else:
            yield Issue(
                fn,
                f"dead-letter target ({native_name(target.value, 'DeadLetterConfig.TargetArn')}) of {fn.name} "
                f"is the queue URL {target.text}, not an ARN; use "
                f"the queue ARN (arn:aws:sqs:REGION:ACCOUNT:NAME).",
                target.source,
            )
