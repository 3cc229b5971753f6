"""Deploy the synthesized dev app into moto (in-process ``mock_aws``) and read it back with boto3.

moto 5.2.5 lacks CloudFormation models for some resources the app uses (CloudWatch alarms,
Secrets Manager secrets) and keeps little of an EMR cluster, so the local emulation
(:mod:`cdk_emr.local`) is installed for the deployment and removed afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from cdk_emr.local import emulated_aws
from cdk_emr.local.deploy import DeployedStack, deploy_stack

ASSET_BUCKET = "cdk-hnb659fds-assets-123456789012-us-east-1"


@dataclass(frozen=True)
class Deployment:
    """What the local AWS holds after the deploy."""

    stack: DeployedStack
    cluster: dict[str, Any]
    asset_keys: list[str]
    alarms: list[dict[str, Any]]
    secrets: list[dict[str, Any]]


@pytest.fixture(scope="module")
def deployed(dev_app) -> Iterator[Deployment]:  # type: ignore[no-untyped-def]
    with emulated_aws() as session:
        stack = deploy_stack(dev_app.outdir, dev_app.stack_name, session=session)
        waiter = session.client("emr").get_waiter("cluster_running")
        waiter.wait(ClusterId=stack.outputs["ClusterId"], WaiterConfig={"Delay": 1, "MaxAttempts": 30})
        cluster = session.client("emr").describe_cluster(ClusterId=stack.outputs["ClusterId"])["Cluster"]
        objects = session.client("s3").list_objects_v2(Bucket=ASSET_BUCKET).get("Contents", [])
        yield Deployment(
            stack=stack,
            cluster=cluster,
            asset_keys=[o["Key"] for o in objects],
            alarms=session.client("cloudwatch").describe_alarms()["MetricAlarms"],
            secrets=session.client("secretsmanager").list_secrets()["SecretList"],
        )


def test_stack_reaches_create_complete_with_outputs(deployed: Deployment) -> None:
    assert deployed.stack.status == "CREATE_COMPLETE"
    assert deployed.stack.outputs["ClusterId"].startswith("j-")
    assert {"LogUri", "DataBucketName", "SecurityConfigurationName", "NotificationTopicArn"} <= set(deployed.stack.outputs)


def test_emr_sees_the_cluster_with_name_release_roles_and_log_uri(deployed: Deployment) -> None:
    cluster = deployed.cluster
    assert cluster["Name"] == "cdk-emr-dev"
    assert cluster["ReleaseLabel"] == "emr-7.14.0"
    assert cluster["ServiceRole"].startswith("arn:aws:iam::123456789012:role/")
    assert cluster["Ec2InstanceAttributes"]["IamInstanceProfile"]
    assert cluster["LogUri"] == deployed.stack.outputs["LogUri"]
    assert cluster["LogUri"].endswith("/emr-logs/")


def test_bootstrap_script_was_published_as_an_asset(deployed: Deployment) -> None:
    assert any(key.endswith(".sh") for key in deployed.asset_keys)


def test_kerberos_alarms_and_the_kdc_secret_exist_in_the_local_aws(deployed: Deployment) -> None:
    assert deployed.cluster["KerberosAttributes"]["Realm"] == "EC2.INTERNAL"
    # Started (the waiter saw RUNNING); its start-up SparkPi step may already have completed.
    assert deployed.cluster["Status"]["State"] in ("RUNNING", "WAITING")
    assert {a["MetricName"] for a in deployed.alarms} >= {"MRUnhealthyNodes", "HDFSUtilization"}
    assert len(deployed.secrets) == 1
