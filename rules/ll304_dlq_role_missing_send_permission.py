"""
## What it does
Follows a function with a dead-letter queue to its execution role and checks, over every policy
attached to that role (inline, `AWS::IAM::Policy`/`ManagedPolicy`, AWS managed policies, SAM
policy templates), that it allows `sqs:SendMessage` on the target queue or `sns:Publish` on the
target topic. An explicit `Deny` wins. For a SAM function without `Role`, SAM's generated role
gets this permission itself, so there is no finding.

## Why is this bad?
Lambda sends failed asynchronous events to the dead-letter queue with the function's execution
role. Without the permission Lambda may reject the configuration when it validates the role,
and otherwise the failed events cannot be delivered (they are counted in `DeadLetterErrors`)
and are lost.

## Example
```yaml
Resources:
  WorkerDlq:
    Type: AWS::SQS::Queue
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]
      ManagedPolicyArns: [arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: !GetAtt WorkerRole.Arn
      DeadLetterConfig:
        TargetArn: !GetAtt WorkerDlq.Arn   # expect: LL304
```

## Use instead
```yaml
Resources:
  WorkerDlq:
    Type: AWS::SQS::Queue
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]
      ManagedPolicyArns: [arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]
      Policies:
        - PolicyName: dead-letter
          PolicyDocument:
            Statement: [{Effect: Allow, Action: sqs:SendMessage, Resource: !GetAtt WorkerDlq.Arn}]
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: !GetAtt WorkerRole.Arn
      DeadLetterConfig:
        TargetArn: !GetAtt WorkerDlq.Arn
```

## References
- [AWS Lambda Developer Guide, *Asynchronous invocation*](https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html): the
  execution role needs `sqs:SendMessage` or `sns:Publish` on the dead-letter queue or topic
- [Terraform `aws_lambda_function`](https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/lambda_function) `dead_letter_config.target_arn`:
  "allowing either the `sns:Publish` or `sqs:SendMessage` action on this ARN"
- [AWS SAM, *AWS::Serverless::Function* `DeadLetterQueue`](https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-function.html):
  SAM adds the permission to the role it generates
"""
from lambdalint.model.targets import dead_letter_functions, dead_letter_targets, role_allows
from lambdalint.rulehelpers import execution_roles, policies_checked, role_link
from lambdalint.rulekit import Issue, Link, Rule, Sure, Unsure
from lambdalint.values import Unknown

RULE = Rule(
    id="LL304",
    name="dlq-role-missing-send-permission",
    severity="error",
    summary="The execution role cannot sqs:SendMessage / sns:Publish to the dead-letter target",
)

ACTION = {"sqs:queue": "sqs:SendMessage", "sns:topic": "sns:Publish"}


def subjects(model, options):
    return dead_letter_functions(model)


def check(model, fn, options):
    for target in dead_letter_targets(model, fn):
        if isinstance(target, Unsure):
            yield target
            continue
        if target.form == "url" or target.kind not in ACTION:
            continue  # LL302 / LL301 report these
        action = ACTION[target.kind]
        for found in execution_roles(model, fn):
            if isinstance(found, Unsure):
                yield found
                continue
            role, _reference = found
            decision = role_allows(model, role, action, target.value)
            if decision.allowed is None:
                yield Unsure(fn, f"{action} on {target.what()} by role {role.name} <- {decision.reason}",
                             target.source, target.cause or decision.cause)
                continue
            if decision.allowed:
                if isinstance(target.value, Unknown):
                    yield Sure(fn, "a statement allows it on any value of the part known only at deploy time")
                continue
            related = [role_link(role)]
            if decision.statement is not None and decision.statement.source is not None:
                related.append(Link(decision.statement.source, decision.reason, role.name))
            if target.entity is not None:
                related.append(Link(target.entity.source, f"dead-letter target {target.entity.name}",
                                    target.entity.name))
            yield Issue(
                fn,
                f"execution role {role.name} of {fn.name} cannot {action} on its dead-letter target "
                f"{target.what()} ({decision.reason}; policies checked: {policies_checked(role)}); failed "
                f"asynchronous events cannot be delivered.",
                target.source,
                related=tuple(related),
            )
