"""
## What it does
Flags a function that API Gateway invokes synchronously and stops waiting for before the
function's own timeout ends. The callers are REST, HTTP and WebSocket API integrations (SAM
`Api`/`HttpApi` events, `AWS::ApiGateway::Method` and `AWS::ApiGatewayV2::Integration`, their
Terraform resources, `x-amazon-apigateway-integration` in an OpenAPI body, or a Lambda permission
for `apigateway.amazonaws.com` alone) and HTTP API Lambda authorizers. How long API Gateway waits:

| caller | waits |
|---|---|
| integration with a timeout written (`TimeoutInMillis`, `timeout_milliseconds`, `timeoutInMillis`) | that timeout |
| REST or WebSocket API integration (or an API only known from a permission) | 29 s |
| HTTP API integration | 30 s |
| HTTP API Lambda authorizer | 10 s |
| REST API integration that streams its response (`ResponseTransferMode: STREAM`) | not checked: a stream may last 15 minutes |
| REST or WebSocket API Lambda authorizer | not checked: AWS documents no timeout for them |

A timeout written as a parameter without default leaves the check undecided (it may be shorter
than the function's).

## Why is this bad?
API Gateway stops waiting and answers the client with an error (`504 Gateway Timeout` for an
integration, `500` for an authorizer), while the function keeps running (and is billed) until its
own timeout. A longer function timeout only hides slow requests: the client never receives the
result. Regional and private REST APIs can have the integration timeout raised through a quota
increase (write the raised `TimeoutInMillis` and LL109 uses it); HTTP APIs cannot.

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
- [Amazon API Gateway Developer Guide, *Quotas for configuring and running a REST API in API Gateway*](https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html):
  "Integration timeout for Regional APIs: 50 milliseconds - 29 seconds for all integration types,
  including Lambda, Lambda proxy, HTTP, HTTP proxy, and AWS integrations" (raisable for Regional
  and private APIs, "but this might require a reduction in your Region-level throttle quota");
  the page lists no timeout for Lambda authorizers
- [Amazon API Gateway Developer Guide, *Quotas for configuring and running an HTTP API in API Gateway*](https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html):
  "Maximum integration timeout: 30 seconds" and "Timeout for Lambda authorizer response:
  10000 ms", neither raisable
- [Amazon API Gateway Developer Guide, *Quotas for configuring and running a WebSocket API in API Gateway*](https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-execution-service-websocket-limits-table.html):
  "Integration timeout: 50 milliseconds - 29 seconds"
- [Amazon API Gateway Developer Guide, *Stream the integration response for your proxy integrations in API Gateway*](https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode.html):
  streaming lets a REST API "exceed API Gateway's 29 second timeout limit without requesting an
  integration timeout limit increase"; "The maximum duration for response streaming is 15 minutes"
- [AWS Lambda API Reference, *CreateFunction*](https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html),
  `Timeout`: "The default is 3 seconds. The maximum allowed value is 900 seconds."
- Prior art: sls-mentor rule `lambdaTimeoutInferiorToApiGatewayTimeout`
"""
from lambdalint.rulekit import Issue, Link, Rule, blocked
from lambdalint.native_names import native_name
from lambdalint.values import Absent, known_int

RULE = Rule(
    id="LL109",
    name="timeout-exceeds-sync-caller",
    severity="warning",
    summary="A function behind API Gateway has a timeout above what API Gateway waits (integrations 29 s, HTTP APIs 30 s, or the timeout written; HTTP API authorizers 10 s)",
)

LIMIT = 29  # REST and WebSocket APIs: default (and, edge-optimized, maximum) integration timeout
HTTP_LIMIT = 30  # HTTP APIs: maximum integration timeout, not raisable
HTTP_AUTHORIZER_LIMIT = 10  # HTTP APIs: "Timeout for Lambda authorizer response", not raisable


def _callers(model, fn):
    """API Gateway triggers of the function that wait for its answer.  Integrations declared in
    the templates win; a Lambda permission for API Gateway alone stands for an integration
    defined elsewhere."""
    api = [t for t in model.triggers(fn) if t.source_kind == "apigateway"]
    declared = [t for t in api if not t.from_permission]
    chosen = declared if declared else api
    return [t for t in chosen if t.invocation == "sync" and _bounded(t)]


def _bounded(trigger) -> bool:
    """Whether API Gateway stops waiting for this caller before Lambda's own 900 s maximum:
    not for a streamed response (up to 15 minutes), nor for a REST or WebSocket API's Lambda
    authorizer (AWS documents no timeout for those)."""
    if trigger.authorizer:
        return trigger.http_api
    return not trigger.streaming


def _limit(trigger):
    """(milliseconds API Gateway waits, or the value that blocks knowing it; how it is set)."""
    if trigger.authorizer:
        return HTTP_AUTHORIZER_LIMIT * 1000, "an HTTP API waits for its Lambda authorizer"
    if not trigger.timeout_ms.absent:
        return known_int(trigger.timeout_ms), "its integration timeout"
    if trigger.http_api:
        return HTTP_LIMIT * 1000, "an HTTP API integration"
    return LIMIT * 1000, "a WebSocket API integration" if trigger.websocket else "a REST API integration"


def _seconds(ms: int) -> str:
    return f"{ms / 1000:g} s"


def subjects(model, options):
    """Functions that API Gateway invokes synchronously and stops waiting for."""
    return [fn for fn in model.functions() if _callers(model, fn)]


def check(model, fn, options):
    callers = _callers(model, fn)
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
    if worst is None:
        return
    limits = [(t, *_limit(t)) for t in callers]
    known = [(t, ms, how) for t, ms, how in limits if ms is not None]
    over = [(t, ms, how) for t, ms, how in known if worst * 1000 > ms]
    if not over:
        for t, ms, _how in limits:
            if ms is None:  # an integration timeout known only at deploy time may be shorter
                yield blocked(fn, t.timeout_ms, "TimeoutInMillis", f" of {t.name}")
        return
    shortest = min(ms for _t, ms, _how in over)
    first = [(t, how) for t, ms, how in over if ms == shortest]
    names = ", ".join(dict.fromkeys(t.name for t, _how in first))
    how = first[0][1]
    role = "calls it as its Lambda authorizer" if how.startswith("an HTTP API waits") else "invokes it synchronously"
    set_by = f" ({native_name(first[0][0].timeout_ms, 'TimeoutInMillis')})" if how == "its integration timeout" else ""
    inherited = " (from SAM Globals)" if "Timeout" in fn.inherited else ""
    yield Issue(
        fn,
        f"function {fn.name} has a timeout ({native_name(worst_leaf, 'Timeout')}) of {worst} s{inherited} but API Gateway {role} "
        f"({names}) and gives up after {_seconds(shortest)}{set_by}: callers get an error while the function keeps running. "
        f"Keep the timeout at {_seconds(shortest)} or less, or hand long work to an asynchronous path.",
        worst_leaf.source or fn.source,
        related=tuple(Link(t.source, f"API Gateway caller {t.name}", t.name) for t, _ms, _how in over),
    )
