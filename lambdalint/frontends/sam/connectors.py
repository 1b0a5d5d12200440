"""SAM connectors (``AWS::Serverless::Connector``, or ``Connectors`` embedded in a resource),
modelled as SAM generates them.

SAM's own connector profiles (``samtranslator/model/connector_profiles/profiles.json``, read by
:func:`lambdalint.data.sam_connector_profiles`) say, for each source and destination type, what a
connector with ``Read``/``Write`` permissions generates: an ``AWS::IAM::ManagedPolicy`` on the
source's (or the destination's) role, or an ``AWS::Lambda::Permission``.  This module resolves
both endpoints the way SAM does, fills the profile in, and hands the CloudFormation properties SAM
would write to the CloudFormation builders (``generated.py``).
A connector that cannot be resolved (SAM would reject it, or lambdalint lacks the profiles) leaves
the roles of the functions it touches undecided, naming the connector.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ... import data
from ...document import Source
from ...model import entities as m
from .generated import add as add_generated, build as build_generated
from ...values import Reason

SAM_TO_CFN = {  # SAM resource type -> the type of what SAM generates (what profiles name)
    "AWS::Serverless::Function": "AWS::Lambda::Function",
    "AWS::Serverless::StateMachine": "AWS::StepFunctions::StateMachine",
    "AWS::Serverless::Api": "AWS::ApiGateway::RestApi",
    "AWS::Serverless::HttpApi": "AWS::ApiGatewayV2::Api",
    "AWS::Serverless::SimpleTable": "AWS::DynamoDB::Table",
}
GENERATES_ROLE = ("AWS::Serverless::Function", "AWS::Serverless::StateMachine")  # <Id>Role without Role
OUTPUT_KEYS = {"Arn": "arn", "Url": "queue_url", "Id": "resource_id", "Name": "name", "Qualifier": "qualifier"}


class Unsupported(Exception):
    """What SAM would reject (or lambdalint cannot follow) about one connector."""


@dataclass
class Endpoint:
    logical_id: str | None
    rtype: str
    arn: object = None  # raw CloudFormation values, as SAM would write them
    role_name: object = None
    queue_url: object = None
    resource_id: object = None
    name: object = None
    qualifier: object = None


def add_connectors(fe) -> None:
    """Model every connector of the template (after all resources are mapped)."""
    for lid, props, path, at, condition in _connectors(fe):
        try:
            entities = _model(fe, lid, props, path, at)
        except Unsupported as why:
            _mark_roles(fe, lid, props, f"SAM connector {lid}: {why}")
            continue
        add_generated(fe, entities, condition)


def _connectors(fe):
    """(logical ID, raw Properties, their path, Source, Condition) of every connector; an
    embedded one is ``<Resource><Name>`` with the resource as its Source (and its Condition),
    which is how SAM names it."""
    inherited = getattr(fe, "inherited_condition", None)  # a nested stack's own Condition
    for lid, body in fe.r.resources.items():
        if not isinstance(body, dict):
            continue
        props = body.get("Properties")
        condition = body.get("Condition") if isinstance(body.get("Condition"), str) else inherited
        if body.get("Type") == "AWS::Serverless::Connector":
            yield lid, props if isinstance(props, dict) else {}, ("Resources", lid, "Properties"), fe.header(lid), condition
        embedded = body.get("Connectors")
        if isinstance(embedded, dict):
            for name, connector in embedded.items():
                cprops = connector.get("Properties") if isinstance(connector, dict) else None
                cprops = dict(cprops) if isinstance(cprops, dict) else {}
                cprops["Source"] = {"Id": lid}
                path = ("Resources", lid, "Connectors", name)
                yield f"{lid}{name}", cprops, path + ("Properties",), Source(fe.doc, path), condition


def _model(fe, lid: str, props: dict, path: tuple, at: Source) -> list:
    """The entities SAM generates for one connector."""
    profiles = data.sam_connector_profiles()
    if not profiles:
        raise Unsupported("SAM's connector profiles are not available (aws-sam-translator is not installed)")
    destinations = props.get("Destination")
    multi = isinstance(destinations, list)
    permissions = props.get("Permissions")
    if not isinstance(permissions, list) or not permissions or not all(isinstance(p, str) for p in permissions):
        raise Unsupported("Permissions is not a list of Read/Write")
    entities = []
    for index, destination in enumerate(destinations if multi else [destinations]):
        source = _endpoint(fe, props.get("Source"), destination)
        target = _endpoint(fe, destination, props.get("Source"))
        profile = profiles.get("Permissions", {}).get(source.rtype, {}).get(target.rtype)
        if not isinstance(profile, dict):
            raise Unsupported(f"SAM has no connector from {source.rtype} to {target.rtype}")
        properties = profile.get("Properties", {})
        categories = properties.get("AccessCategories", {})
        combinations = properties.get("ValidAccessCategories")
        if any(p not in categories for p in permissions) or (
                combinations and sorted(set(permissions)) not in [sorted(c) for c in combinations]):
            raise Unsupported(f"Permissions {permissions} from {source.rtype} to {target.rtype} (SAM rejects them)")
        replacement = {f"{side}.{key}": getattr(end, attr) for side, end in (("Source", source), ("Destination", target))
                       for key, attr in (("Arn", "arn"), ("ResourceId", "resource_id"), ("Name", "name"),
                                         ("Qualifier", "qualifier"))}
        holder = source if properties.get("SourcePolicy") else target
        suffix = f"Destination{index}" if multi else ""
        if profile.get("Type") == "AWS_IAM_ROLE_MANAGED_POLICY":
            if holder.role_name is None:
                raise Unsupported(f"no IAM role name for {holder.logical_id or holder.rtype}")
            statements = [s for name, block in categories.items() if name in permissions
                          for s in _replace(block.get("Statement", []), replacement)]
            cfn = {"PolicyDocument": {"Version": "2012-10-17", "Statement": statements}, "Roles": [holder.role_name]}
            entities += build_generated(fe, "AWS::IAM::ManagedPolicy", f"{lid}Policy{suffix}", cfn, path, at,
                               f"SAM connector {lid} policy")
        elif profile.get("Type") == "AWS_LAMBDA_PERMISSION":
            if holder.arn is None:
                raise Unsupported(f"no Lambda function ARN for {holder.logical_id or holder.rtype}")
            for name, block in categories.items():
                if name not in permissions:
                    continue
                cfn = {key: block[key] for key in ("Action", "Principal", "SourceArn", "SourceAccount") if key in block}
                cfn = {**_replace(cfn, replacement), "FunctionName": holder.arn}
                entities += build_generated(fe, "AWS::Lambda::Permission", f"{lid}{name}LambdaPermission{suffix}", cfn, path,
                                   at, "AWS::Lambda::Permission (generated by a SAM connector)")
        # queue and topic policies (a rule or a topic writing to a queue) say nothing about functions
    return entities


def _endpoint(fe, obj, other) -> Endpoint:
    """A connector's Source or Destination, resolved as SAM's ``get_resource_reference`` does."""
    if not isinstance(obj, dict):
        raise Unsupported("an endpoint is not a mapping")
    other = other if isinstance(other, dict) else {}
    if "Id" not in obj:
        rtype = obj.get("Type")
        if not isinstance(rtype, str) or not rtype:
            raise Unsupported("an endpoint has neither Id nor Type")
        return Endpoint(None, SAM_TO_CFN.get(rtype, rtype), obj.get("Arn"), obj.get("RoleName"), obj.get("QueueUrl"),
                        obj.get("ResourceId"), obj.get("Name"), obj.get("Qualifier"))
    logical_id = obj["Id"]
    body = fe.r.resources.get(logical_id) if isinstance(logical_id, str) else None
    if not isinstance(body, dict) or not isinstance(body.get("Type"), str):
        raise Unsupported(f"endpoint Id {logical_id!r} is not a resource of the template")
    sam_type = body["Type"]
    rtype = SAM_TO_CFN.get(sam_type, sam_type)
    cfn_properties = _replace(data.sam_connector_profiles().get("CfnResourceProperties", {}).get(rtype, {}),
                              {"logicalId": logical_id})
    outputs = cfn_properties.get("Outputs", {})
    endpoint = Endpoint(logical_id, rtype, **{attr: outputs.get(key) for key, attr in OUTPUT_KEYS.items()})
    if "Qualifier" in obj:
        endpoint.qualifier = obj["Qualifier"]
    props = body.get("Properties") if isinstance(body.get("Properties"), dict) else {}
    role = _role_property(sam_type, cfn_properties.get("Inputs", {}).get("Role"), logical_id, props, other)
    role_id = _logical_id(role)
    endpoint.role_name = {"Ref": role_id} if role_id else None
    return endpoint


def _role_property(sam_type, spec, logical_id, props, other):
    """The role of a resource as SAM's transform leaves it (a SAM function or state machine
    without ``Role`` gets ``<Id>Role``); an events rule's role is that of its target."""
    if sam_type in GENERATES_ROLE:
        return props["Role"] if "Role" in props else {"Fn::GetAtt": [logical_id + "Role", "Arn"]}
    if isinstance(spec, str):
        return props.get(spec)
    if isinstance(spec, dict) and spec.get("Function") == "GetEventsRuleRole":
        targets = props.get("Targets")
        for target in targets if isinstance(targets, list) else []:
            arn = target.get("Arn") if isinstance(target, dict) else None
            if (other.get("Id") and _logical_id(arn) == other.get("Id")) or (other.get("Arn") and arn == other.get("Arn")):
                return target.get("RoleArn")
    return None


def _logical_id(value) -> str | None:
    """The resource a ``Ref``/``Fn::GetAtt`` names (SAM's ``get_logical_id_from_intrinsic``)."""
    if isinstance(value, dict) and len(value) == 1:
        (key, arg), = value.items()
        if key == "Ref" and isinstance(arg, str):
            return arg
        if key == "Fn::GetAtt":
            if isinstance(arg, list) and arg and isinstance(arg[0], str):
                return arg[0]
            if isinstance(arg, str):
                return arg.split(".", 1)[0]
    return None


def _replace(obj, replacements: dict):
    """SAM's ``profile_replace``: ``%{Source.Arn}`` alone becomes the value; inside a string the
    string becomes an ``Fn::Sub`` with that variable."""
    if isinstance(obj, dict):
        return {k: _replace(v, replacements) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_replace(v, replacements) for v in obj]
    if not isinstance(obj, str):
        return obj
    variables = {}
    text = obj
    for key, value in replacements.items():
        pattern = "%{" + key + "}"
        if pattern not in text:
            continue
        if value is None:
            raise Unsupported(f"{key} is missing")
        if pattern == text:
            return value
        name = re.sub(r"[^0-9A-Za-z]", "", key)
        text = text.replace(pattern, "${" + name + "}")
        variables[name] = value
    if re.search(r"\$\{.+\}", text):
        return {"Fn::Sub": [text, variables]} if variables else {"Fn::Sub": text}
    return text


def _mark_roles(fe, lid: str, props: dict, reason: str) -> None:
    """The roles of the functions a connector touches: not fully known."""
    destinations = props.get("Destination")
    for endpoint in [props.get("Source")] + (destinations if isinstance(destinations, list) else [destinations]):
        target = endpoint.get("Id") if isinstance(endpoint, dict) else None
        fn = fe.model.entities.get(fe.r.node(target)) if isinstance(target, str) else None
        role = fe.model.entity(fn.role) if isinstance(fn, m.Function) else None
        if isinstance(role, m.Role):
            role.unresolved.append(Reason(f"{reason} (the policies it adds are not modelled)", "unsupported"))


__all__ = ["add_connectors"]
