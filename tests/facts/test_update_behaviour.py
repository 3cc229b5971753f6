"""The update-behaviour table against the CloudFormation resource schemas that cfn-lint ships."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import cfnlint.data.schemas
import pytest

from cdk_emr.facts.update_behaviour import (
    CLUSTER,
    INSTANCE_FLEET_CONFIG,
    INSTANCE_GROUP_CONFIG,
    SCHEMA_DEVIATIONS,
    SECURITY_CONFIGURATION,
    STEP,
    Behaviour,
    classify,
    replacing_paths,
)

SCHEMAS = Path(cfnlint.data.schemas.__file__).parent


def schema(resource_type: str) -> dict[str, Any]:
    """cfn-lint's registry schema of a resource type (us-east-1 provider map)."""
    providers = json.loads((SCHEMAS / "providers" / "us-east-1.json").read_text())
    return json.loads((SCHEMAS / "resources" / f"{providers[resource_type]}.json").read_text())


@pytest.mark.parametrize("resource_type", [CLUSTER, INSTANCE_FLEET_CONFIG, INSTANCE_GROUP_CONFIG, SECURITY_CONFIGURATION, STEP])
def test_table_agrees_with_create_only_properties(resource_type: str) -> None:
    document = schema(resource_type)
    create_only = {path.removeprefix("/properties/") for path in document.get("createOnlyProperties", [])}
    read_only = {path.removeprefix("/properties/") for path in document.get("readOnlyProperties", [])}
    for name in set(document["properties"]) - read_only:
        replaces = classify(resource_type, (name,)).behaviour is Behaviour.REPLACEMENT
        if (resource_type, name) in SCHEMA_DEVIATIONS:
            assert replaces and name not in create_only, name
            continue
        assert replaces == (name in create_only), f"{resource_type}.{name}: schema create-only={name in create_only}"


def test_nested_instances_paths_follow_the_cloudformation_reference() -> None:
    # "Update requires: No interruption" for these (AWS::EMR::Cluster JobFlowInstancesConfig reference).
    in_place = [
        ("Instances", "TerminationProtected"),
        ("Instances", "CoreInstanceFleet", "TargetSpotCapacity"),
        ("Instances", "CoreInstanceGroup", "InstanceCount"),
        ("Instances", "TaskInstanceFleets", 0, "TargetOnDemandCapacity"),
    ]
    assert {classify(CLUSTER, path).behaviour for path in in_place} == {Behaviour.NO_INTERRUPTION}
    assert classify(CLUSTER, ("Instances", "Ec2SubnetIds")).behaviour is Behaviour.REPLACEMENT
    assert classify(CLUSTER, ("Instances", "TaskInstanceFleets")).behaviour is Behaviour.CONDITIONAL


def test_replacing_paths_of_a_task_fleet_reshape_and_a_release_change() -> None:
    old = {"ReleaseLabel": "emr-7.5.0", "Instances": {"TaskInstanceFleets": [{"Name": "t", "TargetSpotCapacity": 2}]}}
    reshaped = {"ReleaseLabel": "emr-7.5.0", "Instances": {"TaskInstanceFleets": [{"Name": "t2", "TargetSpotCapacity": 4}]}}
    assert replacing_paths(CLUSTER, old, reshaped) == []
    assert replacing_paths(CLUSTER, old, {**old, "ReleaseLabel": "emr-7.9.0"}) == [("ReleaseLabel",)]
