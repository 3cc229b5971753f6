"""Capacity: instance fleets and groups, spot options, EBS, managed scaling, auto-termination."""

from cdk_emr.capacity.ami import CustomAmi
from cdk_emr.capacity.autoscaling import (
    AdjustmentType,
    AutoScalingPolicy,
    ComparisonOperator,
    ScalingMetricUnit,
    ScalingRule,
    ScalingStatistic,
)
from cdk_emr.capacity.ebs import EbsVolume, EbsVolumeType
from cdk_emr.capacity.fleets import (
    CapacityReservationPreference,
    CapacityReservationUsage,
    FleetResize,
    InstanceFleet,
    InstanceTypeConfig,
    OnDemandAllocationStrategy,
    OnDemandOptions,
    SpotAllocationStrategy,
    SpotOptions,
    SpotTimeoutAction,
)
from cdk_emr.capacity.groups import InstanceGroup, InstanceMarket
from cdk_emr.capacity.instance_specs import InstanceSpec, instance_spec, is_graviton, vcpu_count
from cdk_emr.capacity.scaling import AutoTermination, ManagedScaling, ScalingStrategy, ScalingUnit
from cdk_emr.capacity.selection import check_release_support, graviton_first, release_offers

__all__ = [
    "AdjustmentType",
    "AutoScalingPolicy",
    "AutoTermination",
    "CapacityReservationPreference",
    "CapacityReservationUsage",
    "ComparisonOperator",
    "CustomAmi",
    "FleetResize",
    "ScalingMetricUnit",
    "ScalingRule",
    "ScalingStatistic",
    "EbsVolume",
    "EbsVolumeType",
    "InstanceFleet",
    "InstanceGroup",
    "InstanceMarket",
    "InstanceSpec",
    "InstanceTypeConfig",
    "ManagedScaling",
    "OnDemandAllocationStrategy",
    "OnDemandOptions",
    "ScalingStrategy",
    "ScalingUnit",
    "SpotAllocationStrategy",
    "SpotOptions",
    "SpotTimeoutAction",
    "check_release_support",
    "graviton_first",
    "instance_spec",
    "is_graviton",
    "release_offers",
    "vcpu_count",
]
