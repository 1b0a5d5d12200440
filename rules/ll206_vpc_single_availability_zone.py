"""
## What it does
Looks up the Availability Zone of every subnet a VPC function is placed in and reports a
function whose subnets are all in one Availability Zone (a single subnet counts as one).
Zones written as `!Select [n, !GetAZs ""]` are compared by index: different `n` are
different zones.

## Why is this bad?
Lambda runs a VPC function only in the Availability Zones of its subnets. With all subnets
in one zone, an outage of that zone stops the function, although Lambda itself is designed
to run across zones. AWS recommends subnets in at least two zones.

## Example
```yaml
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  PrivateA:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24, AvailabilityZone: !Select [0, !GetAZs ""]}
  PrivateA2:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.2.0/24, AvailabilityZone: !Select [0, !GetAZs ""]}
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: arn:aws:iam::123456789012:role/worker
      VpcConfig:
        SubnetIds: [!Ref PrivateA, !Ref PrivateA2]   # expect: LL206
        SecurityGroupIds: [sg-0123456789abcdef0]
```

## Use instead
```yaml
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  PrivateA:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24, AvailabilityZone: !Select [0, !GetAZs ""]}
  PrivateB:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.2.0/24, AvailabilityZone: !Select [1, !GetAZs ""]}
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: arn:aws:iam::123456789012:role/worker
      VpcConfig:
        SubnetIds: [!Ref PrivateA, !Ref PrivateB]
        SecurityGroupIds: [sg-0123456789abcdef0]
```

## References
- [AWS Lambda Developer Guide, *Resilience in AWS Lambda*](https://docs.aws.amazon.com/lambda/latest/dg/security-resilience.html):
  "specify subnets in multiple Availability Zones to ensure high availability"
- [AWS Lambda Developer Guide, *Configuring file system access*](https://docs.aws.amazon.com/lambda/latest/dg/configuration-filesystem.html):
  "use at least two Availability Zones"
"""
from lambdalint.model import Subnet
from lambdalint.rulehelpers import vpc_functions
from lambdalint.rulekit import Issue, Link, Rule, Sure, Unsure, blocked
from lambdalint.native_names import native_name
from lambdalint.values import Known, Unknown, cause_of, describe, known_str

RULE = Rule(
    id="LL206",
    name="vpc-single-availability-zone",
    severity="info",
    summary="All of a VPC function's subnets are in one Availability Zone (no high availability)",
)


def _zone_text(zone: str) -> str:
    if zone.startswith("${AZ") and zone.endswith("}"):
        return f"the Region's zone #{zone[4:-1]} (!Select [{zone[4:-1]}, !GetAZs])"
    return zone


def subjects(model, options):
    return vpc_functions(model)


def check(model, fn, options):
    for subnets in fn.subnets.leaves():
        if not isinstance(subnets, Known) or not isinstance(subnets.value, list) or not subnets.value:
            if not subnets.absent and not isinstance(subnets, Known):
                yield blocked(fn, subnets, "SubnetIds")
            continue
        present = [leaf for item in subnets.value for leaf in item.leaves() if not leaf.absent]
        if len(subnets.value) == 1 and len(present) == 1 and present[0] is subnets.value[0]:
            # a single subnet is a single zone, whatever the zone is
            only = present[0]
            subnet = model.entity(only)
            name = subnet.name if subnet is not None else describe(only)
            if isinstance(only, Unknown):
                yield Sure(fn, "a single subnet is in a single zone, whatever it is")
            yield Issue(
                fn,
                f"{fn.name} runs only in one Availability Zone: {name} is its only subnet. Add a "
                f"subnet in a second zone so the function keeps running when one zone fails.",
                subnets.source or fn.source,
                related=((Link(subnet.availability_zone.source, f"{subnet.name} is in "
                               f"{_zone_text(known_str(subnet.availability_zone))}", subnet.name),)
                         if isinstance(subnet, Subnet) and known_str(subnet.availability_zone) else ()),
            )
            continue
        zones: dict[str, list] = {}
        blocker = None
        for item in subnets.value:
            for leaf in item.leaves():
                if leaf.absent:
                    continue
                subnet = model.entity(leaf)
                if not isinstance(subnet, Subnet):
                    blocker = blocker or Unsure(fn, f"subnet {describe(leaf)} (Availability Zone not in the linted "
                                                    f"templates)", leaf.source, cause_of(leaf) or "not-in-run")
                    continue
                zone = known_str(subnet.availability_zone) if isinstance(subnet.availability_zone, Known) else None
                if zone is None:
                    if subnet.availability_zone.absent:
                        blocker = blocker or Unsure(
                            fn, f"{native_name(subnet.availability_zone, 'AvailabilityZone')} of {subnet.name} <- "
                                f"not set: AWS picks one", subnet.availability_zone.source or subnet.source, "after-apply")
                    else:
                        blocker = blocker or blocked(fn, subnet.availability_zone, "AvailabilityZone",
                                                     f" of {subnet.name}", subnet.source)
                    continue
                zones.setdefault(zone, []).append(subnet)
        if blocker is not None:
            yield blocker
            continue
        if len(zones) != 1:
            continue
        zone, members = next(iter(zones.items()))
        names = sorted({s.name for s in members})
        placed = f"subnet {names[0]} is" if len(names) == 1 else f"subnets {', '.join(names)} are all"
        yield Issue(
            fn,
            f"{fn.name} runs only in one Availability Zone: {placed} in {_zone_text(zone)}. "
            f"Add a subnet in a second zone so the function keeps running when one zone fails.",
            subnets.source or fn.source,
            related=tuple(Link(s.availability_zone.source, f"{s.name} is in {_zone_text(zone)}", s.name)
                          for s in {s.node: s for s in members}.values()),
        )
