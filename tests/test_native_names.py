"""Messages name properties in the user's own notation: CloudFormation ``Timeout``,
Terraform ``timeout`` (``lambdalint.native_names.native_name``)."""
from __future__ import annotations

from pathlib import Path

import pytest

from lambdalint.config import load_config
from lambdalint.runner import lint

ROOT = Path(__file__).resolve().parents[1]

CASES = [
    # rule, case, names the messages must use, names they must not use
    ("LL101", "LL101/out_of_range.yaml", ["Timeout"], ["timeout 1"]),
    ("LL101", "LL101/out_of_range_tf", ["timeout"], ["Timeout"]),
    ("LL302", "LL302/ref_queue.yaml", ["DeadLetterConfig.TargetArn"], ["dead_letter_config"]),
    ("LL302", "LL302/ref_queue_tf", ["dead_letter_config.target_arn"], ["DeadLetterConfig"]),
    ("LL501", "LL501/visibility_below_timeout.yaml", ["VisibilityTimeout", "(Timeout)"], ["visibility_timeout"]),
    ("LL501", "LL501/visibility_below_timeout_tf", ["visibility_timeout_seconds", "(timeout)"],
     ["VisibilityTimeout", "(Timeout)"]),
]


def _messages(rule: str, case: str, monkeypatch) -> list[str]:
    monkeypatch.chdir(ROOT)
    config = load_config(None)
    config.select = [rule]
    report = lint([str(Path("fixtures") / case)], config)
    return [f.message for f in report.findings if f.rule == rule]


@pytest.mark.parametrize("rule,case,wanted,unwanted", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_messages_use_native_names(rule, case, wanted, unwanted, monkeypatch):
    messages = _messages(rule, case, monkeypatch)
    assert messages, f"{case} should fire {rule}"
    for message in messages:
        for name in wanted:
            assert name in message, message
        for name in unwanted:
            assert name not in message, message


def test_unsure_reason_uses_native_name(monkeypatch):
    monkeypatch.chdir(ROOT)
    config = load_config(None)
    config.select = ["LL101"]
    report = lint(["fixtures/LL101/unknown_variable_tf"], config)
    reasons = [u.reason for u in report.unknowns if u.rule == "LL101"]
    assert reasons and all(r.startswith("timeout <- ") for r in reasons), reasons


def test_native_name_falls_back_for_defaults():
    from lambdalint.document import Document, Source
    from lambdalint.native_names import native_name
    from lambdalint.values import Absent, Known

    cfn = Document("t.yaml", "cfn-yaml", {})
    header = Source(cfn, ("Resources", "Fn", "__key__"))
    assert native_name(Absent(header), "Timeout") == "Timeout"
    assert native_name(Known(3, header), "Timeout") == "Timeout"
    nested = Source(cfn, ("Resources", "Fn", "Properties", "VpcConfig", "Fn::If", 1, "SubnetIds", 0))
    assert native_name(Known("subnet-1", nested), "SubnetIds") == "VpcConfig.SubnetIds"
    event = Source(cfn, ("Resources", "Fn", "Properties", "Events", "Jobs", "Properties", "BatchSize"))
    assert native_name(Known(20, event), "BatchSize") == "BatchSize"
    plan = Document("p.json", "tf-plan", {})
    planned = Source(plan, ("planned_values", "root_module", "resources", 0, "values", "ephemeral_storage", 0, "size"))
    assert native_name(Known(20, planned), "EphemeralStorage.Size") == "ephemeral_storage.size"


def test_unset_terraform_attribute_is_named_natively(monkeypatch):
    """An absent attribute has no path of its own; the Terraform frontend names it."""
    from lambdalint.config import Config
    from lambdalint.runner import lint

    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    tf = [f.message for f in lint(["fixtures/LL505/no_source_arn_tf"], Config(select=["LL505"])).findings]
    cfn = [f.message for f in lint(["fixtures/LL505/no_source_arn.yaml"], Config(select=["LL505"])).findings]
    assert tf and all("no source_arn" in m for m in tf)
    assert cfn and all("no SourceArn" in m for m in cfn)
