"""``cdk-emr cost`` through click's CliRunner: the table, --json, options and the error paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cdk_emr.cli import main
from cdk_emr.cli.cost import cost

FIXTURES = Path(__file__).parent / "fixtures"
FLEET = str(FIXTURES / "fleet_cluster.template.json")
GROUPS = str(FIXTURES / "group_cluster.template.json")


def run(*args: str):
    return CliRunner().invoke(cost, list(args))


def test_is_a_subcommand_of_cdk_emr():
    assert main.get_command(None, "cost") is cost  # type: ignore[arg-type]


def test_prints_a_table_per_cluster_with_a_row_per_fleet_and_the_saving():
    result = run(FLEET)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "fleet_cluster / analytics (us-east-1, declared capacity)" in out
    for row in ("Primary", "Core", "Task", "Total"):
        assert row in out
    assert "0 + 4" in out  # task fleet: 0 On-Demand + 4 Spot instances
    assert "1.7040" in out and "2.4656" in out  # hourly and all-On-Demand, hand-computed in test_cost.py
    assert "30.9% at maximum" in out
    assert "approximation: 25% of EC2 (S6 ratio) for: c5.2xlarge" in out


def test_json_is_a_list_with_one_object_per_cluster():
    result = run(str(FIXTURES / "assembly"), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [(d["stack"], d["cluster"], d["region"]) for d in data] == [
        ("EmrPlatformStack", "platform", "eu-west-1"),
        ("AgnosticStack", "SingleNode", "us-east-1"),
    ]
    for d in data:
        assert {
            "stack",
            "cluster",
            "hourly_min",
            "hourly_max",
            "on_demand_equivalent_max",
        } <= d.keys()
    assert data[0]["hourly_max"] == pytest.approx(0.8025)


def test_region_option_applies_to_a_bare_template():
    data = json.loads(run(GROUPS, "--json", "--region", "eu-west-1").output)
    assert data[0]["region"] == "eu-west-1"
    assert data[0]["fleets"][0]["max"]["hourly"] == pytest.approx(0.214 + 0.0535)


def test_spot_discount_and_spot_price_options():
    by_discount = json.loads(run(FLEET, "--json", "--spot-discount", "0.7").output)[0]
    assert by_discount["hourly_max"] == pytest.approx(1.5135890411, abs=1e-6)
    by_price = json.loads(run(FLEET, "--json", "--spot-price", "m5.2xlarge=0.10").output)[0]
    assert by_price["hourly_max"] == pytest.approx(1.5495890411, abs=1e-6)
    assert by_price["fleets"][2]["max"]["instances"][0]["instance_type"] == "m5.2xlarge"


def test_unknown_instance_type_exits_2_naming_type_region_and_known_types(tmp_path):
    tpl = json.loads(Path(GROUPS).read_text())
    tpl["Resources"]["BatchTaskGroup"]["Properties"]["InstanceType"] = "x9.mega"
    path = tmp_path / "bad.template.json"
    path.write_text(json.dumps(tpl))
    result = run(str(path))
    assert result.exit_code == 2
    assert "x9.mega" in result.output and "us-east-1" in result.output and "m5.xlarge" in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_unknown_region_exits_2():
    result = run(GROUPS, "--region", "ap-south-1")
    assert result.exit_code == 2
    assert "ap-south-1" in result.output and "eu-west-1, us-east-1" in result.output


def test_missing_path_exits_2(tmp_path):
    result = run(str(tmp_path / "missing.template.json"))
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_unresolvable_value_exits_2_naming_the_field(tmp_path):
    tpl = json.loads(Path(FLEET).read_text())
    fleets = tpl["Resources"]["AnalyticsCluster"]["Properties"]["Instances"]["TaskInstanceFleets"]
    fleets[0]["TargetSpotCapacity"] = {"Fn::GetAtt": ["Sizing", "Units"]}
    path = tmp_path / "intrinsic.template.json"
    path.write_text(json.dumps(tpl))
    result = run(str(path))
    assert result.exit_code == 2
    assert "TaskInstanceFleets[0].TargetSpotCapacity" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["--spot-price", "m5.xlarge"],
        ["--spot-price", "m5.xlarge=cheap"],
        ["--spot-discount", "1.5"],
    ],
)
def test_bad_spot_options_exit_2(args):
    result = run(FLEET, *args)
    assert result.exit_code == 2


def test_template_without_clusters_says_so(tmp_path):
    path = tmp_path / "empty.template.json"
    path.write_text(json.dumps({"Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}}}))
    result = run(str(path))
    assert result.exit_code == 0
    assert "No AWS::EMR::Cluster found" in result.output
    assert json.loads(run(str(path), "--json").output) == []
