"""The cleanup handler's revoke, against moto's EC2 (the EC2 API's own request shapes).

The rules are the ones the EMR Management Guide lists for the private-subnet managed groups
("Working with Amazon EMR-managed security groups"): between the primary and core/task groups
all TCP, UDP and ICMP both ways and from themselves, TCP 8443 from the service-access group to
both, TCP 9443 from the primary group to the service-access group, and the service-access
group's outbound TCP 8443 to both. Rules with other peers must stay.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from cdk_emr.facts.security_groups import RULES_BETWEEN_MANAGED_GROUPS, ManagedGroup
from cdk_emr.security_group_cleanup import HANDLER_DIR

REGION = "us-east-1"


def load_handler() -> Any:
    spec = importlib.util.spec_from_file_location("cleanup_handler", HANDLER_DIR / "index.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def ec2() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("ec2", region_name=REGION)


def rules_for(primary: str, core: str, service: str) -> list[dict[str, Any]]:
    """The ``Rules`` property the construct writes, as CloudFormation sends it (numbers as strings)."""
    ids = {ManagedGroup.PRIMARY: primary, ManagedGroup.CORE: core, ManagedGroup.SERVICE_ACCESS: service}
    return [
        {
            "GroupId": ids[r.group],
            "Direction": r.direction,
            "IpProtocol": r.protocol,
            "FromPort": str(r.from_port),
            "ToPort": str(r.to_port),
            "PeerGroupId": ids[r.peer],
        }
        for r in RULES_BETWEEN_MANAGED_GROUPS
    ]


def pair(group_id: str) -> dict[str, Any]:
    return {"UserIdGroupPairs": [{"GroupId": group_id}]}


def emr_rules(ec2: Any, primary: str, core: str, service: str) -> None:
    for group in (primary, core):
        for peer in (primary, core):
            ec2.authorize_security_group_ingress(
                GroupId=group,
                IpPermissions=[
                    {"IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535, **pair(peer)},
                    {"IpProtocol": "udp", "FromPort": 0, "ToPort": 65535, **pair(peer)},
                    {"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1, **pair(peer)},
                ],
            )
        ec2.authorize_security_group_ingress(
            GroupId=group, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 8443, "ToPort": 8443, **pair(service)}]
        )
    ec2.authorize_security_group_ingress(
        GroupId=service, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 9443, "ToPort": 9443, **pair(primary)}]
    )
    ec2.authorize_security_group_egress(
        GroupId=service,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 8443, "ToPort": 8443, **pair(g)} for g in (primary, core)],
    )


def test_revokes_the_rules_between_the_groups_and_keeps_the_others(ec2: Any) -> None:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    primary, core, service, database = (
        ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
        for name in ("primary", "core", "service", "database")
    )
    emr_rules(ec2, primary, core, service)
    ec2.authorize_security_group_ingress(
        GroupId=primary,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}],
    )
    ec2.authorize_security_group_ingress(
        GroupId=primary, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, **pair(database)}]
    )

    revoked = load_handler().revoke(ec2, rules_for(primary, core, service))

    # 2 groups x 2 peers x 3 protocols, 2 x 8443 inbound, 1 x 9443 inbound, 2 x 8443 outbound
    assert revoked == 12 + 2 + 1 + 2
    groups = {g["GroupId"]: g for g in ec2.describe_security_groups(GroupIds=[primary, core, service])["SecurityGroups"]}
    left = {
        (group_id, direction, p["IpProtocol"], p.get("FromPort"), peer["GroupId"])
        for group_id, group in groups.items()
        for direction in ("IpPermissions", "IpPermissionsEgress")
        for p in group[direction]
        for peer in p["UserIdGroupPairs"]
    }
    assert left == {(primary, "IpPermissions", "tcp", 5432, database)}
    [ssh] = [p for p in groups[primary]["IpPermissions"] if p.get("FromPort") == 22]
    assert ssh["IpRanges"][0]["CidrIp"] == "10.0.0.0/16"
    # the groups' own allow-all egress (created with every VPC security group) stays
    assert [p["IpRanges"] for p in groups[core]["IpPermissionsEgress"]] == [[{"CidrIp": "0.0.0.0/0"}]]
    # then EC2 deletes them
    for group_id in (service, core, primary):
        ec2.delete_security_group(GroupId=group_id)


def test_rules_not_there_and_groups_gone_are_skipped(ec2: Any) -> None:
    """EC2 answers InvalidPermission.NotFound for a rule not there (non-default VPC) and
    InvalidGroup.NotFound for a group that is gone: neither keeps the other rules."""
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    primary, core, service = (
        ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"] for name in ("p", "c", "s")
    )
    emr_rules(ec2, primary, core, service)
    # before release 5.30.0 EMR does not add the 9443 rule
    ec2.revoke_security_group_ingress(
        GroupId=service, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 9443, "ToPort": 9443, **pair(primary)}]
    )
    gone = [{**rule, "GroupId": "sg-0123456789abcdef0"} for rule in rules_for(primary, core, service)[:1]]

    revoked = load_handler().revoke(ec2, gone + rules_for(primary, core, service))

    assert revoked == 17 - 1
    for group in ec2.describe_security_groups(GroupIds=[primary, core, service])["SecurityGroups"]:
        assert [p for p in group["IpPermissions"] + group["IpPermissionsEgress"] if p["UserIdGroupPairs"]] == []
