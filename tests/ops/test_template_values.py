"""The shared template value reader, with cfn-lint's resolver as the oracle for what a value resolves to.

cfn-lint (``cfnlint.template.Template`` and its validator's ``resolve_value``) answers every value
an expression may take; the value our reader takes under the parameters' defaults must be one of
them, and an expression cfn-lint cannot resolve offline (``Fn::GetAtt``, ``Ref`` to a resource)
must be an error that names the field.
"""

from __future__ import annotations

from typing import Any

import pytest

from cdk_emr.ops.template_clusters import instance_nodes
from cdk_emr.ops.template_values import ValueReader, condition_holds, parameter_default, referenced_ids, render_value
from cdk_emr.ops.templates import TemplateLoadError

TEMPLATE: dict[str, Any] = {
    "Parameters": {
        "CoreCount": {"Type": "Number", "Default": 4},
        "InstanceType": {"Type": "String", "Default": "m5.xlarge"},
        "NoDefault": {"Type": "String"},
        "Env": {"Type": "String", "Default": "dev"},
    },
    "Conditions": {
        "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
        "IsDev": {"Fn::Not": [{"Condition": "IsProd"}]},
        "DevAndFour": {"Fn::And": [{"Condition": "IsDev"}, {"Fn::Equals": [{"Ref": "CoreCount"}, "4"]}]},
        "ProdOrNone": {"Fn::Or": [{"Condition": "IsProd"}, {"Fn::Equals": [{"Ref": "NoDefault"}, "x"]}]},
        "InRegion": {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]},
    },
    "Resources": {"Logs": {"Type": "AWS::S3::Bucket"}},
}


@pytest.fixture(scope="module")
def cfn_lint_values():
    """Every value cfn-lint's resolver gives for an expression of TEMPLATE."""
    from cfnlint.jsonschema import CfnTemplateValidator
    from cfnlint.template import Template

    cfn = Template("template.json", TEMPLATE, regions=["us-east-1"])
    validator = CfnTemplateValidator({}, context=cfn.context, cfn=cfn)

    def values(expression: Any) -> list[Any]:
        return [value for value, _, errors in validator.resolve_value(expression) if not errors]

    return values


def reader() -> ValueReader:
    return ValueReader(TEMPLATE, "Stack")


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ({"Ref": "CoreCount"}, 4),  # the parameter's Default
        ({"Ref": "InstanceType"}, "m5.xlarge"),
    ],
)
def test_a_ref_to_a_parameter_reads_its_default_as_cfn_lint_does(cfn_lint_values, expression, expected) -> None:
    assert reader().value(expression, "X") == expected
    # cfn-lint resolves parameter values as strings: "4"
    assert str(expected) in [str(v) for v in cfn_lint_values(expression)]


@pytest.mark.parametrize(
    "expression",
    [{"Fn::GetAtt": ["Logs", "Arn"]}, {"Ref": "Logs"}, {"Ref": "NoDefault"}],
)
def test_what_cfn_lint_cannot_resolve_offline_is_an_error_naming_the_field(cfn_lint_values, expression) -> None:
    assert cfn_lint_values(expression) == []
    with pytest.raises(TemplateLoadError, match=r"^Stack: Instances\.CoreInstanceGroup\.InstanceCount is \{"):
        reader().integer(expression, "Instances.CoreInstanceGroup.InstanceCount")


@pytest.mark.parametrize(
    ("condition", "expected"),
    # by hand: Env defaults to "dev", so IsProd is false, IsDev true; CoreCount defaults to 4 ("4" as a string)
    [("IsProd", False), ("IsDev", True), ("DevAndFour", True)],
)
def test_conditions_hold_or_not_with_the_parameters_defaults(cfn_lint_values, condition, expected) -> None:
    assert condition_holds(TEMPLATE, condition) is expected
    expression = {"Fn::If": [condition, "yes", "no"]}
    chosen = reader().value(expression, "X")
    assert chosen == ("yes" if expected else "no")
    assert chosen in cfn_lint_values(expression)  # cfn-lint gives both branches: ours is one of them


@pytest.mark.parametrize("condition", ["ProdOrNone", "InRegion", "Missing"])
def test_a_condition_that_needs_a_value_unknown_offline_is_a_key_error(condition) -> None:
    with pytest.raises(KeyError):
        condition_holds(TEMPLATE, condition)
    with pytest.raises(TemplateLoadError, match="cannot be resolved offline"):
        reader().value({"Fn::If": [condition, 1, 2]}, "X")


def test_typed_reads_check_the_type_and_apply_defaults() -> None:
    r = reader()
    assert r.integer("3", "A") == 3  # CloudFormation numbers may be strings
    assert r.integer(None, "A", 1) == 1
    assert r.text(None, "B", "TASK") == "TASK"
    assert r.mapping(None, "C") == {} and r.sequence(None, "D") == []
    for call, raw in ((r.integer, "2.5"), (r.integer, -1), (r.text, 5), (r.mapping, []), (r.sequence, {})):
        with pytest.raises(TemplateLoadError, match="^Stack: F is "):
            call(raw, "F")


def test_parameter_default_is_a_key_error_without_one() -> None:
    assert parameter_default(TEMPLATE, "CoreCount") == 4
    with pytest.raises(KeyError):
        parameter_default(TEMPLATE, "NoDefault")


def test_render_value_and_referenced_ids() -> None:
    assert render_value({"Ref": "Role"}) == "<Ref Role>"
    assert render_value({"Fn::GetAtt": ["Role", "Arn"]}) == "<Role.Arn>"
    assert render_value({"Fn::Join": ["", ["s3://", {"Ref": "Logs"}, "/emr/"]]}) == "s3://<Ref Logs>/emr/"
    assert render_value({"Fn::Sub": "x"}) == "<Fn::Sub>"
    # "${!Literal}" is an escaped literal, not a reference (Fn::Sub, CloudFormation User Guide)
    assert referenced_ids({"Fn::Sub": ["${A}-${B.Arn}-${!C}-${D}", {"D": {"Ref": "E"}}]}) == {"A", "B", "D", "E"}


def test_instance_nodes_walk_fleets_then_groups_primary_core_tasks() -> None:
    instances = {
        "CoreInstanceFleet": {"Name": "core"},
        "MasterInstanceFleet": {"Name": "primary"},
        "TaskInstanceFleets": [{"Name": "t0"}, {"Name": "t1"}],
    }
    walked = [(n.role, n.kind, n.path, n.raw["Name"]) for n in instance_nodes(instances)]
    assert walked == [
        ("primary", "fleet", "MasterInstanceFleet", "primary"),
        ("core", "fleet", "CoreInstanceFleet", "core"),
        ("task", "fleet", "TaskInstanceFleets[0]", "t0"),
        ("task", "fleet", "TaskInstanceFleets[1]", "t1"),
    ]
    groups = {"TaskInstanceGroups": {"Ref": "Tasks"}, "CoreInstanceGroup": {}}
    assert [n.path for n in instance_nodes(groups)] == ["CoreInstanceGroup"]  # a task list not written as a list is empty
