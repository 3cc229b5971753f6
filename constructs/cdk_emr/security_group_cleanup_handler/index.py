"""Custom::EmrSecurityGroupRuleCleanup: before CloudFormation deletes EMR-managed security
groups, revoke the rules between them that EMR added at launch.

EMR adds rules to the managed groups that reference each other (EMR Management Guide,
"Working with Amazon EMR-managed security groups"); EC2 refuses to delete a group another
group's rule still references (DependencyViolation), so a stack that created the groups could
not be deleted. ``Rules`` lists those rules (group, direction, protocol, ports, peer group: the
construct writes the documented list with the group ids); on ``Delete`` this handler revokes
each, one per call, and skips a rule that is not there (InvalidPermission.NotFound: EMR did
not add it, e.g. 9443 before release 5.30.0, or it is gone). It needs no Describe permission.
Rules with other peers stay: they never block the delete. ``Create`` and ``Update`` change
nothing. The physical id names the groups, so a change of groups is a replacement and the old
groups are cleaned when CloudFormation deletes them.

The Lambda Python runtime's standard library and boto3 only; the response goes to
CloudFormation's pre-signed ``ResponseURL`` ("Custom resource response objects").
"""

from __future__ import annotations

import json
import logging
import urllib.request
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

logger = logging.getLogger()
logger.setLevel(logging.INFO)

#: EC2's error for a group that no longer exists: nothing left to revoke in it.
GROUP_GONE = "InvalidGroup.NotFound"
#: EC2's error for a revoke whose rule is no longer there.
RULE_GONE = "InvalidPermission.NotFound"
#: ``PhysicalResourceId`` prefix; the group ids follow.
PHYSICAL_ID_PREFIX = "emr-sg-rule-cleanup"

#: One function serves every cluster of a stack: deleting a stack of many clusters sends it many
#: Deletes at once, 17 revokes each, and EC2 throttles an account's requests per Region ("Request
#: throttling for the Amazon EC2 API"), so the client waits and retries as the SDK's adaptive mode does.
EC2_CONFIG = Config(retries={"mode": "adaptive", "max_attempts": 10})


def handler(event: dict[str, Any], context: Any) -> None:
    """Answer CloudFormation: SUCCESS with the physical id, or FAILED with the reason."""
    properties = event["ResourceProperties"]
    group_ids = sorted(str(group_id) for group_id in properties.get("GroupIds") or [])
    physical_id = event.get("PhysicalResourceId") or "-".join([PHYSICAL_ID_PREFIX, *group_ids])
    try:
        if event["RequestType"] == "Delete":
            revoked = revoke(boto3.client("ec2", config=EC2_CONFIG), properties.get("Rules") or [])
            logger.info("revoked %d rules between %s", revoked, ", ".join(group_ids))
        else:
            physical_id = "-".join([PHYSICAL_ID_PREFIX, *group_ids])
        respond(event, context, "SUCCESS", physical_id)
    except Exception as error:  # CloudFormation must get an answer, whatever failed
        logger.exception("cleanup failed")
        respond(event, context, "FAILED", physical_id, reason=f"{type(error).__name__}: {error}")


def revoke(ec2: Any, rules: list[dict[str, Any]]) -> int:
    """Revoke each rule (``GroupId``, ``Direction``, ``IpProtocol``, ``FromPort``, ``ToPort``,
    ``PeerGroupId``); return how many were there. One rule per call: in a non-default VPC a
    revoke naming a rule that is not there fails with InvalidPermission.NotFound and revokes
    nothing (EC2 API Reference, RevokeSecurityGroupIngress)."""
    revoked = 0
    for rule in rules:
        call = ec2.revoke_security_group_egress if rule["Direction"] == "egress" else ec2.revoke_security_group_ingress
        permission = {
            "IpProtocol": rule["IpProtocol"],
            "FromPort": int(rule["FromPort"]),  # CloudFormation sends numbers as strings
            "ToPort": int(rule["ToPort"]),
            "UserIdGroupPairs": [{"GroupId": rule["PeerGroupId"]}],
        }
        try:
            call(GroupId=rule["GroupId"], IpPermissions=[permission])
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in (RULE_GONE, GROUP_GONE):
                raise
            logger.info("not there: %s", rule)
            continue
        revoked += 1
    return revoked


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
