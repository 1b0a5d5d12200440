"""Terraform API Gateway resources onto the model's synchronous ``apigateway`` triggers: the
integrations (``aws_api_gateway_integration``, ``aws_apigatewayv2_integration``, or
``x-amazon-apigateway-integration`` in a ``body``), the Lambda authorizers
(``aws_api_gateway_authorizer``, ``aws_apigatewayv2_authorizer``), each with what decides how long
API Gateway waits (``timeout_milliseconds``, ``response_transfer_mode``) and the role it assumes to
invoke (``credentials``).  See ``frontends/cfn_apigateway.py`` for the CloudFormation spellings.
"""
from __future__ import annotations

import re

from ...model import entities as m
from ...values import Absent, Known, ResourceRef, Unknown, Value, known_str
from .. import openapi
from ...model.invoked import written_after

_EMBEDDED_REF = re.compile(r"\$\{([^}]*#[^}]*)\}")
_FUNCTION_TYPES = ("aws_lambda_function", "aws_lambda_alias")
AUTHORIZER_ARN = "/authorizers/"


def integration_uri(value: Value) -> list[Value]:
    """The function(s) an integration URI names: ``aws_lambda_function.f.invoke_arn`` itself, or
    references inside the long form ``"arn:aws:apigateway:${region}:lambda:path/2015-03-31/
    functions/${aws_lambda_function.f.arn}/invocations"`` (kept as ``${node.attr}`` tokens)."""
    return [uri for uri, _ in integration_targets(value)]


def integration_targets(value: Value) -> list[tuple[Value, Value]]:
    """:func:`integration_uri` with the qualifier written after each reference in the long form
    (``.../functions/${aws_lambda_function.f.arn}:live/invocations``; Absent when none)."""
    text = value.value if isinstance(value, Known) and isinstance(value.value, str) else (
        value.partial if isinstance(value, Unknown) else None)
    if text is None:
        return [(value, Absent(value.source))]
    found = []
    for match in _EMBEDDED_REF.finditer(text):
        node, _, attr = match.group(1).rpartition(".")
        address = node.rsplit("#", 1)[-1]
        parts = re.sub(r"\[[^\]]*\]", "", address).split(".")
        if len(parts) >= 2 and parts[-2] in _FUNCTION_TYPES:
            after = written_after(text, match.end(), value.source)
            if isinstance(value, Unknown) and isinstance(after, Known) and "${?" in after.value:
                after = value
            found.append((Known(ResourceRef(node, attr, address), value.source), after))
    return found or [(value, Absent(value.source))]


def _timeout(r, a) -> Value:
    """``timeout_milliseconds``; a plan shows it "known after apply" when nobody wrote it (the
    provider fills in the API's default), which is the default, not an unknown setting."""
    from .tfmap import _unconfigured

    value = a("timeout_milliseconds")
    if isinstance(value, Unknown) and _unconfigured(r, "timeout_milliseconds"):
        return Absent(a.header)
    return value


def _trigger(r, function, invocation: str, source: Value, suffix="") -> m.Trigger:
    """``function``: a Value, or (Value, qualifier) from :func:`integration_targets`."""
    function, qualifier = function if isinstance(function, tuple) else (function, Absent(None))
    return m.Trigger(r.node + suffix, r.address, "lambda:trigger", r.source, native_type=r.type, function=function,
                     source_kind="apigateway", invocation=invocation, event_source=source, qualifier=qualifier)


def api_integration(r, a):
    if r.type != "aws_api_gateway_integration":
        triggers = [_trigger(r, uri, "sync", a("api_id"), f"/uri[{i}]" if i else "")
                    for i, uri in enumerate(integration_targets(a("integration_uri")))]
        for trigger in triggers:
            trigger.http_api = True  # API Gateway v2 (HTTP API): 30 s; websocket_apis() corrects WebSocket APIs
            trigger.timeout_ms = _timeout(r, a)
            trigger.invoke_role = a("credentials_arn")
        return triggers
    # a non-proxy integration may ask for an asynchronous invoke (X-Amz-Invocation-Type: 'Event')
    parameters = a("request_parameters")
    header = parameters.value.get("integration.request.header.X-Amz-Invocation-Type") if isinstance(
        parameters, Known) and isinstance(parameters.value, dict) else None
    invocation = "async" if (known_str(header) or "").strip("'\"") == "Event" else "sync"
    triggers = [_trigger(r, uri, invocation, a("rest_api_id"), f"/uri[{i}]" if i else "")
                for i, uri in enumerate(integration_targets(a("uri")))]
    for trigger in triggers:
        trigger.timeout_ms = _timeout(r, a)
        trigger.streaming = openapi.streams(a("response_transfer_mode"), a("uri"))
        trigger.invoke_role = a("credentials")
    return triggers


def authorizer(r, a):
    v2 = r.type == "aws_apigatewayv2_authorizer"
    triggers = [_trigger(r, uri, "sync", a("api_id" if v2 else "rest_api_id"), f"/uri[{i}]" if i else "")
                for i, uri in enumerate(integration_targets(a("authorizer_uri")))
                if not uri[0].absent]
    for trigger in triggers:
        trigger.authorizer = True
        trigger.http_api = v2
        trigger.invoke_role = a("authorizer_credentials_arn" if v2 else "authorizer_credentials")
    return triggers


def rest_api(r, a):
    """An API written as an OpenAPI ``body``: its integrations and Lambda authorizers."""
    http = r.type == "aws_apigatewayv2_api"
    api = Known(ResourceRef(r.node, "id", r.address), r.source)
    triggers = []
    body = a("body")
    for target, where, name, fill in openapi.callers(body):
        for j, uri in enumerate(integration_targets(target)):
            if not isinstance(uri[0].value if isinstance(uri[0], Known) else None, ResourceRef):
                continue
            trigger = _trigger(r, uri, "sync", api, f"{where}/{j}")
            trigger.name = f"{r.address}.{name}"
            fill(trigger, http)
            triggers.append(trigger)
    return [m.Resource(r.node, r.address, "apigateway:http-api" if http else "apigateway:rest-api", r.source,
                       native_type=r.type)] + triggers


def permission_kind(trigger: m.Trigger, source_arn: Value) -> None:
    """A Lambda permission for API Gateway whose ``source_arn`` names an authorizer."""
    text = " ".join(leaf.value for leaf in source_arn.leaves() if isinstance(leaf, Known) and isinstance(leaf.value, str))
    trigger.authorizer = AUTHORIZER_ARN in text


def websocket_apis(by_node: dict, model) -> None:
    """API Gateway v2 triggers of a WebSocket API (``protocol_type = "WEBSOCKET"``): 29 s, not 30."""
    for trigger in model.of_type(m.Trigger):
        if not trigger.http_api:
            continue
        ref = trigger.event_source.value if isinstance(trigger.event_source, Known) else None
        api = by_node.get(getattr(ref, "node", None))
        if api is not None and api.type == "aws_apigatewayv2_api":
            protocol = api.values.get("protocol_type")
            if known_str(protocol) == "WEBSOCKET":
                trigger.http_api, trigger.websocket = False, True


BUILDERS = {
    "aws_api_gateway_integration": api_integration,
    "aws_apigatewayv2_integration": api_integration,
    "aws_api_gateway_authorizer": authorizer,
    "aws_apigatewayv2_authorizer": authorizer,
    "aws_api_gateway_rest_api": rest_api,
    "aws_apigatewayv2_api": rest_api,
}

__all__ = ["BUILDERS", "integration_uri", "permission_kind", "websocket_apis"]
