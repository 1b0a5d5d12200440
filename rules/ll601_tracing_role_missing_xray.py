"""
## What it does
For each function with active X-Ray tracing, resolves its execution role (inline policies,
attached policy resources, AWS managed policies) and flags it when the role cannot call
`xray:PutTraceSegments` and `xray:PutTelemetryRecords`. A SAM function without `Role`
gets `AWSXrayWriteOnlyAccess` from SAM, so it is never flagged. When `Tracing` comes from SAM
`Globals`, the finding points there and says so.

## Why is this bad?
With `Mode: Active` Lambda samples requests and sends trace segments with the function's
execution role. Without the two X-Ray write permissions the traces are silently dropped:
tracing looks enabled but the service map and traces stay empty.

## Example
```yaml
Resources:
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: !GetAtt WorkerRole.Arn
      TracingConfig:
        Mode: Active   # expect: LL601
```

## Use instead
```yaml
Resources:
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
        - arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: !GetAtt WorkerRole.Arn
      TracingConfig:
        Mode: Active
```

## References
- [AWS Lambda Developer Guide, *Visualize Lambda function invocations using AWS X-Ray*](https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html):
  "Your function needs permission to upload trace data to X-Ray"; the execution role needs
  `xray:PutTraceSegments` and `xray:PutTelemetryRecords` (the `AWSXRayDaemonWriteAccess` policy)
- AWS managed policies [`AWSXRayDaemonWriteAccess`](https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSXRayDaemonWriteAccess.html) and
  [`AWSXrayWriteOnlyAccess`](https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSXrayWriteOnlyAccess.html) grant both; SAM attaches one
  to the role it generates when `Tracing` is set
- [aquasecurity/trivy#8228](https://github.com/aquasecurity/trivy/issues/8228): tracing checks must look at
  functions only
"""
from lambdalint.model.iam import allows, allows_all
from lambdalint.rulehelpers import execution_roles, generated, role_link
from lambdalint.rulekit import Issue, Link, Rule, Unsure, blocked
from lambdalint.values import Known, Unknown, known_str, reason_cause

RULE = Rule(
    id="LL601",
    name="tracing-role-missing-xray",
    severity="error",
    summary="Active tracing is on but the execution role cannot write to X-Ray",
)

ACTIONS = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]


def subjects(model, options):
    """Functions with a tracing mode set (Active, or known only at deploy time)."""
    return [fn for fn in model.functions() if any(not leaf.absent for leaf in fn.tracing.leaves())]


def check(model, fn, options):
    tracing = fn.tracing
    active = [leaf for leaf in tracing.leaves() if (known_str(leaf) or "").lower() == "active"]
    unknown = [leaf for leaf in tracing.leaves() if isinstance(leaf, Unknown)]
    for leaf in unknown:
        yield blocked(fn, leaf, "TracingConfig.Mode")
    if not active:
        return
    where = active[0].source
    inherited = " (from SAM Globals)" if "Tracing" in fn.inherited else ""
    for found in execution_roles(model, fn):
        if isinstance(found, Unsure):
            yield found
            continue
        role, leaf = found
        missing, undecided = allows_all(role, ACTIONS)
        if missing:
            denied = allows(role, missing[0]).reason
            verb, why = ("denies", f" ({denied})") if denied.startswith("denied") else ("does not allow", "")
            yield Issue(
                fn,
                f"{fn.name} has active tracing{inherited} but its execution role {role.name}{generated(role)} {verb} "
                f"{', '.join(missing)}{why}: traces are dropped. Attach AWSXRayDaemonWriteAccess "
                f"or allow the actions on \"*\".",
                where,
                related=(role_link(role),)
                + ((Link(leaf.source, "role reference", fn.name),) if isinstance(leaf, Known) else ()),
            )
        elif undecided:
            yield Unsure(fn, f"X-Ray permissions of role {role.name} <- {undecided}", leaf.source,
                         reason_cause(undecided))
