"""
## What it does
Resolves each function's execution role and checks that it can write the function's logs:
`logs:CreateLogStream` and `logs:PutLogEvents` on the function's log group, and
`logs:CreateLogGroup` unless the templates declare that log group themselves (an
`AWS::Logs::LogGroup` named `/aws/lambda/<function name>`, or the group named in
`LoggingConfig.LogGroup`). A SAM function without `Role` gets `AWSLambdaBasicExecutionRole`
from SAM, so it is never flagged.

## Why is this bad?
Lambda writes the function's output with its execution role. Without these permissions the
function still runs, but no log stream is ever written: errors and timeouts leave no trace
in CloudWatch Logs. When the log group is declared in the template, `CreateLogGroup` is not
needed (least privilege): a role without it is fine then.

## Example
```yaml
Resources:
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
      Policies:
        - PolicyName: read-table
          PolicyDocument:
            Statement:
              - {Effect: Allow, Action: dynamodb:GetItem, Resource: "*"}
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: !GetAtt WorkerRole.Arn   # expect: LL602
```

## Use instead
Declare the log group and allow writing to it (or attach `AWSLambdaBasicExecutionRole`):

```yaml
Resources:
  WorkerLogs:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: !Sub /aws/lambda/${Worker}
      RetentionInDays: 30
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
      Policies:
        - PolicyName: logs
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [logs:CreateLogStream, logs:PutLogEvents]
                Resource: !Sub arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/*
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: !GetAtt WorkerRole.Arn
```

## References
- [AWS Lambda Developer Guide, *Sending Lambda function logs to CloudWatch Logs*](https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html):
  the execution role needs `logs:CreateLogGroup`, `logs:CreateLogStream` and `logs:PutLogEvents`
  (the managed policy [`AWSLambdaBasicExecutionRole`](https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaBasicExecutionRole.html));
  the default log group is `/aws/lambda/<function name>`
- [Terraform `aws_lambda_function`](https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/lambda_function), CloudWatch Logging example: a
  log group created in the configuration makes `logs:CreateLogGroup` unnecessary ("If skipping
  this resource configuration, also add `logs:CreateLogGroup`")
- [stelligent/cfn_nag#603](https://github.com/stelligent/cfn_nag/issues/603): cfn_nag W58 wrongly insists on
  `logs:CreateLogGroup` when the stack creates the log group
"""
from lambdalint.model.iam import allows, allows_all
from lambdalint.model.logs import function_logs
from lambdalint.rulehelpers import execution_roles, generated, role_link
from lambdalint.rulekit import Issue, Link, Rule, Unsure
from lambdalint.values import reason_cause

RULE = Rule(
    id="LL602",
    name="role-missing-log-permissions",
    severity="warning",
    summary="The execution role cannot write the function's logs (CreateLogStream/PutLogEvents, CreateLogGroup)",
)

WRITE = ["logs:CreateLogStream", "logs:PutLogEvents"]
CREATE = "logs:CreateLogGroup"


def check(model, fn, options):
    logs = None
    for found in execution_roles(model, fn):
        if isinstance(found, Unsure):
            yield found
            continue
        role, leaf = found
        logs = logs or function_logs(model, fn)
        needed = list(WRITE)
        if not logs.declared and not logs.explicit and not logs.unknown:
            needed.append(CREATE)
        missing, undecided = allows_all(role, needed, logs.arn_targets())
        if undecided and not missing:
            yield Unsure(fn, f"log permissions of role {role.name} <- {undecided}", leaf.source,
                         reason_cause(undecided))
            continue
        if not missing:
            continue
        group = logs.display(fn)
        denied = allows(role, missing[0], logs.arn_targets()).reason
        label = role.name + generated(role) + (f", which denies them ({denied})" if denied.startswith("denied") else "")
        if missing == [CREATE]:
            text = (f"{fn.name}'s execution role {label} does not allow {CREATE} and no "
                    f"template declares its log group {group}: Lambda cannot create the group, so the "
                    f"function writes no logs. Declare the log group or allow {CREATE}.")
        else:
            text = (f"{fn.name}'s execution role {label} does not allow "
                    f"{', '.join(missing)} on its log group {group}: the function runs but writes no "
                    f"logs. Attach AWSLambdaBasicExecutionRole or allow these actions.")
        related = [role_link(role)]
        related += [Link(g.source, f"log group {g.name}", g.name) for g in logs.declared]
        yield Issue(fn, text, leaf.source, related=tuple(related))
