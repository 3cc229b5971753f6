"""A stack with an EMR cluster deletes in the local AWS only because its cleanup custom resource
revokes the rules EMR added between the managed security groups.

The local AWS behaves as AWS here (see :mod:`cdk_emr.local.ec2_security_groups`): at launch the
local EMR adds the documented rules, EC2 refuses to delete a group another group references
(DependencyViolation) and a stack whose delete fails is DELETE_FAILED with CloudFormation's
reason. The cleanup function runs its real handler file in a subprocess. The control deploys
the same template without the custom resource: its delete fails on the security groups.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from cdk_emr.local import emulated_aws
from cdk_emr.local.deploy import deploy_stack

STACK = "ClusterDelete"
ACCOUNT, REGION = "123456789012", "us-east-1"
CLEANUP_TYPE = "Custom::EmrSecurityGroupRuleCleanup"

pytestmark = pytest.mark.filterwarnings("ignore:Tried to parse AWS:UserWarning")  # resources moto does not model


@pytest.fixture(scope="module")
def cdk_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import aws_cdk as cdk

    from cdk_emr import EmrCluster

    outdir = tmp_path_factory.mktemp("cluster-delete")
    app = cdk.App(
        outdir=str(outdir), context={f"availability-zones:account={ACCOUNT}:region={REGION}": ["us-east-1a", "us-east-1b"]}
    )
    stack = cdk.Stack(app, STACK, env=cdk.Environment(account=ACCOUNT, region=REGION))
    EmrCluster(stack, "Cluster")
    app.synth()
    return outdir


@pytest.fixture(scope="module")
def without_cleanup(cdk_out: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same cloud assembly, its template without the cleanup custom resource."""
    outdir = tmp_path_factory.mktemp("cluster-delete-control")
    shutil.copytree(cdk_out, outdir, dirs_exist_ok=True)
    path = outdir / f"{STACK}.template.json"
    template = json.loads(path.read_text())
    resources = template["Resources"]
    [cleanup] = [logical_id for logical_id, r in resources.items() if r["Type"] == CLEANUP_TYPE]
    del resources[cleanup]
    for resource in resources.values():
        if isinstance(resource.get("DependsOn"), list) and cleanup in resource["DependsOn"]:
            resource["DependsOn"].remove(cleanup)
    assert cleanup not in json.dumps(template)
    path.write_text(json.dumps(template))
    return outdir


@pytest.fixture
def session() -> Iterator[boto3.Session]:
    with emulated_aws(region_name=REGION) as session:
        yield session


def deploy_and_delete(outdir: Path, session: boto3.Session) -> tuple[dict[str, Any], list[dict[str, Any]], list[str]]:
    """Deploy, wait for the cluster, delete the stack: the stack after the delete, its
    events, and the managed group ids the cluster used."""
    deployed = deploy_stack(outdir, STACK, session=session)
    emr, cloudformation = session.client("emr"), session.client("cloudformation")
    [cluster_id] = [value for value in deployed.outputs.values() if value.startswith("j-")]
    emr.get_waiter("cluster_running").wait(ClusterId=cluster_id, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    attributes = emr.describe_cluster(ClusterId=cluster_id)["Cluster"]["Ec2InstanceAttributes"]
    groups = [
        attributes[name]
        for name in ("EmrManagedMasterSecurityGroup", "EmrManagedSlaveSecurityGroup", "ServiceAccessSecurityGroup")
    ]
    stack_id = cloudformation.describe_stacks(StackName=STACK)["Stacks"][0]["StackId"]
    cloudformation.delete_stack(StackName=STACK)
    [stack] = cloudformation.describe_stacks(StackName=stack_id)["Stacks"]
    events = cloudformation.describe_stack_events(StackName=stack_id)["StackEvents"]
    return stack, events, groups


def existing_groups(session: boto3.Session, group_ids: list[str]) -> list[str]:
    ec2 = session.client("ec2")
    return [g["GroupId"] for g in ec2.describe_security_groups()["SecurityGroups"] if g["GroupId"] in group_ids]


def test_the_stack_deletes_because_the_cleanup_revoked_emrs_rules(
    cdk_out: Path, session: boto3.Session, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="cdk_emr.local.custom_resources")
    stack, events, groups = deploy_and_delete(cdk_out, session)
    assert stack["StackStatus"] == "DELETE_COMPLETE"
    assert existing_groups(session, groups) == []
    # CloudFormation sent the cleanup its Delete and the function answered without an error
    ran = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Delete ClusterSecurityGroupsRulesCleanup")]
    assert len(ran) == 1 and "(" not in ran[0].rpartition("ran")[2], ran
    # in CloudFormation's order (reverse dependencies): the cluster, then the cleanup, then the groups
    completed = [e for e in reversed(events) if e["ResourceStatus"] == "DELETE_COMPLETE"]
    order = [e["ResourceType"] for e in completed]
    cluster, cleanup = order.index("AWS::EMR::Cluster"), order.index(CLEANUP_TYPE)
    groups_at = [i for i, e in enumerate(completed) if e.get("PhysicalResourceId") in groups]
    assert len(groups_at) == 3 and cluster < cleanup < min(groups_at), order


def test_without_the_cleanup_the_delete_fails_on_the_referenced_groups(without_cleanup: Path, session: boto3.Session) -> None:
    stack, events, groups = deploy_and_delete(without_cleanup, session)
    assert stack["StackStatus"] == "DELETE_FAILED"
    assert stack["StackStatusReason"].startswith("The following resource(s) failed to delete: [")
    failed = [e for e in events if e["ResourceStatus"] == "DELETE_FAILED" and e["ResourceType"] == "AWS::EC2::SecurityGroup"]
    assert failed and all("DependencyViolation" in e["ResourceStatusReason"] for e in failed)
    assert {e["PhysicalResourceId"] for e in failed} <= set(groups)
    assert sorted(existing_groups(session, groups)) == sorted(groups)
