"""Translate CloudFormation ``AWS::EMR::*`` properties into EMR API request shapes.

moto's CloudFormation parser resolves intrinsic functions (``Ref``, ``Fn::GetAtt``,
``Fn::Join``...) before a model sees its properties, so these functions only have to
rename and restructure: the emulation then builds every cluster, fleet and step from the
same API-shaped request, whichever way it was created.

Differences handled here:

* ``Instances.MasterInstanceFleet`` / ``CoreInstanceFleet`` / ``TaskInstanceFleets`` (and the
  ``*InstanceGroup(s)`` equivalents) become ``Instances.InstanceFleets`` /
  ``Instances.InstanceGroups`` with ``InstanceFleetType`` / ``InstanceRole``;
* ``Configurations[].ConfigurationProperties`` becomes ``Properties``;
* ``HadoopJarStep.StepProperties`` becomes ``Properties``;
* ``KeepJobFlowAliveWhenNoSteps`` defaults to true, as documented for the resource (the
  RunJobFlow API defaults it to false).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

_FLEET_PROPERTIES = {"MasterInstanceFleet": "MASTER", "CoreInstanceFleet": "CORE"}
_GROUP_PROPERTIES = {"MasterInstanceGroup": "MASTER", "CoreInstanceGroup": "CORE"}
_INSTANCE_STRUCTURE_PROPERTIES = {
    *_FLEET_PROPERTIES,
    *_GROUP_PROPERTIES,
    "TaskInstanceFleets",
    "TaskInstanceGroups",
}


def cluster_request(properties: Mapping[str, Any]) -> dict[str, Any]:
    """Return the RunJobFlow request equivalent to an ``AWS::EMR::Cluster``'s properties."""
    request = dict(properties)
    request["Instances"] = _instances(properties.get("Instances", {}))
    if "Configurations" in properties:
        request["Configurations"] = configurations(properties["Configurations"])
    if "Steps" in properties:
        request["Steps"] = [step_config(step) for step in properties["Steps"]]
    return request


def instance_fleet_config(properties: Mapping[str, Any], fleet_type: str | None = None) -> dict[str, Any]:
    """Return the API ``InstanceFleetConfig`` for a CloudFormation fleet.

    ``fleet_type`` is needed for fleets nested in a cluster, whose type is given by the
    property holding them; ``AWS::EMR::InstanceFleetConfig`` resources carry their own.
    """
    config = {key: value for key, value in properties.items() if key != "ClusterId"}
    if fleet_type:
        config["InstanceFleetType"] = fleet_type
    config["InstanceTypeConfigs"] = [
        _with_api_configurations(type_config) for type_config in properties.get("InstanceTypeConfigs", [])
    ]
    return config


def step_config(properties: Mapping[str, Any]) -> dict[str, Any]:
    """Return the API ``StepConfig`` of a cluster's ``Steps`` item or an ``AWS::EMR::Step``."""
    config = {key: value for key, value in properties.items() if key != "JobFlowId"}
    jar_step = dict(properties.get("HadoopJarStep", {}))
    if "StepProperties" in jar_step:
        jar_step["Properties"] = jar_step.pop("StepProperties")
    config["HadoopJarStep"] = jar_step
    return config


def configurations(items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rename ``ConfigurationProperties`` to the API's ``Properties``, recursively."""
    converted = []
    for item in items:
        configuration: dict[str, Any] = {"Classification": item.get("Classification")}
        if "ConfigurationProperties" in item or "Properties" in item:
            configuration["Properties"] = dict(item.get("ConfigurationProperties", item.get("Properties", {})))
        if item.get("Configurations"):
            configuration["Configurations"] = configurations(item["Configurations"])
        converted.append(configuration)
    return converted


def _instances(properties: Mapping[str, Any]) -> dict[str, Any]:
    instances = {key: value for key, value in properties.items() if key not in _INSTANCE_STRUCTURE_PROPERTIES}
    instances.setdefault("KeepJobFlowAliveWhenNoSteps", True)
    fleets = [
        instance_fleet_config(properties[key], fleet_type) for key, fleet_type in _FLEET_PROPERTIES.items() if key in properties
    ]
    fleets += [instance_fleet_config(fleet, "TASK") for fleet in properties.get("TaskInstanceFleets", [])]
    groups = [_instance_group_config(properties[key], role) for key, role in _GROUP_PROPERTIES.items() if key in properties]
    groups += [_instance_group_config(group, "TASK") for group in properties.get("TaskInstanceGroups", [])]
    if fleets:
        instances["InstanceFleets"] = fleets
    if groups:
        instances["InstanceGroups"] = groups
    return instances


def _instance_group_config(properties: Mapping[str, Any], role: str) -> dict[str, Any]:
    return {**_with_api_configurations(properties), "InstanceRole": role}


def _with_api_configurations(properties: Mapping[str, Any]) -> dict[str, Any]:
    converted = dict(properties)
    if "Configurations" in properties:
        converted["Configurations"] = configurations(properties["Configurations"])
    return converted
