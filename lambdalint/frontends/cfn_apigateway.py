"""API Gateway resources (and the Lambda permissions for API Gateway) onto the model's
synchronous ``apigateway`` triggers, in CloudFormation and SAM spellings.

A function is called by an API as an integration (``AWS::ApiGateway::Method`` ``Integration``,
``AWS::ApiGatewayV2::Integration``, or ``x-amazon-apigateway-integration`` in an API's OpenAPI
``Body`` / SAM ``DefinitionBody``) or as a Lambda authorizer (``AWS::ApiGateway::Authorizer``,
``AWS::ApiGatewayV2::Authorizer``, ``x-amazon-apigateway-authorizer``).  Each trigger carries what
decides how long API Gateway waits: the kind of API (REST, HTTP, WebSocket), integration or
authorizer, the integration timeout written (``TimeoutInMillis``) and whether the response is
streamed (``ResponseTransferMode: STREAM``), and the role API Gateway assumes to invoke
(``Credentials``), with which no Lambda permission is needed.
"""
from __future__ import annotations

from ..model import entities as m
from ..values import Known, Value, known_str
from . import openapi
from .cfn_triggers import function_targets, push_triggers, refs

# an AWS::Lambda::Permission's SourceArn for an authorizer: arn:...:execute-api:...:api-id/authorizers/id
AUTHORIZER_ARN = "/authorizers/"


def api_protocol(fe, api: Value) -> str | None:
    """``REST``, ``HTTP`` or ``WEBSOCKET`` for a reference to an API of this template."""
    for ref in refs(api):
        rtype = fe.r.resource_type(ref.value.name)
        if rtype in ("AWS::ApiGateway::RestApi", "AWS::Serverless::Api"):
            return "REST"
        if rtype == "AWS::Serverless::HttpApi":
            return "HTTP"
        if rtype == "AWS::ApiGatewayV2::Api":
            body = fe.r.resources.get(ref.value.name)
            props = body.get("Properties") if isinstance(body, dict) else None
            protocol = props.get("ProtocolType") if isinstance(props, dict) else None
            return "WEBSOCKET" if protocol == "WEBSOCKET" else "HTTP"
    return None


def _v2_kind(triggers: list, protocol: str | None) -> list:
    """API Gateway v2: an HTTP API unless the API is known to be a WebSocket API."""
    for trigger in triggers:
        trigger.websocket = protocol == "WEBSOCKET"
        trigger.http_api = not trigger.websocket
    return triggers


def _text(value: Value) -> str:
    return " ".join(leaf.value for leaf in value.leaves() if isinstance(leaf, Known) and isinstance(leaf.value, str))


def permission_trigger(fe, lid, permission, service: str) -> m.Trigger:
    """The caller a Lambda permission for a service principal stands for (its integration or
    authorizer is defined elsewhere, or nowhere lambdalint reads)."""
    trigger = m.Trigger(fe.r.node(lid) + "/trigger", lid, "lambda:trigger", fe.header(lid),
                        function=permission.function, source_kind=service,
                        invocation="sync" if service == "apigateway" else _invocation(service),
                        event_source=permission.source_arn, from_permission=True)
    if service == "apigateway":
        protocol = api_protocol(fe, permission.source_arn)
        trigger.http_api = protocol == "HTTP"
        trigger.websocket = protocol == "WEBSOCKET"
        trigger.authorizer = AUTHORIZER_ARN in _text(permission.source_arn)
    return trigger


def _invocation(service: str) -> str:
    from ..model.principals import INVOCATION_OF_PRINCIPAL

    return INVOCATION_OF_PRINCIPAL[service]


def _api_method(fe, lid, props, path):
    integration = fe.get(props, "Integration", path, lid)
    uri = fe.sub(integration, "Uri")
    functions = function_targets(fe, uri)
    # a non-proxy integration may ask for an asynchronous invoke (X-Amz-Invocation-Type: 'Event')
    parameters = fe.sub(integration, "RequestParameters")
    invocation_type = known_str(fe.sub(parameters, "integration.request.header.X-Amz-Invocation-Type")) or ""
    invocation = "async" if invocation_type.strip("'\"") == "Event" else "sync"
    triggers = push_triggers(fe, lid, functions, "apigateway", invocation, fe.get(props, "RestApiId", path, lid))
    for trigger in triggers:
        trigger.timeout_ms = fe.sub(integration, "TimeoutInMillis")
        trigger.streaming = openapi.streams(fe.sub(integration, "ResponseTransferMode"), uri)
        trigger.invoke_role = fe.sub(integration, "Credentials")
    return [m.Resource(fe.r.node(lid), lid, "apigateway:method", fe.header(lid))] + triggers


def _api_v2_integration(fe, lid, props, path):
    api = fe.get(props, "ApiId", path, lid)
    functions = function_targets(fe, fe.get(props, "IntegrationUri", path, lid))
    triggers = _v2_kind(push_triggers(fe, lid, functions, "apigateway", "sync", api), api_protocol(fe, api))
    for trigger in triggers:
        trigger.timeout_ms = fe.get(props, "TimeoutInMillis", path, lid)
        trigger.invoke_role = fe.get(props, "CredentialsArn", path, lid)
    return [m.Resource(fe.r.node(lid), lid, "apigateway:integration", fe.header(lid))] + triggers


def _authorizer(fe, lid, props, path):
    """``AWS::ApiGateway::Authorizer`` (REST) and ``AWS::ApiGatewayV2::Authorizer``."""
    v2 = "ApiId" in props
    api = fe.get(props, "ApiId" if v2 else "RestApiId", path, lid)
    functions = function_targets(fe, fe.get(props, "AuthorizerUri", path, lid))
    triggers = push_triggers(fe, lid, functions, "apigateway", "sync", api)
    if v2:
        _v2_kind(triggers, api_protocol(fe, api))
    for trigger in triggers:
        trigger.authorizer = True
        trigger.invoke_role = fe.get(props, "AuthorizerCredentialsArn" if v2 else "AuthorizerCredentials", path, lid)
    return [m.Resource(fe.r.node(lid), lid, "apigateway:authorizer", fe.header(lid))] + triggers


def body_triggers(fe, lid, body: Value, api: Value, http: bool) -> list:
    """The integrations and Lambda authorizers an OpenAPI body declares, as triggers."""
    triggers = []
    for uri, where, name, fill in openapi.callers(body):
        for trigger in push_triggers(fe, lid, function_targets(fe, uri), "apigateway", "sync", api):
            trigger.node += where
            trigger.name = f"{trigger.name}.{name}"
            fill(trigger, http)
            triggers.append(trigger)
    return triggers


def _rest_api(fe, lid, props, path):
    self_ref = fe.r.resolve({"Ref": lid}, path)
    return [m.Resource(fe.r.node(lid), lid, "apigateway:rest-api", fe.header(lid))] + body_triggers(
        fe, lid, fe.get(props, "Body", path, lid), self_ref, http=False)


def _v2_api(fe, lid, props, path):
    self_ref = fe.r.resolve({"Ref": lid}, path)
    return [m.Resource(fe.r.node(lid), lid, "apigateway:http-api", fe.header(lid))] + body_triggers(
        fe, lid, fe.get(props, "Body", path, lid), self_ref, http=props.get("ProtocolType") != "WEBSOCKET")


def _sam_api(http: bool):
    """``AWS::Serverless::Api`` / ``HttpApi``: the integrations of a ``DefinitionBody`` written
    inline (SAM's own for the events it manages are the events' triggers)."""
    def build(fe, lid, props, path):
        self_ref = fe.r.resolve({"Ref": lid}, path)
        kind = "apigateway:http-api" if http else "apigateway:rest-api"
        return [m.Resource(fe.r.node(lid), lid, kind, fe.header(lid))] + body_triggers(
            fe, lid, fe.get(props, "DefinitionBody", path, lid), self_ref, http=http)
    return build


BUILDERS = {
    "AWS::ApiGateway::Method": _api_method,
    "AWS::ApiGatewayV2::Integration": _api_v2_integration,
    "AWS::ApiGateway::Authorizer": _authorizer,
    "AWS::ApiGatewayV2::Authorizer": _authorizer,
    "AWS::ApiGateway::RestApi": _rest_api,
    "AWS::ApiGatewayV2::Api": _v2_api,
    "AWS::Serverless::Api": _sam_api(http=False),
    "AWS::Serverless::HttpApi": _sam_api(http=True),
}

__all__ = ["AUTHORIZER_ARN", "BUILDERS", "api_protocol", "body_triggers", "permission_trigger"]
