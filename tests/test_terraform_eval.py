"""Terraform HCL / .tf.json loading and module evaluation (frontends/terraform/evaluate.py)."""
from __future__ import annotations

import json
import textwrap

import pytest

from lambdalint.document import ParseError
from lambdalint.frontends.terraform.evaluate import evaluate_module, evaluate_module_ex, load_module_dir
from lambdalint.load.hcl import load_hcl
from lambdalint.load.tfjson import load_tfjson
from lambdalint.values import Absent, Either, Known, ResourceRef, Unknown, items, mapping, plain, ref_of


def write(tmp_path, files: dict):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if isinstance(text, str) else json.dumps(text), encoding="utf-8")


def run(tmp_path, files, variables=None, **kw):
    write(tmp_path, files)
    docs = load_module_dir(str(tmp_path))
    result = evaluate_module_ex(docs, "c", variables, **kw)
    return {r.address: r for r in result.resources}, result


def ref(address, attr):
    return ResourceRef(f"c#{address}", attr, address)


def block(resource, name, index=0):
    return mapping(items(resource.values[name])[index])


# -- references ---------------------------------------------------------------------------------

REFS = """
resource "aws_subnet" "a" {
  count      = 2
  cidr_block = "10.0.${count.index}.0/24"
}
resource "aws_sqs_queue" "q" {
  for_each = toset(["x", "y"])
  name     = "q-${each.value}"
}
resource "aws_iam_role" "r" {}
resource "aws_lambda_function" "f" {
  role = aws_iam_role.r.arn
  vpc_config {
    subnet_ids         = aws_subnet.a[*].id
    security_group_ids = [aws_subnet.a[1].id, aws_subnet.a.*.id[0]]
  }
  dead_letter_config { target_arn = aws_sqs_queue.q["y"].arn }
  environment {
    variables = {
      URL  = aws_sqs_queue.q["x"].id
      TEXT = "url=${aws_sqs_queue.q["x"].url}!"
      ALL  = join(",", [for k, q in aws_sqs_queue.q : k])
    }
  }
  depends_on = [aws_iam_role.r]
}
"""


def test_references_with_index_splat_and_keys(tmp_path):
    res, result = run(tmp_path, {"main.tf": REFS})
    fn = res["aws_lambda_function.f"]
    assert ref_of(fn.values["role"]) == ref("aws_iam_role.r", "arn")
    vpc = block(fn, "vpc_config")
    assert [ref_of(v) for v in items(vpc["subnet_ids"])] == [ref("aws_subnet.a[0]", "id"), ref("aws_subnet.a[1]", "id")]
    assert [ref_of(v) for v in items(vpc["security_group_ids"])] == [ref("aws_subnet.a[1]", "id"),
                                                                      ref("aws_subnet.a[0]", "id")]
    assert ref_of(block(fn, "dead_letter_config")["target_arn"]) == ref('aws_sqs_queue.q["y"]', "arn")
    env = mapping(block(fn, "environment")["variables"])
    assert ref_of(env["URL"]) == ref('aws_sqs_queue.q["x"]', "url")  # id of a queue is its URL
    assert env["TEXT"].value == "url=" + ref('aws_sqs_queue.q["x"]', "url").token() + "!"
    assert env["ALL"].value == "x,y"
    assert ref_of(items(fn.values["depends_on"])[0]) == ref("aws_iam_role.r", "self")
    assert result.undeclared == []


def test_undeclared_reference_is_unknown_and_listed(tmp_path):
    res, result = run(tmp_path, {"main.tf": """
        resource "aws_lambda_function" "f" {
          role = aws_iam_role.missing.arn
        }
        output "o" { value = var.nope }
    """})
    value = res["aws_lambda_function.f"].values["role"]
    assert isinstance(value, Unknown) and value.reason == "reference to undeclared resource aws_iam_role.missing"
    found = {(u.kind, u.name) for u in result.undeclared}
    assert found == {("resource", "aws_iam_role.missing"), ("variable", "var.nope")}
    where = next(u for u in result.undeclared if u.kind == "resource").source.span
    assert (where.line, where.column) == (3, 10)


# -- variables and locals -----------------------------------------------------------------------

VARS = """
variable "with_default" { default = 30 }
variable "from_tfvars" { default = "default" }
variable "from_auto"   { default = "default" }
variable "no_default"  {}
variable "param"       { default = 1 }
locals {
  name   = "fn-${var.from_tfvars}"
  nested = { size = local.size }
  size   = var.with_default * 2
  loop_a = local.loop_b
  loop_b = local.loop_a
}
resource "aws_lambda_function" "f" {
  timeout       = var.with_default
  function_name = local.name
  description   = var.from_auto
  memory_size   = var.no_default
  handler       = local.loop_a
  ephemeral_storage { size = local.nested.size }
  reserved_concurrent_executions = var.param
}
"""


def test_variables_tfvars_defaults_missing_and_parameters(tmp_path):
    res, _ = run(tmp_path, {"main.tf": VARS, "terraform.tfvars": 'from_tfvars = "tfvars"\nfrom_auto = "tfvars"\n',
                            "b.auto.tfvars": 'from_auto = "auto"\n'}, variables={"param": 7})
    values = res["aws_lambda_function.f"].values
    assert values["timeout"].value == 30
    assert values["function_name"].value == "fn-tfvars"
    assert values["description"].value == "auto"  # *.auto.tfvars wins over terraform.tfvars
    assert values["reserved_concurrent_executions"].value == 7  # --parameters win over all
    missing = values["memory_size"]
    assert isinstance(missing, Unknown) and missing.reason == "var.no_default (variable without default)"
    assert block(res["aws_lambda_function.f"], "ephemeral_storage")["size"].value == 60
    assert isinstance(values["handler"], Unknown) and "cycle" in values["handler"].reason


def test_tfvars_json_and_null_means_unset(tmp_path):
    res, _ = run(tmp_path, {
        "main.tf": """
            provider "aws" {}  # a root configuration: null defaults are null (not a reusable module)
            variable "t" {}
            variable "rc" { default = null }
            resource "aws_lambda_function" "f" {
              timeout = var.t
              reserved_concurrent_executions = var.rc
              memory_size = var.t > 5 ? null : 256
            }
        """,
        "terraform.tfvars.json": {"t": 10}})
    values = res["aws_lambda_function.f"].values
    assert values["timeout"].value == 10
    assert "reserved_concurrent_executions" not in values  # null: the mapping turns it into Absent
    assert "memory_size" not in values


def test_conditional_on_unknown_is_either_with_absent(tmp_path):
    res, _ = run(tmp_path, {"main.tf": """
        variable "big" {}
        resource "aws_lambda_function" "f" {
          timeout     = var.big ? 900 : 3
          memory_size = var.big ? 1024 : null
        }
    """})
    values = res["aws_lambda_function.f"].values
    timeout = values["timeout"]
    assert isinstance(timeout, Either) and timeout.condition == "var.big"
    assert [o.value for o in timeout.options] == [900, 3]
    assert isinstance(values["memory_size"].options[1], Absent)


def test_conditional_branch_terraform_rejects_is_dropped(tmp_path):
    # cloudposse's modules: partition = enabled ? data.aws_partition.this[0].partition : null, then
    # "arn:${local.partition}:iam::aws:policy/...": the null branch fails the plan when taken
    res, _ = run(tmp_path, {"main.tf": """
        variable "enabled" {}
        variable "partition" { default = "aws" }
        locals { partition = var.enabled ? var.partition : null }
        resource "aws_iam_role_policy_attachment" "a" {
          policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
        }
        resource "aws_lambda_function" "f" {
          handler = var.enabled ? "app.handler" : "${null}.handler"
          runtime = var.enabled ? "python3.12" : null
        }
    """})
    arn = res["aws_iam_role_policy_attachment.a"].values["policy_arn"]
    assert arn.value == "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
    values = res["aws_lambda_function.f"].values
    assert values["handler"].value == "app.handler"
    assert isinstance(values["runtime"], Either)  # null is a value Terraform plans (not set)


# -- functions ----------------------------------------------------------------------------------


def test_functions_on_known_values(tmp_path):
    res, _ = run(tmp_path, {"main.tf": """
        locals {
          m = { a = 1, b = 2 }
        }
        resource "aws_x" "y" {
          a = format("%s-%03d", "fn", 7)
          b = concat([1], [2, 3])
          c = merge(local.m, { c = 3 })
          d = lookup(local.m, "z", 9)
          e = element(["p", "q"], 3)
          f = length(local.m)
          g = try(local.m.missing, "fallback")
          h = coalesce("", "second")
          i = upper("abc")
          j = file("${path.module}/policy.json")
          k = cidrsubnet("10.0.0.0/16", 8, 1)
          l = jsondecode("{\\"k\\": [1, 2]}")
          m = can(local.m.nope)
          n = tolist(toset(["b", "a", "b"]))
        }
    """})
    v = res["aws_x.y"].values
    assert v["a"].value == "fn-007"
    assert plain(v["b"]) == [1, 2, 3]
    assert plain(v["c"]) == {"a": 1, "b": 2, "c": 3}
    assert v["d"].value == 9
    assert v["e"].value == "q"
    assert v["f"].value == 2
    assert v["g"].value == "fallback"
    assert v["h"].value == "second"
    assert v["i"].value == "ABC"
    assert isinstance(v["j"], Unknown) and v["j"].reason == "file(...)"
    assert isinstance(v["k"], Unknown) and v["k"].reason == "cidrsubnet(...)"
    assert plain(v["l"]) == {"k": [1, 2]}
    assert v["m"].value is False
    assert plain(v["n"]) == ["b", "a"]


def test_jsonencode_policy_keeps_structure(tmp_path):
    res, _ = run(tmp_path, {"main.tf": """
        resource "aws_sqs_queue" "q" {}
        resource "aws_iam_role_policy" "p" {
          policy = jsonencode({
            Version = "2012-10-17"
            Statement = [{
              Effect   = "Allow"
              Action   = ["sqs:SendMessage"]
              Resource = aws_sqs_queue.q.arn
            }]
          })
        }
    """})
    policy = res["aws_iam_role_policy.p"].values["policy"]
    statement = mapping(items(mapping(policy)["Statement"])[0])
    assert statement["Effect"].value == "Allow"
    assert plain(statement["Action"]) == ["sqs:SendMessage"]
    assert ref_of(statement["Resource"]) == ref("aws_sqs_queue.q", "arn")
    assert statement["Action"].source.span.line == 8  # leaves keep their own lines


def test_aws_iam_policy_document(tmp_path):
    res, _ = run(tmp_path, {"main.tf": """
        variable "extra" {}
        resource "aws_sqs_queue" "q" {}
        data "aws_iam_policy_document" "d" {
          source_policy_documents = [var.extra]
          statement {
            actions   = ["sqs:SendMessage"]
            resources = [aws_sqs_queue.q.arn]
          }
          statement {
            sid         = "Deny"
            effect      = "Deny"
            not_actions = ["s3:*"]
            principals {
              type        = "Service"
              identifiers = ["lambda.amazonaws.com"]
            }
            condition {
              test     = "StringEquals"
              variable = "aws:SourceAccount"
              values   = ["123"]
            }
          }
        }
        resource "aws_iam_policy" "p" { policy = data.aws_iam_policy_document.d.json }
    """})
    policy = mapping(res["aws_iam_policy.p"].values["policy"])
    assert policy["Version"].value == "2012-10-17"
    stmts = items(policy["Statement"])
    assert isinstance(stmts[0], Unknown) and stmts[0].reason == "var.extra (variable without default)"
    allow = mapping(stmts[1])
    assert allow["Effect"].value == "Allow"
    assert plain(allow["Action"]) == ["sqs:SendMessage"]
    assert ref_of(items(allow["Resource"])[0]) == ref("aws_sqs_queue.q", "arn")
    deny = mapping(stmts[2])
    assert deny["Sid"].value == "Deny" and deny["Effect"].value == "Deny"
    assert plain(deny["NotAction"]) == ["s3:*"]
    assert plain(deny["Principal"]) == {"Service": ["lambda.amazonaws.com"]}
    assert plain(deny["Condition"]) == {"StringEquals": {"aws:SourceAccount": ["123"]}}
    assert "data.aws_iam_policy_document.d" in res and res["data.aws_iam_policy_document.d"].mode == "data"


def test_dynamic_blocks_over_known_for_each(tmp_path):
    res, _ = run(tmp_path, {"main.tf": """
        variable "routes" {}
        resource "aws_route_table" "rt" {
          route { cidr_block = "10.0.0.0/8" }
          dynamic "route" {
            for_each = { a = "0.0.0.0/0", b = "::/0" }
            iterator = r
            content { cidr_block = r.value }
          }
        }
        resource "aws_route_table" "unknown" {
          dynamic "route" {
            for_each = var.routes
            content { cidr_block = route.value }
          }
        }
    """})
    routes = items(res["aws_route_table.rt"].values["route"])
    assert [plain(r)["cidr_block"] for r in routes] == ["10.0.0.0/8", "0.0.0.0/0", "::/0"]
    unknown = res["aws_route_table.unknown"].values["route"]
    assert isinstance(unknown, Unknown) and "var.routes" in unknown.reason


# -- count / for_each ---------------------------------------------------------------------------


def test_instance_addresses_and_unknown_count(tmp_path):
    res, _ = run(tmp_path, {"main.tf": """
        variable "n" {}
        variable "on" {}
        resource "aws_subnet" "c" { count = 2 }
        resource "aws_subnet" "zero" { count = 0 }
        resource "aws_subnet" "e" {
          for_each = { b = "10.0.1.0/24", "a.b" = "10.0.0.0/24" }
          cidr_block = each.value
          tags = { k = each.key }
        }
        resource "aws_subnet" "u" {
          count = var.n
          tags = { i = count.index }
        }
        resource "aws_lambda_function" "cond" { count = var.on ? 1 : 0 }
        resource "aws_lambda_function" "f" {
          vpc_config {
            subnet_ids = aws_subnet.u[*].id
            security_group_ids = [aws_subnet.u[0].id]
          }
        }
    """})
    assert {"aws_subnet.c[0]", "aws_subnet.c[1]", 'aws_subnet.e["a.b"]', 'aws_subnet.e["b"]'} <= set(res)
    assert not any(a.startswith("aws_subnet.zero") for a in res)
    e = res['aws_subnet.e["b"]']
    assert e.count_index == "b" and e.values["cidr_block"].value == "10.0.1.0/24"
    assert e.node == 'c#aws_subnet.e["b"]'
    unknown = res["aws_subnet.u[*]"]
    assert unknown.extra["instances_unknown"].startswith("count = var.n")
    assert isinstance(mapping(unknown.values["tags"])["i"], Unknown)
    cond = res["aws_lambda_function.cond[0]"]  # worst case: the function exists
    assert cond.extra["condition"] == "var.on"
    vpc = block(res["aws_lambda_function.f"], "vpc_config")
    assert isinstance(vpc["subnet_ids"], Unknown)  # how many subnets is not known
    assert ref_of(items(vpc["security_group_ids"])[0]) == ref("aws_subnet.u[*]", "id")


# -- modules ------------------------------------------------------------------------------------

MODULE_FILES = {
    "main.tf": """
        module "fn" {
          source  = "./modules/fn"
          name    = "child"
          timeout = 60
          role    = aws_iam_role.r.arn
        }
        module "many" {
          source   = "./modules/fn"
          for_each = toset(["a", "b"])
          name     = each.key
        }
        module "reg" {
          source  = "terraform-aws-modules/lambda/aws"
          version = "7.0.0"
        }
        module "gone" { source = "./does-not-exist" }
        resource "aws_iam_role" "r" {}
        resource "aws_lambda_alias" "a" {
          function_name = module.fn.function_name
          description   = module.many["b"].arn
        }
        resource "aws_lambda_permission" "p" {
          function_name = module.reg.lambda_function_name
          qualifier     = module.gone.x
        }
    """,
    "modules/fn/main.tf": """
        variable "name" {}
        variable "timeout" { default = 3 }
        variable "role" { default = null }
        resource "aws_lambda_function" "this" {
          function_name = var.name
          timeout       = var.timeout
          role          = var.role
        }
        output "function_name" { value = aws_lambda_function.this.function_name }
        output "arn" { value = aws_lambda_function.this.arn }
    """,
}


def test_local_module_inputs_outputs_and_unreadable_sources(tmp_path):
    res, result = run(tmp_path, MODULE_FILES)
    child = res["module.fn.aws_lambda_function.this"]
    assert child.values["function_name"].value == "child"
    assert child.values["timeout"].value == 60
    assert ref_of(child.values["role"]) == ref("aws_iam_role.r", "arn")
    assert child.node == "c#module.fn.aws_lambda_function.this"
    assert child.doc.path.endswith("modules/fn/main.tf")
    assert res['module.many["a"].aws_lambda_function.this'].values["function_name"].value == "a"
    alias = res["aws_lambda_alias.a"].values
    assert ref_of(alias["function_name"]) == ref("module.fn.aws_lambda_function.this", "name")
    assert ref_of(alias["description"]) == ref('module.many["b"].aws_lambda_function.this', "arn")
    perm = res["aws_lambda_permission.p"].values
    assert isinstance(perm["function_name"], Unknown)
    assert perm["function_name"].reason == ("module.reg output lambda_function_name (source "
                                            "terraform-aws-modules/lambda/aws (version 7.0.0) is not downloaded; run `terraform init`, "
                                            "or lint a plan)")
    assert isinstance(perm["qualifier"], Unknown) and "./does-not-exist" in perm["qualifier"].reason
    assert result.undeclared == []


def test_read_module_callback_is_used(tmp_path):
    write(tmp_path, MODULE_FILES)
    asked = []

    def read_module(path):
        asked.append(path)
        return load_module_dir(path)

    resources = evaluate_module(load_module_dir(str(tmp_path)), "c", read_module=read_module)
    assert any(r.address == "module.fn.aws_lambda_function.this" for r in resources)
    assert sorted(p.rsplit("/", 1)[-1] for p in asked) == ["fn"]  # each path read once (a missing one never)


def test_module_that_includes_itself_does_not_loop(tmp_path):
    res, _ = run(tmp_path, {"main.tf": """
        module "me" { source = "./" }
        resource "aws_x" "y" { a = module.me.out }
        output "out" { value = 1 }
    """})
    assert isinstance(res["aws_x.y"].values["a"], Unknown)


# -- errors -------------------------------------------------------------------------------------


def test_hcl_syntax_error_has_line_and_column():
    with pytest.raises(ParseError) as info:
        load_hcl('resource "aws_x" "y" {\n  a = 1\n  b = }\n}\n', "bad.tf")
    assert info.value.line == 3 and info.value.reason.startswith("invalid HCL")
    with pytest.raises(ParseError) as info:
        load_hcl('resource "aws_x" "y" {\n  a = 1\n', "open.tf")
    assert "end of file" in info.value.reason


def test_tfjson_that_is_not_terraform_json():
    with pytest.raises(ParseError) as info:
        load_tfjson('{\n  "resource": {},\n  "Resources": {}\n}', "x.tf.json")
    assert info.value.line == 3 and "Resources" in info.value.reason
    with pytest.raises(ParseError):
        load_tfjson("[1, 2]", "x.tf.json")
    with pytest.raises(ParseError) as info:
        load_tfjson('{\n  "resource": {\n', "x.tf.json")
    assert info.value.line == 3


def test_weird_input_never_raises(tmp_path):
    res, _ = run(tmp_path, {"main.tf": """
        locals { deep = DEEP }
        resource "aws_x" "y" {
          a = 1 / 0
          b = "x" + 1
          c = local.deep[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]
          d = [for x in 5 : x]
          e = count.index
          f = provider::aws::arn_parse("x")
          g = "x${[1]}"
          h = self.id
          i = { (var.undeclared) = 1 }
          j = range(1, 100000000)
          count = "abc"
        }
    """.replace("DEEP", "[" * 20 + "1" + "]" * 20)})
    values = res["aws_x.y[*]"].values
    for name in "abdefghi":
        assert isinstance(values[name], Unknown), name
    assert values["c"].value == 1


# -- .tf.json -----------------------------------------------------------------------------------

TF_HCL = """
variable "size" { default = 256 }
resource "aws_sqs_queue" "dlq" { name = "dlq" }
resource "aws_lambda_function" "f" {
  function_name = "fn-${var.size}"
  memory_size   = var.size
  timeout       = 30
  runtime       = "python3.12"
  vpc_config {
    subnet_ids = ["subnet-1", aws_sqs_queue.dlq.id]
  }
  dead_letter_config { target_arn = aws_sqs_queue.dlq.arn }
  environment { variables = { A = "x", B = "${aws_sqs_queue.dlq.url}/x" } }
  depends_on = [aws_sqs_queue.dlq]
}
"""

TF_JSON = {
    "variable": {"size": {"default": 256}},
    "resource": {
        "aws_sqs_queue": {"dlq": {"name": "dlq"}},
        "aws_lambda_function": {"f": {
            "function_name": "fn-${var.size}",
            "memory_size": "${var.size}",
            "timeout": 30,
            "runtime": "python3.12",
            "vpc_config": {"subnet_ids": ["subnet-1", "${aws_sqs_queue.dlq.id}"]},
            "dead_letter_config": [{"target_arn": "${aws_sqs_queue.dlq.arn}"}],
            "environment": {"variables": {"A": "x", "B": "${aws_sqs_queue.dlq.url}/x"}},
            "depends_on": ["aws_sqs_queue.dlq"],
        }},
    },
}


def _shape(value):
    """Plain data with references kept (plain() would drop them)."""
    if isinstance(value, Known):
        raw = value.value
        if isinstance(raw, list):
            return [_shape(v) for v in raw]
        if isinstance(raw, dict):
            return {k: _shape(v) for k, v in raw.items()}
        return raw
    return repr(value)


def test_tfjson_gives_the_same_values_as_hcl(tmp_path):
    hcl, _ = run(tmp_path / "hcl", {"main.tf": TF_HCL})
    tfjson, _ = run(tmp_path / "json", {"main.tf.json": TF_JSON})
    assert set(hcl) == set(tfjson)
    for address in hcl:
        a, b = hcl[address].values, tfjson[address].values
        assert {k: _shape(v) for k, v in a.items()} == {k: _shape(v) for k, v in b.items()}, address


def test_tf_and_tfjson_mixed_in_one_directory(tmp_path):
    res, result = run(tmp_path, {
        "main.tf": 'resource "aws_lambda_function" "f" { role = aws_iam_role.r.arn }\n',
        "roles.tf.json": {"resource": [{"aws_iam_role": {"r": [{"name": "${local.n}"}]}}],
                          "locals": {"n": "role"}},
    })
    assert ref_of(res["aws_lambda_function.f"].values["role"]) == ref("aws_iam_role.r", "arn")
    assert res["aws_iam_role.r"].values["name"].value == "role"
    assert result.undeclared == []


def test_tfjson_template_edge_cases(tmp_path):
    res, _ = run(tmp_path, {"main.tf.json": {"resource": {"aws_x": {"y": {
        "quote": 'say "${upper("hi")}"',
        "escaped": "$${literal}",
        "backslash": "a\\b ${1 + 1}",
        "multi": "line1\n${2}\nline3",
        "marker": "LLTPL ${3}\nLLTPL",
    }}}}})
    assert {k: v.value for k, v in res["aws_x.y"].values.items()} == {
        "quote": 'say "HI"', "escaped": "${literal}", "backslash": "a\\b 2", "multi": "line1\n2\nline3",
        "marker": "LLTPL 3\nLLTPL"}


# -- spans --------------------------------------------------------------------------------------


def test_spans_point_at_attribute_values(tmp_path):
    res, _ = run(tmp_path, {"main.tf": """
        resource "aws_lambda_function" "f" {
          description = "héllo wörld"
          timeout = 900
          vpc_config {
            subnet_ids = ["a", "b"]
          }
        }
    """})
    fn = res["aws_lambda_function.f"]
    header = fn.source.span
    assert (header.line, header.column) == (2, 1)
    timeout = fn.values["timeout"].source.span
    assert (timeout.line, timeout.column) == (4, 13)
    description = fn.values["description"].source.span
    assert (description.column, description.end_column) == (17, 30)  # characters, not bytes
    second = items(block(fn, "vpc_config")["subnet_ids"])[1].source.span
    assert (second.line, second.column) == (6, 24)


def test_spans_in_tfjson(tmp_path):
    text = '{\n  "resource": {\n    "aws_lambda_function": {\n      "f": {\n        "timeout": 900,\n' \
           '        "vpc_config": {"subnet_ids": ["a", "${aws_subnet.s.id}"]}\n      }\n    },\n' \
           '    "aws_subnet": {"s": {}}\n  }\n}\n'
    (tmp_path / "main.tf.json").write_text(text)
    res = {r.address: r for r in evaluate_module(load_module_dir(str(tmp_path)), "c")}
    fn = res["aws_lambda_function.f"]
    assert fn.source.span.line == 4
    assert (fn.values["timeout"].source.span.line, fn.values["timeout"].source.span.column) == (5, 20)
    subnet = items(block(fn, "vpc_config")["subnet_ids"])[1]
    assert ref_of(subnet) == ref("aws_subnet.s", "id")
    line = text.splitlines()[5]
    assert (subnet.source.span.line, subnet.source.span.column) == (6, line.index('"${') + 1)


def test_heredoc_and_suppression_comment(tmp_path):
    res, _ = run(tmp_path, {"main.tf": """
        resource "aws_iam_policy" "p" {
          # lambdalint: ignore[LL204] reason
          policy = <<-EOT
            {
              "Resource": "${aws_iam_policy.p.arn}"
            }
          EOT
        }
    """})
    policy = res["aws_iam_policy.p"].values["policy"].value
    assert policy == '{\n  "Resource": "' + ref("aws_iam_policy.p", "arn").token() + '"\n}\n'
    assert res["aws_iam_policy.p"].doc.suppressions()[0].ids == ("LL204",)


def test_module_with_unknown_count_has_one_representative_instance(tmp_path):
    files = dict(MODULE_FILES)
    files["main.tf"] = """
        variable "n" {}
        module "fn" {
          source = "./modules/fn"
          count  = var.n
          name   = "fn-${count.index}"
        }
        resource "aws_lambda_alias" "a" {
          function_name = module.fn[0].function_name
          description   = join(",", module.fn[*].arn)
        }
    """
    res, _ = run(tmp_path, files)
    child = res["module.fn[*].aws_lambda_function.this"]
    assert isinstance(child.values["function_name"], Unknown)
    alias = res["aws_lambda_alias.a"].values
    assert ref_of(alias["function_name"]) == ref("module.fn[*].aws_lambda_function.this", "name")
    assert isinstance(alias["description"], Unknown) and "var.n" in alias["description"].reason


def test_template_directives(tmp_path):
    res, _ = run(tmp_path, {"main.tf": """
        locals { names = ["a", "b"] }
        resource "aws_x" "y" {
          a = "%{ for n in local.names ~}${n};%{ endfor ~}"
          b = "%{ if length(local.names) > 1 }many%{ else }one%{ endif }"
        }
    """})
    values = res["aws_x.y"].values
    assert values["a"].value == "a;b;"
    assert values["b"].value == "many"


def test_conditional_instance_reads_values_under_its_condition(tmp_path):
    res, _ = run(tmp_path, {"main.tf": """
        provider "aws" {}  # a root configuration: the null default of dlq is null
        variable "enabled" {}
        variable "dlq" { default = null }
        data "aws_partition" "p" { count = var.enabled ? 1 : 0 }
        locals { partition = var.enabled ? data.aws_partition.p[0].partition : null }
        data "aws_iam_policy_document" "assume" {
          count = var.enabled ? 1 : 0
          statement { actions = ["sts:AssumeRole"] }
        }
        resource "aws_iam_role" "r" {
          count              = var.enabled ? 1 : 0
          assume_role_policy = join("", data.aws_iam_policy_document.assume[*].json)
        }
        resource "aws_iam_role_policy_attachment" "a" {
          count      = var.enabled ? 1 : 0
          policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
        }
        resource "aws_lambda_function" "f" {
          dynamic "dead_letter_config" {
            for_each = try(length(var.dlq), 0) > 0 ? [true] : []
            content { target_arn = var.dlq }
          }
        }
    """})
    arn = res["aws_iam_role_policy_attachment.a[0]"].values["policy_arn"]
    token = ref("data.aws_partition.p[0]", "partition").token()
    assert arn.value == f"arn:{token}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    policy = mapping(res["aws_iam_role.r[0]"].values["assume_role_policy"])
    assert plain(items(policy["Statement"])[0])["Action"] == ["sts:AssumeRole"]
    assert "dead_letter_config" not in res["aws_lambda_function.f"].values


# -- references through other resources ----------------------------------------------------------

def test_attribute_of_another_resource_is_its_configured_value(tmp_path):
    resources, _ = run(tmp_path, {"main.tf": """
        resource "aws_lambda_function" "f" {
          function_name = "worker"
          timeout       = aws_sqs_queue.c[0].visibility_timeout_seconds
        }
        resource "aws_lambda_alias" "live" {
          name          = "live"
          function_name = aws_lambda_function.f.function_name
        }
        resource "aws_lambda_alias" "again" {
          function_name = aws_lambda_alias.live.function_name
        }
        resource "aws_sqs_queue" "a" { visibility_timeout_seconds = 40 }
        resource "aws_sqs_queue" "b" { visibility_timeout_seconds = aws_sqs_queue.a.visibility_timeout_seconds + 10 }
        resource "aws_sqs_queue" "c" {
          count                      = 2
          visibility_timeout_seconds = aws_sqs_queue.b.visibility_timeout_seconds * (count.index + 1)
        }
        resource "aws_lambda_event_source_mapping" "m" {
          function_name    = aws_lambda_alias.again.function_name
          event_source_arn = aws_sqs_queue.c[1].arn
          batch_size       = aws_sqs_queue.c[1].visibility_timeout_seconds
          starting_position = aws_sqs_queue.a.delay_seconds
        }
        data "archive_file" "zip" {
          type        = "zip"
          source_dir  = "src"
          output_path = "build/app.zip"
        }
        resource "aws_lambda_function" "g" {
          filename      = data.archive_file.zip.output_path
          function_name = aws_lambda_function.f.function_name
          role          = aws_lambda_function.f.role
        }
    """})
    esm = resources["aws_lambda_event_source_mapping.m"].values
    # two hops through aliases to the function itself, which stays a reference (its identity)
    assert ref_of(esm["function_name"]) == ref("aws_lambda_function.f", "name")
    assert ref_of(esm["event_source_arn"]) == ref("aws_sqs_queue.c[1]", "arn")
    assert plain(esm["batch_size"]) == 100  # (40 + 10) * 2, through three queues
    # the value is located where it is used; not configured there: a reference, as before
    assert esm["batch_size"].source.path[-1] == "batch_size"
    assert ref_of(esm["starting_position"]) == ref("aws_sqs_queue.a", "delay_seconds")
    # the count.index in queue c's value is that of the instance named
    assert plain(resources["aws_lambda_function.f"].values["timeout"]) == 50
    g = resources["aws_lambda_function.g"].values
    assert ref_of(g["filename"]) == ref("data.archive_file.zip", "output_path")  # built at apply time
    assert ref_of(g["function_name"]) == ref("aws_lambda_function.f", "name")
    # f sets no role: computed or defaulted by the provider, so the reference stays
    assert ref_of(g["role"]) == ref("aws_lambda_function.f", "role")


def test_references_through_resources_that_refer_to_each_other_end(tmp_path):
    """A cycle (Terraform rejects it) ends in a reference instead of looping."""
    resources, _ = run(tmp_path, {"main.tf": """
        resource "aws_sqs_queue" "a" { visibility_timeout_seconds = aws_sqs_queue.b.visibility_timeout_seconds }
        resource "aws_sqs_queue" "b" { visibility_timeout_seconds = aws_sqs_queue.a.visibility_timeout_seconds }
    """})
    a = resources["aws_sqs_queue.a"].values["visibility_timeout_seconds"]
    b = resources["aws_sqs_queue.b"].values["visibility_timeout_seconds"]
    assert ref_of(b) == ref("aws_sqs_queue.a", "visibility_timeout_seconds")
    assert ref_of(a) == ref("aws_sqs_queue.a", "visibility_timeout_seconds")


# -- reusable modules -------------------------------------------------------------------------------

MODULE_VARS = """
variable "handler" {
  default = null
}
variable "memory" {
  default = 256
}
resource "aws_lambda_function" "f" {
  handler     = var.handler
  memory_size = var.memory
}
"""


@pytest.mark.parametrize("extra,reusable", [
    ("", True),
    ('terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n', True),
    ('provider "aws" {\n  region = "us-east-1"\n}\n', False),
    ('terraform {\n  backend "s3" {}\n}\n', False),
    ('terraform {\n  cloud {}\n}\n', False),
])
def test_null_default_of_a_reusable_module_is_the_callers_value(tmp_path, extra, reusable):
    resources, _ = run(tmp_path, {"main.tf": MODULE_VARS + extra})
    values = resources["aws_lambda_function.f"].values
    assert plain(values["memory_size"]) == 256  # a non-null default is used, as a parameter default is
    if reusable:
        assert isinstance(values["handler"], Unknown)
        assert values["handler"].reason == "var.handler (module input, null by default: set by the module's caller)"
    else:
        assert "handler" not in values  # a root configuration: null is "not set"


def test_null_default_set_by_a_caller_or_tfvars(tmp_path):
    # given a value (tfvars, --parameters), a reusable module's input is that value
    resources, _ = run(tmp_path, {"main.tf": MODULE_VARS, "terraform.tfvars": 'handler = "app.handler"\n'})
    assert plain(resources["aws_lambda_function.f"].values["handler"]) == "app.handler"
    # a local child module called without the input: the caller is known, null is null
    resources, _ = run(tmp_path / "root", {
        "main.tf": 'module "m" {\n  source = "./m"\n}\n', "m/main.tf": MODULE_VARS})
    assert "handler" not in resources["module.m.aws_lambda_function.f"].values


def test_reusable_module_in_tfjson(tmp_path):
    resources, _ = run(tmp_path, {"main.tf.json": {
        "variable": {"handler": {"default": None}},
        "resource": {"aws_lambda_function": {"f": {"handler": "${var.handler}"}}}}})
    assert isinstance(resources["aws_lambda_function.f"].values["handler"], Unknown)


SHAPE = ("arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
         "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${m#aws_lambda_function.f.name}/invocations")


@pytest.mark.parametrize("old,new,expected", [
    ("/invocations", "/response-streaming-invocations", SHAPE.replace("/invocations", "/response-streaming-invocations")),
    ("2015-03-31", "2021-11-15", SHAPE.replace("2015-03-31", "2021-11-15")),  # no Region, account or name holds it
    ("chat", "other", None),  # the function's name is chat-fn
    ("-fn/inv", "/inv", None),  # straddles the name's end
    ("east", "west", None),  # a Region may hold it
    ("aws", "x", None),  # so does the partition
    ("function:", "fn:", SHAPE.replace("function:", "fn:")),  # the literal text only ("functions/" is untouched)
    ("", "x", None),  # every position
    ("/path/", "x", None),  # a regular expression
])
def test_replace_keeps_the_function_only_when_no_placeholder_is_touched(old, new, expected):
    """replace() on invoke_arn's shape: the function's token (name chat-fn) and the pseudo
    parameters stay, and the answer is None whenever an occurrence could touch them."""
    from lambdalint.frontends.terraform import shapes

    literals = {"${m#aws_lambda_function.f.name}": "chat-fn"}
    assert shapes.replace(SHAPE, old, new, literals) == expected


def test_replace_of_invoke_arn_stays_tied_to_the_function(tmp_path):
    resources, _ = run(tmp_path, {"main.tf": """
        resource "aws_lambda_function" "f" {
          function_name = "chat-fn"
        }
        resource "aws_lambda_function" "g" {
          function_name = var.name
        }
        variable "name" {}
        resource "aws_api_gateway_integration" "i" {
          uri = replace(replace(aws_lambda_function.f.invoke_arn, "2015-03-31", "2021-11-15"), "/invocations", "/response-streaming-invocations")
          description = replace(aws_lambda_function.f.invoke_arn, "chat", "other")
          connection_id = replace(aws_lambda_function.g.invoke_arn, "/invocations", "/x")
        }
    """})
    values = resources["aws_api_gateway_integration.i"].values
    streamed = values["uri"]
    assert isinstance(streamed, Known), streamed
    assert streamed.value == SHAPE.replace("${m#aws_lambda_function.f.name}", "${c#aws_lambda_function.f.name}").replace(
        "2015-03-31", "2021-11-15").replace("/invocations", "/response-streaming-invocations")
    assert isinstance(values["description"], Unknown) and values["description"].cause == "after-apply"  # may rename it
    assert isinstance(values["connection_id"], Unknown)  # the name is not a literal
