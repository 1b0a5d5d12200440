"""
## What it does
Counts every input a project points to beyond the files named: a nested stack's
`TemplateURL`, a SAM application's `Location`, a Terraform module call's `source`, an AWS CDK
function's code asset. Each is one check. It is decided when lambdalint read the input (a local
template, a module that `.terraform/modules/modules.json` records, an asset folder in
`cdk.out`); it is undecided, and listed with `--show-unknowns`, when lambdalint could not read
it: an S3 URL, a Serverless Application Repository application, a registry or git module
before `terraform init`, a missing file, a path outside the project. The note names the source
and what would let lambdalint read it. This rule never reports a finding: it makes the parts
of a project that no other rule could see visible and counted, instead of silently dropped.

## Why is this bad?
The resources of an unread child are invisible to every other rule: the functions of a
registry module in public subnets, a FIFO queue in a nested stack used as a dead-letter queue,
the timeouts of a SAR application. A clean report on a project whose modules were never read
says nothing about them.

## Example
A registry module before `terraform init` (`lambdalint check --show-unknowns infra/`):

```console
note: LL004 module.worker: could not decide: module call module.worker: source terraform-aws-modules/lambda/aws (version 7.21.1) is not downloaded; run `terraform init`, or lint a plan  infra/main.tf:2
```

## Use instead
Let lambdalint read what the deploy tool reads: run `terraform init` (or `terraform get`)
before linting, or lint a plan (`terraform show -json plan > plan.json`); keep nested stack
templates local (the form `aws cloudformation package` uploads) and lint the parent; lint the
`cdk.out` cloud assembly after `cdk synth`.

## References
- [AWS CloudFormation User Guide, *Nested stacks*](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-nested-stacks.html) and
  [`aws cloudformation package`](https://docs.aws.amazon.com/cli/latest/reference/cloudformation/package.html):
  local `TemplateURL` paths are uploaded and rewritten
- [AWS SAM Developer Guide, *Nested applications*](https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-sam-template-nested-applications.html):
  `Location` as a local path or a Serverless Application Repository application
- [Terraform, *Module Sources*](https://developer.hashicorp.com/terraform/language/modules/sources):
  `terraform init` installs modules into `.terraform/modules`, recorded in `modules.json`
- [AWS CDK Developer Guide, *Assets*](https://docs.aws.amazon.com/cdk/v2/guide/assets.html):
  `cdk.out` holds each asset under `asset.<hash>`
"""
from lambdalint.rulekit import Rule, Unsure

RULE = Rule(
    id="LL004",
    name="unread-input",
    severity="info",
    summary="A nested stack, SAM application, Terraform module or CDK asset that lambdalint could not read",
)


def subjects(model, options):
    """One check per input the project points to (nested stack, SAM application, module call,
    CDK asset), read or not."""
    return list(getattr(model, "inputs", ()))


def check(model, ref, options):
    if not ref.read:
        yield Unsure(ref.name, f"{ref.kind} {ref.name}: {ref.reason}", ref.source, ref.cause)
