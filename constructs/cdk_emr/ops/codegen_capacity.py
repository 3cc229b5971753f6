"""``Instances`` (JobFlowInstancesConfig) -> ``primary``/``core``/``task``, network and keep-alive.

Instance groups become :class:`cdk_emr.InstanceGroup`, fleets :class:`cdk_emr.InstanceFleet`
with :class:`cdk_emr.InstanceTypeConfig`; the API paths are those :mod:`cdk_emr.coverage` names
for ``InstanceGroupConfig.*``, ``InstanceFleetConfig.*`` and ``JobFlowInstancesConfig.*``.
Subnets and security groups given by id are imported.
"""

from __future__ import annotations

from typing import Any

from cdk_emr.ops.codegen_context import CodegenError, _Context, configurations, flag
from cdk_emr.ops.codegen_write import Call, Raw

_ROLES = (
    ("primary", "MasterInstanceGroup", "MasterInstanceFleet"),
    ("core", "CoreInstanceGroup", "CoreInstanceFleet"),
)
_HANDLED = {
    "MasterInstanceGroup",
    "MasterInstanceFleet",
    "CoreInstanceGroup",
    "CoreInstanceFleet",
    "TaskInstanceGroups",
    "TaskInstanceFleets",
    "TerminationProtected",
    "KeepJobFlowAliveWhenNoSteps",
    "UnhealthyNodeReplacement",
    "Ec2KeyName",
    "Ec2SubnetId",
    "Ec2SubnetIds",
    "EmrManagedMasterSecurityGroup",
    "EmrManagedSlaveSecurityGroup",
    "ServiceAccessSecurityGroup",
    "AdditionalMasterSecurityGroups",
    "AdditionalSlaveSecurityGroups",
}


GROUP_KEYS = frozenset(
    {
        "InstanceType",
        "InstanceCount",
        "Market",
        "Name",
        "BidPrice",
        "EbsConfiguration",
        "Configurations",
        "CustomAmiId",
        "AutoScalingPolicy",
    }
)
"""``InstanceGroupConfig`` properties written (the schema's, checked by the codegen coverage test)."""
FLEET_KEYS = frozenset(
    {
        "InstanceTypeConfigs",
        "TargetOnDemandCapacity",
        "TargetSpotCapacity",
        "Name",
        "LaunchSpecifications",
        "ResizeSpecifications",
    }
)
"""``InstanceFleetConfig`` properties written."""
TYPE_CONFIG_KEYS = frozenset(
    {
        "InstanceType",
        "WeightedCapacity",
        "BidPriceAsPercentageOfOnDemandPrice",
        "BidPrice",
        "Priority",
        "EbsConfiguration",
        "Configurations",
        "CustomAmiId",
    }
)
"""``InstanceTypeConfig`` properties written."""
INSTANCES_KEYS = frozenset(_HANDLED)
"""``JobFlowInstancesConfig`` properties written."""


def _known(keys: frozenset[str], value: dict[str, Any], where: str) -> None:
    unknown = sorted(set(value) - keys)
    if unknown:
        raise CodegenError(f"{where}: codegen cannot write {', '.join(unknown)} yet")


def instances(c: _Context, call: Call, value: Any) -> None:
    """Write ``Instances`` onto the ``EmrCluster`` call."""
    config = value
    unknown = sorted(set(config) - _HANDLED)
    if unknown:
        raise CodegenError(f"Instances: codegen cannot write {', '.join(unknown)} yet")
    for keyword, group, fleet in _ROLES:
        if group in config:
            call.kwargs[keyword] = _group(c, c.resolve(config[group], f"Instances.{group}"))
        elif fleet in config:
            call.kwargs[keyword] = _fleet(c, c.resolve(config[fleet], f"Instances.{fleet}"))
    if not any(k in config for k in ("CoreInstanceGroup", "CoreInstanceFleet")):
        call.kwargs["core"] = None
    tasks = [_group(c, g) for g in c.resolve(config.get("TaskInstanceGroups", []), "Instances.TaskInstanceGroups")]
    tasks += [_fleet(c, f) for f in c.resolve(config.get("TaskInstanceFleets", []), "Instances.TaskInstanceFleets")]
    if tasks:
        call.kwargs["task"] = tasks
    for cfn, keyword in (
        ("KeepJobFlowAliveWhenNoSteps", "keep_alive"),
        ("TerminationProtected", "termination_protection"),
        ("UnhealthyNodeReplacement", "unhealthy_node_replacement"),
    ):
        if cfn in config:
            call.kwargs[keyword] = flag(c.resolve(config[cfn], f"Instances.{cfn}"), f"Instances.{cfn}")
    if "Ec2KeyName" in config:
        call.kwargs["key_pair"] = c.resolve(config["Ec2KeyName"], "Instances.Ec2KeyName")
    _network(c, call, config)


def _group(c: _Context, group: dict[str, Any]) -> Call:
    _known(GROUP_KEYS, group, f"instance group {group.get('Name', group.get('InstanceType'))}")
    c.use("InstanceGroup")
    kwargs: dict[str, Any] = {"instance_type": group["InstanceType"], "instance_count": int(group["InstanceCount"])}
    if group.get("Market", "ON_DEMAND") != "ON_DEMAND":
        c.use("InstanceMarket")
        kwargs["market"] = Raw(f"InstanceMarket.{group['Market']}")
    if "Name" in group:
        kwargs["name"] = group["Name"]
    kwargs.update(_node_options(c, group))
    if "AutoScalingPolicy" in group:
        kwargs["auto_scaling"] = _auto_scaling(c, group["AutoScalingPolicy"])
    return Call("InstanceGroup", kwargs=kwargs)


def _auto_scaling(c: _Context, policy: dict[str, Any]) -> Call:
    """``AutoScalingPolicy`` -> ``AutoScalingPolicy(min_capacity, max_capacity, rules=[ScalingRule(...)])``."""
    c.use("AutoScalingPolicy", "ScalingRule", "ComparisonOperator")
    rules = []
    for rule in policy["Rules"]:
        action = rule["Action"]
        if "Market" in action:
            raise CodegenError("ScalingAction.Market: not available for instance groups (EMR API, ScalingAction)")
        simple = action["SimpleScalingPolicyConfiguration"]
        alarm = rule["Trigger"]["CloudWatchAlarmDefinition"]
        kwargs: dict[str, Any] = {
            "name": rule["Name"],
            "metric_name": alarm["MetricName"],
            "comparison": Raw(f"ComparisonOperator.{alarm['ComparisonOperator']}"),
            "threshold": float(alarm["Threshold"]),
            "adjustment": int(simple["ScalingAdjustment"]),
        }
        if "Description" in rule:
            kwargs["description"] = rule["Description"]
        if "AdjustmentType" in simple:
            c.use("AdjustmentType")
            kwargs["adjustment_type"] = Raw(f"AdjustmentType.{simple['AdjustmentType']}")
        if "CoolDown" in simple:
            kwargs["cool_down_seconds"] = int(simple["CoolDown"])
        for cfn, keyword in (("EvaluationPeriods", "evaluation_periods"), ("Period", "period_seconds")):
            if cfn in alarm:
                kwargs[keyword] = int(alarm[cfn])
        if "Statistic" in alarm:
            c.use("ScalingStatistic")
            kwargs["statistic"] = Raw(f"ScalingStatistic.{alarm['Statistic']}")
        if "Namespace" in alarm:
            kwargs["namespace"] = alarm["Namespace"]
        if "Dimensions" in alarm:
            kwargs["dimensions"] = {d["Key"]: d["Value"] for d in alarm["Dimensions"]}
        if "Unit" in alarm:
            c.use("ScalingMetricUnit")
            kwargs["unit"] = Raw(f"ScalingMetricUnit.{alarm['Unit']}")
        rules.append(Call("ScalingRule", kwargs=kwargs))
    constraints = policy["Constraints"]
    return Call(
        "AutoScalingPolicy",
        kwargs={"min_capacity": int(constraints["MinCapacity"]), "max_capacity": int(constraints["MaxCapacity"]), "rules": rules},
    )


def _ebs(c: _Context, ebs: dict[str, Any] | None) -> dict[str, Any]:
    """``ebs_volumes`` (and ``ebs_optimized``): none when the source has no EBS configuration."""
    if not ebs or not ebs.get("EbsBlockDeviceConfigs"):
        result: dict[str, Any] = {"ebs_volumes": []}
    else:
        c.use("EbsVolume", "EbsVolumeType")
        volumes = []
        for device in ebs["EbsBlockDeviceConfigs"]:
            spec = device["VolumeSpecification"]
            volume: dict[str, Any] = {
                "size_gib": int(spec["SizeInGB"]),
                "volume_type": Raw(f"EbsVolumeType.{spec['VolumeType'].upper()}"),
            }
            if "VolumesPerInstance" in device:
                volume["volumes_per_instance"] = int(device["VolumesPerInstance"])
            if "Iops" in spec:
                volume["iops"] = int(spec["Iops"])
            if "Throughput" in spec:
                volume["throughput_mib"] = int(spec["Throughput"])
            volumes.append(Call("EbsVolume", kwargs=volume))
        result = {"ebs_volumes": volumes}
    if ebs and "EbsOptimized" in ebs:
        result["ebs_optimized"] = flag(ebs["EbsOptimized"], "EbsConfiguration.EbsOptimized")
    return result


def _fleet(c: _Context, fleet: dict[str, Any]) -> Call:
    _known(FLEET_KEYS, fleet, f"instance fleet {fleet.get('Name', '')}".strip())
    c.use("InstanceFleet", "InstanceTypeConfig")
    kwargs: dict[str, Any] = {"instance_types": [_type_config(c, t) for t in fleet["InstanceTypeConfigs"]]}
    for cfn, keyword in (("TargetOnDemandCapacity", "target_on_demand_capacity"), ("TargetSpotCapacity", "target_spot_capacity")):
        if cfn in fleet:
            kwargs[keyword] = int(fleet[cfn])
    if "Name" in fleet:
        kwargs["name"] = fleet["Name"]
    launch = fleet.get("LaunchSpecifications") or {}
    comments: dict[str, str] = {}
    if "SpotSpecification" in launch:
        kwargs["spot"] = _spot(c, launch["SpotSpecification"])
    elif int(fleet.get("TargetSpotCapacity", 0)):
        comments["spot"] = (
            "spot: cdk_emr default kept (the source has no SpotSpecification): price-capacity-optimized,\n"
            "switching to on-demand after 10 minutes; spot=SpotOptions(...) changes it, no option drops it"
        )
    if "OnDemandSpecification" in launch:
        kwargs["on_demand_options"] = _on_demand(c, launch["OnDemandSpecification"])
    if "ResizeSpecifications" in fleet:
        kwargs["resize"] = _resize(c, fleet["ResizeSpecifications"])
    return Call("InstanceFleet", kwargs=kwargs, comments=comments)


def _resize(c: _Context, spec: dict[str, Any]) -> Call:
    """``ResizeSpecifications`` -> ``FleetResize(...)``."""
    c.use("FleetResize")
    kwargs: dict[str, Any] = {}
    spot = spec.get("SpotResizeSpecification") or {}
    if "AllocationStrategy" in spot:
        c.use("SpotAllocationStrategy")
        kwargs["spot_allocation_strategy"] = Call("SpotAllocationStrategy", [spot["AllocationStrategy"]])
    if "TimeoutDurationMinutes" in spot:
        kwargs["spot_timeout_minutes"] = int(spot["TimeoutDurationMinutes"])
    on_demand = spec.get("OnDemandResizeSpecification") or {}
    if "AllocationStrategy" in on_demand or "CapacityReservationOptions" in on_demand:
        kwargs["on_demand_options"] = _on_demand(c, on_demand)
    if "TimeoutDurationMinutes" in on_demand:
        kwargs["on_demand_timeout_minutes"] = int(on_demand["TimeoutDurationMinutes"])
    return Call("FleetResize", kwargs=kwargs)


def _type_config(c: _Context, config: dict[str, Any]) -> Call:
    _known(TYPE_CONFIG_KEYS, config, f"instance type {config.get('InstanceType')}")
    kwargs: dict[str, Any] = {"instance_type": config["InstanceType"]}
    if "WeightedCapacity" in config:
        kwargs["weighted_capacity"] = int(config["WeightedCapacity"])
    if "BidPriceAsPercentageOfOnDemandPrice" in config:
        kwargs["bid_price_as_percentage_of_on_demand"] = float(config["BidPriceAsPercentageOfOnDemandPrice"])
    if "Priority" in config:
        kwargs["priority"] = float(config["Priority"])
    kwargs.update(_node_options(c, config))
    return Call("InstanceTypeConfig", kwargs=kwargs)


def _node_options(c: _Context, node: dict[str, Any]) -> dict[str, Any]:
    """What an instance group and a fleet's instance type share: bid price, EBS, configurations, AMI."""
    kwargs: dict[str, Any] = {}
    if "BidPrice" in node:
        kwargs["bid_price_usd"] = str(node["BidPrice"])
    kwargs.update(_ebs(c, node.get("EbsConfiguration")))
    if node.get("Configurations"):
        kwargs["configurations"] = configurations(c, node["Configurations"])
    if "CustomAmiId" in node:
        kwargs["custom_ami"] = node["CustomAmiId"]
    return kwargs


def _spot(c: _Context, spec: dict[str, Any]) -> Call:
    c.use("SpotOptions", "SpotTimeoutAction")
    kwargs: dict[str, Any] = {
        "timeout_action": Raw(f"SpotTimeoutAction.{spec['TimeoutAction']}"),
        "timeout_minutes": int(spec["TimeoutDurationMinutes"]),
    }
    comments: dict[str, str] = {}
    if "AllocationStrategy" in spec:
        c.use("SpotAllocationStrategy")
        kwargs["allocation_strategy"] = Call("SpotAllocationStrategy", [spec["AllocationStrategy"]])
    else:
        comments["allocation_strategy"] = (
            "allocation_strategy: cdk_emr default kept (the source names none): price-capacity-optimized;\n"
            "allocation_strategy=SpotAllocationStrategy(...) changes it, no option drops it"
        )
    if "BlockDurationMinutes" in spec:
        kwargs["block_duration_minutes"] = int(spec["BlockDurationMinutes"])
    return Call("SpotOptions", kwargs=kwargs, comments=comments)


def _on_demand(c: _Context, spec: dict[str, Any]) -> Call:
    c.use("OnDemandOptions", "OnDemandAllocationStrategy")
    kwargs: dict[str, Any] = {}
    if "AllocationStrategy" in spec:
        kwargs["allocation_strategy"] = Call("OnDemandAllocationStrategy", [spec["AllocationStrategy"]])
    reservations = spec.get("CapacityReservationOptions") or {}
    if "CapacityReservationPreference" in reservations:
        c.use("CapacityReservationPreference")
        kwargs["capacity_reservation_preference"] = Call(
            "CapacityReservationPreference", [reservations["CapacityReservationPreference"]]
        )
    if "UsageStrategy" in reservations:
        c.use("CapacityReservationUsage")
        kwargs["usage_strategy"] = Call("CapacityReservationUsage", [reservations["UsageStrategy"]])
    if "CapacityReservationResourceGroupArn" in reservations:
        kwargs["capacity_reservation_resource_group_arn"] = reservations["CapacityReservationResourceGroupArn"]
    return Call("OnDemandOptions", kwargs=kwargs)


def _network(c: _Context, call: Call, config: dict[str, Any]) -> None:
    """Subnets and security groups by id: imported. Template resources: cdk_emr's own network."""
    subnet_value = config.get("Ec2SubnetIds", config.get("Ec2SubnetId"))
    if subnet_value is not None:
        if c.is_resource_reference(subnet_value):
            c.module.notes.append("Ec2SubnetId: the template's subnet is replaced by cdk_emr's EmrNetwork (private subnets).")
        else:
            ids = c.resolve(subnet_value, "Instances.Ec2SubnetId")
            ids = ids if isinstance(ids, list) else [ids]
            c.module.cdk_imports.update({"aws_ec2", "Fn"})
            zones = [Call("Fn.select", [i, Call("Fn.get_azs")]) for i in range(len(ids))]
            call.kwargs["vpc"] = c.setup(
                "vpc",
                Call(
                    "ec2.Vpc.from_vpc_attributes",
                    [Raw("self"), "Vpc"],
                    {"vpc_id": "vpc-00000000", "availability_zones": zones, "private_subnet_ids": ids},
                    {
                        "vpc_id": "the source names its subnets only: set their VPC's id and zones",
                    },
                ),
            )
    groups = {
        k: config.get(k) for k in ("EmrManagedMasterSecurityGroup", "EmrManagedSlaveSecurityGroup", "ServiceAccessSecurityGroup")
    }
    literal = {k: c.resolve(v, k) for k, v in groups.items() if v is not None and not c.is_resource_reference(v)}
    if literal:
        c.use("ExistingSecurityGroups")
        c.module.cdk_imports.add("aws_ec2")
        imported = {
            k: Call("ec2.SecurityGroup.from_security_group_id", [Raw("self"), k, v], {"mutable": False})
            for k, v in literal.items()
        }
        missing = [k for k in groups if k not in literal]
        if missing and set(missing) != {"ServiceAccessSecurityGroup"}:
            raise CodegenError(f"Instances: {', '.join(missing)} missing; cdk_emr imports the EMR-managed groups together")
        if "ServiceAccessSecurityGroup" not in literal:
            raise CodegenError(
                "Instances.ServiceAccessSecurityGroup: cdk_emr places nodes in private subnets and needs the service-access group "
                "with imported EMR-managed groups"
            )
        call.kwargs["existing_security_groups"] = Call(
            "ExistingSecurityGroups",
            kwargs={
                "primary": c.setup("primary_group", imported["EmrManagedMasterSecurityGroup"]),
                "core": c.setup("core_group", imported["EmrManagedSlaveSecurityGroup"]),
                "service_access": c.setup("service_access_group", imported["ServiceAccessSecurityGroup"]),
            },
        )
    for cfn, keyword, prefix in (
        ("AdditionalMasterSecurityGroups", "additional_primary_security_groups", "AdditionalPrimary"),
        ("AdditionalSlaveSecurityGroups", "additional_core_security_groups", "AdditionalCore"),
    ):
        items = config.get(cfn) or []
        templated = [item for item in items if c.is_resource_reference(item) and not c.is_export(item)]
        if templated:
            c.module.notes.append(
                f"{cfn}: {len(templated)} group(s) of the source's template (or app) left out: add the matching groups."
            )
        ids = [c.resolve(item, f"Instances.{cfn}") for item in items if item not in templated]
        if ids:
            c.module.cdk_imports.add("aws_ec2")
            call.kwargs[keyword] = [
                Call("ec2.SecurityGroup.from_security_group_id", [Raw("self"), f"{prefix}{i}", sid], {"mutable": False})
                for i, sid in enumerate(ids)
            ]
