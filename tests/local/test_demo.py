"""The local life cycle behind `make demo`: deploy, read back, step, rescale, terminate."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cdk_emr.cli import main
from cdk_emr.local.demo import DemoError, run_demo

# an instance launched from Amazon's AMI catalogue, as on AWS (moto's catalogue, see tests/conftest.py)
pytestmark = pytest.mark.usefixtures("amazon_amis")

REPO = Path(__file__).resolve().parents[2]


def test_dev_profile_life_cycle_with_boto3(dev_app) -> None:  # type: ignore[no-untyped-def]
    lines: list[str] = []
    result = run_demo(dev_app.outdir, deployer="boto3", say=lines.append)
    assert result.cluster_id.startswith("j-")
    assert result.states == {
        "after deploy": "WAITING",
        "after step": "WAITING",
        "after scaling": "WAITING",
        "at the end": "TERMINATED",
    }
    assert result.step_states == ["PENDING", "RUNNING", "COMPLETED"]
    assert [f["InstanceFleetType"] for f in result.fleets] == ["MASTER", "CORE", "TASK"]
    assert result.fleets[2]["TargetSpotCapacity"] == 1
    assert [a["Name"] for a in result.cluster["Applications"]] == ["Hadoop", "Spark", "Livy"]
    assert result.security_configuration["InstanceMetadataServiceConfiguration"]["MinimumInstanceMetadataServiceVersion"] == 2
    assert result.bootstrap_actions == ["Install Python packages"]
    assert result.startup_steps == ["Smoke test: SparkPi: COMPLETED"]
    before, after = result.scaling_before["ComputeLimits"], result.scaling_after["ComputeLimits"]
    assert after["MaximumCapacityUnits"] == before["MaximumCapacityUnits"] + 4
    assert result.cluster_after_update == result.cluster_id  # the second deploy updated in place
    assert result.blocked_changes == ["ClusterEB0386A7.ReleaseLabel: replacement"]
    data_bucket = f"s3://{result.outputs['DataBucketName']}"
    assert result.retained[data_bucket] == ["results/sparkpi.txt"]  # DeletionPolicy Retain keeps data
    assert any(name.startswith("kms:") for name in result.retained)
    text = "\n".join(lines)
    assert "▶ Deploy CdkEmr-dev" in text and "embedded AWS stopped" in text and result.cluster_id in text


def test_prod_profile_deploys_and_termination_protection_holds(prod_app) -> None:  # type: ignore[no-untyped-def]
    result = run_demo(prod_app.outdir, deployer="boto3", say=lambda _: None)
    assert result.fleets[0]["TargetOnDemandCapacity"] == 3
    assert result.cluster["TerminationProtected"] is True
    assert result.states["at the end"] == "WAITING"
    assert result.step_states[-1] == "COMPLETED"


@pytest.mark.skipif(
    shutil.which("npx") is None or not (REPO / "node_modules" / ".bin" / "cdk").exists(),
    reason="the aws-cdk CLI is not installed (make install)",
)
def test_dev_profile_deploys_with_the_real_cdk_cli(dev_app) -> None:  # type: ignore[no-untyped-def]
    result = run_demo(dev_app.outdir, deployer="cdk", cdk_command=f"{REPO}/node_modules/.bin/cdk", say=lambda _: None)
    assert result.states["after deploy"] == "WAITING"
    # cdk deploy (change sets) twice, then cdk destroy
    assert set(result.outputs) >= {"ClusterId", "LogUri", "DataBucketName", "SecurityConfigurationName"}
    assert result.cluster_after_update == result.cluster_id
    assert (
        result.scaling_after["ComputeLimits"]["MaximumCapacityUnits"]
        == result.scaling_before["ComputeLimits"]["MaximumCapacityUnits"] + 4
    )
    assert result.states["at the end"] == "TERMINATED"
    assert result.retained[f"s3://{result.outputs['DataBucketName']}"] == ["results/sparkpi.txt"]


def test_a_second_run_starts_from_a_fresh_server(dev_app) -> None:  # type: ignore[no-untyped-def]
    first = run_demo(dev_app.outdir, deployer="boto3", say=lambda _: None)
    second = run_demo(dev_app.outdir, deployer="boto3", say=lambda _: None)
    assert first.cluster_id != second.cluster_id
    assert second.states["after deploy"] == "WAITING"


def test_a_failing_cdk_command_is_a_clear_error(dev_app) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DemoError, match="cdk bootstrap failed"):
        run_demo(dev_app.outdir, deployer="cdk", cdk_command="false", say=lambda _: None)
    with pytest.raises(DemoError, match="not found"):
        run_demo(dev_app.outdir, deployer="cdk", cdk_command="no-such-cdk-binary", say=lambda _: None)


def test_cli_reports_a_missing_cdk_out_without_a_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["local", "demo", str(tmp_path / "missing")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "missing" in result.output
