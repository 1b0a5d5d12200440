"""Terraform IAM resources onto the model: roles (``inline_policy`` blocks,
``managed_policy_arns``), ``aws_iam_role_policy``, ``aws_iam_policy`` and every way of attaching a
policy to a role (``aws_iam_role_policy_attachment``, ``aws_iam_policy_attachment``,
``aws_iam_role_policy_attachments_exclusive``).  ``docs/relations.md`` lists the forms."""
from __future__ import annotations

from ...model import entities as m
from ...values import Absent, Known, ResourceRef, Unknown, Value, known_str
from .resources import TfResource
from .tfmap import _entity, _unconfigured

# data "aws_iam_policy_document" resources by node, set by add_resources: a plan leaves the
# ``json`` of a document with unknown arguments unknown, but lists the arguments themselves.
_POLICY_DOCUMENTS: dict[str, TfResource] = {}


def _unset(value) -> bool:
    return isinstance(value, Known) and (value.value is None or value.value == [])


def _document_of(value: Value) -> Value | None:
    """``data.aws_iam_policy_document.x.json`` (a reference left by a plan) -> the policy tree."""
    ref = value.value
    r = _POLICY_DOCUMENTS.get(ref.node)
    if r is None or ref.attr not in ("json", "minified_json"):
        return None
    from .policy_document import policy_tree

    def clean(v):
        if isinstance(v, Known) and isinstance(v.value, dict):
            return Known({k: clean(x) for k, x in v.value.items() if not _unset(x)}, v.source)
        if isinstance(v, Known) and isinstance(v.value, list):
            return Known([clean(x) for x in v.value], v.source)
        return v

    document = policy_tree({k: clean(v) for k, v in r.values.items() if not _unset(v)}, r.source)
    # A plan lists `"${aws_s3_bucket.b.arn}/*"` and `aws_s3_bucket.b.arn` alike: a reference put
    # into a resource pattern may have text after it, which stays unknown.
    for stmt in document.value["Statement"].value:
        body = stmt.value if isinstance(stmt, Known) and isinstance(stmt.value, dict) else {}
        for key in ("Resource", "NotResource"):
            items = body[key].value if isinstance(body.get(key), Known) and isinstance(body[key].value, list) else []
            for i, item in enumerate(items):
                if isinstance(item, Known) and isinstance(item.value, ResourceRef):
                    items[i] = Known(item.value.token() + "${known after apply}", item.source)
    return document


def _policy_value(value: Value) -> Value:
    """Policy attributes are JSON strings (heredoc, file) or, from jsonencode, structures."""
    if isinstance(value, Known) and isinstance(value.value, ResourceRef):
        return _document_of(value) or value
    if isinstance(value, Known) and isinstance(value.value, str):
        import json

        try:
            raw = json.loads(value.value)
        except ValueError:
            return Unknown("policy is not valid JSON", value.source)
        return _wrap(raw, value.source)
    return value


def _wrap(raw, source):
    if isinstance(raw, dict):
        return Known({k: _wrap(v, source) for k, v in raw.items()}, source)
    if isinstance(raw, list):
        return Known([_wrap(v, source) for v in raw], source)
    return Known(raw, source)


def _role(r, a):
    role = _entity(m.Role, r, role_name=a("name"))
    for index, block in enumerate(a.blocks("inline_policy")):
        name = known_str(a.sub(block, "name")) or str(index)
        document = _policy_value(a.sub(block, "policy"))
        if not document.absent:
            role.inline_documents.append((f"inline policy {name} of {r.address}", document, block.source))
    arns = a("managed_policy_arns")
    if isinstance(arns, Unknown) and _unconfigured(r, "managed_policy_arns"):
        # plan: not configured, so "known after apply" only lists the attachments made elsewhere
        # (aws_iam_role_policy_attachment, mapped on their own)
        arns = Absent(arns.source)
    if isinstance(arns, Known) and isinstance(arns.value, list):
        role.managed_arns.extend(arns.value)
    elif isinstance(arns, Unknown):
        role.managed_arns.append(arns)
    return [role]


def _role_policy(r, a):
    return [_entity(m.Policy, r, "iam:policy", document=_policy_value(a("policy")),
                    roles=Known([a("role")], a.header))]


def _policy(r, a):
    return [_entity(m.Policy, r, "iam:policy", document=_policy_value(a("policy")), policy_arn_managed=True)]


def _attachment(r, a):
    return [_entity(m.RoleAttachment, r, "iam:role-policy-attachment", role=a("role"), policy_arn=a("policy_arn"))]


def _policy_attachment(r, a):
    found = []
    roles = a("roles")
    for index, role in enumerate(roles.value if isinstance(roles, Known) and isinstance(roles.value, list) else []):
        found.append(m.RoleAttachment(f"{r.node}/role[{index}]", r.address, "iam:role-policy-attachment", r.source,
                                      native_type=r.type, role=role, policy_arn=a("policy_arn")))
    return found


def _exclusive_attachments(r, a):
    """``aws_iam_role_policy_attachments_exclusive``: the role (by name) has exactly these
    managed policies (``policy_arns``)."""
    arns = a("policy_arns")
    listed = arns.value if isinstance(arns, Known) and isinstance(arns.value, list) else [arns]
    return [m.RoleAttachment(f"{r.node}/policy[{index}]", r.address, "iam:role-policy-attachment", r.source,
                             native_type=r.type, role=a("role_name"), policy_arn=arn)
            for index, arn in enumerate(listed) if not arn.absent]


IAM_BUILDERS = {
    "aws_iam_role": _role,
    "aws_iam_role_policy": _role_policy,
    "aws_iam_policy": _policy,
    "aws_iam_role_policy_attachment": _attachment,
    "aws_iam_policy_attachment": _policy_attachment,
    "aws_iam_role_policy_attachments_exclusive": _exclusive_attachments,
}


def data_policy(r: TfResource, a) -> list:
    """``data "aws_iam_policy"`` found by the ``name`` (or ``arn``) of an AWS managed policy that
    lambdalint knows: the policy itself, so roles that attach its ``arn`` are read (the data
    source fails when the name matches more than one policy, so a name that resolves is that
    policy).  Other policies stay a data source known only when Terraform reads it."""
    from ... import data
    from .tfvalues import from_plain

    name, arn = known_str(a("name")), known_str(a("arn"))
    if arn is not None:
        name = arn.rsplit("/", 1)[-1] if ":aws:policy/" in arn else None
    entry = data.managed_policies().get(name) if name else None
    if entry is None or not isinstance(entry, dict):
        return [_entity(m.Resource, r, "data:" + r.type)]
    document = from_plain({"Version": "2012-10-17", "Statement": entry["statements"]}, r.source)
    return [_entity(m.Policy, r, "data:" + r.type, document=document, policy_arn_managed=True)]
