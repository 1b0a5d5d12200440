"""CloudFormation/SAM YAML and JSON loaders: data, spans, and every way a file can be refused."""
import json

import pytest

from lambdalint.document import ParseError
from lambdalint.load.cfn_json import load_json
from lambdalint.load.cfn_yaml import MAX_DEPTH, load_yaml

TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Timeout: 30
      Role: !GetAtt Role.Arn
      Layers:
        - !Ref LayerA
        - arn:aws:lambda:eu-west-1:123:layer:x:1
"""


def where(doc, *path):
    span = doc.span(path)
    return span.line, span.column


# ---------------------------------------------------------------- YAML data


@pytest.mark.parametrize(
    "source, expected",
    [
        ("!Ref Bucket", {"Ref": "Bucket"}),
        ("!Condition IsProd", {"Condition": "IsProd"}),
        ("!GetAtt Fn.Arn", {"Fn::GetAtt": ["Fn", "Arn"]}),
        ("!GetAtt Db.Endpoint.Address", {"Fn::GetAtt": ["Db", "Endpoint.Address"]}),
        ("!GetAtt [Fn, Arn]", {"Fn::GetAtt": ["Fn", "Arn"]}),
        ("!Sub '${AWS::StackName}-fn'", {"Fn::Sub": "${AWS::StackName}-fn"}),
        ("!Sub ['${A}-x', {A: !Ref P}]", {"Fn::Sub": ["${A}-x", {"A": {"Ref": "P"}}]}),
        ("!Join ['', [a, !Ref B]]", {"Fn::Join": ["", ["a", {"Ref": "B"}]]}),
        ("!If [C, 1, !Ref AWS::NoValue]", {"Fn::If": ["C", 1, {"Ref": "AWS::NoValue"}]}),
        ("!Select [0, !GetAZs '']", {"Fn::Select": [0, {"Fn::GetAZs": ""}]}),
        ("!Split [',', !ImportValue Out]", {"Fn::Split": [",", {"Fn::ImportValue": "Out"}]}),
        ("!FindInMap [M, !Ref AWS::Region, K]",
         {"Fn::FindInMap": ["M", {"Ref": "AWS::Region"}, "K"]}),
        ("!And [!Equals [a, b], !Or [!Not [!Condition X], !Condition Y]]",
         {"Fn::And": [{"Fn::Equals": ["a", "b"]},
                      {"Fn::Or": [{"Fn::Not": [{"Condition": "X"}]}, {"Condition": "Y"}]}]}),
        ("!Base64 hello", {"Fn::Base64": "hello"}),
        ("!Cidr [10.0.0.0/16, 4, 8]", {"Fn::Cidr": ["10.0.0.0/16", 4, 8]}),
        ("!Transform {Name: AWS::Include, Parameters: {Location: s3://b/k}}",
         {"Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "s3://b/k"}}}),
        ("!Length [a, b]", {"Fn::Length": ["a", "b"]}),
        ("!ToJsonString {a: 1}", {"Fn::ToJsonString": {"a": 1}}),
        ("!Ref 123", {"Ref": "123"}),  # a tagged scalar keeps its text
        # rule functions (a template's Rules section), as CloudFormation and cfn-lint accept them
        ("!ValueOf [Subnets, VpcId]", {"Fn::ValueOf": ["Subnets", "VpcId"]}),
        ("!ValueOfAll [AWS::EC2::Subnet::Id, VpcId]", {"Fn::ValueOfAll": ["AWS::EC2::Subnet::Id", "VpcId"]}),
        ("!Contains [[a, b], !Ref Env]", {"Fn::Contains": [["a", "b"], {"Ref": "Env"}]}),
        ("!EachMemberEquals [!RefAll AWS::EC2::VPC::Id, !Ref Vpc]",
         {"Fn::EachMemberEquals": [{"Fn::RefAll": "AWS::EC2::VPC::Id"}, {"Ref": "Vpc"}]}),
        ("!EachMemberIn [!ValueOfAll [AWS::EC2::Subnet::Id, VpcId], [vpc-1]]",
         {"Fn::EachMemberIn": [{"Fn::ValueOfAll": ["AWS::EC2::Subnet::Id", "VpcId"]}, ["vpc-1"]]}),
    ],
)
def test_short_form_tags(source, expected):
    assert load_yaml(f"v: {source}\n", "t.yaml").data == {"v": expected}


def test_block_short_forms():
    text = "v: !Sub\n  - '${A}'\n  - A: !GetAtt\n      - X\n      - Y\n"
    assert load_yaml(text, "t.yaml").data == {
        "v": {"Fn::Sub": ["${A}", {"A": {"Fn::GetAtt": ["X", "Y"]}}]}}


def test_scalar_resolution_follows_pyyaml():
    text = ("a: 10\nb: 0x1F\nc: 017\nd: 1_000\ne: 1.5\nf: .inf\ng: yes\nh: off\ni: ~\nj:\n"
            "k: '10'\nl: 2024-01-01\nm: python3.12\nn: !!str 5\no: !!int '7'\n1: one\n")
    data = load_yaml(text, "t.yaml").data
    assert data == {"a": 10, "b": 31, "c": 15, "d": 1000, "e": 1.5, "f": float("inf"),
                    "g": True, "h": False, "i": None, "j": None, "k": "10",
                    "l": "2024-01-01", "m": "python3.12", "n": "5", "o": 7, "1": "one"}


def test_merge_key_is_a_plain_key():
    data = load_yaml("base: &b {x: 1}\nder:\n  <<: *b\n  y: 2\n", "t.yaml").data
    assert data["der"] == {"<<": {"x": 1}, "y": 2}


def test_aliases_are_allowed():
    data = load_yaml("a: &x [1, 2]\nb: *x\n", "t.yaml").data
    assert data == {"a": [1, 2], "b": [1, 2]}


def test_empty_and_non_mapping_documents():
    assert load_yaml("", "t.yaml").data is None
    assert load_yaml("# only a comment\n", "t.yaml").data is None
    assert load_yaml("- a\n- b\n", "t.yaml").data == ["a", "b"]
    assert load_yaml("just text\n", "t.yaml").data == "just text"


# ---------------------------------------------------------------- YAML spans


def test_yaml_value_spans():
    doc = load_yaml(TEMPLATE, "t.yaml")
    assert doc.format == "cfn-yaml"
    assert where(doc, "AWSTemplateFormatVersion") == (1, 27)
    assert where(doc, "Resources", "Fn", "Type") == (4, 11)
    assert where(doc, "Resources", "Fn", "Properties", "Timeout") == (6, 16)
    assert where(doc, "Resources", "Fn", "Properties", "Role") == (7, 13)
    assert where(doc, "Resources", "Fn", "Properties", "Role", "Fn::GetAtt") == (7, 13)
    assert where(doc, "Resources", "Fn", "Properties", "Layers", 0) == (9, 11)
    assert where(doc, "Resources", "Fn", "Properties", "Layers", 0, "Ref") == (9, 11)
    assert where(doc, "Resources", "Fn", "Properties", "Layers", 1) == (10, 11)
    span = doc.span(("Resources", "Fn", "Properties", "Timeout"))
    assert (span.end_line, span.end_column) == (6, 18)
    assert span.file == "t.yaml"


def test_yaml_key_spans():
    doc = load_yaml(TEMPLATE, "t.yaml")
    assert where(doc, "Resources", "__key__") == (2, 1)
    assert where(doc, "Resources", "Fn", "__key__") == (3, 3)
    assert where(doc, "Resources", "Fn", "Properties", "Timeout", "__key__") == (6, 7)


def test_yaml_missing_path_falls_back_to_enclosing_value():
    doc = load_yaml(TEMPLATE, "t.yaml")
    assert doc.locate(("Resources", "Fn", "Properties", "Nope")) is None
    assert where(doc, "Resources", "Fn", "Properties", "Nope") == (6, 7)


def test_yaml_unicode_columns_count_characters():
    doc = load_yaml("d: 'é😀'\ne: x\nf: [é, 😀, z]\n", "t.yaml")
    assert doc.data["d"] == "é😀"
    assert where(doc, "e") == (2, 4)
    assert where(doc, "f", 2) == (3, 11)


def test_yaml_crlf():
    doc = load_yaml(TEMPLATE.replace("\n", "\r\n"), "t.yaml")
    assert doc.data["Resources"]["Fn"]["Properties"]["Timeout"] == 30
    assert where(doc, "Resources", "Fn", "Properties", "Role") == (7, 13)
    assert where(doc, "Resources", "Fn", "Properties", "Layers", 1) == (10, 11)


# ---------------------------------------------------------------- YAML refusals


def refused(text):
    with pytest.raises(ParseError) as info:
        load_yaml(text, "t.yaml")
    return info.value


def test_yaml_duplicate_key():
    err = refused("Resources:\n  A: 1\n  B: 2\n  A:\n    x: 1\n")
    assert (err.line, err.column) == (4, 3)
    assert err.reason == "duplicate key 'A' (first at line 2)"
    assert err.file == "t.yaml"


def test_yaml_duplicate_key_whose_value_is_a_collection():
    err = refused("A:\n  x: 1\nA: 2\n")
    assert (err.line, err.reason) == (3, "duplicate key 'A' (first at line 1)")


def test_yaml_tabs():
    err = refused("a:\n\tb: 1\n")
    assert (err.line, err.column) == (2, 1)
    assert err.reason == "found character '\\t' that cannot start any token"


def test_yaml_syntax_error_is_located():
    err = refused("a: [1, 2\nb: 3\n")
    assert err.line == 2 and "did not find expected" in err.reason


@pytest.mark.parametrize("text", [
    "a: !!python/object:os.system x\n",
    "a: !!python/object/apply:os.system ['ls']\n",
    "a: !!python/name:os.system\n",
    "a: !!binary aGVsbG8=\n",
    "a: !Foo x\n",
])
def test_yaml_unsupported_tags(text):
    err = refused(text)
    assert err.reason.startswith("unsupported YAML tag !")
    assert (err.line, err.column) == (1, 4)


def test_yaml_python_tag_message():
    err = refused("a: !!python/object:os.system x\n")
    assert err.reason == "unsupported YAML tag !!python/object:os.system"


def test_yaml_billion_laughs():
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for name, prev in zip("bcdefghi", "abcdefgh"):
        text += f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]\n"
    err = refused(text)
    assert "alias bomb" in err.reason


DEEP_YAML = {  # built lazily: the indented forms are megabytes of text
    "flow-seq": lambda: "[" * 5000 + "]" * 5000,
    "flow-map": lambda: "{a: " * 5000 + "1" + "}" * 5000,
    "block-map": lambda: "".join(" " * i + "a:\n" for i in range(5000)) + " " * 5000 + "1\n",
    "block-seq": lambda: "".join(" " * i + "-\n" for i in range(5000)) + " " * 5000 + "1\n",
    "compact-seq": lambda: "- " * 5000 + "1\n",
    "flow-100k": lambda: "[" * 100_000 + "]" * 100_000,  # crashes libyaml's recursive composer
}


@pytest.mark.parametrize("kind", sorted(DEEP_YAML))
def test_yaml_deep_nesting(kind):
    err = refused(DEEP_YAML[kind]())
    # our own depth limit, or (PyYAML >= 6.0.4 bundles a libyaml with its own limit for flow
    # collections) libyaml's: either way a located LL001, never a crash
    assert err.reason in (f"nesting deeper than {MAX_DEPTH} levels", "exceeded maximum nesting depth")
    assert err.line >= 1 and err.column >= 1


def test_yaml_multiple_documents():
    err = refused("a: 1\n---\nb: 2\n")
    assert err.line == 2 and "single document" in err.reason


def test_yaml_control_character_is_located():
    err = refused("a: é\nb: \x07\n")
    assert (err.line, err.column) == (2, 4)


def test_yaml_non_string_keys_refused():
    assert refused("? [a]\n: 1\n").line == 1
    assert refused("!Ref a: 1\n").line == 1


def test_yaml_undefined_alias():
    assert "undefined alias" in refused("a: *nope\n").reason


# ---------------------------------------------------------------- JSON

JSON_TEMPLATE = """\
{
  "Resources": {
    "Fn": {
      "Type": "AWS::Lambda::Function",
      "Properties": {"Timeout": 30, "Layers": [ "a", {"Ref": "L"} ],
        "Description": "caf\\u00e9 \\"quoted\\" é",
        "Role": {"Fn::GetAtt": ["Role", "Arn"]}
      }
    }
  }
}
"""


def test_json_data_and_spans():
    doc = load_json(JSON_TEMPLATE, "t.json")
    assert doc.format == "cfn-json"
    assert doc.data == json.loads(JSON_TEMPLATE)
    assert where(doc, "Resources") == (2, 16)
    assert where(doc, "Resources", "Fn", "Type") == (4, 15)
    assert where(doc, "Resources", "Fn", "Properties", "Timeout") == (5, 33)
    assert where(doc, "Resources", "Fn", "Properties", "Layers", 0) == (5, 49)
    assert where(doc, "Resources", "Fn", "Properties", "Layers", 1) == (5, 54)
    assert where(doc, "Resources", "Fn", "Properties", "Layers", 1, "Ref") == (5, 62)
    assert where(doc, "Resources", "Fn", "Properties", "Role", "Fn::GetAtt", 1) == (7, 41)
    span = doc.span(("Resources", "Fn", "Properties", "Description"))
    assert (span.line, span.column, span.end_line, span.end_column) == (6, 24, 6, 48)


def test_json_key_spans():
    doc = load_json(JSON_TEMPLATE, "t.json")
    assert where(doc, "Resources", "__key__") == (2, 3)
    assert where(doc, "Resources", "Fn", "__key__") == (3, 5)
    assert where(doc, "Resources", "Fn", "Properties", "Timeout", "__key__") == (5, 22)


def test_json_missing_paths():
    doc = load_json(JSON_TEMPLATE, "t.json")
    assert doc.locate(("Resources", "Nope")) is None
    assert doc.locate(("Resources", "Fn", "Properties", "Layers", 2)) is None
    assert doc.locate(("Resources", "Fn", "Type", "x")) is None
    assert where(doc, "Resources", "Fn", "Properties", "Layers", 7) == (5, 47)


def test_json_repeated_locates_agree():
    doc = load_json(JSON_TEMPLATE, "t.json")
    first = doc.locate(("Resources", "Fn", "Properties", "Role"))
    doc.locate(("Resources", "Fn", "Type"))
    assert doc.locate(("Resources", "Fn", "Properties", "Role")) == first
    assert doc.locate(("Resources", "Fn", "Properties", "Role", "__key__")).line == 7


def test_json_crlf_and_unicode():
    text = '{\r\n  "é😀": "x",\r\n  "b": ["😀", 2]\r\n}\r\n'
    doc = load_json(text, "t.json")
    assert doc.data == {"é😀": "x", "b": ["😀", 2]}
    assert where(doc, "é😀") == (2, 9)
    assert where(doc, "b", 1) == (3, 14)


def test_json_duplicate_key():
    text = '{\n  "Resources": {\n    "A": {},\n    "B": [1, {"A": 1}],\n    "A": 2\n  }\n}\n'
    with pytest.raises(ParseError) as info:
        load_json(text, "t.json")
    err = info.value
    assert (err.line, err.column) == (5, 5)
    assert err.reason == "duplicate key 'A' (first at line 3)"


def test_json_syntax_error():
    with pytest.raises(ParseError) as info:
        load_json('{\n  "a": 1,\n}\n', "t.json")
    assert (info.value.line, info.value.column) == (3, 1)
    assert "property name" in info.value.reason


def test_json_deep_nesting():
    with pytest.raises(ParseError) as info:
        load_json("[" * 5000 + "]" * 5000, "t.json")
    assert info.value.reason == f"nesting deeper than {MAX_DEPTH} levels"


def test_json_bom_is_ignored():
    doc = load_json('\ufeff{"a": 1}', "t.json")
    assert doc.data == {"a": 1} and where(doc, "a") == (1, 7)


def test_json_blank_file_has_no_data():
    assert load_json("", "t.json").data is None
    assert load_json(" \n", "t.json").data is None


_SPAN_TEXTS = [
    "A: 1\nB: [x, {y: !Ref Z}]\n",
    "A: 1\r\nB:\r\n  - x\r\n  - !GetAtt F.Arn\r\n",  # CRLF is one line break
    "A: 1\rB:\r  - x\r  - y",  # old Mac breaks, no final break
    'A: "p\x85q"\nB: 1\nC: "x\u2028y"\n',  # NEL and LS break lines for libyaml
    "A:\n  B:\n    - c",  # unterminated last line: collections end on a virtual next line
    "A: |\n  text",
    "A:\n  B:",  # an empty value at the very end
]


@pytest.mark.parametrize("text", _SPAN_TEXTS)
def test_yaml_spans_are_libyamls_marks(text):
    """Spans are stored as offsets and turned into lines lazily: they must equal the line and
    column libyaml reports for every value and every key."""
    import yaml

    doc = load_yaml(text, "t.yaml")

    def span(start, end):
        return (start.line + 1, start.column + 1, end.line + 1, end.column + 1)

    def walk(node, path):
        got = doc.locate(path)
        assert (got.line, got.column, got.end_line, got.end_column) == span(node.start_mark, node.end_mark), path
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                got = doc.locate(path + (key.value, "__key__"))
                assert (got.line, got.column, got.end_line, got.end_column) == span(key.start_mark, key.end_mark)
                walk(value, path + (key.value,))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, path + (index,))

    walk(yaml.compose(text, Loader=yaml.CSafeLoader), ())
