"""Wording of messages that are built from names: the article follows the word."""
from __future__ import annotations

from pathlib import Path

from lambdalint.config import load_config
from lambdalint.rulehelpers import with_article
from lambdalint.runner import lint

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_article_follows_the_word():
    assert with_article("Amazon MSK") == "an Amazon MSK"
    assert with_article("Kinesis") == "a Kinesis"
    assert with_article("DynamoDB Streams") == "a DynamoDB Streams"


def test_ll504_msk_message_reads_an_amazon_msk():
    config = load_config(None)
    config.select = ["LL504"]
    report = lint([str(FIXTURES / "LL504" / "msk_starting_position.yaml")], config)
    messages = [f.message for f in report.findings]
    assert messages and all("reads an Amazon MSK source" in m for m in messages), messages
