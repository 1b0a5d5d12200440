"""SAM (``Transform: AWS::Serverless-2016-10-31``) onto the normalized model.

What SAM generates is modelled as SAM generates it, so rules need no SAM special case and a SAM
template gets the findings of its transform (``tests/test_sam_differential.py`` checks that
against ``aws-sam-translator``):

- ``globals.py``: ``Globals`` merge into each resource (scalars: local wins; maps merge; lists
  concatenate), minus ``IgnoreGlobals``;
- ``function.py``: ``AWS::Serverless::Function`` (its SAM spellings, ``AutoPublishAlias``,
  ``EventInvokeConfig``);
- ``events.py``: ``Events`` become event source mappings or triggers whose Lambda permission
  SAM writes itself;
- ``role.py``: the role SAM creates for a function without ``Role``, with the managed and inline
  policies SAM attaches (basic execution, VPC access, X-Ray, dead-letter, destinations, pull
  sources, ``Policies`` with SAM's published policy templates);
- ``connectors.py``: ``AWS::Serverless::Connector`` and embedded ``Connectors``, from SAM's own
  connector profiles;
- ``apis.py``: the Lambda permissions SAM writes for API authorizers, and the implicit APIs;
- ``generated.py``: what SAM generates as CloudFormation resources, built by the CloudFormation
  builders from the properties SAM would write.
"""
from __future__ import annotations

from ..cfn_base import CfnFrontend
from .apis import add_authorizer_permissions, implicit_apis
from .connectors import add_connectors
from .function import function
from .globals import function_globals

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"


def is_sam(template) -> bool:
    if not isinstance(template, dict):
        return False
    transform = template.get("Transform")
    names = transform if isinstance(transform, list) else [transform]
    if SAM_TRANSFORM in names:
        return True
    resources = template.get("Resources")
    return isinstance(resources, dict) and any(
        isinstance(b, dict) and str(b.get("Type", "")).startswith("AWS::Serverless::") for b in resources.values())


def declare_generated(fe: CfnFrontend) -> None:
    """Let ``!GetAtt FunctionRole.Arn`` and friends resolve to what SAM will generate."""
    # SAM names what it generates after the SAM resource (FunctionRole, Api.Stage, FnEventPermission)
    fe.r.generated_prefixes = ("ServerlessRestApi", "ServerlessHttpApi") + tuple(
        lid for lid, body in fe.r.resources.items()
        if isinstance(body, dict) and str(body.get("Type", "")).startswith("AWS::Serverless::")) + tuple(
        # an embedded connector is the resource <Source><Connector> (and SAM names what it
        # generates after it: <Source><Connector>Policy ...), which DependsOn may name
        f"{lid}{name}" for lid, body in fe.r.resources.items()
        if isinstance(body, dict) and isinstance(body.get("Connectors"), dict)
        for name in body["Connectors"] if isinstance(name, str))
    fe.extra_types.update(implicit_apis(fe))
    for lid, body in fe.r.resources.items():
        if isinstance(body, dict) and body.get("Type") == "AWS::Serverless::Function":
            props = body.get("Properties") if isinstance(body.get("Properties"), dict) else {}
            if "Role" not in props:
                fe.extra_types[lid + "Role"] = "AWS::IAM::Role"
            alias = props.get("AutoPublishAlias") or function_globals(fe, body).get("AutoPublishAlias")
            if isinstance(alias, str):
                fe.extra_types[lid + "Alias" + alias] = "AWS::Lambda::Alias"
                fe.extra_types[lid + ".Alias"] = "AWS::Lambda::Alias"


def add_generated(fe: CfnFrontend) -> None:
    """What SAM generates from several resources at once (after all resources are mapped)."""
    add_connectors(fe)
    add_authorizer_permissions(fe)


__all__ = ["SAM_TRANSFORM", "add_generated", "declare_generated", "function", "is_sam"]
