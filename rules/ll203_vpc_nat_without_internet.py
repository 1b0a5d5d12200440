"""
## What it does
Follows each VPC function's subnets to their default route and, when it goes to a NAT
gateway or a NAT instance, follows the NAT on to its own subnet: it reports a NAT that sits
in a subnet without a default route (so no internet gateway behind it), and a private NAT
gateway (`ConnectivityType: private`), which never reaches the internet.

## Why is this bad?
The function's subnet looks right (private, routed through NAT), but the NAT itself has no
way out: every call to the internet or to a public AWS endpoint times out. A NAT gateway
must sit in a public subnet, one whose route table sends `0.0.0.0/0` to an internet gateway.

## Example
```yaml
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  NatSubnet:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/24}
  NatEip:
    Type: AWS::EC2::EIP
    Properties: {Domain: vpc}
  Nat:
    Type: AWS::EC2::NatGateway
    Properties: {SubnetId: !Ref NatSubnet, AllocationId: !GetAtt NatEip.AllocationId}
  PrivateRT:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref Vpc}
  PrivateDefault:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref PrivateRT, DestinationCidrBlock: 0.0.0.0/0, NatGatewayId: !Ref Nat}
  PrivateA:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24}
  PrivateAAssoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref PrivateA, RouteTableId: !Ref PrivateRT}
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: arn:aws:iam::123456789012:role/worker
      VpcConfig:
        SubnetIds: [!Ref PrivateA]   # expect: LL203
        SecurityGroupIds: [sg-0123456789abcdef0]
```

## Use instead
Put the NAT gateway in a public subnet: associate `NatSubnet` with a route table whose
`0.0.0.0/0` route goes to an internet gateway attached to the VPC.

## References
- [AWS Lambda Developer Guide, *Giving Lambda functions access to resources in an Amazon VPC*](https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html):
  "Internet access from a private subnet requires network address translation (NAT)": a route
  to a NAT gateway in a public subnet
- [Amazon VPC User Guide, *NAT gateways*](https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html):
  a public NAT gateway is created in a public subnet and reaches the internet through the
  internet gateway; a private NAT gateway cannot reach the internet
"""
from lambdalint.model import Instance, NatGateway, Subnet
from lambdalint.model.network import egress, subnet_egress
from lambdalint.rulehelpers import vpc_functions
from lambdalint.rulekit import Issue, Link, Rule, Unsure, blocked
from lambdalint.values import known_str

RULE = Rule(
    id="LL203",
    name="vpc-nat-without-internet",
    severity="error",
    summary="A VPC function's subnet routes to a NAT that cannot reach the internet",
)


def subjects(model, options):
    return vpc_functions(model)


def check(model, fn, options):
    for found in subnet_egress(model, fn):
        if isinstance(found, Unsure):
            yield found
            continue
        reference, subnet, path = found
        if path.kind not in ("nat", "instance"):
            continue
        nat = path.target
        label = "NAT gateway" if path.kind == "nat" else "NAT instance"
        if not isinstance(nat, (NatGateway, Instance)):
            # a literal nat-/i- ID: its subnet, and that subnet's routes, are not in the run
            yield Unsure(fn, f"subnet {subnet.name} routes 0.0.0.0/0 to {label} {path.target_name}, which is not "
                             f"in the linted files (its subnet's route to the internet is not known)",
                         reference.source, "not-in-run")
            continue
        table = path.table.name if path.table else "?"
        head = f"{fn.name} -> subnet {subnet.name} -> route table {table} -> 0.0.0.0/0 -> {label} {nat.name}"
        if isinstance(nat, NatGateway) and (known_str(nat.connectivity) or "").lower() == "private":
            yield Issue(
                fn,
                f"{head}, a private NAT gateway (connectivity type private): it cannot reach the "
                f"internet, so {fn.name}'s calls to the internet and public AWS endpoints time out. Use "
                f"a public NAT gateway in a public subnet, or VPC endpoints.",
                reference.source,
                related=tuple(path.links()) + (Link(nat.connectivity.source or nat.source,
                                                    f"{nat.name} is a private NAT gateway", nat.name),),
            )
            continue
        nat_subnet = model.entity(nat.subnet)
        if not isinstance(nat_subnet, Subnet):
            if not nat.subnet.absent and not known_str(nat.subnet):
                yield blocked(fn, nat.subnet, "SubnetId", f" of {label} {nat.name}")
            continue
        outer = egress(model, nat_subnet)
        if outer.kind == "unknown":
            yield Unsure(fn, f"subnet {nat_subnet.name} of {label} {nat.name}: {outer.unknown}", reference.source,
                         outer.cause)
            continue
        if outer.kind != "none":
            # igw: fine; another NAT, a firewall endpoint, a transit gateway: traffic goes on
            # somewhere we cannot judge
            continue
        if outer.table is not None:
            tail = f"route table {outer.table.name}, which has no 0.0.0.0/0 route"
        else:
            tail = "no route table association (the VPC's main route table: only the local route)"
        yield Issue(
            fn,
            f"{head} -> subnet {nat_subnet.name} -> {tail}: the {label} has no internet-gateway "
            f"route, so {fn.name}'s calls to the internet and public AWS endpoints time out. Put the "
            f"{label} in a public subnet (0.0.0.0/0 -> internet gateway).",
            reference.source,
            related=tuple(path.links())
            + (Link(nat.subnet.source or nat.source, f"{label} {nat.name} is in subnet {nat_subnet.name}", nat.name),)
            + tuple(outer.links() or [Link(nat_subnet.source, f"{nat_subnet.name} has no route table "
                                                             f"association", nat_subnet.name)]),
        )
