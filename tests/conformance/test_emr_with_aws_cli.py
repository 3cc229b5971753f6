"""EMR's documented responses and errors, through the AWS CLI v1 and boto3 waiters/paginators.

Expected values come from the EMR API reference and botocore's EMR model (error shapes
InvalidRequestException; ValidationException for invalid RunJobFlow input; cluster states of
ClusterState; waiter definitions in botocore/data/emr/2009-03-31/waiters-2.json), from the AWS
CLI reference (``create-default-roles`` creates EMR_DefaultRole and EMR_EC2_DefaultRole) and
from the release data EMR's ListReleaseLabels/ListSupportedInstanceTypes return (moto's recording).
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from conftest import Cli

WAIT = {"Delay": 1, "MaxAttempts": 30}


#: The roles and AWS managed policies ``aws emr create-default-roles`` sets up (AWS CLI reference).
DEFAULT_ROLES = {
    "EMR_DefaultRole": "arn:aws:iam::aws:policy/service-role/AmazonElasticMapReduceRole",
    "EMR_EC2_DefaultRole": "arn:aws:iam::aws:policy/service-role/AmazonElasticMapReduceforEC2Role",
}
TRUST = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "%s"}, "Action": "sts:AssumeRole"}]}'
)


@pytest.fixture(scope="module")
def default_roles(cli: Cli) -> None:
    """What create-default-roles does, call by call: the CLI command itself derives the service
    principal from an ``*.elasticmapreduce.*`` endpoint host, which a local endpoint is not."""
    for role, policy in DEFAULT_ROLES.items():
        principal = "ec2.amazonaws.com" if "EC2" in role else "elasticmapreduce.amazonaws.com"
        assert cli("iam", "create-role", "--role-name", role, "--assume-role-policy-document", TRUST % principal)[0] == 0
        code, _, error = cli("iam", "attach-role-policy", "--role-name", role, "--policy-arn", policy)
        assert code == 0, error  # the AWS managed policy exists in the local IAM
    assert cli("iam", "create-instance-profile", "--instance-profile-name", "EMR_EC2_DefaultRole")[0] == 0
    assert (
        cli(
            "iam",
            "add-role-to-instance-profile",
            "--instance-profile-name",
            "EMR_EC2_DefaultRole",
            "--role-name",
            "EMR_EC2_DefaultRole",
        )[0]
        == 0
    )


def _create_cluster(cli: Cli, *extra: str) -> tuple[int, Any, str]:
    return cli(
        "emr",
        "create-cluster",
        "--name",
        "conformance",
        "--release-label",
        "emr-7.5.0",
        "--applications",
        "Name=Spark",
        "--instance-type",
        "m5.xlarge",
        "--instance-count",
        "3",
        "--use-default-roles",
        *extra,
    )


def test_default_roles_and_their_aws_managed_policies(cli: Cli, default_roles: None) -> None:
    for role, policy in DEFAULT_ROLES.items():
        code, attached, _ = cli("iam", "list-attached-role-policies", "--role-name", role)
        assert code == 0 and [p["PolicyArn"] for p in attached["AttachedPolicies"]] == [policy]
    code, profile, _ = cli("iam", "get-instance-profile", "--instance-profile-name", "EMR_EC2_DefaultRole")
    assert code == 0 and profile["InstanceProfile"]["Roles"][0]["RoleName"] == "EMR_EC2_DefaultRole"


def test_cluster_life_with_the_cli_and_its_waiters(cli: Cli, default_roles: None) -> None:
    code, created, error = _create_cluster(cli)
    assert code == 0, error
    cluster_id = created["ClusterId"]
    assert created["ClusterArn"].endswith(f":cluster/{cluster_id}")
    code, described, _ = cli("emr", "describe-cluster", "--cluster-id", cluster_id)
    assert described["Cluster"]["Status"]["State"] in ("STARTING", "BOOTSTRAPPING", "RUNNING", "WAITING")
    assert cli("emr", "wait", "cluster-running", "--cluster-id", cluster_id)[0] == 0

    code, steps, _ = cli(
        "emr", "add-steps", "--cluster-id", cluster_id, "--steps", "Type=CUSTOM_JAR,Name=ls,Jar=command-runner.jar,Args=[ls]"
    )
    assert code == 0
    (step_id,) = steps["StepIds"]
    assert cli("emr", "wait", "step-complete", "--cluster-id", cluster_id, "--step-id", step_id)[0] == 0
    code, step, _ = cli("emr", "describe-step", "--cluster-id", cluster_id, "--step-id", step_id)
    assert step["Step"]["Status"]["State"] == "COMPLETED"

    # AWS CLI v1 has no list-instance-groups: its describe-cluster lists them.
    code, described, _ = cli("emr", "describe-cluster", "--cluster-id", cluster_id)
    groups = described["Cluster"]["InstanceGroups"]
    assert code == 0 and groups and all(group["Id"].startswith("ig-") for group in groups)
    code, instances, _ = cli("emr", "list-instances", "--cluster-id", cluster_id, "--instance-group-types", "CORE")
    assert code == 0 and len(instances["Instances"]) == 2  # 3 instances: 1 primary, 2 core

    assert cli("emr", "terminate-clusters", "--cluster-ids", cluster_id)[0] == 0
    assert cli("emr", "wait", "cluster-terminated", "--cluster-id", cluster_id)[0] == 0
    code, described, _ = cli("emr", "describe-cluster", "--cluster-id", cluster_id)
    assert described["Cluster"]["Status"]["StateChangeReason"]["Code"] == "USER_REQUEST"
    code, _, error = cli("emr", "modify-cluster", "--cluster-id", cluster_id, "--step-concurrency-level", "2")
    assert code != 0 and "ValidationException" in error


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--release-label", "emr-99.0.0"), "emr-99.0.0"),
        (("--applications", "Name=NotAnApp"), "NotAnApp"),
        (("--applications", "Name=Ganglia"), "Ganglia"),
    ],
)
def test_create_cluster_refusals(cli: Cli, default_roles: None, args: tuple[str, ...], needle: str) -> None:
    code, _, error = cli(
        "emr",
        "create-cluster",
        "--name",
        "bad",
        "--release-label",
        "emr-7.5.0",
        "--instance-type",
        "m5.xlarge",
        "--instance-count",
        "1",
        "--use-default-roles",
        *args,
    )
    assert code != 0
    assert "ValidationException" in error and needle in error


def test_instance_type_and_role_refusals(cli: Cli, default_roles: None) -> None:
    code, _, error = cli(
        "emr",
        "create-cluster",
        "--release-label",
        "emr-7.5.0",
        "--instance-type",
        "m99.mega",
        "--instance-count",
        "1",
        "--use-default-roles",
    )
    assert code != 0 and "ValidationException" in error and "m99.mega" in error
    code, _, error = cli(
        "emr",
        "create-cluster",
        "--release-label",
        "emr-7.5.0",
        "--instance-type",
        "m5.xlarge",
        "--instance-count",
        "1",
        "--service-role",
        "NoSuchRole",
        "--ec2-attributes",
        "InstanceProfile=EMR_EC2_DefaultRole,SubnetId=subnet-12345678",
    )
    assert code != 0 and "ValidationException" in error


@pytest.mark.parametrize(
    "args",
    [
        ("terminate-clusters", "--cluster-ids", "j-NOPE"),
        ("list-instances", "--cluster-id", "j-NOPE"),
        ("modify-cluster", "--cluster-id", "j-NOPE", "--step-concurrency-level", "2"),
        ("modify-cluster-attributes", "--cluster-id", "j-NOPE", "--termination-protected"),
        ("modify-instance-groups", "--instance-groups", "InstanceGroupId=ig-NOPE,InstanceCount=2"),
        ("describe-cluster", "--cluster-id", "j-NOPE"),
    ],
)
def test_unknown_ids_are_invalid_request_exceptions_without_retries(cli: Cli, args: tuple[str, ...]) -> None:
    started = time.monotonic()
    code, _, error = cli("emr", *args)
    assert code != 0
    assert "InvalidRequestException" in error and "NOPE" in error
    assert "500" not in error and "reached max retries" not in error
    assert time.monotonic() - started < 15


def test_describe_release_label_and_release_lists(cli: Cli) -> None:
    code, release, _ = cli("emr", "describe-release-label", "--release-label", "emr-7.5.0")
    assert code == 0
    names = {application["Name"] for application in release["Applications"]}
    assert {"Spark", "Hadoop", "AmazonCloudWatchAgent"} <= names and "Ganglia" not in names
    code, types, _ = cli("emr", "list-supported-instance-types", "--release-label", "emr-7.5.0")
    assert code == 0 and "m5.xlarge" in {t["Type"] for t in types["SupportedInstanceTypes"]}


def test_security_configuration_errors(cli: Cli) -> None:
    document = (
        '{"InstanceMetadataServiceConfiguration": {"MinimumInstanceMetadataServiceVersion": 2, "HttpPutResponseHopLimit": 1}}'
    )
    assert cli("emr", "create-security-configuration", "--name", "conf", "--security-configuration", document)[0] == 0
    code, _, error = cli("emr", "create-security-configuration", "--name", "conf", "--security-configuration", document)
    assert code != 0 and "already exists" in error
    code, _, error = cli("emr", "create-security-configuration", "--name", "bad", "--security-configuration", '{"Bogus": {}}')
    assert code != 0 and "InvalidRequestException" in error


def test_boto3_waiters_and_paginators(emr: Any, default_roles: None) -> None:
    fleets = [
        {"InstanceFleetType": "MASTER", "TargetOnDemandCapacity": 1, "InstanceTypeConfigs": [{"InstanceType": "m5.xlarge"}]},
        {
            "InstanceFleetType": "CORE",
            "TargetOnDemandCapacity": 2,
            "TargetSpotCapacity": 2,
            "InstanceTypeConfigs": [{"InstanceType": "r5.xlarge"}],
        },
    ]
    cluster_id = emr.run_job_flow(
        Name="fleets",
        ReleaseLabel="emr-7.5.0",
        ServiceRole="EMR_DefaultRole",
        JobFlowRole="EMR_EC2_DefaultRole",
        Instances={"InstanceFleets": fleets, "KeepJobFlowAliveWhenNoSteps": True},
    )["JobFlowId"]
    emr.get_waiter("cluster_running").wait(ClusterId=cluster_id, WaiterConfig=WAIT)
    core = emr.list_instances(ClusterId=cluster_id, InstanceFleetType="CORE")["Instances"]
    assert sorted(i["Market"] for i in core) == ["ON_DEMAND", "ON_DEMAND", "SPOT", "SPOT"]
    assert {i["InstanceType"] for i in core} == {"r5.xlarge"}
    summaries = [c for page in emr.get_paginator("list_clusters").paginate() for c in page["Clusters"]]
    assert any(c["Id"] == cluster_id and c["ClusterArn"].endswith(cluster_id) for c in summaries)
    step_ids = emr.add_job_flow_steps(
        JobFlowId=cluster_id,
        Steps=[
            {"Name": f"s{i}", "ActionOnFailure": "CONTINUE", "HadoopJarStep": {"Jar": "command-runner.jar", "Args": ["ls"]}}
            for i in range(3)
        ],
    )["StepIds"]
    emr.get_waiter("step_complete").wait(ClusterId=cluster_id, StepId=step_ids[-1], WaiterConfig=WAIT)
    steps = [s for page in emr.get_paginator("list_steps").paginate(ClusterId=cluster_id) for s in page["Steps"]]
    assert [s["Id"] for s in steps] == list(reversed(step_ids))  # ListSteps: reverse order of submission
    emr.terminate_job_flows(JobFlowIds=[cluster_id])
    emr.get_waiter("cluster_terminated").wait(ClusterId=cluster_id, WaiterConfig=WAIT)
