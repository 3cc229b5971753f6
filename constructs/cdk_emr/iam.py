"""IAM for EMR: the service role (v2 policy), the instance role and profile, and grants.

Roles here keep their permissions in a customer-managed policy instead of the inline default
policy that CDK grants create: compliance packs (HIPAA, NIST 800-53) reject inline policies, and
a managed policy is also easier for a reviewer to read in the console.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import Aspects, Stack
from aws_cdk import aws_iam as iam
from constructs import Construct

from cdk_emr.compliance import AcknowledgeScopedWildcards, acknowledge
from cdk_emr.typecheck import typed

EMR_MANAGED_POLICY_TAG = "for-use-with-amazon-emr-managed-policies"
"""Resources the v2 service policy may act on must carry this tag with the value ``true``."""


@typed
class ManagedPolicyRole(iam.Role):
    """An ``iam.Role`` whose grants land in one customer-managed policy, never inline.

    ``bucket.grant_read(role)`` and every other CDK grant call ``add_to_principal_policy``;
    this role routes those statements to :attr:`policy`.
    """

    def __init__(self, scope: Construct, id: str, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        self.policy = iam.ManagedPolicy(self, "Policy", description=f"Permissions of {self.node.path}")
        self.policy.attach_to_role(self)
        Aspects.of(self.policy).add(AcknowledgeScopedWildcards())

    def add_to_principal_policy(self, statement: iam.PolicyStatement) -> iam.AddToPrincipalPolicyResult:
        """Add ``statement`` to the role's managed policy (used by every ``grant_*``)."""
        self.policy.add_statements(statement)
        return iam.AddToPrincipalPolicyResult(statement_added=True, policy_dependable=self.policy)


@typed
class EmrServiceRole(ManagedPolicyRole):
    """The EMR service role, on the AWS managed ``AmazonEMRServicePolicy_v2``.

    The v2 policy only acts on resources tagged ``for-use-with-amazon-emr-managed-policies=true``;
    :class:`~cdk_emr.network.EmrNetwork` and the cluster's security groups carry that tag.
    Trust is limited to EMR acting for this account (``aws:SourceAccount``).
    """

    def __init__(self, scope: Construct, id: str) -> None:
        account = Stack.of(scope).account
        super().__init__(
            scope,
            id,
            assumed_by=iam.ServicePrincipal(
                "elasticmapreduce.amazonaws.com",
                conditions={"StringEquals": {"aws:SourceAccount": account}},
            ),
            managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AmazonEMRServicePolicy_v2")],
            description="Amazon EMR service role (AmazonEMRServicePolicy_v2)",
        )
        acknowledge(
            self,
            "AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2]",
            "AmazonEMRServicePolicy_v2 is the service policy AWS requires for EMR; it acts only on resources "
            "tagged for-use-with-amazon-emr-managed-policies=true.",
        )


@typed
class EmrInstanceRole(ManagedPolicyRole):
    """The role of the cluster's EC2 instances, with its instance profile.

    It starts with no permissions at all: the cluster grants exactly what it needs (its log
    prefix, its scripts, its KMS key), and users add data access with the cluster's
    ``grant_*`` helpers.
    """

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(
            scope,
            id,
            assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
            description="Amazon EMR EC2 instance role (least privilege)",
        )
        self.instance_profile = iam.CfnInstanceProfile(self, "InstanceProfile", roles=[self.role_name])


def instance_profile_for(scope: Construct, id: str, role: iam.IRole) -> iam.CfnInstanceProfile:
    """An instance profile for a role the user brought."""
    return iam.CfnInstanceProfile(scope, id, roles=[role.role_name])
