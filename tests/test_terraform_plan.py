"""Plan JSON reader: a real plan made by Terraform 1.11.4 (tests/data/plan_sample, regenerate with
fixtures/_terraform/make_plans.sh) plus small hand-written plans for the edge cases."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from lambdalint.document import ParseError
from lambdalint.frontends.terraform.plan import read_plan
from lambdalint.load.json_locate import value_range
from lambdalint.load.tfplan import is_plan, load_plan
from lambdalint.values import Known, ResourceRef, Unknown, items, mapping, plain, ref_of

SAMPLE = Path(__file__).parent / "data" / "plan_sample" / "plan.json"
NAME = "plan.json"


@pytest.fixture(scope="module")
def sample():
    doc = load_plan(SAMPLE.read_text(encoding="utf-8"), NAME)
    return doc, {r.address: r for r in read_plan(doc)}


def ref(address, attr):
    return ResourceRef(f"{NAME}#{address}", attr, address)


def block(resource, name):
    """The single nested block ``name`` of a resource, as a mapping."""
    return mapping(items(resource.values[name])[0])


def line_of(text, needle):
    return text[: text.index(needle)].count("\n") + 1


# -- addresses ---------------------------------------------------------------------------------

def test_addresses_instances_and_modules(sample):
    _, resources = sample
    assert {"aws_subnet.public[0]", "aws_subnet.public[1]", "aws_route_table_association.public[0]",
            "aws_lambda_function.worker", "module.queue.aws_sqs_queue.this"} <= set(resources)
    assert resources["aws_subnet.public[1]"].count_index == 1
    assert resources["aws_lambda_function.worker"].count_index is None
    queue = resources["module.queue.aws_sqs_queue.this"]
    assert queue.node == f"{NAME}#module.queue.aws_sqs_queue.this"
    assert queue.type == "aws_sqs_queue" and queue.mode == "managed"
    assert queue.extra["module"] == "module.queue"
    assert plain(queue.values["visibility_timeout_seconds"]) == 60


def test_known_values_and_nested_blocks(sample):
    _, resources = sample
    fn = resources["aws_lambda_function.worker"].values
    assert plain(fn["timeout"]) == 30 and plain(fn["runtime"]) == "python3.12"
    assert "description" not in fn  # null means not set
    assert isinstance(fn["vpc_config"], Known) and len(items(fn["vpc_config"])) == 1
    assert plain(fn["file_system_config"]) == []


def test_after_unknown_becomes_unknown(sample):
    _, resources = sample
    fn = resources["aws_lambda_function.worker"]
    assert isinstance(fn.values["arn"], Unknown) and fn.values["arn"].reason == "known after apply"
    # nested: environment[0].variables (a map referencing a module output) stays unknown
    assert isinstance(block(fn, "environment")["variables"], Unknown)
    assert isinstance(block(fn, "vpc_config")["vpc_id"], Unknown)


# -- references ----------------------------------------------------------------------------------

def test_references_become_resource_refs(sample):
    _, resources = sample
    fn = resources["aws_lambda_function.worker"]
    assert ref_of(fn.values["role"]) == ref("aws_iam_role.fn", "arn")
    assert ref_of(block(fn, "dead_letter_config")["target_arn"]) == ref("aws_sqs_queue.dlq", "arn")
    vpc = block(fn, "vpc_config")
    # aws_subnet.public[*].id: every instance
    assert [ref_of(v) for v in items(vpc["subnet_ids"])] == [
        ref("aws_subnet.public[0]", "id"), ref("aws_subnet.public[1]", "id")]
    assert [ref_of(v) for v in items(vpc["security_group_ids"])] == [ref("aws_security_group.fn", "id")]


def test_count_index_maps_instance_to_instance(sample):
    _, resources = sample
    for i in (0, 1):
        assoc = resources[f"aws_route_table_association.public[{i}]"].values
        assert ref_of(assoc["subnet_id"]) == ref(f"aws_subnet.public[{i}]", "id")
        assert ref_of(assoc["route_table_id"]) == ref("aws_route_table.public", "id")


def test_known_value_matching_a_referenced_attribute(sample):
    _, resources = sample
    # role = aws_iam_role.fn.name is known ("worker-role") at plan time
    attachment = resources["aws_iam_role_policy_attachment.vpc"].values
    assert ref_of(attachment["role"]) == ref("aws_iam_role.fn", "name")
    assert plain(attachment["policy_arn"]).endswith("AWSLambdaVPCAccessExecutionRole")
    # role = aws_iam_role.fn.id: unknown, normalized as the role's name
    assert ref_of(resources["aws_iam_role_policy.inline"].values["role"]) == ref("aws_iam_role.fn", "name")


def test_inline_route_block_gets_gateway_ref(sample):
    _, resources = sample
    route = mapping(items(resources["aws_route_table.public"].values["route"])[0])
    assert plain(route["cidr_block"]) == "0.0.0.0/0"
    assert ref_of(route["gateway_id"]) == ref("aws_internet_gateway.igw", "id")
    assert plain(route["nat_gateway_id"]) == ""


def test_jsonencode_policy_is_parsed(sample):
    _, resources = sample
    policy = resources["aws_iam_role_policy.inline"].values["policy"]
    assert plain(policy)["Statement"][0]["Action"] == ["sqs:SendMessage"]
    trust = resources["aws_iam_role.fn"].values["assume_role_policy"]
    assert plain(trust)["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}


# -- spans -------------------------------------------------------------------------------------

def test_spans_point_into_the_plan(sample):
    doc, resources = sample
    text = doc.text
    fn = resources["aws_lambda_function.worker"]
    header = line_of(text, '"address": "aws_lambda_function.worker"')
    assert fn.source.span.line == header - 1  # the resource object's "{"
    assert fn.source.span.file == NAME
    runtime = fn.values["runtime"].source.span
    assert text.splitlines()[runtime.line - 1].strip().startswith('"runtime": "python3.12"')
    subnet = resources["aws_subnet.public[1]"].source.span
    assert subnet.line == line_of(text, '"address": "aws_subnet.public[1]"') - 1
    queue = resources["module.queue.aws_sqs_queue.this"].source.span
    assert queue.line == line_of(text, '"address": "module.queue.aws_sqs_queue.this"') - 1
    # an unknown value is not in planned_values: its span falls back to the enclosing block
    vpc_id = block(fn, "vpc_config")["vpc_id"].source.span
    assert vpc_id.line == fn.values["vpc_config"].value[0].source.span.line


def test_value_range_handles_escapes_and_missing_paths():
    text = '{"a\\"b": [1, {"x": "y"}], "c": {"d": [true, null]}}'
    start, end = value_range(text, ("c", "d", 1))
    assert text[start:end] == "null"
    start, end = value_range(text, ('a"b', 1, "x"))
    assert text[start:end] == '"y"'
    assert value_range(text, ("c", "missing")) is None
    assert value_range(text, ("c", "d", 5)) is None
    assert value_range(text, ("c", 0)) is None


# -- recognition and bad input --------------------------------------------------------------------

def test_is_plan():
    assert is_plan(json.loads(SAMPLE.read_text()))
    assert not is_plan({"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}})
    assert not is_plan({"format_version": "1.0"})  # terraform providers schema / state, not a plan
    assert not is_plan([1, 2])


def test_unsupported_format_version():
    text = '{\n  "planned_values": {},\n  "format_version": "2.0"\n}'
    with pytest.raises(ParseError) as caught:
        load_plan(text, "p.json")
    assert caught.value.reason == "unsupported plan format_version '2.0'"
    assert (caught.value.line, caught.value.column) == (3, 21)


def test_old_format_versions_accepted():
    for version in ("0.1", "0.2", "1.0", "1.2"):
        load_plan(json.dumps({"format_version": version, "planned_values": {}}), "p.json")


def test_invalid_json_and_non_plan():
    with pytest.raises(ParseError) as caught:
        load_plan('{\n  "format_version": ', "p.json")
    assert caught.value.line == 2
    with pytest.raises(ParseError):
        load_plan('{"Resources": {}}', "p.json")


# -- hand-written plans ---------------------------------------------------------------------------

def plan(resources, changes=(), configuration=None, child_modules=()):
    data = {"format_version": "1.2",
            "planned_values": {"root_module": {"resources": list(resources),
                                               "child_modules": list(child_modules)}},
            "resource_changes": list(changes)}
    if configuration is not None:
        data["configuration"] = {"root_module": configuration}
    doc = load_plan(json.dumps(data, indent=2), NAME)
    return {r.address: r for r in read_plan(doc)}


def res(address, type_, name, values, index=None, sensitive=None):
    out = {"address": address, "mode": "managed", "type": type_, "name": name, "values": values}
    if index is not None:
        out["index"] = index
    if sensitive is not None:
        out["sensitive_values"] = sensitive
    return out


def test_for_each_keys_and_each_key_mapping():
    resources = plan(
        [res('aws_sqs_queue.q["a"]', "aws_sqs_queue", "q", {"name": "a"}, index="a"),
         res('aws_sqs_queue.q["b"]', "aws_sqs_queue", "q", {"name": "b"}, index="b"),
         res('aws_lambda_event_source_mapping.m["b"]', "aws_lambda_event_source_mapping", "m", {}, index="b",
             sensitive={})],
        changes=[{"address": 'aws_lambda_event_source_mapping.m["b"]',
                  "change": {"after_unknown": {"event_source_arn": True}}}],
        configuration={"resources": [{
            "address": "aws_lambda_event_source_mapping.m", "type": "aws_lambda_event_source_mapping",
            "expressions": {"event_source_arn": {"references": ["aws_sqs_queue.q", "each.key"]}}}]})
    assert resources['aws_sqs_queue.q["b"]'].count_index == "b"
    mapping_ = resources['aws_lambda_event_source_mapping.m["b"]']
    # the attribute is cut from the reference ([each.key] is dynamic): implied by "_arn"
    assert ref_of(mapping_.values["event_source_arn"]) == ref('aws_sqs_queue.q["b"]', "arn")


def test_explicit_index_reference_and_var_ignored():
    resources = plan(
        [res("aws_subnet.s[0]", "aws_subnet", "s", {}, index=0),
         res("aws_subnet.s[1]", "aws_subnet", "s", {}, index=1),
         res("aws_lambda_function.f", "aws_lambda_function", "f", {"vpc_config": [{}]},
             sensitive={"vpc_config": [{"subnet_ids": [], "security_group_ids": []}]})],
        changes=[{"address": "aws_lambda_function.f",
                  "change": {"after_unknown": {"vpc_config": [{"subnet_ids": True, "security_group_ids": True}]}}}],
        configuration={"resources": [{
            "address": "aws_lambda_function.f", "type": "aws_lambda_function",
            "expressions": {"vpc_config": [{
                "subnet_ids": {"references": ["aws_subnet.s[1].id", "aws_subnet.s[1]", "aws_subnet.s"]},
                "security_group_ids": {"references": ["var.sg_ids"]}}]}}]})
    vpc = mapping(items(resources["aws_lambda_function.f"].values["vpc_config"])[0])
    assert [ref_of(v) for v in items(vpc["subnet_ids"])][0] == ref("aws_subnet.s[1]", "id")
    assert isinstance(vpc["security_group_ids"], Unknown)


def test_sensitive_value_left_out():
    resources = plan([res("aws_lambda_function.f", "aws_lambda_function", "f", {"function_name": "f"},
                          sensitive={"environment": True})])
    env = resources["aws_lambda_function.f"].values["environment"]
    assert isinstance(env, Unknown) and env.reason == "sensitive"


def test_module_output_and_counted_module():
    child = {"address": "module.m[0]", "resources": [
        res("module.m[0].aws_sqs_queue.q", "aws_sqs_queue", "q", {"name": "q0"})]}
    resources = plan(
        [res("aws_lambda_function.f", "aws_lambda_function", "f", {"dead_letter_config": [{}]}, sensitive={})],
        changes=[{"address": "aws_lambda_function.f",
                  "change": {"after_unknown": {"dead_letter_config": [{"target_arn": True}]}}}],
        configuration={
            "resources": [{"address": "aws_lambda_function.f", "type": "aws_lambda_function",
                           "expressions": {"dead_letter_config": [{"target_arn": {
                               "references": ["module.m[0].arn", "module.m[0]", "module.m"]}}]}}],
            "module_calls": {"m": {"source": "./m", "module": {
                "resources": [{"address": "aws_sqs_queue.q", "type": "aws_sqs_queue", "expressions": {}}],
                "outputs": {"arn": {"expression": {"references": ["aws_sqs_queue.q.arn", "aws_sqs_queue.q"]}}}}}}},
        child_modules=[child])
    assert "module.m[0].aws_sqs_queue.q" in resources
    dlq = mapping(items(resources["aws_lambda_function.f"].values["dead_letter_config"])[0])
    assert ref_of(dlq["target_arn"]) == ref("module.m[0].aws_sqs_queue.q", "arn")


def test_malformed_plan_does_not_crash():
    for data in ({"format_version": "1.0", "planned_values": None},
                 {"format_version": "1.0", "planned_values": {"root_module": {"resources": [1, {"x": 1}]}},
                  "resource_changes": [None], "configuration": []}):
        assert read_plan(load_plan(json.dumps(data), NAME)) == []


def test_known_list_item_equal_to_another_attribute_of_the_target():
    """checkov's tfplan.json (Terraform 0.12.23) lists ``cidr_blocks = [aws_vpc.v.cidr_block]``
    with the reference cut at the resource (``aws_vpc.v``, implied attribute ``id``) and the known
    CIDR: the item is matched to ``cidr_block``, which once crashed the reader (list.remove).
    The real 1.11.4 shape (a description equal to the name) is fixtures/LL602/attachment_by_role_name."""
    resources = plan(
        [res("aws_vpc.v", "aws_vpc", "v", {"cidr_block": "172.16.0.0/16"}),
         res("aws_security_group_rule.r", "aws_security_group_rule", "r", {"cidr_blocks": ["172.16.0.0/16"]}),
         res("aws_iam_role.x", "aws_iam_role", "x", {"description": "x", "name": "x"}),
         res("aws_iam_policy_attachment.a", "aws_iam_policy_attachment", "a", {"roles": ["x", "x"]})],
        configuration={"resources": [
            {"address": "aws_security_group_rule.r", "type": "aws_security_group_rule",
             "expressions": {"cidr_blocks": {"references": ["aws_vpc.v"]}}},
            {"address": "aws_iam_policy_attachment.a", "type": "aws_iam_policy_attachment",
             "expressions": {"roles": {"references": ["aws_iam_role.x.name", "aws_iam_role.x"]}}}]})
    cidrs = items(resources["aws_security_group_rule.r"].values["cidr_blocks"])
    assert [ref_of(v) for v in cidrs] == [ref("aws_vpc.v", "cidr_block")]
    # the attribute the reference names wins over an equal one listed first; a second equal item
    # has no reference left and stays the literal
    roles = items(resources["aws_iam_policy_attachment.a"].values["roles"])
    assert ref_of(roles[0]) == ref("aws_iam_role.x", "name")
    assert plain(roles[1]) == "x"


def test_blank_planned_value_follows_a_resource_only_reference():
    """Planned ``role = ""`` (a sanitized plan) with ``role = aws_iam_role.r.arn`` configured is
    that reference; with a variable among the references ("" may be a condition's branch) it
    stays as planned."""
    resources = plan(
        [res("aws_iam_role.r", "aws_iam_role", "r", {"arn": "", "name": "r"}),
         res("aws_lambda_function.f", "aws_lambda_function", "f", {"role": ""}),
         res("aws_lambda_function.g", "aws_lambda_function", "g", {"role": ""})],
        configuration={"resources": [
            {"address": "aws_lambda_function.f", "type": "aws_lambda_function",
             "expressions": {"role": {"references": ["aws_iam_role.r.arn", "aws_iam_role.r"]}}},
            {"address": "aws_lambda_function.g", "type": "aws_lambda_function",
             "expressions": {"role": {"references": ["var.enabled", "aws_iam_role.r.arn", "aws_iam_role.r"]}}}]})
    assert ref_of(resources["aws_lambda_function.f"].values["role"]) == ref("aws_iam_role.r", "arn")
    assert plain(resources["aws_lambda_function.g"].values["role"]) == ""


def test_reference_through_configured_attributes_of_other_resources():
    """``aws_lambda_alias.b.function_name`` is what alias b's configuration names: alias a's
    function_name, which names the function (two hops; the function's name is its identity)."""
    def alias(name, refs):
        return {"address": f"aws_lambda_alias.{name}", "type": "aws_lambda_alias",
                "expressions": {"function_name": {"references": refs}}}
    resources = plan(
        [res("aws_lambda_function.f", "aws_lambda_function", "f", {"function_name": "fn"}),
         res("aws_lambda_alias.a", "aws_lambda_alias", "a", {"function_name": "fn", "name": "a"}),
         res("aws_lambda_alias.b", "aws_lambda_alias", "b", {"function_name": "fn", "name": "b"}),
         res("aws_lambda_event_source_mapping.m", "aws_lambda_event_source_mapping", "m", {"function_name": "fn"})],
        configuration={"resources": [
            alias("a", ["aws_lambda_function.f.function_name", "aws_lambda_function.f"]),
            alias("b", ["aws_lambda_alias.a.function_name", "aws_lambda_alias.a"]),
            {"address": "aws_lambda_event_source_mapping.m", "type": "aws_lambda_event_source_mapping",
             "expressions": {"function_name": {"references": ["aws_lambda_alias.b.function_name",
                                                              "aws_lambda_alias.b"]}}}]})
    esm = resources["aws_lambda_event_source_mapping.m"].values
    assert ref_of(esm["function_name"]) == ref("aws_lambda_function.f", "name")
