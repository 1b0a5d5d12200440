"""
## What it does
Flags provisioned concurrency that has no published version or alias to live on: a SAM
function with `ProvisionedConcurrencyConfig` but no `AutoPublishAlias` (either may come from
`Globals`), and an alias, version or Terraform `aws_lambda_provisioned_concurrency_config`
that puts provisioned concurrency on `$LATEST`.

## Why is this bad?
Provisioned concurrency is configured on a version or an alias, never on the unpublished
`$LATEST` ("Provisioned Concurrency is not supported on the unpublished version of the function
($LATEST)"). SAM refuses the template before deployment ("To set ProvisionedConcurrencyConfig
AutoPublishALias must be defined on the function"), and the Lambda API rejects a configuration
for `$LATEST`.

## Example
```yaml
Transform: AWS::Serverless-2016-10-31
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      ProvisionedConcurrencyConfig:
        ProvisionedConcurrentExecutions: 5  # expect: LL404
```

## Use instead
Let SAM publish a version and an alias, and put the provisioned concurrency there:

```yaml
Transform: AWS::Serverless-2016-10-31
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      AutoPublishAlias: live
      ProvisionedConcurrencyConfig:
        ProvisionedConcurrentExecutions: 5
```

## References
- [AWS Lambda Developer Guide, *Configuring provisioned concurrency*](https://docs.aws.amazon.com/lambda/latest/dg/provisioned-concurrency.html):
  "Provisioned Concurrency is not supported on the unpublished version of the function ($LATEST)"
- [AWS SAM, *AWS::Serverless::Function*](https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-function.html) `ProvisionedConcurrencyConfig`
  needs `AutoPublishAlias`; the SAM translator's error: "To set ProvisionedConcurrencyConfig
  AutoPublishALias must be defined on the function"
- CloudFormation [*AWS::Lambda::Alias*](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-alias.html) /
  [*AWS::Lambda::Version*](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-version.html);
  [Terraform `aws_lambda_provisioned_concurrency_config`](https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/lambda_provisioned_concurrency_config)
  `qualifier` (a version or alias name)
"""
from lambdalint.rulekit import Issue, Link, Rule, Sure, blocked
from lambdalint.model import Alias
from lambdalint.values import Either, Unknown, describe, known_str

RULE = Rule(
    id="LL404",
    name="provisioned-without-alias",
    severity="error",
    summary="Provisioned concurrency without a published alias/version (SAM without AutoPublishAlias, or $LATEST)",
)

LATEST = "$LATEST"


def _present(value) -> bool:
    return any(not leaf.absent for leaf in value.leaves())


def subjects(model, options):
    """Functions and aliases/versions that set provisioned concurrency."""
    return ([fn for fn in model.functions() if _present(fn.provisioned_concurrency)]
            + [alias for alias in model.of_type(Alias) if _present(alias.provisioned_concurrency)])


def check(model, subject, options):
    if isinstance(subject, Alias):
        yield from _check_alias(model, subject)
        return
    fn = subject
    provisioned = fn.provisioned_concurrency
    alias = fn.auto_publish_alias
    leaves = list(alias.leaves())
    missing = [leaf for leaf in leaves if leaf.absent]
    if not missing:
        for leaf in leaves:
            if isinstance(leaf, Unknown):
                yield Sure(fn, "AutoPublishAlias is set, whatever its value")
        return
    for leaf in leaves:
        if isinstance(leaf, Unknown):
            yield blocked(fn, leaf, "AutoPublishAlias")
    notes = []
    if isinstance(alias, Either):
        notes.append(f"in one branch of Fn::If {alias.condition}")
    if "ProvisionedConcurrencyConfig" in fn.inherited:
        notes.append("ProvisionedConcurrencyConfig inherited from SAM Globals")
    note = f" ({'; '.join(notes)})" if notes else ""
    source = next((leaf.source for leaf in provisioned.leaves() if not leaf.absent and leaf.source), None)
    yield Issue(
        fn,
        f"{fn.name} sets provisioned concurrency but no AutoPublishAlias{note}: provisioned concurrency needs a "
        f"published version or alias, and SAM rejects the template with \"To set ProvisionedConcurrencyConfig "
        f"AutoPublishALias must be defined on the function\". Add AutoPublishAlias (e.g. live)",
        source or fn.source,
        related=(Link(alias.source or fn.source, f"{fn.name} has no AutoPublishAlias", fn.name),),
    )


def _check_alias(model, alias):
    function = model.entity(alias.function)
    owner = function.name if function is not None else describe(alias.function)
    for field_value in (alias.qualifier, alias.version):
        latest = [leaf for leaf in field_value.leaves() if known_str(leaf) == LATEST]
        if not latest:
            continue
        kind = "version" if alias.is_version else "alias"
        when = f" (in one branch of Fn::If {field_value.condition})" if isinstance(field_value, Either) else ""
        pc_source = next((leaf.source for leaf in alias.provisioned_concurrency.leaves()
                          if not leaf.absent and leaf.source), None)
        yield Issue(
            alias,
            f"{kind} {alias.name} of {owner} puts provisioned concurrency on $LATEST{when}: "
            f"\"Provisioned Concurrency is not supported on the unpublished version of the function "
            f"($LATEST)\". Point it at a published version",
            latest[0].source or alias.source,
            related=(Link(pc_source or alias.source, f"provisioned concurrency of {alias.name}", alias.name),),
        )
        return
    # an alias points at its version; a version's qualifier is the version itself
    for field_value, name in (((alias.qualifier, "Version"),) if alias.is_version else ((alias.version, "FunctionVersion"),)):
        for leaf in field_value.leaves():
            if isinstance(leaf, Unknown):
                yield blocked(alias, leaf, name)
