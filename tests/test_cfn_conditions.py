"""CloudFormation conditions decided before deployment (frontends/cfn_conditions.py): from literals,
--parameters values and other decided conditions; never from a parameter default."""
from __future__ import annotations

import textwrap

import pytest

from lambdalint.config import load_config
from lambdalint.runner import build_model

TEMPLATE = """
Parameters:
  Env: {Type: String, Default: prod}
  Stage: {Type: String}
Mappings:
  Flags: {prod: {Tracing: "on"}, dev: {Tracing: "off"}}
Conditions:
  Never: !Equals [true, false]
  Always: !Not [!Condition Never]
  OnDefault: !Equals [!Ref Env, prod]
  OnStage: !Equals [!Ref Stage, prod]
  FromMap: !Equals [!FindInMap [Flags, dev, Tracing], "on"]
  Loop1: !Condition Loop2
  Loop2: !Not [!Condition Loop1]
  Region: !Equals [!Ref "AWS::Region", us-east-1]
  Mixed: !Or [!Condition Region, !Condition Always]
  Numbers: !Equals [1, "1"]
Resources:
"""


def _functions(tmp_path, parameters=None):
    names = ["Never", "Always", "OnDefault", "OnStage", "FromMap", "Loop1", "Region", "Mixed", "Numbers"]
    body = "".join(textwrap.dedent(f"""\
          Fn{name}:
            Type: AWS::Lambda::Function
            Condition: {name}
            Properties: {{Runtime: python3.12, Handler: a.b, Role: arn:aws:iam::1:role/r, Code: {{ZipFile: x}}}}
        """) for name in names)
    body = textwrap.indent(body, "  ")
    path = tmp_path / "t.yaml"
    path.write_text(TEMPLATE + body)
    model, _ = build_model([str(path)], load_config(None), parameters)
    return {fn.name[2:] for fn in model.functions()}


def test_false_conditions_from_literals_remove_the_resource(tmp_path):
    created = _functions(tmp_path)
    # Never and FromMap (a mapping under literal keys) are false; all else may be created
    assert created == {"Always", "OnDefault", "OnStage", "Loop1", "Region", "Mixed", "Numbers"}


def test_parameters_given_by_the_user_decide(tmp_path):
    created = _functions(tmp_path, {"*": {"Stage": "dev", "Env": "dev"}})
    assert "OnStage" not in created and "OnDefault" not in created
    created = _functions(tmp_path, {"*": {"Stage": "prod"}})
    assert {"OnStage", "OnDefault"} <= created


@pytest.mark.parametrize("condition,branch", [("Never", "30"), ("Always", "60"), ("OnDefault", None)])
def test_fn_if_on_a_decided_condition_is_that_branch(tmp_path, condition, branch):
    path = tmp_path / "t.yaml"
    path.write_text(TEMPLATE + textwrap.indent(textwrap.dedent(f"""\
        Fn:
          Type: AWS::Lambda::Function
          Properties:
            Runtime: python3.12
            Handler: a.b
            Role: arn:aws:iam::1:role/r
            Code: {{ZipFile: x}}
            Timeout: !If [{condition}, 60, 30]
    """), "  "))
    model, _ = build_model([str(path)], load_config(None))
    timeout = model.functions()[0].timeout
    if branch is None:
        assert sorted(str(v.value) for v in timeout.leaves()) == ["30", "60"]  # undecided: both
    else:
        assert str(timeout.value) == branch
