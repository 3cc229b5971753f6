"""codegen keeps up with the schema: every ``AWS::EMR::Cluster`` property that cdk_emr types
(:mod:`cdk_emr.coverage`) is written by codegen, and a property it does not write stops it with an
error that names the property (never dropped silently)."""

from __future__ import annotations

from typing import Any

import pytest

from cdk_emr.coverage import OMISSIONS, load_schema
from cdk_emr.ops.codegen_capacity import FLEET_KEYS, GROUP_KEYS, INSTANCES_KEYS, TYPE_CONFIG_KEYS
from cdk_emr.ops.codegen_model import HANDLED, CodegenError, build_module
from cdk_emr.ops.codegen_read import ClusterSource

SCHEMA = load_schema("AWS::EMR::Cluster")


def schema_properties(definition: str | None) -> set[str]:
    """The writable properties of the cluster (``None``) or one of its schema definitions."""
    node = SCHEMA if definition is None else SCHEMA["definitions"][definition]
    read_only = {p.rsplit("/", 1)[-1] for p in SCHEMA.get("readOnlyProperties", [])} if definition is None else set()
    omitted = {key.split(".", 1)[1] for key in OMISSIONS if key.startswith(f"{definition}.")}
    return set(node["properties"]) - read_only - omitted


@pytest.mark.parametrize(
    ("definition", "written"),
    [
        (None, set(HANDLED)),
        ("JobFlowInstancesConfig", set(INSTANCES_KEYS)),
        ("InstanceGroupConfig", set(GROUP_KEYS)),
        ("InstanceFleetConfig", set(FLEET_KEYS)),
        ("InstanceTypeConfig", set(TYPE_CONFIG_KEYS)),
    ],
)
def test_codegen_writes_every_typed_property(definition: str | None, written: set[str]) -> None:
    assert schema_properties(definition) == written


def _module(properties: dict[str, Any]) -> Any:
    source = ClusterSource("C", properties, {"Resources": {"C": {"Type": "AWS::EMR::Cluster", "Properties": properties}}}, "test")
    return build_module(source, "C")


@pytest.mark.parametrize(
    ("properties", "named"),
    [
        ({"NewProperty": 1}, "NewProperty"),
        ({"Instances": {"Placement": {"AvailabilityZone": "us-east-1a"}}}, "Placement"),
        ({"Instances": {"MasterInstanceGroup": {"InstanceType": "m5.xlarge", "InstanceCount": 1, "Future": 1}}}, "Future"),
        ({"Instances": {"CoreInstanceFleet": {"InstanceTypeConfigs": [{"InstanceType": "m5.xlarge", "Later": 2}]}}}, "Later"),
        ({"KerberosAttributes": {"Realm": "EC2.INTERNAL", "NewKerberosKey": "x"}}, "NewKerberosKey"),
        ({"KerberosAttributes": {"Realm": "EC2.INTERNAL", "ADDomainJoinUser": "admin"}}, "ADDomainJoinUser"),
    ],
)
def test_a_property_codegen_does_not_write_is_named_in_an_error(properties: dict[str, Any], named: str) -> None:
    with pytest.raises(CodegenError, match=named):
        _module(properties)
