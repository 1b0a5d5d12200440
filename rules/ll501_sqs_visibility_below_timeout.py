"""
## What it does
Follows each SQS event source mapping of a function to its queue and compares the queue's
visibility timeout (default 30 s) with the function's timeout (default 3 s). Queues that SAM
creates for an `SNS` event with `SqsSubscription: true` count too: they keep the 30 s default.
With the option `min-ratio` above 1 (AWS recommends 6), a queue that passes the hard check but
is below `min-ratio` × timeout (plus the batching window) is reported as advice (severity info).

## Why is this bad?
Lambda refuses to create the event source mapping when the queue's visibility timeout is below
the function timeout, so the stack fails at deploy time with "Invalid request provided: Queue
visibility timeout: 30 seconds is less than Function timeout: 90 seconds". Even when it deploys,
a visibility timeout close to the function timeout makes messages reappear (and be processed
twice) while a slow or retried batch is still running.

## Example
```yaml
Resources:
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 30   # expect: LL501
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: arn:aws:iam::123456789012:role/worker
      Timeout: 90
  WorkerJobs:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Worker
      EventSourceArn: !GetAtt Jobs.Arn
```

## Use instead
```yaml
Resources:
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 540
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: arn:aws:iam::123456789012:role/worker
      Timeout: 90
  WorkerJobs:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Worker
      EventSourceArn: !GetAtt Jobs.Arn
```

## References
- [AWS Lambda Developer Guide, *Using Lambda with Amazon SQS*](https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html): set the
  source queue's visibility timeout to "at least six times the timeout that you configure on your
  function", "plus the value of MaximumBatchingWindowInSeconds"
- [CloudFormation, *AWS::SQS::Queue*](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sqs-queue.html) `VisibilityTimeout`
  (0-43200, default 30) and [*AWS::Lambda::Function*](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-function.html)
  `Timeout` (default 3)
- The deploy error "Invalid request provided: Queue visibility timeout: 30 seconds is less than
  Function timeout: 90 seconds": [aws/serverless-application-model#3445](https://github.com/aws/serverless-application-model/issues/3445),
  [#1424](https://github.com/aws/serverless-application-model/issues/1424) (an `SqsSubscription` queue keeps 30 s)
- cfn-lint E3505, cdk-nag LambdaEventSourceSQSVisibilityTimeout ([cdklabs/cdk-nag#1798](https://github.com/cdklabs/cdk-nag/issues/1798))
"""
from lambdalint.model import Queue
from lambdalint.rulekit import Issue, Link, Option, Rule, Unsure, blocked
from lambdalint.rulehelpers import numbers
from lambdalint.native_names import native_name
from lambdalint.values import Unknown, cause_of, describe

RULE = Rule(
    id="LL501",
    name="sqs-visibility-below-timeout",
    severity="error",
    summary="An SQS queue that triggers the function has a visibility timeout below the function timeout",
    options={"min-ratio": Option(float, 1.0, "advise when VisibilityTimeout < min-ratio x Timeout "
                                             "(+ batching window); AWS recommends 6")},
)

ERROR = "Invalid request provided: Queue visibility timeout: {} seconds is less than Function timeout: {} seconds"


def _numbers(value, what, owner):
    """([(int, leaf)], [unsure reasons with their leaf]); ``what`` names the property when the
    value has no place of its own."""
    found, others = numbers(value)
    return found, [(f"{native_name(leaf, what)} of {owner} <- {describe(leaf)}", leaf) for leaf in others]


def subjects(model, options):
    """Functions an SQS event source mapping triggers (or one whose source is known only at deploy
    time, which may be a queue)."""
    return [fn for fn in model.functions()
            if any(esm.source_kind == "sqs" or isinstance(esm.source_kind, Unknown)
                   for esm in model.event_source_mappings(fn))]


def check(model, fn, options):
    ratio = float(options.get("min-ratio", 1.0) or 1.0)
    timeouts, unknown_timeouts = _numbers(fn.timeout, "Timeout", fn.name)
    seen = set()
    for esm in model.event_source_mappings(fn):
        if isinstance(esm.source_kind, Unknown):  # may be a queue
            yield blocked(fn, esm.source_kind, "EventSourceArn", f" of {esm.name}", esm.source)
            continue
        if esm.source_kind != "sqs":
            continue
        queues = [q for q in model.targets(esm.event_source) if isinstance(q, Queue)]
        for unknown in model.unknown_parts(esm.event_source):
            yield blocked(fn, unknown, "EventSourceArn", f" of {esm.name}", esm.source)
        if not queues:
            text = describe(esm.event_source)
            if not isinstance(esm.event_source, Unknown) and not esm.event_source.absent:
                yield Unsure(fn, f"queue {text} of {esm.name} is not in the linted templates",
                             esm.event_source.source or esm.source, "not-in-run")
            continue
        for reason, leaf in unknown_timeouts:
            yield Unsure(fn, reason, leaf.source or fn.source, cause_of(leaf))
        windows, unknown_windows = _numbers(esm.batching_window, "MaximumBatchingWindowInSeconds", esm.name)
        window = max([w for w, _ in windows] or [0])
        for queue in queues:
            if queue.node in seen:
                continue
            seen.add(queue.node)
            visibilities, unknown_vis = _numbers(queue.visibility_timeout, "VisibilityTimeout", queue.name)
            for reason, leaf in unknown_vis:
                yield Unsure(fn, reason, leaf.source or queue.source, cause_of(leaf))
            if not visibilities or not timeouts:
                continue
            visibility, vis_leaf = min(visibilities, key=lambda pair: pair[0])
            timeout, timeout_leaf = max(timeouts, key=lambda pair: pair[0])
            default = " (the default)" if visibility == 30 and vis_leaf.source == queue.source else ""
            visibility_name = native_name(vis_leaf, "VisibilityTimeout")
            timeout_name = native_name(timeout_leaf, "Timeout")
            if queue.native_type.startswith("SAM"):
                default = " (the queue SAM creates for SqsSubscription keeps the 30 s default)"
            related = (
                Link(timeout_leaf.source or fn.source, f"timeout of {fn.name}: {timeout} s", fn.name),
                Link(esm.source, f"event source mapping {esm.name} polls {queue.name}", esm.name),
            )
            if visibility < timeout:
                yield Issue(
                    fn,
                    f"queue {queue.name} has a visibility timeout ({visibility_name}) of {visibility} s{default}, "
                    f"below the {timeout} s timeout ({timeout_name}) of function {fn.name} it triggers through {esm.name}: Lambda "
                    f"rejects the event source mapping ('{ERROR.format(visibility, timeout)}'). Set the "
                    f"queue's visibility timeout to at least {timeout} s (AWS recommends 6 x the function "
                    f"timeout, {6 * timeout} s).",
                    vis_leaf.source or queue.source,
                    related=related,
                )
                continue
            if ratio <= 1:
                continue
            for reason, leaf in unknown_windows:
                yield Unsure(fn, reason, leaf.source or esm.source, cause_of(leaf))
            wanted = ratio * timeout + window
            if visibility < wanted:
                plus = f" + {window} s batching window" if window else ""
                yield Issue(
                    fn,
                    f"queue {queue.name} has a visibility timeout ({visibility_name}) of {visibility} s{default}, "
                    f"less than {ratio:g} x the {timeout} s timeout ({timeout_name}) of function {fn.name}{plus} ({wanted:g} s): "
                    f"messages of a slow or retried batch become visible again and are processed twice.",
                    vis_leaf.source or queue.source,
                    related=related,
                    severity="info",
                )
