"""
## What it does
Checks each event source mapping (`AWS::Lambda::EventSourceMapping`, SAM pull events,
`aws_lambda_event_source_mapping`) against the limits Lambda enforces when it creates it:

- `BatchSize` between 1 and 10,000, and at most 10 for an SQS FIFO queue;
- an SQS `BatchSize` above 10 needs `MaximumBatchingWindowInSeconds` of at least 1;
- no batching window on a FIFO queue;
- `StartingPosition` set for Kinesis, DynamoDB Streams and Amazon MSK, not set for SQS
  (and not `AT_TIMESTAMP` for DynamoDB Streams);
- a DynamoDB source is the table's stream, not the table (`!GetAtt Table.Arn`,
  `aws_dynamodb_table.t.arn` or a `...:table/name` ARN where the stream's ARN belongs).

## Why is this bad?
Lambda rejects such a mapping and the deployment fails, e.g. "Invalid request provided: Batching
window is not supported for FIFO queues" or "Invalid request provided: Maximum batch window in
seconds must be greater than 0 if maximum batch size is greater than 10".

## Example
```yaml
Resources:
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      FifoQueue: true
      VisibilityTimeout: 60
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: arn:aws:iam::123456789012:role/worker
  WorkerJobs:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Worker
      EventSourceArn: !GetAtt Jobs.Arn
      BatchSize: 50   # expect: LL504
```

## Use instead
```yaml
Resources:
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      FifoQueue: true
      VisibilityTimeout: 60
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: arn:aws:iam::123456789012:role/worker
  WorkerJobs:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Worker
      EventSourceArn: !GetAtt Jobs.Arn
      BatchSize: 10
```

## References
- [AWS Lambda API Reference, *CreateEventSourceMapping*](https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html):
  `BatchSize` 1-10,000 (at most 10 for FIFO queues); "For streams and Amazon SQS event sources,
  when you set BatchSize to a value greater than 10, you must set
  MaximumBatchingWindowInSeconds to at least 1"; `StartingPosition` is required for Kinesis,
  DynamoDB and Amazon MSK and "Must not be provided if getting events from SQS";
  `EventSourceArn` for DynamoDB Streams is "The ARN of the stream."
- [AWS Lambda Developer Guide, *Using Lambda with Amazon SQS*](https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html)
- The deploy errors "Invalid request provided: Batching window is not supported for FIFO queues"
  ([aws/aws-lambda-dotnet#1758](https://github.com/aws/aws-lambda-dotnet/issues/1758)) and "Invalid request provided:
  Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10"
  ([serverless/serverless#8989](https://github.com/serverless/serverless/issues/8989)). The API reference states the
  batching-window requirement for streams too, but Kinesis and DynamoDB mappings deploy with
  their default batch size of 100 and no window, so only SQS is checked for it.
- cfn-lint E3633/E3634 (`StartingPosition`), E3705 (FIFO batch size)
"""
from lambdalint.model import Queue
from lambdalint.rulekit import Issue, Link, Rule, Sure, Unsure, blocked
from lambdalint.rulehelpers import numbers, with_article
from lambdalint.native_names import native_name
from lambdalint.values import Absent, Known, Unknown, cause_of, describe, known_bool, known_str

RULE = Rule(
    id="LL504",
    name="event-source-mapping-invalid",
    severity="error",
    summary="An event source mapping breaks a limit Lambda enforces (batch size, batching window, StartingPosition)",
    subject="event-source-mapping",
)

NEEDS_POSITION = {"kinesis": "Kinesis", "dynamodb": "DynamoDB Streams", "kafka": "Amazon MSK"}
FIFO_WINDOW = "Invalid request provided: Batching window is not supported for FIFO queues"
BATCH_WINDOW = ("Invalid request provided: Maximum batch window in seconds must be greater than 0 if maximum "
                "batch size is greater than 10")


def _fifo(model, esm):
    """(True/False/None, queue entity or None) for an SQS mapping."""
    answers, queue = set(), None
    for leaf in esm.event_source.leaves():
        target = model.entity(leaf)
        if isinstance(target, Queue):
            queue = target
            for flag in target.fifo.leaves():
                answers.add(known_bool(flag) if not isinstance(flag, Absent) else False)
        elif isinstance(leaf, Known) and isinstance(leaf.value, str):
            answers.add(leaf.value.endswith(".fifo"))
        else:
            answers.add(None)
    if True in answers:
        return True, queue
    return (None if None in answers or not answers else False), queue


def _fifo_unknown(esm, queue) -> Unsure:
    if queue is not None:
        return blocked(esm, queue.fifo, "FifoQueue", f" of {queue.name}", queue.source)
    return Unsure(esm, f"whether queue {describe(esm.event_source)} is FIFO", esm.source,
                  cause_of(esm.event_source) or "not-in-run")


def _mapping_functions(model, esm):
    return ", ".join(f.name for f in model.targets(esm.function)) or describe(esm.function)


def check(model, esm, options):
    kind = esm.source_kind
    if isinstance(kind, Unknown):
        # a source known only at deploy time: the kind-specific limits (FIFO, StartingPosition)
        # cannot be checked; the batch size range holds for every kind
        yield blocked(esm, kind, "EventSourceArn")
        kind = "?"
    if not kind:
        return
    def where():  # the functions are read only for a message
        return f"event source mapping {esm.name} (function {_mapping_functions(model, esm)})"

    batch_name = native_name(esm.batch_size, "BatchSize")
    window_name = native_name(esm.batching_window, "MaximumBatchingWindowInSeconds")
    position_name = native_name(esm.starting_position, "StartingPosition")
    batches, unknown_batches = numbers(esm.batch_size)
    windows, unknown_windows = numbers(esm.batching_window)
    for leaf in unknown_batches:
        yield blocked(esm, leaf, "BatchSize")
    for leaf in unknown_windows:
        yield blocked(esm, leaf, "MaximumBatchingWindowInSeconds")

    fifo, queue = (None, None)
    if kind == "sqs":
        fifo, queue = _fifo(model, esm)
    related = (Link(queue.source, f"FIFO queue {queue.name}", queue.name),) if queue is not None and fifo else ()

    # batch size
    for size, leaf in batches:
        if size < 1 or size > 10000:
            yield Issue(esm, f"{where()} has {batch_name} {size}; Lambda accepts 1 to 10,000.", leaf.source or esm.source)
        elif kind == "sqs" and fifo and size > 10:
            yield Issue(esm, f"{where()} reads FIFO queue {queue.name if queue else describe(esm.event_source)} with "
                             f"{batch_name} {size}; a FIFO queue allows at most 10.", leaf.source or esm.source,
                        related=related)
        elif kind == "sqs" and size > 10 and fifo is False and not unknown_windows:
            window = max([w for w, _ in windows] or [0])
            if window < 1:
                at = windows[0][1].source if windows else None
                yield Issue(esm, f"{where()} has {batch_name} {size} on an SQS queue without a batching window of at "
                                 f"least 1 s: Lambda rejects it ('{BATCH_WINDOW}'). Set "
                                 f"{window_name}, or a {batch_name} of at most 10.",
                            leaf.source or esm.source,
                            related=(Link(at, f"batching window {window} s", esm.name),) if at else ())
        if kind == "sqs" and size > 10 and fifo is None:
            yield _fifo_unknown(esm, queue)

    # batching window on FIFO
    if kind == "sqs" and fifo is None and any(window > 0 for window, _leaf in windows):
        yield _fifo_unknown(esm, queue)
    if kind == "sqs" and fifo:
        for window, leaf in windows:
            if window > 0:
                yield Issue(esm, f"{where()} sets {window_name} {window} on FIFO queue "
                                 f"{queue.name if queue else describe(esm.event_source)}: Lambda rejects it "
                                 f"('{FIFO_WINDOW}').", leaf.source or esm.source, related=related)

    # a DynamoDB table named where its stream belongs
    if kind == "dynamodb-table":
        source_name = native_name(esm.event_source, "EventSourceArn")
        tables = [t for t in model.targets(esm.event_source) if t.kind == "dynamodb:table"]
        what = f"DynamoDB table {tables[0].name}" if tables else f"DynamoDB table {describe(esm.event_source)}"
        yield Issue(esm, f"{where()} names {what} in {source_name}, not a stream: Lambda reads a DynamoDB table "
                         f"only through its stream, so the mapping needs the stream's ARN (the table's StreamArn "
                         f"/ stream_arn attribute, with streams enabled on the table).",
                    esm.event_source.source or esm.source,
                    related=tuple(Link(t.source, f"table {t.name}", t.name) for t in tables))
        return

    # starting position
    position = esm.starting_position
    if kind == "kafka" and cause_of(esm.event_source):
        yield Sure(esm, "only whether a Kafka mapping names an event source matters here")
    if kind in NEEDS_POSITION and not (kind == "kafka" and esm.event_source.absent):
        if position.absent or any(isinstance(leaf, Absent) for leaf in position.leaves()):
            yield Issue(esm, f"{where()} reads {with_article(NEEDS_POSITION[kind])} source but sets no {position_name} "
                             f"(TRIM_HORIZON, LATEST{', AT_TIMESTAMP' if kind == 'kinesis' else ''}), which it "
                             f"requires.", esm.source)
    if kind == "sqs" and not position.absent:
        for leaf in position.leaves():
            if not isinstance(leaf, Absent):
                yield Issue(esm, f"{where()} reads an SQS queue but sets {position_name} "
                                 f"{describe(leaf)}; it must not be provided for SQS.", leaf.source or esm.source)
                break
    if kind == "dynamodb":
        for leaf in position.leaves():
            if isinstance(leaf, Unknown):
                yield blocked(esm, leaf, "StartingPosition")
            if known_str(leaf) == "AT_TIMESTAMP":
                yield Issue(esm, f"{where()} uses {position_name} AT_TIMESTAMP on a DynamoDB stream; only "
                                 f"TRIM_HORIZON and LATEST are supported.", leaf.source or esm.source)
