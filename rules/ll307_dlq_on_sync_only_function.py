"""
## What it does
Flags a function that has a dead-letter queue while every trigger found in the linted templates
invokes it synchronously (API Gateway, load balancer, Cognito, its function URL ...) or by polling
(SQS, Kinesis, DynamoDB Streams, Kafka event source mappings). Silent when any trigger is
asynchronous (S3, SNS, EventBridge, schedules ...), when no trigger is found, or when a Lambda
permission lets some other principal (an account, an unlisted service) invoke the function.

A permission that admits only calls through the function URL (`Action: lambda:InvokeFunctionUrl`,
or `lambda:InvokeFunction` with `InvokedViaFunctionUrl: true`, as SAM writes for `AuthType:
NONE`) is not such a principal, even with `Principal: "*"`: a function URL call is an HTTP request
answered with the function's result, Lambda's `Invoke` (or `InvokeWithResponseStream`) on the
caller's behalf, never an asynchronous invocation, so it never reaches the dead-letter queue.

## Why is this bad?
Lambda uses a function's dead-letter queue only for failed *asynchronous* invocations. A
synchronous caller gets the error back, and an event source mapping handles failures itself, so
the queue stays empty and failed events are lost unnoticed. For an SQS source, the dead-letter
queue belongs on the source queue (its redrive policy), not on the function.

## Example
```yaml
Transform: AWS::Serverless-2016-10-31
Resources:
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 60
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
        TargetArn: !GetAtt WorkerDlq.Arn   # expect: LL307
      Events:
        FromJobs:
          Type: SQS
          Properties: {Queue: !GetAtt Jobs.Arn}
```

## Use instead
```yaml
Transform: AWS::Serverless-2016-10-31
Resources:
  JobsDlq:
    Type: AWS::SQS::Queue
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 60
      RedrivePolicy: {deadLetterTargetArn: !GetAtt JobsDlq.Arn, maxReceiveCount: 5}
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: "def handler(e, c): pass"
      Events:
        FromJobs:
          Type: SQS
          Properties: {Queue: !GetAtt Jobs.Arn}
```

## References
- [AWS Lambda API Reference, *DeadLetterConfig*](https://docs.aws.amazon.com/lambda/latest/api/API_DeadLetterConfig.html): "The
  dead-letter queue for failed asynchronous invocations."
- [AWS Lambda Developer Guide, *Asynchronous invocation*](https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html): "If
  you're using Amazon SQS as an event source, configure a dead-letter queue on the Amazon SQS
  queue itself and not on the Lambda function."
- [AWS SAM, *AWS::Serverless::Function* `DeadLetterQueue`](https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-function.html)
  (the same note)
- [AWS Lambda Developer Guide, *Invoking a response streaming enabled function using Lambda function URLs*](https://docs.aws.amazon.com/lambda/latest/dg/config-rs-invoke-furls.html):
  "The invoke mode determines which API operation Lambda uses to invoke your function":
  `BUFFERED` ("Lambda invokes your function using the Invoke API operation. Invocation results are
  available when the payload is complete") or `RESPONSE_STREAM` (`InvokeWithResponseStream`); the
  URL's caller receives the result
"""
from lambdalint.model.principals import INVOCATION_OF_PRINCIPAL, principal_service
from lambdalint.rulekit import Issue, Link, Rule, Sure, Unsure
from lambdalint.model.targets import dead_letter_functions
from lambdalint.native_names import native_name
from lambdalint.values import cause_of, describe, known_str

RULE = Rule(
    id="LL307",
    name="dlq-on-sync-only-function",
    severity="warning",
    summary="A DLQ is configured but the function is only invoked synchronously or by polling",
)


def _open_permission(model, fn, entities):
    """(reason, cause when undecided) when some Lambda permission lets a principal that may
    invoke asynchronously call the function (an account, a service lambdalint does not
    classify)."""
    for entity in entities:
        for permission in model.permissions(entity):
            if permission.via_function_url:
                continue  # only function URL calls: synchronous
            for leaf in permission.principal.leaves():
                text = known_str(leaf)
                if text is None:
                    return (f"{native_name(leaf, 'Principal')} of {permission.name} <- {describe(leaf)}",
                            cause_of(leaf) or "other")
                service = principal_service(leaf) if text.endswith(".amazonaws.com") else None
                if service is None or service not in INVOCATION_OF_PRINCIPAL:
                    return f"permission {permission.name} for {text}", None
    return None, None


def subjects(model, options):
    return dead_letter_functions(model)


def check(model, fn, options):
    value = fn.dead_letter_target
    yield Sure(fn, "only whether a dead-letter queue is set matters here, not which one")
    # the model gives the function the triggers, mappings and permissions of its aliases
    entities = [fn]
    triggers = model.triggers(fn)
    mappings = model.event_source_mappings(fn)
    if not triggers and not mappings:
        return
    if any(t.invocation != "sync" for t in triggers):
        return
    reason, undecided = _open_permission(model, fn, entities)
    if undecided:
        yield Unsure(fn, reason, fn.source, undecided)
    if reason:
        return
    described = [f"{t.name} ({t.source_kind or 'push'}, synchronous)" for t in triggers]
    described += [f"{m.name} ({m.source_kind if isinstance(m.source_kind, str) and m.source_kind else 'event source mapping'}, polling)"
                  for m in mappings]
    advice = ""
    if any(m.source_kind == "sqs" for m in mappings):
        advice = (" For an SQS source, put the dead-letter queue on the source queue (its redrive "
                  "policy) instead.")
    related = tuple(Link(t.source, f"{t.name} invokes {fn.name} synchronously", t.name) for t in triggers)
    related += tuple(Link(m.source, f"{m.name} polls for {fn.name}", m.name) for m in mappings)
    yield Issue(
        fn,
        f"{fn.name} has a dead-letter queue ({describe(value)}) but every invocation found is "
        f"synchronous or by polling: {', '.join(described)}; Lambda uses the dead-letter queue only "
        f"for asynchronous invocations, so it stays empty.{advice}",
        value.source,
        related=related,
    )
