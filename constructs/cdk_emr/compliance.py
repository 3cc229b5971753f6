"""Acknowledging compliance-rule findings (cdk-nag 3, via ``Validations``), always with a reason.

Constructs acknowledge only findings that are inherent to their design and true for every
use, on the narrowest construct; an app acknowledges its own choices the same way.
"""

from __future__ import annotations

import json
import re
from typing import Any

import jsii
from aws_cdk import Acknowledgment, CfnResource, IAspect, Stack, Validations
from aws_cdk import aws_iam as iam
from constructs import IConstruct

from cdk_emr.validation import invalid

MIN_REASON_LENGTH = 20


def acknowledge(construct: IConstruct, rule_id: str, reason: str) -> None:
    """Accept ``rule_id`` (e.g. ``"AwsSolutions::AwsSolutions-EMR6"``) on ``construct`` for ``reason``."""
    if len(reason.strip()) < MIN_REASON_LENGTH:
        raise invalid("acknowledge", "reason", reason, f"a specific reason of at least {MIN_REASON_LENGTH} characters")
    Validations.of(construct).acknowledge(Acknowledgment(id=rule_id, reason=reason))


def skip_checkov(construct: IConstruct, check_id: str, reason: str) -> None:
    """Skip checkov's ``check_id`` on ``construct``'s CloudFormation resource, with ``reason``
    (written to the resource's ``Metadata.checkov.skip``, which checkov reads)."""
    if len(reason.strip()) < MIN_REASON_LENGTH:
        raise invalid("acknowledge", "reason", reason, f"a specific reason of at least {MIN_REASON_LENGTH} characters")
    resource = construct.node.default_child if not isinstance(construct, CfnResource) else construct
    if not isinstance(resource, CfnResource):
        raise invalid("skip_checkov", "construct", construct.node.path, "a construct with a CloudFormation resource")
    skips = resource.get_metadata("checkov") or {"skip": []}
    skips["skip"].append({"id": check_id, "comment": reason})
    resource.add_metadata("checkov", skips)


def flatten_reference(node: Any) -> str:
    """Render a resolved CloudFormation value the way cdk-nag names it in finding ids.

    ``{"Fn::GetAtt": ["Bucket", "Arn"]}`` becomes ``<Bucket.Arn>``, ``{"Ref": "X"}`` becomes
    ``<X>``, ``Fn::Join`` parts are joined; anything else is JSON.
    """
    if node is None:
        return ""
    if isinstance(node, str):
        return node.replace("${", "<").replace("}", ">")
    if isinstance(node, dict):
        if "Fn::Join" in node:
            delimiter, items = node["Fn::Join"]
            return delimiter.join(flatten_reference(i) for i in items)
        if "Fn::Sub" in node:
            return flatten_reference(node["Fn::Sub"])
        if "Fn::GetAtt" in node:
            resource, attribute = node["Fn::GetAtt"]
            return f"<{flatten_reference(resource)}.{flatten_reference(attribute)}>"
        if "Fn::ImportValue" in node:
            return flatten_reference(node["Fn::ImportValue"])
        if "Ref" in node:
            return f"<{flatten_reference(node['Ref'])}>"
    return json.dumps(node, separators=(",", ":"))


def is_scoped_wildcard(resource: str) -> bool:
    """True for a wildcard confined to one container:

    - under a resource of this template (``<Bucket.Arn>/logs/*``, ``<Table.Arn>/index/*``);
    - objects of one named bucket (``arn:...:s3:::bucket/prefix/*``);
    - tables or functions of one Glue database (``arn:...:glue:...:table/db/*``);
    - indexes of one DynamoDB table (``arn:...:dynamodb:...:table/name/index/*``).

    Anything else (``*``, a wildcard bucket, every Glue database, every EMR cluster) is not scoped.
    """
    head, _, _last = resource.rpartition("/")
    if not head or "*" in head:
        return False
    if head.startswith("<") and ">" in head:
        return True
    parts = re.sub(r"<[^>]*>", "token", head).split(":", 5)  # <AWS::Partition> holds colons
    if len(parts) < 6 or parts[0] != "arn":
        return False
    service, path = parts[2], parts[5]
    if service == "s3":
        return bool(path)
    if service == "glue":
        return path.startswith(("table/", "userDefinedFunction/")) and path.count("/") >= 1
    if service == "dynamodb":
        return path.startswith("table/") and path.endswith("/index")
    return False


SCOPED_WILDCARD_REASON = (
    "The wildcard is confined to one container: the objects under a named bucket or prefix, or the "
    "tables of a named Glue database; every action is named explicitly."
)


@jsii.implements(IAspect)
class AcknowledgeScopedWildcards:
    """Acknowledge IAM5 findings on a managed policy for scoped wildcards only.

    Runs as an aspect, so it sees every statement added after construction (``grant_*``).
    Wildcard actions, ``Resource: "*"`` and unscoped patterns stay reported.
    """

    def visit(self, node: IConstruct) -> None:
        """Acknowledge each scoped object/table wildcard of a ``CfnManagedPolicy``."""
        if not isinstance(node, iam.CfnManagedPolicy):
            return
        document = Stack.of(node).resolve(node.policy_document)
        for statement in document.get("Statement", []):
            if statement.get("Effect") != "Allow":
                continue
            resources = statement.get("Resource", [])
            for resource in resources if isinstance(resources, list) else [resources]:
                flat = flatten_reference(resource)
                if "*" in flat and is_scoped_wildcard(flat):
                    acknowledge(node, f"AwsSolutions::AwsSolutions-IAM5[Resource::{flat}]", SCOPED_WILDCARD_REASON)
