"""LL107: warning once deprecated, error once creating functions is blocked; as-of configurable."""
from __future__ import annotations

import datetime

from lambdalint.config import Config
from lambdalint.runner import lint

TEMPLATE = """Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.10
      Handler: app.handler
      Role: arn:aws:iam::123456789012:role/worker
      Code: {ZipFile: "def handler(e, c): pass"}
"""


def _run(tmp_path, as_of):
    (tmp_path / "t.yaml").write_text(TEMPLATE)
    config = Config(select=["LL107"], rules={"LL107": {"as-of": as_of}})
    return [f for f in lint([str(tmp_path / "t.yaml")], config).findings if f.rule == "LL107"]


def test_before_deprecation_is_silent(tmp_path):
    assert _run(tmp_path, "2026-10-30") == []


def test_deprecated_is_warning(tmp_path):
    (finding,) = _run(tmp_path, datetime.date(2026, 11, 26))
    assert finding.severity == "warning"
    assert "2026-10-31" in finding.message and "2027-02-01" in finding.message and "python3.14" in finding.message


def test_create_blocked_is_error(tmp_path):
    (finding,) = _run(tmp_path, "2027-02-01")
    assert finding.severity == "error"


def test_configured_severity_wins(tmp_path):
    (tmp_path / "t.yaml").write_text(TEMPLATE)
    config = Config(select=["LL107"], rules={"LL107": {"as-of": "2027-06-01", "severity": "info"}})
    (finding,) = lint([str(tmp_path / "t.yaml")], config).findings
    assert finding.severity == "info"
