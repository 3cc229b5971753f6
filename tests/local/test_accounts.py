"""The local AWS takes any account and region: an access key id LOCAL000<account> names the account (moto
keys its data by account; the region comes from each request), so `cdk bootstrap` and `cdk
deploy` of an app for another account and region work locally."""

from __future__ import annotations

import shutil
from pathlib import Path

import aws_cdk as cdk
import boto3
import pytest
from aws_cdk import aws_s3 as s3

from cdk_emr.local import LocalAws, emulated_aws
from cdk_emr.local.demo import _cdk_env, _deploy, _environment, _LocalSession
from cdk_emr.ops.templates import load_stack_templates

REPO = Path(__file__).resolve().parents[2]
ACCOUNT, REGION = "111122223333", "eu-west-1"


def test_a_twelve_digit_access_key_names_the_account() -> None:
    with emulated_aws():
        other = boto3.Session(aws_access_key_id=f"LOCAL000{ACCOUNT}", aws_secret_access_key="testing", region_name=REGION)
        default = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
        # STS GetCallerIdentity: the account the CDK CLI compares with the stack's environment.
        assert other.client("sts").get_caller_identity()["Account"] == ACCOUNT
        assert default.client("sts").get_caller_identity()["Account"] == "123456789012"
        other.client("s3").create_bucket(Bucket="team-data", CreateBucketConfiguration={"LocationConstraint": REGION})
        assert [b["Name"] for b in other.client("s3").list_buckets()["Buckets"]] == ["team-data"]
        assert default.client("s3").list_buckets()["Buckets"] == []


def _synth(outdir: Path) -> Path:
    app = cdk.App(outdir=str(outdir))
    stack = cdk.Stack(app, "TeamStack", env=cdk.Environment(account=ACCOUNT, region=REGION))
    s3.Bucket(stack, "Data", removal_policy=cdk.RemovalPolicy.DESTROY)
    cdk.CfnOutput(stack, "Where", value=f"{stack.account}/{stack.region}")
    app.synth()
    return outdir


def test_the_demo_reads_the_stacks_account_and_region(tmp_path: Path) -> None:
    assert _environment(load_stack_templates(_synth(tmp_path / "out")), "TeamStack") == (ACCOUNT, REGION)


@pytest.mark.skipif(
    shutil.which("node") is None or not (REPO / "node_modules" / ".bin" / "cdk").exists(),
    reason="the cdk CLI is installed by `make install`",
)
def test_cdk_bootstrap_and_deploy_for_another_account_and_region(tmp_path: Path) -> None:
    cdk_out = _synth(tmp_path / "out")
    with LocalAws(region_name=REGION) as aws:
        aws.account = ACCOUNT
        outputs = _deploy(
            cdk_out, ["TeamStack"], aws, _LocalSession(aws), "cdk", f"{REPO}/node_modules/.bin/cdk", say=lambda _: None
        )
        assert outputs["Where"] == f"{ACCOUNT}/{REGION}"
        env = _cdk_env(aws)
        assert env["AWS_ACCESS_KEY_ID"] == f"LOCAL000{ACCOUNT}" and env["AWS_REGION"] == REGION
        team = boto3.Session(aws_access_key_id=f"LOCAL000{ACCOUNT}", aws_secret_access_key="testing", region_name=REGION)
        stacks = team.client("cloudformation", endpoint_url=aws.endpoint_url).describe_stacks()["Stacks"]
        assert {s["StackName"] for s in stacks} == {"CDKToolkit", "TeamStack"}
        default = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
        assert default.client("cloudformation", endpoint_url=aws.endpoint_url).describe_stacks()["Stacks"] == []
        buckets = [b["Name"] for b in team.client("s3", endpoint_url=aws.endpoint_url).list_buckets()["Buckets"]]
        assert any(name.startswith("teamstack-data") for name in buckets), buckets  # the stack's bucket, in its account
        assert default.client("s3", endpoint_url=aws.endpoint_url).list_buckets()["Buckets"] == []


def test_the_demo_finds_the_cdk_cli_from_any_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cdk_emr.local.demo import DemoError, find_cdk_cli

    project = tmp_path / "project"
    (project / "node_modules" / ".bin").mkdir(parents=True)
    (project / "node_modules" / ".bin" / "cdk").write_text("#!/bin/sh\n")
    (project / "cdk.out").mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert find_cdk_cli(project / "cdk.out") == str(project / "node_modules" / ".bin" / "cdk")
    monkeypatch.setenv("PATH", str(elsewhere))
    with pytest.raises(DemoError, match="no cdk CLI found .* name it with --cdk-command, or use --deployer boto3"):
        find_cdk_cli(elsewhere)


def test_emr_calls_to_a_local_endpoint_stay_in_their_region() -> None:
    # moto's EMR reads the region only from an AWS host name; behind 127.0.0.1 the request's
    # SigV4 credential scope names it, as for every other service.
    with LocalAws() as aws:
        team = boto3.Session(aws_access_key_id=f"LOCAL000{ACCOUNT}", aws_secret_access_key="testing", region_name=REGION)
        iam = team.client("iam", endpoint_url=aws.endpoint_url)
        for role in ("s", "p"):
            iam.create_role(RoleName=role, AssumeRolePolicyDocument="{}")
        iam.create_instance_profile(InstanceProfileName="p")
        emr = team.client("emr", endpoint_url=aws.endpoint_url)
        cluster_id = emr.run_job_flow(
            Name="regional",
            ReleaseLabel="emr-7.14.0",
            ServiceRole="s",
            JobFlowRole="p",
            Instances={"MasterInstanceType": "m7g.xlarge", "InstanceCount": 1, "KeepJobFlowAliveWhenNoSteps": True},
        )["JobFlowId"]
        described = emr.describe_cluster(ClusterId=cluster_id)["Cluster"]
        assert described["ClusterArn"] == f"arn:aws:elasticmapreduce:{REGION}:{ACCOUNT}:cluster/{cluster_id}"
        elsewhere = team.client("emr", endpoint_url=aws.endpoint_url, region_name="us-east-1")
        assert elsewhere.list_clusters()["Clusters"] == []
