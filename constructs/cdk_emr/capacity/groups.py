"""Instance groups: one instance type per node type (the alternative to fleets)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from aws_cdk import aws_emr as emr

from cdk_emr.capacity._coerce import coerce_enum
from cdk_emr.capacity.ebs import EbsVolume, render_ebs
from cdk_emr.capacity.instance_type import instance_type_problem
from cdk_emr.typecheck import typed
from cdk_emr.validation import Validator


class InstanceMarket(StrEnum):
    """Purchasing option of an instance group."""

    ON_DEMAND = "ON_DEMAND"
    SPOT = "SPOT"


@typed
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
        object.__setattr__(self, "market", coerce_enum(v, "market", InstanceMarket, self.market))
        problem = instance_type_problem(self.instance_type)
        v.check(problem is None, "instance_type", self.instance_type, problem or "")
        v.check(self.instance_count >= 0, "instance_count", self.instance_count, "0 or more instances")
        v.raise_if_any()

    @property
    def instance_type_names(self) -> tuple[str, ...]:
        """The group's one instance type, as a tuple (like :attr:`InstanceFleet.instance_type_names`)."""
        return (self.instance_type,)

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
