"""Security groups in the local AWS as EC2 deletes them, and a stack delete that fails as on AWS.

EMR adds rules to the EMR-managed security groups at launch that make them reference each
other. moto 5.2.5 models those rules already: a cluster with a subnet goes through
``moto.emr.utils.EmrSecurityGroupManager``, which adds to the primary and core/task groups all
TCP, UDP and ICMP from both groups and TCP 8443 from the service-access group, to the
service-access group TCP 9443 from the primary group and outbound TCP 8443 to both, the rules
the EMR Management Guide lists for private subnets ("Working with Amazon EMR-managed security
groups"; the test of this module checks them against that list). What moto lacks, patched in
by :func:`patches` (installed with :mod:`cdk_emr.local.cloudformation_lifecycle`):

* ``DeleteSecurityGroup`` of a group that a rule of *another* group still references fails
  with EC2's ``DependencyViolation`` ("resource sg-... has a dependent object"); moto deleted
  it and left the rule dangling. A group's rules that reference itself do not count.
* A stack whose delete fails stays, ``DELETE_FAILED``, with CloudFormation's reason ("The
  following resource(s) failed to delete: [...]") and a ``DELETE_FAILED`` event for the
  resource the error names; ``DeleteStack`` itself succeeds, as on AWS, and a second
  ``DeleteStack`` retries. moto answered ``DeleteStack`` with the resource's error and lost the
  stack.
"""

from __future__ import annotations

from typing import Any

#: EC2's error when a group is still referenced (EC2 API Reference, "Error codes": the
#: message is "resource <id> has a dependent object").
DEPENDENCY_VIOLATION = "DependencyViolation"


def referencing_groups(backend: Any, group_id: str) -> list[str]:
    """Ids of the groups of ``backend`` (one account and region) with a rule, inbound or
    outbound, whose peer is ``group_id``; the group itself is not counted."""
    found = []
    for groups in backend.groups.values():
        for group in groups.values():
            if group.id == group_id:
                continue
            rules = [*group.ingress_rules, *group.egress_rules]
            if any(rule.source_group.get("GroupId") == group_id for rule in rules):
                found.append(group.id)
    return found


def _refusing_delete_of_referenced_groups(original: Any) -> Any:
    def delete_security_group(self: Any, name: str | None = None, group_id: str | None = None) -> None:
        from moto.ec2.exceptions import DependencyViolationError

        group = self.get_security_group_from_id(group_id) if group_id else None
        if group is None and name:
            group = self.get_security_group_by_name_or_id(name)
        if group is not None and referencing_groups(self, group.id):
            raise DependencyViolationError(f"resource {group.id} has a dependent object")
        return original(self, name=name, group_id=group_id)

    return delete_security_group


def _keeping_stacks_whose_delete_failed(original: Any) -> Any:
    def delete_stack(self: Any, name_or_stack_id: str) -> None:
        stack = next((s for s in self.stacks.values() if name_or_stack_id in (s.name, s.stack_id)), None)
        try:
            original(self, name_or_stack_id)
        except Exception as error:
            if stack is None:
                raise
            _mark_delete_failed(self, stack, error)

    return delete_stack


def _mark_delete_failed(backend: Any, stack: Any, error: Exception) -> None:
    """Keep ``stack`` as CloudFormation does after a failed delete: DELETE_FAILED, with events."""
    from moto.cloudformation.models import Event

    resources = stack.resource_map
    remaining = sorted(
        logical_id
        for logical_id, resource_json in resources._resource_json_map.items()
        if logical_id in resources._parsed_resources and resource_json.get("DeletionPolicy") != "Retain"
    )
    code = str(getattr(error, "code", "") or getattr(error, "error_type", "") or type(error).__name__)
    message = str(getattr(error, "message", "") or error)
    for logical_id in remaining:
        resource = resources._parsed_resources[logical_id]
        physical_id = str(getattr(resource, "physical_resource_id", "") or "")
        if physical_id and physical_id in message:
            stack.events.append(
                Event(
                    stack_id=stack.stack_id,
                    stack_name=stack.name,
                    logical_resource_id=logical_id,
                    physical_resource_id=physical_id,
                    resource_type=resources._resource_json_map[logical_id].get("Type"),
                    resource_status="DELETE_FAILED",
                    resource_status_reason=f"{message} (Service: Ec2, Status Code: 400, Error Code: {code})",
                    resource_properties=None,
                )
            )
    reason = f"The following resource(s) failed to delete: [{', '.join(remaining)}]. "
    stack._add_stack_event("DELETE_FAILED", resource_status_reason=reason)
    stack.status = "DELETE_FAILED"
    stack.stack_status_reason = reason
    backend.stacks[stack.stack_id] = stack


def patches() -> list[tuple[Any, str, Any]]:
    """``(owner, name, replacement)`` for :mod:`cdk_emr.local.cloudformation_lifecycle` to install."""
    from moto.cloudformation.models import CloudFormationBackend
    from moto.ec2.models.security_groups import SecurityGroupBackend

    return [
        (
            SecurityGroupBackend,
            "delete_security_group",
            _refusing_delete_of_referenced_groups(SecurityGroupBackend.__dict__["delete_security_group"]),
        ),
        (
            CloudFormationBackend,
            "delete_stack",
            _keeping_stacks_whose_delete_failed(CloudFormationBackend.__dict__["delete_stack"]),
        ),
    ]
