"""Hourly cost of the EMR clusters in a synthesized template or a ``cdk.out`` directory.

Reads ``AWS::EMR::Cluster`` resources (instance fleets or instance groups, plus separate
``AWS::EMR::InstanceFleetConfig`` / ``AWS::EMR::InstanceGroupConfig`` resources that ``Ref`` the
cluster) and prices them with the dated snapshot of :mod:`cdk_emr.ops.pricing`. All figures are
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

import json
import math
import os
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from cdk_emr.ops.pricing import (
    APPROXIMATION_LABEL,
    CostEstimateError,
    EbsGp3Price,
    InstancePrice,
    PriceBook,
    load_prices,
)
from cdk_emr.ops.templates import StackTemplate, TemplateLoadError, load_stack_templates

DEFAULT_REGION = "us-east-1"
HOURS_PER_MONTH = 730  # the AWS convention for turning monthly prices into hourly ones
ON_DEMAND = "ON_DEMAND"
SPOT = "SPOT"
PRIMARY, CORE, TASK = "primary", "core", "task"
UNIT_TYPES = ("InstanceFleetUnits", "Instances", "VCPU")
_SCALING_ORDER = ((CORE, ON_DEMAND), (CORE, SPOT), (TASK, ON_DEMAND), (TASK, SPOT))


class TemplateError(CostEstimateError, TemplateLoadError):
    """A template or ``cdk.out`` directory that cannot be read or priced."""


# --- what the template declares -----------------------------------------------------------------


@dataclass(frozen=True)
class Volume:
    """One ``EbsBlockDeviceConfigs`` entry."""

    size_gb: int
    volume_type: str
    count: int = 1
    iops: int | None = None
    throughput: int | None = None


@dataclass(frozen=True)
class TypeConfig:
    """One instance type a fleet may launch (a group has exactly one)."""

    instance_type: str
    weight: int = 1
    volumes: tuple[Volume, ...] = ()


@dataclass(frozen=True)
class NodeSpec:
    """A fleet or an instance group as declared."""

    name: str
    role: str  # primary | core | task
    kind: str  # fleet | group
    configs: tuple[TypeConfig, ...]
    on_demand: int  # declared units (fleet) or instances (group)
    spot: int
    markets: tuple[str, ...]
    autoscaling: tuple[int, int] | None = None  # a group's custom AutoScalingPolicy min/max


@dataclass(frozen=True)
class ComputeLimits:
    """``ManagedScalingPolicy.ComputeLimits``, defaults applied."""

    unit_type: str
    minimum: int
    maximum: int
    maximum_on_demand: int
    maximum_core: int


@dataclass(frozen=True)
class ClusterSpec:
    """An ``AWS::EMR::Cluster`` with the fleets or groups that belong to it."""

    stack: str
    logical_id: str
    name: str
    region: str
    nodes: tuple[NodeSpec, ...]
    limits: ComputeLimits | None
    notes: tuple[str, ...] = ()


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
    for st in load_stacks(path, region=region):
        estimates += estimate_template(
            st.template,
            stack=st.name,
            region=st.region or region,
            spot_discount=spot_discount,
            spot_prices=spot_prices,
            prices=prices,
        )
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
    return "InstanceFleetUnits" if node.kind == "fleet" else "Instances"


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


# --- reading templates --------------------------------------------------------------------------


def load_stacks(path: str | os.PathLike[str], *, region: str = DEFAULT_REGION) -> list[StackTemplate]:
    """The stacks under ``path`` (see :func:`cdk_emr.ops.templates.load_stack_templates`).

    Each stack gets its environment's region, or ``region`` where that is unknown (a bare
    template file, a region-agnostic stack). Load errors are raised as :class:`TemplateError`.
    """
    try:
        stacks = load_stack_templates(path)
    except TemplateLoadError as error:
        raise TemplateError(str(error)) from error
    return [replace(stack, region=stack.region or region) for stack in stacks]


def _is_intrinsic(raw: Any) -> bool:
    """A ``{"Ref": ...}`` or ``{"Fn::...": ...}`` expression."""
    if not isinstance(raw, dict) or len(raw) != 1:
        return False
    key = str(next(iter(raw)))
    return key == "Ref" or key.startswith("Fn::")


class _Reader:
    """Reads template values; ``Ref`` to a parameter with a default resolves, other
    CloudFormation expressions are errors that name the field."""

    def __init__(self, template: Mapping[str, Any], stack: str) -> None:
        self.parameters = template.get("Parameters") or {}
        self.stack = stack

    def fail(self, where: str, problem: str) -> TemplateError:
        return TemplateError(f"{self.stack}: {where} {problem}")

    def value(self, raw: Any, where: str) -> Any:
        if not _is_intrinsic(raw):
            return raw
        param = self.parameters.get(raw.get("Ref")) if isinstance(raw.get("Ref"), str) else None
        if isinstance(param, dict) and "Default" in param:
            return param["Default"]
        shown = json.dumps(raw)
        shown = shown if len(shown) <= 120 else shown[:117] + "..."
        raise self.fail(
            where,
            f"is {shown}, a CloudFormation expression that cannot be resolved offline; "
            "give it a literal value to estimate this cluster",
        )

    def mapping(self, raw: Any, where: str) -> Mapping[str, Any]:
        value = self.value(raw if raw is not None else {}, where)
        if not isinstance(value, dict):
            raise self.fail(where, f"is {value!r}, not an object")
        return value

    def sequence(self, raw: Any, where: str) -> list[Any]:
        value = self.value(raw if raw is not None else [], where)
        if not isinstance(value, list):
            raise self.fail(where, f"is {value!r}, not a list")
        return value

    def integer(self, raw: Any, where: str, default: int | None = None) -> int:
        if raw is None:
            if default is None:
                raise self.fail(where, "is missing")
            return default
        value = self.value(raw, where)
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise self.fail(where, f"is {value!r}, not a number") from None
        if not number.is_integer() or number < 0:
            raise self.fail(where, f"is {value!r}, not a whole number >= 0")
        return int(number)

    def text(self, raw: Any, where: str, default: str | None = None) -> str:
        if raw is None:
            if default is None:
                raise self.fail(where, "is missing")
            return default
        value = self.value(raw, where)
        if not isinstance(value, str):
            raise self.fail(where, f"is {value!r}, not a string")
        return value


def parse_clusters(template: Mapping[str, Any], *, stack: str, region: str) -> list[ClusterSpec]:
    """Every ``AWS::EMR::Cluster`` of a template, with its fleets/groups and scaling limits."""
    reader = _Reader(template, stack)
    resources: Mapping[str, Any] = template.get("Resources") or {}
    extra, stack_notes = _separate_configs(resources, reader)
    clusters = []
    for logical_id, res in resources.items():
        if not isinstance(res, dict) or res.get("Type") != "AWS::EMR::Cluster":
            continue
        props = reader.mapping(res.get("Properties"), f"{logical_id}.Properties")
        name = props.get("Name")
        clusters.append(
            ClusterSpec(
                stack=stack,
                logical_id=logical_id,
                name=name if isinstance(name, str) else logical_id,
                region=region,
                nodes=tuple(_cluster_nodes(props, reader, logical_id) + extra.get(logical_id, [])),
                limits=_limits(props, reader, logical_id),
                notes=tuple(stack_notes),
            )
        )
    return clusters


def _cluster_nodes(props: Mapping[str, Any], reader: _Reader, logical_id: str) -> list[NodeSpec]:
    where = f"{logical_id}.Instances"
    instances = reader.mapping(props.get("Instances"), where)
    nodes: list[NodeSpec] = []
    for key, role, build in (
        ("MasterInstanceFleet", PRIMARY, _fleet),
        ("CoreInstanceFleet", CORE, _fleet),
        ("MasterInstanceGroup", PRIMARY, _group),
        ("CoreInstanceGroup", CORE, _group),
    ):
        if key in instances:
            nodes.append(build(instances[key], role, reader, f"{where}.{key}"))
    for key, build in (("TaskInstanceFleets", _fleet), ("TaskInstanceGroups", _group)):
        for i, spec in enumerate(reader.sequence(instances.get(key), f"{where}.{key}")):
            nodes.append(build(spec, TASK, reader, f"{where}.{key}[{i}]"))
    return nodes


_SEPARATE_CONFIGS = {
    "AWS::EMR::InstanceFleetConfig": ("ClusterId", "InstanceFleetType"),
    "AWS::EMR::InstanceGroupConfig": ("JobFlowId", "InstanceRole"),
}


def _separate_configs(resources: Mapping[str, Any], reader: _Reader) -> tuple[dict[str, list[NodeSpec]], list[str]]:
    """``InstanceFleetConfig`` / ``InstanceGroupConfig`` resources, by their cluster's id."""
    by_cluster: dict[str, list[NodeSpec]] = {}
    notes: list[str] = []
    for logical_id, res in resources.items():
        kind = res.get("Type") if isinstance(res, dict) else None
        if kind not in _SEPARATE_CONFIGS:
            continue
        cluster_key, role_key = _SEPARATE_CONFIGS[kind]
        props = reader.mapping(res.get("Properties"), f"{logical_id}.Properties")
        target = props.get(cluster_key)
        cluster_id = target.get("Ref") if isinstance(target, dict) else None
        if not isinstance(cluster_id, str) or cluster_id not in resources:
            notes.append(f"{logical_id} skipped: its {cluster_key} is not a Ref to a cluster in the stack")
            continue
        role = reader.text(props.get(role_key), f"{logical_id}.{role_key}", "TASK").lower()
        role = PRIMARY if role == "master" else role
        build = _fleet if kind == "AWS::EMR::InstanceFleetConfig" else _group
        by_cluster.setdefault(cluster_id, []).append(build(props, role, reader, logical_id))
    return by_cluster, notes


def _name(spec: Mapping[str, Any], default: str) -> str:
    name = spec.get("Name")
    return name if isinstance(name, str) else default


def _fleet(raw: Any, role: str, reader: _Reader, where: str) -> NodeSpec:
    spec = reader.mapping(raw, where)
    at = f"{where}.InstanceTypeConfigs"
    configs = tuple(
        _type_config(c, reader, f"{at}[{i}]") for i, c in enumerate(reader.sequence(spec.get("InstanceTypeConfigs"), at))
    )
    if not configs:
        raise reader.fail(at, "is empty")
    return NodeSpec(
        name=_name(spec, role),
        role=role,
        kind="fleet",
        configs=configs,
        on_demand=reader.integer(spec.get("TargetOnDemandCapacity"), f"{where}.TargetOnDemandCapacity", 0),
        spot=reader.integer(spec.get("TargetSpotCapacity"), f"{where}.TargetSpotCapacity", 0),
        markets=(ON_DEMAND, SPOT),
    )


def _type_config(raw: Any, reader: _Reader, where: str) -> TypeConfig:
    spec = reader.mapping(raw, where)
    weight = reader.integer(spec.get("WeightedCapacity"), f"{where}.WeightedCapacity", 1)
    if weight < 1:
        raise reader.fail(f"{where}.WeightedCapacity", f"is {weight}; it must be at least 1")
    return TypeConfig(
        instance_type=reader.text(spec.get("InstanceType"), f"{where}.InstanceType"),
        weight=weight,
        volumes=_volumes(spec.get("EbsConfiguration"), reader, f"{where}.EbsConfiguration"),
    )


def _group(raw: Any, role: str, reader: _Reader, where: str) -> NodeSpec:
    spec = reader.mapping(raw, where)
    market = reader.text(spec.get("Market"), f"{where}.Market", ON_DEMAND).upper()
    if market not in (ON_DEMAND, SPOT):
        raise reader.fail(f"{where}.Market", f"is {market!r}; expected ON_DEMAND or SPOT")
    count = reader.integer(spec.get("InstanceCount"), f"{where}.InstanceCount")
    config = TypeConfig(
        instance_type=reader.text(spec.get("InstanceType"), f"{where}.InstanceType"),
        volumes=_volumes(spec.get("EbsConfiguration"), reader, f"{where}.EbsConfiguration"),
    )
    return NodeSpec(
        name=_name(spec, role),
        role=role,
        kind="group",
        configs=(config,),
        on_demand=count if market == ON_DEMAND else 0,
        spot=count if market == SPOT else 0,
        markets=(market,),
        autoscaling=_group_autoscaling(spec.get("AutoScalingPolicy"), reader, where),
    )


def _group_autoscaling(raw: Any, reader: _Reader, where: str) -> tuple[int, int] | None:
    if not raw:
        return None
    at = f"{where}.AutoScalingPolicy.Constraints"
    policy = reader.mapping(raw, f"{where}.AutoScalingPolicy")
    constraints = reader.mapping(policy.get("Constraints"), at)
    low = reader.integer(constraints.get("MinCapacity"), f"{at}.MinCapacity")
    high = reader.integer(constraints.get("MaxCapacity"), f"{at}.MaxCapacity")
    if low > high:
        raise reader.fail(at, f"has MinCapacity {low} above MaxCapacity {high}")
    return low, high


def _volumes(raw: Any, reader: _Reader, where: str) -> tuple[Volume, ...]:
    if not raw:
        return ()
    ebs = reader.mapping(raw, where)
    at = f"{where}.EbsBlockDeviceConfigs"
    return tuple(
        _volume(device, reader, f"{at}[{i}]") for i, device in enumerate(reader.sequence(ebs.get("EbsBlockDeviceConfigs"), at))
    )


def _volume(raw: Any, reader: _Reader, where: str) -> Volume:
    device = reader.mapping(raw, where)
    at = f"{where}.VolumeSpecification"
    vs = reader.mapping(device.get("VolumeSpecification"), at)

    def optional(key: str) -> int | None:
        return None if vs.get(key) is None else reader.integer(vs[key], f"{at}.{key}")

    return Volume(
        size_gb=reader.integer(vs.get("SizeInGB"), f"{at}.SizeInGB"),
        volume_type=reader.text(vs.get("VolumeType"), f"{at}.VolumeType"),
        count=reader.integer(device.get("VolumesPerInstance"), f"{where}.VolumesPerInstance", 1),
        iops=optional("Iops"),
        throughput=optional("Throughput"),
    )


def _limits(props: Mapping[str, Any], reader: _Reader, logical_id: str) -> ComputeLimits | None:
    if not props.get("ManagedScalingPolicy"):
        return None
    where = f"{logical_id}.ManagedScalingPolicy"
    policy = reader.mapping(props["ManagedScalingPolicy"], where)
    at = f"{where}.ComputeLimits"
    raw = reader.mapping(policy.get("ComputeLimits"), at)
    if not raw:
        return None
    unit_type = reader.text(raw.get("UnitType"), f"{at}.UnitType")
    if unit_type not in UNIT_TYPES:
        raise reader.fail(f"{at}.UnitType", f"is {unit_type!r}; expected one of {', '.join(UNIT_TYPES)}")
    low = reader.integer(raw.get("MinimumCapacityUnits"), f"{at}.MinimumCapacityUnits")
    high = reader.integer(raw.get("MaximumCapacityUnits"), f"{at}.MaximumCapacityUnits")
    if low > high:
        raise reader.fail(at, f"has MinimumCapacityUnits {low} above MaximumCapacityUnits {high}")

    def limit(key: str) -> int:
        return reader.integer(raw.get(key), f"{at}.{key}", high)

    return ComputeLimits(
        unit_type=unit_type,
        minimum=low,
        maximum=high,
        maximum_on_demand=limit("MaximumOnDemandCapacityUnits"),
        maximum_core=limit("MaximumCoreCapacityUnits"),
    )
