import importlib.util
import datetime

import pytest

from lambdalint import data


def test_files_load_with_provenance():
    for loader in (data.managed_policies, data.runtimes, data.services):
        d = loader()
        assert isinstance(d, dict)
        assert d["_source"] and d["_as_of"]
    assert "AWS_REGION" in data.reserved_env_keys()
    assert "_HANDLER" in data.reserved_env_keys()
    assert "AWS_DEFAULT_REGION" in data.reserved_env_keys()


def test_managed_policies_shape():
    pols = {k: v for k, v in data.managed_policies().items() if not k.startswith("_")}
    for name in ("AWSLambdaBasicExecutionRole", "AWSLambdaVPCAccessExecutionRole", "AdministratorAccess",
                 "PowerUserAccess", "AWSLambdaENIManagementAccess"):
        assert name in pols
    for name, pol in pols.items():
        assert pol["arn"].startswith("arn:aws:iam::aws:policy/"), name
        assert pol["arn"].endswith("/" + name), name
        assert pol["statements"], name
        for st in pol["statements"]:
            assert st["Effect"] in ("Allow", "Deny"), name
            assert ("Action" in st) != ("NotAction" in st), name
            assert "Resource" in st, name
    assert pols["AWSLambdaVPCAccessExecutionRole"]["arn"].startswith("arn:aws:iam::aws:policy/service-role/")
    assert pols["PowerUserAccess"]["statements"][0]["NotAction"]


def test_managed_policy_by_arn():
    assert data.managed_policy_by_arn("arn:aws-cn:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
    assert data.managed_policy_by_arn("arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole") is None
    assert data.managed_policy_by_arn("arn:aws:iam::123456789012:policy/AdministratorAccess") is None


def test_runtime_dates_parse():
    rts = {k: v for k, v in data.runtimes().items() if not k.startswith("_")}
    assert "python3.9" in rts and "nodejs24.x" in rts
    datetime.date.fromisoformat(data.runtimes()["_as_of"])
    for name, info in rts.items():
        assert set(info) == {"deprecated", "block_create", "block_update", "successor"}, name
        for key in ("deprecated", "block_create", "block_update"):
            if info[key] is not None:
                datetime.date.fromisoformat(info[key])


def test_services():
    s = data.services()
    assert s["services"]["s3"]["gateway"] is True
    assert s["services"]["dynamodb"]["gateway"] is True
    assert s["services"]["cloudwatch"]["endpoints"] == ["monitoring"]
    assert "logs" in s["no_egress_needed"]["prefixes"]


def test_sam_policy_templates():
    if importlib.util.find_spec("samtranslator") is None:
        pytest.skip("aws-sam-translator not installed")
    t = data.sam_policy_templates()
    for name in ("VPCAccessPolicy", "SQSSendMessagePolicy", "SNSPublishMessagePolicy", "SQSPollerPolicy"):
        assert name in t
