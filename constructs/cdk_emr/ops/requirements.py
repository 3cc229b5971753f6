"""What resources this app does not own must allow: the requirements report.

The constructs record, in each stack template's ``Metadata`` under :data:`METADATA_KEY`, every
permission or tag they needed on a resource they may not change (an immutable role, an
imported KMS key or SNS topic, an imported subnet or security group). This module reads those
records from a synthesized ``cdk.out`` (standard library only, no ``aws_cdk``) and renders
the CloudFormation references in them as text a security team can apply: pseudo parameters
become the stack's account, region and partition when the stack's environment is known.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from typing import Any

from cdk_emr.ops.templates import load_stack_templates

METADATA_KEY = "cdk-emr:requirements"
"""Template ``Metadata`` key under which the constructs record their requirements."""


class Kind:
    """What a requirement asks for (the ``kind`` of a record)."""

    IAM_POLICY = "iam-policy"
    """IAM statements for the identity policy of a role."""
    KEY_POLICY = "key-policy"
    """Statements for the key policy of a KMS key."""
    TOPIC_POLICY = "topic-policy"
    """Statements for the access policy of an SNS topic."""
    TAGS = "tags"
    """Tags a resource must carry."""


@dataclass(frozen=True)
class Requirement:
    """One resource and what it must allow or carry, with the reason."""

    stack: str
    kind: str
    resource_type: str
    resource: str
    construct: str
    reason: str
    statements: tuple[dict[str, Any], ...] = ()
    tags: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; ``statements`` as a list (a policy document's ``Statement``)."""
        value = asdict(self)
        value["statements"] = list(self.statements)
        return value


def read_requirements(path: str | os.PathLike[str]) -> list[Requirement]:
    """The requirements recorded in every stack of a template file or ``cdk.out`` directory."""
    found: list[Requirement] = []
    for stack in load_stack_templates(path):
        records = (stack.template.get("Metadata") or {}).get(METADATA_KEY) or []
        names = _pseudo_parameters(stack.account, stack.region)
        for record in records:
            rendered = render(record, names)
            found.append(
                Requirement(
                    stack=stack.name,
                    kind=rendered["kind"],
                    resource_type=rendered["resource_type"],
                    resource=rendered["resource"],
                    construct=rendered.get("construct", ""),
                    reason=rendered.get("reason", ""),
                    statements=tuple(rendered.get("statements") or ()),
                    tags=dict(rendered.get("tags") or {}),
                )
            )
    return found


def render(value: Any, names: dict[str, str]) -> Any:
    """``value`` with its CloudFormation intrinsics as text.

    ``Ref`` of a pseudo parameter becomes its value when ``names`` has it, else ``${AWS::X}``;
    ``Ref`` of a resource becomes ``${LogicalId}``, ``Fn::GetAtt`` ``${LogicalId.Attribute}``
    (known only after deployment); ``Fn::Join`` is joined. Anything else stays JSON.
    """
    if isinstance(value, list):
        return [render(v, names) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((name, argument),) = value.items()
        if name == "Ref":
            return names.get(argument, f"${{{argument}}}")
        if name == "Fn::GetAtt":
            target, attribute = argument if isinstance(argument, list) else argument.split(".", 1)
            return f"${{{target}.{attribute}}}"
        if name == "Fn::Join":
            delimiter, parts = argument
            return delimiter.join(_text(render(p, names)) for p in parts)
    return {k: render(v, names) for k, v in value.items()}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _pseudo_parameters(account: str | None, region: str | None) -> dict[str, str]:
    """Values of ``AWS::AccountId``, ``AWS::Region``, ``AWS::Partition`` and ``AWS::URLSuffix``
    where the stack's environment tells them (partitions: AWS General Reference, "ARN format")."""
    names: dict[str, str] = {}
    if account:
        names["AWS::AccountId"] = account
    if region:
        names["AWS::Region"] = region
        partition, suffix = "aws", "amazonaws.com"
        if region.startswith("cn-"):
            partition, suffix = "aws-cn", "amazonaws.com.cn"
        elif region.startswith("us-gov-"):
            partition = "aws-us-gov"
        names["AWS::Partition"] = partition
        names["AWS::URLSuffix"] = suffix
    return names
