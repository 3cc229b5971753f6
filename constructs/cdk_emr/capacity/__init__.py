"""Capacity: instance fleets and groups, spot options, EBS, managed scaling, auto-termination."""

from cdk_emr.capacity.ebs import EbsVolume, EbsVolumeType
from cdk_emr.capacity.fleets import (
    InstanceFleet,
    InstanceTypeConfig,
    OnDemandAllocationStrategy,
    SpotAllocationStrategy,
    SpotOptions,
    SpotTimeoutAction,
)
from cdk_emr.capacity.groups import InstanceGroup, InstanceMarket
from cdk_emr.capacity.scaling import AutoTermination, ManagedScaling, ScalingUnit

__all__ = [
    "AutoTermination",
    "EbsVolume",
    "EbsVolumeType",
    "InstanceFleet",
    "InstanceGroup",
    "InstanceMarket",
    "InstanceTypeConfig",
    "ManagedScaling",
    "OnDemandAllocationStrategy",
    "ScalingUnit",
    "SpotAllocationStrategy",
    "SpotOptions",
    "SpotTimeoutAction",
]
