"""Instance fleets: several instance types per node type, with a spot/on-demand mix.

A fleet's capacity is counted in *units*: each instance type contributes its
``weighted_capacity`` (default 1, i.e. units are instances; :meth:`InstanceFleet.by_vcpu` makes
units vCPUs). EMR fills ``target_on_demand_capacity`` and ``target_spot_capacity`` with
whichever listed types it can get, which is what makes spot reliable: list several types.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from aws_cdk import aws_emr as emr
from constructs import Construct

from cdk_emr.capacity._coerce import coerce_enum
from cdk_emr.capacity.ami import CustomAmi, check_ami, custom_ami_id
from cdk_emr.capacity.ebs import EbsVolume, render_ebs
from cdk_emr.capacity.instance_specs import EMR_SIZES, vcpu_count
from cdk_emr.capacity.instance_type import instance_type_problem
from cdk_emr.typecheck import typed
from cdk_emr.validation import EmrValidationError, Validator, is_token
from cdk_emr.workload.configuration import Configuration

MAX_TYPES_WITHOUT_STRATEGY = 5
MAX_TYPES_WITH_STRATEGY = 30
_RESOURCE_GROUP_ARN = re.compile(r"^arn:aws[a-z-]*:resource-groups:[a-z0-9-]+:\d{12}:group/[A-Za-z0-9_.-]+$")
# botocore EMR model, SpotResizingSpecification / OnDemandResizingSpecification.TimeoutDurationMinutes:
# "Minimum value is 5 minutes and maximum value is 10,080 minutes (7 days)".
RESIZE_TIMEOUT_MINUTES = (5, 10_080)
# botocore EMR model, SpotProvisioningSpecification.BlockDurationMinutes: "Spot Instances with a defined
# duration (also known as Spot blocks) are no longer available to new customers from July 1, 2021."
SPOT_BLOCKS_RETIRED = (
    "unset: EC2 retired Spot blocks (defined-duration Spot Instances, BlockDurationMinutes); they are not "
    "available to new customers since July 1, 2021. Use timeout_action/timeout_minutes, or on-demand capacity"
)


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


class CapacityReservationPreference(StrEnum):
    """Whether on-demand instances may run in open capacity reservations."""

    OPEN = "open"
    """Run in any open reservation with matching attributes (type, platform, AZ)."""
    NONE = "none"
    """Never run in a reservation, even when one is available."""


class CapacityReservationUsage(StrEnum):
    """How unused capacity reservations fill on-demand capacity."""

    USE_CAPACITY_RESERVATIONS_FIRST = "use-capacity-reservations-first"
    """Unused reservations first, up to the on-demand target; the rest by the allocation strategy."""


@typed
@dataclass(frozen=True, kw_only=True)
class SpotOptions:
    """Spot provisioning of a fleet.

    Defaults: ``price-capacity-optimized``, and after 10 minutes without spot capacity, switch
    to on-demand (the cluster starts, at a higher price) rather than fail.
    """

    allocation_strategy: SpotAllocationStrategy = SpotAllocationStrategy.PRICE_CAPACITY_OPTIMIZED
    timeout_action: SpotTimeoutAction = SpotTimeoutAction.SWITCH_TO_ON_DEMAND
    timeout_minutes: int = 10
    block_duration_minutes: int | None = None
    """Spot blocks: always rejected, EC2 retired them (kept so that the error can say so)."""

    def __post_init__(self) -> None:
        v = Validator("SpotOptions")
        for prop, enum in (("allocation_strategy", SpotAllocationStrategy), ("timeout_action", SpotTimeoutAction)):
            object.__setattr__(self, prop, coerce_enum(v, prop, enum, getattr(self, prop)))
        # botocore EMR model, SpotProvisioningSpecification.TimeoutDurationMinutes: 5 to 1440.
        v.check(5 <= self.timeout_minutes <= 1440, "timeout_minutes", self.timeout_minutes, "5 to 1440 minutes")
        v.check(self.block_duration_minutes is None, "block_duration_minutes", self.block_duration_minutes, SPOT_BLOCKS_RETIRED)
        v.raise_if_any()

    def _render(self) -> emr.CfnCluster.SpotProvisioningSpecificationProperty:
        return emr.CfnCluster.SpotProvisioningSpecificationProperty(
            allocation_strategy=self.allocation_strategy.value,
            timeout_action=self.timeout_action.value,
            timeout_duration_minutes=self.timeout_minutes,
        )


@typed
@dataclass(frozen=True, kw_only=True)
class OnDemandOptions:
    """On-demand provisioning of a fleet: allocation strategy and capacity reservations.

    Defaults: ``lowest-price`` and no capacity-reservation options, with which EMR applies
    matching open reservations on a best-effort basis. Strings work for the enums
    (``capacity_reservation_preference="none"``).
    """

    allocation_strategy: OnDemandAllocationStrategy = OnDemandAllocationStrategy.LOWEST_PRICE
    capacity_reservation_preference: CapacityReservationPreference | None = None
    """``open`` or ``none``. Default: EMR's behaviour (open reservations are used when they match)."""
    usage_strategy: CapacityReservationUsage | None = None
    """``use-capacity-reservations-first``. Default: the allocation strategy alone."""
    capacity_reservation_resource_group_arn: str | None = None
    """A resource group of targeted reservations to use. Default: none (open reservations only)."""

    def __post_init__(self) -> None:
        v = Validator("OnDemandOptions")
        object.__setattr__(
            self,
            "allocation_strategy",
            coerce_enum(v, "allocation_strategy", OnDemandAllocationStrategy, self.allocation_strategy),
        )
        for prop, enum in (
            ("capacity_reservation_preference", CapacityReservationPreference),
            ("usage_strategy", CapacityReservationUsage),
        ):
            if getattr(self, prop) is not None:
                object.__setattr__(self, prop, coerce_enum(v, prop, enum, getattr(self, prop)))
        if self.capacity_reservation_preference == CapacityReservationPreference.NONE:
            for prop in ("usage_strategy", "capacity_reservation_resource_group_arn"):
                value = getattr(self, prop)
                v.check(value is None, prop, str(value), "unset with capacity_reservation_preference='none' (no reservations)")
        arn = self.capacity_reservation_resource_group_arn
        if arn is not None and not is_token(arn):
            v.check(
                isinstance(arn, str) and len(arn) <= 256 and _RESOURCE_GROUP_ARN.match(arn) is not None,
                "capacity_reservation_resource_group_arn",
                arn,
                "a resource group ARN of at most 256 characters, arn:aws:resource-groups:REGION:ACCOUNT:group/NAME",
            )
        v.raise_if_any()

    @property
    def has_reservation_options(self) -> bool:
        """True when any capacity-reservation option is set."""
        return any(
            x is not None
            for x in (self.capacity_reservation_preference, self.usage_strategy, self.capacity_reservation_resource_group_arn)
        )

    def _reservations(self) -> emr.CfnCluster.OnDemandCapacityReservationOptionsProperty | None:
        if not self.has_reservation_options:
            return None
        return emr.CfnCluster.OnDemandCapacityReservationOptionsProperty(
            capacity_reservation_preference=_value(self.capacity_reservation_preference),
            usage_strategy=_value(self.usage_strategy),
            capacity_reservation_resource_group_arn=self.capacity_reservation_resource_group_arn,
        )

    def _render(self) -> emr.CfnCluster.OnDemandProvisioningSpecificationProperty:
        return emr.CfnCluster.OnDemandProvisioningSpecificationProperty(
            allocation_strategy=self.allocation_strategy.value, capacity_reservation_options=self._reservations()
        )


def _value(member: StrEnum | None) -> str | None:
    return None if member is None else member.value


@typed
@dataclass(frozen=True, kw_only=True)
class InstanceTypeConfig:
    """One instance type a fleet may use.

    Defaults: weight 1 unit, one 64 GiB EBS-optimized gp3 volume, spot bid at 100% of the
    on-demand price, the cluster's AMI, no priority and no configurations of its own.
    """

    instance_type: str
    weighted_capacity: int = 1
    bid_price_as_percentage_of_on_demand: float | None = None
    """Maximum spot price as a percentage of on-demand (1-100). Default: 100 (EMR's default)."""
    ebs_volumes: tuple[EbsVolume, ...] = (EbsVolume(),)
    bid_price_usd: str | None = None
    """Maximum spot price per instance-hour in USD (``"0.25"``), instead of a percentage.
    Default: none (the percentage applies)."""
    priority: float | None = None
    """Launch priority, 0 the highest: used by ``OnDemandAllocationStrategy.PRIORITIZED`` and
    ``SpotAllocationStrategy.CAPACITY_OPTIMIZED_PRIORITIZED``. Default: none."""
    configurations: Sequence[Configuration] = ()
    """Configuration classifications for instances of this type only. Default: none."""
    custom_ami: CustomAmi | None = None
    """An AMI for this type only (e.g. an arm64 AMI for Graviton types beside x86 ones): an
    ``ec2.IMachineImage`` or an AMI id. Default: the cluster's AMI."""
    ebs_optimized: bool = True
    """EBS-optimized instances (dedicated EBS bandwidth). Default: True."""

    def __post_init__(self) -> None:
        v = Validator("InstanceTypeConfig")
        problem = instance_type_problem(self.instance_type)
        v.check(problem is None, "instance_type", self.instance_type, problem or "")
        # botocore EMR model, InstanceTypeConfig.WeightedCapacity: at least 1 for core and task fleets.
        v.check(1 <= self.weighted_capacity <= 1000, "weighted_capacity", self.weighted_capacity, "1 to 1000 units")
        bid = self.bid_price_as_percentage_of_on_demand
        if bid is not None:
            v.check(0 < bid <= 1000, "bid_price_as_percentage_of_on_demand", bid, "above 0 and at most 1000 (percent)")
        check_bid_price(v, "bid_price_usd", self.bid_price_usd)
        # EMR API, InstanceTypeConfig: BidPrice and BidPriceAsPercentageOfOnDemandPrice are alternatives
        # ("if neither ... is provided, BidPriceAsPercentageOfOnDemandPrice defaults to 100%").
        v.check(
            self.bid_price_usd is None or bid is None,
            "bid_price_usd",
            self.bid_price_usd,
            "unset when bid_price_as_percentage_of_on_demand is given (one spot price limit)",
        )
        if self.priority is not None:
            # botocore EMR model, InstanceTypeConfig.Priority: NonNegativeDouble, "starts at 0, the highest".
            v.check(self.priority >= 0, "priority", self.priority, "0 or more (0 is the highest priority)")
        check_ami(v, "custom_ami", self.custom_ami)
        v.raise_if_any()

    @staticmethod
    def of(instance_type: InstanceTypeConfig | str) -> InstanceTypeConfig:
        """Accept a config or a bare instance type name."""
        if isinstance(instance_type, InstanceTypeConfig):
            return instance_type
        return InstanceTypeConfig(instance_type=instance_type)

    def _render(self, scope: Construct | None = None) -> emr.CfnCluster.InstanceTypeConfigProperty:
        return emr.CfnCluster.InstanceTypeConfigProperty(
            instance_type=self.instance_type,
            weighted_capacity=self.weighted_capacity,
            bid_price_as_percentage_of_on_demand_price=self.bid_price_as_percentage_of_on_demand,
            bid_price=self.bid_price_usd,
            priority=self.priority,
            configurations=[c._render() for c in self.configurations] or None,
            custom_ami_id=custom_ami_id(scope, self.custom_ami),
            ebs_configuration=render_ebs(self.ebs_volumes, ebs_optimized=self.ebs_optimized),
        )


def check_bid_price(v: Validator, prop: str, price: str | None) -> None:
    """Record on ``v`` a spot bid price that is not a positive USD amount (a string, as EMR takes it)."""
    if price is None or is_token(price):
        return
    try:
        ok = float(price) > 0
    except (TypeError, ValueError):
        ok = False
    # botocore EMR model: BidPrice is an XmlStringMaxLen256 "expressed in USD".
    v.check(ok and len(str(price)) <= 256, prop, price, "a positive USD amount as a string, e.g. '0.25'")


@typed
@dataclass(frozen=True, kw_only=True)
class FleetResize:
    """How a fleet resizes after launch (managed scaling, ModifyInstanceFleet, spot reclamation).

    Defaults: EMR's: price-capacity-optimized spot (6.9.0+), and no resize timeouts of our own.
    ``on_demand_options`` gives the on-demand allocation strategy and capacity reservations
    used for resizes, like :class:`OnDemandOptions` does for the launch.
    """

    spot_allocation_strategy: SpotAllocationStrategy | None = None
    spot_timeout_minutes: int | None = None
    """Stop provisioning spot instances for a resize after this long (5 to 10,080)."""
    on_demand_options: OnDemandOptions | None = None
    on_demand_timeout_minutes: int | None = None
    """Stop a resize's on-demand provisioning after this long (5 to 10,080)."""

    def __post_init__(self) -> None:
        v = Validator("FleetResize")
        if self.spot_allocation_strategy is not None:
            object.__setattr__(
                self,
                "spot_allocation_strategy",
                coerce_enum(v, "spot_allocation_strategy", SpotAllocationStrategy, self.spot_allocation_strategy),
            )
        low, high = RESIZE_TIMEOUT_MINUTES
        for prop in ("spot_timeout_minutes", "on_demand_timeout_minutes"):
            value = getattr(self, prop)
            if value is not None:
                v.check(low <= value <= high, prop, value, f"{low} to {high} minutes (7 days)")
        v.check(
            any(
                getattr(self, f) is not None
                for f in ("spot_allocation_strategy", "spot_timeout_minutes", "on_demand_options", "on_demand_timeout_minutes")
            ),
            "FleetResize",
            "empty",
            "at least one setting (or leave resize=None)",
        )
        v.raise_if_any()

    def _render(self) -> emr.CfnCluster.InstanceFleetResizingSpecificationsProperty:
        spot = None
        if self.spot_allocation_strategy is not None or self.spot_timeout_minutes is not None:
            spot = emr.CfnCluster.SpotResizingSpecificationProperty(
                allocation_strategy=_value(self.spot_allocation_strategy), timeout_duration_minutes=self.spot_timeout_minutes
            )
        on_demand = None
        if self.on_demand_options is not None or self.on_demand_timeout_minutes is not None:
            options = self.on_demand_options
            on_demand = emr.CfnCluster.OnDemandResizingSpecificationProperty(
                allocation_strategy=options.allocation_strategy.value if options else None,
                capacity_reservation_options=options._reservations() if options else None,
                timeout_duration_minutes=self.on_demand_timeout_minutes,
            )
        return emr.CfnCluster.InstanceFleetResizingSpecificationsProperty(
            spot_resize_specification=spot, on_demand_resize_specification=on_demand
        )


@typed
@dataclass(frozen=True, kw_only=True)
class InstanceFleet:
    """An instance fleet for the primary, core or task nodes.

    ``instance_types`` takes configs or plain names (``["m7g.xlarge", "m6g.xlarge"]``).
    When the fleet has spot capacity, ``spot`` defaults to :class:`SpotOptions` (price-capacity-
    optimized). Setting an allocation strategy (``spot``, ``on_demand_options`` or
    ``on_demand_allocation_strategy``) raises the instance-type limit from 5 to 30.
    """

    instance_types: Sequence[InstanceTypeConfig | str]
    target_on_demand_capacity: int = 0
    target_spot_capacity: int = 0
    name: str | None = None
    spot: SpotOptions | None = None
    on_demand_allocation_strategy: OnDemandAllocationStrategy | None = None
    """Shorthand for ``on_demand_options=OnDemandOptions(allocation_strategy=...)``."""
    on_demand_options: OnDemandOptions | None = None
    """On-demand allocation strategy and capacity reservations. Default: lowest-price, when
    the fleet has an allocation strategy at all."""
    resize: FleetResize | None = None
    """How the fleet resizes after launch (allocation strategies, timeouts). Default: EMR's."""
    configs: tuple[InstanceTypeConfig, ...] = field(init=False)

    def __post_init__(self) -> None:
        v = Validator("InstanceFleet")
        object.__setattr__(self, "configs", tuple(self._configs(v)))
        if self.on_demand_allocation_strategy is not None:
            strategy = coerce_enum(
                v, "on_demand_allocation_strategy", OnDemandAllocationStrategy, self.on_demand_allocation_strategy
            )
            object.__setattr__(self, "on_demand_allocation_strategy", strategy or self.on_demand_allocation_strategy)
            v.check(
                self.on_demand_options is None,
                "on_demand_allocation_strategy",
                str(self.on_demand_allocation_strategy),
                "unset when on_demand_options is given (set on_demand_options.allocation_strategy)",
            )
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
        names = [c.instance_type for c in self.configs]
        v.check(len(set(names)) == len(names), "instance_types", names, "each instance type at most once")
        self._check_priorities(v)
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

    def _check_priorities(self, v: Validator) -> None:
        """Priorities only mean something to a prioritized strategy (botocore EMR model,
        OnDemandProvisioningSpecification.AllocationStrategy: "prioritized specifies that Amazon
        EMR should launch the instances with the highest priority first"; spot: capacity-optimized-prioritized)."""
        prioritized = [c.instance_type for c in self.configs if c.priority is not None]
        if not prioritized:
            return
        on_demand = self.on_demand_options.allocation_strategy if self.on_demand_options else self.on_demand_allocation_strategy
        uses = on_demand == OnDemandAllocationStrategy.PRIORITIZED or (
            self.spot is not None and self.spot.allocation_strategy == SpotAllocationStrategy.CAPACITY_OPTIMIZED_PRIORITIZED
        )
        v.check(
            uses,
            "instance_types.priority",
            prioritized,
            "only with on_demand_allocation_strategy=PRIORITIZED or spot allocation_strategy=CAPACITY_OPTIMIZED_PRIORITIZED",
        )

    def _configs(self, v: Validator) -> list[InstanceTypeConfig]:
        if isinstance(self.instance_types, str):
            v.check(False, "instance_types", self.instance_types, "a list of instance types, e.g. ['m7g.xlarge']")
            return []
        configs = []
        for item in self.instance_types:
            problem = None if isinstance(item, InstanceTypeConfig) else instance_type_problem(item)
            if v.check(problem is None, "instance_types", item, problem or ""):
                configs.append(InstanceTypeConfig.of(item))
        return configs

    @property
    def has_allocation_strategy(self) -> bool:
        """True when a spot or on-demand allocation strategy is set."""
        return self.spot is not None or self.on_demand_allocation_strategy is not None or self.on_demand_options is not None

    @property
    def instance_type_names(self) -> tuple[str, ...]:
        """The instance types the fleet may use."""
        return tuple(c.instance_type for c in self.configs)

    @property
    def total_capacity(self) -> int:
        """On-demand plus spot target, in units."""
        return self.target_on_demand_capacity + self.target_spot_capacity

    @staticmethod
    def on_demand(
        instance_types: Sequence[InstanceTypeConfig | str],
        capacity: int = 1,
        *,
        name: str | None = None,
        options: OnDemandOptions | None = None,
    ) -> InstanceFleet:
        """A fleet of ``capacity`` on-demand units (``options``: strategy, capacity reservations)."""
        return InstanceFleet(
            instance_types=instance_types, target_on_demand_capacity=capacity, name=name, on_demand_options=options
        )

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

    @staticmethod
    def by_vcpu(
        instance_types: Sequence[InstanceTypeConfig | str],
        *,
        on_demand_vcpus: int = 0,
        spot_vcpus: int = 0,
        spot: SpotOptions | None = None,
        on_demand_options: OnDemandOptions | None = None,
        name: str | None = None,
        resize: FleetResize | None = None,
    ) -> InstanceFleet:
        """A core or task fleet whose units are vCPUs: each type weighs its vCPU count.

        ``m7g.2xlarge`` weighs 8 and ``m7g.4xlarge`` 16, so ``spot_vcpus=64`` is 8 of the first
        or 4 of the second, and managed-scaling limits are in vCPUs too. Types must be in
        :data:`~cdk_emr.capacity.instance_specs.INSTANCE_SPECS`; give any other type as an
        ``InstanceTypeConfig`` whose ``weighted_capacity`` is its vCPU count. Not for the
        primary fleet, whose weights must be 1.
        """
        v = Validator("InstanceFleet.by_vcpu")
        configs = [_vcpu_weighted(v, item) for item in instance_types]
        try:
            fleet = InstanceFleet(
                instance_types=configs,
                target_on_demand_capacity=on_demand_vcpus,
                target_spot_capacity=spot_vcpus,
                spot=spot,
                on_demand_options=on_demand_options,
                name=name,
                resize=resize,
            )
        except EmrValidationError as error:
            renamed = {"target_on_demand_capacity": "on_demand_vcpus", "target_spot_capacity": "spot_vcpus"}
            for violation in error.violations:
                prop = violation.property
                for old, new in renamed.items():
                    prop = prop.replace(old, new)
                v.check(False, prop, violation.value, violation.allowed.replace("units", "vCPUs"))
            v.raise_if_any()
            raise
        v.raise_if_any()
        return fleet

    @property
    def custom_amis(self) -> tuple[CustomAmi, ...]:
        """The per-type custom AMIs of the fleet."""
        return tuple(c.custom_ami for c in self.configs if c.custom_ami is not None)

    def _render(self, default_name: str, scope: Construct | None = None) -> emr.CfnCluster.InstanceFleetConfigProperty:
        return emr.CfnCluster.InstanceFleetConfigProperty(
            name=self.name or default_name,
            target_on_demand_capacity=self.target_on_demand_capacity,
            target_spot_capacity=self.target_spot_capacity,
            instance_type_configs=[c._render(scope) for c in self.configs],
            launch_specifications=self._launch_specifications(),
            resize_specifications=self.resize._render() if self.resize else None,
        )

    def _launch_specifications(self) -> emr.CfnCluster.InstanceFleetProvisioningSpecificationsProperty | None:
        if not self.has_allocation_strategy:
            return None
        on_demand = self.on_demand_options or OnDemandOptions(
            allocation_strategy=self.on_demand_allocation_strategy or OnDemandAllocationStrategy.LOWEST_PRICE
        )
        return emr.CfnCluster.InstanceFleetProvisioningSpecificationsProperty(
            spot_specification=self.spot._render() if self.spot else None, on_demand_specification=on_demand._render()
        )


def _vcpu_weighted(v: Validator, item: InstanceTypeConfig | str) -> InstanceTypeConfig | str:
    """``item`` weighted by its vCPU count; malformed names pass through for the fleet to report."""
    if not isinstance(item, InstanceTypeConfig) and instance_type_problem(item) is not None:
        return item
    name = item.instance_type if isinstance(item, InstanceTypeConfig) else item
    vcpus = vcpu_count(name)
    if vcpus is None:
        if isinstance(item, InstanceTypeConfig):
            return item  # an explicit weight for a type we do not tabulate
        v.check(
            False,
            "instance_types",
            name,
            f"a type with a known vCPU count (families {', '.join(EMR_SIZES)}), or "
            f"InstanceTypeConfig(instance_type={name!r}, weighted_capacity=<its vCPUs>)",
        )
        return InstanceTypeConfig(instance_type=name)
    if isinstance(item, InstanceTypeConfig):
        v.check(
            item.weighted_capacity in (1, vcpus),
            "instance_types.weighted_capacity",
            f"{name}={item.weighted_capacity}",
            f"{vcpus} (the vCPUs of {name}), or the default",
        )
        return replace(item, weighted_capacity=vcpus)
    return InstanceTypeConfig(instance_type=name, weighted_capacity=vcpus)
