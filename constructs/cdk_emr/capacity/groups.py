"""Instance groups: one instance type per node type (the alternative to fleets)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from aws_cdk import aws_emr as emr

from cdk_emr.capacity.ebs import EbsVolume, render_ebs
from cdk_emr.capacity.instance_type import INSTANCE_TYPE_RULE, is_instance_type
from cdk_emr.validation import Validator


class InstanceMarket(StrEnum):
    """Purchasing option of an instance group."""

    ON_DEMAND = "ON_DEMAND"
    SPOT = "SPOT"


@dataclass(frozen=True, kw_only=True)
class InstanceGroup:
    """An instance group: ``instance_count`` instances of one type.

    Default: one on-demand instance with one 64 GiB gp3 volume.
    """

    instance_type: str
    instance_count: int = 1
    market: InstanceMarket = InstanceMarket.ON_DEMAND
    name: str | None = None
    ebs_volumes: tuple[EbsVolume, ...] = (EbsVolume(),)

    def __post_init__(self) -> None:
        v = Validator("InstanceGroup")
        v.check(is_instance_type(self.instance_type), "instance_type", self.instance_type, INSTANCE_TYPE_RULE)
        v.check(self.instance_count >= 0, "instance_count", self.instance_count, "0 or more instances")
        v.raise_if_any()

    @property
    def total_capacity(self) -> int:
        """Number of instances."""
        return self.instance_count

    def _render(self, default_name: str) -> emr.CfnCluster.InstanceGroupConfigProperty:
        return emr.CfnCluster.InstanceGroupConfigProperty(
            name=self.name or default_name,
            instance_type=self.instance_type,
            instance_count=self.instance_count,
            market=self.market.value,
            ebs_configuration=render_ebs(self.ebs_volumes),
        )
