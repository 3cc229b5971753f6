"""Bringing an existing network: EMR-managed security groups you created, and the EMR tag on
subnets and groups this app may not tag itself.

``AmazonEMRServicePolicy_v2`` acts only on resources tagged
``for-use-with-amazon-emr-managed-policies=true`` (EMR Management Guide, "Service role for
Amazon EMR (EMR role)"): the cluster's subnets and security groups must carry that tag. Those
defined in the app are tagged here; imported ones cannot be, so each gets a warning and a
``tags`` requirement in the ``cdk-emr requirements`` report.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from cdk_emr.iam import EMR_MANAGED_POLICY_TAG
from cdk_emr.network import EmrSecurityGroups, tag_for_emr
from cdk_emr.requirements import Kind, require
from cdk_emr.typecheck import typed

EMR_TAGS = {EMR_MANAGED_POLICY_TAG: "true"}


@typed
@dataclass(frozen=True)
class ExistingSecurityGroups:
    """The three EMR-managed security groups of a cluster, created outside this construct.

    EMR adds the rules it needs between them at launch (EMR Management Guide, "Working with
    Amazon EMR-managed security groups"); they must be in the cluster's VPC, be used only by
    EMR, and carry the ``for-use-with-amazon-emr-managed-policies=true`` tag.

    :param primary: The primary node(s)' group (``EmrManagedMasterSecurityGroup``).
    :param core: The core and task nodes' group (``EmrManagedSlaveSecurityGroup``).
    :param service_access: The service-access group private subnets need (``ServiceAccessSecurityGroup``).
    """

    primary: ec2.ISecurityGroup
    core: ec2.ISecurityGroup
    service_access: ec2.ISecurityGroup


class BroughtSecurityGroups(EmrSecurityGroups):
    """:class:`~cdk_emr.network.EmrSecurityGroups` made of groups you bring (nothing is created
    but the extra rules of :meth:`allow`); groups of the app are tagged, imported ones reported."""

    def __init__(self, scope: Construct, id: str, *, groups: ExistingSecurityGroups) -> None:
        Construct.__init__(self, scope, id)  # the parent's constructor would create three groups
        self.primary = groups.primary
        self.core = groups.core
        self.service_access = groups.service_access
        self.rules = Construct(self, "Rules")
        for group in (self.primary, self.core, self.service_access):
            require_emr_tag(group, "AWS::EC2::SecurityGroup", group.security_group_id)


def require_emr_tag(resource: Construct, resource_type: str, name: str) -> None:
    """Tag ``resource`` for ``AmazonEMRServicePolicy_v2`` if the app defines it, else record
    that it must carry the tag (with a warning)."""
    if isinstance(resource, (ec2.SecurityGroup, ec2.Subnet)):
        tag_for_emr(resource)
        return
    require(
        resource,
        kind=Kind.TAGS,
        resource_type=resource_type,
        resource=name,
        reason=f"{resource.node.path} is imported, so it cannot be tagged here: AmazonEMRServicePolicy_v2 acts only "
        f"on resources tagged {EMR_MANAGED_POLICY_TAG}=true, and EMR cannot launch the cluster's instances without it.",
        warning_id="cdk-emr:emrTagMissing",
        tags=dict(EMR_TAGS),
    )


def require_subnet_tags(subnets: list[ec2.ISubnet]) -> None:
    """The EMR tag on every subnet of the cluster (tagged here when the app defines it)."""
    for subnet in subnets:
        require_emr_tag(subnet, "AWS::EC2::Subnet", subnet.subnet_id)
