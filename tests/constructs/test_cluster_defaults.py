"""EmrCluster with no arguments: every default, asserted on the synthesized template."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from helpers import cluster_properties, new_stack, security_document

from cdk_emr import EmrCluster, ReleaseLabel


@pytest.fixture(scope="module")
def template() -> Template:
    stack = new_stack()
    EmrCluster(stack, "Cluster")
    return Template.from_stack(stack)


@pytest.fixture(scope="module")
def cluster(template: Template) -> dict[str, Any]:
    return cluster_properties(template)


def test_release_is_latest_with_hadoop_and_spark(cluster: dict[str, Any]) -> None:
    assert cluster["ReleaseLabel"] == ReleaseLabel.LATEST.label
    assert cluster["Applications"] == [{"Name": "Hadoop"}, {"Name": "Spark"}]


def test_one_on_demand_graviton_primary_and_one_core_unit(cluster: dict[str, Any]) -> None:
    instances = cluster["Instances"]
    primary, core = instances["MasterInstanceFleet"], instances["CoreInstanceFleet"]
    assert (primary["TargetOnDemandCapacity"], primary["TargetSpotCapacity"]) == (1, 0)
    assert (core["TargetOnDemandCapacity"], core["TargetSpotCapacity"]) == (1, 0)
    assert [c["InstanceType"] for c in primary["InstanceTypeConfigs"]] == ["m7g.xlarge", "m6g.xlarge"]
    assert "TaskInstanceFleets" not in instances


def test_each_instance_type_gets_a_gp3_volume(cluster: dict[str, Any]) -> None:
    config = cluster["Instances"]["CoreInstanceFleet"]["InstanceTypeConfigs"][0]
    assert config["EbsConfiguration"]["EbsBlockDeviceConfigs"] == [
        {"VolumeSpecification": {"SizeInGB": 64, "VolumeType": "gp3"}, "VolumesPerInstance": 1}
    ]


def test_auto_terminates_after_one_idle_hour_and_stays_alive_between_steps(cluster: dict[str, Any]) -> None:
    assert cluster["AutoTerminationPolicy"] == {"IdleTimeout": 3600}
    assert cluster["Instances"]["KeepJobFlowAliveWhenNoSteps"] is True
    assert cluster["Instances"]["TerminationProtected"] is False
    assert "ManagedScalingPolicy" not in cluster


def test_nodes_run_in_every_private_subnet_with_emr_managed_groups(template: Template, cluster: dict[str, Any]) -> None:
    instances = cluster["Instances"]
    subnet_refs = [s["Ref"] for s in instances["Ec2SubnetIds"]]
    subnets = template.find_resources("AWS::EC2::Subnet")
    assert len(subnet_refs) == 2
    for ref in subnet_refs:
        assert subnets[ref]["Properties"]["MapPublicIpOnLaunch"] is False
    for key in ("EmrManagedMasterSecurityGroup", "EmrManagedSlaveSecurityGroup", "ServiceAccessSecurityGroup"):
        assert "Fn::GetAtt" in instances[key]


def test_no_security_group_is_open_to_the_internet(template: Template) -> None:
    for group in template.find_resources("AWS::EC2::SecurityGroup").values():
        for rule in group["Properties"].get("SecurityGroupIngress", []):
            assert rule.get("CidrIp") != "0.0.0.0/0"
    # EMR adds the rules between its managed groups (9443 primary -> service access) itself.
    assert template.find_resources("AWS::EC2::SecurityGroupIngress") == {}


def test_logs_go_to_an_encrypted_retained_bucket(template: Template, cluster: dict[str, Any]) -> None:
    assert cluster["LogUri"]["Fn::Join"][1][-1] == "/emr-logs/"
    assert "LogEncryptionKmsKeyId" in cluster
    template.has_resource(
        "AWS::S3::Bucket",
        {
            "DeletionPolicy": "Retain",
            "Properties": Match.object_like(
                {
                    "BucketEncryption": {
                        "ServerSideEncryptionConfiguration": [
                            Match.object_like({"ServerSideEncryptionByDefault": Match.object_like({"SSEAlgorithm": "aws:kms"})})
                        ]
                    },
                    "PublicAccessBlockConfiguration": {
                        "BlockPublicAcls": True,
                        "BlockPublicPolicy": True,
                        "IgnorePublicAcls": True,
                        "RestrictPublicBuckets": True,
                    },
                    "VersioningConfiguration": {"Status": "Enabled"},
                    "LoggingConfiguration": Match.any_value(),
                }
            ),
        },
    )


def test_every_bucket_is_retained_and_tls_only(template: Template) -> None:
    buckets = template.find_resources("AWS::S3::Bucket")
    assert buckets and all(b["DeletionPolicy"] == "Retain" for b in buckets.values())
    for policy in template.find_resources("AWS::S3::BucketPolicy").values():
        statements = policy["Properties"]["PolicyDocument"]["Statement"]
        assert any(
            s["Effect"] == "Deny" and s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"
            for s in statements
        )


def test_kms_key_rotates_and_is_retained(template: Template) -> None:
    template.has_resource(
        "AWS::KMS::Key",
        {"DeletionPolicy": "Retain", "Properties": Match.object_like({"EnableKeyRotation": True})},
    )


def test_security_configuration_encrypts_at_rest_and_requires_imdsv2(template: Template, cluster: dict[str, Any]) -> None:
    document = security_document(template)
    encryption = document["EncryptionConfiguration"]
    assert encryption["EnableAtRestEncryption"] is True
    assert encryption["EnableInTransitEncryption"] is False
    at_rest = encryption["AtRestEncryptionConfiguration"]
    assert at_rest["S3EncryptionConfiguration"]["EncryptionMode"] == "SSE-KMS"
    assert at_rest["LocalDiskEncryptionConfiguration"]["EncryptionKeyProviderType"] == "AwsKms"
    assert at_rest["LocalDiskEncryptionConfiguration"]["EnableEbsEncryption"] is True
    assert document["InstanceMetadataServiceConfiguration"] == {
        "MinimumInstanceMetadataServiceVersion": 2,
        "HttpPutResponseHopLimit": 1,
    }
    assert "Ref" in cluster["SecurityConfiguration"]


def test_service_role_uses_the_v2_policy_and_trusts_emr_for_this_account(template: Template) -> None:
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": Match.object_like(
                {
                    "Statement": [
                        Match.object_like(
                            {
                                "Principal": {"Service": "elasticmapreduce.amazonaws.com"},
                                "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}},
                            }
                        )
                    ]
                }
            ),
            "ManagedPolicyArns": Match.array_with(
                [
                    {
                        "Fn::Join": [
                            "",
                            ["arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/service-role/AmazonEMRServicePolicy_v2"],
                        ]
                    }
                ]
            ),
        },
    )


def test_roles_have_no_inline_policies(template: Template) -> None:
    assert template.find_resources("AWS::IAM::Policy") == {}
    for role in template.find_resources("AWS::IAM::Role").values():
        assert "Policies" not in role["Properties"]


def test_instance_role_is_least_privilege(template: Template) -> None:
    statements = [
        s
        for policy in template.find_resources("AWS::IAM::ManagedPolicy").values()
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
    ]
    for statement in statements:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        assert all("*" not in a for a in actions), statement
        assert statement["Resource"] != "*", statement


def test_vpc_resources_are_tagged_for_the_emr_v2_policy(template: Template) -> None:
    tag = {"Key": "for-use-with-amazon-emr-managed-policies", "Value": "true"}
    template.has_resource_properties("AWS::EC2::VPC", {"Tags": Match.array_with([tag])})
    for subnet in template.find_resources("AWS::EC2::Subnet").values():
        assert tag in subnet["Properties"]["Tags"]
    for group in template.find_resources("AWS::EC2::SecurityGroup").values():
        assert tag in group["Properties"]["Tags"]


def test_vpc_has_flow_logs_and_a_free_s3_gateway_endpoint(template: Template) -> None:
    template.has_resource_properties("AWS::EC2::FlowLog", {"LogDestinationType": "s3", "TrafficType": "ALL"})
    template.has_resource_properties("AWS::EC2::VPCEndpoint", {"VpcEndpointType": "Gateway"})
    template.resource_count_is("AWS::EC2::NatGateway", 1)


@pytest.mark.parametrize(
    ("resource", "scoped"),
    [
        ("<DataBucketE3889A50.Arn>/*", True),
        ("<LogsBucket5C52C3D2.Arn>/emr-logs/*", True),
        ("<TableCD117FA1.Arn>/index/*", True),
        ("arn:<AWS::Partition>:s3:::my-bucket/jobs/*", True),
        ("arn:<AWS::Partition>:glue:us-east-1:123456789012:table/default/*", True),
        ("arn:aws:dynamodb:us-east-1:123456789012:table/orders/index/*", True),
        ("*", False),
        ("arn:<AWS::Partition>:s3:::*/jobs/*", False),
        ("arn:<AWS::Partition>:glue:us-east-1:123456789012:database/*", False),
        ("arn:<AWS::Partition>:elasticmapreduce:us-east-1:123456789012:cluster/*", False),
        ("arn:<AWS::Partition>:logs:us-east-1:123456789012:log-group:/aws/lambda/*", False),
    ],
)
def test_only_wildcards_confined_to_one_container_are_acknowledged(resource: str, scoped: bool) -> None:
    from cdk_emr.compliance import is_scoped_wildcard

    assert is_scoped_wildcard(resource) is scoped
