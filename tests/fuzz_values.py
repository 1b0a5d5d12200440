"""Hypothesis strategies for the values inside infrastructure code (issue 11, part 4): JSON-like
data with CloudFormation intrinsics in every position, and HCL expressions as text.

The vocabulary (resource types, property names, typical strings) comes from the repository's own
fixtures (``fuzz_inputs.vocabulary``), so generated values look enough like real ones to reach
the frontends' and rules' deeper paths, while wrong types, wrong arities, huge numbers and deep
nesting reach their edges.
"""
from __future__ import annotations

import math

from hypothesis import strategies as st

INTRINSICS = ("Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::If", "Fn::Select", "Fn::Split", "Fn::FindInMap",
              "Fn::ImportValue", "Fn::GetAZs", "Fn::Base64", "Fn::Cidr", "Condition", "Fn::Equals", "Fn::Not",
              "Fn::And", "Fn::Or", "Fn::Transform", "Fn::Length", "Fn::ToJsonString", "Fn::Nope")
STRINGS = ("", "x", "*", "0.0.0.0/0", "::/0", "10.0.0.0/16", "python3.12", "python2.7", "nodejs4.3", "java21",
           "provided.al2", "Active", "PassThrough", "SQS", "SNS", "Image", "Zip", "arm64", "TRIM_HORIZON", "LATEST",
           "arn:aws:sqs:us-east-1:123456789012:queue", "arn:aws:sqs:us-east-1:123456789012:q.fifo",
           "arn:aws:sns:us-east-1:123456789012:topic", "arn:aws:iam::123456789012:role/r", "lambda.amazonaws.com",
           "s3.amazonaws.com", "sqs:SendMessage", "sqs:*", "logs:*", "ec2:CreateNetworkInterface", "Allow", "Deny",
           "https://sqs.us-east-1.amazonaws.com/123456789012/q", "${AWS::Region}", "${Missing.Arn}", "${!Literal}",
           "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:f", "rate(1 minute)",
           "AWS::Serverless-2016-10-31", "AWS::NoValue", "AWS::Region", "us-east-1a", "sg-123", "subnet-1",
           "igw-1", "nat-1", "vpce-1", "${Fn.Arn}", "é\u2028\ufeff", "\x00", "1e3", "300", "-1", "true", "null")
HUGE = (10 ** 30, -(10 ** 30), 2 ** 63, 10 ** 4299, 9 ** 10000 // 10 ** 9000)  # all within 4,300 digits


def names(vocab) -> st.SearchStrategy[str]:
    """Logical IDs, parameter and condition names: mostly ones the template has."""
    return st.one_of(st.sampled_from(vocab.logical_ids), st.sampled_from(("Missing", "AWS::Region", "AWS::NoValue",
                                                                          "AWS::AccountId", "")),
                     st.text(max_size=8))


def scalars(vocab) -> st.SearchStrategy:
    return st.one_of(
        st.integers(min_value=-10, max_value=100_000), st.sampled_from(HUGE),
        st.floats(allow_nan=True, allow_infinity=True), st.booleans(), st.none(),
        st.sampled_from(STRINGS), st.sampled_from(vocab.strings), st.text(max_size=12),
        st.builds(lambda n, a: f"{n}.{a}", names(vocab), st.sampled_from(("Arn", "QueueUrl", "QueueName", "x"))),
        st.builds(lambda n: "${" + n + "}", names(vocab)),
    )


def intrinsic(children, vocab) -> st.SearchStrategy:
    """An intrinsic function of any name with arguments of any shape (right ones more often)."""
    name = names(vocab)
    args = st.lists(children, max_size=4)
    right = st.one_of(
        st.builds(lambda n: {"Ref": n}, name),
        st.builds(lambda n, a: {"Fn::GetAtt": [n, a]}, name, st.sampled_from(("Arn", "QueueUrl", "StreamArn", "x"))),
        st.builds(lambda n: {"Fn::GetAtt": n}, name),
        st.builds(lambda s: {"Fn::Sub": s}, st.sampled_from(STRINGS)),
        st.builds(lambda s, v: {"Fn::Sub": [s, v]}, st.sampled_from(STRINGS), st.dictionaries(name, children, max_size=2)),
        st.builds(lambda s, v: {"Fn::Join": [s, v]}, st.sampled_from(("", ",", ":")), args),
        st.builds(lambda c, a, b: {"Fn::If": [c, a, b]}, name, children, children),
        st.builds(lambda i, v: {"Fn::Select": [i, v]}, st.one_of(st.integers(-2, 5), children), children),
        st.builds(lambda s, v: {"Fn::Split": [s, v]}, st.sampled_from((",", "", ":")), children),
        st.builds(lambda m, a, b: {"Fn::FindInMap": [m, a, b]}, name, children, children),
        st.builds(lambda v: {"Fn::ImportValue": v}, children),
        st.builds(lambda a, b: {"Fn::Equals": [a, b]}, children, children),
        st.builds(lambda v: {"Fn::Not": [v]}, children),
        st.builds(lambda c: {"Condition": c}, name),
        st.builds(lambda v: {"Fn::Cidr": v}, args),
    )
    wrong = st.builds(lambda k, v: {k: v}, st.sampled_from(INTRINSICS), st.one_of(children, args))
    return st.one_of(right, wrong)


def values(vocab, leaves: int = 12) -> st.SearchStrategy:
    """Any value a template may hold: scalars, lists, mappings keyed by property names, and
    intrinsics, nested."""
    def extend(children):
        keys = st.one_of(st.sampled_from(vocab.properties), st.text(max_size=8))
        return st.one_of(st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=4),
                         intrinsic(children, vocab))

    return st.recursive(scalars(vocab), extend, max_leaves=leaves)


# -- HCL expressions as text -------------------------------------------------------------------

FUNCTIONS = ("jsonencode", "jsondecode", "format", "join", "concat", "merge", "lookup", "element", "length",
             "tolist", "toset", "tomap", "coalesce", "coalescelist", "flatten", "values", "keys", "one", "compact",
             "slice", "reverse", "zipmap", "contains", "basename", "dirname", "lower", "upper", "title", "trimspace",
             "tostring", "tonumber", "tobool", "split", "trimprefix", "substr", "max", "min", "abs", "ceil", "floor",
             "sum", "distinct", "sort", "range", "replace", "try", "can", "file", "templatefile", "cidrsubnet",
             "nonexistent")
NUMBERS = ("0", "1", "-1", "3", "900", "901", "5000", "1e3", "1E+3", "2.5e-1", "1.5", "0.0", "10240", "128",
           "99999999999999999999999999", "9" * 400)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("${", "$${") \
        .replace("%{", "%%{") + '"'


def hcl_references(vocab) -> st.SearchStrategy[str]:
    resource = st.builds(lambda t, n: f"{t}.{n}", st.sampled_from(vocab.tf_types), st.sampled_from(vocab.tf_names))
    return st.one_of(
        st.builds(lambda n: f"var.{n}", st.sampled_from(vocab.tf_names)),
        st.builds(lambda n: f"local.{n}", st.sampled_from(vocab.tf_names)),
        st.builds(lambda r, a: f"{r}.{a}", resource, st.sampled_from(vocab.tf_attributes)),
        st.builds(lambda r, a: f"{r}[0].{a}", resource, st.sampled_from(vocab.tf_attributes)),
        st.builds(lambda r, a: f"{r}[*].{a}", resource, st.sampled_from(vocab.tf_attributes)),
        st.builds(lambda r, a: f'{r}["k"].{a}', resource, st.sampled_from(vocab.tf_attributes)),
        st.builds(lambda r: f"data.{r}.json", resource),
        st.builds(lambda n: f"module.{n}.out", st.sampled_from(vocab.tf_names)),
        st.sampled_from(("each.key", "each.value", "count.index", "path.module", "path.root", "self.arn",
                         "terraform.workspace", "each.value.x", "var.list[0]", "var.map[\"k\"]")),
    )


def hcl_expressions(vocab, leaves: int = 10) -> st.SearchStrategy[str]:
    base = st.one_of(
        st.sampled_from(NUMBERS), st.sampled_from(("true", "false", "null")),
        st.builds(_quote, st.one_of(st.sampled_from(STRINGS), st.sampled_from(vocab.strings), st.text(max_size=8))),
        hcl_references(vocab),
    )

    def extend(children):
        lists = st.lists(children, max_size=4)
        return st.one_of(
            st.builds(lambda xs: "[" + ", ".join(xs) + "]", lists),
            st.builds(lambda kv: "{" + ", ".join(f"{k} = {v}" for k, v in kv) + "}",
                      st.lists(st.tuples(st.sampled_from(vocab.tf_attributes + ["\"quoted key\""]), children),
                               max_size=3)),
            st.builds(lambda f, xs, dots: f"{f}({', '.join(xs)}{'...' if dots and xs else ''})",
                      st.sampled_from(FUNCTIONS), lists, st.booleans()),
            st.builds(lambda c, a, b: f"{c} ? {a} : {b}", children, children, children),
            st.builds(lambda a, op, b: f"({a} {op} {b})", children,
                      st.sampled_from(("+", "-", "*", "/", "%", "==", "!=", "<", ">=", "&&", "||")), children),
            st.builds(lambda op, a: f"{op}{a}", st.sampled_from(("!", "-")), children),
            st.builds(lambda v, c, e: f"[for {v} in {c} : {e}]", st.sampled_from(("x", "k, v")), children, children),
            st.builds(lambda c, k, e, g: f"{{for k, v in {c} : {k} => {e}{'...' if g else ''}}}", children,
                      children, children, st.booleans()),
            st.builds(lambda c, e, f: f"[for x in {c} : {e} if {f}]", children, children, children),
            st.builds(lambda s, e: '"' + s + "${" + e + '}"', st.sampled_from(("", "arn:", "x-")), children),
            st.builds(lambda e: '"%{ if ' + e + ' }a%{ else }b%{ endif }"', children),
            st.builds(lambda a, i: f"{a}[{i}]", children, children),
            st.builds(lambda a: f"({a})", children),
        )

    return st.recursive(base, extend, max_leaves=leaves)


def finite(value) -> bool:
    return not (isinstance(value, float) and (math.isnan(value) or math.isinf(value)))
