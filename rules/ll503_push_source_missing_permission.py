"""
## What it does
Finds push sources declared in the linted templates that invoke a function (S3 bucket
notifications, SNS subscriptions, EventBridge rule targets, API Gateway integrations and Lambda
authorizers, also those written in an API's OpenAPI body) and checks that a Lambda permission
(`AWS::Lambda::Permission`, `aws_lambda_permission`) lets that service's principal
(`s3.amazonaws.com`, `sns.amazonaws.com`, `events.amazonaws.com`, `apigateway.amazonaws.com`)
invoke the function. SAM events create that permission themselves: no finding for them, nor for
the function's other callers of the same service. An API Gateway integration or authorizer with
credentials (`Credentials`, `credentials`, `AuthorizerCredentials`, SAM `FunctionInvokeRole`)
invokes with that role instead: no permission is needed.

## Why is this bad?
A push source calls the function with the function's resource-based policy, not with a role.
Without the permission the invocation is denied: S3 refuses the notification configuration
("Unable to validate the following destination configurations"), while SNS, EventBridge and
API Gateway fail at run time (messages dropped, `FailedInvocations`, HTTP 500), silently as far
as the function is concerned.

## Example
```yaml
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: arn:aws:iam::123456789012:role/worker
  Nightly:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: rate(1 day)
      Targets:
        - Id: worker
          Arn: !GetAtt Worker.Arn   # expect: LL503
```

## Use instead
```yaml
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: arn:aws:iam::123456789012:role/worker
  Nightly:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: rate(1 day)
      Targets:
        - Id: worker
          Arn: !GetAtt Worker.Arn
  NightlyInvoke:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Ref Worker
      Action: lambda:InvokeFunction
      Principal: events.amazonaws.com
      SourceArn: !GetAtt Nightly.Arn
```

## References
- [AWS Lambda Developer Guide, *Using resource-based policies for Lambda*](https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html):
  another service may invoke a function only when the function's policy allows its service
  principal (`s3.amazonaws.com`, `sns.amazonaws.com`, `events.amazonaws.com`,
  `apigateway.amazonaws.com` ...)
- [CloudFormation, *AWS::Lambda::Permission*](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-permission.html):
  "The AWS::Lambda::Permission resource grants an AWS service or another account permission to
  use a function" (`FunctionName`, `Action`, `Principal` required); cfn-lint W3664 (principal
  per source)
- [AWS SAM, *EventSource*](https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-eventsource.html): S3, SNS, Api, HttpApi,
  Schedule, CloudWatchEvent/EventBridgeRule, IoTRule, Cognito and AlexaSkill events generate the
  permission
"""
from lambdalint.rulekit import Issue, Link, Rule, blocked
from lambdalint.values import Absent, Known, describe

RULE = Rule(
    id="LL503",
    name="push-source-missing-permission",
    severity="error",
    summary="A push source targets the function but no Lambda permission lets its service principal invoke it",
)

PRINCIPALS = {
    "s3": "s3.amazonaws.com",
    "sns": "sns.amazonaws.com",
    "events": "events.amazonaws.com",
    "apigateway": "apigateway.amazonaws.com",
}
WHAT = {"s3": "S3 bucket notification", "sns": "SNS subscription", "events": "EventBridge rule target",
        "apigateway": "API Gateway integration"}


def _service(principal: str) -> str:
    return principal.split(".", 1)[0] if principal.endswith(".amazonaws.com") else principal


def _grants(permission, kind: str):
    """True / False / Unknown leaf (undecided) for a permission and a source kind."""
    undecided = None
    for leaf in permission.principal.leaves():
        if isinstance(leaf, Known) and isinstance(leaf.value, str):
            if leaf.value == "*" or _service(leaf.value) == kind:
                return True
        elif not isinstance(leaf, Absent):
            undecided = leaf
    return undecided if undecided is not None else False


def _pushed(model, fn):
    """The function's push triggers that need a Lambda permission of their own (not one that
    invokes with a role of its own: API Gateway credentials)."""
    return [trigger for trigger in model.triggers(fn)
            if not (trigger.from_permission or trigger.permission_generated or trigger.source_kind not in PRINCIPALS
                    or not trigger.invoke_role.absent)]


def subjects(model, options):
    return [fn for fn in model.functions() if _pushed(model, fn)]


def check(model, fn, options):
    permissions = model.permissions_naming(fn)
    # a SAM event comes with the Lambda permission SAM writes for its service (an Api event on an
    # API whose definition holds the integration, an S3 event: SourceAccount only, every bucket)
    generated = {t.source_kind for t in model.triggers(fn) if t.permission_generated}
    reported = set()
    for trigger in _pushed(model, fn):
        kind = trigger.source_kind
        if kind in reported:
            continue  # one answer per service: the same permission serves all of them
        reported.add(kind)
        found, undecided = kind in generated, None
        for permission in permissions:
            answer = _grants(permission, kind)
            if answer is True:
                found = True
                break
            if answer is not False:
                undecided = (permission, answer)
        if found:
            continue
        at = trigger.function.source or trigger.source
        if undecided is not None:
            permission, leaf = undecided
            yield blocked(fn, leaf, "Principal", f" of {permission.name}", permission.source)
            continue
        maybe = [(p, unknown) for p, unknown in model.permissions_maybe_naming(fn) if _grants(p, kind) is not False]
        if maybe:
            permission, unknown = maybe[0]
            yield blocked(fn, unknown, "FunctionName", f" of permission {permission.name} (may be {fn.name})",
                          permission.source)
            continue
        principal = PRINCIPALS[kind]
        same = [t.name for t in _pushed(model, fn) if t.source_kind == kind and t is not trigger]
        also = f" (and {', '.join(dict.fromkeys(same))})" if same else ""
        others = ", ".join(f"{p.name} ({describe(p.principal)})" for p in permissions)
        besides = f"; its permissions ({others}) are for other principals" if permissions else ""
        what = "API Gateway Lambda authorizer" if trigger.authorizer else WHAT[kind]
        yield Issue(
            fn,
            f"{what} {trigger.name}{also} invokes function {fn.name}, but no Lambda permission lets "
            f"{principal} invoke it{besides}: the invocations are denied. Add a Lambda permission for "
            f"{principal} with the source's ARN as SourceArn.",
            at,
            related=(Link(fn.source, f"function {fn.name}", fn.name),),
        )
