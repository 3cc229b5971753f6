"""Tests of LocalAws: a moto server on 127.0.0.1 with the EMR emulation installed."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest

from cdk_emr.local import LocalAws

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
    with LocalAws() as aws:
        port = aws.port
        assert aws.endpoint_url == f"http://localhost:{port}"
        emr = aws.client("emr")
        cluster_id = emr.run_job_flow(**CLUSTER)["JobFlowId"]

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
        states = [emr.describe_step(ClusterId=cluster_id, StepId=step_id)["Step"]["Status"]["State"] for _ in range(3)]
        assert states == ["PENDING", "RUNNING", "COMPLETED"]

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
                    "JobFlowRole": "p",
                    "ServiceRole": "s",
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
    with LocalAws() as aws:
        aws.client("cloudformation").create_stack(StackName="s", TemplateBody=json.dumps(template))
        emr = aws.client("emr")
        (summary,) = emr.list_clusters()["Clusters"]
        assert summary["Status"]["State"] == "WAITING"
        assert emr.list_instance_fleets(ClusterId=summary["Id"])["InstanceFleets"][0]["InstanceFleetType"] == "MASTER"


def test_each_server_starts_empty() -> None:
    with LocalAws() as first:
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
