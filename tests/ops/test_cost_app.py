"""`cdk-emr cost` on the app's own profiles, checked against figures computed by hand."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cdk_emr.cli import main

# us-east-1, prices.md: m6g.xlarge EC2 0.154 USD/h (S1), EMR fee 25% of EC2 (approximation),
# Spot Advisor saving 68% (S3); gp3 0.08 USD/GB-month (S7) for the 64 GiB volume per instance.
EBS = 64 * 0.08 / 730
ON_DEMAND = 0.154 + 0.154 * 0.25 + EBS  # 0.19951 USD/h
SPOT = 0.154 * (1 - 0.68) + 0.154 * 0.25 + EBS  # 0.09479 USD/h
# c7g.xlarge, also in the dev task fleet: EC2 0.145 (S1), saving 62% (S3): cheaper on demand
# than m6g.xlarge, dearer on spot (0.09141 + EBS vs 0.08778 + EBS).
C7G_ON_DEMAND = 0.145 * 1.25 + EBS  # 0.18826 USD/h


def cost_json(outdir) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    result = CliRunner().invoke(main, ["cost", str(outdir), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_dev_profile_cost_matches_the_hand_computed_figures(dev_app) -> None:  # type: ignore[no-untyped-def]
    [dev] = cost_json(dev_app.outdir)
    assert (dev["stack"], dev["cluster"]) == ("CdkEmr-dev", "cdk-emr-dev")
    # minimum: 1 primary + 1 core on-demand + 1 task spot (managed-scaling minimum 2 units)
    assert dev["hourly_min"] == pytest.approx(2 * ON_DEMAND + SPOT, abs=1e-4)
    # maximum: 6 units, core <= 1 on-demand, the other 5 on spot task nodes
    assert dev["hourly_max"] == pytest.approx(2 * ON_DEMAND + 5 * SPOT, abs=1e-4)
    # all on-demand: primary and core m6g.xlarge, the 5 task units on the cheapest on-demand type
    assert dev["on_demand_equivalent_max"] == pytest.approx(2 * ON_DEMAND + 5 * C7G_ON_DEMAND, abs=1e-4)


def test_prod_profile_prices_the_teams_clusters(prod_app) -> None:  # type: ignore[no-untyped-def]
    estimates = {(e["stack"], e["cluster"]): e for e in cost_json(prod_app.outdir)}
    # the KDC stack runs EC2 KDC servers, no EMR cluster: the EMR cost estimate has nothing to price there
    assert set(estimates) == {("CdkEmr-prod", "cdk-emr-prod-analytics"), ("CdkEmr-prod", "cdk-emr-prod-ml")}
    prod = estimates[("CdkEmr-prod", "cdk-emr-prod-analytics")]
    assert prod["hourly_min"] < prod["hourly_max"] < prod["on_demand_equivalent_max"]


# The ml team's cluster at its maximum (10 units, core and on-demand at most 2), prices.md us-east-1:
# primary 1 x m6g.xlarge on-demand; core 2 x r6g.xlarge on-demand (0.2016 EC2, cheaper than
# r7g.xlarge's 0.2142); task 8 x m7g.2xlarge on spot (0.3264 EC2, Spot Advisor saving 64%: 0.1175,
# cheaper than r7g.2xlarge 0.4284 x 0.33 and r6g.2xlarge 0.4032 x 0.37); EMR fees 25% of EC2 On-Demand.
ML_MAX = ON_DEMAND + 2 * (0.2016 * 1.25 + EBS) + 8 * (0.3264 * 0.36 + 0.3264 * 0.25 + EBS)  # 2.36648 USD/h


def test_cost_by_team_reports_each_team_against_its_budget(prod_app) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(main, ["cost", str(prod_app.outdir), "--by-team", "--json"])
    assert result.exit_code == 0, result.output
    teams = {(t["stack"], t["team"]): t for t in json.loads(result.output)}
    assert set(teams) == {("CdkEmr-prod", "analytics"), ("CdkEmr-prod", "ml")}  # the KDC stack has no EMR cluster
    ml = teams[("CdkEmr-prod", "ml")]
    assert ml["hourly_max"] == pytest.approx(ML_MAX, abs=1e-4)
    assert (ml["max_hourly_usd"], ml["within_budget"], ml["clusters"]) == (3.0, True, ["cdk-emr-prod-ml"])
    assert teams[("CdkEmr-prod", "analytics")]["max_hourly_usd"] == 10.0
    table = CliRunner().invoke(main, ["cost", str(prod_app.outdir), "--by-team"])
    assert table.exit_code == 0 and "Cost per team against its budget" in table.output


def test_cost_table_names_each_fleet(prod_app) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(main, ["cost", str(prod_app.outdir)])
    assert result.exit_code == 0
    assert "cdk-emr-prod" in result.output and "Saving against all On-Demand" in result.output
