"""
## What it does
Resolves each function's dead-letter target (`DeadLetterConfig.TargetArn`, SAM
`DeadLetterQueue.TargetArn`, Terraform `dead_letter_config.target_arn`) and flags a target that is
not an SQS queue or SNS topic: a reference to a table, bucket, function, event bus ..., or an ARN
whose service is not `sqs`/`sns`, or a string that is not an ARN at all.

## Why is this bad?
Lambda accepts only the ARN of an SQS queue or SNS topic as dead-letter queue. Anything else is
rejected when the function is created or updated, so the stack does not deploy.

## Example
```yaml
Resources:
  FailedEvents:
    Type: AWS::DynamoDB::Table
    Properties:
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      BillingMode: PAY_PER_REQUEST
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: arn:aws:iam::123456789012:role/worker
      DeadLetterConfig:
        TargetArn: !GetAtt FailedEvents.Arn   # expect: LL301
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
- [AWS Lambda Developer Guide, *Capturing records of Lambda asynchronous invocations*](https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html):
  "you can configure a standard Amazon SQS queue or standard Amazon SNS topic as a dead-letter
  queue"
"""
from lambdalint.model.targets import dead_letter_functions, dead_letter_targets, undecidable_cause
from lambdalint.rulekit import Issue, Link, Rule, Sure, Unsure
from lambdalint.values import Unknown
from lambdalint.native_names import native_name

RULE = Rule(
    id="LL301",
    name="dlq-target-not-sqs-or-sns",
    severity="error",
    summary="The function's dead-letter target is not an SQS queue or SNS topic",
)

VALID = ("sqs:queue", "sns:topic")


def subjects(model, options):
    return dead_letter_functions(model)


def check(model, fn, options):
    for target in dead_letter_targets(model, fn):
        if isinstance(target, Unsure):
            yield target
            continue
        if isinstance(target.value, Unknown):  # an ARN known in part: its service is literal
            yield Sure(fn, "the ARN's service and resource type are written literally")
        if target.form == "url" or target.kind in VALID:
            continue  # a queue URL is LL302's finding
        leaf = target.value
        if target.form == "ref":
            if target.undecidable:
                yield Unsure(fn, f"{native_name(leaf, 'DeadLetterConfig.TargetArn')} <- {target.text} "
                                 f"(what it holds is not known)", leaf.source, undecidable_cause(target))
                continue
            entity = target.entity
            yield Issue(
                fn,
                f"dead-letter target of {fn.name} is {target.text}, which is {entity.name} "
                f"({entity.native_type or entity.kind}), not an SQS queue or SNS topic; Lambda accepts "
                f"only the ARN of a standard SQS queue or SNS topic as dead-letter queue.",
                leaf.source,
                related=(Link(entity.source, f"{entity.name} is {entity.native_type or entity.kind}", entity.name),),
            )
        elif target.form == "arn":
            yield Issue(
                fn,
                f"dead-letter target of {fn.name} is the ARN {target.text}, of service "
                f"'{target.service}' ({target.kind}), not an SQS queue or SNS topic; Lambda accepts only "
                f"the ARN of a standard SQS queue or SNS topic as dead-letter queue.",
                leaf.source,
            )
        else:
            yield Issue(
                fn,
                f"dead-letter target of {fn.name} is {target.quoted}, which is not an ARN; Lambda "
                f"needs the ARN of a standard SQS queue or SNS topic.",
                leaf.source,
            )
