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
- AWS Lambda Developer Guide, *Types of metrics for Lambda functions* (`monitoring-metrics`):
  `Errors`, `Throttles`, `DeadLetterErrors`, `IteratorAge` (constraints.md §14)
- CloudWatch *Recommended alarms* for AWS services (constraints.md §14; Lambda section not
  retrieved, marked unverified there)
"""
from lambdalint.model import Alarm
from lambdalint.rulekit import Issue, Link, Rule, Unsure
from lambdalint.values import Known, ResourceRef, Unknown, known_str

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


def _alarm_covers(alarm, fn):
    """(metric name, covers?) for an alarm: covers is None when undecidable."""
    namespace = known_str(alarm.namespace)
    metric = known_str(alarm.metric)
    if namespace != "AWS/Lambda" or metric is None:
        return metric, False
    dims = alarm.dimensions.value if isinstance(alarm.dimensions, Known) and isinstance(alarm.dimensions.value, dict) else {}
    if "FunctionName" not in dims:
        return metric, not dims  # account-wide alarm; other dimensions (Resource only) do not name it
    return metric, _names_function(dims["FunctionName"], fn)


def check(model, options):
    alarms = model.of_type(Alarm)
    for fn in model.functions():
        wanted = ["Errors", "Throttles"]
        if any(not leaf.absent for leaf in fn.dead_letter_target.leaves()):
            wanted.append("DeadLetterErrors")
        streams = [esm for esm in model.event_source_mappings(fn) if esm.source_kind in STREAM_SOURCES]
        if streams:
            wanted.append("IteratorAge")
        covered, undecided = set(), []
        for alarm in alarms:
            metric, covers = _alarm_covers(alarm, fn)
            if covers:
                covered.add(metric)
            elif covers is None and metric in wanted:
                undecided.append((metric, alarm))
        missing = [m for m in wanted if m not in covered]
        if not missing:
            continue
        undecided = [alarm for metric, alarm in undecided if metric in missing]
        if undecided:
            names = ", ".join(a.name for a in undecided)
            yield Unsure(fn, f"alarms {names}: FunctionName dimension cannot be resolved", undecided[0].source)
            continue
        math = [a for a in alarms if a.metric.absent and a.namespace.absent and a.source.doc is fn.source.doc]
        if math:
            yield Unsure(fn, f"alarm {math[0].name} uses metric math (Metrics), which is not analysed", math[0].source)
            continue
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
