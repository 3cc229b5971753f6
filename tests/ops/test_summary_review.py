"""``cdk-emr summary`` shows what a security reviewer reads first: AMI, OS release, roles and
instance profile, subnets, security groups, security configuration, configurations, Kerberos
realm and log location (property names: the AWS::EMR::Cluster CloudFormation schema)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cdk_emr.cli import main
from cdk_emr.ops.summary import ReviewSummary, summarize

CLUSTER: dict[str, Any] = {
    "Type": "AWS::EMR::Cluster",
    "Properties": {
        "Name": "reviewed",
        "ReleaseLabel": "emr-7.9.0",
        "CustomAmiId": "ami-0hardened1234",
        "OSReleaseLabel": "2023.7.20250512.0",
        "ServiceRole": "arn:aws:iam::111122223333:role/EMR_DefaultRole_V2",
        "JobFlowRole": {"Ref": "Profile"},
        "SecurityConfiguration": {"Ref": "SecurityConfiguration"},
        "LogUri": "s3://corp-emr-logs/teams/analytics/",
        "KerberosAttributes": {"Realm": "EC2.INTERNAL", "KdcAdminPassword": "{{resolve:secretsmanager:kdc}}"},
        "Configurations": [
            {"Classification": "spark-defaults", "ConfigurationProperties": {"spark.executor.memory": "4g"}},
            {
                "Classification": "hadoop-env",
                "Configurations": [{"Classification": "export", "ConfigurationProperties": {"JAVA_HOME": "/usr/lib/jvm"}}],
            },
        ],
        "Instances": {
            "Ec2SubnetIds": ["subnet-0a1", "subnet-0b2"],
            "EmrManagedMasterSecurityGroup": "sg-0primary",
            "EmrManagedSlaveSecurityGroup": {"Fn::GetAtt": ["CoreGroup", "GroupId"]},
            "ServiceAccessSecurityGroup": "sg-0service",
            "AdditionalMasterSecurityGroups": ["sg-0kdcclients"],
            "MasterInstanceFleet": {"TargetOnDemandCapacity": 1, "InstanceTypeConfigs": [{"InstanceType": "m7g.xlarge"}]},
        },
    },
}


@pytest.fixture
def template(tmp_path: Path) -> Path:
    path = tmp_path / "Reviewed.template.json"
    path.write_text(json.dumps({"Resources": {"Cluster": CLUSTER}}))
    return path


def test_the_review_shows_image_identities_network_and_security(template: Path) -> None:
    (stack,) = summarize(template)
    assert stack.clusters[0].review == ReviewSummary(
        custom_ami="ami-0hardened1234",
        os_release="2023.7.20250512.0",
        service_role="arn:aws:iam::111122223333:role/EMR_DefaultRole_V2",
        instance_profile="<Ref Profile>",
        subnets=("subnet-0a1", "subnet-0b2"),
        security_groups={
            "primary": "sg-0primary",
            "core": "<CoreGroup.GroupId>",
            "service_access": "sg-0service",
            "additional_primary": ["sg-0kdcclients"],
        },
        security_configuration="<Ref SecurityConfiguration>",
        configurations=("spark-defaults (1 properties)", "hadoop-env", "hadoop-env/export (1 properties)"),
        kerberos_realm="EC2.INTERNAL",
        log_uri="s3://corp-emr-logs/teams/analytics/",
    )


def test_an_instance_group_cluster_shows_its_one_subnet_and_defaults(tmp_path: Path) -> None:
    props = {
        "Name": "g",
        "ReleaseLabel": "emr-7.9.0",
        "ServiceRole": "s",
        "JobFlowRole": "p",
        "Instances": {"Ec2SubnetId": "subnet-9"},
    }
    path = tmp_path / "G.template.json"
    path.write_text(json.dumps({"Resources": {"C": {"Type": "AWS::EMR::Cluster", "Properties": props}}}))
    review = summarize(path)[0].clusters[0].review
    assert review is not None
    assert (review.subnets, review.custom_ami, review.os_release, review.kerberos_realm) == (("subnet-9",), None, None, None)
    assert review.security_groups == {} and review.configurations == ()


def test_the_command_prints_the_review_table_and_json(template: Path) -> None:
    result = CliRunner().invoke(main, ["summary", str(template)])
    assert result.exit_code == 0, result.output
    for fragment in (
        "ami-0hardened1234",
        "2023.7.20250512.0",
        "EMR_DefaultRole_V2",
        "<Ref Profile>",
        "subnet-0b2",
        "service_access: sg-0service",
        "EC2.INTERNAL",
        "spark-defaults",
        "s3://corp-emr-logs/teams/analytics/",
    ):
        assert fragment in result.output, fragment
    data = json.loads(CliRunner().invoke(main, ["summary", str(template), "--json"]).output)
    assert data[0]["clusters"][0]["review"]["custom_ami"] == "ami-0hardened1234"
