"""Tests of LocalAws: a moto server on 127.0.0.1 with the EMR emulation installed."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest

from cdk_emr.local import LocalAws, lifecycle

FAST = 0.001  # a cluster starts in 0.42 s, a step runs 0.06 s
WAIT = {"Delay": 1, "MaxAttempts": 30}


def _default_roles(aws: LocalAws) -> None:
    """The roles EMR's create-default-roles makes (the emulation checks they exist)."""
    iam = aws.client("iam")
    for role in ("EMR_DefaultRole", "EMR_EC2_DefaultRole"):
        iam.create_role(RoleName=role, AssumeRolePolicyDocument="{}")
    iam.create_instance_profile(InstanceProfileName="EMR_EC2_DefaultRole")


@pytest.fixture(autouse=True)
def default_time_scale() -> Any:
    yield
    lifecycle.reset()


CLUSTER = {
    "Name": "server",
    "ReleaseLabel": "emr-7.1.0",
    "JobFlowRole": "EMR_EC2_DefaultRole",
    "ServiceRole": "EMR_DefaultRole",
    "Instances": {
        "KeepJobFlowAliveWhenNoSteps": True,
        "InstanceFleets": [
            {
                "InstanceFleetType": "MASTER",
                "TargetOnDemandCapacity": 1,
                "InstanceTypeConfigs": [{"InstanceType": "m5.xlarge"}],
            },
            {
                "InstanceFleetType": "CORE",
                "TargetOnDemandCapacity": 2,
                "TargetSpotCapacity": 2,
                "InstanceTypeConfigs": [{"InstanceType": "r5.xlarge", "WeightedCapacity": 2}],
            },
        ],
    },
}


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def test_server_serves_the_emulation_and_frees_its_port() -> None:
    with LocalAws(time_scale=FAST) as aws:
        port = aws.port
        assert aws.endpoint_url == f"http://localhost:{port}"
        _default_roles(aws)
        emr = aws.client("emr")
        cluster_id = emr.run_job_flow(**CLUSTER)["JobFlowId"]
        emr.get_waiter("cluster_running").wait(ClusterId=cluster_id, WaiterConfig=WAIT)

        fleets = emr.list_instance_fleets(ClusterId=cluster_id)["InstanceFleets"]
        assert [(f["InstanceFleetType"], f["ProvisionedSpotCapacity"]) for f in fleets] == [
            ("MASTER", 0),
            ("CORE", 2),
        ]
        assert emr.describe_cluster(ClusterId=cluster_id)["Cluster"]["Status"]["State"] == "WAITING"
        assert "ManagedScalingPolicy" not in emr.get_managed_scaling_policy(ClusterId=cluster_id)
        assert emr.list_security_configurations()["SecurityConfigurations"] == []
        step_id = emr.add_job_flow_steps(
            JobFlowId=cluster_id,
            Steps=[{"Name": "s", "HadoopJarStep": {"Jar": "command-runner.jar", "Args": ["ls"]}}],
        )["StepIds"][0]
        emr.get_waiter("step_complete").wait(ClusterId=cluster_id, StepId=step_id, WaiterConfig=WAIT)
        emr.terminate_job_flows(JobFlowIds=[cluster_id])
        emr.get_waiter("cluster_terminated").wait(ClusterId=cluster_id, WaiterConfig=WAIT)

    assert not aws.running
    assert _port_is_free(port)


def test_server_handles_cloudformation_clusters() -> None:
    template = {
        "Resources": {
            "Cluster": {
                "Type": "AWS::EMR::Cluster",
                "Properties": {
                    "Name": "cfn",
                    "ReleaseLabel": "emr-7.1.0",
                    "JobFlowRole": "EMR_EC2_DefaultRole",
                    "ServiceRole": "EMR_DefaultRole",
                    "Instances": {
                        "MasterInstanceFleet": {
                            "TargetOnDemandCapacity": 1,
                            "InstanceTypeConfigs": [{"InstanceType": "m5.xlarge"}],
                        }
                    },
                },
            }
        }
    }
    with LocalAws(time_scale=FAST) as aws:
        _default_roles(aws)
        aws.client("cloudformation").create_stack(StackName="s", TemplateBody=json.dumps(template))
        emr = aws.client("emr")
        (summary,) = emr.list_clusters()["Clusters"]
        emr.get_waiter("cluster_running").wait(ClusterId=summary["Id"], WaiterConfig=WAIT)
        assert emr.describe_cluster(ClusterId=summary["Id"])["Cluster"]["Status"]["State"] == "WAITING"
        assert emr.list_instance_fleets(ClusterId=summary["Id"])["InstanceFleets"][0]["InstanceFleetType"] == "MASTER"


def test_each_server_starts_empty() -> None:
    with LocalAws() as first:
        _default_roles(first)
        first.client("emr").run_job_flow(**CLUSTER)
    with LocalAws() as second:
        assert second.client("emr").list_clusters()["Clusters"] == []


@pytest.mark.parametrize("interruption", [RuntimeError("failure"), KeyboardInterrupt()])
def test_server_stops_on_errors_and_ctrl_c(interruption: BaseException) -> None:
    aws = LocalAws()
    with pytest.raises(type(interruption)), aws:
        port = aws.port
        raise interruption
    assert not aws.running
    assert _port_is_free(port)


def test_stop_is_idempotent_and_port_needs_a_running_server() -> None:
    aws = LocalAws().start()
    assert aws.start() is aws
    aws.stop()
    aws.stop()
    with pytest.raises(RuntimeError, match="not running"):
        _ = aws.endpoint_url


def test_client_uses_the_endpoint() -> None:
    with LocalAws(region_name="eu-west-1") as aws:
        client: Any = aws.client("emr")
        assert client.meta.endpoint_url == aws.endpoint_url
        assert client.meta.region_name == "eu-west-1"
