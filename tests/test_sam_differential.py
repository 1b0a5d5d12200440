"""SAM fidelity: a SAM template and its transform get the same findings.

lambdalint reads SAM natively (Globals, generated roles, policy templates, events, connectors).
The oracle for that is the transform itself: ``aws-sam-translator`` turns the SAM form into the
CloudFormation that AWS deploys.  Both forms are linted and their outcomes compared: findings as
(rule, resource, severity), counted, and undecided checks as (rule, resource); a check decided in
one form and undecided in the other is a difference too.  Resources are compared by the SAM
form's logical IDs; what SAM generates counts as the SAM resource it is named after
(``FnRole`` -> ``Fn``, see ``sam_oracle.owner``).

- Every SAM fixture under ``fixtures/`` is translated here, at test time, offline (about 20 ms a
  template, so nothing generated is committed and nothing can go stale).  A fixture SAM rejects
  (it is there to show what lambdalint says about invalid SAM) has no CloudFormation form and is
  skipped with the translator's reason.
- Every pair of SAM's own translator test suite in ``../shared/corpus`` (input YAML, expected
  output JSON) is compared when the corpus is present.
- A fixed sample of the corpus's other SAM templates (real projects) is translated here and
  compared the same way.

Rules left out, and why: ``sam_oracle.LEFT_OUT``.  Differences that are deliberate (the rule's
documentation says why, with a fixture on each side) or that come from the stored file rather
than from lambdalint are listed in ``ACCEPTED`` with their reason; an entry that no longer
matches a difference fails the test, so the list cannot rot.  Pairs accepted because their stored
output is damaged are translated here as well, and that translation must agree.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import sam_oracle
from lambdalint.config import load_config
from lambdalint.discover import load_cfn_file
from lambdalint.engine import load_rules
from lambdalint.frontends.sam import is_sam
from lambdalint.parameters import load_parameters
from lambdalint.runner import lint

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
CORPUS_SAM = "sam/serverless-application-model/tests__translator__input__{}.yaml"
CORPUS_CFN = "cfn/serverless-application-model/tests__translator__output__{}.json"

# (case, rule, resource) -> why the two forms may differ there.  A case is a fixture path
# relative to fixtures/ or a corpus pair's name.
SORTED_OUTPUT = ("SAM's translator tests compare outputs with every list sorted, and this stored output "
                 "was saved sorted: its Fn::GetAtt [Arn, <Function>Role] is reversed, a reference to no "
                 "resource that CloudFormation would reject; the translator itself writes [<Function>Role, Arn]")
ESM_KIND = ("the SAM event's Type says the source is an SQS queue; the transform's event source mapping "
            "names a source lambdalint cannot see (an undeclared resource, a parameter without default), so "
            "its kind is unknown: LL504's kind-specific limits are undecided where the SAM form knows the kind "
            "(LL501/LL502 are undecided in both forms: the queue is not in the run)")
ACCEPTED: dict[tuple[str, str, str], str] = {
    ("LL003/missing_resource_sam.yaml", "LL504", "Worker"): ESM_KIND,
    ("LL501/sam_application_queue/worker/template.yaml", "LL504", "Worker"): ESM_KIND,
    ("api_with_security_definition_and_none_components", "LL602", "GetHtmlFunction"): SORTED_OUTPUT,
    ("http_api_custom_iam_auth", "LL602", "HttpApiFunction"): SORTED_OUTPUT,
    ("http_api_custom_iam_auth", "LL602", "MyAuthFn"): SORTED_OUTPUT,
    ("http_api_global_iam_auth_enabled", "LL602", "HttpApiFunction"): SORTED_OUTPUT,
    ("http_api_local_iam_auth_enabled", "LL602", "HttpApiFunction"): SORTED_OUTPUT,
}


def _config(case_dir: Path | None = None):
    config_file = case_dir / ".lambdalint.yaml" if case_dir else None
    config = load_config(config_file if config_file and config_file.is_file() else None)
    # every rule by its exact ID, so that the opt-in ones run too
    config.select = [rule for rule in load_rules() if rule not in sam_oracle.LEFT_OUT]
    return config


def _outcome(path: Path, ids, config, parameters=None):
    report = lint([str(path)], config, parameters or {})
    assert not report.internal_errors, report.internal_errors
    return sam_oracle.outcome(report, ids)


def _unexpected(case: str, found: list) -> list:
    return [d for d in found if (case, d[0], d[1]) not in ACCEPTED]


# -- fixtures -----------------------------------------------------------------------------------

def _sam_fixtures():
    for path in sorted(FIXTURES.rglob("*.yaml")):
        rel = path.relative_to(FIXTURES)
        if any(part.startswith((".", "_")) for part in rel.parts) or not rel.parts[0].startswith("LL"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if "AWS::Serverless" in text:
            yield pytest.param(path, id=str(rel))


@pytest.mark.parametrize("path", list(_sam_fixtures()))
def test_fixture_and_its_transform_agree(path, tmp_path, monkeypatch):
    doc = load_cfn_file(path, True)
    template = getattr(doc, "data", None)
    if not isinstance(template, dict):
        pytest.skip(f"not a template lambdalint can read: {doc}")
    parts = path.relative_to(FIXTURES).parts
    case_dir = FIXTURES / parts[0] / parts[1] if len(parts) > 2 else None  # a directory case
    parameters_file = case_dir / "parameters.yaml" if case_dir else None
    parameters = load_parameters(str(parameters_file)) if parameters_file and parameters_file.is_file() else {}
    try:
        translated = sam_oracle.translate(template, {k: v for k, v in parameters.items() if not isinstance(v, dict)})
    except sam_oracle.Rejected as why:
        pytest.skip(f"aws-sam-translator rejects it: {why}")
    # both forms side by side in a copy of the rule's folder (local code paths resolve alike)
    rule_dir = FIXTURES / path.relative_to(FIXTURES).parts[0]
    staged = tmp_path / rule_dir.name
    shutil.copytree(rule_dir, staged, symlinks=True,
                    ignore=shutil.ignore_patterns("*_tf", "*_tfjson", "*.plan.json", ".terraform"))
    sam_path = staged / path.relative_to(rule_dir)
    cfn_path = sam_path.with_name(sam_path.stem + ".transformed.json")

    cfn_path.write_text(json.dumps(translated, indent=1), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    ids = sam_oracle.owners(template)
    config = _config(staged / parts[1] if case_dir else None)
    found = sam_oracle.differences(_outcome(sam_path, ids, config, parameters), _outcome(cfn_path, ids, config, parameters))
    case = str(path.relative_to(FIXTURES))
    assert not _unexpected(case, found), "\n".join(f"{rule} {who}: {what}" for rule, who, what in found)
    seen = {(case, rule, who) for rule, who, _ in found}
    stale = [key for key in ACCEPTED if key[0] == case and key not in seen]
    assert not stale, f"accepted differences that no longer occur (remove them): {stale}"


# -- SAM's own translator test suite ------------------------------------------------------------

def _corpus_pairs(corpus: Path) -> list[str]:
    prefix, suffix = CORPUS_SAM.split("{}")
    names = sorted(p.name[len(prefix.rsplit("/", 1)[1]):-len(suffix)] for p in corpus.glob(CORPUS_SAM.format("*")))
    return [n for n in names if (corpus / CORPUS_CFN.format(n)).is_file()]


def compare_corpus(corpus: Path) -> tuple[int, dict[str, list]]:
    """(pairs compared, {pair: differences}) over SAM's translator test suite."""
    config = _config()
    pairs = _corpus_pairs(corpus)
    differing = {}
    for name in pairs:
        sam_path, cfn_path = corpus / CORPUS_SAM.format(name), corpus / CORPUS_CFN.format(name)
        ids = sam_oracle.owners(getattr(load_cfn_file(sam_path, True), "data", None))
        found = sam_oracle.differences(_outcome(sam_path, ids, config), _outcome(cfn_path, ids, config))
        if found:
            differing[name] = found
    return len(pairs), differing


def test_corpus_pairs_agree(shared_dir, monkeypatch):
    corpus = shared_dir / "corpus"
    if not (corpus / CORPUS_SAM.format("s3")).parent.is_dir():
        pytest.skip("SAM's translator test suite is not in the corpus")
    monkeypatch.chdir(corpus)
    count, differing = compare_corpus(corpus)
    assert count > 300  # SAM's suite has about 400 pairs; far fewer means the names changed
    unexpected = {name: _unexpected(name, found) for name, found in differing.items()}
    report = [f"{name}: {rule} {who}: {what}" for name, found in unexpected.items() for rule, who, what in found]
    assert not report, f"{len(report)} differences in {count} pairs:\n" + "\n".join(report)
    seen = {(name, rule, who) for name, found in differing.items() for rule, who, _ in found}
    stale = [key for key in ACCEPTED if "/" not in key[0] and key not in seen]
    assert not stale, f"accepted differences that no longer occur (remove them): {stale}"


def test_sorted_outputs_agree_when_translated_here(shared_dir, tmp_path, monkeypatch):
    """The pairs accepted because their stored output was saved with sorted lists: the translator
    itself (offline, here) gives a CloudFormation form that agrees with the SAM form."""
    corpus = shared_dir / "corpus"
    names = sorted({name for (name, _, _), why in ACCEPTED.items() if why == SORTED_OUTPUT})
    if not (corpus / CORPUS_SAM.format(names[0])).is_file():
        pytest.skip("SAM's translator test suite is not in the corpus")
    monkeypatch.chdir(tmp_path)
    config = _config()
    for name in names:
        sam_path = corpus / CORPUS_SAM.format(name)
        template = load_cfn_file(sam_path, True).data
        cfn_path = tmp_path / f"{name}.json"
        cfn_path.write_text(json.dumps(sam_oracle.translate(template)), encoding="utf-8")
        ids = sam_oracle.owners(template)
        assert not sam_oracle.differences(_outcome(sam_path, ids, config), _outcome(cfn_path, ids, config)), name


# -- the other SAM templates of the corpus, translated here -------------------------------------

SAMPLE_EVERY = 8  # a fixed sample of the corpus's other SAM templates (all of them: about 25 s CPU)


def _corpus_templates(corpus: Path) -> list[Path]:
    paths = sorted(p for p in (corpus / "sam").rglob("*") if p.suffix in (".yaml", ".yml", ".json", ".template")
                   and "_constructed" not in p.parts and "tests__translator__input__" not in p.name)
    return paths[::SAMPLE_EVERY]


def test_corpus_templates_agree_with_their_translation(shared_dir, tmp_path, monkeypatch):
    """Real SAM templates (AWS samples, the SAM CLI's tests, ...) translated offline here: both
    forms agree.  Package checks (LL108) are left out: the translation is written elsewhere, so
    local code paths do not resolve from it."""
    corpus = shared_dir / "corpus"
    paths = _corpus_templates(corpus)
    if not paths:
        pytest.skip("no SAM templates in the corpus")
    monkeypatch.chdir(tmp_path)
    config = _config()
    compared, report = 0, []
    for index, sam_path in enumerate(paths):
        template = getattr(load_cfn_file(sam_path, True), "data", None)
        if not isinstance(template, dict) or not is_sam(template):
            continue
        try:
            translated = sam_oracle.translate(template)
        except sam_oracle.Rejected:
            continue
        cfn_path = tmp_path / f"{index}.json"
        cfn_path.write_text(json.dumps(translated), encoding="utf-8")
        ids = sam_oracle.owners(template)
        found = [d for d in sam_oracle.differences(_outcome(sam_path, ids, config), _outcome(cfn_path, ids, config))
                 if d[0] != "LL108"]
        compared += 1
        case = str(sam_path.relative_to(corpus))
        report += [f"{case}: {rule} {who}: {what}" for rule, who, what in _unexpected(case, found)]
    assert compared > len(paths) // 2, (compared, len(paths))
    assert not report, f"{len(report)} differences in {compared} templates:\n" + "\n".join(report)
