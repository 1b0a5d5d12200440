"""
## What it does
Flags a dead-letter target that is a FIFO SQS queue or FIFO SNS topic: a referenced queue/topic
with `FifoQueue`/`FifoTopic` (Terraform `fifo_queue`/`fifo_topic`) true, or an ARN ending in
`.fifo`.

## Why is this bad?
Lambda supports only a *standard* SQS queue or *standard* SNS topic as dead-letter queue; a
FIFO queue or topic cannot receive the failed events.

## Example
```yaml
Resources:
  WorkerDlq:
    Type: AWS::SQS::Queue
    Properties:
      FifoQueue: true
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: arn:aws:iam::123456789012:role/worker
      DeadLetterConfig:
        TargetArn: !GetAtt WorkerDlq.Arn   # expect: LL303
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
- [AWS Lambda Developer Guide, *Capturing records of Lambda asynchronous invocations*](https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html):
  "you can configure a standard Amazon SQS queue or standard Amazon SNS topic as a dead-letter
  queue"; a FIFO queue or topic is not standard
"""
from lambdalint.model.targets import dead_letter_functions, dead_letter_targets
from lambdalint.rulekit import Issue, Link, Rule, Unsure
from lambdalint.native_names import native_name
from lambdalint.values import cause_of, describe

RULE = Rule(
    id="LL303",
    name="dlq-target-fifo",
    severity="error",
    summary="The dead-letter target is a FIFO queue or topic; Lambda supports only standard ones",
)


def subjects(model, options):
    return dead_letter_functions(model)


def check(model, fn, options):
    for target in dead_letter_targets(model, fn):
        if isinstance(target, Unsure):
            yield target
            continue
        if target.kind not in ("sqs:queue", "sns:topic"):
            continue
        what = "queue" if target.kind == "sqs:queue" else "topic"
        if target.entity is not None:
            entity = target.entity
            if target.fifo is None:
                if target.fifo_value is not None and not target.fifo_value.absent:
                    setting = native_name(target.fifo_value, "FIFO setting")
                    yield Unsure(fn, f"{setting} of {entity.name} <- {describe(target.fifo_value)}", target.source,
                                 cause_of(target.fifo_value))
                continue
            if target.fifo:
                yield Issue(
                    fn,
                    f"dead-letter target of {fn.name} is FIFO {what} {entity.name}; Lambda supports only a "
                    f"standard SQS queue or standard SNS topic as dead-letter queue.",
                    target.source,
                    related=(Link(target.fifo_value.source, f"{entity.name} is a FIFO {what}", entity.name),),
                )
        elif target.fifo is None:  # an ARN whose name is known only at deploy time
            yield Unsure(fn, f"whether dead-letter target {target.text} is FIFO (its name is known only at deploy "
                             f"time)", target.source, target.cause or "after-apply")
        elif target.fifo:
            yield Issue(
                fn,
                f"dead-letter target of {fn.name} is {target.text}, a FIFO {what} (name ends in .fifo); "
                f"Lambda supports only a standard SQS queue or standard SNS topic as dead-letter queue.",
                target.source,
            )
