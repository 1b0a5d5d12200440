"""What an OpenAPI / Swagger body says about the Lambda functions an API calls, for every format:
``AWS::ApiGateway::RestApi`` / ``AWS::ApiGatewayV2::Api`` ``Body``, SAM ``DefinitionBody``,
``aws_api_gateway_rest_api`` / ``aws_apigatewayv2_api`` ``body`` (``jsonencode({...})``).

An API written this way has no ``Method`` / ``Integration`` resources: its integrations are the
``x-amazon-apigateway-integration`` object of each path and method, and its Lambda authorizers
the ``x-amazon-apigateway-authorizer`` object of a security scheme.  The walk reads Value trees
(``Known`` mappings of ``Value``), so each frontend hands over its own resolved body and turns
the URIs into references to functions its own way.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..values import Absent, Known, Value, known_str

INTEGRATION = "x-amazon-apigateway-integration"
AUTHORIZER = "x-amazon-apigateway-authorizer"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "x-amazon-apigateway-any-method")
STREAMING_PATH = "/response-streaming-invocations"  # Lambda's InvokeWithResponseStream path


@dataclass
class BodyIntegration:
    path: str
    method: str  # lower case; x-amazon-apigateway-any-method for ANY
    uri: Value
    timeout: Value  # timeoutInMillis
    transfer_mode: Value  # responseTransferMode (REST APIs): BUFFERED | STREAM
    credentials: Value  # the role API Gateway assumes to call the integration
    type: Value
    source: object


@dataclass
class BodyAuthorizer:
    name: str
    uri: Value  # authorizerUri
    credentials: Value  # authorizerCredentials
    source: object


def _get(value: Value, key: str) -> Value:
    if isinstance(value, Known) and isinstance(value.value, dict):
        return value.value.get(key, Absent(value.source))
    return Absent(getattr(value, "source", None))


def _items(value: Value):
    if isinstance(value, Known) and isinstance(value.value, dict):
        return [(str(k), v) for k, v in value.value.items()]
    return []


def integrations(body: Value) -> list[BodyIntegration]:
    """The ``x-amazon-apigateway-integration`` of each path and method of ``body``."""
    found = []
    for path, item in _items(_get(body, "paths")):
        for method, operation in _items(item):
            if method.lower() not in METHODS:
                continue
            integration = _get(operation, INTEGRATION)
            if not (isinstance(integration, Known) and isinstance(integration.value, dict)):
                continue
            found.append(BodyIntegration(
                path, method.lower(), _get(integration, "uri"), _get(integration, "timeoutInMillis"),
                _get(integration, "responseTransferMode"), _get(integration, "credentials"),
                _get(integration, "type"), integration.source))
    return found


def authorizers(body: Value) -> list[BodyAuthorizer]:
    """The Lambda authorizers of ``body``'s security schemes (OpenAPI 3 ``components`` or
    Swagger 2 ``securityDefinitions``)."""
    schemes = _items(_get(_get(body, "components"), "securitySchemes")) + _items(_get(body, "securityDefinitions"))
    found = []
    for name, scheme in schemes:
        authorizer = _get(scheme, AUTHORIZER)
        uri = _get(authorizer, "authorizerUri")
        if not uri.absent:
            found.append(BodyAuthorizer(name, uri, _get(authorizer, "authorizerCredentials"), authorizer.source))
    return found


def find(body: Value, path: str, method: str) -> BodyIntegration | None:
    """The integration ``body`` declares for ``path`` and ``method`` (``ANY`` included)."""
    method = method.lower()
    for integration in integrations(body):
        if integration.path == path and integration.method in (method, "x-amazon-apigateway-any-method"):
            return integration
    return None


def streams(transfer_mode: Value, uri: Value) -> bool:
    """Whether an integration streams the function's response: ``responseTransferMode: STREAM``
    (SAM: ``ResponseTransferMode: RESPONSE_STREAM``), or a URI on Lambda's response-streaming
    invocation path."""
    mode = (known_str(transfer_mode) or "").upper()
    if mode in ("STREAM", "RESPONSE_STREAM"):
        return True
    return any(isinstance(leaf, Known) and isinstance(leaf.value, str) and STREAMING_PATH in leaf.value
               for leaf in uri.leaves())


def callers(body: Value):
    """Every function call an OpenAPI body declares, its integrations then its Lambda authorizers,
    for the frontends (CloudFormation and Terraform alike): ``(uri, where, name, fill)`` with the
    trigger's node suffix, its name suffix, and ``fill(trigger, http)`` that gives the trigger
    what the body says."""
    for found in integrations(body):
        yield (found.uri, f"/{found.method} {found.path}", f"paths.{found.path}.{found.method}",
               lambda trigger, http, found=found: integration_trigger(trigger, found, http))
    for found in authorizers(body):
        yield (found.uri, f"/authorizer {found.name}", f"authorizers.{found.name}",
               lambda trigger, http, found=found: authorizer_trigger(trigger, found, http))


def integration_trigger(trigger, integration: BodyIntegration, http: bool) -> None:
    """Give a trigger what its body integration says (CloudFormation and Terraform alike):
    where it is written, the API kind, the integration timeout, streaming and the invoke role."""
    trigger.source = integration.source or trigger.source
    trigger.http_api = http
    trigger.timeout_ms = integration.timeout
    trigger.streaming = streams(integration.transfer_mode, integration.uri)
    trigger.invoke_role = integration.credentials


def authorizer_trigger(trigger, authorizer: BodyAuthorizer, http: bool) -> None:
    """Give a trigger what its body's Lambda authorizer says (CloudFormation and Terraform
    alike): where it is written, the API kind, that it is an authorizer, and the invoke role."""
    trigger.source = authorizer.source or trigger.source
    trigger.http_api = http
    trigger.authorizer = True
    trigger.invoke_role = authorizer.credentials


__all__ = ["BodyAuthorizer", "BodyIntegration", "authorizer_trigger", "authorizers", "callers", "find",
           "integration_trigger", "integrations", "streams"]
