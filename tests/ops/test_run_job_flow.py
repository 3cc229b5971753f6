"""The CloudFormation → EMR API converter shared by the workflow and the local emulation:
fleets, groups, configurations, steps, AdditionalInfo, standalone fleet and step resources,
each checked by botocore's own validator against the EMR service model."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from typing import Any

import botocore.session
from botocore.validate import ParamValidator

from cdk_emr.ops.run_job_flow import configurations, instance_fleet_config, run_job_flow_request, step_config


def input_shape(operation: str) -> Any:
    return botocore.session.get_session().get_service_model("emr").operation_model(operation).input_shape


def validation_report(request: dict[str, Any], operation: str) -> str:
    return ParamValidator().validate(request, input_shape(operation)).generate_report()  # type: ignore[no-any-return]


def assert_valid(request: dict[str, Any], operation: str = "RunJobFlow") -> None:
    """botocore's own validator, on the EMR service model: names, nesting and types."""
    report = validation_report(request, operation)
    assert not report, report


YARN_SITE = [{"Classification": "yarn-site", "ConfigurationProperties": {"a": "b"}}]


def fleet(name: str, on_demand: int, spot: int = 0) -> dict[str, Any]:
    return {
        "Name": name,
        "TargetOnDemandCapacity": on_demand,
        "TargetSpotCapacity": spot,
        "InstanceTypeConfigs": [
            {
                "InstanceType": "m7g.xlarge",
                "WeightedCapacity": 1,
                "EbsConfiguration": {
                    "EbsBlockDeviceConfigs": [
                        {"VolumeSpecification": {"SizeInGB": 64, "VolumeType": "gp3"}, "VolumesPerInstance": 1}
                    ],
                    "EbsOptimized": True,
                },
                "Configurations": YARN_SITE,
            }
        ],
    }


def group(name: str, count: int, market: str = "ON_DEMAND") -> dict[str, Any]:
    return {"Name": name, "InstanceType": "m7g.xlarge", "InstanceCount": count, "Market": market, "Configurations": YARN_SITE}


CLOUDFORMATION_FLEETS = {
    "Name": "c",
    "ReleaseLabel": "emr-7.14.0",
    "Applications": [{"Name": "Spark"}],
    "ServiceRole": "arn:aws:iam::123456789012:role/emr",
    "JobFlowRole": "emr-ec2",
    "Configurations": [
        {
            "Classification": "spark-env",
            "Configurations": [{"Classification": "export", "ConfigurationProperties": {"PYSPARK_PYTHON": "python3"}}],
        },
        {"Classification": "spark-defaults", "ConfigurationProperties": {"spark.driver.memory": "2g"}},
    ],
    "Steps": [
        {
            "Name": "s",
            "ActionOnFailure": "CONTINUE",
            "HadoopJarStep": {"Jar": "command-runner.jar", "Args": ["ls"], "StepProperties": [{"Key": "k", "Value": "v"}]},
        }
    ],
    "AdditionalInfo": {"instanceAwsClientConfiguration": {"proxyPort": 8099}},
    "Tags": [{"Key": "team", "Value": "data"}],
    "Instances": {
        "Ec2SubnetIds": ["subnet-1", "subnet-2"],
        "KeepJobFlowAliveWhenNoSteps": False,
        "MasterInstanceFleet": fleet("Primary", 1),
        "CoreInstanceFleet": fleet("Core", 2),
        "TaskInstanceFleets": [fleet("Task0", 0, 4), fleet("Task1", 0, 2)],
    },
}

CLOUDFORMATION_GROUPS = {
    "Name": "c",
    "ReleaseLabel": "emr-7.14.0",
    "Instances": {
        "Ec2SubnetId": "subnet-1",
        "MasterInstanceGroup": group("Primary", 1),
        "CoreInstanceGroup": group("Core", 2),
        "TaskInstanceGroups": [group("Task0", 3, "SPOT"), group("Task1", 1)],
    },
}


# ----- clusters -------------------------------------------------------------------------------


def test_fleets_become_instance_fleets_typed_master_core_task() -> None:
    instances = run_job_flow_request(CLOUDFORMATION_FLEETS)["Instances"]
    assert [(f["InstanceFleetType"], f["Name"], f["TargetSpotCapacity"]) for f in instances["InstanceFleets"]] == [
        ("MASTER", "Primary", 0),
        ("CORE", "Core", 0),
        ("TASK", "Task0", 4),
        ("TASK", "Task1", 2),
    ]
    assert not {"MasterInstanceFleet", "CoreInstanceFleet", "TaskInstanceFleets", "InstanceGroups"} & set(instances)
    assert instances["Ec2SubnetIds"] == ["subnet-1", "subnet-2"]


def test_groups_become_instance_groups_with_their_role() -> None:
    request = run_job_flow_request(CLOUDFORMATION_GROUPS)
    groups = request["Instances"]["InstanceGroups"]
    assert [(g["InstanceRole"], g["Name"], g["Market"], g["InstanceCount"]) for g in groups] == [
        ("MASTER", "Primary", "ON_DEMAND", 1),
        ("CORE", "Core", "ON_DEMAND", 2),
        ("TASK", "Task0", "SPOT", 3),
        ("TASK", "Task1", "ON_DEMAND", 1),
    ]
    assert not {"MasterInstanceGroup", "CoreInstanceGroup", "TaskInstanceGroups", "InstanceFleets"} & set(request["Instances"])
    assert request["Instances"]["Ec2SubnetId"] == "subnet-1"
    assert_valid(request)


def test_configuration_properties_become_properties_at_every_level() -> None:
    request = run_job_flow_request(CLOUDFORMATION_FLEETS)
    assert request["Configurations"] == [
        {
            "Classification": "spark-env",
            "Configurations": [{"Classification": "export", "Properties": {"PYSPARK_PYTHON": "python3"}}],
        },
        {"Classification": "spark-defaults", "Properties": {"spark.driver.memory": "2g"}},
    ]
    converted = [{"Classification": "yarn-site", "Properties": {"a": "b"}}]
    assert all(f["InstanceTypeConfigs"][0]["Configurations"] == converted for f in request["Instances"]["InstanceFleets"])
    assert all(
        g["Configurations"] == converted for g in run_job_flow_request(CLOUDFORMATION_GROUPS)["Instances"]["InstanceGroups"]
    )


def test_configurations_keep_api_properties_and_unresolved_values() -> None:
    token = object()  # a CDK token, say: passed through, never copied or read
    assert configurations(
        [
            {"Classification": "a", "Properties": {"k": "v"}},
            {"Classification": "b", "ConfigurationProperties": token, "Configurations": []},
            {"Configurations": [{"Classification": "c"}]},
        ]
    ) == [
        {"Classification": "a", "Properties": {"k": "v"}},
        {"Classification": "b", "Properties": token, "Configurations": []},
        {"Configurations": [{"Classification": "c"}]},
    ]


def test_step_properties_become_properties_and_additional_info_a_json_string() -> None:
    request = run_job_flow_request(CLOUDFORMATION_FLEETS)
    assert request["Steps"] == [
        {
            "Name": "s",
            "ActionOnFailure": "CONTINUE",
            "HadoopJarStep": {"Jar": "command-runner.jar", "Args": ["ls"], "Properties": [{"Key": "k", "Value": "v"}]},
        }
    ]
    assert json.loads(request["AdditionalInfo"]) == CLOUDFORMATION_FLEETS["AdditionalInfo"]
    assert run_job_flow_request({"Name": "c", "AdditionalInfo": '{"a":1}'})["AdditionalInfo"] == '{"a":1}'


def test_other_properties_keep_their_names_and_the_input_is_not_changed() -> None:
    before = copy.deepcopy(CLOUDFORMATION_FLEETS)
    request = run_job_flow_request(CLOUDFORMATION_FLEETS)
    assert before == CLOUDFORMATION_FLEETS
    for key in ("Name", "ReleaseLabel", "Applications", "ServiceRole", "JobFlowRole", "Tags"):
        assert request[key] == CLOUDFORMATION_FLEETS[key]
    assert request["Instances"]["KeepJobFlowAliveWhenNoSteps"] is False


def test_clusters_are_kept_alive_without_steps_by_default_as_in_cloudformation() -> None:
    assert run_job_flow_request(CLOUDFORMATION_GROUPS)["Instances"]["KeepJobFlowAliveWhenNoSteps"] is True
    assert run_job_flow_request({"Name": "c"})["Instances"] == {"KeepJobFlowAliveWhenNoSteps": True}


def test_converted_clusters_are_valid_run_job_flow_requests() -> None:
    assert_valid(run_job_flow_request(CLOUDFORMATION_FLEETS))
    assert_valid(run_job_flow_request(CLOUDFORMATION_GROUPS))


def test_the_validator_does_reject_the_cloudformation_shape() -> None:
    """Control for the tests above: botocore rejects CloudFormation's names."""
    report = validation_report(CLOUDFORMATION_FLEETS, "RunJobFlow")
    assert "MasterInstanceFleet" in report and "ConfigurationProperties" in report and "StepProperties" in report
    assert "InstanceRole" in validation_report(
        {"Name": "c", "Instances": {"InstanceGroups": [group("Primary", 1)]}}, "RunJobFlow"
    )


# ----- steps and fleets on their own (AWS::EMR::Step, AWS::EMR::InstanceFleetConfig) -----------


def test_a_step_resource_becomes_an_add_job_flow_steps_step() -> None:
    resource = {
        "JobFlowId": "j-1",
        "Name": "n",
        "ActionOnFailure": "CONTINUE",
        "HadoopJarStep": {"Jar": "j", "StepProperties": [{"Key": "k", "Value": "v"}]},
    }
    step = step_config(resource)
    assert step == {
        "Name": "n",
        "ActionOnFailure": "CONTINUE",
        "HadoopJarStep": {"Jar": "j", "Properties": [{"Key": "k", "Value": "v"}]},
    }
    assert resource["HadoopJarStep"]["StepProperties"] == [{"Key": "k", "Value": "v"}]  # input untouched
    assert step_config({"Name": "n", "HadoopJarStep": {"Jar": "j"}}) == {"Name": "n", "HadoopJarStep": {"Jar": "j"}}
    assert_valid({"JobFlowId": "j-1", "Steps": [step]}, "AddJobFlowSteps")


def test_a_fleet_resource_keeps_its_own_type_and_drops_the_cluster_id() -> None:
    resource = {"ClusterId": "j-1", "InstanceFleetType": "TASK", **fleet("Task", 0, 2)}
    config = instance_fleet_config(resource)
    assert "ClusterId" not in config and config["InstanceFleetType"] == "TASK"
    assert config["InstanceTypeConfigs"][0]["Configurations"] == [{"Classification": "yarn-site", "Properties": {"a": "b"}}]
    assert_valid({"ClusterId": "j-1", "InstanceFleet": config}, "AddInstanceFleet")


def test_a_nested_fleet_gets_the_type_of_the_property_holding_it() -> None:
    config = instance_fleet_config({"InstanceFleetType": "TASK", "Name": "p"}, "MASTER")
    assert config == {"InstanceFleetType": "MASTER", "Name": "p"}
    assert next(iter(config)) == "InstanceFleetType"


# ----- dependencies ---------------------------------------------------------------------------


def test_the_module_loads_neither_the_cdk_nor_moto() -> None:
    code = "import sys, cdk_emr.ops.run_job_flow; print(*(m in sys.modules for m in ('aws_cdk', 'jsii', 'moto')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False", "False"]
