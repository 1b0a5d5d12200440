"""
## What it does
Opt-in. Finds the log group each function writes to (`LoggingConfig.LogGroup`, else
`/aws/lambda/<function name>`) among the declared log groups and flags a function whose log
group is not declared at all (Lambda then creates it with no retention) or is declared
without a retention period.

## Why is this bad?
A log group without `RetentionInDays` keeps its logs forever: storage cost grows without
bound and old logs (possibly with personal data) are never deleted. The group Lambda creates
on first invocation has no retention either, and a template cannot change it afterwards
unless it declares the group.

## Example
```yaml
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: arn:aws:iam::123456789012:role/worker
  WorkerLogs:   # expect: LL604
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: !Sub /aws/lambda/${Worker}
```

## Use instead
```yaml
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: arn:aws:iam::123456789012:role/worker
  WorkerLogs:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: !Sub /aws/lambda/${Worker}
      RetentionInDays: 30
```

## References
- [AWS Lambda Developer Guide, *Sending Lambda function logs to CloudWatch Logs*](https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html):
  the default log group `/aws/lambda/<function name>`, or the one `LoggingConfig.LogGroup` names
- [CloudFormation, *AWS::Logs::LogGroup*](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-logs-loggroup.html) `RetentionInDays`
  and [Amazon CloudWatch Logs User Guide, *Working with log groups and log streams*](https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html):
  "By default, log data is stored in CloudWatch Logs indefinitely"; the log group Lambda
  creates on its own has no retention setting
"""
from lambdalint.model.logs import function_logs
from lambdalint.rulekit import Issue, Link, Rule, Unsure, blocked
from lambdalint.values import Unknown, reason_cause

RULE = Rule(
    id="LL604",
    name="log-retention-unset",
    severity="info",
    summary="The function's log group is not declared with a retention period (logs kept forever)",
    opt_in=True,
)


def _users(model) -> dict:
    """log group node -> (declared log group, [functions that write to it])"""
    users: dict = {}
    for fn in model.functions():
        for group in function_logs(model, fn).declared:
            users.setdefault(group.node, (group, []))[1].append(fn)
    return users


def subjects(model, options):
    """Every function, and every declared log group a function writes to."""
    return list(model.functions()) + list(model.memo("LL604 users", lambda: _users(model)).values())


def check(model, subject, options):
    if isinstance(subject, tuple):
        yield from _check_group(*subject)
        return
    fn = subject
    logs = function_logs(model, fn)
    if logs.declared:
        return  # the log group's own check
    if logs.unknown:
        reason, source = logs.unknown[0]
        yield Unsure(fn, reason, source, reason_cause(reason))
        return
    if logs.explicit:
        yield Unsure(fn, f"log group {logs.display(fn)} is not declared in the linted templates "
                         f"(its retention is set elsewhere)", fn.log_group.source, "not-in-run")
        return
    yield Issue(
        fn,
        f"no log group is declared for {fn.name} ({logs.display(fn)}): Lambda creates it on first "
        f"invocation without retention, so its logs are kept forever. Declare the log group with "
        f"a retention period.",
        fn.source,
    )


def _check_group(group, functions):
    names = ", ".join(f.name for f in functions)
    for leaf in group.retention.leaves():
        if isinstance(leaf, Unknown):
            yield blocked(group, leaf, "RetentionInDays")
        elif leaf.absent:
            yield Issue(
                group,
                f"log group {group.name} of {names} has no retention period: its logs are kept "
                f"forever. Set a retention (e.g. 30 days).",
                group.source,
                related=tuple(Link(f.source, f"function {f.name}", f.name) for f in functions),
            )
            break
