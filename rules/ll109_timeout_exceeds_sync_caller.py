"""
## What it does
Flags a function that API Gateway invokes synchronously (a REST or HTTP API integration: SAM
`Api`/`HttpApi` events, `AWS::ApiGateway::Method` and `AWS::ApiGatewayV2::Integration`
integrations, or a Lambda permission for `apigateway.amazonaws.com`) whose timeout is above
API Gateway's integration timeout: 29 seconds (REST APIs, or an API only known from a
permission), 30 seconds when every caller is an HTTP API.

## Why is this bad?
API Gateway stops waiting after 29 s and answers the client with `504 Gateway Timeout`, while
the function keeps running (and is billed) until its own timeout. A timeout above 29 s only hides
slow requests: the client never receives the result. Regional and private REST APIs can have the
integration timeout raised through a quota increase; HTTP APIs cannot (30 s).

## Example
```yaml
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Timeout: 60   # expect: LL109
      Events:
        List:
          Type: Api
          Properties: {Path: /orders, Method: get}
```

## Use instead
```yaml
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Timeout: 25
      Events:
        List:
          Type: Api
          Properties: {Path: /orders, Method: get}
```

## References
- [Amazon API Gateway Developer Guide, *Amazon API Gateway quotas*](https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html):
  "Maximum integration timeout" 50 milliseconds to 29 seconds for REST APIs (raisable for
  Regional and private REST APIs since June 2024), 30 seconds for HTTP APIs (not raisable)
- [AWS Lambda API Reference, *CreateFunction*](https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html),
  `Timeout`: "The default is 3 seconds. The maximum allowed value is 900 seconds."
- Prior art: sls-mentor rule `lambdaTimeoutInferiorToApiGatewayTimeout`
"""
from lambdalint.rulekit import Issue, Link, Rule, blocked
from lambdalint.values import Absent, known_int, native_name

RULE = Rule(
    id="LL109",
    name="timeout-exceeds-sync-caller",
    severity="warning",
    summary="A function behind an API Gateway integration has a timeout above the 29 s integration limit (HTTP APIs: 30 s)",
)

LIMIT = 29
HTTP_LIMIT = 30


def _callers(model, fn):
    """API Gateway triggers of the function that wait for its answer.  Integrations declared in
    the templates win; a Lambda permission for API Gateway alone stands for an integration
    defined elsewhere."""
    api = [t for t in model.triggers(fn) if t.source_kind == "apigateway"]
    declared = [t for t in api if not t.from_permission]
    chosen = declared if declared else api
    return [t for t in chosen if t.invocation == "sync"]


def subjects(model, options):
    """Functions that API Gateway invokes synchronously."""
    return [fn for fn in model.functions() if _callers(model, fn)]


def check(model, fn, options):
    callers = _callers(model, fn)
    # HTTP APIs (SAM HttpApi events, API Gateway v2 integrations) wait 30 s, REST APIs 29 s
    limit = HTTP_LIMIT if all(t.http_api for t in callers) else LIMIT
    worst, worst_leaf = None, None
    for leaf in fn.timeout.leaves():
        if isinstance(leaf, Absent):
            continue
        seconds = known_int(leaf)
        if seconds is None:
            yield blocked(fn, leaf, "Timeout")
            continue
        if worst is None or seconds > worst:
            worst, worst_leaf = seconds, leaf
    if worst is None or worst <= limit:
        return
    names = ", ".join(dict.fromkeys(t.name for t in callers))
    inherited = " (from SAM Globals)" if "Timeout" in fn.inherited else ""
    yield Issue(
        fn,
        f"function {fn.name} has a timeout ({native_name(worst_leaf, 'Timeout')}) of {worst} s{inherited} but API Gateway invokes it synchronously "
        f"({names}) and gives up after {limit} s: callers get 504 while the function keeps running. "
        f"Keep the timeout at {limit} s or less, or hand long work to an asynchronous path.",
        worst_leaf.source or fn.source,
        related=tuple(Link(t.source, f"API Gateway caller {t.name}", t.name) for t in callers),
    )
