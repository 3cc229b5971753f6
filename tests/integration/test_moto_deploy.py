"""Deploy the synthesized dev app into moto (in-process) and read the cluster back with boto3.

moto 5.2.5's own EMR model is used here on purpose (no local emulation): it proves the plain
template deploys. It keeps only a few cluster properties; see shared reference notes.
"""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from cdk_emr.local.deploy import DeployedStack, deploy_stack


@pytest.fixture(scope="module")
def deployed(dev_app, tmp_path_factory):  # type: ignore[no-untyped-def]
    mp = pytest.MonkeyPatch()
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        mp.setenv(key, value)
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        stack = deploy_stack(dev_app.outdir, dev_app.stack_name, session=session)
        emr = session.client("emr")
        cluster = emr.describe_cluster(ClusterId=stack.outputs["ClusterId"])["Cluster"]
        objects = session.client("s3").list_objects_v2(Bucket="cdk-hnb659fds-assets-123456789012-us-east-1")
        yield stack, cluster, [o["Key"] for o in objects.get("Contents", [])]
    mp.undo()


def test_stack_reaches_create_complete_with_outputs(deployed) -> None:  # type: ignore[no-untyped-def]
    stack, _, _ = deployed
    assert isinstance(stack, DeployedStack)
    assert stack.status == "CREATE_COMPLETE"
    assert stack.outputs["ClusterId"].startswith("j-")
    assert {"LogUri", "DataBucketName", "SecurityConfigurationName"} <= set(stack.outputs)


def test_emr_sees_the_cluster_with_name_release_roles_and_log_uri(deployed, dev_app) -> None:  # type: ignore[no-untyped-def]
    stack, cluster, _ = deployed
    assert cluster["Name"] == "cdk-emr-dev"
    assert cluster["ReleaseLabel"] == "emr-7.14.0"
    assert cluster["ServiceRole"].startswith("arn:aws:iam::123456789012:role/")
    assert cluster["Ec2InstanceAttributes"]["IamInstanceProfile"]
    assert cluster["LogUri"] == stack.outputs["LogUri"]
    assert cluster["LogUri"].endswith("/emr-logs/")


def test_bootstrap_script_was_published_as_an_asset(deployed) -> None:  # type: ignore[no-untyped-def]
    _, _, keys = deployed
    assert any(key.endswith(".sh") for key in keys)
