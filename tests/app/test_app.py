"""The CDK app: profiles, what each synthesizes, and app.py run the way the cdk CLI runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from stacks.profiles import PROFILES, get_profile

REPO = Path(__file__).resolve().parents[2]


def test_unknown_profile_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"profile='staging': choose one of batch, dev, prod"):
        get_profile("staging")


def test_dev_is_the_default_profile() -> None:
    assert get_profile(None) is PROFILES["dev"]


@pytest.mark.parametrize("profile", ["dev", "batch", "prod"])
def test_app_synthesizes_a_complete_platform(profile: str, request: pytest.FixtureRequest) -> None:
    app = request.getfixturevalue(f"{profile}_app")
    types = {r["Type"] for t in app.templates.values() for r in t["Resources"].values()}
    assert {
        "AWS::EMR::Cluster",
        "AWS::EMR::SecurityConfiguration",
        "AWS::KMS::Key",
        "AWS::IAM::Role",
        "AWS::IAM::ManagedPolicy",
        "AWS::IAM::InstanceProfile",
        "AWS::EC2::VPC",
        "AWS::EC2::FlowLog",
        "AWS::S3::Bucket",
        "AWS::SecretsManager::Secret",
    } <= types


def test_dev_is_small_cheap_and_self_terminating(dev_app) -> None:  # type: ignore[no-untyped-def]
    [cluster] = dev_app.resources("AWS::EMR::Cluster").values()
    props = cluster["Properties"]
    instances = props["Instances"]
    assert instances["MasterInstanceFleet"]["TargetOnDemandCapacity"] == 1
    task = instances["TaskInstanceFleets"][0]
    assert task["TargetSpotCapacity"] >= 1 and task["TargetOnDemandCapacity"] == 0
    assert task["LaunchSpecifications"]["SpotSpecification"]["AllocationStrategy"] == "price-capacity-optimized"
    assert props["AutoTerminationPolicy"]["IdleTimeout"] == 3600
    assert instances["TerminationProtected"] is False
    assert len(dev_app.resources("AWS::EC2::NatGateway")) == 1
    assert props["Steps"][0]["HadoopJarStep"]["Args"][:2] == ["spark-example", "SparkPi"]


def _prod_cluster(prod_app, name: str):  # type: ignore[no-untyped-def]
    [cluster] = [c for c in prod_app.resources("AWS::EMR::Cluster").values() if c["Properties"]["Name"] == name]
    return cluster


def test_prod_is_highly_available_and_protected(prod_app) -> None:  # type: ignore[no-untyped-def]
    cluster = _prod_cluster(prod_app, "cdk-emr-prod-analytics")
    props = cluster["Properties"]
    instances = props["Instances"]
    primary = instances["MasterInstanceFleet"]
    assert (primary["TargetOnDemandCapacity"], primary["TargetSpotCapacity"]) == (3, 0)
    assert instances["CoreInstanceFleet"]["TargetOnDemandCapacity"] >= 4
    task = instances["TaskInstanceFleets"][0]
    assert len(task["InstanceTypeConfigs"]) >= 3 and task["TargetSpotCapacity"] > 0
    limits = props["ManagedScalingPolicy"]["ComputeLimits"]
    assert limits["MaximumCoreCapacityUnits"] == 4 and limits["MaximumOnDemandCapacityUnits"] == 4
    assert instances["TerminationProtected"] is True
    assert props["PlacementGroupConfigs"] == [{"InstanceRole": "MASTER", "PlacementStrategy": "SPREAD"}]
    assert instances["UnhealthyNodeReplacement"] is True
    assert "AutoTerminationPolicy" not in props
    assert "Steps" not in props
    assert len(prod_app.all_resources("AWS::EC2::NatGateway")) == 2
    endpoints = prod_app.all_resources("AWS::EC2::VPCEndpoint").values()
    assert len([e for e in endpoints if e["Properties"]["VpcEndpointType"] == "Interface"]) == 7
    assert any(c["Classification"] == "hive-site" for c in props["Configurations"])


def test_outputs_name_the_cluster_and_its_buckets(dev_app) -> None:  # type: ignore[no-untyped-def]
    assert set(dev_app.template["Outputs"]) >= {"ClusterId", "LogUri", "DataBucketName", "SecurityConfigurationName"}


def test_app_py_runs_like_the_cdk_cli_runs_it(tmp_path: Path) -> None:
    """``python app.py`` with CDK_OUTDIR and CDK_CONTEXT_JSON, no AWS account, no network."""
    context = json.loads((REPO / "cdk.json").read_text())["context"] | {"profile": "prod"}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CDK_DEFAULT"))}
    env |= {
        "CDK_OUTDIR": str(tmp_path),
        "CDK_CONTEXT_JSON": json.dumps(context),
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "1",
    }
    result = subprocess.run([sys.executable, "app.py"], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    stack = manifest["artifacts"]["CdkEmr-prod"]
    assert stack["environment"] == "aws://123456789012/us-east-1"
    assert manifest["artifacts"]["CdkEmr-prod"]["dependencies"][0] == "CdkEmr-prod-kdc"
    template = json.loads((tmp_path / "CdkEmr-prod-kdc.template.json").read_text())
    subnets = [r for r in template["Resources"].values() if r["Type"] == "AWS::EC2::Subnet"]
    assert {s["Properties"]["AvailabilityZone"] for s in subnets} == {"us-east-1a", "us-east-1b"}


def test_prod_is_a_platform_of_two_teams_each_with_its_cluster_budget_and_runtime_role(prod_app) -> None:  # type: ignore[no-untyped-def]
    clusters = prod_app.resources("AWS::EMR::Cluster").values()
    teams = {c["Metadata"]["cdk-emr:team"]["name"]: c for c in clusters}
    assert {name: c["Metadata"]["cdk-emr:team"]["max_hourly_usd"] for name, c in teams.items()} == {"analytics": 10.0, "ml": 3.0}
    for name, cluster in teams.items():
        tags = {t["Key"]: t["Value"] for t in cluster["Properties"]["Tags"]}
        assert (tags["cdk-emr:team"], tags["cdk-emr:profile"], tags["cost-center"]) == (name, "prod", f"cc-{name}")
        assert cluster["Properties"]["Instances"]["TerminationProtected"] is True
    ml = _prod_cluster(prod_app, "cdk-emr-prod-ml")["Properties"]["Instances"]
    assert ml["MasterInstanceFleet"]["TargetOnDemandCapacity"] == 1
    outputs = prod_app.template["Outputs"]
    assert {"ClusterId", "AnalyticsClusterId", "AnalyticsRuntimeRoleArn", "MlClusterId", "MlRuntimeRoleArn"} <= set(outputs)
    assert outputs["ClusterId"]["Value"] == outputs["AnalyticsClusterId"]["Value"]
    # one key per purpose (data, disks, logs, secrets), one per team, the notification topic's
    assert len(prod_app.resources("AWS::KMS::Key")) == 7


def test_prod_has_dashboard_alarms_and_rules(prod_app) -> None:  # type: ignore[no-untyped-def]
    assert len(prod_app.resources("AWS::CloudWatch::Dashboard")) == 2  # one per team cluster
    assert {r["Properties"]["MetricName"] for r in prod_app.resources("AWS::CloudWatch::Alarm").values()} == {
        "MRUnhealthyNodes",
        "HDFSUtilization",
        "MissingBlocks",
        "CorruptBlocks",
        "ContainerPendingRatio",
        "IsIdle",
    }
    assert len(prod_app.resources("AWS::Events::Rule")) == 6  # 3 per cluster, to one topic
    [topic] = prod_app.resources("AWS::SNS::Topic").values()
    assert "KmsMasterKeyId" in topic["Properties"]
    assert {"NotificationTopicArn", "DashboardName"} <= set(prod_app.template["Outputs"])


def test_dev_alarms_skip_idleness_because_it_auto_terminates(dev_app) -> None:  # type: ignore[no-untyped-def]
    names = {r["Properties"]["MetricName"] for r in dev_app.resources("AWS::CloudWatch::Alarm").values()}
    assert "IsIdle" not in names and "HDFSUtilization" in names


def test_batch_profile_puts_core_on_spot_with_a_warning(batch_app) -> None:  # type: ignore[no-untyped-def]
    [cluster] = batch_app.resources("AWS::EMR::Cluster").values()
    instances = cluster["Properties"]["Instances"]
    core = instances["CoreInstanceFleet"]
    assert (core["TargetOnDemandCapacity"], core["TargetSpotCapacity"]) == (0, 2)
    assert core["LaunchSpecifications"]["SpotSpecification"]["AllocationStrategy"] == "price-capacity-optimized"
    assert cluster["Properties"]["ManagedScalingPolicy"]["ComputeLimits"]["MaximumOnDemandCapacityUnits"] == 0
    metadata = (batch_app.outdir / f"{batch_app.stack_name}.metadata.json").read_text()
    assert "cdk-emr:spotCoreNodes" in metadata and "HDFS blocks on a reclaimed core node" in metadata
