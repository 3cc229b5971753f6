"""The EMR-managed security groups' cleanup custom resource, on the synthesized template.

What CloudFormation must do for a stack with a cluster to delete on AWS: delete the cluster,
then revoke the rules EMR added between its managed groups, then delete the groups. Delete
order is the reverse of the dependency order (CloudFormation User Guide, "DependsOn
attribute": "resources are deleted in the reverse order of their creation"), so the cluster
must depend on the cleanup resource and the cleanup resource on the groups.
"""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk.assertions import Template
from helpers import new_stack

from cdk_emr import EmrCluster
from cdk_emr.existing_network import BroughtSecurityGroups, ExistingSecurityGroups
from cdk_emr.network import EmrSecurityGroups

CLEANUP_TYPE = "Custom::EmrSecurityGroupRuleCleanup"


@pytest.fixture(scope="module")
def template() -> Template:
    stack = new_stack()
    cluster = EmrCluster(stack, "Cluster")
    groups = cluster.security_groups
    groups.allow(groups.primary, groups.core, ec2.Protocol.TCP, 18080, "Spark history from the core nodes")
    return Template.from_stack(stack)


def only(template: Template, resource_type: str) -> tuple[str, dict[str, Any]]:
    [(logical_id, resource)] = template.find_resources(resource_type).items()
    return logical_id, resource


def group_ids(template: Template) -> dict[str, str]:
    """The logical id of each EMR-managed group, by the cluster property naming it."""
    instances = only(template, "AWS::EMR::Cluster")[1]["Properties"]["Instances"]
    return {
        name: instances[name]["Fn::GetAtt"][0]
        for name in ("EmrManagedMasterSecurityGroup", "EmrManagedSlaveSecurityGroup", "ServiceAccessSecurityGroup")
    }


def test_the_cleanup_names_the_three_emr_managed_groups(template: Template) -> None:
    _, cleanup = only(template, CLEANUP_TYPE)
    named = [ref["Fn::GetAtt"] for ref in cleanup["Properties"]["GroupIds"]]
    assert named == [[group, "GroupId"] for group in group_ids(template).values()]


def test_the_cleanup_names_the_rules_emr_documents_between_the_groups(template: Template) -> None:
    """EMR Management Guide, "Working with Amazon EMR-managed security groups" (private subnets)."""
    _, cleanup = only(template, CLEANUP_TYPE)
    ids = group_ids(template)
    name = {
        ids["EmrManagedMasterSecurityGroup"]: "primary",
        ids["EmrManagedSlaveSecurityGroup"]: "core",
        ids["ServiceAccessSecurityGroup"]: "service",
    }
    rules = {
        (
            name[r["GroupId"]["Fn::GetAtt"][0]],
            r["Direction"],
            r["IpProtocol"],
            r["FromPort"],
            r["ToPort"],
            name[r["PeerGroupId"]["Fn::GetAtt"][0]],
        )
        for r in cleanup["Properties"]["Rules"]
    }
    nodes = {
        (group, "ingress", protocol, low, high, peer)
        for group in ("primary", "core")
        for peer in ("primary", "core")
        for protocol, low, high in (("tcp", 0, 65535), ("udp", 0, 65535), ("icmp", -1, -1))
    }
    service = {
        ("primary", "ingress", "tcp", 8443, 8443, "service"),
        ("core", "ingress", "tcp", 8443, 8443, "service"),
        ("service", "ingress", "tcp", 9443, 9443, "primary"),
        ("service", "egress", "tcp", 8443, 8443, "primary"),
        ("service", "egress", "tcp", 8443, 8443, "core"),
    }
    assert rules == nodes | service and len(cleanup["Properties"]["Rules"]) == 17


def test_the_cluster_is_deleted_before_the_cleanup_runs(template: Template) -> None:
    cleanup_id, _ = only(template, CLEANUP_TYPE)
    _, cluster = only(template, "AWS::EMR::Cluster")
    assert cleanup_id in cluster["DependsOn"]


def test_the_stacks_own_rules_between_the_groups_are_deleted_before_the_cleanup(template: Template) -> None:
    cleanup_id, _ = only(template, CLEANUP_TYPE)
    primary = group_ids(template)["EmrManagedMasterSecurityGroup"]
    [rule] = [
        r
        for r in template.find_resources("AWS::EC2::SecurityGroupIngress").values()
        if r["Properties"]["GroupId"] == {"Fn::GetAtt": [primary, "GroupId"]} and r["Properties"]["FromPort"] == 18080
    ]
    assert cleanup_id in rule["DependsOn"]


def test_the_function_may_revoke_only_on_groups_tagged_for_emr(template: Template) -> None:
    """The scope, actions and tag condition of AmazonEMRServicePolicy_v2's security-group statement
    (AWS Managed Policy Reference), restricted to the revoke actions."""
    cleanup_id, cleanup = only(template, CLEANUP_TYPE)
    function_id = cleanup["Properties"]["ServiceToken"]["Fn::GetAtt"][0]
    role_id = template.find_resources("AWS::Lambda::Function")[function_id]["Properties"]["Role"]["Fn::GetAtt"][0]
    [(policy_id, policy)] = [
        (logical_id, p["Properties"]["PolicyDocument"]["Statement"])
        for logical_id, p in template.find_resources("AWS::IAM::ManagedPolicy").items()
        if p["Properties"].get("Roles") == [{"Ref": role_id}]
    ]
    ec2_statements = [s for s in policy if any(str(a).startswith("ec2:") for a in _list(s["Action"]))]
    assert len(ec2_statements) == 1  # no Describe: the rules to revoke are named in the request
    [revoke] = ec2_statements
    assert sorted(_list(revoke["Action"])) == ["ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress"]
    # EMR's tag (AmazonEMRServicePolicy_v2's condition) and the stack-level tag CloudFormation adds to
    # the resources of this stack (CloudFormation User Guide, "Resource tag")
    assert revoke["Condition"] == {
        "StringEquals": {
            "aws:ResourceTag/for-use-with-amazon-emr-managed-policies": "true",
            "aws:ResourceTag/aws:cloudformation:stack-id": {"Ref": "AWS::StackId"},
        }
    }
    # the condition holds for the groups the cleanup names: they carry EMR's tag with the value "true"
    groups = template.find_resources("AWS::EC2::SecurityGroup")
    for ref in cleanup["Properties"]["GroupIds"]:
        tags = groups[ref["Fn::GetAtt"][0]]["Properties"]["Tags"]
        assert {"Key": "for-use-with-amazon-emr-managed-policies", "Value": "true"} in tags
    # arn:${Partition}:ec2:${Region}:${Account}:security-group/* of the stack's account and region
    assert revoke["Resource"] == {
        "Fn::Join": [
            "",
            [
                "arn:",
                {"Ref": "AWS::Partition"},
                ":ec2:",
                {"Ref": "AWS::Region"},
                ":",
                {"Ref": "AWS::AccountId"},
                ":security-group/*",
            ],
        ]
    }
    # the policy outlives the custom resource: it is deleted after the function's last call
    assert policy_id in template.to_json()["Resources"][cleanup_id]["DependsOn"]


def test_one_function_serves_every_cluster_of_a_stack() -> None:
    """Each further cluster adds one custom resource, not a function, role, policy and log group:
    50 clusters with their own groups and roles stay under CloudFormation's 500 resources per stack
    (CloudFormation User Guide, "Understand CloudFormation quotas")."""
    stack = new_stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=1, nat_gateways=0)
    for index in range(3):
        EmrSecurityGroups(stack, f"Groups{index}", vpc=vpc)
    template = Template.from_stack(stack)
    cleanups = template.find_resources(CLEANUP_TYPE)
    functions = template.find_resources("AWS::Lambda::Function")
    assert len(cleanups) == 3 and len(functions) == 1
    [function_id] = functions
    assert {c["Properties"]["ServiceToken"]["Fn::GetAtt"][0] for c in cleanups.values()} == {function_id}
    named = [tuple(ref["Fn::GetAtt"][0] for ref in c["Properties"]["GroupIds"]) for c in cleanups.values()]
    assert len(set(named)) == 3 and all(len(set(groups)) == 3 for groups in named)


def test_the_function_runs_the_checked_in_python_handler_outside_the_vpc(template: Template) -> None:
    _, cleanup = only(template, CLEANUP_TYPE)
    function = template.find_resources("AWS::Lambda::Function")[cleanup["Properties"]["ServiceToken"]["Fn::GetAtt"][0]]
    properties = function["Properties"]
    assert (properties["Runtime"], properties["Handler"], properties["Architectures"]) == (
        "python3.14",
        "index.handler",
        ["arm64"],
    )
    assert "VpcConfig" not in properties and "ReservedConcurrentExecutions" not in properties
    assert "LoggingConfig" in properties  # its own log group
    # the EMR tag stays on what EMR acts on (the groups), not on the function and its role
    tag = "for-use-with-amazon-emr-managed-policies"
    assert tag not in {t["Key"] for t in properties.get("Tags", [])}
    role = template.find_resources("AWS::IAM::Role")[properties["Role"]["Fn::GetAtt"][0]]
    assert tag not in {t["Key"] for t in role["Properties"].get("Tags", [])}
    groups = template.find_resources("AWS::EC2::SecurityGroup")
    assert all(tag in {t["Key"] for t in groups[g]["Properties"]["Tags"]} for g in group_ids(template).values())


def test_no_cleanup_when_turned_off_or_for_groups_the_stack_does_not_create() -> None:
    stack = new_stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=1, nat_gateways=0)
    EmrSecurityGroups(stack, "Off", vpc=vpc, revoke_rules_on_delete=False)
    imported = [ec2.SecurityGroup.from_security_group_id(stack, name, f"sg-0{i}") for i, name in enumerate("ABC")]
    brought = BroughtSecurityGroups(
        stack, "Brought", groups=ExistingSecurityGroups(primary=imported[0], core=imported[1], service_access=imported[2])
    )
    assert brought.cleanup is None
    Template.from_stack(stack).resource_count_is(CLEANUP_TYPE, 0)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_the_stacks_own_tags_stay_off_the_function_and_its_role_and_its_finding_is_acknowledged() -> None:
    """A stack tagged for EMR (as platform stacks are) still leaves the function and its role
    untagged; in an environment-agnostic stack, AwsSolutions finds nothing unacknowledged in the
    cleanup (its IAM5 wildcard on security-group/* included): the synthesis would fail otherwise."""
    from aws_cdk import Tags, Validations
    from cdk_nag import AwsSolutionsChecks

    from cdk_emr.compliance import acknowledge

    stack = new_stack()
    Tags.of(stack).add("for-use-with-amazon-emr-managed-policies", "true")
    vpc = ec2.Vpc(stack, "Vpc", max_azs=1, nat_gateways=0)
    acknowledge(vpc, "AwsSolutions::AwsSolutions-VPC7", "A test VPC that carries no traffic; flow logs are not the subject here.")
    EmrSecurityGroups(stack, "Groups", vpc=vpc)
    Validations.of(stack.node.root).add_plugins(AwsSolutionsChecks(stack.node.root))
    template = Template.from_stack(stack)
    [function] = template.find_resources("AWS::Lambda::Function").values()
    tag = "for-use-with-amazon-emr-managed-policies"
    assert tag not in {t["Key"] for t in function["Properties"].get("Tags", [])}
    role = template.find_resources("AWS::IAM::Role")[function["Properties"]["Role"]["Fn::GetAtt"][0]]
    assert tag not in {t["Key"] for t in role["Properties"].get("Tags", [])}
    groups = template.find_resources("AWS::EC2::SecurityGroup")
    assert groups and all({"Key": tag, "Value": "true"} in g["Properties"]["Tags"] for g in groups.values())
