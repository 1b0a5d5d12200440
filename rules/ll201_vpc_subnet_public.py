"""
## What it does
Follows each VPC function's subnets to their route tables and flags a subnet whose default
route (`0.0.0.0/0`) goes to an internet gateway.

## Why is this bad?
A Lambda function's network interface never gets a public IP address, so a "public" subnet
(one routed to an internet gateway) gives the function no internet access at all: calls to
the internet and to AWS service endpoints time out. AWS: "Connecting a function to a public
subnet doesn't give it internet access or a public IP address."

## Example
```yaml
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  Igw:
    Type: AWS::EC2::InternetGateway
  PublicRT:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref Vpc}
  DefaultRoute:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref PublicRT, DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref Igw}
  PublicA:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/24}
  PublicAAssoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref PublicA, RouteTableId: !Ref PublicRT}
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: arn:aws:iam::123456789012:role/worker
      VpcConfig:
        SubnetIds: [!Ref PublicA]   # expect: LL201
        SecurityGroupIds: [sg-0123456789abcdef0]
```

## Use instead
Put the function in a private subnet whose route table sends `0.0.0.0/0` to a NAT gateway
that sits in a public subnet (or use VPC endpoints for the AWS services it calls).

## References
- [AWS Lambda Developer Guide, *Giving Lambda functions access to resources in an Amazon VPC*](https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html):
  "When you connect a function to a VPC in your account, the function can't access the internet
  unless your VPC provides access."; "Connecting a function to a public subnet doesn't give it
  internet access or a public IP address."
- [aws/aws-cdk#8935](https://github.com/aws/aws-cdk/issues/8935): the CDK refuses Lambda functions in public
  subnets for the same reason
"""
from lambdalint.model.network import subnet_egress
from lambdalint.rulehelpers import vpc_functions
from lambdalint.rulekit import Issue, Rule, Unsure

RULE = Rule(
    id="LL201",
    name="vpc-subnet-public",
    severity="error",
    summary="A VPC function's subnet routes 0.0.0.0/0 to an internet gateway (no internet access for Lambda)",
)


def subjects(model, options):
    return vpc_functions(model)


def check(model, fn, options):
    for found in subnet_egress(model, fn):
        if isinstance(found, Unsure):
            yield found
            continue
        reference, subnet, path = found
        if path.kind != "igw":
            continue
        table = path.table.name if path.table else "?"
        yield Issue(
            fn,
            f"subnet {subnet.name} (route table {table}) routes 0.0.0.0/0 to internet gateway "
            f"{path.target_name}; a VPC function gets no public IP, so {fn.name} has no internet "
            f"access. Route it through a NAT gateway in a private subnet.",
            reference.source,
            related=tuple(path.links()),
        )
