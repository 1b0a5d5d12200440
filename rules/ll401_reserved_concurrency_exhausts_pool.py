"""
## What it does
Adds up the reserved concurrency of every function linted together (all files of one run are
taken to deploy to one account and Region) and reports when the total leaves less than the
minimum unreserved concurrency (100 by default) out of the account's concurrency limit (1,000 by
default). The finding points at the function whose reservation crosses the line when the
functions are added up in order (files in the order given, resources in document order) and
lists every contributor. SAM `Globals` values count once per function; a `Fn::If` counts its
largest branch and a function under a `Condition` counts as deployed (worst case, said in the
message). A value that cannot be known statically is not counted (the check then reports only
what the known values already prove). Options `account-concurrency` and `min-unreserved` (or the
config's `account:` section, or `--account-concurrency`/`--min-unreserved`) describe accounts
with other quotas.

## Why is this bad?
Lambda keeps at least 100 concurrent executions unreserved for the functions without
reservations. A reservation that would take the unreserved pool below that minimum is rejected
at deploy time with "Specified ReservedConcurrentExecutions for function decreases account's
UnreservedConcurrentExecution below its minimum value of [100]", and the stack rolls back. With
the default quota of 1,000, no more than 900 can be reserved in a Region, summed over every
stack.

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
      ReservedConcurrentExecutions: 500
  Indexer:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: arn:aws:iam::123456789012:role/indexer
      ReservedConcurrentExecutions: 450  # expect: LL401
```

## Use instead
Reserve only what each function needs so that at least 100 stay unreserved (or ask AWS for a
higher concurrency quota and set `account: {concurrency: ...}` in `.lambdalint.yaml`):

```yaml
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: arn:aws:iam::123456789012:role/worker
      ReservedConcurrentExecutions: 500
  Indexer:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: arn:aws:iam::123456789012:role/indexer
      ReservedConcurrentExecutions: 200
```

## References
- [AWS Lambda Developer Guide, *Configuring reserved concurrency*](https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html)
  and [AWS Lambda API Reference, *PutFunctionConcurrency*](https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionConcurrency.html):
  reserve concurrency "as long as you leave at least 100 simultaneous executions unreserved"
- [AWS Lambda Developer Guide, *Lambda quotas*](https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html): 1,000
  concurrent executions per Region by default; "New AWS accounts have reduced concurrency and
  memory quotas"
- The deploy error "Specified ReservedConcurrentExecutions for function decreases account's
  UnreservedConcurrentExecution below its minimum value", seen in
  [aws-samples/siem-on-amazon-opensearch-service#175](https://github.com/aws-samples/siem-on-amazon-opensearch-service/issues/175)
  and [aws-samples/one-observability-demo#278](https://github.com/aws-samples/one-observability-demo/issues/278)
- [Terraform `aws_lambda_function`](https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/lambda_function): `reserved_concurrent_executions
  = -1` "removes any concurrency limitations" (unreserved)
"""
from lambdalint.rulekit import Issue, Link, Option, Rule, blocked
from lambdalint.values import Absent, Either, Unknown, known_int

RULE = Rule(
    id="LL401",
    name="reserved-concurrency-exhausts-pool",
    severity="error",
    summary="Reserved concurrency of the functions linted together leaves less than the minimum unreserved",
    options={
        "account-concurrency": Option(int, 1000, "the account's concurrency limit in the Region"),
        "min-unreserved": Option(int, 100, "concurrency that must stay unreserved"),
    },
    subject="run",
)

SHOWN = 5  # contributors named in the message

ERROR = ("Specified ReservedConcurrentExecutions for function decreases account's "
         "UnreservedConcurrentExecution below its minimum value of [{}]")


def _worst(value):
    """(largest reservation, its leaf, unknown leaves) over every branch of the value."""
    best, best_leaf, unknowns = None, None, []
    for leaf in value.leaves():
        if isinstance(leaf, Unknown):
            unknowns.append(leaf)
            continue
        if isinstance(leaf, Absent):
            continue
        amount = known_int(leaf)
        if amount is None or amount <= 0:  # Terraform -1 = unreserved (frontends map it to Absent)
            continue
        if best is None or amount > best:
            best, best_leaf = amount, leaf
    return best, best_leaf, unknowns


class Contribution:
    """What one function brings to the pool: its reservation (largest branch), where it is
    written, the notes the message adds, and the undecided checks of the values not known.
    Plain data once the streamed runner has frozen its sources (the run's pool is added up after
    each file's model is gone)."""

    __slots__ = ("fn", "amount", "leaf_source", "notes", "unsures")

    def __init__(self, fn, amount, leaf_source, notes, unsures):
        self.fn, self.amount, self.leaf_source, self.notes, self.unsures = fn, amount, leaf_source, notes, unsures


def contribution(fn) -> Contribution:
    value = fn.reserved_concurrency
    amount, leaf, unknowns = _worst(value)
    unsures = [blocked(fn, unknown, "ReservedConcurrentExecutions") for unknown in unknowns]
    notes = []
    if isinstance(value, Either):
        notes.append(f"largest branch of Fn::If {value.condition}")
    if fn.condition:
        notes.append(f"only if condition {fn.condition}")
    if "ReservedConcurrentExecutions" in fn.inherited:
        notes.append("from SAM Globals")
    return Contribution(fn, amount, leaf.source if leaf is not None else None, notes, unsures)


def check(model, run, options):
    account = options["account-concurrency"]
    floor = options["min-unreserved"]
    limit = account - floor
    records = getattr(model, "concurrency", None)
    if records is None:
        records = [contribution(fn) for fn in model.functions()]
        counts = {}
        for record in records:
            counts[record.fn.name] = counts.get(record.fn.name, 0) + 1
    else:  # the streamed run keeps records only of the functions that reserve (or may), and every name
        counts = model.function_names

    def label(fn):
        if counts[fn.name] > 1 and fn.source is not None:
            return f"{fn.name} ({fn.source.doc.path})"
        return fn.name

    contributors = []  # (fn, amount, leaf source, notes)
    uncounted = 0
    total, crossing = 0, None
    for record in records:
        yield from record.unsures
        if record.unsures:
            uncounted += 1
            continue
        if record.amount is None:
            continue
        contributors.append((record.fn, record.amount, record.leaf_source, record.notes))
        total += record.amount
        if crossing is None and total > limit:
            crossing = contributors[-1]
    if crossing is None:
        return
    fn, amount, leaf_source, notes = crossing
    parts = []
    # the largest few by name (the related locations list every one)
    for other, other_amount, _leaf, other_notes in sorted(contributors, key=lambda c: -c[1])[:SHOWN]:
        text = f"{label(other)} {other_amount}"
        if other_notes:
            text += " [" + "; ".join(other_notes) + "]"
        parts.append(text)
    if len(contributors) > SHOWN:
        rest = sum(c[1] for c in sorted(contributors, key=lambda c: -c[1])[SHOWN:])
        parts.append(f"and {len(contributors) - SHOWN} more reserving {rest}")
    worst = [n for c in contributors for n in c[3] if not n.startswith("from SAM")]
    caveat = ("; worst case: functions under a condition counted, Fn::If at its largest branch" if worst else "")
    skipped = (f"; {uncounted} function{'s' if uncounted != 1 else ''} with a reserved concurrency not "
               f"known statically not counted") if uncounted else ""
    unreserved = account - total
    left = (f"that leaves {unreserved} unreserved, less than the {floor} that must stay unreserved"
            if unreserved >= 0 else f"more than the account has, and {floor} must stay unreserved")
    message = (
        f"reserved concurrency adds up to {total} of the account's {account} "
        f"({', '.join(parts)}{caveat}){skipped}: {left}. {fn.name}'s reservation of {amount} crosses the line; AWS rejects it with "
        f"'{ERROR.format(floor)}'. Reserve less, or set the account's real quota with --account-concurrency"
    )
    related = tuple(
        Link(c_source or other.source, f"{other.name} reserves {other_amount}"
             + (" (" + "; ".join(other_notes) + ")" if other_notes else ""), other.name)
        for other, other_amount, c_source, other_notes in contributors
    )
    yield Issue(fn, message, leaf_source or fn.source, related=related)
