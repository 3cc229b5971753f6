"""EMR's validation and errors in the local AWS (in-process).

Expected error classes: botocore's EMR model (InvalidRequestException for unknown ids) and EMR's
ValidationException for invalid RunJobFlow input; allowed values from cdk_emr.facts' sources
(ListReleaseLabels / ListSupportedInstanceTypes as recorded by moto, the Release Guide,
ComputeLimitsUnitType, StepConcurrencyLevel 1-256).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from cdk_emr.local.lifecycle import ManualClock

STARTED = 300 + 120
TERMINATING = 60


def _groups(master: str = "m5.xlarge") -> dict[str, Any]:
    return {
        "InstanceGroups": [
            {"InstanceRole": "MASTER", "InstanceType": master, "InstanceCount": 1},
            {"InstanceRole": "CORE", "InstanceType": "m5.xlarge", "InstanceCount": 2},
        ],
        "KeepJobFlowAliveWhenNoSteps": True,
    }


def _request(**overrides: Any) -> dict[str, Any]:
    return {
        "Name": "c",
        "ReleaseLabel": "emr-7.5.0",
        "ServiceRole": "EMR_DefaultRole",
        "JobFlowRole": "EMR_EC2_DefaultRole",
        "Applications": [{"Name": "Spark"}],
        "Instances": _groups(),
        **overrides,
    }


def _code_and_message(call: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as error:
        call()
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return error.value.response["Error"]["Code"], error.value.response["Error"]["Message"]


@pytest.mark.parametrize(
    ("overrides", "needle"),
    [
        ({"ReleaseLabel": "emr-99.0.0"}, "emr-99.0.0"),
        ({"Applications": [{"Name": "NotAnApp"}]}, "NotAnApp"),
        # "The last release of Amazon EMR to include Ganglia was Amazon EMR 6.15.0" (Release Guide)
        ({"Applications": [{"Name": "Ganglia"}]}, "Ganglia"),
        ({"Instances": _groups(master="m99.mega")}, "m99.mega"),
        ({"ServiceRole": "Missing_Role"}, "Missing_Role"),
        ({"JobFlowRole": "Missing_Profile"}, "Missing_Profile"),
        ({"Instances": {**_groups(), "Ec2SubnetId": "subnet-12345678"}}, "subnet-12345678"),
        ({"StepConcurrencyLevel": 300}, "300"),
        (
            {
                "ManagedScalingPolicy": {
                    "ComputeLimits": {"UnitType": "Bogus", "MinimumCapacityUnits": 1, "MaximumCapacityUnits": 2}
                }
            },
            "Bogus",
        ),
        (
            {
                "ManagedScalingPolicy": {
                    "ComputeLimits": {"UnitType": "InstanceFleetUnits", "MinimumCapacityUnits": 1, "MaximumCapacityUnits": 4}
                }
            },
            "InstanceFleetUnits",
        ),
        (
            {
                "ManagedScalingPolicy": {
                    "ComputeLimits": {
                        "UnitType": "Instances",
                        "MinimumCapacityUnits": 1,
                        "MaximumCapacityUnits": 4,
                        "MaximumOnDemandCapacityUnits": 9,
                    }
                }
            },
            "MaximumOnDemandCapacityUnits",
        ),
    ],
)
def test_run_job_flow_refuses_what_emr_refuses(emr: Any, overrides: dict[str, Any], needle: str) -> None:
    code, message = _code_and_message(lambda: emr.run_job_flow(**_request(**overrides)))
    assert code == "ValidationException"
    assert needle in message


def test_a_valid_request_with_a_lowercase_application_is_accepted(emr: Any) -> None:
    cluster_id = emr.run_job_flow(**_request(Applications=[{"Name": "spark"}, {"Name": "Livy"}]))["JobFlowId"]
    cluster = emr.describe_cluster(ClusterId=cluster_id)["Cluster"]
    assert [a["Name"] for a in cluster["Applications"]] == ["Spark", "Livy"]


def test_applications_report_their_recorded_version(emr: Any) -> None:
    # Release Guide, "Application versions in Amazon EMR 7.x releases": emr-7.2.0 ships Hadoop 3.3.6-amzn-4.
    cluster_id = emr.run_job_flow(**_request(ReleaseLabel="emr-7.2.0", Applications=[{"Name": "Hadoop"}]))["JobFlowId"]
    assert emr.describe_cluster(ClusterId=cluster_id)["Cluster"]["Applications"][0]["Version"] == "3.3.6-amzn-4"


@pytest.mark.parametrize(
    "call",
    [
        lambda emr: emr.terminate_job_flows(JobFlowIds=["j-NOPE"]),
        lambda emr: emr.list_instances(ClusterId="j-NOPE"),
        lambda emr: emr.modify_cluster(ClusterId="j-NOPE", StepConcurrencyLevel=2),
        lambda emr: emr.modify_instance_groups(
            ClusterId="j-NOPE", InstanceGroups=[{"InstanceGroupId": "ig-NOPE", "InstanceCount": 2}]
        ),
        lambda emr: emr.describe_cluster(ClusterId="j-NOPE"),
        lambda emr: emr.list_steps(ClusterId="j-NOPE"),
        lambda emr: emr.set_termination_protection(JobFlowIds=["j-NOPE"], TerminationProtected=True),
    ],
)
def test_unknown_ids_are_invalid_request_exceptions(emr: Any, call: Any) -> None:
    code, message = _code_and_message(lambda: call(emr))
    assert code == "InvalidRequestException"
    assert "NOPE" in message and "is not valid" in message


def test_an_unmodelled_operation_is_a_clear_error_not_a_500(emr: Any) -> None:
    code, message = _code_and_message(lambda: emr.describe_studio(StudioId="es-1"))
    assert (code, message) == ("InvalidRequestException", "DescribeStudio is not modelled by the local EMR emulation.")


def test_master_resize_limits_and_terminated_immutability(emr: Any, clock: ManualClock) -> None:
    cluster_id = emr.run_job_flow(**_request())["JobFlowId"]
    clock.advance(STARTED)
    groups = {g["InstanceGroupType"]: g for g in emr.list_instance_groups(ClusterId=cluster_id)["InstanceGroups"]}
    assert all(g["Id"].startswith("ig-") for g in groups.values())
    code, _ = _code_and_message(
        lambda: emr.modify_instance_groups(InstanceGroups=[{"InstanceGroupId": groups["MASTER"]["Id"], "InstanceCount": 3}])
    )
    assert code == "ValidationException"
    emr.modify_instance_groups(InstanceGroups=[{"InstanceGroupId": groups["CORE"]["Id"], "InstanceCount": 4}])
    core = next(g for g in emr.list_instance_groups(ClusterId=cluster_id)["InstanceGroups"] if g["InstanceGroupType"] == "CORE")
    assert core["Status"]["State"] == "RESIZING"
    assert (
        _code_and_message(lambda: emr.modify_cluster(ClusterId=cluster_id, StepConcurrencyLevel=257))[0] == "ValidationException"
    )
    assert emr.modify_cluster(ClusterId=cluster_id, StepConcurrencyLevel=256)["StepConcurrencyLevel"] == 256

    emr.terminate_job_flows(JobFlowIds=[cluster_id])
    clock.advance(TERMINATING)
    instances = emr.list_instances(ClusterId=cluster_id)["Instances"]
    assert instances and {i["Status"]["State"] for i in instances} == {"TERMINATED"}
    for change in (
        lambda: emr.modify_cluster(ClusterId=cluster_id, StepConcurrencyLevel=2),
        lambda: emr.put_auto_termination_policy(ClusterId=cluster_id, AutoTerminationPolicy={"IdleTimeout": 3600}),
        lambda: emr.set_termination_protection(JobFlowIds=[cluster_id], TerminationProtected=True),
        lambda: emr.modify_instance_groups(InstanceGroups=[{"InstanceGroupId": groups["CORE"]["Id"], "InstanceCount": 2}]),
    ):
        code, message = _code_and_message(change)
        assert code == "ValidationException" and "may not be modified" in message


def test_security_configuration_shape_duplicates_and_in_use(emr: Any, clock: ManualClock) -> None:
    # Documented shape: EncryptionConfiguration needs both switches; SSE-KMS needs AwsKmsKey.
    for document in (
        {"EncryptionConfiguration": {"EnableAtRestEncryption": True}},
        {"Bogus": {}},
        {
            "EncryptionConfiguration": {
                "EnableInTransitEncryption": False,
                "EnableAtRestEncryption": True,
                "AtRestEncryptionConfiguration": {"S3EncryptionConfiguration": {"EncryptionMode": "SSE-KMS"}},
            }
        },
    ):
        code, _ = _code_and_message(
            lambda d=document: emr.create_security_configuration(Name="x", SecurityConfiguration=json.dumps(d))
        )
        assert code == "InvalidRequestException"
    good = {"InstanceMetadataServiceConfiguration": {"MinimumInstanceMetadataServiceVersion": 2, "HttpPutResponseHopLimit": 1}}
    emr.create_security_configuration(Name="sec", SecurityConfiguration=json.dumps(good))
    code, message = _code_and_message(
        lambda: emr.create_security_configuration(Name="sec", SecurityConfiguration=json.dumps(good))
    )
    assert (code, message) == ("InvalidRequestException", "SecurityConfiguration with name 'sec' already exists.")

    cluster_id = emr.run_job_flow(**_request(SecurityConfiguration="sec"))["JobFlowId"]
    code, message = _code_and_message(lambda: emr.delete_security_configuration(Name="sec"))
    assert code == "InvalidRequestException" and cluster_id in message
    emr.terminate_job_flows(JobFlowIds=[cluster_id])
    clock.advance(TERMINATING)
    emr.delete_security_configuration(Name="sec")
    assert emr.list_security_configurations()["SecurityConfigurations"] == []


def test_describe_release_label_and_cluster_arn(emr: Any) -> None:
    # Release Guide: Ganglia last shipped in emr-6.15.0; AmazonCloudWatchAgent from emr-7.0.0.
    names = lambda label: {a["Name"] for a in emr.describe_release_label(ReleaseLabel=label)["Applications"]}  # noqa: E731
    assert "Ganglia" in names("emr-6.15.0") and "Ganglia" not in names("emr-7.0.0")
    assert "AmazonCloudWatchAgent" in names("emr-7.0.0") and "AmazonCloudWatchAgent" not in names("emr-6.15.0")
    assert _code_and_message(lambda: emr.describe_release_label(ReleaseLabel="emr-99.0.0"))[0] == "ValidationException"
    cluster_id = emr.run_job_flow(**_request())["JobFlowId"]
    summary = emr.list_clusters()["Clusters"][0]
    assert summary["ClusterArn"] == f"arn:aws:elasticmapreduce:us-east-1:123456789012:cluster/{cluster_id}"
