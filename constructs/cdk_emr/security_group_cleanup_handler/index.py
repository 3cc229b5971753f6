"""Custom::EmrSecurityGroupRuleCleanup: before CloudFormation deletes EMR-managed security
groups, revoke the rules between them that EMR added at launch.

EMR adds rules to the managed groups that reference each other (EMR Management Guide,
"Working with Amazon EMR-managed security groups"); EC2 refuses to delete a group another
group's rule still references (DependencyViolation), so a stack that created the groups could
not be deleted. On ``Delete`` this handler revokes, in each group of ``GroupIds``, every
inbound and outbound rule whose peer is one of those groups (itself included); rules with
other peers (CIDR ranges, prefix lists, other groups) stay: they never block the delete.
``Create`` and ``Update`` change nothing. The physical id names the groups, so a change of
groups is a replacement and the old groups are cleaned when CloudFormation deletes them.

The Lambda Python runtime's standard library and boto3 only; the response goes to
CloudFormation's pre-signed ``ResponseURL`` ("Custom resource response objects").
"""

from __future__ import annotations

import json
import logging
import urllib.request
from typing import Any

import boto3
from botocore.exceptions import ClientError

logger = logging.getLogger()
logger.setLevel(logging.INFO)

#: EC2's error for a group that no longer exists: nothing left to clean.
GROUP_GONE = "InvalidGroup.NotFound"
#: EC2's error for a revoke whose rule is no longer there.
RULE_GONE = "InvalidPermission.NotFound"
#: ``PhysicalResourceId`` prefix; the group ids follow.
PHYSICAL_ID_PREFIX = "emr-sg-rule-cleanup"
#: Group-pair fields EC2 returns that a revoke request does not take.
PAIR_FIELDS = ("GroupId", "UserId")


def handler(event: dict[str, Any], context: Any) -> None:
    """Answer CloudFormation: SUCCESS with the physical id, or FAILED with the reason."""
    group_ids = sorted(str(group_id) for group_id in event["ResourceProperties"].get("GroupIds") or [])
    physical_id = event.get("PhysicalResourceId") or "-".join([PHYSICAL_ID_PREFIX, *group_ids])
    try:
        if event["RequestType"] == "Delete":
            revoked = revoke_cross_references(boto3.client("ec2"), group_ids)
            logger.info("revoked %d rules between %s", revoked, ", ".join(group_ids))
        else:
            physical_id = "-".join([PHYSICAL_ID_PREFIX, *group_ids])
        respond(event, context, "SUCCESS", physical_id)
    except Exception as error:  # CloudFormation must get an answer, whatever failed
        logger.exception("cleanup failed")
        respond(event, context, "FAILED", physical_id, reason=f"{type(error).__name__}: {error}")


def revoke_cross_references(ec2: Any, group_ids: list[str]) -> int:
    """Revoke every rule of ``group_ids`` whose peer is one of them; return how many.

    One rule per call: in a non-default VPC a revoke that names a rule no longer there fails
    with InvalidPermission.NotFound and revokes nothing (EC2 API Reference,
    RevokeSecurityGroupIngress), so a rule removed meanwhile must not keep the others."""
    members = set(group_ids)
    revoked = 0
    for group in _existing_groups(ec2, group_ids):
        for field, revoke in (
            ("IpPermissions", ec2.revoke_security_group_ingress),
            ("IpPermissionsEgress", ec2.revoke_security_group_egress),
        ):
            for permission in referencing(group.get(field, []), members):
                for pair in permission["UserIdGroupPairs"]:
                    try:
                        revoke(GroupId=group["GroupId"], IpPermissions=[{**permission, "UserIdGroupPairs": [pair]}])
                    except ClientError as error:
                        if error.response.get("Error", {}).get("Code") != RULE_GONE:
                            raise
                        continue
                    revoked += 1
    return revoked


def referencing(permissions: list[dict[str, Any]], members: set[str]) -> list[dict[str, Any]]:
    """The part of ``permissions`` whose peer group is in ``members``, in a revoke's shape."""
    selected = []
    for permission in permissions:
        pairs = [
            {name: pair[name] for name in PAIR_FIELDS if name in pair}
            for pair in permission.get("UserIdGroupPairs", [])
            if pair.get("GroupId") in members
        ]
        if pairs:
            rule = {"IpProtocol": permission["IpProtocol"], "UserIdGroupPairs": pairs}
            for port in ("FromPort", "ToPort"):
                if port in permission:
                    rule[port] = permission[port]
            selected.append(rule)
    return selected


def _existing_groups(ec2: Any, group_ids: list[str]) -> list[dict[str, Any]]:
    """The groups that still exist (one call each: a missing group fails a batch call)."""
    groups = []
    for group_id in group_ids:
        try:
            groups.extend(ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"])
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != GROUP_GONE:
                raise
            logger.info("%s is already gone", group_id)
    return groups


def respond(event: dict[str, Any], context: Any, status: str, physical_id: str, *, reason: str = "") -> None:
    """PUT the response object to the request's pre-signed ResponseURL."""
    body = json.dumps(
        {
            "Status": status,
            "Reason": (reason or f"See CloudWatch Logs: {context.log_group_name} {context.log_stream_name}")[:1024],
            "PhysicalResourceId": physical_id,
            "StackId": event["StackId"],
            "RequestId": event["RequestId"],
            "LogicalResourceId": event["LogicalResourceId"],
            "Data": {},
        }
    ).encode()
    request = urllib.request.Request(
        event["ResponseURL"], data=body, method="PUT", headers={"Content-Type": "", "Content-Length": str(len(body))}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (CloudFormation's https URL)
        logger.info("CloudFormation answered %s", response.status)
