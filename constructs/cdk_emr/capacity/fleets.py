"""Instance fleets: several instance types per node type, with a spot/on-demand mix.

A fleet's capacity is counted in *units*: each instance type contributes its
``weighted_capacity`` (default 1, i.e. units are instances). EMR fills
``target_on_demand_capacity`` and ``target_spot_capacity`` with whichever listed types it can
get, which is what makes spot reliable: list several types.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from aws_cdk import aws_emr as emr

from cdk_emr.capacity.ebs import EbsVolume, render_ebs
from cdk_emr.capacity.instance_type import INSTANCE_TYPE_RULE, is_instance_type
from cdk_emr.validation import Validator

MAX_TYPES_WITHOUT_STRATEGY = 5
MAX_TYPES_WITH_STRATEGY = 30


class SpotAllocationStrategy(StrEnum):
    """How EMR chooses spot pools. ``PRICE_CAPACITY_OPTIMIZED`` is AWS's recommendation."""

    PRICE_CAPACITY_OPTIMIZED = "price-capacity-optimized"
    CAPACITY_OPTIMIZED = "capacity-optimized"
    CAPACITY_OPTIMIZED_PRIORITIZED = "capacity-optimized-prioritized"
    LOWEST_PRICE = "lowest-price"
    DIVERSIFIED = "diversified"


class OnDemandAllocationStrategy(StrEnum):
    """How EMR chooses on-demand instance types."""

    LOWEST_PRICE = "lowest-price"
    PRIORITIZED = "prioritized"


class SpotTimeoutAction(StrEnum):
    """What EMR does when spot capacity is not found within the timeout."""

    SWITCH_TO_ON_DEMAND = "SWITCH_TO_ON_DEMAND"
    TERMINATE_CLUSTER = "TERMINATE_CLUSTER"


@dataclass(frozen=True, kw_only=True)
class SpotOptions:
    """Spot provisioning of a fleet.

    Defaults: ``price-capacity-optimized``, and after 10 minutes without spot capacity, switch
    to on-demand (the cluster starts, at a higher price) rather than fail.
    """

    allocation_strategy: SpotAllocationStrategy = SpotAllocationStrategy.PRICE_CAPACITY_OPTIMIZED
    timeout_action: SpotTimeoutAction = SpotTimeoutAction.SWITCH_TO_ON_DEMAND
    timeout_minutes: int = 10

    def __post_init__(self) -> None:
        v = Validator("SpotOptions")
        v.check(5 <= self.timeout_minutes <= 1440, "timeout_minutes", self.timeout_minutes, "5 to 1440 minutes")
        v.raise_if_any()


@dataclass(frozen=True, kw_only=True)
class InstanceTypeConfig:
    """One instance type a fleet may use.

    Defaults: weight 1 unit, one 64 GiB gp3 EBS volume, spot bid at 100% of the on-demand price.
    """

    instance_type: str
    weighted_capacity: int = 1
    bid_price_as_percentage_of_on_demand: float | None = None
    """Maximum spot price as a percentage of on-demand (1-100). Default: 100 (EMR's default)."""
    ebs_volumes: tuple[EbsVolume, ...] = (EbsVolume(),)

    def __post_init__(self) -> None:
        v = Validator("InstanceTypeConfig")
        v.check(is_instance_type(self.instance_type), "instance_type", self.instance_type, INSTANCE_TYPE_RULE)
        v.check(1 <= self.weighted_capacity <= 1000, "weighted_capacity", self.weighted_capacity, "1 to 1000 units")
        bid = self.bid_price_as_percentage_of_on_demand
        if bid is not None:
            v.check(0 < bid <= 1000, "bid_price_as_percentage_of_on_demand", bid, "above 0 and at most 1000 (percent)")
        v.raise_if_any()

    @staticmethod
    def of(instance_type: InstanceTypeConfig | str) -> InstanceTypeConfig:
        """Accept a config or a bare instance type name."""
        if isinstance(instance_type, InstanceTypeConfig):
            return instance_type
        return InstanceTypeConfig(instance_type=instance_type)

    def _render(self) -> emr.CfnCluster.InstanceTypeConfigProperty:
        return emr.CfnCluster.InstanceTypeConfigProperty(
            instance_type=self.instance_type,
            weighted_capacity=self.weighted_capacity,
            bid_price_as_percentage_of_on_demand_price=self.bid_price_as_percentage_of_on_demand,
            ebs_configuration=render_ebs(self.ebs_volumes),
        )


@dataclass(frozen=True, kw_only=True)
class InstanceFleet:
    """An instance fleet for the primary, core or task nodes.

    ``instance_types`` takes configs or plain names (``["m7g.xlarge", "m6g.xlarge"]``).
    When the fleet has spot capacity, ``spot`` defaults to :class:`SpotOptions` (price-capacity-
    optimized); setting an allocation strategy raises the instance-type limit from 5 to 30.
    """

    instance_types: Sequence[InstanceTypeConfig | str]
    target_on_demand_capacity: int = 0
    target_spot_capacity: int = 0
    name: str | None = None
    spot: SpotOptions | None = None
    on_demand_allocation_strategy: OnDemandAllocationStrategy | None = None
    configs: tuple[InstanceTypeConfig, ...] = field(init=False)

    def __post_init__(self) -> None:
        v = Validator("InstanceFleet")
        configs: list[InstanceTypeConfig] = []
        for item in self.instance_types:
            if isinstance(item, InstanceTypeConfig) or is_instance_type(item):
                configs.append(InstanceTypeConfig.of(item))
            else:
                v.check(False, "instance_types", item, INSTANCE_TYPE_RULE)
        object.__setattr__(self, "configs", tuple(configs))
        if self.target_spot_capacity > 0 and self.spot is None:
            object.__setattr__(self, "spot", SpotOptions())
        limit = MAX_TYPES_WITH_STRATEGY if self.has_allocation_strategy else MAX_TYPES_WITHOUT_STRATEGY
        v.check(
            1 <= len(self.instance_types) <= limit,
            "instance_types",
            len(self.instance_types),
            f"1 to {limit} instance types"
            + ("" if self.has_allocation_strategy else f" ({MAX_TYPES_WITH_STRATEGY} with an allocation strategy)"),
        )
        names = [c.instance_type for c in configs]
        v.check(len(set(names)) == len(names), "instance_types", names, "each instance type at most once")
        v.check(
            self.target_on_demand_capacity >= 0, "target_on_demand_capacity", self.target_on_demand_capacity, "0 or more units"
        )
        v.check(self.target_spot_capacity >= 0, "target_spot_capacity", self.target_spot_capacity, "0 or more units")
        v.check(
            self.target_on_demand_capacity + self.target_spot_capacity > 0,
            "target_on_demand_capacity + target_spot_capacity",
            (self.target_on_demand_capacity, self.target_spot_capacity),
            "at least one of the two above 0",
        )
        v.raise_if_any()

    @property
    def has_allocation_strategy(self) -> bool:
        """True when a spot or on-demand allocation strategy is set."""
        return self.spot is not None or self.on_demand_allocation_strategy is not None

    @property
    def total_capacity(self) -> int:
        """On-demand plus spot target, in units."""
        return self.target_on_demand_capacity + self.target_spot_capacity

    @staticmethod
    def on_demand(
        instance_types: Sequence[InstanceTypeConfig | str], capacity: int = 1, *, name: str | None = None
    ) -> InstanceFleet:
        """A fleet of ``capacity`` on-demand units."""
        return InstanceFleet(instance_types=instance_types, target_on_demand_capacity=capacity, name=name)

    @staticmethod
    def spot_fleet(
        instance_types: Sequence[InstanceTypeConfig | str],
        capacity: int,
        *,
        on_demand_capacity: int = 0,
        options: SpotOptions | None = None,
        name: str | None = None,
    ) -> InstanceFleet:
        """A fleet of ``capacity`` spot units (plus an optional on-demand base)."""
        return InstanceFleet(
            instance_types=instance_types,
            target_spot_capacity=capacity,
            target_on_demand_capacity=on_demand_capacity,
            spot=options or SpotOptions(),
            name=name,
        )

    def _render(self, default_name: str) -> emr.CfnCluster.InstanceFleetConfigProperty:
        return emr.CfnCluster.InstanceFleetConfigProperty(
            name=self.name or default_name,
            target_on_demand_capacity=self.target_on_demand_capacity,
            target_spot_capacity=self.target_spot_capacity,
            instance_type_configs=[c._render() for c in self.configs],
            launch_specifications=self._launch_specifications(),
        )

    def _launch_specifications(self) -> emr.CfnCluster.InstanceFleetProvisioningSpecificationsProperty | None:
        if not self.has_allocation_strategy:
            return None
        spot = None
        if self.spot is not None:
            spot = emr.CfnCluster.SpotProvisioningSpecificationProperty(
                allocation_strategy=self.spot.allocation_strategy.value,
                timeout_action=self.spot.timeout_action.value,
                timeout_duration_minutes=self.spot.timeout_minutes,
            )
        on_demand = emr.CfnCluster.OnDemandProvisioningSpecificationProperty(
            allocation_strategy=(self.on_demand_allocation_strategy or OnDemandAllocationStrategy.LOWEST_PRICE).value
        )
        return emr.CfnCluster.InstanceFleetProvisioningSpecificationsProperty(
            spot_specification=spot, on_demand_specification=on_demand
        )
