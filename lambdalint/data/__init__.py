"""Data files shipped with lambdalint (plain JSON, loaded lazily and cached).

Each JSON file has top-level "_source" / "_as_of" notes saying where the data came from.
"""
from __future__ import annotations

import functools
import importlib.util
import json
import os
from importlib import resources
from typing import Any


def _load(name: str) -> dict[str, Any]:
    with resources.files(__name__).joinpath(name).open("r", encoding="utf-8") as fh:
        return json.load(fh)


@functools.cache
def managed_policies() -> dict[str, Any]:
    """AWS managed policies keyed by policy name: {"arn", "version", "source", "statements"}."""
    return _load("managed_policies.json")


@functools.cache
def runtimes() -> dict[str, Any]:
    """Runtime lifecycle: runtime -> {"deprecated", "block_create", "block_update", "successor"}."""
    return _load("runtimes.json")


@functools.cache
def reserved_env_keys() -> frozenset[str]:
    """Environment variable keys Lambda reserves (cannot be set in function configuration)."""
    return frozenset(_load("reserved_env_keys.json")["keys"])


@functools.cache
def services() -> dict[str, Any]:
    """IAM service prefix -> VPC endpoint info, plus "no_egress_needed" (see services.json)."""
    return _load("services.json")


def _samtranslator_json(*parts: str):
    """A JSON data file shipped inside the installed aws-sam-translator package, read without
    importing the package; None when it is not installed."""
    try:
        spec = importlib.util.find_spec("samtranslator")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = os.path.join(folder, *parts)
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as fh:
                return json.load(fh)
    return None


@functools.cache
def sam_policy_templates() -> dict[str, Any]:
    """SAM policy templates ("Templates" mapping name -> definition) read from the installed
    aws-sam-translator package without importing it. {} if it is not installed."""
    data = _samtranslator_json("policy_templates_data", "policy_templates.json")
    return data.get("Templates", {}) if isinstance(data, dict) else {}


@functools.cache
def sam_connector_profiles() -> dict[str, Any]:
    """SAM's connector profiles (``Permissions``: source type -> destination type -> what the
    connector generates; ``CfnResourceProperties``: how SAM reads a resource's ARN, name, role)
    from the installed aws-sam-translator package. {} if it is not installed."""
    data = _samtranslator_json("model", "connector_profiles", "profiles.json")
    return data if isinstance(data, dict) else {}


def managed_policy_by_arn(arn: str) -> dict[str, Any] | None:
    """Look a managed policy up by ARN in any partition (arn:aws:, arn:aws-cn:, arn:aws-us-gov:)."""
    if not isinstance(arn, str) or ":iam::aws:policy/" not in arn:
        return None
    name = arn.rsplit("/", 1)[-1]
    entry = managed_policies().get(name)
    if not isinstance(entry, dict):
        return None
    if arn.split(":iam::aws:policy/", 1)[1] != entry["arn"].split(":iam::aws:policy/", 1)[1]:
        return None  # wrong path (e.g. missing service-role/): not this policy
    return entry
