"""Hourly cost of the EMR clusters in a synthesized template or a ``cdk.out`` directory.

Reads ``AWS::EMR::Cluster`` resources (instance fleets or instance groups, plus separate
``AWS::EMR::InstanceFleetConfig`` / ``AWS::EMR::InstanceGroupConfig`` resources that ``Ref`` the
cluster), as :mod:`cdk_emr.ops.template_clusters` reads them (a ``Ref`` to a parameter reads its
default, an ``Fn::If`` the branch its condition takes with the defaults, a resource whose
``Condition`` is false is left out with a note), and prices them with the dated snapshot of
:mod:`cdk_emr.ops.pricing`. This module holds the cost model and the estimator. All figures are
USD per hour.

Cost model
----------
Per instance-hour, ``EC2 + EMR fee + EBS``:

* EC2 On-Demand from the snapshot. EC2 Spot = the ``spot_prices`` figure for the type if given
  (``--spot-price TYPE=USD``), else ``On-Demand x (1 - d)`` with ``d`` = ``spot_discount``
  (``--spot-discount``) if given, else the type's Spot Instance Advisor saving (S3).
* The EMR fee is the same on Spot and On-Demand (S11). Where no EMR fee is sourced it is 25% of
  EC2 On-Demand, labelled ``"approximation: 25% of EC2 (S6 ratio)"``.
* EBS: for each ``EbsBlockDeviceConfigs`` entry, ``VolumesPerInstance x (SizeInGB x gp3
  GB-month + IOPS above the free 3,000 x IOPS-month) / 730`` hours. Only gp3 is priced: other
  volume types and gp3 ``Throughput`` are left out with a note. Root volumes, data transfer, S3
  and CloudWatch are not estimated.

Capacity, in units (``InstanceFleetUnits`` = ``WeightedCapacity``, ``Instances`` = instances,
``VCPU`` = vCPUs of the type):

* The primary fleet/group is always at its declared target.
* Without managed scaling, minimum = maximum = the declared targets: a fleet's
  ``TargetOnDemandCapacity`` and ``TargetSpotCapacity`` (weighted units), a group's
  ``InstanceCount`` in its ``Market``. A group with a custom ``AutoScalingPolicy`` ranges from
  ``Constraints.MinCapacity`` to ``MaxCapacity``.
* With ``ManagedScalingPolicy.ComputeLimits`` (core and task only), the capacity is
  ``MinimumCapacityUnits`` at minimum and ``MaximumCapacityUnits`` at maximum, placed the way EMR
  scales up (core first, On-Demand first) and down (task first, Spot first), in this order: core
  On-Demand, core Spot, task On-Demand, task Spot; core never above
  ``MaximumCoreCapacityUnits``, On-Demand never above ``MaximumOnDemandCapacityUnits`` (both
  default to the maximum). A market a group does not have is skipped; capacity that fits nowhere
  is left out with a note. Task capacity goes to the first task fleet (for groups: the first task
  group of the market); other task fleets/groups count as zero, with a note.
* Type choice within a fleet (assumption): for each market, the ``InstanceTypeConfigs`` entry with
  the lowest cost per unit (instance-hour cost / units per instance; ties go to the first
  declared), launched as ``ceil(units / units per instance)`` instances. That is what the
  ``lowest-price`` strategy does; under ``price-capacity-optimized`` or ``capacity-optimized``
  Spot EMR may pick dearer pools, so read the Spot figures as a lower bound.

``on_demand_equivalent`` is the same capacity all On-Demand (a fleet's units at its cheapest
On-Demand type per unit; a group's instances at On-Demand), and ``saving = 1 - hourly /
on_demand_equivalent``. Bid prices are caps, not prices, and are ignored.
"""

from __future__ import annotations

import math
import os
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from cdk_emr.ops import template_clusters
from cdk_emr.ops.pricing import (
    APPROXIMATION_LABEL,
    CostEstimateError,
    EbsGp3Price,
    InstancePrice,
    PriceBook,
    load_prices,
)
from cdk_emr.ops.template_clusters import (
    CORE,
    FLEET,
    ON_DEMAND,
    PRIMARY,
    SPOT,
    TASK,
    UNIT_TYPES,
    ClusterReadError,
    ClusterSpec,
    ComputeLimits,
    NodeSpec,
    TypeConfig,
    Volume,
)
from cdk_emr.ops.templates import StackTemplate, TemplateLoadError, load_stack_templates

__all__ = [
    "CORE",
    "DEFAULT_REGION",
    "HOURS_PER_MONTH",
    "ON_DEMAND",
    "PRIMARY",
    "SPOT",
    "TASK",
    "UNIT_TYPES",
    "Allocation",
    "ClusterEstimate",
    "ClusterSpec",
    "ComputeLimits",
    "FleetCost",
    "FleetEstimate",
    "InstanceCost",
    "NodeSpec",
    "Pricer",
    "TemplateError",
    "TypeConfig",
    "Volume",
    "estimate_cluster",
    "estimate_path",
    "estimate_template",
    "load_stacks",
    "parse_clusters",
    "place",
    "split_capacity",
    "units_per_instance",
]

DEFAULT_REGION = "us-east-1"
HOURS_PER_MONTH = 730  # the AWS convention for turning monthly prices into hourly ones
_SCALING_ORDER = ((CORE, ON_DEMAND), (CORE, SPOT), (TASK, ON_DEMAND), (TASK, SPOT))


class TemplateError(CostEstimateError, ClusterReadError):
    """A template or ``cdk.out`` directory that cannot be read or priced."""


# --- what the template declares: read by cdk_emr.ops.template_clusters ----------------------------


def load_stacks(path: str | os.PathLike[str], *, region: str = DEFAULT_REGION) -> list[StackTemplate]:
    """The stacks under ``path`` (see :func:`cdk_emr.ops.templates.load_stack_templates`).

    Nested stacks are included. Each stack gets its environment's region, or ``region`` where
    that is unknown (a bare template file, a region-agnostic stack). Load errors are raised as
    :class:`TemplateError`.
    """
    try:
        return load_stack_templates(path, default_region=region, include_nested=True)
    except TemplateLoadError as error:
        raise TemplateError(str(error)) from error


def parse_clusters(template: Mapping[str, Any], *, stack: str, region: str) -> list[ClusterSpec]:
    """Every ``AWS::EMR::Cluster`` of a template (:func:`cdk_emr.ops.template_clusters.parse_clusters`);
    unreadable values raise :class:`TemplateError`."""
    return template_clusters.parse_clusters(template, stack=stack, region=region, error=TemplateError)


# --- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InstanceCost:
    """Cost of one instance-hour of a type in a market, by component (USD)."""

    instance_type: str
    market: str
    ec2: float
    emr_fee: float
    ebs: float
    emr_fee_source: str
    ec2_basis: str

    @property
    def total(self) -> float:
        """EC2 + EMR fee + EBS."""
        return self.ec2 + self.emr_fee + self.ebs


@dataclass(frozen=True)
class Allocation:
    """``count`` instances of one type in one market, covering ``units`` of capacity."""

    units: int
    count: int
    cost: InstanceCost

    @property
    def hourly(self) -> float:
        """USD per hour for all ``count`` instances."""
        return self.count * self.cost.total

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        c = self.cost
        return {
            "instance_type": c.instance_type,
            "market": c.market,
            "count": self.count,
            "units": self.units,
            "ec2_hourly_each": _r(c.ec2),
            "emr_fee_hourly_each": _r(c.emr_fee),
            "ebs_hourly_each": _r(c.ebs),
            "hourly": _r(self.hourly),
            "ec2_basis": c.ec2_basis,
            "emr_fee_source": c.emr_fee_source,
        }


@dataclass(frozen=True)
class FleetCost:
    """A fleet or group at one capacity point."""

    allocations: tuple[Allocation, ...]
    on_demand_equivalent: float

    @property
    def hourly(self) -> float:
        """USD per hour."""
        return sum(a.hourly for a in self.allocations)

    @property
    def on_demand_instances(self) -> int:
        """Instances launched On-Demand."""
        return sum(a.count for a in self.allocations if a.cost.market == ON_DEMAND)

    @property
    def spot_instances(self) -> int:
        """Instances launched on Spot."""
        return sum(a.count for a in self.allocations if a.cost.market == SPOT)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "hourly": _r(self.hourly),
            "on_demand_equivalent": _r(self.on_demand_equivalent),
            "on_demand_instances": self.on_demand_instances,
            "spot_instances": self.spot_instances,
            "instances": [a.to_dict() for a in self.allocations],
        }


@dataclass(frozen=True)
class FleetEstimate:
    """A fleet or group at minimum and at maximum capacity."""

    name: str
    role: str
    kind: str
    minimum: FleetCost
    maximum: FleetCost


@dataclass(frozen=True)
class ClusterEstimate:
    """The hourly cost of one cluster at minimum and maximum capacity."""

    stack: str
    cluster: str
    logical_id: str
    region: str
    fleets: tuple[FleetEstimate, ...]
    limits: ComputeLimits | None = None
    notes: tuple[str, ...] = ()
    price_snapshot: str = ""

    @property
    def hourly_min(self) -> float:
        """USD per hour at minimum capacity."""
        return sum(f.minimum.hourly for f in self.fleets)

    @property
    def hourly_max(self) -> float:
        """USD per hour at maximum capacity."""
        return sum(f.maximum.hourly for f in self.fleets)

    @property
    def on_demand_equivalent_min(self) -> float:
        """USD per hour for the minimum capacity all On-Demand."""
        return sum(f.minimum.on_demand_equivalent for f in self.fleets)

    @property
    def on_demand_equivalent_max(self) -> float:
        """USD per hour for the maximum capacity all On-Demand."""
        return sum(f.maximum.on_demand_equivalent for f in self.fleets)

    @property
    def saving_min(self) -> float:
        """Fraction saved against all On-Demand at minimum capacity."""
        return _saving(self.hourly_min, self.on_demand_equivalent_min)

    @property
    def saving_max(self) -> float:
        """Fraction saved against all On-Demand at maximum capacity."""
        return _saving(self.hourly_max, self.on_demand_equivalent_max)

    @property
    def approximated_emr_fees(self) -> list[str]:
        """Instance types whose EMR fee is the 25%-of-EC2 approximation."""
        return sorted(
            {
                a.cost.instance_type
                for f in self.fleets
                for point in (f.minimum, f.maximum)
                for a in point.allocations
                if a.cost.emr_fee_source == APPROXIMATION_LABEL
            }
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (USD per hour)."""
        return {
            "stack": self.stack,
            "cluster": self.cluster,
            "logical_id": self.logical_id,
            "region": self.region,
            "hourly_min": _r(self.hourly_min),
            "hourly_max": _r(self.hourly_max),
            "on_demand_equivalent_min": _r(self.on_demand_equivalent_min),
            "on_demand_equivalent_max": _r(self.on_demand_equivalent_max),
            "saving_min": _r(self.saving_min),
            "saving_max": _r(self.saving_max),
            "currency": "USD",
            "managed_scaling": _limits_dict(self.limits),
            "fleets": [
                {
                    "name": f.name,
                    "role": f.role,
                    "kind": f.kind,
                    "min": f.minimum.to_dict(),
                    "max": f.maximum.to_dict(),
                }
                for f in self.fleets
            ],
            "approximated_emr_fees": self.approximated_emr_fees,
            "price_snapshot": self.price_snapshot,
            "notes": list(self.notes),
        }


def _r(value: float) -> float:
    return round(value, 6)


def _saving(hourly: float, on_demand_equivalent: float) -> float:
    return 1 - hourly / on_demand_equivalent if on_demand_equivalent > 0 else 0.0


def _limits_dict(limits: ComputeLimits | None) -> dict[str, Any] | None:
    if limits is None:
        return None
    return {
        "unit_type": limits.unit_type,
        "minimum": limits.minimum,
        "maximum": limits.maximum,
        "maximum_on_demand": limits.maximum_on_demand,
        "maximum_core": limits.maximum_core,
    }


# --- public API ---------------------------------------------------------------------------------


def estimate_stacks(
    path: str | os.PathLike[str],
    *,
    region: str = DEFAULT_REGION,
    spot_discount: float | None = None,
    spot_prices: Mapping[str, float] | None = None,
    prices: PriceBook | None = None,
) -> Iterator[tuple[StackTemplate, list[ClusterEstimate]]]:
    """Each stack of a template file or a ``cdk.out`` directory with the estimates of its
    clusters; ``region`` where the stack's region is not known (see :func:`estimate_path`)."""
    for stack in load_stacks(path, region=region):
        yield (
            stack,
            estimate_template(
                stack.template,
                stack=stack.name,
                region=stack.region or region,
                spot_discount=spot_discount,
                spot_prices=spot_prices,
                prices=prices,
            ),
        )


def estimate_path(
    path: str | os.PathLike[str],
    *,
    region: str = DEFAULT_REGION,
    spot_discount: float | None = None,
    spot_prices: Mapping[str, float] | None = None,
    prices: PriceBook | None = None,
) -> list[ClusterEstimate]:
    """Estimate every cluster in a template file or a ``cdk.out`` directory.

    ``region`` applies where the region is not known: a bare template file, or a stack whose
    environment is region-agnostic.
    """
    estimates: list[ClusterEstimate] = []
    for _stack, stack_estimates in estimate_stacks(
        path, region=region, spot_discount=spot_discount, spot_prices=spot_prices, prices=prices
    ):
        estimates += stack_estimates
    return estimates


def estimate_template(
    template: Mapping[str, Any],
    *,
    stack: str = "template",
    region: str = DEFAULT_REGION,
    spot_discount: float | None = None,
    spot_prices: Mapping[str, float] | None = None,
    prices: PriceBook | None = None,
) -> list[ClusterEstimate]:
    """Estimate every ``AWS::EMR::Cluster`` of a parsed template."""
    _check_spot_options(spot_discount, spot_prices)
    book = prices or load_prices()
    pricer = Pricer(book, region, spot_discount, dict(spot_prices or {}))
    return [estimate_cluster(spec, pricer) for spec in parse_clusters(template, stack=stack, region=region)]


def estimate_cluster(spec: ClusterSpec, pricer: Pricer) -> ClusterEstimate:
    """Price one parsed cluster at minimum and maximum capacity."""
    notes = list(spec.notes)
    pricer = pricer.for_region(spec.region, notes)
    lows, highs = _capacity_points(spec, notes)
    unit_type = spec.limits.unit_type if spec.limits else ""
    fleets = []
    for node, low, high in zip(spec.nodes, lows, highs, strict=True):
        unit = unit_type if spec.limits and node.role != PRIMARY else _declared_unit(node)
        fleets.append(
            FleetEstimate(
                name=node.name,
                role=node.role,
                kind=node.kind,
                minimum=_fleet_cost(node, *low, unit, pricer),
                maximum=_fleet_cost(node, *high, unit, pricer),
            )
        )
    return ClusterEstimate(
        stack=spec.stack,
        cluster=spec.name,
        logical_id=spec.logical_id,
        region=spec.region,
        fleets=tuple(fleets),
        limits=spec.limits,
        notes=tuple(notes),
        price_snapshot=pricer.prices.snapshot_date,
    )


def _check_spot_options(discount: float | None, spot_prices: Mapping[str, float] | None) -> None:
    if discount is not None and not 0 <= discount <= 1:
        raise ValueError(f"spot_discount must be a fraction between 0 and 1, got {discount}")
    for itype, usd in (spot_prices or {}).items():
        if usd < 0:
            raise ValueError(f"spot price for {itype} must be >= 0 USD per hour, got {usd}")


# --- pricing an instance-hour -------------------------------------------------------------------


@dataclass
class Pricer:
    """Prices instance-hours in one region with the Spot options in force."""

    prices: PriceBook
    region: str
    spot_discount: float | None = None
    spot_prices: Mapping[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def for_region(self, region: str, notes: list[str]) -> Pricer:
        """The same options for another region, collecting notes into ``notes``."""
        return Pricer(self.prices, region, self.spot_discount, self.spot_prices, notes)

    def cost(self, config: TypeConfig, market: str) -> InstanceCost:
        """One instance-hour of ``config`` in ``market``."""
        p = self.prices.instance(self.region, config.instance_type)
        ec2, basis = (p.on_demand, "on-demand") if market == ON_DEMAND else self.spot_ec2(p)
        return InstanceCost(
            instance_type=config.instance_type,
            market=market,
            ec2=ec2,
            emr_fee=p.emr_fee,
            ebs=self.ebs_hourly(config.volumes),
            emr_fee_source=p.emr_fee_source,
            ec2_basis=basis,
        )

    def spot_ec2(self, p: InstancePrice) -> tuple[float, str]:
        """Spot EC2 price per hour and where it comes from."""
        if p.instance_type in self.spot_prices:
            return float(self.spot_prices[p.instance_type]), "supplied spot price"
        if self.spot_discount is not None:
            return p.on_demand * (1 - self.spot_discount), f"spot discount {self.spot_discount:g}"
        if p.spot_saving is None:
            raise CostEstimateError(
                f"no Spot saving known for {p.instance_type} in {p.region}; pass --spot-discount or --spot-price"
            )
        saving = f"Spot Advisor saving {p.spot_saving:g} ({p.spot_source})"
        return p.on_demand * (1 - p.spot_saving), saving

    def ebs_hourly(self, volumes: Iterable[Volume]) -> float:
        """EBS cost per instance-hour of the volumes attached to each instance."""
        volumes = tuple(volumes)
        if not volumes:
            return 0.0
        gp3 = self.prices.ebs_gp3(self.region)
        month = sum(self._volume_month(v, gp3) for v in volumes)
        return month / HOURS_PER_MONTH

    def _volume_month(self, v: Volume, gp3: EbsGp3Price | None) -> float:
        if v.volume_type != "gp3" or gp3 is None:
            why = "no gp3 prices for the region" if gp3 is None else "only gp3 is in the snapshot"
            self.note(f"EBS {v.volume_type} volumes are not priced ({why})")
            return 0.0
        if v.throughput is not None:
            self.note("gp3 Throughput is not priced (its free baseline is not in the snapshot)")
        extra_iops = max(0, (v.iops or 0) - gp3.free_iops)
        per_volume = v.size_gb * gp3.storage_gb_month + extra_iops * gp3.iops_month_above_free
        return v.count * per_volume

    def note(self, text: str) -> None:
        """Record a note once."""
        if text not in self.notes:
            self.notes.append(text)


# --- capacity -----------------------------------------------------------------------------------


def _declared_unit(node: NodeSpec) -> str:
    return "InstanceFleetUnits" if node.kind == FLEET else "Instances"


def units_per_instance(config: TypeConfig, unit_type: str, pricer: Pricer) -> int:
    """How many capacity units one instance of ``config`` counts for."""
    if unit_type == "VCPU":
        return pricer.prices.vcpu(pricer.region, config.instance_type)
    if unit_type == "InstanceFleetUnits":
        return config.weight
    return 1


def place(node: NodeSpec, market: str, units: int, unit_type: str, pricer: Pricer) -> Allocation | None:
    """Cover ``units`` of ``node`` in ``market`` with its cheapest type per unit."""
    if units <= 0:
        return None
    best: tuple[float, InstanceCost, int] | None = None
    for config in node.configs:
        cost = pricer.cost(config, market)
        size = units_per_instance(config, unit_type, pricer)
        if best is None or cost.total / size < best[0]:
            best = (cost.total / size, cost, size)
    assert best is not None  # parse_clusters rejects a fleet without types
    return Allocation(units=units, count=math.ceil(units / best[2]), cost=best[1])


def _fleet_cost(node: NodeSpec, od: int, spot: int, unit_type: str, pricer: Pricer) -> FleetCost:
    allocations = [place(node, m, u, unit_type, pricer) for m, u in ((ON_DEMAND, od), (SPOT, spot))]
    equivalent = place(node, ON_DEMAND, od + spot, unit_type, pricer)
    return FleetCost(
        allocations=tuple(a for a in allocations if a is not None),
        on_demand_equivalent=equivalent.hourly if equivalent else 0.0,
    )


def split_capacity(
    total: int,
    *,
    maximum_core: int,
    maximum_on_demand: int,
    pools: Collection[tuple[str, str]],
) -> tuple[dict[tuple[str, str], int], int]:
    """Place ``total`` units on (role, market) pools the way EMR managed scaling does.

    Order: core On-Demand, core Spot, task On-Demand, task Spot; core stays within
    ``maximum_core`` and On-Demand within ``maximum_on_demand``. Returns the units per pool
    and the units that fit nowhere.
    """
    placed: dict[tuple[str, str], int] = {}
    left, core_used, od_used = total, 0, 0
    for role, market in _SCALING_ORDER:
        if (role, market) not in pools:
            continue
        room = left
        if role == CORE:
            room = min(room, maximum_core - core_used)
        if market == ON_DEMAND:
            room = min(room, maximum_on_demand - od_used)
        room = max(room, 0)
        placed[(role, market)] = room
        left -= room
        core_used += room if role == CORE else 0
        od_used += room if market == ON_DEMAND else 0
    return placed, left


_Point = list[tuple[int, int]]  # per node, in declaration order: (on-demand units, spot units)


def _capacity_points(spec: ClusterSpec, notes: list[str]) -> tuple[_Point, _Point]:
    """(on-demand, spot) units of every node at minimum and at maximum capacity."""
    ranges = [_declared_range(node) for node in spec.nodes]
    lows, highs = [low for low, _ in ranges], [high for _, high in ranges]
    if spec.limits is not None:
        _apply_limits(spec, spec.limits, lows, highs, notes)
    return lows, highs


def _declared_range(node: NodeSpec) -> tuple[tuple[int, int], tuple[int, int]]:
    declared = (node.on_demand, node.spot)
    if node.autoscaling is None or node.role == PRIMARY:
        return declared, declared
    low, high = node.autoscaling
    if node.markets == (ON_DEMAND,):
        return (low, 0), (high, 0)
    return (0, low), (0, high)


def _scaling_pools(nodes: Iterable[NodeSpec]) -> dict[tuple[str, str], int]:
    """(role, market) -> index of the first core/task node that can take that capacity."""
    pools: dict[tuple[str, str], int] = {}
    for i, node in enumerate(nodes):
        if node.role != PRIMARY:
            for market in node.markets:
                pools.setdefault((node.role, market), i)
    return pools


def _apply_limits(spec: ClusterSpec, limits: ComputeLimits, lows: _Point, highs: _Point, notes: list[str]) -> None:
    pools = _scaling_pools(spec.nodes)
    for i, node in enumerate(spec.nodes):
        if node.role == PRIMARY:
            continue
        lows[i] = highs[i] = (0, 0)
        if i not in pools.values():
            notes.append(f"{node.role} {node.kind} {node.name!r} is counted as zero under managed scaling")
    for label, total, point in (
        ("minimum", limits.minimum, lows),
        ("maximum", limits.maximum, highs),
    ):
        placed, left = split_capacity(
            total,
            maximum_core=limits.maximum_core,
            maximum_on_demand=limits.maximum_on_demand,
            pools=pools.keys(),
        )
        if left:
            notes.append(
                f"{left} {limits.unit_type} of the {label} capacity fit no fleet within "
                "MaximumCoreCapacityUnits/MaximumOnDemandCapacityUnits; not counted"
            )
        for (role, market), units in placed.items():
            i = pools[(role, market)]
            od, spot = point[i]
            point[i] = (od + units, spot) if market == ON_DEMAND else (od, spot + units)
