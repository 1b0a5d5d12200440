"""Strings known in part: the ``${...}`` placeholders a string built at deploy time keeps for
the parts known only then (what each kind of placeholder means is below), and ARNs read from
such strings."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .values import Known, ResourceRef, Unknown


# -- strings known in part ------------------------------------------------------------------
# A string built at deploy time (Fn::Sub, Fn::Join, Terraform interpolation) keeps its literal
# text; each part known only at deploy time is a typed placeholder ``${...}``:
#
#   ${AWS::Region}        a pseudo parameter (AccountId, Partition, Region, URLSuffix, StackName ...)
#   ${<node>.<attr>}      an attribute of an entity of the model (ResourceRef.token()): it stands
#                         for that one entity, so ${A.arn} never equals ${B.arn}
#   ${AZ<n>}, ${data.aws_availability_zones.<x>.names[<n>]}   the n-th Availability Zone
#   ${?<text>}            anything else (a parameter without default, an import): it may be any
#                         text, and equals nothing for sure; ${?ref:<name>} is what Ref returns
#                         for a resource the transform generates (a name, an ID or an ARN)
#
# A string holding only the first three kinds is a Known value (as it always was); one holding a
# ``${?...}`` placeholder is an Unknown whose ``partial`` is that string.
PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
PSEUDO_TOKEN = re.compile(r"\$\{AWS::([A-Za-z]+)\}")


def unknown_token(text: str) -> str:
    """The ``${?...}`` placeholder of a part known only at deploy time (``text`` names it)."""
    return "${?" + text.replace("}", ")").replace("${", "$(") + "}"


def placeholder_kind(token: str) -> str:
    """pseudo | attribute | zone | unknown for one ``${...}`` placeholder (with or without ``${}``)."""
    body = token[2:-1] if token.startswith("${") and token.endswith("}") else token
    if body.startswith("?"):
        return "unknown"
    if body.startswith("AWS::"):
        return "pseudo"
    if re.fullmatch(r"AZ\d+", body) or body.startswith("data.aws_availability_zones."):
        return "zone"
    return "attribute" if "." in body else "unknown"


def has_unknown_part(text: str) -> bool:
    return "${?" in text


def partial_text(value) -> str | None:
    """The text of a string value known whole or in part (placeholders kept), else None."""
    if isinstance(value, Known) and isinstance(value.value, str):
        return value.value
    if isinstance(value, Known) and isinstance(value.value, ResourceRef):
        return value.value.token()
    if isinstance(value, Unknown):
        return value.partial
    return None


@dataclass(frozen=True, slots=True)
class Arn:
    """An ARN's fields, placeholders kept whole (``${AWS::Partition}`` has colons of its own)."""

    partition: str
    service: str
    region: str
    account: str
    resource: str

    @property
    def fields(self) -> list[str]:
        return ["arn", self.partition, self.service, self.region, self.account, self.resource]

    @property
    def resource_type(self) -> str:
        """``function`` of ``function:name``, ``table`` of ``table/t/stream/x``, ``''`` for S3."""
        head = re.split(r"[:/]", self.resource, maxsplit=1)[0]
        return head if (":" in self.resource or "/" in self.resource) else ""


def parse_arn(text: str) -> Arn | None:
    """The one ARN parser (CloudFormation, SAM, Terraform, plans, policies): None when ``text``
    is not an ARN.  Placeholders may stand in any field."""
    if not isinstance(text, str) or not text.startswith("arn"):
        return None
    hidden: list[str] = []

    def hide(match):
        hidden.append(match.group(0))
        return f"\x00{len(hidden) - 1}\x00"

    parts = PLACEHOLDER.sub(hide, text).split(":", 5) if "${" in text else text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    if hidden:
        parts = [re.sub("\x00(\\d+)\x00", lambda m: hidden[int(m.group(1))], part) for part in parts]
    return Arn(*parts[1:])


def arn_fields(text: str) -> list[str] | None:
    """The six fields of an ARN (``arn``, partition, service, region, account, resource)."""
    arn = parse_arn(text)
    return arn.fields if arn is not None else None
