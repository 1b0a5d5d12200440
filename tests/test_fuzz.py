"""Property-based fuzzing (issue 11, part 4): whatever CloudFormation, SAM, Terraform (HCL and
JSON) or plan input is thrown at lambdalint, the loaders and every rule either succeed or give
LL001 / an Unknown, never another exception, and every report format renders.

Profiles (``LAMBDALINT_FUZZ`` selects one; CI uses ``ci``):

* ``ci`` (default): a few dozen examples per property, the same ones every run
  (``derandomize``), no example database: a few seconds, never flaky.
* ``campaign``: new random examples every run, ``LAMBDALINT_FUZZ_EXAMPLES`` per property
  (default 5,000), failures kept in ``.hypothesis/`` and replayed first next time.  A long
  campaign, niced so it does not starve the machine::

      LAMBDALINT_FUZZ=campaign LAMBDALINT_FUZZ_EXAMPLES=20000 nice -n 10 python -m pytest tests/test_fuzz.py -x

Each failure a campaign finds becomes a regression test (``test_fuzz_regressions.py``).
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz_inputs import as_text, corpus, mutate, mutate_hcl, templates, tf_extras
from fuzz_values import hcl_expressions, values
from lambdalint.config import Config
from lambdalint.document import Document, ParseError
from lambdalint.engine import load_rules
from lambdalint.report import REPORTERS, render
from lambdalint.runner import lint

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile("ci", max_examples=int(os.environ.get("LAMBDALINT_FUZZ_EXAMPLES", 30)), derandomize=True,
                          database=None, deadline=None, suppress_health_check=_QUIET, print_blob=True)
settings.register_profile("campaign", max_examples=int(os.environ.get("LAMBDALINT_FUZZ_EXAMPLES", 5000)),
                          deadline=None, suppress_health_check=_QUIET, print_blob=True)
PROFILE = settings.get_profile(os.environ.get("LAMBDALINT_FUZZ", "ci"))

RULES = load_rules()
ALL = Config(select=sorted(RULES))  # opt-in rules too


def check_lint(root: Path, paths: list[str]) -> None:
    """Lint ``paths`` with every rule, in both runners (files in linked groups, the default,
    and one model for the whole run): no internal error, the same report from both, and every
    report format renders."""
    metas = {k: v.meta for k, v in RULES.items()}
    reports = {}
    for streamed in ("1", "0"):
        os.environ["LAMBDALINT_STREAM"] = streamed
        try:
            report = lint(paths, ALL, show_unknowns=True)
        finally:
            os.environ.pop("LAMBDALINT_STREAM", None)
        assert report.internal_errors == [], report.internal_errors
        for finding in report.findings:
            assert finding.message and finding.span.line >= 1
        reports[streamed] = render("json", report, metas)
    assert reports["1"] == reports["0"], "the streamed runner and the one-model runner disagree"
    for fmt in REPORTERS:
        text = render(fmt, report, metas)
        if fmt in ("json", "sarif"):
            json.loads(text)  # valid JSON (no NaN, no Infinity)


def _project(files: dict[str, str | bytes]):
    directory = tempfile.TemporaryDirectory(prefix="lambdalint-fuzz-")
    root = Path(directory.name)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.write_bytes if isinstance(text, bytes) else lambda t, p=path: p.write_text(t, encoding="utf-8"))(text)
    return directory, root


def run_files(files: dict) -> None:
    directory, root = _project(files)
    with directory:
        check_lint(root, [str(root)])


VOCAB, SEEDS = corpus()
FORMATS = st.sampled_from(("json", "yaml", "yaml-tags"))


@PROFILE
@given(data=st.data())
def test_cloudformation_and_sam_mutations(data):
    name, seed = data.draw(st.sampled_from(SEEDS.cfn), label="seed")
    doc = mutate(data.draw, seed, VOCAB, data.draw(st.integers(1, 6), label="mutations"))
    kind = data.draw(FORMATS, label="format")
    run_files({f"template.{'json' if kind == 'json' else 'yaml'}": as_text(doc, kind)})


@PROFILE
@given(data=st.data())
def test_several_templates_in_one_run(data):
    """Cross-file facts: exports and imports, a nested stack whose child is another mutated
    fixture, the concurrency pool over all of them."""
    count = data.draw(st.integers(2, 3), label="templates")
    files = {}
    for i in range(count):
        _, seed = data.draw(st.sampled_from(SEEDS.cfn), label=f"seed {i}")
        doc = mutate(data.draw, seed, VOCAB, data.draw(st.integers(0, 4), label=f"mutations {i}"))
        if i and data.draw(st.booleans(), label=f"nest {i}") and isinstance(files_doc := doc.get("Resources"), dict):
            files_doc[f"Nested{i}"] = {"Type": data.draw(st.sampled_from(("AWS::CloudFormation::Stack",
                                                                          "AWS::Serverless::Application"))),
                                       "Properties": {"TemplateURL": f"t{i - 1}.yaml", "Location": f"t{i - 1}.yaml",
                                                      "Parameters": data.draw(values(VOCAB, leaves=4))}}
        files[f"t{i}.yaml"] = as_text(doc, data.draw(FORMATS, label=f"format {i}"))
    run_files(files)


@PROFILE
@given(doc=templates(VOCAB), kind=FORMATS)
def test_cloudformation_and_sam_from_scratch(doc, kind):
    run_files({f"template.{'json' if kind == 'json' else 'yaml'}": as_text(doc, kind)})


@PROFILE
@given(data=st.data())
def test_terraform_hcl_mutations(data):
    seed = data.draw(st.sampled_from(SEEDS.tf), label="seed")
    files = dict(seed)
    target = data.draw(st.sampled_from(sorted(files)), label="file")
    files[target] = mutate_hcl(data.draw, files[target], VOCAB, data.draw(st.integers(1, 6), label="mutations"))
    files["fuzz_extras.tf"] = tf_extras(data.draw, VOCAB)
    if data.draw(st.booleans(), label="child module"):
        files["fuzz_extras.tf"] += f'module "child" {{\n  source = "./child"\n  x = {data.draw(hcl_expressions(VOCAB))}\n}}\n'
        files["child/main.tf"] = tf_extras(data.draw, VOCAB) + next(iter(seed.values()))
    run_files({f"module/{k}": v for k, v in files.items()})


@PROFILE
@given(data=st.data())
def test_terraform_json_mutations(data):
    name, seed = data.draw(st.sampled_from(SEEDS.tf_json), label="seed")
    doc = mutate(data.draw, seed, VOCAB, data.draw(st.integers(1, 6), label="mutations"))
    if data.draw(st.booleans(), label="interpolation"):
        doc.setdefault("locals", {})["fuzz"] = "${" + data.draw(hcl_expressions(VOCAB)) + "}"
    run_files({"module/main.tf.json": json.dumps(doc)})


@PROFILE
@given(data=st.data())
def test_plan_mutations(data):
    name, seed = data.draw(st.sampled_from(SEEDS.plans), label="seed")
    doc = mutate(data.draw, seed, VOCAB, data.draw(st.integers(1, 8), label="mutations"))
    run_files({"plan.json": json.dumps(doc)})


@PROFILE
@given(data=st.data())
def test_corrupted_text_of_any_input(data):
    """Byte-level damage to a real file: cut, duplicated or inserted spans, bad bytes."""
    kind = data.draw(st.sampled_from(("cfn", "tf")), label="kind")
    if kind == "cfn":
        name, seed = data.draw(st.sampled_from(SEEDS.cfn), label="seed")
        file = "template.yaml" if data.draw(st.booleans()) else "template.json"
        raw = as_text(seed, "json" if file.endswith("json") else "yaml-tags").encode()
    else:
        seed = data.draw(st.sampled_from(SEEDS.tf), label="seed")
        file, raw = "main.tf", "\n".join(seed.values()).encode()
    for _ in range(data.draw(st.integers(1, 4), label="damage")):
        at = data.draw(st.integers(0, len(raw)))
        end = data.draw(st.integers(at, min(len(raw), at + 40)))
        raw = data.draw(st.sampled_from((raw[:at] + raw[end:], raw[:end] + raw[at:end] + raw[end:],
                                         raw[:at] + data.draw(st.binary(max_size=8)) + raw[at:],
                                         raw[:at] + data.draw(st.sampled_from((b"{", b"}", b"[", b"\t", b"\x00",
                                                                               b"\xff", b"${", b"%{", b"&a", b"*a",
                                                                               b"!Ref", b"\n  ", b'"', b"<<EOT\n")))
                                         + raw[at:])))
    run_files({file: raw})


@PROFILE
@given(text=st.text(max_size=300), kind=st.sampled_from(("yaml", "json", "hcl", "tfjson", "plan", "any")))
def test_loaders_give_a_document_or_a_parse_error(text, kind):
    from lambdalint.discover import parse_cfn_text
    from lambdalint.load.cfn_json import load_json
    from lambdalint.load.cfn_yaml import load_yaml
    from lambdalint.load.hcl import load_hcl
    from lambdalint.load.tfjson import load_tfjson
    from lambdalint.load.tfplan import load_plan

    loader = {"yaml": load_yaml, "json": load_json, "hcl": load_hcl, "tfjson": load_tfjson, "plan": load_plan,
              "any": lambda t, p: parse_cfn_text(t, p, True)}[kind]
    try:
        result = loader(text, "t")
    except ParseError as error:
        assert error.reason and error.line >= 1
        return
    assert result is None or isinstance(result, (Document, ParseError))


@PROFILE
@given(value=values(VOCAB, leaves=20), kind=FORMATS)
def test_any_value_in_any_property_of_a_function(value, kind):
    """One function whose every property is the same random value (all rules read some)."""
    properties = {p: value for p in ("Timeout", "MemorySize", "Runtime", "Handler", "Role", "Environment", "Layers",
                                     "VpcConfig", "DeadLetterConfig", "TracingConfig", "ReservedConcurrentExecutions",
                                     "EphemeralStorage", "PackageType", "Code", "CodeUri", "Events", "Policies",
                                     "LoggingConfig", "ImageUri", "AutoPublishAlias", "DeploymentPreference")}
    for transform in (None, "AWS::Serverless-2016-10-31"):
        doc = {"Resources": {"Fn": {"Type": "AWS::Serverless::Function" if transform else "AWS::Lambda::Function",
                                    "Properties": properties}}}
        if transform:
            doc["Transform"] = transform
        run_files({"template.yaml" if kind != "json" else "template.json": as_text(doc, kind)})


pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")
