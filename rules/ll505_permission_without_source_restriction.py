"""
## What it does
Flags a Lambda permission (`AWS::Lambda::Permission`, `aws_lambda_permission`) whose principal
is an AWS service (`*.amazonaws.com`) but that sets no `SourceArn`, and, for
`s3.amazonaws.com`, one that sets no `SourceAccount`.

For S3, `SourceAccount` is what the rule asks for, and it is enough on its own. S3 bucket ARNs
carry no account ID, so a `SourceArn` alone does not stop a bucket of the same name in another
account, while `SourceAccount` does; adding the bucket's ARN only narrows the permission to one
bucket of your own account. That is also exactly the permission SAM writes for an `S3` event:
`SourceAccount: !Ref AWS::AccountId` and no `SourceArn`, which SAM leaves out because the bucket's
notification configuration and the permission would depend on each other. So a SAM template and
the CloudFormation SAM turns it into get the same answer, and nobody is asked to change what SAM
generates. The permissions SAM writes for its other events and for connectors set `SourceArn`.

## Why is this bad?
Without `SourceArn` the permission lets any resource of that service invoke the function, "even
if that resource is from another account" (the confused-deputy problem): anyone can point their
own bucket, topic, rule or API at the function. S3 bucket ARNs carry no account ID, so for S3
only `SourceAccount` ties the permission to your account (a bucket name freed by a deletion can
be taken by someone else).

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
  SnsInvoke:   # expect: LL505
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Ref Worker
      Action: lambda:InvokeFunction
      Principal: sns.amazonaws.com
```

## Use instead
```yaml
Resources:
  Alerts:
    Type: AWS::SNS::Topic
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: arn:aws:iam::123456789012:role/worker
  SnsInvoke:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Ref Worker
      Action: lambda:InvokeFunction
      Principal: sns.amazonaws.com
      SourceArn: !Ref Alerts
```

## References
- [Terraform `aws_lambda_permission`](https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/lambda_permission) `source_arn`: "Without
  this, any resource from `principal` will be granted permission – even if that resource is from
  another account."
- [AWS Lambda Developer Guide, *Using resource-based policies for Lambda*](https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html):
  specify the source with `source-arn`; for Amazon S3 "Use the `source-account` option with your
  account ID to ensure that only resources in your account can invoke the function."
- cfn-lint W3663 (`SourceAccount` for S3); tfsec/trivy "restrict source ARN"
  ([aquasecurity/tfsec#570](https://github.com/aquasecurity/tfsec/issues/570))
"""
from lambdalint.model.principals import service_principal
from lambdalint.rulekit import Issue, Link, Rule, Sure, blocked
from lambdalint.native_names import native_name
from lambdalint.values import Absent, Known, Unknown, describe

RULE = Rule(
    id="LL505",
    name="permission-without-source-restriction",
    severity="warning",
    summary="A service-principal Lambda permission without SourceArn (S3: without SourceAccount)",
    subject="permission",
)


def _absent_leaf(value):
    """The value itself when unset, or an Fn::If branch that leaves it unset; else None."""
    if value.absent:
        return value
    for leaf in value.leaves():
        if isinstance(leaf, Absent):
            return leaf
    return None


def check(model, permission, options):
    services = []
    for leaf in permission.principal.leaves():
        if isinstance(leaf, Known) and isinstance(leaf.value, str):
            if leaf.value.endswith(".amazonaws.com") and leaf.value not in services:
                services.append(leaf.value)
        elif isinstance(leaf, Unknown):
            if service_principal(leaf) is False:
                yield Sure(permission, f"the principal {leaf.partial} is an account or role, not a service, "
                                       f"whatever its deploy-time parts are")
            else:
                yield blocked(permission, leaf, "Principal")
    functions = model.targets(permission.function)
    target = ", ".join(f.name for f in functions) or describe(permission.function)
    related = tuple(Link(f.source, f"function {f.name}", f.name) for f in functions)
    arn_name = native_name(permission.source_arn, "SourceArn")
    account_name = native_name(permission.source_account, "SourceAccount")
    for principal in services:
        missing_arn = _absent_leaf(permission.source_arn)
        missing_account = _absent_leaf(permission.source_account) if principal == "s3.amazonaws.com" else None
        if missing_account is None and principal == "s3.amazonaws.com" or missing_arn is None and missing_account is None:
            # SourceAccount is what ties an S3 permission to the account (see the docs)
            yield Sure(permission, "only whether SourceArn/SourceAccount are set matters, not their values")
            continue
        service = principal.split(".", 1)[0]
        if missing_arn is not None and missing_account is not None:
            what = f"neither {arn_name} nor {account_name}"
            scope = f"any S3 bucket in any account can invoke {target}"
        elif missing_arn is not None:
            what = f"no {arn_name}"
            account = permission.source_account
            holder = "this account" if "AWS::AccountId" in describe(account) else f"account {describe(account)}"
            scope = (f"any {service} resource in {holder} can invoke {target}"
                     if not account.absent else f"any {service} resource in any account can invoke {target}")
        else:
            what = f"no {account_name}"
            scope = f"a bucket of that name in another account could invoke {target} (S3 ARNs carry no account ID)"
        whole = permission.source_arn if missing_arn is not None else permission.source_account
        # unset: the permission's header; an Fn::If branch that leaves it unset: that branch
        at = permission.source if whole.absent else ((missing_arn or missing_account).source or permission.source)
        fix = " and ".join(name for name, gap in ((f"{arn_name} (the invoking resource's ARN)", missing_arn),
                                                  (account_name, missing_account)) if gap is not None)
        yield Issue(
            permission,
            f"permission {permission.name} lets {principal} invoke {target} with {what}: {scope}. "
            f"Set {fix}.",
            at,
            related=related,
        )
