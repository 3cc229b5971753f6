"""Fitting into an existing estate: brought roles, instance profile, key, bucket, network,
security groups and topic are handled as aws-cdk-lib does, and never silently.

Expected permissions come from AWS's documentation, cited per test, not from the constructs:
- EMR Release Guide, "Providing keys for at-rest data encryption": the instance role must be a
  key user of the KMS key.
- Amazon EBS User Guide, "Requirements for Amazon EBS encryption": who launches encrypted
  volumes needs kms:CreateGrant, kms:Decrypt, kms:DescribeKey, kms:GenerateDataKeyWithoutPlainText
  and kms:ReEncrypt (EMR's service role launches the nodes).
- EMR Management Guide, "Service role for Amazon EMR": AmazonEMRServicePolicy_v2 lets EMR pass
  only EMR_EC2_DefaultRole, with iam:PassedToService ec2.amazonaws.com; it acts only on resources
  tagged for-use-with-amazon-emr-managed-policies=true.
- EMR Management Guide, "Configure cluster logging": the instance profile writes the logs to LogUri.
- EventBridge User Guide, "Amazon SNS permissions": the topic policy allows events.amazonaws.com sns:Publish.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Annotations, Match, Template
from click.testing import CliRunner

from cdk_emr import EmrCluster, EmrMonitoring, EmrValidationError
from cdk_emr.cli import main
from cdk_emr.existing_network import ExistingSecurityGroups
from cdk_emr.ops.requirements import Requirement, read_requirements

ACCOUNT, REGION = "111122223333", "eu-west-1"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
TOPIC_ARN = f"arn:aws:sns:{REGION}:{ACCOUNT}:oncall"
SERVICE_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/EMR_DefaultRole_V2"
EMR_TAG = {"for-use-with-amazon-emr-managed-policies": "true"}
SUBNETS = ["subnet-0aa11bb22cc33dd44", "subnet-0ee55ff66aa77bb88"]
GROUPS = {"primary": "sg-0a1b2c3d4e5f60001", "core": "sg-0a1b2c3d4e5f60002", "service_access": "sg-0a1b2c3d4e5f60003"}
# Amazon EBS User Guide, "Requirements for Amazon EBS encryption" (ReEncrypt as its two actions).
EBS_ENCRYPTION_ACTIONS = {"kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKeyWithoutPlaintext"}


def estate_stack(app: cdk.App) -> cdk.Stack:
    return cdk.Stack(app, "Estate", env=cdk.Environment(account=ACCOUNT, region=REGION))


def existing_network(stack: cdk.Stack) -> ec2.IVpc:
    return ec2.Vpc.from_vpc_attributes(
        stack,
        "Vpc",
        vpc_id="vpc-0a1b2c3d4e5f60718",
        availability_zones=[f"{REGION}a", f"{REGION}b"],
        private_subnet_ids=SUBNETS,
        private_subnet_route_table_ids=["rtb-0aa11bb22cc33dd44", "rtb-0ee55ff66aa77bb88"],
    )


@pytest.fixture(scope="module")
def immutable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[cdk.Stack, Template, list[Requirement], Path]]:
    """Everything imported, nothing ours to change: an immutable service role, an instance
    profile whose role is unknown, key, bucket, VPC, EMR-managed groups and an on-call topic."""
    outdir = tmp_path_factory.mktemp("immutable")
    app = cdk.App(outdir=str(outdir))
    stack = estate_stack(app)
    key = kms.Key.from_key_arn(stack, "CorpKey", KEY_ARN)
    cluster = EmrCluster(
        stack,
        "Cluster",
        vpc=existing_network(stack),
        encryption_key=key,
        log_bucket=s3.Bucket.from_bucket_attributes(stack, "CorpLogs", bucket_name="corp-emr-logs", encryption_key=key),
        service_role=iam.Role.from_role_arn(stack, "CorpServiceRole", SERVICE_ROLE_ARN, mutable=False),
        instance_profile=iam.InstanceProfile.from_instance_profile_name(stack, "CorpProfile", "EMR_EC2_Hardened"),
        existing_security_groups=ExistingSecurityGroups(
            **{role: ec2.SecurityGroup.from_security_group_id(stack, f"Sg{role}", sg) for role, sg in GROUPS.items()}
        ),
    )
    EmrMonitoring(
        stack,
        "Monitoring",
        cluster=cluster,
        auto_termination_enabled=True,
        topic=sns.Topic.from_topic_arn(stack, "OnCall", TOPIC_ARN),
    )
    assembly = app.synth()
    template = Template.from_json(assembly.get_stack_by_name("Estate").template)
    yield stack, template, read_requirements(outdir), outdir


def by_resource(requirements: list[Requirement], kind: str) -> dict[str, Requirement]:
    return {r.resource: r for r in requirements if r.kind == kind}


def actions_on(requirement: Requirement, resource: str | None = None, principal: str | None = None) -> set[str]:
    found: set[str] = set()
    for statement in requirement.statements:
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        if resource is not None and resource not in resources:
            continue
        if principal is not None and principal not in json.dumps(statement.get("Principal")):
            continue
        actions = statement["Action"]
        found |= set(actions if isinstance(actions, list) else [actions])
    return found


# ----- nothing is created or changed on what the estate owns -----------------------------------


@pytest.mark.parametrize(
    "resource_type",
    [
        "AWS::IAM::Role",
        "AWS::IAM::Policy",
        "AWS::IAM::ManagedPolicy",
        "AWS::IAM::InstanceProfile",
        "AWS::KMS::Key",
        "AWS::SNS::Topic",
        "AWS::SNS::TopicPolicy",
        "AWS::EC2::SecurityGroup",
        "AWS::EC2::VPC",
        "AWS::S3::Bucket",
    ],
)
def test_nothing_is_created_or_attached_for_what_the_estate_owns(immutable: Any, resource_type: str) -> None:
    _, template, _, _ = immutable
    template.resource_count_is(resource_type, 0)


def test_the_cluster_uses_the_brought_profile_groups_and_subnets(immutable: Any) -> None:
    _, template, _, _ = immutable
    template.has_resource_properties(
        "AWS::EMR::Cluster",
        {
            "JobFlowRole": "EMR_EC2_Hardened",
            "ServiceRole": Match.any_value(),
            "LogUri": "s3://corp-emr-logs/emr-logs/",
            "Instances": Match.object_like(
                {
                    "Ec2SubnetIds": SUBNETS,
                    "EmrManagedMasterSecurityGroup": GROUPS["primary"],
                    "EmrManagedSlaveSecurityGroup": GROUPS["core"],
                    "ServiceAccessSecurityGroup": GROUPS["service_access"],
                }
            ),
        },
    )


# ----- one warning per resource left alone -----------------------------------------------------


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/Estate/Cluster/ServiceRole", "IAM role EMR_DefaultRole_V2 is not changed by this app"),
        ("/Estate/Cluster/InstanceRole", "role of instance profile EMR_EC2_Hardened is not changed"),
        ("/Estate/CorpKey", "KMS key Estate/CorpKey is imported"),
        ("/Estate/Monitoring", "SNS topic Estate/OnCall is imported"),
        ("/Estate/Vpc/PrivateSubnet1", "for-use-with-amazon-emr-managed-policies=true"),
        ("/Estate/Vpc/PrivateSubnet2", "for-use-with-amazon-emr-managed-policies=true"),
        ("/Estate/Sgprimary", "for-use-with-amazon-emr-managed-policies=true"),
        ("/Estate/Sgcore", "for-use-with-amazon-emr-managed-policies=true"),
        ("/Estate/Sgservice_access", "for-use-with-amazon-emr-managed-policies=true"),
    ],
)
def test_each_resource_left_alone_gets_a_warning(immutable: Any, path: str, says: str) -> None:
    stack, _, _, _ = immutable
    Annotations.from_stack(stack).has_warning(path, Match.string_like_regexp(f".*{says}.*cdk-emr requirements"))


# ----- the requirements report, against AWS's documented permissions ---------------------------


def test_the_service_role_needs_the_ebs_encryption_key_actions_and_pass_role(immutable: Any) -> None:
    _, _, requirements, _ = immutable
    service = by_resource(requirements, "iam-policy")[SERVICE_ROLE_ARN]  # pseudo parameters filled in
    key_actions = actions_on(service, KEY_ARN)
    assert EBS_ENCRYPTION_ACTIONS <= key_actions
    assert {"kms:ReEncryptFrom", "kms:ReEncryptTo"} <= key_actions
    pass_role = [s for s in service.statements if s["Action"] == "iam:PassRole"]
    assert pass_role == [
        {
            "Action": "iam:PassRole",
            "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}},
            "Effect": "Allow",
            "Resource": "<the ARN of the role of instance profile EMR_EC2_Hardened>",
        }
    ]


def test_the_instance_role_needs_to_write_the_logs_and_use_the_key(immutable: Any) -> None:
    _, _, requirements, _ = immutable
    instance = by_resource(requirements, "iam-policy")["<the ARN of the role of instance profile EMR_EC2_Hardened>"]
    assert "s3:PutObject" in actions_on(instance, "arn:aws:s3:::corp-emr-logs/emr-logs/*")
    assert {"kms:Decrypt", "kms:GenerateDataKey"} <= actions_on(instance, KEY_ARN)


def test_the_key_policy_names_both_roles_as_key_users(immutable: Any) -> None:
    _, _, requirements, _ = immutable
    key = by_resource(requirements, "key-policy")[KEY_ARN]
    assert key.resource_type == "AWS::KMS::Key"
    assert EBS_ENCRYPTION_ACTIONS <= actions_on(key, "*", principal=SERVICE_ROLE_ARN)
    assert {"kms:Decrypt", "kms:GenerateDataKey"} <= actions_on(key, "*", principal="EMR_EC2_Hardened")


def test_the_topic_policy_lets_eventbridge_and_alarms_publish(immutable: Any) -> None:
    _, _, requirements, _ = immutable
    topic = by_resource(requirements, "topic-policy")[TOPIC_ARN]
    assert actions_on(topic, TOPIC_ARN, principal="events.amazonaws.com") == {"sns:Publish"}
    alarms = next(s for s in topic.statements if "cloudwatch" in json.dumps(s["Principal"]))
    assert alarms["Condition"]["ArnLike"]["aws:SourceArn"] == f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:*"


def test_subnets_and_groups_need_the_emr_tag(immutable: Any) -> None:
    _, _, requirements, _ = immutable
    tagged = {r.resource: (r.resource_type, r.tags) for r in requirements if r.kind == "tags"}
    assert tagged == {
        **{s: ("AWS::EC2::Subnet", EMR_TAG) for s in SUBNETS},
        **{g: ("AWS::EC2::SecurityGroup", EMR_TAG) for g in GROUPS.values()},
    }


def test_the_requirements_command_prints_json_and_a_table(immutable: Any) -> None:
    _, _, requirements, outdir = immutable
    as_json = CliRunner().invoke(main, ["requirements", str(outdir), "--json"])
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.output) == [r.to_dict() for r in requirements]
    table = CliRunner().invoke(main, ["requirements", str(outdir)])
    assert table.exit_code == 0, table.output
    for fragment in (
        SERVICE_ROLE_ARN,
        TOPIC_ARN,
        "AWS::EC2::SecurityGroup sg-0a1b2c3d4e5f60003: tag for-use-with-amazon-emr-managed-policies=true",
    ):
        assert fragment in table.output
    assert '"Principal": {\n        "Service": "events.amazonaws.com"' in table.output  # a policy document to paste


def test_an_app_with_nothing_imported_asks_for_nothing(tmp_path: Path) -> None:
    app = cdk.App(outdir=str(tmp_path))
    EmrCluster(estate_stack(app), "Cluster")
    app.synth()
    assert read_requirements(tmp_path) == []
    result = CliRunner().invoke(main, ["requirements", str(tmp_path)])
    assert result.exit_code == 0 and "Nothing to ask for" in result.output


# ----- roles the app may change: a customer-managed policy, never inline -----------------------


@pytest.fixture(scope="module")
def mutable() -> tuple[cdk.Stack, Template]:
    """A mutable imported service role, an instance profile imported with its (mutable) role."""
    stack = estate_stack(cdk.App())
    role = iam.Role.from_role_name(stack, "CorpInstanceRole", "EMR_EC2_Hardened_Role")
    profile = iam.InstanceProfile.from_instance_profile_attributes(
        stack, "CorpProfile", instance_profile_arn=f"arn:aws:iam::{ACCOUNT}:instance-profile/EMR_EC2_Hardened", role=role
    )
    cluster = EmrCluster(
        stack,
        "Cluster",
        service_role=iam.Role.from_role_name(stack, "CorpServiceRole", "EMR_DefaultRole_V2"),
        instance_profile=profile,
        instance_role=role,
    )
    cluster.grant_read_data(s3.Bucket.from_bucket_name(stack, "Data", "corp-data"))
    return stack, Template.from_stack(stack)


def test_a_mutable_import_gets_a_customer_managed_policy_and_no_inline_one(mutable: Any) -> None:
    _, template = mutable
    template.resource_count_is("AWS::IAM::Policy", 0)
    # one role only: the security-group cleanup function's (the cluster's roles are the imported ones)
    [role] = template.find_resources("AWS::IAM::Role").values()
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}
    template.resource_count_is("AWS::IAM::InstanceProfile", 0)
    template.has_resource_properties(
        "AWS::IAM::ManagedPolicy",
        {
            "Roles": ["EMR_EC2_Hardened_Role"],
            "PolicyDocument": Match.object_like(
                {"Statement": Match.array_with([Match.object_like({"Action": ["s3:GetObject", "s3:GetObjectVersion"]})])}
            ),
        },
    )
    template.has_resource_properties("AWS::IAM::ManagedPolicy", {"Roles": ["EMR_DefaultRole_V2"]})
    template.has_resource_properties("AWS::EMR::Cluster", {"JobFlowRole": "EMR_EC2_Hardened"})


def test_the_cluster_waits_for_the_policies_of_brought_roles(mutable: Any) -> None:
    _, template = mutable
    cluster = next(iter(template.find_resources("AWS::EMR::Cluster").values()))
    policies = {
        logical_id
        for logical_id, policy in template.find_resources("AWS::IAM::ManagedPolicy").items()
        if policy["Properties"].get("Roles") in (["EMR_EC2_Hardened_Role"], ["EMR_DefaultRole_V2"])
    }
    assert len(policies) == 2 and policies <= set(cluster["DependsOn"])


def test_a_mutable_import_needs_nothing_reported(mutable: Any) -> None:
    stack, _ = mutable
    assert "cdk-emr:requirements" not in (Template.from_stack(stack).to_json().get("Metadata") or {})


def test_an_instance_role_alone_gets_one_profile_and_a_managed_policy() -> None:
    stack = estate_stack(cdk.App())
    role = iam.Role(stack, "MyRole", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
    EmrCluster(stack, "Cluster", instance_role=role)
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::IAM::InstanceProfile", 1)
    template.resource_count_is("AWS::IAM::Policy", 0)
    template.has_resource_properties(
        "AWS::IAM::ManagedPolicy", {"Roles": [{"Ref": stack.resolve(role.node.default_child.logical_id)}]}
    )  # type: ignore[union-attr]


def test_roles_of_the_stack_get_no_inline_policy_by_default() -> None:
    stack = estate_stack(cdk.App())
    EmrCluster(stack, "Cluster")
    Template.from_stack(stack).resource_count_is("AWS::IAM::Policy", 0)


# ----- the cluster id as a stack output -------------------------------------------------------


def test_the_cluster_id_is_a_stack_output_by_default(immutable: Any) -> None:
    _, template, _, _ = immutable
    outputs = template.find_outputs("*", {"Description": Match.string_like_regexp(r"^EMR cluster id \(j-\.\.\.\)")})
    clusters = list(template.find_resources("AWS::EMR::Cluster"))
    assert [o["Value"] for o in outputs.values()] == [{"Ref": clusters[0]}]


def test_the_cluster_id_output_can_be_turned_off() -> None:
    stack = estate_stack(cdk.App())
    EmrCluster(stack, "Cluster", cluster_id_output=False)
    assert Template.from_stack(stack).find_outputs("*") == {}


def test_fails_if_existing_security_groups_come_without_their_vpc() -> None:
    stack = estate_stack(cdk.App())
    groups = ExistingSecurityGroups(
        **{role: ec2.SecurityGroup.from_security_group_id(stack, f"Sg{role}", sg) for role, sg in GROUPS.items()}
    )
    with pytest.raises(EmrValidationError, match="existing_security_groups='groups without vpc': groups of the VPC you pass"):
        EmrCluster(stack, "Cluster", existing_security_groups=groups)


def test_security_groups_defined_in_the_app_are_tagged_for_emr() -> None:
    stack = estate_stack(cdk.App())
    vpc = existing_network(stack)
    groups = ExistingSecurityGroups(
        **{role: ec2.SecurityGroup(stack, f"Sg{role}", vpc=vpc, allow_all_outbound=False) for role in GROUPS}
    )
    EmrCluster(stack, "Cluster", vpc=vpc, existing_security_groups=groups)
    template = Template.from_stack(stack)
    groups_found = template.find_resources("AWS::EC2::SecurityGroup")
    assert len(groups_found) == 3
    for group in groups_found.values():
        assert {"Key": "for-use-with-amazon-emr-managed-policies", "Value": "true"} in group["Properties"]["Tags"]


def test_mutable_imports_pass_the_nag_packs_with_their_managed_policies() -> None:
    from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks

    from cdk_emr.compliance import acknowledge

    app = cdk.App()
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app), HIPAASecurityChecks(app), NIST80053R5Checks(app))
    stack = estate_stack(app)
    role = iam.Role.from_role_name(stack, "CorpInstanceRole", "EMR_EC2_Hardened_Role")
    key = kms.Key.from_key_arn(stack, "CorpKey", KEY_ARN)
    cluster = EmrCluster(
        stack,
        "Cluster",
        vpc=existing_network(stack),
        encryption_key=key,
        log_bucket=s3.Bucket.from_bucket_attributes(stack, "CorpLogs", bucket_name="corp-emr-logs", encryption_key=key),
        service_role=iam.Role.from_role_name(stack, "CorpServiceRole", "EMR_DefaultRole_V2"),
        instance_role=role,
    )
    cluster.grant_read_data(s3.Bucket.from_bucket_name(stack, "Data", "corp-data"))
    for rule in (
        "AwsSolutions::AwsSolutions-EMR5",
        "AwsSolutions::AwsSolutions-EMR6",
        "HIPAA.Security::HIPAA.Security-EMRKerberosEnabled",
    ):
        acknowledge(
            cluster.launched, rule, "Not under test here: in-transit encryption and Kerberos are covered by the README example."
        )
    app.synth()  # raises ValidationFailed on any unacknowledged finding
    # the two imported roles' policies, and the security-group cleanup function's role's
    Template.from_stack(stack).resource_count_is("AWS::IAM::ManagedPolicy", 3)


def test_an_imported_additional_group_is_reported_for_the_emr_tag() -> None:
    stack = estate_stack(cdk.App())
    extra = ec2.SecurityGroup.from_security_group_id(stack, "KdcClients", "sg-0a1b2c3d4e5f60009")
    EmrCluster(stack, "Cluster", additional_security_groups=[extra])
    Annotations.from_stack(stack).has_warning(
        "/Estate/KdcClients", Match.string_like_regexp(".*is imported, so it cannot be tagged")
    )
    records = Template.from_stack(stack).to_json()["Metadata"]["cdk-emr:requirements"]
    assert records == [
        {
            "kind": "tags",
            "resource_type": "AWS::EC2::SecurityGroup",
            "resource": "sg-0a1b2c3d4e5f60009",
            "construct": "Estate/KdcClients",
            "reason": records[0]["reason"],
            "tags": EMR_TAG,
        }
    ]


@pytest.mark.parametrize(
    "make_role",
    [
        lambda stack: iam.Role.from_role_arn(stack, "Other", "arn:aws:iam::444455556666:role/EMR_DefaultRole_V2"),
        lambda stack: iam.Role(
            stack, "Own", assumed_by=iam.ServicePrincipal("elasticmapreduce.amazonaws.com")
        ).without_policy_updates(),
    ],
    ids=["role of another account", "without_policy_updates"],
)
def test_every_kind_of_immutable_role_is_reported_not_changed(make_role: Any) -> None:
    stack = estate_stack(cdk.App())
    EmrCluster(stack, "Cluster", service_role=make_role(stack))
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::IAM::Policy", 0)
    assert not [p for p in template.find_resources("AWS::IAM::ManagedPolicy").values() if "Cluster/ServiceRole" in json.dumps(p)]
    records = template.to_json()["Metadata"]["cdk-emr:requirements"]
    assert [r["construct"] for r in records if r["kind"] == "iam-policy"] == ["Estate/Cluster/ServiceRole"]
