"""Whole inputs for the fuzz tests (issue 11, part 4): the repository's fixtures as seeds, random
mutations of them (values replaced by anything, keys dropped or added, intrinsics wrapped
around values, types changed, resources duplicated, nesting deepened up to and past the budget),
templates made from scratch, and their text (JSON, YAML with or without short-form tags, HCL).
"""
from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml
from hypothesis import strategies as st

from fuzz_values import hcl_expressions, intrinsic, names, values

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@dataclass
class Vocabulary:
    types: list = field(default_factory=list)  # CloudFormation/SAM resource types
    properties: list = field(default_factory=list)
    logical_ids: list = field(default_factory=list)
    strings: list = field(default_factory=list)
    tf_types: list = field(default_factory=list)
    tf_names: list = field(default_factory=list)
    tf_attributes: list = field(default_factory=list)


@dataclass
class Seeds:
    cfn: list = field(default_factory=list)  # (name, data)
    tf: list = field(default_factory=list)  # {file name: text} of one module directory
    tf_json: list = field(default_factory=list)  # (name, data)
    plans: list = field(default_factory=list)  # (name, data)


def _walk(value, keys: set, strings: set):
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            keys.update(k for k in current if isinstance(k, str))
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
        elif isinstance(current, str) and len(current) < 80:
            strings.add(current)


@cache
def corpus() -> tuple[Vocabulary, Seeds]:
    """Vocabulary and seeds from fixtures/ (read once per session)."""
    from lambdalint.discover import load_cfn_file
    from lambdalint.document import Document

    vocab, seeds = Vocabulary(), Seeds()
    types, props, ids, strings = set(), set(), set(), set()
    tf_types, tf_names, tf_attrs = set(), set(), set()
    for path in sorted(FIXTURES.rglob("*")):
        if not path.is_file() or ".terraform" in path.parts or path.stat().st_size > 200_000:
            continue
        name = path.name
        if name.endswith(".tf.json"):
            try:
                seeds.tf_json.append((name, json.loads(path.read_text(encoding="utf-8"))))
            except ValueError:
                pass
        elif name.endswith((".yaml", ".yml", ".json", ".template")):
            loaded = load_cfn_file(path, False)
            if not isinstance(loaded, Document) or not isinstance(loaded.data, dict):
                continue
            if loaded.format == "tf-plan":
                seeds.plans.append((name, loaded.data))
                continue
            seeds.cfn.append((name, loaded.data))
            for lid, body in loaded.data.get("Resources", {}).items():
                ids.add(lid)
                if isinstance(body, dict) and isinstance(body.get("Type"), str):
                    types.add(body["Type"])
                    _walk(body.get("Properties"), props, strings)
        elif name.endswith(".tf"):
            text = path.read_text(encoding="utf-8", errors="replace")
            for kind, label in re.findall(r'^(?:resource|data)\s+"([\w-]+)"\s+"([\w-]+)"', text, re.M):
                tf_types.add(kind)
                tf_names.add(label)
            tf_attrs.update(re.findall(r"^\s*([a-z_][a-z0-9_]*)\s*=", text, re.M))
    for directory in sorted({p.parent for p in FIXTURES.rglob("*.tf") if ".terraform" not in p.parts}):
        seeds.tf.append({p.name: p.read_text(encoding="utf-8", errors="replace")
                         for p in sorted(directory.glob("*.tf"))})
    vocab.types, vocab.properties, vocab.logical_ids = sorted(types), sorted(props), sorted(ids)
    vocab.strings = sorted(strings)[:2000]
    vocab.tf_types, vocab.tf_names, vocab.tf_attributes = sorted(tf_types), sorted(tf_names), sorted(tf_attrs)
    return vocab, seeds


# -- mutations of JSON-like data -----------------------------------------------------------------

def _slots(doc) -> list:
    """Every (container, key) in ``doc``, the root's children first."""
    out, stack = [], [doc]
    while stack:
        current = stack.pop()
        items = current.items() if isinstance(current, dict) else enumerate(current) if isinstance(current, list) else ()
        for key, value in items:
            out.append((current, key))
            if isinstance(value, (dict, list)):
                stack.append(value)
    return out


OPERATIONS = ("replace", "delete", "add", "wrap", "retype", "duplicate", "type", "deepen", "swap", "transplant",
              "number")


def mutate(draw, doc, vocab: Vocabulary, count: int):
    """Apply ``count`` random mutations to a deep copy of ``doc``."""
    doc = copy.deepcopy(doc)
    for _ in range(count):
        slots = _slots(doc)
        if not slots:
            break
        container, key = draw(st.sampled_from(slots))
        operation = draw(st.sampled_from(OPERATIONS))
        current = container[key]
        if operation == "replace":
            container[key] = draw(values(vocab))
        elif operation == "delete":
            if isinstance(container, dict):
                del container[key]
            else:
                container.pop(key)
        elif operation == "add":
            if isinstance(current, dict):
                current[draw(st.one_of(st.sampled_from(vocab.properties), st.text(max_size=6)))] = draw(values(vocab))
            elif isinstance(current, list):
                current.append(draw(values(vocab)))
        elif operation == "wrap":
            wrapped = draw(intrinsic(st.just(current), vocab))
            container[key] = draw(st.sampled_from((wrapped, [current], {"Fn::If": ["C", current, current]},
                                                   {"Fn::Join": ["", [current]]}, {"Fn::Select": [0, [current]]})))
        elif operation == "retype":
            options = [str(current), [current], {"Value": current}, 0, None, True]
            container[key] = draw(st.sampled_from(options))
        elif operation == "duplicate" and isinstance(container, dict):
            container[draw(names(vocab))] = copy.deepcopy(current)
        elif operation == "type":
            container[key] = draw(st.sampled_from(vocab.types)) if isinstance(current, str) else current
        elif operation == "swap":  # real values in the wrong places
            other, other_key = draw(st.sampled_from(slots))
            if other is not container or other_key != key:
                container[key], other[other_key] = copy.deepcopy(other[other_key]), copy.deepcopy(current)
        elif operation == "transplant":  # a value from another fixture
            _, donor = draw(st.sampled_from(corpus()[1].cfn))
            donor_slots = _slots(donor)
            if donor_slots:
                box, box_key = draw(st.sampled_from(donor_slots))
                container[key] = copy.deepcopy(box[box_key])
        elif operation == "number":
            container[key] = draw(st.sampled_from((0, -1, 1, 2 ** 31, 2 ** 63 + 1, 10 ** 40, 0.5, -0.0, 1e308,
                                                   float("inf"), float("nan"), "1e3", "0x1F", " 30 ", "30.0")))
        elif operation == "deepen":  # up to just past the nesting budget
            levels = draw(st.integers(min_value=1, max_value=210))
            for _ in range(levels):
                current = draw(st.sampled_from(([current], {"Fn::If": ["C", current, "x"]}, {"k": current})))
            container[key] = current
    return doc


# -- templates from scratch --------------------------------------------------------------------

def templates(vocab: Vocabulary) -> st.SearchStrategy[dict]:
    value = values(vocab, leaves=6)
    resource = st.fixed_dictionaries(
        {"Type": st.one_of(st.sampled_from(vocab.types), st.text(max_size=6))},
        optional={"Properties": st.dictionaries(st.sampled_from(vocab.properties), value, max_size=8),
                  "Condition": names(vocab), "DependsOn": st.one_of(names(vocab), st.lists(names(vocab))),
                  "Metadata": value})
    return st.fixed_dictionaries(
        {"Resources": st.dictionaries(st.sampled_from(vocab.logical_ids), resource, min_size=1, max_size=6)},
        optional={"Transform": st.sampled_from(("AWS::Serverless-2016-10-31", ["AWS::Serverless-2016-10-31"], "X")),
                  "Parameters": st.dictionaries(names(vocab), st.fixed_dictionaries(
                      {"Type": st.sampled_from(("String", "Number", "List<String>", "CommaDelimitedList", "X"))},
                      optional={"Default": value}), max_size=3),
                  "Conditions": st.dictionaries(names(vocab), value, max_size=3),
                  "Mappings": st.dictionaries(names(vocab), st.dictionaries(st.text(max_size=4), st.dictionaries(
                      st.text(max_size=4), value, max_size=2), max_size=2), max_size=2),
                  "Globals": st.fixed_dictionaries({"Function": st.dictionaries(st.sampled_from(vocab.properties),
                                                                                value, max_size=4)}),
                  "Outputs": st.dictionaries(names(vocab), st.fixed_dictionaries(
                      {"Value": value}, optional={"Export": st.fixed_dictionaries({"Name": value})}), max_size=3)})


# -- text ----------------------------------------------------------------------------------------

class _Tagged:
    def __init__(self, tag, value):
        self.tag, self.value = tag, value


class _Dumper(yaml.SafeDumper):
    pass


def _represent_tagged(dumper, data):
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    return dumper.represent_scalar(data.tag, str(data.value))


_Dumper.add_representer(_Tagged, _represent_tagged)


def _short_forms(value):
    """Intrinsics as YAML short forms (!Ref, !GetAtt a.b, !Sub ...) where they have one."""
    if isinstance(value, list):
        return [_short_forms(v) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        (key, arg), = value.items()
        if key == "Ref" and isinstance(arg, str):
            return _Tagged("!Ref", arg)
        if key == "Fn::GetAtt" and isinstance(arg, list) and len(arg) == 2 and all(isinstance(a, str) for a in arg):
            return _Tagged("!GetAtt", ".".join(arg))
        if key.startswith("Fn::") and key[4:] in ("Sub", "Join", "If", "Select", "Split", "FindInMap", "ImportValue",
                                                  "Equals", "Not", "And", "Or", "Base64", "GetAZs", "Cidr"):
            return _Tagged("!" + key[4:], _short_forms(arg) if isinstance(arg, (list, dict)) else
                           (arg if isinstance(arg, str) else str(arg)))
    return {k: _short_forms(v) for k, v in value.items()}


def as_text(doc, kind: str) -> str:
    """``doc`` as ``json``, ``yaml`` (long forms) or ``yaml-tags`` (short forms) text."""
    if kind == "json":
        return json.dumps(doc, indent=1)
    try:
        return yaml.dump(_short_forms(doc) if kind == "yaml-tags" else doc, Dumper=_Dumper, sort_keys=False,
                         allow_unicode=True, width=10_000)
    except (yaml.YAMLError, ValueError, RecursionError):
        return json.dumps(doc)  # what PyYAML cannot write (deep nesting) goes out as JSON, which YAML reads


# -- Terraform text ---------------------------------------------------------------------------------

_ATTRIBUTE = re.compile(r"^([ \t]*)([a-z_][a-z0-9_]*)([ \t]*=[ \t]*)([^\n{\[(<]*)$", re.M)
_RESOURCE = re.compile(r'^(resource|data|module)\s+"[^"\n]*"[^{\n]*\{[ \t]*$', re.M)


def mutate_hcl(draw, text: str, vocab: Vocabulary, count: int) -> str:
    """Replace single-line attribute values with generated expressions, and add count/for_each,
    attributes and dynamic blocks to resource bodies."""
    expression = hcl_expressions(vocab)
    for _ in range(count):
        attributes = list(_ATTRIBUTE.finditer(text))
        headers = list(_RESOURCE.finditer(text))
        choice = draw(st.sampled_from(("value", "meta", "block", "attribute")))
        if choice == "value" and attributes:
            found = draw(st.sampled_from(attributes))
            text = text[:found.start(4)] + draw(expression) + text[found.end(4):]
        elif headers:
            found = draw(st.sampled_from(headers))
            if choice == "meta":
                line = f"\n  {draw(st.sampled_from(('count', 'for_each')))} = {draw(expression)}"
            elif choice == "block":
                line = (f'\n  dynamic "{draw(st.sampled_from(vocab.tf_attributes))}" {{\n    for_each = {draw(expression)}'
                        f"\n    content {{\n      {draw(st.sampled_from(vocab.tf_attributes))} = {draw(expression)}\n    }}\n  }}")
            else:
                line = f"\n  {draw(st.sampled_from(vocab.tf_attributes))} = {draw(expression)}"
            text = text[:found.end()] + line + text[found.end():]
    return text


def tf_extras(draw, vocab: Vocabulary) -> str:
    """Variables, locals and a local child module for references to land on."""
    expression = hcl_expressions(vocab)
    parts = []
    for name in draw(st.lists(st.sampled_from(vocab.tf_names), max_size=3, unique=True)):
        parts.append(f'variable "{name}" {{\n  default = {draw(expression)}\n}}\n')
    local_names = draw(st.lists(st.sampled_from(vocab.tf_names), max_size=4, unique=True))
    if local_names:
        parts.append("locals {\n" + "".join(f"  {n} = {draw(expression)}\n" for n in local_names) + "}\n")
    return "\n".join(parts)
