"""Security groups in the local AWS as EC2 deletes them: a group still referenced stays.

EMR adds rules to the EMR-managed security groups at launch that make them reference each
other. moto 5.2.5 models those rules already: a cluster with a subnet goes through
``moto.emr.utils.EmrSecurityGroupManager``, which adds to the primary and core/task groups all
TCP, UDP and ICMP from both groups and TCP 8443 from the service-access group, to the
service-access group TCP 9443 from the primary group and outbound TCP 8443 to both, the rules
the EMR Management Guide lists for private subnets ("Working with Amazon EMR-managed security
groups"; :mod:`cdk_emr.facts.security_groups`; the test of this module checks them against
that list). What moto lacks, patched in
by :func:`patches` (installed with :mod:`cdk_emr.local.cloudformation_lifecycle`):
``DeleteSecurityGroup`` of a group that a rule of *another* group still references fails
with EC2's ``DependencyViolation`` ("resource sg-... has a dependent object"); moto deleted
it and left the rule dangling. A group's rules that reference itself do not count.

A stack whose delete fails on such a group ends ``DELETE_FAILED`` as on AWS: see
:mod:`cdk_emr.local.stack_deletion`.
"""

from __future__ import annotations

from typing import Any


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
            # EC2's error for a group still referenced (EC2 API Reference, "Error codes")
            raise DependencyViolationError(f"resource {group.id} has a dependent object")
        return original(self, name=name, group_id=group_id)

    return delete_security_group


def patches() -> list[tuple[Any, str, Any]]:
    """``(owner, name, replacement)`` for :mod:`cdk_emr.local.cloudformation_lifecycle` to install."""
    from moto.ec2.models.security_groups import SecurityGroupBackend

    return [
        (
            SecurityGroupBackend,
            "delete_security_group",
            _refusing_delete_of_referenced_groups(SecurityGroupBackend.__dict__["delete_security_group"]),
        ),
    ]
