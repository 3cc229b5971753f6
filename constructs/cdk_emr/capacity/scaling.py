"""Managed scaling and auto-termination."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from aws_cdk import Duration
from aws_cdk import aws_emr as emr

from cdk_emr.capacity._coerce import coerce_enum
from cdk_emr.typecheck import typed
from cdk_emr.validation import Validator

IDLE_TIMEOUT_MIN_SECONDS = 60
IDLE_TIMEOUT_MAX_SECONDS = 604_800


class ScalingUnit(StrEnum):
    """Units of managed-scaling limits: fleet units for fleets; instances or vCPUs for groups."""

    INSTANCE_FLEET_UNITS = "InstanceFleetUnits"
    INSTANCES = "Instances"
    VCPU = "VCPU"


class ScalingStrategy(StrEnum):
    """How managed scaling weighs cost against performance (EMR 7.0+). ADVANCED uses the
    utilization/performance index; DEFAULT is EMR's original algorithm."""

    DEFAULT = "DEFAULT"
    ADVANCED = "ADVANCED"


UTILIZATION_PERFORMANCE_INDEXES = (1, 25, 50, 75, 100)
"""Allowed indexes: 1 favours utilization (cost), 100 favours performance, 50 balances."""


@typed
@dataclass(frozen=True, kw_only=True)
class ManagedScaling:
    """EMR managed scaling limits for the core and task nodes.

    ``max_core_capacity`` keeps HDFS nodes few (the rest of the growth goes to task nodes);
    ``max_on_demand_capacity`` caps on-demand units (the rest is spot).
    ``unit`` defaults to the cluster's capacity kind: fleet units for fleets, instances for groups.
    ``strategy=ScalingStrategy.ADVANCED`` with ``utilization_performance_index`` (1, 25, 50, 75 or
    100) tunes cost against speed on EMR 7.0+. Default: EMR's default strategy.
    """

    min_capacity: int
    max_capacity: int
    max_on_demand_capacity: int | None = None
    max_core_capacity: int | None = None
    unit: ScalingUnit | None = None
    strategy: ScalingStrategy | None = None
    utilization_performance_index: int | None = None

    def __post_init__(self) -> None:
        v = Validator("ManagedScaling")
        if self.unit is not None:
            object.__setattr__(self, "unit", coerce_enum(v, "unit", ScalingUnit, self.unit))
        v.check(self.min_capacity >= 1, "min_capacity", self.min_capacity, "1 or more units")
        v.check(
            self.min_capacity <= self.max_capacity,
            "min_capacity",
            self.min_capacity,
            f"at most max_capacity ({self.max_capacity})",
        )
        for prop in ("max_on_demand_capacity", "max_core_capacity"):
            value = getattr(self, prop)
            if value is not None:
                v.check(0 <= value <= self.max_capacity, prop, value, f"0 to max_capacity ({self.max_capacity})")
        if self.strategy is not None:
            object.__setattr__(self, "strategy", coerce_enum(v, "strategy", ScalingStrategy, self.strategy))
        index = self.utilization_performance_index
        if index is not None:
            v.check(
                index in UTILIZATION_PERFORMANCE_INDEXES,
                "utilization_performance_index",
                index,
                ", ".join(map(str, UTILIZATION_PERFORMANCE_INDEXES)),
            )
            v.check(
                self.strategy == ScalingStrategy.ADVANCED,
                "utilization_performance_index",
                index,
                "only with strategy=ScalingStrategy.ADVANCED",
            )
        v.raise_if_any()

    def _render(self, unit: ScalingUnit) -> emr.CfnCluster.ManagedScalingPolicyProperty:
        return emr.CfnCluster.ManagedScalingPolicyProperty(
            compute_limits=emr.CfnCluster.ComputeLimitsProperty(
                unit_type=unit.value,
                minimum_capacity_units=self.min_capacity,
                maximum_capacity_units=self.max_capacity,
                maximum_on_demand_capacity_units=self.max_on_demand_capacity,
                maximum_core_capacity_units=self.max_core_capacity,
            ),
            scaling_strategy=self.strategy.value if self.strategy else None,
            utilization_performance_index=self.utilization_performance_index,
        )


@typed
@dataclass(frozen=True, kw_only=True)
class AutoTermination:
    """Terminate the cluster after it has been idle for ``idle_timeout`` (default 1 hour).

    Allowed: 1 minute to 7 days. EMR judges idleness from YARN applications, HDFS use,
    notebooks and on-cluster UIs.
    """

    idle_timeout: Duration = Duration.hours(1)

    def __post_init__(self) -> None:
        v = Validator("AutoTermination")
        seconds = self.idle_timeout.to_seconds()
        v.check(
            IDLE_TIMEOUT_MIN_SECONDS <= seconds <= IDLE_TIMEOUT_MAX_SECONDS,
            "idle_timeout",
            f"{seconds:g} s",
            f"{IDLE_TIMEOUT_MIN_SECONDS} to {IDLE_TIMEOUT_MAX_SECONDS} seconds (1 minute to 7 days)",
        )
        v.raise_if_any()

    def _render(self) -> emr.CfnCluster.AutoTerminationPolicyProperty:
        return emr.CfnCluster.AutoTerminationPolicyProperty(idle_timeout=int(self.idle_timeout.to_seconds()))
