"""LL001 for a file that is not a template: reported only when named on the command line."""
from __future__ import annotations

from lambdalint.config import Config
from lambdalint.runner import lint

NOT_A_TEMPLATE = "services:\n  web:\n    image: nginx\n"
BROKEN_NOT_A_TEMPLATE = "services:\n  web:\n\timage: nginx\n"


def _ll001(paths):
    config = Config()
    config.select = ["LL001"]
    return [f for f in lint(paths, config).findings if f.rule == "LL001"]


def test_explicit_non_template_is_reported(tmp_path):
    file = tmp_path / "docker-compose.yml"
    file.write_text(NOT_A_TEMPLATE)
    found = _ll001([str(file)])
    assert len(found) == 1
    assert "not a CloudFormation/SAM template" in found[0].message
    assert found[0].span.line == 1


def test_explicit_broken_non_template_is_reported(tmp_path):
    file = tmp_path / "docker-compose.yml"
    file.write_text(BROKEN_NOT_A_TEMPLATE)
    found = _ll001([str(file)])
    assert len(found) == 1 and found[0].span.line == 3


def test_discovered_non_template_is_skipped(tmp_path):
    (tmp_path / "docker-compose.yml").write_text(NOT_A_TEMPLATE)
    (tmp_path / "broken.yml").write_text(BROKEN_NOT_A_TEMPLATE)
    (tmp_path / "package.json").write_text('{"name": "x",}')
    assert _ll001([str(tmp_path)]) == []


def test_other_files_still_linted(tmp_path):
    (tmp_path / "bad.yaml").write_text("Resources:\n  A:\n    Type: AWS::SQS::Queue\n  A:\n    Type: AWS::SQS::Queue\n")
    (tmp_path / "good.yaml").write_text("Resources:\n  B:\n    Type: AWS::SQS::Queue\n")
    config = Config()
    config.select = ["LL001"]
    report = lint([str(tmp_path)], config)
    assert [f.span.line for f in report.findings] == [4]
    assert report.files == 2
