"""
## What it does
Flags a function whose reserved concurrency is 0 (`ReservedConcurrentExecutions: 0`, Terraform
`reserved_concurrent_executions = 0`), including a `Fn::If` branch that sets 0.

## Why is this bad?
Reserved concurrency 0 throttles every invocation: the function is disabled. AWS documents it as
the way to stop a function ("To throttle a function, set the reserved concurrency to zero. This
stops any events from being processed until you remove the limit"). Synchronous callers get
throttling errors, event source mappings stop processing, and for asynchronous invocations
"Lambda begins sending new events to the configured dead-letter queue or the on-failure event
destination, without any retries". Left in a template by mistake (or copied from an incident
runbook), it silently switches the function off on every deployment.

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
      ReservedConcurrentExecutions: 0  # expect: LL402
```

## Use instead
Remove the property (the function uses the unreserved pool), or reserve the concurrency the
function needs:

```yaml
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: arn:aws:iam::123456789012:role/worker
      ReservedConcurrentExecutions: 5
```

## References
- [AWS Lambda Developer Guide, *Configuring reserved concurrency*](https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html):
  "To throttle a function, set the reserved concurrency to zero. This stops any events from
  being processed until you remove the limit."
- [AWS Lambda Developer Guide, *Asynchronous invocation*](https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html): with
  reserved concurrency 0, "Lambda begins sending new events to the configured dead-letter queue
  or the on-failure event destination, without any retries"
- [Terraform `aws_lambda_function`](https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/lambda_function): "A value of `0` disables
  lambda from being triggered and `-1` removes any concurrency limitations"
"""
from lambdalint.rulekit import Issue, Rule, blocked
from lambdalint.values import Either, Unknown, known_int

RULE = Rule(
    id="LL402",
    name="reserved-concurrency-zero",
    severity="warning",
    summary="Reserved concurrency 0 throttles every invocation: the function is disabled",
)


def subjects(model, options):
    return [fn for fn in model.functions() if not fn.reserved_concurrency.absent]


def check(model, fn, options):
    value = fn.reserved_concurrency
    for leaf in value.leaves():
        if isinstance(leaf, Unknown):
            yield blocked(fn, leaf, "ReservedConcurrentExecutions")
            continue
        if known_int(leaf) != 0:
            continue
        where = []
        if isinstance(value, Either):
            where.append(f"in one branch of Fn::If {value.condition}")
        if "ReservedConcurrentExecutions" in fn.inherited:
            where.append("inherited from SAM Globals")
        note = f" ({'; '.join(where)})" if where else ""
        yield Issue(
            fn,
            f"{fn.name} has reserved concurrency 0{note}: every invocation is throttled, so the function is "
            f"disabled. Synchronous callers get throttling errors, event source mappings stop processing, and "
            f"asynchronous events go straight to the dead-letter queue or on-failure destination without "
            f"retries. Remove the reservation, or reserve what the function needs",
            leaf.source or fn.source,
        )
