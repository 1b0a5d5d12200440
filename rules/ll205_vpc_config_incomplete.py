"""
## What it does
Checks that a function's VPC configuration names both subnets and security groups: it flags
a `VpcConfig` with subnets but no security groups, or with security groups but no subnets.
An empty list counts as none.

## Why is this bad?
Lambda attaches a VPC function through network interfaces that need both a subnet and at
least one security group. With only one of the two lists the configuration is incomplete:
the deployment is rejected, or (with empty subnets) the function is not attached to the VPC
you meant, and its security groups are silently ignored.

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
      VpcConfig:
        SubnetIds: [subnet-0123456789abcdef0, subnet-0123456789abcdef1]
        SecurityGroupIds: []   # expect: LL205
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
      VpcConfig:
        SubnetIds: [subnet-0123456789abcdef0, subnet-0123456789abcdef1]
        SecurityGroupIds: [sg-0123456789abcdef0]
```

## References
- [AWS Lambda API Reference, *VpcConfig*](https://docs.aws.amazon.com/lambda/latest/api/API_VpcConfig.html): `SubnetIds` (up to 16)
  and `SecurityGroupIds` (up to 5); a function is detached from the VPC with empty lists
- [AWS Lambda Developer Guide, *Giving Lambda functions access to resources in an Amazon VPC*](https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html):
  a VPC function is configured with both subnets and security groups
- [Terraform `aws_lambda_function`](https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/lambda_function) `vpc_config`: "If `subnet_ids`,
  `security_group_ids` and `ipv6_allowed_for_dual_stack` are empty then `vpc_config` is
  considered to be empty or unset."
"""
from lambdalint.rulekit import Issue, Link, Rule, Sure, Unsure, blocked
from lambdalint.native_names import native_name
from lambdalint.values import Either, Known, Unknown, describe

RULE = Rule(
    id="LL205",
    name="vpc-config-incomplete",
    severity="error",
    summary="VpcConfig with subnets but no security groups, or security groups but no subnets",
)


def branches(value, assignment=None):
    """(condition assignment, leaf) for each Fn::If branch of ``value``; the first option of
    an Either is the condition's true branch."""
    assignment = assignment or {}
    if isinstance(value, Either):
        found = []
        for index, option in enumerate(value.options):
            if value.condition in assignment and assignment[value.condition] != (index == 0):
                continue
            found += branches(option, {**assignment, value.condition: index == 0})
        return found
    return [(assignment, value)]


def compatible(a: dict, b: dict) -> bool:
    return all(b.get(key, flag) == flag for key, flag in a.items())


def state(value) -> str:
    """some | none | unknown | maybe (a list whose every item is under a condition)."""
    if value is None or value.absent:
        return "none"
    if isinstance(value, Unknown):
        return "unknown"
    if isinstance(value, Known):
        raw = value.value
        if isinstance(raw, list):
            if not raw:
                return "none"
            if any(not isinstance(item, Either) and not item.absent for item in raw):
                return "some"
            return "maybe"
        return "none" if raw in ("", None) else "some"
    return "unknown"


def subjects(model, options):
    return [fn for fn in model.functions() if not fn.vpc_config.absent]


def check(model, fn, options):
    for subnet_when, subnets in branches(fn.subnets):
        for group_when, groups in branches(fn.security_groups):
            if not compatible(subnet_when, group_when):
                continue
            have_subnets, have_groups = state(subnets), state(groups)
            pair = {have_subnets, have_groups}
            if "none" not in pair or pair == {"none"}:
                if pair & {"some", "unknown", "maybe"}:
                    # a list known only at deploy time (or of conditional items) beside a set one
                    # or another such list: a deploy-time list is taken to be filled
                    yield Sure(fn, "only whether the lists are empty matters; a list known only at deploy time is "
                                   "taken to be filled")
                continue
            if "maybe" in pair:
                conditional = subnets if have_subnets == "maybe" else groups
                yield Unsure(fn, f"{native_name(conditional, 'SubnetIds' if conditional is subnets else 'SecurityGroupIds')}"
                                 f" <- every item is conditional (Fn::If)", conditional.source)
                continue
            when = " and ".join(f"{name} is {'true' if flag else 'false'}"
                                for name, flag in {**subnet_when, **group_when}.items())
            when = f" when {when}" if when else ""
            if "unknown" in pair:
                blocker = subnets if have_subnets == "unknown" else groups
                yield blocked(fn, blocker, "SubnetIds" if blocker is subnets else "SecurityGroupIds")
                continue
            if have_subnets == "some":
                missing, present, what = groups, subnets, "subnets but no security groups"
            else:
                missing, present, what = subnets, groups, "security groups but no subnets"
            # the empty list itself, or the function's header when the list is not set
            where = missing.source if not missing.absent and missing.source is not None else fn.source
            yield Issue(
                fn,
                f"the VPC configuration of {fn.name} has {what}{when} ({describe(present)}); a VPC "
                f"function needs both subnets and at least one security group. Add the missing list, "
                f"or remove the VPC configuration to run outside the VPC.",
                where,
                related=(Link(present.source, f"the {'subnets' if present is subnets else 'security groups'} "
                                              f"that are set", fn.name),),
            )
