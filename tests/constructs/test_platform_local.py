"""The runtime-role step path against the local AWS: deploy a platform, then ``cdk-emr steps add
--runtime-role`` with a team's role runs the step as that role (``ExecutionRoleArn``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import boto3
import pytest
from aws_cdk import CfnOutput
from click.testing import CliRunner

from cdk_emr import EmrPlatform, InstanceFleet, ManagedScaling
from cdk_emr.cli import main
from cdk_emr.local import emulated_aws
from cdk_emr.local.deploy import deploy_stack

STACK = "PlatformLocal"
REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Deployed:
    outputs: dict[str, str]
    session: boto3.Session


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployed]:
    outdir = tmp_path_factory.mktemp("platform.out")
    context = json.loads((REPO / "cdk.json").read_text())["context"]  # the local account's availability zones
    app = cdk.App(outdir=str(outdir), context=context)
    stack = cdk.Stack(app, STACK, env=cdk.Environment(account="123456789012", region="us-east-1"))
    platform = EmrPlatform(stack, "Platform")
    team = platform.add_team("analytics", glue_databases=("analytics",), max_hourly_usd=2.0)
    small = InstanceFleet.on_demand(["m7g.xlarge"], 1)
    cluster = platform.add_cluster(
        "Analytics",
        team=team,
        primary=small,
        core=small,
        managed_scaling=ManagedScaling(min_capacity=1, max_capacity=2),
        cluster_id_output=False,
    )
    CfnOutput(stack, "AnalyticsClusterId", value=cluster.cluster_id)
    CfnOutput(stack, "AnalyticsRuntimeRoleArn", value=team.runtime_role.role_arn)
    CfnOutput(stack, "InstanceRoleArn", value=platform.instance_role.role_arn)
    app.synth()
    with emulated_aws() as session:
        outputs = deploy_stack(Path(outdir), STACK, session=session).outputs
        yield Deployed(outputs, session)


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's boto3 calls go to the in-process local AWS (moto's default account)."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def test_the_security_configuration_enables_runtime_roles(deployed: Deployed) -> None:
    emr: Any = deployed.session.client("emr")
    cluster = emr.describe_cluster(ClusterId=deployed.outputs["AnalyticsClusterId"])["Cluster"]
    document = json.loads(emr.describe_security_configuration(Name=cluster["SecurityConfiguration"])["SecurityConfiguration"])
    assert document["AuthorizationConfiguration"]["IAMConfiguration"] == {"EnableApplicationScopedIAMRole": True}


def test_the_team_role_trusts_the_instance_role_to_assume_it_and_tag_the_session(deployed: Deployed) -> None:
    iam: Any = deployed.session.client("iam")
    name = deployed.outputs["AnalyticsRuntimeRoleArn"].rsplit("/", 1)[-1]
    trust = iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    actions = {a for s in trust["Statement"] for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    assert actions == {"sts:AssumeRole", "sts:TagSession"}
    assert {s["Principal"]["AWS"] for s in trust["Statement"]} == {deployed.outputs["InstanceRoleArn"]}


def test_steps_add_with_the_team_runtime_role_runs_the_step_as_that_role(deployed: Deployed, cli_env: None) -> None:
    role = deployed.outputs["AnalyticsRuntimeRoleArn"]
    result = CliRunner().invoke(
        main,
        [
            "steps",
            "add",
            "--json",
            f"{STACK}/AnalyticsClusterId",
            "command",
            "spark-example",
            "SparkPi",
            "10",
            "--runtime-role",
            role,
        ],
    )
    assert result.exit_code == 0, result.output
    added = json.loads(result.stdout)
    assert (added["cluster_id"], added["runtime_role"]) == (deployed.outputs["AnalyticsClusterId"], role)
    emr: Any = deployed.session.client("emr")
    step = emr.describe_step(ClusterId=added["cluster_id"], StepId=added["step_id"])["Step"]
    assert step["ExecutionRoleArn"] == role
    assert step["Config"]["Args"] == ["spark-example", "SparkPi", "10"]
