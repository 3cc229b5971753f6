"""Where each CloudFormation property of the EMR resources lives in cdk_emr's typed API.

The map is checked by ``tests/constructs/test_coverage.py`` against the resource schemas that
cfn-lint ships (``cfnlint/data/schemas``; ``providers/<region>.json`` names each type's
``resources/<file>.json``): every property path must reach an entry here or an omission with
its reason, and every API path must exist. A dependency update that brings a new property fails
that test and names it. ``python -m cdk_emr.coverage > docs/coverage.md`` writes the table.

Keys are ``<definition>.<Property>`` (a schema definition, shared by every path that reaches it)
or ``<resource type>.<Property>`` for a resource's own properties. API paths are ``Class.member``
(a keyword argument, field or attribute) or ``Class.method(param)``, separated by ``, ``.
Standard library only; cfn-lint is imported when the schemas are walked.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources
from typing import Any

RESOURCE_TYPES = (
    "AWS::EMR::Cluster",
    "AWS::EMR::InstanceFleetConfig",
    "AWS::EMR::InstanceGroupConfig",
    "AWS::EMR::Step",
    "AWS::EMR::SecurityConfiguration",
)
SCHEMA_REGION = "us-east-1"

_CONFIGURATION = {
    "Classification": "Configuration.classification",
    "ConfigurationProperties": "Configuration.properties",
    "Configurations": "Configuration.configurations",
}
_EBS_BLOCK_DEVICE = {
    "VolumeSpecification": "EbsVolume.size_gib, EbsVolume.volume_type",
    "VolumesPerInstance": "EbsVolume.volumes_per_instance",
}
_EBS_CONFIGURATION = {
    "EbsBlockDeviceConfigs": "InstanceTypeConfig.ebs_volumes, InstanceGroup.ebs_volumes",
    "EbsOptimized": "InstanceTypeConfig.ebs_optimized, InstanceGroup.ebs_optimized",
}
_VOLUME = {
    "Iops": "EbsVolume.iops",
    "SizeInGB": "EbsVolume.size_gib",
    "Throughput": "EbsVolume.throughput_mib",
    "VolumeType": "EbsVolume.volume_type",
}
_INSTANCE_TYPE_CONFIG = {
    "BidPrice": "InstanceTypeConfig.bid_price_usd",
    "BidPriceAsPercentageOfOnDemandPrice": "InstanceTypeConfig.bid_price_as_percentage_of_on_demand",
    "Configurations": "InstanceTypeConfig.configurations",
    "CustomAmiId": "InstanceTypeConfig.custom_ami",
    "EbsConfiguration": "InstanceTypeConfig.ebs_volumes",
    "InstanceType": "InstanceTypeConfig.instance_type",
    "Priority": "InstanceTypeConfig.priority",
    "WeightedCapacity": "InstanceTypeConfig.weighted_capacity",
}
_SCALING = {
    "AutoScalingPolicy.Constraints": "AutoScalingPolicy.min_capacity, AutoScalingPolicy.max_capacity",
    "AutoScalingPolicy.Rules": "AutoScalingPolicy.rules",
    "ScalingConstraints.MaxCapacity": "AutoScalingPolicy.max_capacity",
    "ScalingConstraints.MinCapacity": "AutoScalingPolicy.min_capacity",
    "ScalingRule.Action": "ScalingRule.adjustment",
    "ScalingRule.Description": "ScalingRule.description",
    "ScalingRule.Name": "ScalingRule.name",
    "ScalingRule.Trigger": "ScalingRule.metric_name",
    "ScalingTrigger.CloudWatchAlarmDefinition": "ScalingRule.metric_name",
    "ScalingAction.SimpleScalingPolicyConfiguration": "ScalingRule.adjustment",
    "SimpleScalingPolicyConfiguration.AdjustmentType": "ScalingRule.adjustment_type",
    "SimpleScalingPolicyConfiguration.CoolDown": "ScalingRule.cool_down_seconds",
    "SimpleScalingPolicyConfiguration.ScalingAdjustment": "ScalingRule.adjustment",
    "CloudWatchAlarmDefinition.ComparisonOperator": "ScalingRule.comparison",
    "CloudWatchAlarmDefinition.Dimensions": "ScalingRule.dimensions",
    "CloudWatchAlarmDefinition.EvaluationPeriods": "ScalingRule.evaluation_periods",
    "CloudWatchAlarmDefinition.MetricName": "ScalingRule.metric_name",
    "CloudWatchAlarmDefinition.Namespace": "ScalingRule.namespace",
    "CloudWatchAlarmDefinition.Period": "ScalingRule.period_seconds",
    "CloudWatchAlarmDefinition.Statistic": "ScalingRule.statistic",
    "CloudWatchAlarmDefinition.Threshold": "ScalingRule.threshold",
    "CloudWatchAlarmDefinition.Unit": "ScalingRule.unit",
    "MetricDimension.Key": "ScalingRule.dimensions",
    "MetricDimension.Value": "ScalingRule.dimensions",
}
_FLEET_LAUNCH = {
    "InstanceFleetProvisioningSpecifications.OnDemandSpecification": "InstanceFleet.on_demand_options",
    "InstanceFleetProvisioningSpecifications.SpotSpecification": "InstanceFleet.spot",
    "InstanceFleetResizingSpecifications.OnDemandResizeSpecification": (
        "FleetResize.on_demand_options, FleetResize.on_demand_timeout_minutes"
    ),
    "InstanceFleetResizingSpecifications.SpotResizeSpecification": (
        "FleetResize.spot_allocation_strategy, FleetResize.spot_timeout_minutes"
    ),
    "OnDemandCapacityReservationOptions.CapacityReservationPreference": "OnDemandOptions.capacity_reservation_preference",
    "OnDemandCapacityReservationOptions.CapacityReservationResourceGroupArn": (
        "OnDemandOptions.capacity_reservation_resource_group_arn"
    ),
    "OnDemandCapacityReservationOptions.UsageStrategy": "OnDemandOptions.usage_strategy",
    "OnDemandProvisioningSpecification.AllocationStrategy": (
        "OnDemandOptions.allocation_strategy, InstanceFleet.on_demand_allocation_strategy"
    ),
    "OnDemandProvisioningSpecification.CapacityReservationOptions": "InstanceFleet.on_demand_options",
    "OnDemandResizingSpecification.AllocationStrategy": "FleetResize.on_demand_options",
    "OnDemandResizingSpecification.CapacityReservationOptions": "FleetResize.on_demand_options",
    "OnDemandResizingSpecification.TimeoutDurationMinutes": "FleetResize.on_demand_timeout_minutes",
    "SpotProvisioningSpecification.AllocationStrategy": "SpotOptions.allocation_strategy",
    "SpotProvisioningSpecification.BlockDurationMinutes": "SpotOptions.block_duration_minutes",
    "SpotProvisioningSpecification.TimeoutAction": "SpotOptions.timeout_action",
    "SpotProvisioningSpecification.TimeoutDurationMinutes": "SpotOptions.timeout_minutes",
    "SpotResizingSpecification.AllocationStrategy": "FleetResize.spot_allocation_strategy",
    "SpotResizingSpecification.TimeoutDurationMinutes": "FleetResize.spot_timeout_minutes",
}


def _prefixed(prefix: str, entries: dict[str, str]) -> dict[str, str]:
    return {f"{prefix}.{k}": v for k, v in entries.items()}


DEFINITIONS: dict[str, str] = {
    **_prefixed("Configuration", _CONFIGURATION),
    **_prefixed("ApplicationConfiguration", _CONFIGURATION),
    **_prefixed("AppConfiguration", _CONFIGURATION),
    **_prefixed("EbsBlockDeviceConfig", _EBS_BLOCK_DEVICE),
    **_prefixed("EbsConfiguration", _EBS_CONFIGURATION),
    **_prefixed("VolumeSpecification", _VOLUME),
    **_prefixed("InstanceTypeConfig", _INSTANCE_TYPE_CONFIG),
    **_SCALING,
    **_FLEET_LAUNCH,
    "Application.Name": "Application",
    "AutoTerminationPolicy.IdleTimeout": "AutoTermination.idle_timeout",
    "BootstrapActionConfig.Name": "BootstrapAction.name",
    "BootstrapActionConfig.ScriptBootstrapAction": "BootstrapAction.script",
    "ScriptBootstrapActionConfig.Args": "BootstrapAction.args",
    "ScriptBootstrapActionConfig.Path": "BootstrapAction.script",
    "ComputeLimits.MaximumCapacityUnits": "ManagedScaling.max_capacity",
    "ComputeLimits.MaximumCoreCapacityUnits": "ManagedScaling.max_core_capacity",
    "ComputeLimits.MaximumOnDemandCapacityUnits": "ManagedScaling.max_on_demand_capacity",
    "ComputeLimits.MinimumCapacityUnits": "ManagedScaling.min_capacity",
    "ComputeLimits.UnitType": "ManagedScaling.unit",
    "ManagedScalingPolicy.ComputeLimits": "ManagedScaling.min_capacity, ManagedScaling.max_capacity",
    "ManagedScalingPolicy.ScalingStrategy": "ManagedScaling.strategy",
    "ManagedScalingPolicy.UtilizationPerformanceIndex": "ManagedScaling.utilization_performance_index",
    "HadoopJarStepConfig.Args": "SparkStep.args, HiveStep.variables, ScriptStep.args, CommandStep.command, JarStep.args",
    "HadoopJarStepConfig.Jar": "JarStep.jar, ScriptStep.script",
    "HadoopJarStepConfig.MainClass": "JarStep.main_class",
    "HadoopJarStepConfig.StepProperties": "JarStep.properties",
    "KeyValue.Key": "JarStep.properties",
    "KeyValue.Value": "JarStep.properties",
    "StepConfig.ActionOnFailure": "Step.action_on_failure",
    "StepConfig.HadoopJarStep": "SparkStep, HiveStep, ScriptStep, CommandStep, JarStep",
    "StepConfig.Name": "Step.name",
    "InstanceFleetConfig.InstanceTypeConfigs": "InstanceFleet.instance_types",
    "InstanceFleetConfig.LaunchSpecifications": "InstanceFleet.spot, InstanceFleet.on_demand_options",
    "InstanceFleetConfig.Name": "InstanceFleet.name",
    "InstanceFleetConfig.ResizeSpecifications": "InstanceFleet.resize",
    "InstanceFleetConfig.TargetOnDemandCapacity": "InstanceFleet.target_on_demand_capacity",
    "InstanceFleetConfig.TargetSpotCapacity": "InstanceFleet.target_spot_capacity",
    "InstanceGroupConfig.AutoScalingPolicy": "InstanceGroup.auto_scaling",
    "InstanceGroupConfig.BidPrice": "InstanceGroup.bid_price_usd",
    "InstanceGroupConfig.Configurations": "InstanceGroup.configurations",
    "InstanceGroupConfig.CustomAmiId": "InstanceGroup.custom_ami",
    "InstanceGroupConfig.EbsConfiguration": "InstanceGroup.ebs_volumes",
    "InstanceGroupConfig.InstanceCount": "InstanceGroup.instance_count",
    "InstanceGroupConfig.InstanceType": "InstanceGroup.instance_type",
    "InstanceGroupConfig.Market": "InstanceGroup.market",
    "InstanceGroupConfig.Name": "InstanceGroup.name",
    "JobFlowInstancesConfig.AdditionalMasterSecurityGroups": (
        "EmrCluster.additional_primary_security_groups, EmrCluster.additional_security_groups"
    ),
    "JobFlowInstancesConfig.AdditionalSlaveSecurityGroups": (
        "EmrCluster.additional_core_security_groups, EmrCluster.additional_security_groups"
    ),
    "JobFlowInstancesConfig.CoreInstanceFleet": "EmrCluster.core",
    "JobFlowInstancesConfig.CoreInstanceGroup": "EmrCluster.core",
    "JobFlowInstancesConfig.Ec2KeyName": "EmrCluster.key_pair",
    "JobFlowInstancesConfig.Ec2SubnetId": "EmrCluster.subnets",
    "JobFlowInstancesConfig.Ec2SubnetIds": "EmrCluster.subnets",
    "JobFlowInstancesConfig.EmrManagedMasterSecurityGroup": "EmrSecurityGroups.primary",
    "JobFlowInstancesConfig.EmrManagedSlaveSecurityGroup": "EmrSecurityGroups.core",
    "JobFlowInstancesConfig.ServiceAccessSecurityGroup": "EmrSecurityGroups.service_access",
    "JobFlowInstancesConfig.KeepJobFlowAliveWhenNoSteps": "EmrCluster.keep_alive",
    "JobFlowInstancesConfig.MasterInstanceFleet": "EmrCluster.primary",
    "JobFlowInstancesConfig.MasterInstanceGroup": "EmrCluster.primary",
    "JobFlowInstancesConfig.TaskInstanceFleets": "EmrCluster.task",
    "JobFlowInstancesConfig.TaskInstanceGroups": "EmrCluster.task",
    "JobFlowInstancesConfig.TerminationProtected": "EmrCluster.termination_protection",
    "JobFlowInstancesConfig.UnhealthyNodeReplacement": "EmrCluster.unhealthy_node_replacement",
    "KerberosAttributes.ADDomainJoinPassword": "CrossRealmTrust.ad_domain_join_password",
    "KerberosAttributes.ADDomainJoinUser": "CrossRealmTrust.ad_domain_join_user",
    "KerberosAttributes.CrossRealmTrustPrincipalPassword": "CrossRealmTrust.principal_password",
    "KerberosAttributes.KdcAdminPassword": "Kerberos.admin_password",
    "KerberosAttributes.Realm": "Kerberos.realm",
    "PlacementGroupConfig.InstanceRole": "EmrCluster.spread_primary_nodes",
    "PlacementGroupConfig.PlacementStrategy": "EmrCluster.spread_primary_nodes",
    "Tag.Key": "EmrCluster.tags",
    "Tag.Value": "EmrCluster.tags",
}
"""Properties of the schemas' shared definitions."""

RESOURCE_PROPERTIES: dict[str, str] = {
    "AWS::EMR::Cluster.AdditionalInfo": "EmrCluster.additional_info",
    "AWS::EMR::Cluster.Applications": "EmrCluster.applications",
    "AWS::EMR::Cluster.AutoScalingRole": "EmrCluster.auto_scaling_role",
    "AWS::EMR::Cluster.AutoTerminationPolicy": "EmrCluster.auto_termination",
    "AWS::EMR::Cluster.BootstrapActions": "EmrCluster.bootstrap_actions",
    "AWS::EMR::Cluster.Configurations": "EmrCluster.configurations",
    "AWS::EMR::Cluster.CustomAmiId": "EmrCluster.custom_ami",
    "AWS::EMR::Cluster.EbsRootVolumeIops": "EmrCluster.ebs_root_volume_iops",
    "AWS::EMR::Cluster.EbsRootVolumeSize": "EmrCluster.ebs_root_volume_size_gib",
    "AWS::EMR::Cluster.EbsRootVolumeThroughput": "EmrCluster.ebs_root_volume_throughput_mib",
    "AWS::EMR::Cluster.Instances": "EmrCluster.primary, EmrCluster.core, EmrCluster.task",
    "AWS::EMR::Cluster.JobFlowRole": "EmrCluster.instance_role",
    "AWS::EMR::Cluster.KerberosAttributes": "EmrCluster.kerberos",
    "AWS::EMR::Cluster.LogEncryptionKmsKeyId": "EmrCluster.log_encryption_key",
    "AWS::EMR::Cluster.LogUri": "EmrCluster.log_bucket, EmrCluster.log_prefix",
    "AWS::EMR::Cluster.ManagedScalingPolicy": "EmrCluster.managed_scaling",
    "AWS::EMR::Cluster.Name": "EmrCluster.cluster_name",
    "AWS::EMR::Cluster.OSReleaseLabel": "EmrCluster.os_release_label",
    "AWS::EMR::Cluster.PlacementGroupConfigs": "EmrCluster.spread_primary_nodes",
    "AWS::EMR::Cluster.ReleaseLabel": "EmrCluster.release_label",
    "AWS::EMR::Cluster.ScaleDownBehavior": "EmrCluster.scale_down_behavior",
    "AWS::EMR::Cluster.SecurityConfiguration": "EmrCluster.security_configuration",
    "AWS::EMR::Cluster.ServiceRole": "EmrCluster.service_role",
    "AWS::EMR::Cluster.StepConcurrencyLevel": "EmrCluster.step_concurrency_level",
    "AWS::EMR::Cluster.Steps": "EmrCluster.steps",
    "AWS::EMR::Cluster.Tags": "EmrCluster.tags",
    "AWS::EMR::Cluster.VisibleToAllUsers": "EmrCluster.visible_to_all_users",
    "AWS::EMR::InstanceFleetConfig.ClusterId": "EmrCluster.add_task_fleet, ImportedEmrCluster.add_task_fleet",
    "AWS::EMR::InstanceFleetConfig.InstanceFleetType": "EmrCluster.add_task_fleet",
    "AWS::EMR::InstanceFleetConfig.InstanceTypeConfigs": "InstanceFleet.instance_types",
    "AWS::EMR::InstanceFleetConfig.LaunchSpecifications": "InstanceFleet.spot, InstanceFleet.on_demand_options",
    "AWS::EMR::InstanceFleetConfig.Name": "InstanceFleet.name",
    "AWS::EMR::InstanceFleetConfig.ResizeSpecifications": "InstanceFleet.resize",
    "AWS::EMR::InstanceFleetConfig.TargetOnDemandCapacity": "InstanceFleet.target_on_demand_capacity",
    "AWS::EMR::InstanceFleetConfig.TargetSpotCapacity": "InstanceFleet.target_spot_capacity",
    "AWS::EMR::InstanceGroupConfig.AutoScalingPolicy": "InstanceGroup.auto_scaling",
    "AWS::EMR::InstanceGroupConfig.BidPrice": "InstanceGroup.bid_price_usd",
    "AWS::EMR::InstanceGroupConfig.Configurations": "InstanceGroup.configurations",
    "AWS::EMR::InstanceGroupConfig.CustomAmiId": "InstanceGroup.custom_ami",
    "AWS::EMR::InstanceGroupConfig.EbsConfiguration": "InstanceGroup.ebs_volumes",
    "AWS::EMR::InstanceGroupConfig.InstanceCount": "InstanceGroup.instance_count",
    "AWS::EMR::InstanceGroupConfig.InstanceRole": "EmrCluster.add_task_group",
    "AWS::EMR::InstanceGroupConfig.InstanceType": "InstanceGroup.instance_type",
    "AWS::EMR::InstanceGroupConfig.JobFlowId": "EmrCluster.add_task_group, ImportedEmrCluster.add_task_group",
    "AWS::EMR::InstanceGroupConfig.Market": "InstanceGroup.market",
    "AWS::EMR::InstanceGroupConfig.Name": "InstanceGroup.name",
    "AWS::EMR::Step.ActionOnFailure": "Step.action_on_failure",
    "AWS::EMR::Step.EncryptionKeyArn": "EmrCluster.add_step(log_encryption_key)",
    "AWS::EMR::Step.HadoopJarStep": "EmrCluster.add_step(step)",
    "AWS::EMR::Step.JobFlowId": "EmrCluster.add_step, ImportedEmrCluster.add_step",
    "AWS::EMR::Step.LogUri": "EmrCluster.add_step(log_bucket), EmrCluster.add_step(log_prefix)",
    "AWS::EMR::Step.Name": "Step.name",
    "AWS::EMR::SecurityConfiguration.Name": "EmrSecurityConfiguration.security_configuration_name",
    "AWS::EMR::SecurityConfiguration.SecurityConfiguration": (
        "EmrSecurityConfiguration.encryption_key, EmrSecurityConfiguration.s3_encryption, "
        "EmrSecurityConfiguration.local_disk_encryption, EmrSecurityConfiguration.ebs_encryption, "
        "EmrSecurityConfiguration.tls_certificates, EmrSecurityConfiguration.require_imdsv2, "
        "EmrSecurityConfiguration.kerberos, EmrSecurityConfiguration.runtime_roles, "
        "EmrSecurityConfiguration.emrfs_role_mappings, EmrSecurityConfiguration.s3_key_provider, "
        "EmrSecurityConfiguration.local_disk_key_provider"
    ),
}
"""Each resource's own properties."""

OMISSIONS: dict[str, str] = {
    "Application.Args": "Arguments for third-party applications (MapR); EMR's own applications take none "
    "(EMR API, Application: 'Arguments for Amazon EMR to pass to the application').",
    "Application.AdditionalInfo": "'For advanced users only ... meta information about third-party applications "
    "that third-party vendors use for testing purposes' (EMR API, Application).",
    "Application.Version": "'The version of the application' (EMR API, Application): with a release label EMR "
    "installs that release's version of each application (EMR Release Guide), chosen here by release_label.",
    "JobFlowInstancesConfig.HadoopVersion": "'Applies only to Amazon EMR release versions earlier than 4.0' "
    "(EMR API, JobFlowInstancesConfig); cdk-emr needs a release label.",
    "JobFlowInstancesConfig.Placement": "An Availability Zone for clusters without a subnet; cdk-emr always "
    "places nodes in VPC subnets (subnets=), whose zone decides.",
    "PlacementType.AvailabilityZone": "See JobFlowInstancesConfig.Placement.",
    "ScalingAction.Market": "'Not available for instance groups. Instance groups use the market type "
    "specified for the group' (EMR API, ScalingAction): InstanceGroup.market.",
}
"""Properties deliberately left out, each with its reason."""


def schema_directory() -> Any:
    """cfn-lint's bundled schema directory (``cfnlint/data/schemas``)."""
    return resources.files("cfnlint") / "data" / "schemas"


def load_schema(resource_type: str) -> dict[str, Any]:
    """The resource schema cfn-lint ships for ``resource_type`` (``SCHEMA_REGION``'s provider map)."""
    schemas = schema_directory()
    provider = json.loads((schemas / "providers" / f"{SCHEMA_REGION}.json").read_text())
    return json.loads((schemas / "resources" / f"{provider[resource_type]}.json").read_text())


def property_paths(resource_type: str) -> Iterator[tuple[str, str]]:
    """Every writable property path of ``resource_type`` as ``(path, key)``: the key is what
    :data:`DEFINITIONS`, :data:`RESOURCE_PROPERTIES` or :data:`OMISSIONS` must hold."""
    schema = load_schema(resource_type)
    read_only = {p.rsplit("/", 1)[-1] for p in schema.get("readOnlyProperties", []) if p.count("/") == 2}
    yield from _walk(schema, schema, resource_type, "", frozenset(), read_only)


def _walk(
    schema: dict[str, Any], node: dict[str, Any], owner: str, path: str, seen: frozenset[str], skip: set[str]
) -> Iterator[tuple[str, str]]:
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name not in seen:  # recursive definitions (nested Configurations) are walked once
            yield from _walk(schema, schema["definitions"][name], name, path, seen | {name}, set())
        return
    if "items" in node:
        yield from _walk(schema, node["items"], owner, f"{path}[]", seen, skip)
        return
    for prop, child in (node.get("properties") or {}).items():
        if prop in skip:
            continue
        child_path = f"{path}.{prop}" if path else prop
        yield child_path, f"{owner}.{prop}"
        yield from _walk(schema, child, owner, child_path, seen, set())
    for key in ("oneOf", "anyOf", "allOf"):
        for sub in node.get(key, []):
            yield from _walk(schema, sub, owner, path, seen, skip)


def api_for(key: str) -> str | None:
    """The API path(s) of a key, or None when it is an omission or unknown."""
    return DEFINITIONS.get(key) or RESOURCE_PROPERTIES.get(key)


def render_markdown() -> str:
    """``docs/coverage.md``: every property path of the EMR resources and where it lives."""
    lines = [
        "# AWS::EMR::* property coverage",
        "",
        "Generated by `python -m cdk_emr.coverage > docs/coverage.md` from `cdk_emr/coverage.py` and the",
        "resource schemas that cfn-lint ships; `tests/constructs/test_coverage.py` fails when a property",
        "has no typed home or this file is stale. `Class.member` is a keyword argument, field or attribute;",
        "`Class.method(param)` a method's parameter.",
        "",
    ]
    for resource_type in RESOURCE_TYPES:
        lines += [f"## {resource_type}", "", "| property path | cdk_emr API |", "| --- | --- |"]
        for path, key in property_paths(resource_type):
            api = api_for(key)
            cell = f"`{api}`" if api else f"omitted: {OMISSIONS.get(key, 'UNMAPPED')}"
            lines.append(f"| `{path}` | {cell.replace('|', '/')} |")
        lines.append("")
    lines += ["## Deliberate omissions", ""]
    lines += [f"- `{key}`: {reason}" for key, reason in OMISSIONS.items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover - the doc generator
    print(render_markdown(), end="")
