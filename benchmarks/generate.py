"""Generate realistic Lambda projects, and measure how lambdalint scales with them.

    python benchmarks/generate.py write OUT --kind cfn --files 100 --functions 4
    python benchmarks/generate.py curve --kind sam --files 10,100,1000 --functions 4
    python benchmarks/generate.py scale                # memory proof: 1,000 vs 25,000 files

``write`` creates ``--files`` files (CloudFormation or SAM templates, or Terraform module
directories), each a small service: a VPC with public and private subnets in two Availability
Zones, an internet gateway, a NAT gateway with its Elastic IP, public and private route tables
and their associations, a security group; then ``--functions`` functions, each with its own
execution role (inline policy: logs, network interfaces, the queues it reads and writes), an
SQS queue that triggers it through an event source mapping, a dead-letter queue, a Lambda
permission for an SNS topic, a Mappings/locals lookup for its memory size, reserved concurrency
on every third function and an alias with provisioned concurrency on every fifth.  A few
functions carry the defects lambdalint exists for (a function in a public subnet, a role
without network-interface permissions, a queue whose visibility timeout is below the
function's timeout), so every run also reports findings.

``--layout shared`` makes file 0 a network stack that exports its subnets and security group,
which the other files import (``Fn::ImportValue``; Terraform has no cross-directory
references, so it ignores the option).

``curve`` writes each size into a scratch directory, lints it in a separate process
(``lambdalint check DIR --format json``) and prints CPU time, wall time and peak memory per
size, per file and per function: the scaling curve.  Nothing here fails on a number.

``scale`` is the bounded-memory proof of issue 9: it writes ``--files`` (default 1,000 and
25,000) CloudFormation files of ``--functions`` (default 4) functions each into a scratch
directory outside the repository (the system's temporary directory, or ``--keep``), lints each
size once with the streamed runner (``LAMBDALINT_STREAM=1``, ``--format json --output FILE
--fail-on never``) and prints files, CPU seconds (user + system), milliseconds of CPU per file,
peak RSS, then the ratio of the largest size's time per file to the smallest's and whether the
targets hold (peak under 1 GB; time per file at most 1.2x).  About 3 minutes of CPU for 25,000
files; the scratch files take some 400 MB of disk while they exist.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
AZS = ("us-east-1a", "us-east-1b")


# ---------------------------------------------------------------------------------------------
# CloudFormation and SAM (YAML)

def _cfn_network(export: str | None) -> str:
    out = ["  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n"
           "      EnableDnsSupport: true\n      EnableDnsHostnames: true\n",
           "  Igw:\n    Type: AWS::EC2::InternetGateway\n",
           "  IgwAttach:\n    Type: AWS::EC2::VPCGatewayAttachment\n    Properties:\n"
           "      VpcId: !Ref Vpc\n      InternetGatewayId: !Ref Igw\n",
           "  NatEip:\n    Type: AWS::EC2::EIP\n    Properties:\n      Domain: vpc\n",
           "  Nat:\n    Type: AWS::EC2::NatGateway\n    Properties:\n      AllocationId: !GetAtt NatEip.AllocationId\n"
           "      SubnetId: !Ref PublicA\n",
           "  PublicRoutes:\n    Type: AWS::EC2::RouteTable\n    Properties:\n      VpcId: !Ref Vpc\n",
           "  PublicDefault:\n    Type: AWS::EC2::Route\n    DependsOn: IgwAttach\n    Properties:\n"
           "      RouteTableId: !Ref PublicRoutes\n      DestinationCidrBlock: 0.0.0.0/0\n      GatewayId: !Ref Igw\n",
           "  PrivateRoutes:\n    Type: AWS::EC2::RouteTable\n    Properties:\n      VpcId: !Ref Vpc\n",
           "  PrivateDefault:\n    Type: AWS::EC2::Route\n    Properties:\n      RouteTableId: !Ref PrivateRoutes\n"
           "      DestinationCidrBlock: 0.0.0.0/0\n      NatGatewayId: !Ref Nat\n",
           "  Lambdas:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: functions\n"
           "      VpcId: !Ref Vpc\n      SecurityGroupEgress:\n        - {IpProtocol: '-1', CidrIp: 0.0.0.0/0}\n"]
    for index, (tier, table) in enumerate((("Public", "PublicRoutes"), ("Private", "PrivateRoutes"))):
        for az_index, az in enumerate(AZS):
            name = f"{tier}{'AB'[az_index]}"
            out.append(f"  {name}:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vpc\n"
                       f"      AvailabilityZone: {az}\n      CidrBlock: 10.0.{index * 2 + az_index}.0/24\n"
                       f"      MapPublicIpOnLaunch: {'true' if tier == 'Public' else 'false'}\n")
            out.append(f"  {name}Assoc:\n    Type: AWS::EC2::SubnetRouteTableAssociation\n    Properties:\n"
                       f"      SubnetId: !Ref {name}\n      RouteTableId: !Ref {table}\n")
    if export:
        outputs = ["Outputs:\n"]
        for name in ("PublicA", "PrivateA", "PrivateB", "Lambdas"):
            outputs.append(f"  {name}:\n    Value: !Ref {name}\n    Export:\n      Name: {export}-{name}\n")
        return "".join(out), "".join(outputs)
    return "".join(out), ""


def _net_ref(name: str, shared: str | None) -> str:
    return f"!ImportValue {shared}-{name}" if shared else f"!Ref {name}"


def _cfn_function(i: int, sam: bool, shared: str | None) -> str:
    public = i % 7 == 3  # LL201: a function in a public subnet
    subnets = ("PublicA", "PrivateB") if public else ("PrivateA", "PrivateB")
    eni = i % 11 != 5  # LL204: no network-interface permissions
    timeout = 60 if i % 5 == 2 else 30
    visibility = 45 if i % 5 == 2 else 180  # LL501 when 45 < 60
    size = "large" if i % 2 else "small"
    fn = f"Fn{i}"
    out = [f"  {fn}Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      VisibilityTimeout: {visibility}\n"
           f"      RedrivePolicy:\n        deadLetterTargetArn: !GetAtt {fn}Dlq.Arn\n        maxReceiveCount: 5\n",
           f"  {fn}Dlq:\n    Type: AWS::SQS::Queue\n    Properties:\n      MessageRetentionPeriod: 1209600\n",
           f"  {fn}Topic:\n    Type: AWS::SNS::Topic\n"]
    statements = [
        "          - Effect: Allow\n            Action: [logs:CreateLogGroup, logs:CreateLogStream, logs:PutLogEvents]\n"
        "            Resource: '*'\n",
        f"          - Effect: Allow\n            Action: [sqs:ReceiveMessage, sqs:DeleteMessage, sqs:GetQueueAttributes]\n"
        f"            Resource: !GetAtt {fn}Queue.Arn\n",
        f"          - Effect: Allow\n            Action: sqs:SendMessage\n            Resource: !GetAtt {fn}Dlq.Arn\n"]
    if eni:
        statements.append("          - Effect: Allow\n            Action: [ec2:CreateNetworkInterface, "
                          "ec2:DescribeNetworkInterfaces, ec2:DeleteNetworkInterface]\n            Resource: '*'\n")
    out.append(f"  {fn}Role:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n"
               "        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n"
               "            Principal: {Service: lambda.amazonaws.com}\n            Action: sts:AssumeRole\n"
               f"      Policies:\n        - PolicyName: {fn}Access\n          PolicyDocument:\n"
               "            Version: '2012-10-17'\n            Statement:\n"
               + "".join("  " + s.replace("\n          ", "\n            ") for s in statements))
    vpc = (f"      VpcConfig:\n        SubnetIds:\n          - {_net_ref(subnets[0], shared)}\n"
           f"          - {_net_ref(subnets[1], shared)}\n        SecurityGroupIds:\n"
           f"          - {_net_ref('Lambdas', shared)}\n")
    common = (f"      Runtime: python3.12\n      Handler: app.handler\n      Timeout: {timeout}\n"
              f"      MemorySize: !FindInMap [Sizes, {size}, Memory]\n"
              f"      Environment:\n        Variables:\n          QUEUE_URL: !Ref {fn}Queue\n          STAGE: prod\n")
    if i % 3 == 0:
        common += f"      ReservedConcurrentExecutions: {5 + i % 10}\n"
    if sam:
        body = (f"  {fn}:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: s3://artifacts/{fn}.zip\n"
                + common + vpc + f"      Role: !GetAtt {fn}Role.Arn\n"
                f"      DeadLetterQueue:\n        Type: SQS\n        TargetArn: !GetAtt {fn}Dlq.Arn\n"
                f"      Events:\n        Work:\n          Type: SQS\n          Properties:\n"
                f"            Queue: !GetAtt {fn}Queue.Arn\n            BatchSize: 10\n")
        if i % 5 == 0:
            body += "      AutoPublishAlias: live\n      ProvisionedConcurrencyConfig:\n" \
                    "        ProvisionedConcurrentExecutions: 2\n"
        out.append(body)
    else:
        out.append(f"  {fn}:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code:\n"
                   f"        S3Bucket: artifacts\n        S3Key: {fn}.zip\n" + common + vpc
                   + f"      Role: !GetAtt {fn}Role.Arn\n      DeadLetterConfig:\n        TargetArn: !GetAtt {fn}Dlq.Arn\n")
        out.append(f"  {fn}Mapping:\n    Type: AWS::Lambda::EventSourceMapping\n    Properties:\n"
                   f"      FunctionName: !Ref {fn}\n      EventSourceArn: !GetAtt {fn}Queue.Arn\n      BatchSize: 10\n")
        if i % 5 == 0:
            out.append(f"  {fn}Version:\n    Type: AWS::Lambda::Version\n    Properties:\n      FunctionName: !Ref {fn}\n")
            out.append(f"  {fn}Alias:\n    Type: AWS::Lambda::Alias\n    Properties:\n      FunctionName: !Ref {fn}\n"
                       f"      FunctionVersion: !GetAtt {fn}Version.Version\n      Name: live\n"
                       "      ProvisionedConcurrencyConfig:\n        ProvisionedConcurrentExecutions: 2\n")
    out.append(f"  {fn}Subscription:\n    Type: AWS::SNS::Subscription\n    Properties:\n      Protocol: lambda\n"
               f"      TopicArn: !Ref {fn}Topic\n      Endpoint: !GetAtt {fn}.Arn\n")
    out.append(f"  {fn}Invoke:\n    Type: AWS::Lambda::Permission\n    Properties:\n      Action: lambda:InvokeFunction\n"
               f"      FunctionName: !Ref {fn}\n      Principal: sns.amazonaws.com\n      SourceArn: !Ref {fn}Topic\n")
    return "".join(out)


def cfn_file(number: int, first: int, count: int, sam: bool, shared: str | None, network: bool) -> str:
    head = "AWSTemplateFormatVersion: '2010-09-09'\n"
    if sam:
        head += "Transform: AWS::Serverless-2016-10-31\n"
    head += f"Description: generated service {number}\n"
    head += ("Mappings:\n  Sizes:\n    small: {Memory: 256}\n    large: {Memory: 1024}\n")
    resources, outputs = _cfn_network(shared if network else None) if (network or not shared) else ("", "")
    body = "".join(_cfn_function(i, sam, None if network or not shared else shared) for i in range(first, first + count))
    return head + "Resources:\n" + resources + body + outputs


# ---------------------------------------------------------------------------------------------
# Terraform (HCL)

def _tf_network() -> str:
    out = ['resource "aws_vpc" "main" {\n  cidr_block           = "10.0.0.0/16"\n  enable_dns_support   = true\n'
           '  enable_dns_hostnames = true\n}\n',
           'resource "aws_internet_gateway" "igw" {\n  vpc_id = aws_vpc.main.id\n}\n',
           'resource "aws_eip" "nat" {\n  domain = "vpc"\n}\n',
           'resource "aws_nat_gateway" "nat" {\n  allocation_id = aws_eip.nat.id\n  subnet_id     = aws_subnet.public_a.id\n}\n',
           'resource "aws_route_table" "public" {\n  vpc_id = aws_vpc.main.id\n  route {\n    cidr_block = "0.0.0.0/0"\n'
           '    gateway_id = aws_internet_gateway.igw.id\n  }\n}\n',
           'resource "aws_route_table" "private" {\n  vpc_id = aws_vpc.main.id\n  route {\n    cidr_block     = "0.0.0.0/0"\n'
           '    nat_gateway_id = aws_nat_gateway.nat.id\n  }\n}\n',
           'resource "aws_security_group" "lambdas" {\n  name   = "lambdas"\n  vpc_id = aws_vpc.main.id\n  egress {\n'
           '    from_port   = 0\n    to_port     = 0\n    protocol    = "-1"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n']
    for index, tier in enumerate(("public", "private")):
        for az_index, az in enumerate(AZS):
            name = f"{tier}_{'ab'[az_index]}"
            out.append(f'resource "aws_subnet" "{name}" {{\n  vpc_id            = aws_vpc.main.id\n'
                       f'  availability_zone = "{az}"\n  cidr_block        = "10.0.{index * 2 + az_index}.0/24"\n}}\n')
            out.append(f'resource "aws_route_table_association" "{name}" {{\n  subnet_id      = aws_subnet.{name}.id\n'
                       f'  route_table_id = aws_route_table.{tier}.id\n}}\n')
    return "".join(out)


def _tf_function(i: int) -> str:
    public = i % 7 == 3
    subnets = ("public_a", "private_b") if public else ("private_a", "private_b")
    eni = i % 11 != 5
    timeout = 60 if i % 5 == 2 else 30
    visibility = 45 if i % 5 == 2 else 180
    fn = f"fn{i}"
    actions = ['"logs:CreateLogGroup"', '"logs:CreateLogStream"', '"logs:PutLogEvents"']
    if eni:
        actions += ['"ec2:CreateNetworkInterface"', '"ec2:DescribeNetworkInterfaces"', '"ec2:DeleteNetworkInterface"']
    out = [f'resource "aws_sqs_queue" "{fn}_dlq" {{\n  message_retention_seconds = 1209600\n}}\n',
           f'resource "aws_sqs_queue" "{fn}" {{\n  visibility_timeout_seconds = {visibility}\n'
           f'  redrive_policy = jsonencode({{\n    deadLetterTargetArn = aws_sqs_queue.{fn}_dlq.arn\n    maxReceiveCount     = 5\n  }})\n}}\n',
           f'resource "aws_sns_topic" "{fn}" {{\n  name = "{fn}-events"\n}}\n',
           f'resource "aws_iam_role" "{fn}" {{\n  name = "{fn}-role"\n  assume_role_policy = jsonencode({{\n'
           '    Version = "2012-10-17"\n    Statement = [{\n      Effect    = "Allow"\n'
           '      Principal = { Service = "lambda.amazonaws.com" }\n      Action    = "sts:AssumeRole"\n    }]\n  })\n}\n',
           f'resource "aws_iam_role_policy" "{fn}" {{\n  role = aws_iam_role.{fn}.id\n  policy = jsonencode({{\n'
           '    Version = "2012-10-17"\n    Statement = [\n'
           f'      {{ Effect = "Allow", Action = [{", ".join(actions)}], Resource = "*" }},\n'
           '      { Effect = "Allow", Action = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], '
           f'Resource = aws_sqs_queue.{fn}.arn }},\n'
           f'      {{ Effect = "Allow", Action = "sqs:SendMessage", Resource = aws_sqs_queue.{fn}_dlq.arn }},\n'
           '    ]\n  })\n}\n',
           f'resource "aws_lambda_function" "{fn}" {{\n  function_name = "{fn}"\n  role          = aws_iam_role.{fn}.arn\n'
           f'  runtime       = "python3.12"\n  handler       = "app.handler"\n  s3_bucket     = "artifacts"\n'
           f'  s3_key        = "{fn}.zip"\n  timeout       = {timeout}\n'
           f'  memory_size   = local.sizes["{"large" if i % 2 else "small"}"]\n'
           + (f"  reserved_concurrent_executions = {5 + i % 10}\n" if i % 3 == 0 else "")
           + (f"  publish       = true\n" if i % 5 == 0 else "")
           + f'  vpc_config {{\n    subnet_ids         = [aws_subnet.{subnets[0]}.id, aws_subnet.{subnets[1]}.id]\n'
           f'    security_group_ids = [aws_security_group.lambdas.id]\n  }}\n'
           f'  dead_letter_config {{\n    target_arn = aws_sqs_queue.{fn}_dlq.arn\n  }}\n'
           f'  environment {{\n    variables = {{\n      QUEUE_URL = aws_sqs_queue.{fn}.url\n      STAGE     = "prod"\n    }}\n  }}\n}}\n',
           f'resource "aws_lambda_event_source_mapping" "{fn}" {{\n  function_name    = aws_lambda_function.{fn}.arn\n'
           f'  event_source_arn = aws_sqs_queue.{fn}.arn\n  batch_size       = 10\n}}\n',
           f'resource "aws_sns_topic_subscription" "{fn}" {{\n  topic_arn = aws_sns_topic.{fn}.arn\n  protocol  = "lambda"\n'
           f'  endpoint  = aws_lambda_function.{fn}.arn\n}}\n',
           f'resource "aws_lambda_permission" "{fn}" {{\n  action        = "lambda:InvokeFunction"\n'
           f'  function_name = aws_lambda_function.{fn}.function_name\n  principal     = "sns.amazonaws.com"\n'
           f'  source_arn    = aws_sns_topic.{fn}.arn\n}}\n']
    if i % 5 == 0:
        out.append(f'resource "aws_lambda_alias" "{fn}" {{\n  name             = "live"\n'
                   f'  function_name    = aws_lambda_function.{fn}.function_name\n'
                   f'  function_version = aws_lambda_function.{fn}.version\n}}\n')
        out.append(f'resource "aws_lambda_provisioned_concurrency_config" "{fn}" {{\n'
                   f'  function_name                     = aws_lambda_function.{fn}.function_name\n'
                   f'  qualifier                         = aws_lambda_alias.{fn}.name\n'
                   f'  provisioned_concurrent_executions = 2\n}}\n')
    return "".join(out)


def tf_files(first: int, count: int) -> dict:
    main = _tf_network() + "".join(_tf_function(i) for i in range(first, first + count))
    return {"main.tf": main,
            "locals.tf": 'locals {\n  sizes = {\n    small = 256\n    large = 1024\n  }\n}\n',
            "versions.tf": 'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n'
                           '      version = ">= 5.0"\n    }\n  }\n}\n'}


# ---------------------------------------------------------------------------------------------

def write(out: Path, kind: str, files: int, functions: int, layout: str = "independent") -> int:
    """Write the project; returns the number of functions."""
    out.mkdir(parents=True, exist_ok=True)
    shared = "net" if layout == "shared" and kind != "terraform" else None
    total = 0
    for number in range(files):
        first = number * functions
        directory = out / f"svc{number // 1000:03d}"  # at most 1,000 entries per directory
        if kind == "terraform":
            module = directory / f"svc{number:05d}"
            module.mkdir(parents=True, exist_ok=True)
            for name, text in tf_files(first, functions).items():
                (module / name).write_text(text, encoding="utf-8")
            total += functions
            continue
        directory.mkdir(parents=True, exist_ok=True)
        network = shared is not None and number == 0
        count = 0 if network else functions
        (directory / f"svc{number:05d}.yaml").write_text(
            cfn_file(number, first, count, kind == "sam", shared, network), encoding="utf-8")
        total += count
    return total


def curve(kind: str, sizes: list, functions: int, layout: str, rounds: int, keep: Path | None, extra: list,
          streamed: bool = False) -> list:
    """Print the curve; returns (files, CPU s, peak MB) per size."""
    sys.path.insert(0, str(HERE))
    from run import median, run_once, start_spawner

    if streamed:
        os.environ["LAMBDALINT_STREAM"] = "1"  # inherited by the spawner's children
    rows = []

    print(f"{kind}, {functions} functions per file, layout {layout}; medians of {rounds} run(s); "
          "CPU = user + system")
    print(f"{'files':>7} {'functions':>9} {'CPU s':>8} {'wall s':>8} {'peak MB':>8} {'ms/file':>8} "
          f"{'KB/file':>8} {'findings':>9}")
    with tempfile.TemporaryDirectory(prefix="lambdalint-gen-") as tmp:
        start_spawner(Path(tmp))
        for files in sizes:
            project = (keep or Path(tmp)) / f"{kind}-{files}"
            if project.exists():
                shutil.rmtree(project)
            count = write(project, kind, files, functions, layout)
            report = Path(tmp) / "report.json"
            samples = [run_once([sys.executable, "-m", "lambdalint.cli", "check", str(project), "--format", "json",
                                 "--output", str(report), *extra], complain=True) for _ in range(rounds)]
            cpu = median([s.cpu for s in samples])
            wall = median([s.wall for s in samples])
            rss = median([s.rss_mb for s in samples])
            try:
                import json

                findings = len(json.loads(report.read_text(encoding="utf-8"))["findings"])
            except (OSError, ValueError, KeyError):
                findings = -1
            print(f"{files:7,} {count:9,} {cpu:8.2f} {wall:8.2f} {rss:8.1f} {cpu / files * 1000:8.2f} "
                  f"{rss * 1024 / files:8.1f} {findings:9,}", flush=True)
            rows.append((files, cpu, rss))
            if keep is None:
                shutil.rmtree(project)
    return rows


def scale(kind: str, sizes: list, functions: int, layout: str, keep: Path | None) -> None:
    """The bounded-memory proof: the curve at two sizes, their time per file compared."""
    rows = curve(kind, sizes, functions, layout, 1, keep, ["--fail-on", "never"], streamed=True)
    small, large = min(rows), max(rows)
    ratio = (large[1] / large[0]) / (small[1] / small[0])
    peak = max(rss for _, _, rss in rows)
    print(f"time per file at {large[0]:,} files / at {small[0]:,} files: {ratio:.2f}x (target at most 1.2x: "
          f"{'met' if ratio <= 1.2 else 'NOT met'}); peak RSS {peak:.1f} MB (target under 1 GB: "
          f"{'met' if peak < 1024 else 'NOT met'})")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("write", "curve", "scale"):
        cmd = sub.add_parser(name)
        if name == "write":
            cmd.add_argument("out", type=Path)
            cmd.add_argument("--files", type=int, default=10)
        elif name == "scale":
            cmd.add_argument("--files", default="1000,25000", help="comma-separated numbers of files")
            cmd.add_argument("--keep", type=Path, help="write the projects here and keep them")
        else:
            cmd.add_argument("--files", default="10,100,1000", help="comma-separated numbers of files")
            cmd.add_argument("--rounds", type=int, default=1)
            cmd.add_argument("--keep", type=Path, help="write the projects here and keep them")
            cmd.add_argument("--lint-args", default="", help="extra arguments for lambdalint check")
        cmd.add_argument("--kind", choices=("cfn", "sam", "terraform"), default="cfn")
        cmd.add_argument("--functions", type=int, default=4, help="functions per file (default 4)")
        cmd.add_argument("--layout", choices=("independent", "shared"), default="independent")
    args = parser.parse_args(argv)
    if args.command == "write":
        count = write(args.out, args.kind, args.files, args.functions, args.layout)
        print(f"wrote {args.files} {args.kind} files with {count} functions to {args.out}")
        return 0
    sizes = [int(x) for x in args.files.split(",") if x.strip()]
    if args.command == "scale":
        scale(args.kind, sizes, args.functions, args.layout, args.keep)
        return 0
    curve(args.kind, sizes, args.functions, args.layout, args.rounds, args.keep, args.lint_args.split())
    return 0


if __name__ == "__main__":
    sys.exit(main())
