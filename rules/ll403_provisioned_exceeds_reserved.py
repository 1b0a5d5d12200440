"""
## What it does
Adds up the provisioned concurrency configured on a function's aliases and versions
(`AWS::Lambda::Alias` / `AWS::Lambda::Version` `ProvisionedConcurrencyConfig`, SAM
`ProvisionedConcurrencyConfig` on the `AutoPublishAlias` alias, Terraform
`aws_lambda_provisioned_concurrency_config`) and flags it when it is larger than the function's
reserved concurrency. A function without reserved concurrency is not checked (only the account
pool limits it). A `Fn::If` counts its worst branch (smallest reservation, largest provisioned
concurrency), said in the message.

## Why is this bad?
"You can't allocate more provisioned concurrency than reserved concurrency for a function." The
provisioned concurrency of all versions and aliases counts toward the function's reserved
concurrency, so the deployment of the alias or version fails. (When the two are equal, the
deployment succeeds but `$LATEST` and any other version are throttled.)

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
      ReservedConcurrentExecutions: 10
  WorkerVersion:
    Type: AWS::Lambda::Version
    Properties:
      FunctionName: !Ref Worker
  WorkerLive:
    Type: AWS::Lambda::Alias
    Properties:
      FunctionName: !Ref Worker
      FunctionVersion: !GetAtt WorkerVersion.Version
      Name: live
      ProvisionedConcurrencyConfig:
        ProvisionedConcurrentExecutions: 20  # expect: LL403
```

## Use instead
Reserve at least as much concurrency as the aliases and versions provision (more, if `$LATEST`
or other versions must keep running):

```yaml
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: arn:aws:iam::123456789012:role/worker
      ReservedConcurrentExecutions: 25
  WorkerVersion:
    Type: AWS::Lambda::Version
    Properties:
      FunctionName: !Ref Worker
  WorkerLive:
    Type: AWS::Lambda::Alias
    Properties:
      FunctionName: !Ref Worker
      FunctionVersion: !GetAtt WorkerVersion.Version
      Name: live
      ProvisionedConcurrencyConfig:
        ProvisionedConcurrentExecutions: 20
```

## References
- [AWS Lambda Developer Guide, *Configuring provisioned concurrency*](https://docs.aws.amazon.com/lambda/latest/dg/provisioned-concurrency.html):
  "You can't allocate more provisioned concurrency than reserved concurrency for a function."
- CloudFormation [*AWS::Lambda::Alias*](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-alias.html) /
  [*AWS::Lambda::Version*](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-version.html) `ProvisionedConcurrencyConfig`;
  SAM `ProvisionedConcurrencyConfig`; [Terraform `aws_lambda_provisioned_concurrency_config`](https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/lambda_provisioned_concurrency_config)
"""
from lambdalint.rulekit import Issue, Link, Rule, blocked
from lambdalint.values import Absent, Either, Unknown, known_int, known_str

RULE = Rule(
    id="LL403",
    name="provisioned-exceeds-reserved",
    severity="error",
    summary="Provisioned concurrency of a function's aliases/versions exceeds its reserved concurrency",
)


def _numbers(value):
    """[(int, leaf)] for the known numeric leaves and [Unknown] leaves of a value."""
    found, unknowns = [], []
    for leaf in value.leaves():
        if isinstance(leaf, Unknown):
            unknowns.append(leaf)
        elif not isinstance(leaf, Absent):
            amount = known_int(leaf)
            if amount is not None:
                found.append((amount, leaf))
    return found, unknowns


def _settings(model, fn):
    """(who, entity, value) for every provisioned concurrency setting of the function: its
    aliases and versions, and the function's own (SAM) setting when no alias entity carries it."""
    settings = []
    carried = False
    for alias in model.aliases(fn):
        if alias.provisioned_concurrency is fn.provisioned_concurrency:
            carried = True
        if not alias.provisioned_concurrency.absent:
            who = f"version {alias.name}" if alias.is_version else f"alias {alias.name}"
            qualifier = known_str(alias.qualifier)
            if not alias.is_version and qualifier and qualifier != alias.name:
                who += f" ({qualifier})"
            settings.append((who, alias, alias.provisioned_concurrency))
    if not carried and not fn.provisioned_concurrency.absent and not fn.auto_publish_alias.absent:
        settings.append((f"the alias of {fn.name}", fn, fn.provisioned_concurrency))
    return settings


def subjects(model, options):
    """Functions with provisioned concurrency somewhere."""
    return [fn for fn in model.functions() if _settings(model, fn)]


def check(model, fn, options):
    settings = _settings(model, fn)
    reserved_values, reserved_unknown = _numbers(fn.reserved_concurrency)
    if reserved_unknown:
        for unknown in reserved_unknown:
            yield blocked(fn, unknown, "ReservedConcurrentExecutions")
        return
    if not reserved_values:
        return  # no reservation: only the account pool limits provisioned concurrency
    reserved, reserved_leaf = min(reserved_values, key=lambda pair: pair[0])
    notes = []
    if isinstance(fn.reserved_concurrency, Either):
        notes.append(f"smallest branch of Fn::If {fn.reserved_concurrency.condition}")

    total, parts, related, crossing = 0, [], [], None
    for who, entity, value in settings:
        amounts, unknowns = _numbers(value)
        for unknown in unknowns:
            yield blocked(fn, unknown, "ProvisionedConcurrentExecutions", f" of {who}", entity.source)
        if unknowns or not amounts:
            continue  # not counted: the known ones are a lower bound
        amount, leaf = max(amounts, key=lambda pair: pair[0])
        extra = []
        if isinstance(value, Either):
            extra.append(f"largest branch of Fn::If {value.condition}")
        if entity is not fn and entity.condition:
            extra.append(f"only if condition {entity.condition}")
        parts.append(f"{who} {amount}" + (f" [{'; '.join(extra)}]" if extra else ""))
        related.append(Link(leaf.source or entity.source, f"{who} provisions {amount}", entity.name))
        total += amount
        if crossing is None and total > reserved:
            crossing = leaf.source or entity.source
    if crossing is None:
        return
    note = f" ({'; '.join(notes)})" if notes else ""
    related.insert(0, Link(reserved_leaf.source or fn.source, f"{fn.name} reserves {reserved}{note}", fn.name))
    yield Issue(
        fn,
        f"provisioned concurrency of {fn.name} adds up to {total} ({', '.join(parts)}), more than its reserved "
        f"concurrency of {reserved}{note}: AWS: \"You can't allocate more provisioned concurrency than reserved "
        f"concurrency for a function\", so the deployment fails. Reserve at least {total} (more if $LATEST or "
        f"other versions must keep running) or provision less",
        crossing,
        related=tuple(related),
    )
