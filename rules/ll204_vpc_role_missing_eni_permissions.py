"""
## What it does
For each function placed in subnets, resolves its execution role completely (inline policies,
policies attached to the role, AWS managed policies by ARN, SAM policy templates, wildcards,
`NotAction` and explicit `Deny`) and reports a role that does not allow
`ec2:CreateNetworkInterface`, `ec2:DescribeNetworkInterfaces` and `ec2:DeleteNetworkInterface`
on `*`. A SAM function without `Role` gets these permissions from SAM itself.

## Why is this bad?
Lambda creates and deletes the function's network interfaces in your subnets with the
execution role. Without these permissions the deployment fails ("The provided execution role
does not have permissions to call CreateNetworkInterface on EC2"), or, when only the delete
permission is missing, unused network interfaces are never cleaned up.
`ec2:DescribeNetworkInterfaces` only works when it is allowed on all resources.

## Example
```yaml
Resources:
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: !GetAtt WorkerRole.Arn   # expect: LL204
      VpcConfig:
        SubnetIds: [subnet-0123456789abcdef0, subnet-0123456789abcdef1]
        SecurityGroupIds: [sg-0123456789abcdef0]
```

## Use instead
```yaml
Resources:
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]
      ManagedPolicyArns:
        - !Sub arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: !GetAtt WorkerRole.Arn
      VpcConfig:
        SubnetIds: [subnet-0123456789abcdef0, subnet-0123456789abcdef1]
        SecurityGroupIds: [sg-0123456789abcdef0]
```

## References
- [AWS Lambda Developer Guide, *Giving Lambda functions access to resources in an Amazon VPC*](https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html):
  the execution role needs `ec2:CreateNetworkInterface`, `ec2:DescribeNetworkInterfaces` (which
  "only works if it's allowed on all resources (`"Resource": "*"`)") and
  `ec2:DeleteNetworkInterface`
- AWS managed policies [`AWSLambdaVPCAccessExecutionRole`](https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaVPCAccessExecutionRole.html)
  and [`AWSLambdaENIManagementAccess`](https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaENIManagementAccess.html) grant them;
  SAM's generated role gets the first when `VpcConfig` is set, and SAM's policy template
  [`VPCAccessPolicy`](https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-policy-template-list.html) grants them too
"""
from lambdalint.model import iam
from lambdalint.rulehelpers import execution_roles, policies_checked, role_link
from lambdalint.rulekit import Issue, Link, Rule, Unsure
from lambdalint.values import Known, Unknown, reason_cause

RULE = Rule(
    id="LL204",
    name="vpc-role-missing-eni-permissions",
    severity="error",
    summary="A VPC function's execution role cannot create, describe and delete network interfaces",
)

ENI_ACTIONS = ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface"]


def in_vpc(fn) -> bool:
    """Subnets are given (a non-empty list, or a list known only at deploy time) in some branch."""
    for leaf in fn.subnets.leaves():
        if isinstance(leaf, Unknown):
            return True
        if isinstance(leaf, Known) and isinstance(leaf.value, list) and any(not i.absent for i in leaf.value):
            return True
    return False


def subjects(model, options):
    return [fn for fn in model.functions() if not fn.vpc_config.absent and in_vpc(fn)]


def check(model, fn, options):
    for found in execution_roles(model, fn):
        if isinstance(found, Unsure):
            yield found
            continue
        role, reference = found
        missing, undecided = iam.allows_all(role, ENI_ACTIONS, ["*"])
        if not missing:
            if undecided:
                yield Unsure(fn, f"role {role.name}: {undecided}", reference.source, reason_cause(undecided))
            continue
        related = [role_link(role)]
        denied = []
        for action in missing:
            decision = iam.allows(role, action, ["*"])
            if decision.statement is not None and decision.statement.effect == "Deny":
                denied.append(f"{action} is denied by {decision.statement.origin}")
                related.append(Link(decision.statement.source, f"Deny {action}", role.name))
        why = f" ({'; '.join(denied)})" if denied else ""
        yield Issue(
            fn,
            f"{fn.name} is placed in subnets, but its execution role {role.name} does not allow "
            f"{', '.join(missing)} on '*'{why}. Checked: {policies_checked(role)}. Lambda needs these to "
            f"manage the function's network interfaces; attach AWSLambdaVPCAccessExecutionRole (or "
            f"AWSLambdaENIManagementAccess).",
            reference.source or fn.source,
            related=tuple(related),
        )
