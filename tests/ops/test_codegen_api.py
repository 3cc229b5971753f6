"""``cdk-emr codegen j-...``: a cluster created in the local AWS with RunJobFlow, read back through
DescribeCluster and the List/Get calls, written as code, synthesized, compared with the request."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import test_operations as shared  # its fixtures (pytest puts tests/ops on sys.path)
from click.testing import CliRunner, Result
from test_codegen_roundtrip import differences, normalise

from cdk_emr.cli import main
from cdk_emr.local import lifecycle
from cdk_emr.ops import operations as ops

offline_aws = shared.offline_aws
emr = shared.emr

# A RunJobFlow request (EMR API) with fleets, spot options, EBS, configurations, bootstrap
# actions, managed scaling and auto-termination.
CONFIGURATIONS = [
    {"Classification": "spark-defaults", "Properties": {"spark.dynamicAllocation.enabled": "true"}},
    {
        "Classification": "hadoop-env",
        "Configurations": [{"Classification": "export", "Properties": {"JAVA_HOME": "/usr/lib/jvm/java-17"}}],
    },
]
EBS = {"SizeInGB": 128, "VolumeType": "gp3"}
REQUEST: dict[str, Any] = {
    "Name": "analytics",
    "ReleaseLabel": "emr-7.0.0",
    "Applications": [{"Name": "Spark"}, {"Name": "Hive"}],
    "Configurations": CONFIGURATIONS,
    "ServiceRole": "EMR_DefaultRole",
    "JobFlowRole": "EMR_EC2_DefaultRole",
    "StepConcurrencyLevel": 4,
    "Tags": [{"Key": "team", "Value": "data"}],
    "BootstrapActions": [{"Name": "setup", "ScriptBootstrapAction": {"Path": "s3://my-bucket/setup.sh", "Args": ["--fast"]}}],
    "ManagedScalingPolicy": {
        "ComputeLimits": {"UnitType": "InstanceFleetUnits", "MinimumCapacityUnits": 2, "MaximumCapacityUnits": 20}
    },
    "AutoTerminationPolicy": {"IdleTimeout": 1800},
    "Instances": {
        "KeepJobFlowAliveWhenNoSteps": True,
        "TerminationProtected": False,
        "Ec2SubnetIds": ["subnet-0a1b2c3d4e5f60718"],
        "InstanceFleets": [
            {
                "Name": "Primary",
                "InstanceFleetType": "MASTER",
                "TargetOnDemandCapacity": 1,
                "InstanceTypeConfigs": [{"InstanceType": "m5.xlarge"}],
            },
            {
                "Name": "Core",
                "InstanceFleetType": "CORE",
                "TargetOnDemandCapacity": 2,
                "InstanceTypeConfigs": [
                    {
                        "InstanceType": "r5.2xlarge",
                        "WeightedCapacity": 2,
                        "EbsConfiguration": {"EbsBlockDeviceConfigs": [{"VolumeSpecification": EBS, "VolumesPerInstance": 2}]},
                    }
                ],
            },
            {
                "Name": "Task",
                "InstanceFleetType": "TASK",
                "TargetSpotCapacity": 4,
                "InstanceTypeConfigs": [{"InstanceType": "m5.xlarge"}, {"InstanceType": "m5.2xlarge", "WeightedCapacity": 2}],
                "LaunchSpecifications": {
                    "SpotSpecification": {
                        "TimeoutDurationMinutes": 15,
                        "TimeoutAction": "SWITCH_TO_ON_DEMAND",
                        "AllocationStrategy": "price-capacity-optimized",
                    }
                },
            },
        ],
    },
}

# The same cluster as AWS::EMR::Cluster properties, translated by hand (CloudFormation resource
# schema: ConfigurationProperties for Properties, fleets under Instances by role).
EXPECTED: dict[str, Any] = {
    "Name": "analytics",
    "ReleaseLabel": "emr-7.0.0",
    "Applications": [{"Name": "Spark"}, {"Name": "Hive"}],
    "Configurations": [
        {"Classification": "spark-defaults", "ConfigurationProperties": {"spark.dynamicAllocation.enabled": "true"}},
        {
            "Classification": "hadoop-env",
            "Configurations": [{"Classification": "export", "ConfigurationProperties": {"JAVA_HOME": "/usr/lib/jvm/java-17"}}],
        },
    ],
    "ServiceRole": "EMR_DefaultRole",
    "JobFlowRole": "EMR_EC2_DefaultRole",
    "StepConcurrencyLevel": 4,
    "Tags": [{"Key": "team", "Value": "data"}],
    "BootstrapActions": REQUEST["BootstrapActions"],
    "ManagedScalingPolicy": REQUEST["ManagedScalingPolicy"],
    "AutoTerminationPolicy": {"IdleTimeout": 1800},
    "Instances": {
        "KeepJobFlowAliveWhenNoSteps": True,
        "TerminationProtected": False,
        "Ec2SubnetIds": ["subnet-0a1b2c3d4e5f60718"],
        "MasterInstanceFleet": {
            "Name": "Primary",
            "TargetOnDemandCapacity": 1,
            "InstanceTypeConfigs": [{"InstanceType": "m5.xlarge"}],
        },
        "CoreInstanceFleet": {
            "Name": "Core",
            "TargetOnDemandCapacity": 2,
            "InstanceTypeConfigs": [
                {
                    "InstanceType": "r5.2xlarge",
                    "WeightedCapacity": 2,
                    "EbsConfiguration": {"EbsBlockDeviceConfigs": [{"VolumeSpecification": EBS, "VolumesPerInstance": 2}]},
                }
            ],
        },
        "TaskInstanceFleets": [
            {
                "Name": "Task",
                "TargetSpotCapacity": 4,
                "InstanceTypeConfigs": [{"InstanceType": "m5.xlarge"}, {"InstanceType": "m5.2xlarge", "WeightedCapacity": 2}],
                "LaunchSpecifications": REQUEST["Instances"]["InstanceFleets"][2]["LaunchSpecifications"],
            }
        ],
    },
}


def cdk_emr(*args: str | Path) -> Result:
    return CliRunner().invoke(main, ["codegen", *map(str, args)])


def _existing_estate(request: Any, expected: Any) -> tuple[Any, Any]:
    """The roles, instance profile and subnet the request names, made to exist (the local EMR
    checks them, as EMR does); moto picks subnet ids, so the request and expectation take its id."""
    iam = ops.aws_client("iam")
    iam.create_role(RoleName=request["ServiceRole"], AssumeRolePolicyDocument="{}")
    iam.create_role(RoleName=request["JobFlowRole"], AssumeRolePolicyDocument="{}")
    iam.create_instance_profile(InstanceProfileName=request["JobFlowRole"])
    ec2 = ops.aws_client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    named = "subnet-0a1b2c3d4e5f60718"
    return json.loads(json.dumps(request).replace(named, subnet)), json.loads(json.dumps(expected).replace(named, subnet))


def test_a_cluster_of_the_emr_api_round_trips(emr: Any, tmp_path: Path) -> None:
    request, expected_properties = _existing_estate(REQUEST, EXPECTED)
    cluster_id = emr.run_job_flow(**request)["JobFlowId"]
    module = tmp_path / "cluster.py"
    result = cdk_emr(cluster_id, "-o", module, "--region", "us-east-1")
    assert result.exit_code == 0, result.output
    outdir = tmp_path / "out"
    env = {**os.environ, "CDK_OUTDIR": str(outdir), "PYTHONPATH": os.pathsep.join(sys.path)}
    subprocess.run([sys.executable, str(module)], env=env, check=True, capture_output=True, timeout=300)
    (template_file,) = outdir.glob("*.template.json")
    (cluster,) = [r for r in json.loads(template_file.read_text())["Resources"].values() if r["Type"] == "AWS::EMR::Cluster"]
    expected = expected_properties
    actual = normalise(expected, cluster["Properties"])
    _drop_default_bid_percentage(expected, actual)
    assert differences(actual, expected) == []


def _drop_default_bid_percentage(expected: Any, actual: Any) -> None:
    """EMR reports ``BidPriceAsPercentageOfOnDemandPrice: 100`` for an instance type given no bid
    price: "If neither BidPrice nor BidPriceAsPercentageOfOnDemandPrice is provided,
    BidPriceAsPercentageOfOnDemandPrice defaults to 100%" (EMR API, InstanceTypeConfig)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        if "InstanceType" in expected and not {"BidPrice", "BidPriceAsPercentageOfOnDemandPrice"} & expected.keys():
            if actual.get("BidPriceAsPercentageOfOnDemandPrice") == 100:
                del actual["BidPriceAsPercentageOfOnDemandPrice"]
        for key in expected.keys() & actual.keys():
            _drop_default_bid_percentage(expected[key], actual[key])
    elif isinstance(expected, list) and isinstance(actual, list):
        for e, a in zip(expected, actual, strict=False):
            _drop_default_bid_percentage(e, a)


def test_an_unknown_cluster_is_one_error_line_exit_1_and_nothing_written(emr: Any, tmp_path: Path) -> None:
    result = cdk_emr("j-0000000000000", "-o", tmp_path / "out.py", "--region", "us-east-1")
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "j-0000000000000" in lines[0]
    assert not (tmp_path / "out.py").exists()


# A Kerberized cluster with a cross-realm trust (the CloudFormation User Guide's Kerberos example's
# security configuration, in the JSON CreateSecurityConfiguration takes) and three steps: one
# cancelled before it ran, which is no part of the cluster's work (codegen_api.STEP_STATES).
TRUST_CONFIGURATION = {
    "AuthenticationConfiguration": {
        "KerberosConfiguration": {
            "Provider": "ClusterDedicatedKdc",
            "ClusterDedicatedKdcConfiguration": {
                "TicketLifetimeInHours": 24,
                "CrossRealmTrustConfiguration": {
                    "Realm": "AD.DOMAIN.COM",
                    "Domain": "ad.domain.com",
                    "AdminServer": "ad.domain.com",
                    "KdcServer": "ad.domain.com",
                },
            },
        }
    },
    "EncryptionConfiguration": {
        "EnableInTransitEncryption": False,
        "EnableAtRestEncryption": True,
        "AtRestEncryptionConfiguration": {
            "S3EncryptionConfiguration": {
                "EncryptionMode": "SSE-KMS",
                "AwsKmsKey": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            }
        },
    },
}
STEPS = [
    {
        "Name": "Spark Program",
        "ActionOnFailure": "CONTINUE",
        "HadoopJarStep": {"Jar": "command-runner.jar", "Args": ["spark-example", "SparkPi", "10"]},
    },
    {
        "Name": "Word count",
        "ActionOnFailure": "CONTINUE",
        "HadoopJarStep": {
            "Jar": "s3://my-jars/wordcount.jar",
            "MainClass": "org.example.WordCount",
            "Args": ["s3://my-data/in/", "s3://my-data/out/"],
        },
    },
]


def test_a_kerberized_cluster_with_steps_of_the_emr_api_round_trips(emr: Any, tmp_path: Path) -> None:
    """DescribeSecurityConfiguration gives the trust and the key (imported by name, not recreated);
    ListSteps the steps in submission order, without the cancelled one; the passwords, which EMR
    never returns, come from the secrets named on the command line."""
    emr.create_security_configuration(Name="corp-trust", SecurityConfiguration=json.dumps(TRUST_CONFIGURATION))
    request, _ = _existing_estate(
        {
            **{k: REQUEST[k] for k in ("ReleaseLabel", "ServiceRole", "JobFlowRole", "Instances")},
            "Name": "kerberized",
            "SecurityConfiguration": "corp-trust",
            "KerberosAttributes": {"Realm": "EC2.INTERNAL", "KdcAdminPassword": "x", "CrossRealmTrustPrincipalPassword": "y"},
            "Steps": STEPS,
        },
        {},
    )
    lifecycle.configure(time_scale=1)  # real time: the added step is still pending when it is cancelled
    cluster_id = emr.run_job_flow(**request)["JobFlowId"]
    cancelled = emr.add_job_flow_steps(JobFlowId=cluster_id, Steps=[{**STEPS[0], "Name": "withdrawn"}])["StepIds"][0]
    assert emr.cancel_steps(ClusterId=cluster_id, StepIds=[cancelled])["CancelStepsInfoList"][0]["Status"] == "SUBMITTED"
    module = tmp_path / "cluster.py"
    secrets = ["--kdc-admin-password-secret", "kdc-admin", "--cross-realm-trust-password-secret", "trust-password"]
    result = cdk_emr(cluster_id, "-o", module, "--region", "us-east-1", *secrets)
    assert result.exit_code == 0, result.output
    text = module.read_text()
    assert "EmrSecurityConfiguration.from_security_configuration_name(\n" in text and '"corp-trust"' in text
    outdir = tmp_path / "out"
    env = {**os.environ, "CDK_OUTDIR": str(outdir), "PYTHONPATH": os.pathsep.join(sys.path)}
    subprocess.run([sys.executable, str(module)], env=env, check=True, capture_output=True, timeout=300)
    (template_file,) = outdir.glob("*.template.json")
    template = json.loads(template_file.read_text())
    assert not [r for r in template["Resources"].values() if r["Type"] == "AWS::EMR::SecurityConfiguration"]
    (cluster,) = [r["Properties"] for r in template["Resources"].values() if r["Type"] == "AWS::EMR::Cluster"]
    assert cluster["SecurityConfiguration"] == "corp-trust"
    assert cluster["KerberosAttributes"]["Realm"] == "EC2.INTERNAL"
    for key, secret in (("KdcAdminPassword", "kdc-admin"), ("CrossRealmTrustPrincipalPassword", "trust-password")):
        assert f":secret:{secret}:SecretString:::}}}}" in json.dumps(cluster["KerberosAttributes"][key]), key
    assert cluster["Steps"] == STEPS
