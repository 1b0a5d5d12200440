"""
## What it does
Checks the destinations of asynchronous invocations (event invoke config `OnSuccess` /
`OnFailure`, in CloudFormation, SAM `EventInvokeConfig` and Terraform) and the on-failure
destination of stream event source mappings. A destination must be the ARN of a standard SQS
queue, a standard SNS topic, a Lambda function or an EventBridge event bus (an S3 bucket only
for on-failure); for Kinesis, DynamoDB Streams and Kafka mappings an SQS queue, SNS topic or S3
bucket. FIFO queues and topics, queue URLs and names are flagged, as is a SAM `Type` (of an
`EventInvokeConfig` destination or of a stream event's `OnFailure`) that SAM does not accept (the
transform fails) or that does not match the destination. Finally the function's execution role must be allowed to write to
it (`sqs:SendMessage`, `sns:Publish`, `lambda:InvokeFunction`, `events:PutEvents`,
`s3:PutObject`); SAM's generated role gets these permissions itself.

## Why is this bad?
Lambda validates the destination when the configuration is saved: an unsupported type or a
role without permission fails the deployment ("InvalidParameterValueException: The function's
execution role does not have permissions to call Publish on arn:…", "The destination ARN … is
invalid."). A FIFO queue or topic is accepted but every delivery fails
(`DestinationDeliveryFailures`), so the records are lost.

## Example
```yaml
Resources:
  Failures:
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
  WorkerInvokeConfig:
    Type: AWS::Lambda::EventInvokeConfig
    Properties:
      FunctionName: !Ref Worker
      Qualifier: $LATEST
      DestinationConfig:
        OnFailure:
          Destination: !GetAtt Failures.Arn   # expect: LL308
```

## Use instead
```yaml
Resources:
  Failures:
    Type: AWS::SQS::Queue
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]
      Policies:
        - PolicyName: destinations
          PolicyDocument:
            Statement: [{Effect: Allow, Action: sqs:SendMessage, Resource: !GetAtt Failures.Arn}]
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: !GetAtt WorkerRole.Arn
  WorkerInvokeConfig:
    Type: AWS::Lambda::EventInvokeConfig
    Properties:
      FunctionName: !Ref Worker
      Qualifier: $LATEST
      DestinationConfig:
        OnFailure:
          Destination: !GetAtt Failures.Arn
```

## References
- [AWS Lambda Developer Guide, *Capturing records of Lambda asynchronous invocations*](https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html):
  destinations are a standard SQS queue, a standard SNS topic, a Lambda function, an EventBridge
  event bus or an S3 bucket; a FIFO queue or topic is an "unsupported destination type"
- [AWS Lambda API Reference, *FunctionEventInvokeConfig*](https://docs.aws.amazon.com/lambda/latest/api/API_FunctionEventInvokeConfig.html):
  "S3 buckets are supported only for on-failure destinations"
- [AWS Lambda Developer Guide, *Asynchronous invocation*](https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html): the
  execution role needs `sqs:SendMessage`, `sns:Publish`, `lambda:InvokeFunction`,
  `events:PutEvents` or `s3:PutObject` on the destination; Lambda rejects the configuration
  otherwise ("The function's execution role does not have permissions to call Publish on ...")
- [CloudFormation, *AWS::Lambda::EventSourceMapping OnFailure*](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-lambda-eventsourcemapping-onfailure.html)
"""
from lambdalint.model import EventInvokeConfig, EventSourceMapping, Function
from lambdalint.model.targets import role_allows, targets_of, undecidable_cause
from lambdalint.rulehelpers import execution_roles, policies_checked, role_link
from lambdalint.rulekit import Issue, Link, Rule, Sure, Unsure
from lambdalint.native_names import native_name
from lambdalint.values import Known, Unknown, cause_of, describe

RULE = Rule(
    id="LL308",
    name="on-failure-destination-invalid",
    severity="error",
    summary="An invoke/mapping destination has an unsupported type, is FIFO, or the role cannot write to it",
)

LAMBDA_KINDS = ("lambda:function", "lambda:alias", "lambda:version")
ACTION = {"sqs:queue": "sqs:SendMessage", "sns:topic": "sns:Publish", "lambda:function": "lambda:InvokeFunction",
          "lambda:alias": "lambda:InvokeFunction", "lambda:version": "lambda:InvokeFunction",
          "events:event-bus": "events:PutEvents", "s3:bucket": "s3:PutObject"}
WORD = {"sqs:queue": "SQS queue", "sns:topic": "SNS topic", "lambda:function": "Lambda function",
        "lambda:alias": "Lambda alias", "lambda:version": "Lambda version", "events:event-bus": "EventBridge bus",
        "s3:bucket": "S3 bucket"}
# the SAM `Type` of a destination -> the kinds it may point at: EventInvokeConfig (SAM rejects
# any other Type: "'Type: X' must be one of [...]"), and a stream/queue event's OnFailure ("The
# only valid values for 'Type' are 'SQS', 'SNS', 'S3', and 'Kafka'")
SAM_INVOKE_TYPES = {"SQS": ("sqs:queue",), "SNS": ("sns:topic",), "EventBridge": ("events:event-bus",),
                    "Lambda": LAMBDA_KINDS, "S3Bucket": ("s3:bucket",)}
SAM_EVENT_TYPES = {"SQS": ("sqs:queue",), "SNS": ("sns:topic",), "S3": ("s3:bucket",), "Kafka": ("kafka:cluster",)}
STREAM_SOURCES = ("kinesis", "dynamodb", "kafka", "")
WHEN = {"OnSuccess": "on-success", "OnFailure": "on-failure"}


def _a(noun: str) -> str:
    return ("an " if noun[:1].upper() in "AEIOS" else "a ") + noun


def _function_of(model, value):
    for entity in model.targets(value):
        if isinstance(entity, Function):
            return entity
        for target in model.targets(getattr(entity, "function", None)):  # an alias or version
            if isinstance(target, Function):
                return target
    return None


def _sam_types(types: dict) -> str:
    names = list(types)
    return ", ".join(names[:-1]) + " or " + names[-1]


def _check_destination(model, owner, owner_text, fn, label, destination_value, sam_type, allowed, hint,
                       sam_types=SAM_INVOKE_TYPES):
    """Findings for one destination value; ``allowed`` lists accepted kinds, ``sam_types`` the SAM
    ``Type`` values of this kind of destination."""
    type_text = sam_type.value if isinstance(sam_type, Known) else None
    if type_text is not None and str(type_text) not in sam_types:
        # SAM rejects the template: what the destination is, and the policy SAM would add, do not matter
        yield Issue(owner, f"{WHEN[label]} destination of {owner_text} has {native_name(sam_type, 'Type')} "
                           f"{type_text}, which SAM does not accept: the Type must be {_sam_types(sam_types)}, "
                           f"and the transform fails.", sam_type.source)
        return
    for target in targets_of(model, owner, destination_value, f"{label} destination"):
        if isinstance(target, Unsure):
            yield target
            continue
        leaf = target.value
        where = f"{WHEN[label]} destination of {owner_text}"
        if target.form == "url":
            yield Issue(owner, f"{where} is {target.text}, a queue URL, not an ARN; use the queue's ARN "
                               f"(\"The destination ARN … is invalid.\").", leaf.source)
            continue
        if target.form == "text" and "kafka:cluster" in allowed and target.text.startswith("kafka://"):
            continue  # a Kafka topic destination of a Kafka event source mapping
        if target.form == "text":
            yield Issue(owner, f"{where} is {target.quoted}, which is not an ARN.", leaf.source)
            continue
        if target.form == "ref":
            if target.undecidable:
                yield Unsure(owner, f"{native_name(leaf, label + ' destination')} <- {target.text} (what it holds is "
                                    f"not known)", leaf.source, undecidable_cause(target))
                continue
            if target.attr in ("name", "id") and target.kind in WORD:
                yield Issue(owner, f"{where} is {target.text}, the name of {WORD[target.kind]} "
                                   f"{target.entity.name}, not its ARN; use its ARN attribute.", leaf.source)
                continue
        kind = target.kind
        related = (Link(target.entity.source, f"{target.entity.name} is {target.entity.native_type or kind}",
                        target.entity.name),) if target.entity is not None else ()
        if kind not in allowed:
            what = WORD.get(kind) or (target.entity.native_type if target.entity else None) or kind
            yield Issue(owner, f"{where} is {target.what()}, {_a(what)}; {hint}", leaf.source, related=related)
            continue
        if target.fifo:
            yield Issue(owner, f"{where} is {target.what()}, a FIFO {WORD[kind]}; Lambda supports only standard "
                               f"queues and topics as destinations (deliveries fail as DestinationDeliveryFailures).",
                        leaf.source, related=related)
            continue
        if target.fifo is None and target.entity is None and kind in ("sqs:queue", "sns:topic"):
            yield Unsure(owner, f"whether {where} {target.text} is FIFO (its name is known only at deploy time)",
                         leaf.source, target.cause or "after-apply")
        if target.fifo is None and target.fifo_value is not None and not target.fifo_value.absent:
            setting = native_name(target.fifo_value, "FIFO setting")
            yield Unsure(owner, f"{setting} of {target.what()} <- {describe(target.fifo_value)}", leaf.source,
                         cause_of(target.fifo_value))
        if type_text is not None and kind not in sam_types[str(type_text)]:
            yield Issue(owner, f"{where} has {native_name(sam_type, 'Type')} {type_text} but points at {target.what()}, {_a(WORD[kind])}; "
                               f"SAM accepts Type {_sam_types(sam_types)} matching the "
                               f"destination and grants the role the permission for that Type only.",
                        sam_type.source, related=related)
            continue
        yield from _check_role(model, owner, where, fn, kind, leaf, target, related)


def _check_role(model, owner, where, fn, kind, leaf, target, related):
    if fn is None:
        yield Unsure(owner, f"{where}: the function (and its role) is not in the linted templates", leaf.source,
                     cause_of(getattr(owner, "function", None)) or "not-in-run")
        return
    action = ACTION[kind]
    for found in execution_roles(model, fn, owner):
        if isinstance(found, Unsure):
            yield found
            continue
        role, _reference = found
        decision = role_allows(model, role, action, leaf, "/*" if kind == "s3:bucket" else "")
        if decision.allowed is None:
            yield Unsure(owner, f"{action} on {target.what()} by role {role.name} <- {decision.reason}", leaf.source,
                         target.cause or decision.cause)
            continue
        if decision.allowed:
            if isinstance(leaf, Unknown):
                yield Sure(owner, "a statement allows it on any value of the part known only at deploy time")
            continue
        links = [role_link(role, f"execution role {role.name} of {fn.name}")] + list(related)
        if decision.statement is not None and decision.statement.source is not None:
            links.append(Link(decision.statement.source, decision.reason, role.name))
        yield Issue(owner, f"{where} is {target.what()}, but execution role {role.name} of {fn.name} cannot "
                           f"{action} on it ({decision.reason}; policies checked: {policies_checked(role)}); Lambda "
                           f"rejects the configuration (\"The function's execution role does not have permissions "
                           f"to call …\").", leaf.source, related=tuple(links))


INVOKE_ALLOWED = {
    "OnSuccess": ("sqs:queue", "sns:topic", "events:event-bus") + LAMBDA_KINDS,
    "OnFailure": ("sqs:queue", "sns:topic", "events:event-bus", "s3:bucket") + LAMBDA_KINDS,
}
INVOKE_HINT = {
    "OnSuccess": "an on-success destination must be a standard SQS queue, standard SNS topic, Lambda function "
                 "or EventBridge bus (S3 buckets are supported only for on-failure destinations).",
    "OnFailure": "an on-failure destination must be a standard SQS queue, standard SNS topic, Lambda function, "
                 "EventBridge bus or S3 bucket.",
}


def subjects(model, options):
    """Event invoke configs with a destination, and stream or Kafka event source mappings with an
    on-failure destination."""
    found = [config for config in model.of_type(EventInvokeConfig)
             if any(d is not None and not d.target.absent for d in (config.on_success, config.on_failure))]
    found += [mapping for mapping in model.of_type(EventSourceMapping)
              if not mapping.on_failure.absent
              and (mapping.source_kind if isinstance(mapping.source_kind, str) else "") in STREAM_SOURCES]
    return found


def check(model, subject, options):
    if isinstance(subject, EventInvokeConfig):
        config = subject
        fn = _function_of(model, config.function)
        owner_text = f"event invoke config {config.name}" + (f" (function {fn.name})" if fn else "")
        for label, destination in (("OnSuccess", config.on_success), ("OnFailure", config.on_failure)):
            if destination is None or destination.target.absent:
                continue  # SAM creates the SQS queue / SNS topic itself when Destination is omitted
            yield from _check_destination(model, config, owner_text, fn, label, destination.target,
                                          destination.type, INVOKE_ALLOWED[label], INVOKE_HINT[label])
        return
    mapping = subject
    # a source known only at deploy time (an Unknown kind) may be a stream, as may one of no kind
    kind = mapping.source_kind if isinstance(mapping.source_kind, str) else ""
    fn = _function_of(model, mapping.function)
    owner_text = f"event source mapping {mapping.name}" + (f" (function {fn.name})" if fn else "")
    allowed = ("sqs:queue", "sns:topic", "s3:bucket")
    if kind in ("kafka", ""):
        allowed += ("kafka:cluster",)
    yield from _check_destination(
        model, mapping, owner_text, fn, "OnFailure", mapping.on_failure, mapping.on_failure_type, allowed,
        "the on-failure destination of a stream or Kafka event source mapping must be a standard SQS queue, "
        "standard SNS topic or S3 bucket.", SAM_EVENT_TYPES)
