"""Hourly cost per team of an ``EmrPlatform``, against the team's budget (standard library only).

Each platform cluster's ``AWS::EMR::Cluster`` carries the ``Metadata`` entry
``"cdk-emr:team": {"name": ..., "max_hourly_usd": ...}`` (written by
:meth:`cdk_emr.platform.EmrPlatform.add_cluster`). The clusters are priced by
:mod:`cdk_emr.ops.cost` and added up per stack and team; clusters without the entry are
reported under :data:`NO_TEAM`. A team is within budget when the maximum hourly cost of its
clusters together is at most ``max_hourly_usd`` (the rule the platform checks at synth).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cdk_emr.ops.cost import DEFAULT_REGION, ClusterEstimate, estimate_stacks
from cdk_emr.ops.pricing import PriceBook

TEAM_METADATA = "cdk-emr:team"
"""The ``Metadata`` key naming a cluster's team and budget (one home: the platform writes it)."""
SHARED = "shared"
"""The team name of a platform's shared clusters."""
NO_TEAM = "(no team)"
"""Where clusters that are not a platform's are reported."""


@dataclass(frozen=True)
class TeamCost:
    """One team's clusters in one stack, priced, and its budget."""

    stack: str
    team: str
    max_hourly_usd: float | None
    clusters: tuple[ClusterEstimate, ...]

    @property
    def hourly_min(self) -> float:
        """USD per hour with every cluster at minimum capacity."""
        return sum(c.hourly_min for c in self.clusters)

    @property
    def hourly_max(self) -> float:
        """USD per hour with every cluster at maximum capacity."""
        return sum(c.hourly_max for c in self.clusters)

    @property
    def within_budget(self) -> bool | None:
        """Whether :attr:`hourly_max` is at most the budget (None without a budget)."""
        return None if self.max_hourly_usd is None else self.hourly_max <= self.max_hourly_usd

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (USD per hour)."""
        return {
            "stack": self.stack,
            "team": self.team,
            "clusters": [c.cluster for c in self.clusters],
            "hourly_min": round(self.hourly_min, 6),
            "hourly_max": round(self.hourly_max, 6),
            "max_hourly_usd": self.max_hourly_usd,
            "within_budget": self.within_budget,
            "currency": "USD",
        }


def team_of(template: Mapping[str, Any], logical_id: str) -> tuple[str, float | None]:
    """The team and budget a cluster's metadata names, or :data:`NO_TEAM` and no budget."""
    resource = (template.get("Resources") or {}).get(logical_id) or {}
    entry = (resource.get("Metadata") or {}).get(TEAM_METADATA)
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        return NO_TEAM, None
    budget = entry.get("max_hourly_usd")
    return entry["name"], float(budget) if isinstance(budget, (int, float)) and not isinstance(budget, bool) else None


def team_costs(
    path: str | os.PathLike[str],
    *,
    region: str = DEFAULT_REGION,
    spot_discount: float | None = None,
    spot_prices: Mapping[str, float] | None = None,
    prices: PriceBook | None = None,
) -> list[TeamCost]:
    """Every team's clusters in a template file or ``cdk.out``, per stack, in the order they appear."""
    teams: dict[tuple[str, str], tuple[float | None, list[ClusterEstimate]]] = {}
    for stack, estimates in estimate_stacks(
        path, region=region, spot_discount=spot_discount, spot_prices=spot_prices, prices=prices
    ):
        for estimate in estimates:
            team, budget = team_of(stack.template, estimate.logical_id)
            teams.setdefault((stack.name, team), (budget, []))[1].append(estimate)
    return [
        TeamCost(stack=stack, team=team, max_hourly_usd=budget, clusters=tuple(clusters))
        for (stack, team), (budget, clusters) in teams.items()
    ]
