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

A permission applies only to what it names: the function itself (`!Ref Fn`, `!GetAtt Fn.Arn`,
`aws_lambda_function.f.arn`), or one alias or version (`!Ref FnAliasLive`, `!Ref FnVersion`,
SAM's `!Ref Fn.Alias`, a qualified ARN `...:function:f:live`, `!Sub ${Fn.Arn}:live`, Terraform
`qualifier = "live"` or `aws_lambda_alias.live.arn`). The source must invoke what a permission
names: a source that invokes the function itself is not covered by a permission on an alias, a
source that invokes alias `live` (`!Ref FnAliasLive`, an integration URI
`.../functions/${Fn.Arn}:live/invocations`, `aws_lambda_alias.live.invoke_arn`) is not covered
by a permission on the function or on another alias or version. The check is undecided only
when the alias or version itself is unknown (a parameter without default, an API Gateway stage
variable such as `${stageVariables.alias}`, which is set per stage).

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
- [AWS Lambda Developer Guide, *Using Lambda aliases in event sources and permissions policies*](https://docs.aws.amazon.com/lambda/latest/dg/using-aliases.html):
  "The scope of that permission depends on whether you apply it to an alias, a version, or the
  entire function. For example, if you use an alias name (such as helloworld:PROD), the
  permission allows you to invoke the helloworld function using the alias ARN
  (helloworld:PROD). If you attempt to invoke the function without an alias or a specific
  version, then you get a permission error."
- [AWS Lambda API Reference, *AddPermission*](https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html):
  "You can apply the policy at the function level, or specify a qualifier to restrict access to
  a single version or alias. If you use a qualifier, the invoker must use the full Amazon
  Resource Name (ARN) of that version or alias to invoke the function."
- [AWS Lambda Developer Guide (earlier edition), *Versioning, Aliases, and Resource Policies*](http://docs.aws.amazon.com/lambda/latest/dg/versioning-aliases-permissions.html):
  "the permission you grant apply only to the ARN used in the add permission request ... If you
  use an unqualified function name (such as helloworld), the permission is valid only for
  invoking the helloworld function using the unqualified function ARN (using any other ARNs
  will result in a permission error)."
- [CloudFormation, *AWS::Lambda::Permission*](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-permission.html):
  "The AWS::Lambda::Permission resource grants an AWS service or another account permission to
  use a function" (`FunctionName`, `Action`, `Principal` required); cfn-lint W3664 (principal
  per source)
- [AWS SAM, *EventSource*](https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-eventsource.html): S3, SNS, Api, HttpApi,
  Schedule, CloudWatchEvent/EventBridgeRule, IoTRule, Cognito and AlexaSkill events generate the
  permission
"""
from lambdalint.model.invoked import UNQUALIFIED, Qualifier, qualifiers, same_qualifier
from lambdalint.rulekit import Issue, Link, Rule, Unsure, blocked
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


def _covers(model, permission, wanted: Qualifier):
    """Whether the permission is on the alias/version the trigger invokes: True / False, or the
    undecided permission qualifier (a permission applies only to what it names: the function
    itself, or one alias or version)."""
    answers = [(same_qualifier(wanted, q), q) for _, q in qualifiers(model, permission.function, permission.qualifier)]
    if not answers or all(answer is True for answer, _ in answers):
        return True
    if all(answer is False for answer, _ in answers):
        return False
    return next(q for answer, q in answers if answer is not True)


def _pushed(model, fn):
    """The function's push triggers that need a Lambda permission of their own (not one that
    invokes with a role of its own: API Gateway credentials)."""
    return [trigger for trigger in model.triggers(fn)
            if not (trigger.from_permission or trigger.permission_generated or trigger.source_kind not in PRINCIPALS
                    or not trigger.invoke_role.absent)]


def subjects(model, options):
    return [fn for fn in model.functions() if _pushed(model, fn)]


def _invoked(model, fn, trigger) -> list[Qualifier]:
    """The qualifiers under which the trigger invokes ``fn`` (one per branch)."""
    found = qualifiers(model, trigger.function, trigger.qualifier)
    return list(dict.fromkeys(q for _, q in found)) or [UNQUALIFIED]


def check(model, fn, options):
    permissions = model.permissions_naming(fn)
    # a SAM event comes with the Lambda permission SAM writes for its service (an Api event on an
    # API whose definition holds the integration, an S3 event: SourceAccount only, every bucket)
    generated = {t.source_kind for t in model.triggers(fn) if t.permission_generated}
    reported = set()
    for trigger in _pushed(model, fn):
        kind = trigger.source_kind
        for wanted in _invoked(model, fn, trigger):
            if (kind, wanted) in reported:
                continue  # one answer per service and qualifier: the same permission serves all of them
            reported.add((kind, wanted))
            yield from _check_one(model, fn, trigger, kind, wanted, permissions, kind in generated)


def _check_one(model, fn, trigger, kind, wanted, permissions, generated):
    if generated:
        return
    if wanted.unknown is not None:
        yield Unsure(fn, f"{trigger.name} invokes {fn.name} with {wanted.words()}: which alias or version it calls "
                         f"decides which Lambda permission applies", wanted.unknown.source or trigger.source,
                     wanted.unknown.cause)
        return
    undecided, elsewhere = None, []
    for permission in permissions:
        answer = _grants(permission, kind)
        if answer is False:
            continue
        covers = _covers(model, permission, wanted)
        if answer is True and covers is True:
            return
        if covers is False:
            if answer is True:
                elsewhere.append(permission)
            continue
        if undecided is None:
            undecided = (permission, answer, covers)
    at = trigger.function.source or trigger.source
    if undecided is not None:
        permission, leaf, covers = undecided
        if leaf is True:  # the permission's principal is right; its qualifier is unknown
            yield Unsure(fn, f"permission {permission.name} is on {covers.words()}; {trigger.name} invokes "
                             f"{wanted.words()}", (covers.unknown.source if covers.unknown else None) or permission.source,
                         covers.unknown.cause if covers.unknown else "other")
        else:
            yield blocked(fn, leaf, "Principal", f" of {permission.name}", permission.source)
        return
    maybe = [(p, unknown) for p, unknown in model.permissions_maybe_naming(fn) if _grants(p, kind) is not False]
    if maybe:
        permission, unknown = maybe[0]
        yield blocked(fn, unknown, "FunctionName", f" of permission {permission.name} (may be {fn.name})",
                      permission.source)
        return
    principal = PRINCIPALS[kind]
    same = [t.name for t in _pushed(model, fn)
            if t.source_kind == kind and t is not trigger and wanted in _invoked(model, fn, t)]
    also = f" (and {', '.join(dict.fromkeys(same))})" if same else ""
    what = "API Gateway Lambda authorizer" if trigger.authorizer else WHAT[kind]
    target = fn.name if wanted.unqualified else f"{fn.name} ({wanted.words()})"
    if elsewhere:
        target = f"{fn.name} itself (unqualified)" if wanted.unqualified else target
        on = ", ".join(f"{p.name} (on {_on(model, p)})" for p in elsewhere)
        yield Issue(
            fn,
            f"{what} {trigger.name}{also} invokes function {target}, but the Lambda permissions for {principal} "
            f"apply only to what they name: {on}. A permission on an alias or version does not cover another, "
            f"nor the function itself: the invocations are denied. Add a Lambda permission for {principal} on "
            f"what the source invokes, or point the source at what the permission names.",
            at,
            related=(Link(fn.source, f"function {fn.name}", fn.name),)
            + tuple(Link(p.source, f"permission {p.name}", p.name) for p in elsewhere),
        )
        return
    others = ", ".join(f"{p.name} ({describe(p.principal)})" for p in permissions)
    besides = f"; its permissions ({others}) are for other principals" if permissions else ""
    yield Issue(
        fn,
        f"{what} {trigger.name}{also} invokes function {target}, but no Lambda permission lets "
        f"{principal} invoke it{besides}: the invocations are denied. Add a Lambda permission for "
        f"{principal} with the source's ARN as SourceArn.",
        at,
        related=(Link(fn.source, f"function {fn.name}", fn.name),),
    )


def _on(model, permission) -> str:
    found = [q for _, q in qualifiers(model, permission.function, permission.qualifier)]
    words = [("the function itself" if q.unqualified else q.words()) for q in found]
    return " or ".join(dict.fromkeys(words)) or "the function itself"
