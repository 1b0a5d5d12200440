"""The SAM oracle: turn a SAM template into the CloudFormation that AWS deploys, offline, with
``aws-sam-translator`` (the library the ``AWS::Serverless-2016-10-31`` transform runs), and
compare what lambdalint finds in both forms.

Offline means:
- managed policy names (``Policies: [AmazonS3ReadOnlyAccess]``) resolve through a map built from
  ``lambdalint/data/managed_policies.json`` instead of IAM ``ListPolicies``;
- the Region (hence the partition of generated ARNs) is fixed to us-east-1 instead of asking boto3;
- the Serverless Application Repository is never called: a SAR application makes the translation
  fail (no fixture has one);
- local code paths (``CodeUri: src/``, a layer's ``ContentUri``) are what ``sam package`` would
  upload: they go through the translator as ``s3://lambdalint-local/<path>`` and come back as the
  local path in ``Code`` / ``Content``, the form ``aws cloudformation package`` accepts, so that
  package checks read the same files on both sides.

Run ``python tests/sam_oracle.py TEMPLATE`` to print the translation of one template.
"""
from __future__ import annotations

import copy
import functools
import json
import sys
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

LOCAL_BUCKET = "lambdalint-local"
REGION = "us-east-1"
SAM_PREFIX = "AWS::Serverless::"
# Rules left out of the comparison, with the reason (see test_sam_differential.py):
LEFT_OUT = {
    "LL001": "parse errors: the translated form is always valid JSON, written by the translator",
    "LL002": "suppressions are comments and Metadata of the SAM resources; the translation drops both",
    "LL003": "unresolved references: the translator resolves or rewrites them (Globals, generated "
             "names), or rejects the template, so the CloudFormation form has other ones",
    "LL305": "a SAM-only property: DeadLetterQueue.Type decides which policy SAM writes and is gone "
             "from the transform; what a wrong Type leads to (a role that cannot send to the target) "
             "is LL304's, compared in both forms",
    "LL401": "the account pool is summed in document order and points at the function that crosses "
             "the line; the translator reorders resources, so the same total points elsewhere",
}


class _PolicyLoader:
    """``ManagedPolicyLoader`` without IAM: the names and ARNs lambdalint ships."""

    def load(self) -> dict[str, str]:
        return managed_policy_map()


@functools.cache
def managed_policy_map() -> dict[str, str]:
    from lambdalint import data

    return {name: entry["arn"] for name, entry in data.managed_policies().items()
            if isinstance(entry, dict) and isinstance(entry.get("arn"), str)}


class Rejected(Exception):
    """The translator rejects the template (invalid SAM): there is no CloudFormation form."""


def _local(uri) -> bool:
    return isinstance(uri, str) and not uri.startswith("s3://") and "://" not in uri


def _package(template: dict) -> dict:
    """``sam package`` without uploading: local code paths become ``s3://lambdalint-local/...``."""
    template = copy.deepcopy(template)
    bodies = [body for body in (template.get("Resources") or {}).values() if isinstance(body, dict)]
    globals_function = (template.get("Globals") or {}).get("Function")
    holders = [body.get("Properties") for body in bodies] + [globals_function]
    for holder in holders:
        if not isinstance(holder, dict):
            continue
        for key in ("CodeUri", "ContentUri"):
            if _local(holder.get(key)):
                holder[key] = f"s3://{LOCAL_BUCKET}/{holder[key]}"
    return template


def _unpackage(node):
    """Back from ``{S3Bucket: lambdalint-local, S3Key: path}`` to the local path."""
    if isinstance(node, dict):
        bucket = node.get("S3Bucket", node.get("Bucket"))
        key = node.get("S3Key", node.get("Key"))
        if bucket == LOCAL_BUCKET and isinstance(key, str):
            return key
        return {k: _unpackage(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_unpackage(v) for v in node]
    return node


def translate(template: dict, parameters: dict | None = None) -> dict:
    """The CloudFormation form of a SAM template (a new dict); ``Rejected`` when SAM rejects it."""
    import logging

    from samtranslator.model.exceptions import InvalidDocumentException, InvalidTemplateException
    from samtranslator.parser.parser import Parser
    from samtranslator.plugins.application.serverless_app_plugin import ServerlessAppPlugin
    from samtranslator.translator.translator import Translator

    logging.getLogger("samtranslator").setLevel(logging.CRITICAL)

    def no_sar():
        raise Rejected("a Serverless Application Repository application (needs the AWS API)")

    # the translator reads the Region from a boto3 session: give it one that only knows its Region
    session = SimpleNamespace(region_name=REGION)
    translator = Translator(None, Parser(), plugins=[ServerlessAppPlugin(sar_client_creator=no_sar)],
                            boto_session=session)
    try:
        out = translator.translate(_package(template), parameter_values=dict(parameters or {}),
                                   get_managed_policy_map=_PolicyLoader().load)
    except (InvalidDocumentException, InvalidTemplateException) as error:
        causes = getattr(error, "causes", None) or [error]
        raise Rejected("; ".join(str(getattr(c, "message", c)) for c in causes)) from None
    return _unpackage(json.loads(json.dumps(out, default=str)))


# -- comparing the findings of both forms ---------------------------------------------------------

def owners(template: dict) -> dict[str, bool]:
    """Logical IDs of the SAM form (the names things are compared by) -> whether SAM generates
    resources named after it (a SAM resource, or one with embedded ``Connectors``)."""
    resources = template.get("Resources") if isinstance(template, dict) else None
    if not isinstance(resources, dict):
        return {}
    return {lid: str(body.get("Type", "")).startswith(SAM_PREFIX) or "Connectors" in body
            for lid, body in resources.items() if isinstance(body, dict)}


def owner(name: str | None, ids: dict[str, bool]) -> str | None:
    """What a finding's resource is compared as: a resource of the SAM form is itself; what SAM
    generates (``FnRole``, ``FnMyEventPermission``, ``Fn.Events.MyEvent``, an embedded connector's
    ``FnMyConnectorPolicy``) counts as the SAM resource whose logical ID it starts with, which is
    how the translator names what it generates."""
    if name is None or name in ids:
        return name
    head = name.split(".", 1)[0]
    if head in ids:
        return head
    best = max((lid for lid, generates in ids.items() if generates and name.startswith(lid)), key=len, default=None)
    return best or name


def outcome(report, ids: dict[str, bool], left_out=LEFT_OUT) -> tuple[Counter, set]:
    """(findings as a multiset of (rule, owner, severity), undecided checks as (rule, owner))."""
    findings = Counter((f.rule, owner(f.resource, ids), f.severity) for f in report.findings if f.rule not in left_out)
    undecided = {(u.rule, owner(u.resource, ids)) for u in report.unknowns if u.rule not in left_out}
    return findings, undecided


def differences(sam: tuple[Counter, set], cfn: tuple[Counter, set]) -> list[tuple[str, str | None, str]]:
    """(rule, owner, what differs) for every difference between the two forms' outcomes."""
    found = []
    (sam_findings, sam_undecided), (cfn_findings, cfn_undecided) = sam, cfn
    for (rule, who, severity), count in (sam_findings - cfn_findings).items():
        found.append((rule, who, f"{severity} finding only in the SAM form (x{count})"))
    for (rule, who, severity), count in (cfn_findings - sam_findings).items():
        found.append((rule, who, f"{severity} finding only in the CloudFormation form (x{count})"))
    for rule, who in sam_undecided - cfn_undecided:
        found.append((rule, who, "undecided only in the SAM form"))
    for rule, who in cfn_undecided - sam_undecided:
        found.append((rule, who, "undecided only in the CloudFormation form"))
    return sorted(found, key=lambda d: (d[0], d[1] or "", d[2]))


def main(argv: list[str]) -> int:
    from lambdalint.discover import load_cfn_file

    for name in argv:
        doc = load_cfn_file(Path(name), True)
        data = getattr(doc, "data", None)
        if not isinstance(data, dict):
            print(f"{name}: {doc}", file=sys.stderr)
            return 1
        try:
            print(json.dumps(translate(data), indent=2))
        except Rejected as why:
            print(f"{name}: rejected by aws-sam-translator: {why}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
