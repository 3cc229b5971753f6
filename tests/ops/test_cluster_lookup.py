"""The CLI finds the cluster of any stack: the ``ClusterId`` output, the output ``EmrCluster``
publishes, or (no output at all) the stack's ``AWS::EMR::Cluster`` resource read with
DescribeStackResources; it says which it used. Against the local AWS (moto + EMR emulation).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import test_operations as shared  # its fixtures (pytest puts tests/ops on sys.path)
from click.testing import CliRunner

from cdk_emr.cli import main
from cdk_emr.ops import operations as ops

offline_aws = shared.offline_aws
emr = shared.emr

FLEETS = {
    "MasterInstanceFleet": {"TargetOnDemandCapacity": 1, "InstanceTypeConfigs": [{"InstanceType": "m7g.xlarge"}]},
    "CoreInstanceFleet": {"TargetOnDemandCapacity": 1, "InstanceTypeConfigs": [{"InstanceType": "m7g.xlarge"}]},
}


def cluster_resource(name: str) -> dict[str, Any]:
    return {
        "Type": "AWS::EMR::Cluster",
        "Properties": {"Name": name, "ReleaseLabel": "emr-7.14.0", "JobFlowRole": "p", "ServiceRole": "s", "Instances": FLEETS},
    }


def deploy(stack: str, clusters: list[str], outputs: dict[str, Any] | None = None) -> dict[str, str]:
    """A stack with the named clusters (and ``outputs``); ``{logical id: cluster id}``."""
    template: dict[str, Any] = {"Resources": {logical_id: cluster_resource(logical_id) for logical_id in clusters}}
    if outputs:
        template["Outputs"] = outputs
    cloudformation = ops.aws_client("cloudformation")
    cloudformation.create_stack(StackName=stack, TemplateBody=json.dumps(template))
    resources = cloudformation.describe_stack_resources(StackName=stack)["StackResources"]
    return {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in resources}


def test_a_stack_without_outputs_is_found_by_its_cluster_resource(emr: Any) -> None:
    ids = deploy("NoOutputs", ["Cluster"])
    assert ops.CLUSTER_ID.match(ids["Cluster"])
    located = ops.locate_cluster("NoOutputs")
    assert located == ops.LocatedCluster(
        ids["Cluster"], "resource Cluster (AWS::EMR::Cluster) of stack NoOutputs, no cluster-id output"
    )
    assert ops.locate_cluster("NoOutputs/Cluster").cluster_id == ids["Cluster"]


def test_the_output_emr_cluster_publishes_is_found_by_its_description(emr: Any) -> None:
    ids = deploy(
        "Published",
        ["Cluster"],
        {"ClusterClusterId2366E20C": {"Value": {"Ref": "Cluster"}, "Description": "EMR cluster id (j-...) of Published/Cluster"}},
    )
    located = ops.locate_cluster("Published")
    assert located == ops.LocatedCluster(ids["Cluster"], "output ClusterClusterId2366E20C of stack Published")


def test_status_says_where_the_cluster_id_came_from(emr: Any) -> None:
    ids = deploy("Bare", ["Main"])
    result = CliRunner().invoke(main, ["status", "Bare", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["id"] == ids["Main"]
    assert f"cluster {ids['Main']}: from resource Main (AWS::EMR::Cluster) of stack Bare" in result.stderr


def test_steps_accept_a_stack_without_output(emr: Any) -> None:
    ids = deploy("Bare2", ["Main"])
    listed = CliRunner().invoke(main, ["steps", "list", "Bare2", "--json"])
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.stdout) == []
    assert f"cluster {ids['Main']}: from resource Main" in listed.stderr


@pytest.mark.parametrize(
    ("clusters", "ref", "message"),
    [
        (["A", "B"], "Two", "stack Two has 2 EMR clusters: name one of Two/A, Two/B"),
        ([], "Empty", "stack Empty has no cluster-id output and no AWS::EMR::Cluster resource"),
        (["A"], "Two/C", "stack Two has no output C \\(outputs: none\\) and no AWS::EMR::Cluster C \\(clusters: A\\)"),
    ],
)
def test_ambiguous_or_missing_clusters_are_clean_errors(emr: Any, clusters: list[str], ref: str, message: str) -> None:
    stack = ref.partition("/")[0]
    if clusters:
        deploy(stack, clusters)
    else:
        ops.aws_client("cloudformation").create_stack(
            StackName=stack, TemplateBody=json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}})
        )
    with pytest.raises(ops.OperationError, match=message):
        ops.locate_cluster(ref)


def test_status_finds_a_stack_cluster_on_a_local_server_with_endpoint_url() -> None:
    from cdk_emr.local import LocalAws

    with LocalAws() as aws:
        shared.create_roles(aws.client("iam"))
        template = {"Resources": {"Main": cluster_resource("Main")}}
        aws.client("cloudformation").create_stack(StackName="Served", TemplateBody=json.dumps(template))
        result = CliRunner().invoke(
            main, ["status", "Served", "--json", "--endpoint-url", aws.endpoint_url, "--region", "us-east-1"]
        )
        assert result.exit_code == 0, result.output
        assert "from resource Main (AWS::EMR::Cluster) of stack Served, no cluster-id output" in result.stderr
        assert ops.CLUSTER_ID.match(json.loads(result.stdout)["id"])
