"""Translate CloudFormation ``AWS::EMR::*`` properties into EMR API request shapes.

One converter for both of its users: the transient-cluster workflow
(:mod:`cdk_emr.orchestration`) turns a cluster's launch properties into Step Functions'
``createCluster`` parameters, and the local EMR emulation (:mod:`cdk_emr.local.emr_models`)
builds every cluster, fleet and step from the same API-shaped request, whichever way it was
created. Standard library only: no ``aws_cdk``, no moto.

Values are not resolved: the functions only rename and restructure, so CloudFormation
intrinsics, CDK tokens or moto's already-resolved values pass through unchanged, and the input
is never modified. The differences handled:

* ``Instances.MasterInstanceFleet`` / ``CoreInstanceFleet`` / ``TaskInstanceFleets`` (and the
  ``*InstanceGroup(s)`` equivalents) become ``Instances.InstanceFleets`` /
  ``Instances.InstanceGroups`` with an ``InstanceFleetType`` / ``InstanceRole`` of MASTER,
  CORE or TASK;
* ``Configurations[].ConfigurationProperties`` becomes ``Properties``, at every level (cluster,
  nested configurations, instance groups, instance type configs);
* ``HadoopJarStep.StepProperties`` becomes ``Properties``;
* an ``AdditionalInfo`` object becomes a JSON string;
* ``Instances.KeepJobFlowAliveWhenNoSteps`` defaults to true, as documented for the resource
  (the RunJobFlow API defaults it to false);
* the parent reference of standalone resources (``ClusterId`` of ``AWS::EMR::InstanceFleetConfig``,
  ``JobFlowId`` of ``AWS::EMR::Step``) is dropped: the API takes it beside the config.

Everything else keeps its name and value.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

_FLEETS = (("MasterInstanceFleet", "MASTER"), ("CoreInstanceFleet", "CORE"))
_GROUPS = (("MasterInstanceGroup", "MASTER"), ("CoreInstanceGroup", "CORE"))
_NODE_PROPERTIES = frozenset({key for key, _ in _FLEETS + _GROUPS} | {"TaskInstanceFleets", "TaskInstanceGroups"})


def run_job_flow_request(cluster: Mapping[str, Any]) -> dict[str, Any]:
    """The RunJobFlow request equivalent to ``AWS::EMR::Cluster`` properties ``cluster``."""
    request = {key: value for key, value in cluster.items() if key not in ("Instances", "Configurations", "Steps")}
    if "Configurations" in cluster:
        request["Configurations"] = configurations(cluster["Configurations"])
    if "Steps" in cluster:
        request["Steps"] = [step_config(step) for step in cluster["Steps"]]
    if isinstance(cluster.get("AdditionalInfo"), Mapping):
        request["AdditionalInfo"] = json.dumps(cluster["AdditionalInfo"], separators=(",", ":"))
    request["Instances"] = _instances(cluster.get("Instances", {}))
    return request


def step_config(step: Mapping[str, Any]) -> dict[str, Any]:
    """The API ``StepConfig`` of a cluster's ``Steps`` item or of an ``AWS::EMR::Step``."""
    converted = {key: value for key, value in step.items() if key != "JobFlowId"}
    jar = dict(step.get("HadoopJarStep", {}))
    if "StepProperties" in jar:
        jar["Properties"] = jar.pop("StepProperties")
    converted["HadoopJarStep"] = jar
    return converted


def instance_fleet_config(fleet: Mapping[str, Any], fleet_type: str | None = None) -> dict[str, Any]:
    """The API ``InstanceFleetConfig`` of a CloudFormation fleet.

    ``fleet_type`` is needed for fleets nested in a cluster, whose type is given by the property
    holding them; an ``AWS::EMR::InstanceFleetConfig`` resource carries its own.
    """
    converted = {"InstanceFleetType": fleet_type} if fleet_type else {}
    converted.update((key, value) for key, value in fleet.items() if key != "ClusterId")
    if fleet_type:
        converted["InstanceFleetType"] = fleet_type
    if "InstanceTypeConfigs" in fleet:
        converted["InstanceTypeConfigs"] = [_with_configurations(c) for c in fleet["InstanceTypeConfigs"]]
    return converted


def configurations(items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """API ``Configurations``: ``ConfigurationProperties`` renamed ``Properties``, recursively."""
    converted = []
    for item in items:
        configuration = {key: value for key, value in item.items() if key not in ("ConfigurationProperties", "Configurations")}
        if "ConfigurationProperties" in item:
            configuration["Properties"] = item["ConfigurationProperties"]
        if "Configurations" in item:
            configuration["Configurations"] = configurations(item["Configurations"])
        converted.append(configuration)
    return converted


def _instances(instances: Mapping[str, Any]) -> dict[str, Any]:
    converted = {key: value for key, value in instances.items() if key not in _NODE_PROPERTIES}
    fleets = [instance_fleet_config(instances[key], kind) for key, kind in _FLEETS if key in instances]
    fleets += [instance_fleet_config(fleet, "TASK") for fleet in instances.get("TaskInstanceFleets", [])]
    groups = [_instance_group_config(instances[key], kind) for key, kind in _GROUPS if key in instances]
    groups += [_instance_group_config(group, "TASK") for group in instances.get("TaskInstanceGroups", [])]
    if fleets:
        converted["InstanceFleets"] = fleets
    if groups:
        converted["InstanceGroups"] = groups
    converted.setdefault("KeepJobFlowAliveWhenNoSteps", True)
    return converted


def _instance_group_config(group: Mapping[str, Any], role: str) -> dict[str, Any]:
    converted = {"InstanceRole": role, **_with_configurations(group)}
    converted["InstanceRole"] = role
    return converted


def _with_configurations(item: Mapping[str, Any]) -> dict[str, Any]:
    converted = dict(item)
    if "Configurations" in item:
        converted["Configurations"] = configurations(item["Configurations"])
    return converted
