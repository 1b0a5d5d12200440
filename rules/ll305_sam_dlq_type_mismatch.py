"""
## What it does
For SAM functions, checks `DeadLetterQueue.Type`: it must be exactly `SQS` or `SNS`, and it must
match what `TargetArn` points at (a queue for `SQS`, a topic for `SNS`). The rule exists only for
the SAM form: `Type` is gone from the CloudFormation SAM generates, where what a mismatched `Type`
leads to (a generated role that cannot send to the dead-letter target) is LL304's finding.

## Why is this bad?
SAM rejects any other `Type` ("'DeadLetterQueue' requires Type of ['SQS', 'SNS']"). A `Type`
that does not match the target makes SAM attach the wrong permission to the role it generates
(`sns:Publish` on a queue), so failed events cannot be delivered to the dead-letter queue.

## Example
```yaml
Transform: AWS::Serverless-2016-10-31
Resources:
  WorkerDlq:
    Type: AWS::SQS::Queue
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: "def handler(e, c): pass"
      DeadLetterQueue:
        Type: SNS   # expect: LL305
        TargetArn: !GetAtt WorkerDlq.Arn
```

## Use instead
```yaml
Transform: AWS::Serverless-2016-10-31
Resources:
  WorkerDlq:
    Type: AWS::SQS::Queue
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: "def handler(e, c): pass"
      DeadLetterQueue:
        Type: SQS
        TargetArn: !GetAtt WorkerDlq.Arn
```

## References
- [AWS SAM, *AWS::Serverless::Function* `DeadLetterQueue`](https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-deadletterqueue.html):
  `Type` (`SQS` or `SNS`) and `TargetArn`, both required; the SAM translator rejects others with
  "'DeadLetterQueue' requires Type of ['SQS', 'SNS']"
- SAM adds `sqs:SendMessage` or `sns:Publish` on `TargetArn` according to `Type`, so a wrong
  `Type` also gives the role the wrong permission
"""
from lambdalint.model.targets import dead_letter_targets
from lambdalint.rulekit import Issue, Link, Rule, Sure, Unsure, blocked
from lambdalint.native_names import native_name
from lambdalint.values import Known, Unknown

RULE = Rule(
    id="LL305",
    name="sam-dlq-type-mismatch",
    severity="error",
    summary="SAM DeadLetterQueue.Type is not SQS/SNS or does not match the target's type",
)

KIND_OF_TYPE = {"SQS": "sqs:queue", "SNS": "sns:topic"}
WORD = {"sqs:queue": "an SQS queue", "sns:topic": "an SNS topic"}


def subjects(model, options):
    return [fn for fn in model.functions() if not fn.dead_letter_type.absent]


def check(model, fn, options):
    for type_leaf in fn.dead_letter_type.leaves():
        type_name = native_name(type_leaf, "DeadLetterQueue.Type")
        if not isinstance(type_leaf, Known):
            if not type_leaf.absent:
                yield blocked(fn, type_leaf, "DeadLetterQueue.Type")
            continue
        text = str(type_leaf.value)
        if text not in KIND_OF_TYPE:
            yield Issue(
                fn,
                f"{type_name} of {fn.name} is '{text}'; SAM accepts only 'SQS' or 'SNS' "
                f"(\"'DeadLetterQueue' requires Type of ['SQS', 'SNS']\").",
                type_leaf.source,
            )
            continue
        for target in dead_letter_targets(model, fn):
            if isinstance(target, Unsure):
                yield target
                continue
            if isinstance(target.value, Unknown):  # an ARN known in part: its service is literal
                yield Sure(fn, "the ARN's service and resource type are written literally")
            if target.kind not in WORD or target.kind == KIND_OF_TYPE[text]:
                continue  # not a queue or topic at all: LL301
            target_name = native_name(target.value, "DeadLetterQueue.TargetArn")
            related = (Link(target.source, f"{target_name} {target.text} is {WORD[target.kind]}",
                            target.entity.name if target.entity else None),)
            yield Issue(
                fn,
                f"{type_name} of {fn.name} is {text} but {target_name} {target.text} is "
                f"{WORD[target.kind]}; SAM would grant {'sns:Publish' if text == 'SNS' else 'sqs:SendMessage'} "
                f"instead of the permission the target needs.",
                type_leaf.source,
                related=related,
            )
