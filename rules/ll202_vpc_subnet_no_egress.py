"""
## What it does
Finds VPC function subnets without a default route (no route table association, so the
VPC's main route table with only the local route; or a route table without `0.0.0.0/0`) and
reads the execution role: when the role allows the function's code to call AWS services that
no VPC endpoint of that subnet serves, it reports the subnet and names those services and
actions. A gateway endpoint (S3, DynamoDB) serves the subnet when it is on the subnet's route
table; an interface endpoint when it is in the subnet's VPC with private DNS enabled.

Actions the Lambda service performs itself with the role are not counted: `logs:*`,
`xray:*`, the network-interface actions of `AWSLambdaVPCAccessExecutionRole`,
`elasticfilesystem:Client*`, the poll actions of the function's own event source mappings,
and the send actions on its own dead-letter queue and destinations. A function whose role
allows nothing else (it only talks to a database, a cache or EFS inside the VPC) is a valid
isolated design and is not reported. Option `strict: true` reports every subnet without
egress, whatever the role allows.

## Why is this bad?
Without a route out of the VPC, every call the function's code makes to a public AWS
endpoint (S3, SQS, Secrets Manager ...) hangs until the function times out. Without private
DNS on an interface endpoint, the SDK still resolves the service's public address, so the
endpoint does not help either.

## Example
```yaml
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  IsolatedA:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24}
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole
      Policies:
        - PolicyName: read-secret
          PolicyDocument:
            Statement:
              - {Effect: Allow, Action: secretsmanager:GetSecretValue, Resource: "*"}
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: !GetAtt WorkerRole.Arn
      VpcConfig:
        SubnetIds: [!Ref IsolatedA]   # expect: LL202
        SecurityGroupIds: [sg-0123456789abcdef0]
```

## Use instead
```yaml
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  IsolatedA:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24}
  SecretsEndpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      VpcEndpointType: Interface
      ServiceName: !Sub com.amazonaws.${AWS::Region}.secretsmanager
      PrivateDnsEnabled: true
      SubnetIds: [!Ref IsolatedA]
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole
      Policies:
        - PolicyName: read-secret
          PolicyDocument:
            Statement:
              - {Effect: Allow, Action: secretsmanager:GetSecretValue, Resource: "*"}
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: !GetAtt WorkerRole.Arn
      VpcConfig:
        SubnetIds: [!Ref IsolatedA]
        SecurityGroupIds: [sg-0123456789abcdef0]
```

## References
- [AWS Lambda Developer Guide, *Giving Lambda functions access to resources in an Amazon VPC*](https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html):
  "the function can't access the internet unless your VPC provides access"; "You can use VPC
  endpoints to connect to AWS services from within a VPC without internet access"
- [AWS PrivateLink, *AWS services that integrate with AWS PrivateLink*](https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html)
  and [*Gateway endpoints*](https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html)
  (Amazon S3 and DynamoDB only): the endpoint names in `lambdalint/data/services.json`
- [AWS managed policy `AWSLambdaVPCAccessExecutionRole`](https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaVPCAccessExecutionRole.html):
  the network-interface actions Lambda performs itself, which need no route
"""
from lambdalint import data
from lambdalint.model import VpcEndpoint, iam
from lambdalint.model.network import subnet_egress
from lambdalint.rulehelpers import execution_roles, role_link, vpc_functions
from lambdalint.rulekit import Issue, Link, Option, Rule, Unsure
from lambdalint.native_names import native_name
from lambdalint.partial_strings import parse_arn
from lambdalint.values import Reason, Unknown, cause_of, describe, known_bool, known_str, reason_cause

RULE = Rule(
    id="LL202",
    name="vpc-subnet-no-egress",
    severity="warning",
    summary="A VPC function's subnet has no route out, and its role allows calls to AWS services no endpoint serves",
    options={"strict": Option(bool, False, "report every function subnet without egress, whatever the role allows")},
)

# What the Lambda service itself calls with the role for an event source mapping of each kind
# (constraints.md §8 and V11): these need no route from the function's subnets.
POLL_ACTIONS = {
    "sqs": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:DeleteMessageBatch", "sqs:GetQueueAttributes",
            "sqs:ChangeMessageVisibility", "sqs:ChangeMessageVisibilityBatch"],
    "kinesis": ["kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:DescribeStream",
                "kinesis:DescribeStreamSummary", "kinesis:ListShards", "kinesis:ListStreams",
                "kinesis:SubscribeToShard", "kinesis:DescribeStreamConsumer"],
    "dynamodb": ["dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream",
                 "dynamodb:ListStreams"],
    "kafka": ["kafka:DescribeCluster", "kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers",
              "kafka-cluster:*", "secretsmanager:GetSecretValue", "kms:Decrypt", "ec2:DescribeVpcs",
              "ec2:DescribeSecurityGroups"],
    "mq": ["mq:DescribeBroker", "secretsmanager:GetSecretValue", "ec2:DescribeVpcs", "ec2:DescribeSecurityGroups"],
    "docdb": ["rds:DescribeDBClusters", "rds:DescribeDBClusterParameters", "rds:DescribeDBSubnetGroups",
              "secretsmanager:GetSecretValue", "ec2:DescribeVpcs", "ec2:DescribeSecurityGroups"],
}
# the action Lambda uses to deliver to a dead-letter target / destination, by target kind
SEND_ACTIONS = {"sqs": "sqs:SendMessage", "sns": "sns:Publish", "lambda": "lambda:InvokeFunction",
                "events": "events:PutEvents", "s3": "s3:PutObject"}
ANY = "*"


def _service_of_target(model, value) -> str | None:
    entity = model.entity(value)
    if entity is not None:
        return entity.service
    arn = parse_arn(known_str(value) or "")
    return arn.service if arn is not None else None


def _lambda_own_actions(model, fn):
    """(excluded action patterns, [(send action, [target ARN candidates])])."""
    excluded = list(data.services()["no_egress_needed"]["actions"])
    excluded += [f"{prefix}:*" for prefix in data.services()["no_egress_needed"]["prefixes"]]
    excluded += ["ec2:*NetworkInterface*"]  # every ENI action (SAM's VPCAccessPolicy adds Detach)
    sends = []
    for mapping in model.event_source_mappings(fn):
        excluded += POLL_ACTIONS.get(mapping.source_kind, [])
        if not mapping.on_failure.absent:
            sends.append(mapping.on_failure)
    if not fn.dead_letter_target.absent:
        sends.append(fn.dead_letter_target)
    for config in model.invoke_configs(fn):
        for destination in (config.on_success, config.on_failure):
            if destination is not None and not destination.target.absent:
                sends.append(destination.target)
    targets = []
    for value in sends:
        for leaf in value.leaves():
            action = SEND_ACTIONS.get(_service_of_target(model, leaf) or "")
            if action:
                targets.append((action, model.arn_candidates(leaf)))
    return excluded, targets


def _maybe_polled(model, fn, unserved):
    """(mapping, action pattern) when an unserved action is one Lambda calls itself for some kind
    of source and a mapping of the function has a source whose kind is known only at deploy time."""
    unknown = [m for m in model.event_source_mappings(fn) if isinstance(m.source_kind, Unknown)]
    if not unknown:
        return None
    own = [action for actions in POLL_ACTIONS.values() for action in actions]
    for uses in unserved.values():
        for pattern, _stmt in uses:
            if any(iam.action_matches(action, pattern) or iam.action_matches(pattern, action) for action in own):
                return unknown[0], pattern
    return None


def _is_own_send(pattern: str, stmt, sends) -> bool:
    if pattern.endswith(":*"):
        return False
    for action, candidates in sends:
        if not iam.action_matches(pattern, action):
            continue
        resources = stmt.resources or []
        if resources and all(any(iam.resource_matches(r, c) is not False for c in candidates) or r == "*"
                             for r in resources):
            return True
    return False


def _denied(role, pattern: str) -> bool:
    for stmt in role.statements:
        if stmt.effect != "Deny" or stmt.has_condition or stmt.branch or stmt.unknown or not stmt.actions:
            continue
        if "*" in (stmt.resources or []) and any(iam.action_matches(p, pattern) for p in stmt.actions):
            return True
    return False


def needed_calls(model, fn, role):
    """{service or ANY: [(action pattern, statement)]} the function's code may call."""
    excluded, sends = _lambda_own_actions(model, fn)
    found: dict[str, list] = {}
    for stmt in role.statements:
        if stmt.effect != "Allow":
            continue
        if stmt.actions is None:
            if stmt.not_actions is not None:
                found.setdefault(ANY, []).append((f"NotAction {', '.join(stmt.not_actions)}", stmt))
            continue
        for pattern in stmt.actions:
            if any(iam.action_matches(e, pattern) for e in excluded):
                continue
            if _is_own_send(pattern, stmt, sends) or _denied(role, pattern):
                continue
            service = pattern.split(":", 1)[0] if ":" in pattern else ANY
            if "*" in service or "?" in service:
                service = ANY
            found.setdefault(service, []).append((pattern, stmt))
    return found


def _endpoint_names(service: str, patterns: list[str]) -> list[list[str]]:
    """Endpoint name suffixes that must serve the subnet: a list of alternatives per need."""
    entry = data.services()["services"].get(service)
    if entry is None:
        return [[]]  # no endpoint known: needs the internet
    by_action = entry.get("by_action", {})
    needs = []
    for pattern in patterns:
        name = pattern.split(":", 1)[1] if ":" in pattern else pattern
        picked = [endpoint for action, endpoint in by_action.items() if iam.action_matches(name, action)]
        if picked and "*" not in name:
            needs.append([picked[0]])
        elif picked:
            needs.extend([[p] for p in sorted(set(picked))])
            needs.append(list(entry["endpoints"]))
        else:
            needs.append(list(entry["endpoints"]))
    unique = []
    for need in needs:
        if need not in unique:
            unique.append(need)
    return unique


def _serves(endpoint: VpcEndpoint, suffix: str) -> bool | None:
    name = known_str(endpoint.service_name)
    if name is None:
        return None
    return name.lower().endswith("." + suffix.lower())


def subjects(model, options):
    return vpc_functions(model)


def check(model, fn, options):
    strict = bool(options.get("strict", False))
    for found in subnet_egress(model, fn):
        if isinstance(found, Unsure):
            yield found
            continue
        reference, subnet, path = found
        if path.kind != "none":
            continue
        if path.table is None:
            why = (f"subnet {subnet.name} has no route table association (so the VPC's main route "
                   f"table, with only the local route)")
        else:
            why = f"subnet {subnet.name}'s route table {path.table.name} has no 0.0.0.0/0 route"
        links = path.links() or [Link(subnet.source, f"{subnet.name} has no route table association", subnet.name)]
        if strict:
            yield Issue(fn, f"{fn.name}: {why}; nothing outside the VPC is reachable from it (strict mode).", reference.source, related=tuple(links))
            continue
        for found in execution_roles(model, fn):
            if isinstance(found, Unsure):
                yield found
                continue
            yield from _check_role(model, fn, found[0], subnet, path, reference, why, links)


def _check_role(model, fn, role, subnet, path, reference, why, links):
    undecided = list(role.unresolved) + [s.unknown for s in role.statements if s.unknown]
    calls = needed_calls(model, fn, role)
    candidates = model.endpoints_for(subnet, path.table)
    unserved, unsure, notes = {}, [], []
    for service, uses in calls.items():
        if service == ANY:
            unserved[service] = uses
            continue
        for alternatives in _endpoint_names(service, [p for p, _ in uses]):
            served = False
            for endpoint in candidates:
                if not any(_serves(endpoint, suffix) for suffix in alternatives):
                    if any(_serves(endpoint, suffix) is None for suffix in alternatives):
                        unsure.append(Reason(f"{native_name(endpoint.service_name, 'ServiceName')} of VPC endpoint "
                                             f"{endpoint.name} <- {describe(endpoint.service_name)}",
                                             cause_of(endpoint.service_name)))
                    continue
                gateway = (known_str(endpoint.endpoint_type) or "Gateway").lower() == "gateway"
                dns = known_bool(endpoint.private_dns)
                if gateway or dns is True:
                    served = True
                    break
                if dns is None:
                    unsure.append(Reason(f"{native_name(endpoint.private_dns, 'PrivateDnsEnabled')} of {endpoint.name} <- "
                                         f"{describe(endpoint.private_dns)}", cause_of(endpoint.private_dns)))
                else:
                    notes.append(f"interface endpoint {endpoint.name} has private DNS disabled")
            if not served:
                unserved.setdefault(service, [])
                unserved[service] += [u for u in uses if u not in unserved[service]]
                if alternatives:
                    unsure += _undecided_endpoints(model, subnet, candidates, alternatives)
    polled = _maybe_polled(model, fn, unserved)
    if unserved and not unsure and polled is not None:
        # an action the Lambda service itself may call for a mapping whose source kind is not known
        esm, pattern = polled
        yield Unsure(fn, f"subnet {subnet.name} has no egress and role {role.name} allows {pattern}, which Lambda "
                         f"itself calls if {esm.name} polls such a source; {native_name(esm.source_kind, 'EventSourceArn')} "
                         f"<- {esm.source_kind.reason}", reference.source, esm.source_kind.cause)
    elif unserved and not unsure:
        yield _issue(fn, role, subnet, reference, why, links, unserved, notes)
    elif unsure:
        yield Unsure(fn, f"subnet {subnet.name} has no egress; {unsure[0]}", reference.source, reason_cause(unsure[0]))
    elif undecided and not unserved:
        yield Unsure(fn, f"subnet {subnet.name} has no egress; role {role.name}: {undecided[0]}",
                     reference.source, reason_cause(undecided[0]))


def _undecided_endpoints(model, subnet, candidates, alternatives) -> list[str]:
    """Endpoints that could serve the subnet but whose VPC or route tables are not known."""
    found = []
    subnet_vpc_known = bool(model.targets(subnet.vpc))
    for endpoint in model.of_type(VpcEndpoint):
        if endpoint in candidates or all(_serves(endpoint, a) is False for a in alternatives):
            continue
        if model.unknown_parts(endpoint.route_tables) or model.unknown_parts(endpoint.vpc) or not subnet_vpc_known:
            found.append(Reason(f"VPC endpoint {endpoint.name}: route tables or VPC known only at deploy time",
                                cause_of(endpoint.route_tables) or cause_of(endpoint.vpc) or cause_of(subnet.vpc)))
    return found


def _describe_calls(unserved) -> str:
    parts = []
    for service, uses in unserved.items():
        actions = []
        for pattern, _stmt in uses:
            if pattern not in actions:
                actions.append(pattern)
        shown = ", ".join(actions[:4]) + (f" and {len(actions) - 4} more" if len(actions) > 4 else "")
        if service == ANY:
            parts.append(f"all AWS services (Action '{shown}')" if not shown.startswith("NotAction")
                         else f"all AWS services ({shown})")
        else:
            parts.append(f"{service} ({shown})")
    return "; ".join(parts)


def _issue(fn, role, subnet, reference, why, links, unserved, notes):
    services = [s for s in unserved if s != ANY]
    endpoint_hint = ""
    if services:
        gateway = [s for s in services if data.services()["services"].get(s, {}).get("gateway")]
        interface = [s for s in services if s not in gateway and s in data.services()["services"]]
        none = [s for s in services if s not in data.services()["services"]]
        hints = []
        if gateway:
            hints.append(f"a gateway endpoint on the subnet's route table for {', '.join(gateway)}")
        if interface:
            hints.append(f"interface endpoints with private DNS for {', '.join(interface)}")
        if none:
            hints.append(f"a NAT route for {', '.join(none)} (no VPC endpoint known)")
        endpoint_hint = " (" + "; ".join(hints) + ")"
    note = f" Note: {'; '.join(notes)}." if notes else ""
    related = list(links) + [role_link(role)]
    seen = set()
    for uses in unserved.values():
        for pattern, stmt in uses:
            if stmt.source is not None and id(stmt) not in seen:
                seen.add(id(stmt))
                related.append(Link(stmt.source, f"{stmt.origin} allows {pattern}", role.name))
    return Issue(
        fn,
        f"{fn.name}: {why}, and its execution role {role.name} allows calls to {_describe_calls(unserved)} "
        f"that no VPC endpoint of the subnet serves: those calls will time out.{note} Add a NAT gateway "
        f"route or VPC endpoints{endpoint_hint}.",
        reference.source,
        related=tuple(related),
    )
