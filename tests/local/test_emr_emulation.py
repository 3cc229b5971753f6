"""Tests of the EMR emulation in-process (``moto.mock_aws`` after ``install()``)."""

from __future__ import annotations

import copy
import json
from typing import Any

import moto
import pytest
from botocore.exceptions import ClientError

from cdk_emr.local import (
    SUPPORTED_MOTO_VERSION,
    MotoVersionError,
    check_moto_version,
    install,
    is_installed,
    uninstall,
)
from cdk_emr.local.emr_models import FAILING_STEP_PATTERN
from cdk_emr.local.lifecycle import ManualClock

# The emulation's timings at time scale 1 (lifecycle.Durations): a cluster starts in 300 s and
# bootstraps in 120 s; a step runs 60 s; a resize and a termination take 120 s and 60 s.
STARTED = 300 + 120
STEP = 60
RESIZE = 120
TERMINATING = 60

SECURITY_CONFIGURATION = {
    "EncryptionConfiguration": {
        "EnableInTransitEncryption": False,
        "EnableAtRestEncryption": True,
        "AtRestEncryptionConfiguration": {"S3EncryptionConfiguration": {"EncryptionMode": "SSE-S3"}},
    }
}


def _assume_role(service: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
    }


FLEET_TEMPLATE: dict[str, Any] = {
    "Resources": {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
        "SubnetA": {
            "Type": "AWS::EC2::Subnet",
            "Properties": {
                "VpcId": {"Ref": "Vpc"},
                "CidrBlock": "10.0.1.0/24",
                "AvailabilityZone": "us-east-1b",
            },
        },
        "SubnetB": {
            "Type": "AWS::EC2::Subnet",
            "Properties": {
                "VpcId": {"Ref": "Vpc"},
                "CidrBlock": "10.0.2.0/24",
                "AvailabilityZone": "us-east-1c",
            },
        },
        "ServiceRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {"AssumeRolePolicyDocument": _assume_role("elasticmapreduce.amazonaws.com")},
        },
        "InstanceRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {"AssumeRolePolicyDocument": _assume_role("ec2.amazonaws.com")},
        },
        "InstanceProfile": {
            "Type": "AWS::IAM::InstanceProfile",
            "Properties": {"Roles": [{"Ref": "InstanceRole"}]},
        },
        "SecurityConfiguration": {
            "Type": "AWS::EMR::SecurityConfiguration",
            "Properties": {"SecurityConfiguration": SECURITY_CONFIGURATION},
        },
        "Cluster": {
            "Type": "AWS::EMR::Cluster",
            "Properties": {
                "Name": "analytics",
                "ReleaseLabel": "emr-7.1.0",
                "OSReleaseLabel": "2.0.20240301.0",
                "ServiceRole": {"Ref": "ServiceRole"},
                "JobFlowRole": {"Ref": "InstanceProfile"},
                "LogUri": {"Fn::Join": ["", ["s3://logs-", {"Ref": "AWS::AccountId"}, "/emr/"]]},
                "LogEncryptionKmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/logs",
                "SecurityConfiguration": {"Ref": "SecurityConfiguration"},
                "VisibleToAllUsers": True,
                "StepConcurrencyLevel": 3,
                "EbsRootVolumeSize": 50,
                "Applications": [{"Name": "Spark"}, {"Name": "Hive"}],
                "BootstrapActions": [
                    {
                        "Name": "setup",
                        "ScriptBootstrapAction": {"Path": "s3://b/bootstrap.sh", "Args": ["--x"]},
                    }
                ],
                "Configurations": [
                    {
                        "Classification": "spark-defaults",
                        "ConfigurationProperties": {"spark.dynamicAllocation.enabled": "true"},
                    },
                    {
                        "Classification": "hadoop-env",
                        "Configurations": [
                            {
                                "Classification": "export",
                                "ConfigurationProperties": {"JAVA_HOME": "/usr/lib/jvm"},
                            }
                        ],
                    },
                ],
                "ManagedScalingPolicy": {
                    "ComputeLimits": {
                        "UnitType": "InstanceFleetUnits",
                        "MinimumCapacityUnits": 2,
                        "MaximumCapacityUnits": 20,
                        "MaximumOnDemandCapacityUnits": 4,
                        "MaximumCoreCapacityUnits": 4,
                    }
                },
                "AutoTerminationPolicy": {"IdleTimeout": 7200},
                "Tags": [{"Key": "team", "Value": "data"}],
                "Instances": {
                    "Ec2SubnetIds": [{"Ref": "SubnetA"}, {"Ref": "SubnetB"}],
                    "KeepJobFlowAliveWhenNoSteps": True,
                    "TerminationProtected": True,
                    "MasterInstanceFleet": {
                        "Name": "primary",
                        "TargetOnDemandCapacity": 1,
                        "InstanceTypeConfigs": [{"InstanceType": "m5.xlarge"}],
                    },
                    "CoreInstanceFleet": {
                        "Name": "core",
                        "TargetOnDemandCapacity": 4,
                        "InstanceTypeConfigs": [
                            {
                                "InstanceType": "r5.2xlarge",
                                "WeightedCapacity": 2,
                                "EbsConfiguration": {
                                    "EbsBlockDeviceConfigs": [
                                        {
                                            "VolumeSpecification": {
                                                "SizeInGB": 200,
                                                "VolumeType": "gp3",
                                            },
                                            "VolumesPerInstance": 2,
                                        }
                                    ],
                                    "EbsOptimized": True,
                                },
                            },
                            {"InstanceType": "r5.xlarge", "WeightedCapacity": 1},
                        ],
                    },
                    "TaskInstanceFleets": [
                        {
                            "Name": "task",
                            "TargetSpotCapacity": 8,
                            "InstanceTypeConfigs": [
                                {
                                    "InstanceType": "c5.2xlarge",
                                    "WeightedCapacity": 2,
                                    "BidPriceAsPercentageOfOnDemandPrice": 60,
                                },
                                {"InstanceType": "c5a.2xlarge", "WeightedCapacity": 2},
                            ],
                            "LaunchSpecifications": {
                                "SpotSpecification": {
                                    "AllocationStrategy": "capacity-optimized",
                                    "TimeoutAction": "SWITCH_TO_ON_DEMAND",
                                    "TimeoutDurationMinutes": 10,
                                }
                            },
                        }
                    ],
                },
            },
        },
        "ExtraTaskFleet": {
            "Type": "AWS::EMR::InstanceFleetConfig",
            "Properties": {
                "ClusterId": {"Ref": "Cluster"},
                "InstanceFleetType": "TASK",
                "Name": "extra",
                "TargetSpotCapacity": 2,
                "InstanceTypeConfigs": [{"InstanceType": "m5.xlarge"}],
            },
        },
        "Step": {
            "Type": "AWS::EMR::Step",
            "Properties": {
                "JobFlowId": {"Ref": "Cluster"},
                "Name": "warm-up",
                "ActionOnFailure": "CONTINUE",
                "HadoopJarStep": {
                    "Jar": "command-runner.jar",
                    "Args": ["spark-submit", "s3://b/warm_up.py"],
                    "StepProperties": [{"Key": "k", "Value": "v"}],
                },
            },
        },
    },
    "Outputs": {
        "ClusterId": {"Value": {"Ref": "Cluster"}},
        "MasterDns": {"Value": {"Fn::GetAtt": ["Cluster", "MasterPublicDNS"]}},
        "ExtraFleetId": {"Value": {"Ref": "ExtraTaskFleet"}},
        "StepId": {"Value": {"Ref": "Step"}},
        "SecurityConfigurationName": {"Value": {"Ref": "SecurityConfiguration"}},
    },
}


def _create_stack(cloudformation: Any, template: dict[str, Any], name: str = "emr") -> dict[str, str]:
    cloudformation.create_stack(StackName=name, TemplateBody=json.dumps(template), Capabilities=["CAPABILITY_IAM"])
    return _outputs(cloudformation, name)


def _update_stack(cloudformation: Any, template: dict[str, Any], name: str = "emr") -> dict[str, str]:
    cloudformation.update_stack(StackName=name, TemplateBody=json.dumps(template), Capabilities=["CAPABILITY_IAM"])
    return _outputs(cloudformation, name)


def _outputs(cloudformation: Any, name: str) -> dict[str, str]:
    stack = cloudformation.describe_stacks(StackName=name)["Stacks"][0]
    assert stack["StackStatus"] in ("CREATE_COMPLETE", "UPDATE_COMPLETE"), stack
    return {output["OutputKey"]: output["OutputValue"] for output in stack["Outputs"]}


def _cluster_template(properties: dict[str, Any]) -> dict[str, Any]:
    base = {"Name": "small", "ReleaseLabel": "emr-7.1.0", "JobFlowRole": "EMR_EC2_DefaultRole", "ServiceRole": "EMR_DefaultRole"}
    return {
        "Resources": {"Cluster": {"Type": "AWS::EMR::Cluster", "Properties": {**base, **properties}}},
        "Outputs": {"ClusterId": {"Value": {"Ref": "Cluster"}}},
    }


def _fleet(fleet_type: str, on_demand: int = 0, spot: int = 0, **extra: Any) -> dict[str, Any]:
    return {
        "InstanceFleetType": fleet_type,
        "TargetOnDemandCapacity": on_demand,
        "TargetSpotCapacity": spot,
        "InstanceTypeConfigs": [{"InstanceType": "m5.xlarge"}],
        **extra,
    }


def _group(role: str, count: int = 1) -> dict[str, Any]:
    return {"InstanceRole": role, "InstanceType": "m5.xlarge", "InstanceCount": count}


def _run_cluster(emr: Any, keep_alive: bool = True, **overrides: Any) -> str:
    instances = {
        "KeepJobFlowAliveWhenNoSteps": keep_alive,
        "InstanceFleets": [_fleet("MASTER", on_demand=1), _fleet("CORE", on_demand=2)],
        **overrides.pop("Instances", {}),
    }
    request = {
        "Name": "c",
        "ReleaseLabel": "emr-7.1.0",
        "JobFlowRole": "EMR_EC2_DefaultRole",
        "ServiceRole": "EMR_DefaultRole",
        "LogUri": "s3://logs/emr/",
        "Instances": instances,
        **overrides,
    }
    return emr.run_job_flow(**request)["JobFlowId"]


def _step(name: str, script: str = "s3://b/job.py", on_failure: str = "CONTINUE") -> dict[str, Any]:
    return {
        "Name": name,
        "ActionOnFailure": on_failure,
        "HadoopJarStep": {"Jar": "command-runner.jar", "Args": ["spark-submit", script]},
    }


def _state(emr: Any, cluster_id: str) -> str:
    return emr.describe_cluster(ClusterId=cluster_id)["Cluster"]["Status"]["State"]


def _step_states(emr: Any, cluster_id: str) -> list[str]:
    steps = emr.list_steps(ClusterId=cluster_id)["Steps"]
    return [step["Status"]["State"] for step in reversed(steps)]


def _error_code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return error.value.response["Error"]["Code"]


# --- installation ---------------------------------------------------------------------


def test_version_pin_rejects_other_moto_releases(monkeypatch: pytest.MonkeyPatch) -> None:
    check_moto_version()
    assert moto.__version__ == SUPPORTED_MOTO_VERSION
    with pytest.raises(MotoVersionError, match=r"extends moto 5\.2\.5 but moto 5\.3\.0"):
        check_moto_version("5.3.0")
    monkeypatch.setattr(moto, "__version__", "5.1.0")
    with pytest.raises(MotoVersionError, match=r"moto 5\.1\.0 is installed"):
        install()


def test_install_is_idempotent_and_uninstall_restores_moto(emr: Any, cloudformation: Any) -> None:
    install()
    install()
    assert is_installed()
    cluster_id = _run_cluster(emr)
    assert emr.list_instance_fleets(ClusterId=cluster_id)["InstanceFleets"]

    uninstall()
    assert not is_installed()
    with pytest.raises(NotImplementedError):  # moto's own EMR has no ListInstanceFleets
        emr.list_instance_fleets(ClusterId=cluster_id)
    stack = _cluster_template({"Instances": {"KeepJobFlowAliveWhenNoSteps": True}})
    cluster_id = _create_stack(cloudformation, stack)["ClusterId"]
    assert _state(emr, cluster_id) == "TERMINATED"  # moto's own model ignores keep-alive


# --- CloudFormation -----------------------------------------------------------------------


def test_cloudformation_cluster_keeps_every_property(cloudformation: Any, emr: Any, ec2: Any) -> None:
    outputs = _create_stack(cloudformation, FLEET_TEMPLATE)
    cluster = emr.describe_cluster(ClusterId=outputs["ClusterId"])["Cluster"]

    assert cluster["Status"]["State"] == "STARTING"
    assert cluster["InstanceCollectionType"] == "INSTANCE_FLEET"
    assert cluster["ReleaseLabel"] == "emr-7.1.0"
    assert cluster["OSReleaseLabel"] == "2.0.20240301.0"
    assert cluster["LogUri"] == "s3://logs-123456789012/emr/"
    assert cluster["LogEncryptionKmsKeyId"].endswith("key/logs")
    assert cluster["SecurityConfiguration"] == outputs["SecurityConfigurationName"]
    assert cluster["VisibleToAllUsers"] is True
    assert cluster["StepConcurrencyLevel"] == 3
    assert cluster["EbsRootVolumeSize"] == 50
    assert cluster["TerminationProtected"] is True
    assert cluster["AutoTerminate"] is False
    assert cluster["ServiceRole"].startswith("emr-ServiceRole-")
    assert [app["Name"] for app in cluster["Applications"]] == ["Spark", "Hive"]
    assert cluster["Tags"] == [{"Key": "team", "Value": "data"}]
    assert cluster["Configurations"] == [
        {
            "Classification": "spark-defaults",
            "Properties": {"spark.dynamicAllocation.enabled": "true"},
        },
        {
            "Classification": "hadoop-env",
            "Configurations": [{"Classification": "export", "Properties": {"JAVA_HOME": "/usr/lib/jvm"}}],
        },
    ]
    attributes = cluster["Ec2InstanceAttributes"]
    subnets = ec2.describe_subnets(Filters=[{"Name": "cidr-block", "Values": ["10.0.1.0/24"]}])
    subnet_a = subnets["Subnets"][0]["SubnetId"]
    assert attributes["RequestedEc2SubnetIds"][0] == subnet_a
    assert len(attributes["RequestedEc2SubnetIds"]) == 2
    assert attributes["Ec2SubnetId"] == subnet_a
    assert attributes["Ec2AvailabilityZone"] == "us-east-1b"
    assert attributes["IamInstanceProfile"].startswith("emr-InstanceProfile-")
    assert attributes["EmrManagedMasterSecurityGroup"].startswith("sg-")
    assert outputs["MasterDns"] == cluster["MasterPublicDnsName"]

    bootstrap = emr.list_bootstrap_actions(ClusterId=cluster["Id"])["BootstrapActions"]
    assert bootstrap == [{"Name": "setup", "ScriptPath": "s3://b/bootstrap.sh", "Args": ["--x"]}]
    policy = emr.get_managed_scaling_policy(ClusterId=cluster["Id"])["ManagedScalingPolicy"]
    assert policy["ComputeLimits"]["MaximumCoreCapacityUnits"] == 4
    termination = emr.get_auto_termination_policy(ClusterId=cluster["Id"])
    assert termination["AutoTerminationPolicy"] == {"IdleTimeout": 7200}
    security = emr.describe_security_configuration(Name=outputs["SecurityConfigurationName"])
    assert json.loads(security["SecurityConfiguration"]) == SECURITY_CONFIGURATION


def test_cloudformation_models_fleets_and_their_capacities(cloudformation: Any, emr: Any, clock: ManualClock) -> None:
    outputs = _create_stack(cloudformation, FLEET_TEMPLATE)
    starting = emr.list_instance_fleets(ClusterId=outputs["ClusterId"])["InstanceFleets"]
    assert {(f["Status"]["State"], f["ProvisionedOnDemandCapacity"]) for f in starting} == {("PROVISIONING", 0)}
    clock.advance(STARTED)
    fleets = emr.list_instance_fleets(ClusterId=outputs["ClusterId"])["InstanceFleets"]

    summary = [(f["Name"], f["InstanceFleetType"], f["TargetOnDemandCapacity"], f["TargetSpotCapacity"]) for f in fleets]
    assert summary == [
        ("primary", "MASTER", 1, 0),
        ("core", "CORE", 4, 0),
        ("task", "TASK", 0, 8),
        ("extra", "TASK", 0, 2),
    ]
    for fleet in fleets:
        assert fleet["Id"].startswith("if-")
        assert fleet["Status"]["State"] == "RUNNING"
        assert fleet["ProvisionedOnDemandCapacity"] == fleet["TargetOnDemandCapacity"]
        assert fleet["ProvisionedSpotCapacity"] == fleet["TargetSpotCapacity"]
    core, task, extra = fleets[1], fleets[2], fleets[3]
    assert extra["Id"] == outputs["ExtraFleetId"]
    instances = emr.list_instances(ClusterId=outputs["ClusterId"], InstanceFleetType="CORE")["Instances"]
    # 4 on-demand units of r5.2xlarge at weight 2: 2 instances
    assert [(i["InstanceFleetId"], i["Market"], i["InstanceType"]) for i in instances] == [
        (core["Id"], "ON_DEMAND", "r5.2xlarge")
    ] * 2
    assert all(i["Id"].startswith("ci-") and i["Ec2InstanceId"].startswith("i-") for i in instances)
    assert core["InstanceTypeSpecifications"][0] == {
        "InstanceType": "r5.2xlarge",
        "WeightedCapacity": 2,
        "BidPriceAsPercentageOfOnDemandPrice": 100.0,
        "EbsOptimized": True,
        "EbsBlockDevices": [
            {"VolumeSpecification": {"SizeInGB": 200, "VolumeType": "gp3"}, "Device": "/dev/sdb"},
            {"VolumeSpecification": {"SizeInGB": 200, "VolumeType": "gp3"}, "Device": "/dev/sdc"},
        ],
    }
    assert task["InstanceTypeSpecifications"][0]["BidPriceAsPercentageOfOnDemandPrice"] == 60.0
    assert task["LaunchSpecifications"]["SpotSpecification"] == {
        "AllocationStrategy": "capacity-optimized",
        "TimeoutAction": "SWITCH_TO_ON_DEMAND",
        "TimeoutDurationMinutes": 10,
    }


def test_cloudformation_step_resource_is_queued(cloudformation: Any, emr: Any) -> None:
    outputs = _create_stack(cloudformation, FLEET_TEMPLATE)
    step = emr.describe_step(ClusterId=outputs["ClusterId"], StepId=outputs["StepId"])["Step"]
    assert step["Name"] == "warm-up"
    assert step["Status"]["State"] == "PENDING"
    assert step["Config"]["Properties"] == {"k": "v"}


def test_cloudformation_instance_groups_and_default_keep_alive(cloudformation: Any, emr: Any, clock: ManualClock) -> None:
    template = _cluster_template(
        {
            "Instances": {
                "MasterInstanceGroup": {"InstanceCount": 1, "InstanceType": "m5.xlarge"},
                "CoreInstanceGroup": {
                    "InstanceCount": 2,
                    "InstanceType": "r5.xlarge",
                    "Market": "SPOT",
                    "Configurations": [{"Classification": "yarn-site", "ConfigurationProperties": {"a": "b"}}],
                },
            }
        }
    )
    cluster_id = _create_stack(cloudformation, template)["ClusterId"]
    clock.advance(STARTED)

    cluster = emr.describe_cluster(ClusterId=cluster_id)["Cluster"]
    assert cluster["Status"]["State"] == "WAITING"
    assert cluster["InstanceCollectionType"] == "INSTANCE_GROUP"
    groups = emr.list_instance_groups(ClusterId=cluster_id)["InstanceGroups"]
    assert sorted((g["InstanceGroupType"], g["RequestedInstanceCount"]) for g in groups) == [
        ("CORE", 2),
        ("MASTER", 1),
    ]
    core = next(g for g in groups if g["InstanceGroupType"] == "CORE")
    assert core["Market"] == "SPOT"
    assert core["Configurations"] == [{"Classification": "yarn-site", "Properties": {"a": "b"}}]
    assert all(g["Id"].startswith("ig-") for g in groups)
    assert len(emr.list_instances(ClusterId=cluster_id)["Instances"]) == 3


def test_cloudformation_cluster_without_keep_alive_terminates(cloudformation: Any, emr: Any, clock: ManualClock) -> None:
    template = _cluster_template(
        {
            "Instances": {
                "KeepJobFlowAliveWhenNoSteps": "false",
                "MasterInstanceFleet": _fleet("MASTER", 1),
            }
        }
    )
    cluster_id = _create_stack(cloudformation, template)["ClusterId"]
    clock.advance(STARTED)
    assert _state(emr, cluster_id) == "TERMINATING"
    clock.advance(TERMINATING)
    status = emr.describe_cluster(ClusterId=cluster_id)["Cluster"]["Status"]
    assert status["State"] == "TERMINATED"
    assert status["StateChangeReason"]["Code"] == "ALL_STEPS_COMPLETED"


def test_cloudformation_update_in_place_and_replacement(cloudformation: Any, emr: Any, clock: ManualClock) -> None:
    template = copy.deepcopy(FLEET_TEMPLATE)
    outputs = _create_stack(cloudformation, template)
    cluster_id = outputs["ClusterId"]
    clock.advance(STARTED + STEP)
    properties = template["Resources"]["Cluster"]["Properties"]
    properties["StepConcurrencyLevel"] = 5
    properties["Instances"]["CoreInstanceFleet"]["TargetOnDemandCapacity"] = 6
    properties["Instances"]["TerminationProtected"] = False
    assert _update_stack(cloudformation, template)["ClusterId"] == cluster_id
    assert emr.describe_cluster(ClusterId=cluster_id)["Cluster"]["StepConcurrencyLevel"] == 5
    core = emr.list_instance_fleets(ClusterId=cluster_id)["InstanceFleets"][1]
    assert (core["TargetOnDemandCapacity"], core["ProvisionedOnDemandCapacity"], core["Status"]["State"]) == (6, 4, "RESIZING")
    clock.advance(RESIZE)
    core = emr.list_instance_fleets(ClusterId=cluster_id)["InstanceFleets"][1]
    assert (core["ProvisionedOnDemandCapacity"], core["Status"]["State"]) == (6, "RUNNING")

    properties["ReleaseLabel"] = "emr-7.2.0"
    replaced = _update_stack(cloudformation, template)
    replacement_id = replaced["ClusterId"]
    assert replacement_id != cluster_id
    assert _state(emr, cluster_id) == "TERMINATING"
    clock.advance(TERMINATING)
    assert _state(emr, cluster_id) == "TERMINATED"
    assert emr.describe_cluster(ClusterId=replacement_id)["Cluster"]["ReleaseLabel"] == "emr-7.2.0"
    # The dependents follow the new cluster, as CloudFormation replaces them.
    fleets = emr.list_instance_fleets(ClusterId=replacement_id)["InstanceFleets"]
    assert [f["Name"] for f in fleets] == ["primary", "core", "task", "extra"]
    assert [s["Name"] for s in emr.list_steps(ClusterId=replacement_id)["Steps"]] == ["warm-up"]
    assert [f["Name"] for f in emr.list_instance_fleets(ClusterId=cluster_id)["InstanceFleets"]] == ["primary", "core", "task"]
    assert set(replaced) == set(outputs)


# --- clusters through the API -----------------------------------------------------------


def test_run_job_flow_keeps_fleets_policies_and_subnets(emr: Any, ec2: Any) -> None:
    vpc_id = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.1.1.0/24", AvailabilityZone="us-east-1d")
    subnet_id = subnet["Subnet"]["SubnetId"]
    other = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.1.2.0/24", AvailabilityZone="us-east-1e")["Subnet"]["SubnetId"]
    cluster_id = _run_cluster(
        emr,
        Instances={"Ec2SubnetIds": [subnet_id, other], "TerminationProtected": True},
        Applications=[{"Name": "Spark", "Version": "3.5.0"}],
        Configurations=[{"Classification": "spark", "Properties": {"maximizeResourceAllocation": "true"}}],
        SecurityConfiguration=emr.create_security_configuration(
            Name="sec", SecurityConfiguration=json.dumps(SECURITY_CONFIGURATION)
        )["Name"],
        StepConcurrencyLevel=4,
        ManagedScalingPolicy={
            "ComputeLimits": {
                "UnitType": "InstanceFleetUnits",
                "MinimumCapacityUnits": 1,
                "MaximumCapacityUnits": 8,
            }
        },
        AutoTerminationPolicy={"IdleTimeout": 600},
        OSReleaseLabel="2023.5.20240708.0",
        LogEncryptionKmsKeyId="alias/logs",
        Tags=[{"Key": "env", "Value": "dev"}],
    )
    cluster = emr.describe_cluster(ClusterId=cluster_id)["Cluster"]

    assert cluster["InstanceCollectionType"] == "INSTANCE_FLEET"
    assert cluster["Applications"][0]["Version"] == "3.5.0"
    assert cluster["Configurations"][0]["Properties"] == {"maximizeResourceAllocation": "true"}
    assert cluster["SecurityConfiguration"] == "sec"
    assert cluster["StepConcurrencyLevel"] == 4
    assert cluster["OSReleaseLabel"] == "2023.5.20240708.0"
    assert cluster["LogEncryptionKmsKeyId"] == "alias/logs"
    assert cluster["TerminationProtected"] is True
    assert cluster["Tags"] == [{"Key": "env", "Value": "dev"}]
    assert cluster["Ec2InstanceAttributes"]["RequestedEc2SubnetIds"] == [subnet_id, other]
    assert cluster["Ec2InstanceAttributes"]["Ec2AvailabilityZone"] == "us-east-1d"
    limits = emr.get_managed_scaling_policy(ClusterId=cluster_id)["ManagedScalingPolicy"]["ComputeLimits"]
    assert limits["MaximumCapacityUnits"] == 8
    assert emr.get_auto_termination_policy(ClusterId=cluster_id)["AutoTerminationPolicy"] == {"IdleTimeout": 600}
    job_flow = emr.describe_job_flows(JobFlowIds=[cluster_id])["JobFlows"][0]
    assert job_flow["Instances"]["MasterInstanceType"] == "m5.xlarge"
    assert job_flow["Instances"]["InstanceCount"] == 3


@pytest.mark.parametrize(
    ("request_overrides", "message"),
    [
        ({"SecurityConfiguration": "missing"}, "Security configuration 'missing' does not exist"),
        ({"Instances": {"InstanceFleets": [_fleet("MASTER", 2)]}}, "target capacity of 1 or 3"),
        (
            {"Instances": {"InstanceFleets": [_fleet("MASTER", 1), _fleet("CORE", 1), _fleet("CORE", 1)]}},
            "only one CORE instance fleet",
        ),
        (
            {"StepConcurrencyLevel": 2, "Steps": [_step("s", on_failure="TERMINATE_CLUSTER")]},
            "is not valid",
        ),
        ({"AutoTerminationPolicy": {"IdleTimeout": 10}}, "IdleTimeout"),
        (
            {
                "Instances": {
                    "InstanceFleets": [],
                    "MasterInstanceType": "m5.xlarge",
                    "InstanceGroups": [_group("MASTER"), _group("MASTER")],
                }
            },
            "only one MASTER instance group",
        ),
    ],
)
def test_run_job_flow_validates_the_request(emr: Any, request_overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ClientError, match=message) as error:
        _run_cluster(emr, **request_overrides)
    assert _error_code(error) == "ValidationException"


def test_keep_alive_false_terminates_and_can_be_switched(emr: Any, clock: ManualClock) -> None:
    transient = _run_cluster(emr, keep_alive=False)
    long_running = _run_cluster(emr)
    clock.advance(STARTED + TERMINATING)
    assert _state(emr, transient) == "TERMINATED"
    assert _state(emr, long_running) == "WAITING"
    emr.set_keep_job_flow_alive_when_no_steps(JobFlowIds=[long_running], KeepJobFlowAliveWhenNoSteps=False)
    assert _state(emr, long_running) == "TERMINATING"
    clock.advance(TERMINATING)
    assert _state(emr, long_running) == "TERMINATED"


def test_three_primary_nodes_force_protection_and_keep_alive(emr: Any, clock: ManualClock) -> None:
    fleets = [_fleet("MASTER", on_demand=3), _fleet("CORE", on_demand=4)]
    cluster_id = _run_cluster(emr, keep_alive=False, Instances={"InstanceFleets": fleets})
    clock.advance(STARTED)
    cluster = emr.describe_cluster(ClusterId=cluster_id)["Cluster"]
    assert (cluster["Status"]["State"], cluster["TerminationProtected"], cluster["AutoTerminate"]) == ("WAITING", True, False)


def test_termination_protection_is_honoured(emr: Any, clock: ManualClock) -> None:
    cluster_id = _run_cluster(emr, Instances={"TerminationProtected": True})
    clock.advance(STARTED)
    with pytest.raises(ClientError, match="since they are termination protected") as error:
        emr.terminate_job_flows(JobFlowIds=[cluster_id])
    assert _error_code(error) == "ValidationException"
    assert _state(emr, cluster_id) == "WAITING"

    emr.set_termination_protection(JobFlowIds=[cluster_id], TerminationProtected=False)
    emr.terminate_job_flows(JobFlowIds=[cluster_id])
    assert _state(emr, cluster_id) == "TERMINATING"
    clock.advance(TERMINATING)
    status = emr.describe_cluster(ClusterId=cluster_id)["Cluster"]["Status"]
    assert status["State"] == "TERMINATED"
    assert status["StateChangeReason"] == {"Code": "USER_REQUEST", "Message": "Terminated by user request"}
    assert status["Timeline"]["EndDateTime"]
    fleets = emr.list_instance_fleets(ClusterId=cluster_id)["InstanceFleets"]
    assert {(f["Status"]["State"], f["ProvisionedOnDemandCapacity"]) for f in fleets} == {("TERMINATED", 0)}


# --- steps -----------------------------------------------------------------------------


def test_step_progresses_pending_running_completed(emr: Any, clock: ManualClock) -> None:
    cluster_id = _run_cluster(emr)
    step_id = emr.add_job_flow_steps(JobFlowId=cluster_id, Steps=[_step("etl")])["StepIds"][0]

    seen = []
    for seconds in (0, STARTED, STEP - 1, 1, 600):
        clock.advance(seconds)
        seen.append(emr.describe_step(ClusterId=cluster_id, StepId=step_id)["Step"])

    assert [s["Status"]["State"] for s in seen] == ["PENDING", "RUNNING", "RUNNING", "COMPLETED", "COMPLETED"]
    assert "StartDateTime" not in seen[0]["Status"]["Timeline"]
    assert "EndDateTime" not in seen[1]["Status"]["Timeline"]
    timeline = seen[3]["Status"]["Timeline"]
    assert (timeline["EndDateTime"] - timeline["StartDateTime"]).total_seconds() == STEP
    assert seen[3]["Config"]["Args"] == ["spark-submit", "s3://b/job.py"]
    cluster = emr.describe_cluster(ClusterId=cluster_id)["Cluster"]
    assert cluster["Status"]["State"] == "WAITING"
    assert cluster["Status"]["StateChangeReason"] == {"Message": "Cluster ready after last step completed."}


def test_cluster_goes_through_emr_states_with_time(emr: Any, clock: ManualClock) -> None:
    cluster_id = _run_cluster(emr, keep_alive=False, Steps=[_step("one"), _step("two")])
    states = []
    for seconds in (0, 300, 120, STEP, STEP, TERMINATING):
        clock.advance(seconds)
        states.append((_state(emr, cluster_id), _step_states(emr, cluster_id)))
    assert states == [
        ("STARTING", ["PENDING", "PENDING"]),
        ("BOOTSTRAPPING", ["PENDING", "PENDING"]),
        ("RUNNING", ["RUNNING", "PENDING"]),
        ("RUNNING", ["COMPLETED", "RUNNING"]),
        ("TERMINATING", ["COMPLETED", "COMPLETED"]),
        ("TERMINATED", ["COMPLETED", "COMPLETED"]),
    ]
    status = emr.describe_cluster(ClusterId=cluster_id)["Cluster"]["Status"]
    assert status["StateChangeReason"] == {"Code": "ALL_STEPS_COMPLETED", "Message": "Steps completed"}
    timeline = status["Timeline"]
    assert (timeline["ReadyDateTime"] - timeline["CreationDateTime"]).total_seconds() == STARTED
    assert (timeline["EndDateTime"] - timeline["ReadyDateTime"]).total_seconds() == 2 * STEP + TERMINATING


def test_failed_step_terminates_cluster_with_errors(emr: Any, clock: ManualClock) -> None:
    steps = [
        _step("bad", script="s3://b/jobs/fail.py", on_failure="TERMINATE_CLUSTER"),
        _step("never"),
    ]
    cluster_id = _run_cluster(emr, Steps=steps)
    clock.advance(STARTED + STEP)
    assert _step_states(emr, cluster_id) == ["FAILED", "CANCELLED"]

    failed = emr.list_steps(ClusterId=cluster_id, StepStates=["FAILED"])["Steps"][0]
    details = failed["Status"]["FailureDetails"]
    assert details["LogFile"] == f"s3://logs/emr/{cluster_id}/steps/{failed['Id']}/stderr.gz"
    assert details["Reason"]
    assert _state(emr, cluster_id) == "TERMINATING"
    clock.advance(TERMINATING)
    status = emr.describe_cluster(ClusterId=cluster_id)["Cluster"]["Status"]
    assert status["State"] == "TERMINATED_WITH_ERRORS"
    assert status["StateChangeReason"]["Code"] == "STEP_FAILURE"


def test_failed_step_on_protected_cluster_keeps_it_waiting(emr: Any, clock: ManualClock) -> None:
    steps = [_step("bad", script="fail-job.jar", on_failure="TERMINATE_CLUSTER"), _step("next")]
    cluster_id = _run_cluster(emr, Instances={"TerminationProtected": True}, Steps=steps)
    clock.advance(STARTED + STEP)
    assert _step_states(emr, cluster_id) == ["FAILED", "CANCELLED"]
    assert _state(emr, cluster_id) == "WAITING"


def test_cancel_and_wait_and_continue(emr: Any, clock: ManualClock) -> None:
    cluster_id = _run_cluster(emr)
    emr.add_job_flow_steps(
        JobFlowId=cluster_id,
        Steps=[
            _step("soft", script="s3://b/failing.py", on_failure="CONTINUE"),
            _step("hard", script="s3://b/fail.sh", on_failure="CANCEL_AND_WAIT"),
            _step("skipped"),
        ],
    )
    clock.advance(STARTED + 2 * STEP)
    assert _step_states(emr, cluster_id) == ["FAILED", "FAILED", "CANCELLED"]
    assert _state(emr, cluster_id) == "WAITING"


def test_step_concurrency_runs_steps_together(emr: Any, clock: ManualClock) -> None:
    cluster_id = _run_cluster(emr, StepConcurrencyLevel=2)
    emr.add_job_flow_steps(JobFlowId=cluster_id, Steps=[_step("a"), _step("b"), _step("c")])
    assert _step_states(emr, cluster_id) == ["PENDING", "PENDING", "PENDING"]
    clock.advance(STARTED)
    assert _step_states(emr, cluster_id) == ["RUNNING", "RUNNING", "PENDING"]
    clock.advance(STEP)
    assert _step_states(emr, cluster_id) == ["COMPLETED", "COMPLETED", "RUNNING"]
    with pytest.raises(ClientError, match="CANCEL_AND_WAIT is not valid"):
        emr.add_job_flow_steps(JobFlowId=cluster_id, Steps=[_step("x", on_failure="CANCEL_AND_WAIT")])


def test_cancel_steps_and_errors(emr: Any, clock: ManualClock) -> None:
    cluster_id = _run_cluster(emr)
    step_ids = emr.add_job_flow_steps(JobFlowId=cluster_id, Steps=[_step("a"), _step("b")])["StepIds"]
    result = emr.cancel_steps(ClusterId=cluster_id, StepIds=[step_ids[1], "s-UNKNOWN"])
    assert [(r["StepId"], r["Status"]) for r in result["CancelStepsInfoList"]] == [
        (step_ids[1], "SUBMITTED"),
        ("s-UNKNOWN", "FAILED"),
    ]
    assert _step_states(emr, cluster_id) == ["PENDING", "CANCELLED"]
    with pytest.raises(ClientError) as error:
        emr.describe_step(ClusterId=cluster_id, StepId="s-UNKNOWN")
    assert _error_code(error) == "InvalidRequestException"

    emr.terminate_job_flows(JobFlowIds=[cluster_id])
    assert _step_states(emr, cluster_id) == ["CANCELLED", "CANCELLED"]
    with pytest.raises(ClientError, match="may not be modified"):
        emr.add_job_flow_steps(JobFlowId=cluster_id, Steps=[_step("late")])


@pytest.mark.parametrize(
    ("value", "fails"),
    [
        ("s3://bucket/jobs/fail.py", True),
        ("fail-job.jar", True),
        ("/home/hadoop/Failing_Step.sh", True),
        ("s3://bucket/jobs/etl.py", False),
        ("spark.task.maxFailures=4", False),
        ("failOnDataLoss=false", False),
        ("s3://bucket/fail/etl.py", False),
    ],
)
def test_failure_convention(value: str, fails: bool) -> None:
    assert bool(FAILING_STEP_PATTERN.search(value)) is fails


# --- fleets and policies -------------------------------------------------------------------


def test_modify_and_add_instance_fleets(emr: Any, clock: ManualClock) -> None:
    cluster_id = _run_cluster(emr)
    clock.advance(STARTED)
    core = emr.list_instance_fleets(ClusterId=cluster_id)["InstanceFleets"][1]

    emr.modify_instance_fleet(
        ClusterId=cluster_id,
        InstanceFleet={
            "InstanceFleetId": core["Id"],
            "TargetOnDemandCapacity": 3,
            "TargetSpotCapacity": 5,
        },
    )
    added = emr.add_instance_fleet(ClusterId=cluster_id, InstanceFleet={**_fleet("TASK", spot=4), "Name": "burst"})
    states = {f["Id"]: f["Status"]["State"] for f in emr.list_instance_fleets(ClusterId=cluster_id)["InstanceFleets"]}
    assert (states[core["Id"]], states[added["InstanceFleetId"]]) == ("RESIZING", "PROVISIONING")
    clock.advance(RESIZE)

    fleets = {f["Id"]: f for f in emr.list_instance_fleets(ClusterId=cluster_id)["InstanceFleets"]}
    assert (
        fleets[core["Id"]]["ProvisionedOnDemandCapacity"],
        fleets[core["Id"]]["ProvisionedSpotCapacity"],
    ) == (3, 5)
    assert added["ClusterId"] == cluster_id
    assert added["ClusterArn"].endswith(f"cluster/{cluster_id}")
    assert fleets[added["InstanceFleetId"]]["Name"] == "burst"
    assert fleets[added["InstanceFleetId"]]["ProvisionedSpotCapacity"] == 4


def test_instance_fleet_errors(emr: Any) -> None:
    cluster_id = _run_cluster(emr)
    master = emr.list_instance_fleets(ClusterId=cluster_id)["InstanceFleets"][0]
    with pytest.raises(ClientError, match="if-MISSING") as error:
        emr.modify_instance_fleet(ClusterId=cluster_id, InstanceFleet={"InstanceFleetId": "if-MISSING"})
    assert _error_code(error) == "InvalidRequestException"
    with pytest.raises(ClientError, match="MASTER instance fleet cannot be modified"):
        emr.modify_instance_fleet(
            ClusterId=cluster_id,
            InstanceFleet={"InstanceFleetId": master["Id"], "TargetOnDemandCapacity": 2},
        )
    with pytest.raises(ClientError, match="Only TASK"):
        emr.add_instance_fleet(ClusterId=cluster_id, InstanceFleet=_fleet("CORE", 1))
    with pytest.raises(ClientError) as error:
        emr.list_instance_fleets(ClusterId="j-MISSING")
    assert _error_code(error) == "InvalidRequestException"

    groups_cluster = _run_cluster(emr, Instances={"InstanceFleets": [], "MasterInstanceType": "m5.xlarge", "InstanceCount": 1})
    with pytest.raises(ClientError, match="clusters that use instance fleets"):
        emr.add_instance_fleet(ClusterId=groups_cluster, InstanceFleet=_fleet("TASK", 1))

    emr.terminate_job_flows(JobFlowIds=[cluster_id])
    with pytest.raises(ClientError, match="may not be modified"):
        emr.add_instance_fleet(ClusterId=cluster_id, InstanceFleet=_fleet("TASK", 1))


def test_managed_scaling_policy_calls(emr: Any) -> None:
    cluster_id = _run_cluster(emr)
    assert "ManagedScalingPolicy" not in emr.get_managed_scaling_policy(ClusterId=cluster_id)
    policy = {
        "ComputeLimits": {
            "UnitType": "InstanceFleetUnits",
            "MinimumCapacityUnits": 2,
            "MaximumCapacityUnits": 12,
            "MaximumOnDemandCapacityUnits": 4,
            "MaximumCoreCapacityUnits": 3,
        }
    }
    emr.put_managed_scaling_policy(ClusterId=cluster_id, ManagedScalingPolicy=policy)
    assert emr.get_managed_scaling_policy(ClusterId=cluster_id)["ManagedScalingPolicy"] == policy
    emr.remove_managed_scaling_policy(ClusterId=cluster_id)
    assert "ManagedScalingPolicy" not in emr.get_managed_scaling_policy(ClusterId=cluster_id)

    invalid = {
        "ComputeLimits": {
            "UnitType": "Instances",
            "MinimumCapacityUnits": 5,
            "MaximumCapacityUnits": 2,
        }
    }
    with pytest.raises(ClientError) as error:
        emr.put_managed_scaling_policy(ClusterId=cluster_id, ManagedScalingPolicy=invalid)
    assert _error_code(error) == "ValidationException"


def test_auto_termination_policy_calls(emr: Any) -> None:
    cluster_id = _run_cluster(emr)
    assert "AutoTerminationPolicy" not in emr.get_auto_termination_policy(ClusterId=cluster_id)
    emr.put_auto_termination_policy(ClusterId=cluster_id, AutoTerminationPolicy={"IdleTimeout": 1800})
    assert emr.get_auto_termination_policy(ClusterId=cluster_id)["AutoTerminationPolicy"] == {"IdleTimeout": 1800}
    emr.remove_auto_termination_policy(ClusterId=cluster_id)
    assert "AutoTerminationPolicy" not in emr.get_auto_termination_policy(ClusterId=cluster_id)
    with pytest.raises(ClientError, match="IdleTimeout"):
        emr.put_auto_termination_policy(ClusterId=cluster_id, AutoTerminationPolicy={"IdleTimeout": 604801})


# --- security configurations --------------------------------------------------------------


def test_security_configurations_are_json_and_listed(emr: Any) -> None:
    document = json.dumps(SECURITY_CONFIGURATION)
    emr.create_security_configuration(Name="first", SecurityConfiguration=document)
    emr.create_security_configuration(
        Name="second",
        SecurityConfiguration=json.dumps({"InstanceMetadataServiceConfiguration": {"MinimumInstanceMetadataServiceVersion": 2}}),
    )

    assert emr.describe_security_configuration(Name="first")["SecurityConfiguration"] == document
    listed = emr.list_security_configurations()["SecurityConfigurations"]
    assert [c["Name"] for c in listed] == ["first", "second"]
    assert all("CreationDateTime" in c for c in listed)
    with pytest.raises(ClientError, match="not valid JSON") as error:
        emr.create_security_configuration(Name="broken", SecurityConfiguration="{not json")
    assert _error_code(error) == "InvalidRequestException"


def test_emulation_and_diff_safety_read_one_table(cloudformation: Any, emr: Any, clock: ManualClock) -> None:
    """A task-fleet reshape: diff-safety calls it conditional (not blocking) and CloudFormation
    keeps the cluster; a release change: diff-safety blocks it and CloudFormation replaces it."""
    from cdk_emr.ops.diff_safety import compare_templates

    template = copy.deepcopy(FLEET_TEMPLATE)
    template["Resources"]["Cluster"]["Properties"]["Instances"]["TerminationProtected"] = False
    cluster_id = _create_stack(cloudformation, template)["ClusterId"]
    clock.advance(STARTED)

    reshaped = copy.deepcopy(template)
    task = reshaped["Resources"]["Cluster"]["Properties"]["Instances"]["TaskInstanceFleets"][0]
    task["InstanceTypeConfigs"] = [{"InstanceType": "c5.4xlarge", "WeightedCapacity": 4}]
    assert not [c for c in compare_templates(template, reshaped) if c.behaviour.blocking]
    assert _update_stack(cloudformation, reshaped)["ClusterId"] == cluster_id

    upgraded = copy.deepcopy(reshaped)
    upgraded["Resources"]["Cluster"]["Properties"]["ReleaseLabel"] = "emr-7.2.0"
    assert [c.path for c in compare_templates(reshaped, upgraded) if c.behaviour.blocking] == ["ReleaseLabel"]
    assert _update_stack(cloudformation, upgraded)["ClusterId"] != cluster_id
