"""Instance groups: one instance type per node type (the alternative to fleets)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from aws_cdk import aws_emr as emr
from constructs import Construct

from cdk_emr.capacity._coerce import coerce_enum
from cdk_emr.capacity.ami import CustomAmi, check_ami, custom_ami_id
from cdk_emr.capacity.autoscaling import AutoScalingPolicy
from cdk_emr.capacity.ebs import EbsVolume, render_ebs
from cdk_emr.capacity.fleets import check_bid_price
from cdk_emr.capacity.instance_type import instance_type_problem
from cdk_emr.typecheck import typed
from cdk_emr.validation import Validator
from cdk_emr.workload.configuration import Configuration


class InstanceMarket(StrEnum):
    """Purchasing option of an instance group."""

    ON_DEMAND = "ON_DEMAND"
    SPOT = "SPOT"


@typed
@dataclass(frozen=True, kw_only=True)
class InstanceGroup:
    """An instance group: ``instance_count`` instances of one type.

    Default: one on-demand instance with one 64 GiB gp3 volume (EBS-optimized), the cluster's
    AMI, no automatic scaling and no configurations of its own.
    """

    instance_type: str
    instance_count: int = 1
    market: InstanceMarket = InstanceMarket.ON_DEMAND
    name: str | None = None
    ebs_volumes: tuple[EbsVolume, ...] = (EbsVolume(),)
    bid_price_usd: str | None = None
    """Spot only: maximum price per instance-hour in USD (``"0.25"``). Default: the on-demand price."""
    auto_scaling: AutoScalingPolicy | None = None
    """Custom automatic scaling rules (core and task groups). Default: none."""
    configurations: Sequence[Configuration] = ()
    """Configuration classifications for this group only. Default: none."""
    custom_ami: CustomAmi | None = None
    """An AMI for this group only: an ``ec2.IMachineImage`` or an AMI id. Default: the cluster's."""
    ebs_optimized: bool = True
    """EBS-optimized instances. Default: True."""

    def __post_init__(self) -> None:
        v = Validator("InstanceGroup")
        object.__setattr__(self, "market", coerce_enum(v, "market", InstanceMarket, self.market))
        problem = instance_type_problem(self.instance_type)
        v.check(problem is None, "instance_type", self.instance_type, problem or "")
        v.check(self.instance_count >= 0, "instance_count", self.instance_count, "0 or more instances")
        check_bid_price(v, "bid_price_usd", self.bid_price_usd)
        if self.bid_price_usd is not None:
            # botocore EMR model, InstanceGroupConfig.BidPrice: "The bid price for each Amazon EC2 Spot Instance".
            v.check(self.market == InstanceMarket.SPOT, "bid_price_usd", self.bid_price_usd, "only with market=SPOT")
        if self.auto_scaling is not None:
            # EMR Management Guide, automatic scaling: the group's count starts within the policy's limits.
            v.check(
                self.auto_scaling.min_capacity <= self.instance_count <= self.auto_scaling.max_capacity,
                "instance_count",
                self.instance_count,
                f"within auto_scaling's limits ({self.auto_scaling.min_capacity} to {self.auto_scaling.max_capacity})",
            )
        check_ami(v, "custom_ami", self.custom_ami)
        v.raise_if_any()

    @property
    def instance_type_names(self) -> tuple[str, ...]:
        """The group's one instance type, as a tuple (like :attr:`InstanceFleet.instance_type_names`)."""
        return (self.instance_type,)

    @property
    def total_capacity(self) -> int:
        """Number of instances."""
        return self.instance_count

    @property
    def custom_amis(self) -> tuple[CustomAmi, ...]:
        """The group's own custom AMI, if any (like :attr:`InstanceFleet.custom_amis`)."""
        return (self.custom_ami,) if self.custom_ami is not None else ()

    def _render(self, default_name: str, scope: Construct | None = None) -> emr.CfnCluster.InstanceGroupConfigProperty:
        return emr.CfnCluster.InstanceGroupConfigProperty(
            name=self.name or default_name,
            instance_type=self.instance_type,
            instance_count=self.instance_count,
            market=self.market.value,
            bid_price=self.bid_price_usd,
            auto_scaling_policy=self.auto_scaling._render() if self.auto_scaling else None,
            configurations=[c._render() for c in self.configurations] or None,
            custom_ami_id=custom_ami_id(scope, self.custom_ami),
            ebs_configuration=render_ebs(self.ebs_volumes, ebs_optimized=self.ebs_optimized),
        )
