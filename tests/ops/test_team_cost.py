"""``cdk-emr cost --by-team``: a team's clusters added up against its budget (a hand-made template)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cdk_emr.cli import main
from cdk_emr.ops.team_cost import NO_TEAM, team_costs

# us-east-1, prices.md: m7g.xlarge EC2 On-Demand 0.1632 USD/h (S1), EMR fee 25% of EC2 (S6 ratio).
M7G_XLARGE = 0.1632 * 1.25  # 0.2040 USD/h, no EBS volume declared


def _cluster(name: str, team: dict[str, Any] | None) -> dict[str, Any]:
    fleet = {"InstanceTypeConfigs": [{"InstanceType": "m7g.xlarge"}], "TargetOnDemandCapacity": 1}
    resource: dict[str, Any] = {
        "Type": "AWS::EMR::Cluster",
        "Properties": {"Name": name, "Instances": {"MasterInstanceFleet": fleet, "CoreInstanceFleet": fleet}},
    }
    if team is not None:
        resource["Metadata"] = {"cdk-emr:team": team}
    return resource


@pytest.fixture
def template(tmp_path: Path) -> Path:
    path = tmp_path / "Platform.template.json"
    resources = {
        "A1": _cluster("a-etl", {"name": "a", "max_hourly_usd": 0.5}),
        "A2": _cluster("a-adhoc", {"name": "a", "max_hourly_usd": 0.5}),
        "B": _cluster("b-ml", {"name": "b", "max_hourly_usd": 1}),
        "Other": _cluster("other", None),
    }
    path.write_text(json.dumps({"Resources": resources}))
    return path


def test_a_teams_clusters_are_added_up_and_compared_with_its_budget(template: Path) -> None:
    teams = {t.team: t for t in team_costs(template)}
    # team a: 2 clusters x (primary + core) x 0.2040 = 0.8160 > 0.5
    assert teams["a"].hourly_max == pytest.approx(4 * M7G_XLARGE, abs=1e-6)
    assert [c.cluster for c in teams["a"].clusters] == ["a-etl", "a-adhoc"]
    assert teams["a"].within_budget is False
    assert teams["b"].hourly_max == pytest.approx(2 * M7G_XLARGE, abs=1e-6) and teams["b"].within_budget is True
    assert teams[NO_TEAM].max_hourly_usd is None and teams[NO_TEAM].within_budget is None


def test_the_command_exits_1_when_a_team_is_over_budget(template: Path) -> None:
    result = CliRunner().invoke(main, ["cost", str(template), "--by-team", "--json"])
    assert result.exit_code == 1
    rows = {row["team"]: row for row in json.loads(result.output)}
    assert (rows["a"]["hourly_max"], rows["a"]["max_hourly_usd"], rows["a"]["within_budget"]) == (0.816, 0.5, False)
    table = CliRunner().invoke(main, ["cost", str(template), "--by-team"])
    assert table.exit_code == 1 and "NO" in table.output
