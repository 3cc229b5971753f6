"""EMR's rules on its managed security groups, and EC2's refusal to delete a referenced group,
in the local AWS (in-process).

Expected rules: EMR Management Guide, "Working with Amazon EMR-managed security groups", the
private-subnet groups (ElasticMapReduce-Master-Private, -Slave-Private: all ICMP, TCP and UDP
from the primary and core/task groups, HTTPS 8443 from the service-access group;
ElasticMapReduce-ServiceAccess: inbound TCP 9443 from the primary group, outbound TCP 8443 to
the primary and the core/task groups). Expected error: EC2's DependencyViolation, "resource
<id> has a dependent object".
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

ALL_PORTS = (0, 65535)


@pytest.fixture
def launched(emr: Any, ec2: Any) -> dict[str, str]:
    """Three empty groups in a VPC, and a cluster launched with them in a private subnet."""
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/20")["Subnet"]["SubnetId"]
    groups = {
        name: ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
        for name in ("primary", "core", "service")
    }
    emr.run_job_flow(
        Name="c",
        ReleaseLabel="emr-7.5.0",
        ServiceRole="EMR_DefaultRole",
        JobFlowRole="EMR_EC2_DefaultRole",
        Applications=[{"Name": "Spark"}],
        Instances={
            "InstanceGroups": [
                {"InstanceRole": "MASTER", "InstanceType": "m5.xlarge", "InstanceCount": 1},
                {"InstanceRole": "CORE", "InstanceType": "m5.xlarge", "InstanceCount": 1},
            ],
            "KeepJobFlowAliveWhenNoSteps": True,
            "Ec2SubnetId": subnet,
            "EmrManagedMasterSecurityGroup": groups["primary"],
            "EmrManagedSlaveSecurityGroup": groups["core"],
            "ServiceAccessSecurityGroup": groups["service"],
        },
    )
    return groups


def group_rules(ec2: Any, group_id: str, direction: str) -> set[tuple[str, int | None, int | None, str]]:
    """(protocol, from port, to port, peer group) of each rule of the group that names a group."""
    [group] = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"]
    return {
        (p["IpProtocol"], p.get("FromPort"), p.get("ToPort"), pair["GroupId"])
        for p in group[direction]
        for pair in p["UserIdGroupPairs"]
    }


def test_emr_adds_the_documented_rules_at_launch(ec2: Any, launched: dict[str, str]) -> None:
    primary, core, service = launched["primary"], launched["core"], launched["service"]
    node_rules = {
        (protocol, *ports, peer)
        for peer in (primary, core)
        for protocol, ports in (("tcp", ALL_PORTS), ("udp", ALL_PORTS), ("icmp", (-1, -1)))
    } | {("tcp", 8443, 8443, service)}
    assert group_rules(ec2, primary, "IpPermissions") == node_rules
    assert group_rules(ec2, core, "IpPermissions") == node_rules
    assert group_rules(ec2, service, "IpPermissions") == {("tcp", 9443, 9443, primary)}
    assert group_rules(ec2, service, "IpPermissionsEgress") == {("tcp", 8443, 8443, primary), ("tcp", 8443, 8443, core)}


def test_a_group_another_group_references_cannot_be_deleted(ec2: Any, launched: dict[str, str]) -> None:
    for group_id in launched.values():
        with pytest.raises(ClientError) as refused:
            ec2.delete_security_group(GroupId=group_id)
        error = refused.value.response["Error"]
        assert (error["Code"], error["Message"]) == ("DependencyViolation", f"resource {group_id} has a dependent object")


def test_rules_that_reference_the_group_itself_do_not_block_its_deletion(ec2: Any) -> None:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName="self", Description="self", VpcId=vpc)["GroupId"]
    other = ec2.create_security_group(GroupName="other", Description="other", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group, IpPermissions=[{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": group}]}]
    )
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "UserIdGroupPairs": [{"GroupId": other}]}],
    )
    ec2.delete_security_group(GroupId=group)  # its own rules go with it, the one naming `other` too
    ec2.delete_security_group(GroupId=other)  # nothing references it any more
    remaining = {
        g["GroupName"] for g in ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["SecurityGroups"]
    }
    assert remaining == {"default"}
