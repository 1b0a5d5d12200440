"""
## What it does
Opt-in. Looks for CloudWatch alarms (namespace `AWS/Lambda`, dimension `FunctionName`
naming the function) on the metrics that show a function failing: `Errors` and `Throttles`
always, `DeadLetterErrors` when the function has a dead-letter queue, `IteratorAge` when a
Kinesis or DynamoDB stream triggers it. The finding lists the metrics without an alarm. An
`AWS/Lambda` alarm without dimensions (all functions of the account) counts for every
function. Alarms built from metric math (`Metrics`) are not analysed: a template with one
leaves the check undecided.

## Why is this bad?
Lambda failures are silent unless something watches them: errors and throttles only show up
as metrics, a dead-letter queue that cannot be written loses events (`DeadLetterErrors`),
and a stream consumer that falls behind (`IteratorAge`) loses records when they expire.

## Example
```yaml
Resources:
  Worker:   # expect: LL603
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: arn:aws:iam::123456789012:role/worker
  WorkerErrors:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Namespace: AWS/Lambda
      MetricName: Errors
      Dimensions: [{Name: FunctionName, Value: !Ref Worker}]
      Statistic: Sum
      Period: 60
      EvaluationPeriods: 1
      Threshold: 1
      ComparisonOperator: GreaterThanOrEqualToThreshold
```

## Use instead
```yaml
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: arn:aws:iam::123456789012:role/worker
  WorkerErrors:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Namespace: AWS/Lambda
      MetricName: Errors
      Dimensions: [{Name: FunctionName, Value: !Ref Worker}]
      Statistic: Sum
      Period: 60
      EvaluationPeriods: 1
      Threshold: 1
      ComparisonOperator: GreaterThanOrEqualToThreshold
  WorkerThrottles:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Namespace: AWS/Lambda
      MetricName: Throttles
      Dimensions: [{Name: FunctionName, Value: !Ref Worker}]
      Statistic: Sum
      Period: 60
      EvaluationPeriods: 1
      Threshold: 1
      ComparisonOperator: GreaterThanOrEqualToThreshold
```

## References
- [AWS Lambda Developer Guide, *Types of metrics for Lambda functions*](https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html):
  `Errors`, "The number of invocations that result in a function error", `Throttles`, `DeadLetterErrors`,
  `DestinationDeliveryFailures`, `IteratorAge`
- [Amazon CloudWatch User Guide, *Recommended alarms*](https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Best_Practice_Recommended_Alarms_AWS_Services.html)
  for AWS services, including Lambda
"""
from lambdalint.model import Alarm
from lambdalint.rulekit import Issue, Link, Rule, Sure, Unsure, blocked
from lambdalint.values import Known, ResourceRef, Unknown, cause_of, known_str

RULE = Rule(
    id="LL603",
    name="missing-failure-alarm",
    severity="info",
    summary="No CloudWatch alarm on the function's Errors/Throttles (DeadLetterErrors, IteratorAge)",
    opt_in=True,
)

STREAM_SOURCES = ("kinesis", "dynamodb")


def _names_function(value, fn) -> bool | None:
    """Does a FunctionName dimension value name ``fn``? None when it cannot be told."""
    found = False
    for leaf in value.leaves():
        if isinstance(leaf, Unknown):
            return None
        if isinstance(leaf, Known) and isinstance(leaf.value, ResourceRef):
            if leaf.value.node == fn.node and leaf.value.attr != "arn":
                found = True
            continue
        text = known_str(leaf)
        if text is None:
            continue
        if text == "${" + fn.node + ".name}" or text in {known_str(v) for v in fn.function_name.leaves()} - {None}:
            found = True
    return found


def _alarm_covers(alarm, fn, wanted):
    """(metric names the alarm may be about, covers?) for an alarm: covers is True when it watches
    one of ``wanted`` for ``fn``, False when it cannot, None when a value it depends on is not
    known (its namespace, metric or FunctionName dimension)."""
    metric = known_str(alarm.metric)
    if metric is not None and metric not in wanted:
        return (), False
    namespace = known_str(alarm.namespace)
    if namespace is None and alarm.namespace.absent:
        return (), False  # metric math (Metrics): handled below
    if namespace is not None and namespace != "AWS/Lambda":
        return (), False
    metrics = (metric,) if metric is not None else tuple(wanted)
    if namespace is None or metric is None:
        return metrics, None  # an AWS/Lambda alarm on a metric not known statically
    dims = alarm.dimensions.value if isinstance(alarm.dimensions, Known) and isinstance(alarm.dimensions.value, dict) else {}
    if isinstance(alarm.dimensions, Unknown):
        return metrics, None
    if "FunctionName" not in dims:
        return metrics, not dims  # account-wide alarm; other dimensions (Resource only) do not name it
    return metrics, _names_function(dims["FunctionName"], fn)


def _unknown_of(alarm):
    for value in (alarm.namespace, alarm.metric, alarm.dimensions):
        cause = cause_of(value)
        if cause:
            return cause
    return "other"


def check(model, fn, options):
    alarms = model.of_type(Alarm)
    wanted = ["Errors", "Throttles"]
    if any(not leaf.absent for leaf in fn.dead_letter_target.leaves()):
        wanted.append("DeadLetterErrors")
    streams = [esm for esm in model.event_source_mappings(fn) if esm.source_kind in STREAM_SOURCES]
    maybe_streams = [esm for esm in model.event_source_mappings(fn) if isinstance(esm.source_kind, Unknown)]
    if streams or maybe_streams:
        wanted.append("IteratorAge")
    covered, undecided = set(), []
    for alarm in alarms:
        metrics, covers = _alarm_covers(alarm, fn, wanted)
        if covers:
            covered.update(metrics)
        elif covers is None:
            undecided.append((metrics, alarm))
    missing = [m for m in wanted if m not in covered]
    if not missing:
        if undecided:
            yield Sure(fn, "every metric has an alarm; alarms not known statically cannot change that")
        return
    undecided = [alarm for metrics, alarm in undecided if set(metrics) & set(missing)]
    if undecided:
        names = ", ".join(a.name for a in undecided)
        yield Unsure(fn, f"alarms {names}: namespace, metric or FunctionName dimension cannot be resolved",
                     undecided[0].source, _unknown_of(undecided[0]))
        return
    if "IteratorAge" in missing and not streams:  # only a mapping whose source may be a stream wants it
        missing.remove("IteratorAge")
        if not missing:
            esm = maybe_streams[0]
            yield blocked(fn, esm.source_kind, "EventSourceArn", f" of {esm.name}", esm.source)
            return
    math = [a for a in alarms if a.metric.absent and a.namespace.absent and a.source.doc is fn.source.doc]
    if math:
        yield Unsure(fn, f"alarm {math[0].name} uses metric math (Metrics), which is not analysed", math[0].source,
                     "unsupported")
        return
    why = []
    if "DeadLetterErrors" in missing:
        why.append("it has a dead-letter queue")
    if "IteratorAge" in missing:
        why.append(f"stream source {streams[0].name}")
    extra = f" ({'; '.join(why)})" if why else ""
    related = tuple(Link(esm.source, f"stream event source {esm.name}", esm.name) for esm in streams)
    yield Issue(
        fn,
        f"no CloudWatch alarm on {', '.join(missing)} (namespace AWS/Lambda, dimension FunctionName) "
        f"for {fn.name}{extra}: its failures go unnoticed.",
        fn.source,
        related=related,
    )
