"""Recording what resources this app may not change must allow, instead of dropping it silently.

aws-cdk-lib leaves an immutable role (``mutable=False``), an imported KMS key and an imported
SNS topic alone: grants to them add nothing. The constructs here call :func:`require` for each
such permission or tag: it adds one warning annotation per resource and records the exact
statements (or tags) in the stack template's ``Metadata`` (key
:data:`~cdk_emr.ops.requirements.METADATA_KEY`), which ``cdk-emr requirements cdk.out`` prints
for a security team (see :mod:`cdk_emr.ops.requirements`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aws_cdk import Annotations, Stack
from aws_cdk import aws_iam as iam
from constructs import Construct, IConstruct

from cdk_emr.ops.requirements import METADATA_KEY, Kind

__all__ = ["Kind", "require", "requirements_of"]

RECORDER_ID = "CdkEmrRequirements"


@dataclass
class _Record:
    kind: str
    resource_type: str
    resource: str
    construct: str
    reasons: list[str]
    statements: list[iam.PolicyStatement] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)

    def render(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "kind": self.kind,
            "resource_type": self.resource_type,
            "resource": self.resource,
            "construct": self.construct,
            "reason": " ".join(self.reasons),
        }
        if self.statements:
            unique = {json.dumps(s.to_statement_json(), sort_keys=True): s for s in self.statements}
            record["statements"] = [s.to_statement_json() for s in unique.values()]
        if self.tags:
            record["tags"] = dict(self.tags)
        return record


class _Recorder(Construct):
    """The requirements of one stack (one per stack, found by id)."""

    def __init__(self, stack: Stack) -> None:
        super().__init__(stack, RECORDER_ID)
        self.records: dict[tuple[str, str], _Record] = {}

    def publish(self) -> None:
        """Write the records to the template's ``Metadata`` (again after every change)."""
        Stack.of(self).add_metadata(METADATA_KEY, [record.render() for record in self.records.values()])


def _recorder(scope: IConstruct) -> _Recorder:
    stack = Stack.of(scope)
    found = stack.node.try_find_child(RECORDER_ID)
    return found if isinstance(found, _Recorder) else _Recorder(stack)


def require(
    scope: IConstruct,
    *,
    kind: str,
    resource_type: str,
    resource: str,
    reason: str,
    warning_id: str,
    statements: list[iam.PolicyStatement] | None = None,
    tags: dict[str, str] | None = None,
) -> None:
    """Record that ``resource`` (of CloudFormation type ``resource_type``) must allow
    ``statements`` or carry ``tags``; warn on ``scope`` once per resource and ``warning_id``.

    :param kind: One of :class:`~cdk_emr.ops.requirements.Kind`.
    :param resource: What a reader recognises the resource by: its ARN, name or id.
    :param reason: Why, and what happens without it.
    """
    recorder = _recorder(scope)
    records = recorder.records
    key = (kind, f"{scope.node.path}|{resource}")
    record = records.get(key)
    if record is None:
        record = records[key] = _Record(kind, resource_type, resource, scope.node.path, [])
    if reason not in record.reasons:
        record.reasons.append(reason)
        Annotations.of(scope).add_warning_v2(
            warning_id,
            f"{reason} Run `cdk-emr requirements cdk.out` for the exact {kind.replace('-', ' ')} "
            "this resource needs, and have it applied.",
        )
    record.statements.extend(statements or ())
    record.tags.update(tags or {})
    recorder.publish()


def requirements_of(scope: IConstruct) -> list[dict[str, Any]]:
    """The requirements recorded so far in ``scope``'s stack, unresolved (for tests and tools)."""
    found = Stack.of(scope).node.try_find_child(RECORDER_ID)
    return [r.render() for r in found.records.values()] if isinstance(found, _Recorder) else []
