"""
## What it does
For each event source mapping that polls an SQS queue, a Kinesis stream or a DynamoDB stream,
resolves the function's execution role (inline policies, `AWS::IAM::Policy`/`ManagedPolicy`
resources, AWS managed policies, SAM policy templates, wildcards, `NotAction`, `Deny`) and
checks that it allows the read actions Lambda performs with it on that source:

- SQS: `sqs:ReceiveMessage`, `sqs:DeleteMessage`, `sqs:GetQueueAttributes`
- Kinesis: `kinesis:DescribeStream`, `kinesis:GetRecords`, `kinesis:GetShardIterator`,
  `kinesis:ListStreams`
- DynamoDB Streams: `dynamodb:DescribeStream`, `dynamodb:GetRecords`,
  `dynamodb:GetShardIterator`, `dynamodb:ListStreams` (on the stream ARN, `table/x/stream/*`,
  not the table ARN)

A SAM function without `Role` gets the matching managed policy from SAM: no finding.

## Why is this bad?
Lambda polls the source with the execution role. Without these permissions the event source
mapping cannot be created ("Cannot access stream ... Please ensure the role can perform the
GetRecords, GetShardIterator, DescribeStream, and ListStreams Actions on your stream in IAM") or
never delivers a message.

## Example
```yaml
Resources:
  Jobs:
    Type: AWS::SQS::Queue
  Other:
    Type: AWS::SQS::Queue
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
      Policies:
        - PolicyName: poll
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [sqs:ReceiveMessage, sqs:DeleteMessage, sqs:GetQueueAttributes]
                Resource: !GetAtt Other.Arn
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: !GetAtt WorkerRole.Arn
  WorkerJobs:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Worker
      EventSourceArn: !GetAtt Jobs.Arn   # expect: LL502
```

## Use instead
```yaml
Resources:
  Jobs:
    Type: AWS::SQS::Queue
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: !GetAtt WorkerRole.Arn
  WorkerJobs:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Worker
      EventSourceArn: !GetAtt Jobs.Arn
```

## References
- AWS Lambda Developer Guide, [*Using Lambda with Amazon SQS*](https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html),
  [*with Kinesis*](https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html), [*with DynamoDB*](https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html) and
  [*Execution role*](https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html): the execution role reads the
  source (`sqs:ReceiveMessage`, `sqs:DeleteMessage`, `sqs:GetQueueAttributes`;
  `kinesis:GetRecords`, `kinesis:GetShardIterator`, `kinesis:DescribeStream`,
  `kinesis:ListStreams`; `dynamodb:GetRecords`, `dynamodb:GetShardIterator`,
  `dynamodb:DescribeStream`, `dynamodb:ListStreams`), as the managed policies
  [`AWSLambdaSQSQueueExecutionRole`](https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaSQSQueueExecutionRole.html),
  [`AWSLambdaKinesisExecutionRole`](https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaKinesisExecutionRole.html) and
  [`AWSLambdaDynamoDBExecutionRole`](https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaDynamoDBExecutionRole.html) grant
- [AWS SAM policy templates](https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-policy-template-list.html) `SQSPollerPolicy`,
  `KinesisStreamReadPolicy`, `DynamoDBStreamReadPolicy`; SAM attaches the managed policies to the
  role it generates for SQS, Kinesis and DynamoDB events
- The deploy error "Cannot access stream ... Please ensure the role can perform the GetRecords,
  GetShardIterator, DescribeStream, and ListStreams Actions on your stream in IAM":
  [aws-samples/lambda-refarch-webapp#7](https://github.com/aws-samples/lambda-refarch-webapp/issues/7),
  [aws-amplify/amplify-cli#12965](https://github.com/aws-amplify/amplify-cli/issues/12965). The Kinesis actions only
  some consumers need (`DescribeStreamSummary`, `ListShards`, `SubscribeToShard` for enhanced
  fan-out) are not required here: SAM's own `KinesisStreamReadPolicy` omits `ListShards` and
  `SubscribeToShard`.
"""
from lambdalint.model import iam
from lambdalint.rulehelpers import execution_roles, generated, role_link
from lambdalint.rulekit import Issue, Link, Rule, Sure, Unsure, blocked
from lambdalint.values import Absent, Unknown, cause_of, reason_cause, shown

RULE = Rule(
    id="LL502",
    name="poll-source-role-missing-permissions",
    severity="error",
    summary="The execution role lacks the read permissions for its event source mapping (SQS, Kinesis, DynamoDB Streams)",
)

REQUIRED = {
    "sqs": ("SQS queue", ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]),
    "kinesis": ("Kinesis stream", ["kinesis:DescribeStream", "kinesis:GetRecords", "kinesis:GetShardIterator",
                                   "kinesis:ListStreams"]),
    "dynamodb": ("DynamoDB stream", ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator",
                                     "dynamodb:ListStreams"]),
}
MANAGED = {"sqs": "AWSLambdaSQSQueueExecutionRole", "kinesis": "AWSLambdaKinesisExecutionRole",
           "dynamodb": "AWSLambdaDynamoDBExecutionRole"}


def _mappings(model, fn):
    """The function's mappings that need read permissions, and those whose source is known only
    at deploy time (which may)."""
    return [esm for esm in model.event_source_mappings(fn)
            if isinstance(esm.source_kind, Unknown) or esm.source_kind in REQUIRED]


def subjects(model, options):
    """Functions an SQS, Kinesis or DynamoDB Streams event source mapping triggers."""
    return [fn for fn in model.functions() if _mappings(model, fn)]


def check(model, fn, options):
    mappings = _mappings(model, fn)
    for found in execution_roles(model, fn):
        if isinstance(found, Unsure):
            yield found
            continue
        yield from _check_role(model, fn, found[0], mappings)


def _check_role(model, fn, role, mappings):
    for esm in mappings:
        if isinstance(esm.source_kind, Unknown):  # which permissions it needs is not known
            yield blocked(fn, esm.source_kind, "EventSourceArn", f" of {esm.name}", esm.source)
            continue
        label, actions = REQUIRED[esm.source_kind]
        for leaf in esm.event_source.leaves():
            if isinstance(leaf, Absent):
                continue
            targets = model.arn_candidates(leaf)  # an ARN known in part is compared as such
            if not targets:
                yield blocked(fn, leaf, "EventSourceArn", f" of {esm.name}", esm.source)
                continue
            missing, undecided = iam.allows_all(role, actions, targets)
            source_name = shown(leaf)
            if not missing:
                if undecided:
                    yield Unsure(fn, f"role {role.name} on {source_name}: {undecided}", leaf.source or esm.source,
                                 cause_of(leaf) or reason_cause(undecided))
                elif isinstance(leaf, Unknown):
                    yield Sure(fn, "a statement allows it on any value of the part known only at deploy time")
                continue
            maybe = f" (undecided for the rest: {undecided})" if undecided else ""
            yield Issue(
                fn,
                f"execution role {role.name}{generated(role)} of function {fn.name} does not allow "
                f"{', '.join(missing)} on {label} {source_name}, which {esm.name} polls{maybe}: Lambda "
                f"cannot read from it. Grant these actions on the {label.split()[-1]} (or attach "
                f"{MANAGED[esm.source_kind]}).",
                leaf.source or esm.source,
                related=(
                    role_link(role),
                    Link(fn.role.source or fn.source, f"role of function {fn.name}", fn.name),
                ),
            )
