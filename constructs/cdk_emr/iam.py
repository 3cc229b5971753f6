"""IAM for EMR: the service role (v2 policy), the instance role and profile, and grants.

Roles here keep their permissions in a customer-managed policy instead of the inline default
policy that CDK grants create: compliance packs (HIPAA, NIST 800-53) reject inline policies, and
a managed policy is also easier for a reviewer to read in the console.
"""

from __future__ import annotations

from typing import Any

import jsii
from aws_cdk import Annotations, Aspects, Resource, Stack
from aws_cdk import aws_iam as iam
from constructs import Construct, DependencyGroup

from cdk_emr.compliance import AcknowledgeScopedWildcards, acknowledge
from cdk_emr.requirements import Kind, require
from cdk_emr.typecheck import typed
from cdk_emr.validation import invalid

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


def is_immutable(role: iam.IRole) -> bool:
    """Whether aws-cdk-lib drops policy changes to ``role``.

    ``Role.from_role_arn``/``from_role_name`` with ``mutable=False`` (or for a role of another
    account) return an ``ImmutableRole`` with the given id and keep the mutable import beside it
    as ``MutableRole<id>``; ``Role.without_policy_updates()`` names its ``ImmutableRole<id>``
    (aws-cdk-lib ``aws-iam/lib/role.ts``, ``fromRoleArn`` and ``withoutPolicyUpdates``).
    """
    node = role.node
    if node.id.startswith("ImmutableRole"):
        return True
    parent = node.scope
    return parent is not None and parent.node.try_find_child(f"MutableRole{node.id}") is not None


def adopt_role(scope: Construct, id: str, role: iam.IRole) -> iam.IRole:
    """``role`` as the cluster uses it: a :class:`ManagedPolicyRole` as it is, any other role
    through a :class:`BroughtRole` (grants in a customer-managed policy, or reported)."""
    if isinstance(role, ManagedPolicyRole):
        return role
    return BroughtRole(scope, id, role=role, mutable=not is_immutable(role))


@typed
@jsii.implements(iam.IRole)
class BroughtRole(Resource):
    """A role this construct did not create, with its grants never inline and never lost.

    - ``mutable=True`` (a role of the app, or imported with aws-cdk-lib's default
      ``mutable=True``): every grant lands in one customer-managed policy attached to the role
      (:attr:`policy`), as for :class:`ManagedPolicyRole`; the role's own inline default policy
      stays untouched.
    - ``mutable=False`` (``mutable=False`` imports, roles of another account, or the unknown
      role of a brought instance profile, ``role=None``): nothing is attached; each statement
      is recorded for ``cdk-emr requirements`` and the role gets one warning.

    ``role_arn``/``role_name`` of an unknown role (``role=None``) raise ``ValueError``;
    :attr:`arn_or_placeholder` names it in reports.
    """

    def __init__(self, scope: Construct, id: str, *, role: iam.IRole | None, mutable: bool, label: str | None = None) -> None:
        if role is not None:
            super().__init__(scope, id, account=role.env.account, region=role.env.region)
        else:
            super().__init__(scope, id)
        self._role = role
        self._mutable = mutable and role is not None
        self.label = label or (f"IAM role {role.role_name}" if role is not None else f"IAM role {id}")
        """How the requirements report and the warnings name the role (e.g. ``IAM role EMR_DefaultRole_V2``)."""
        self.policy: iam.ManagedPolicy | None = None
        """The customer-managed policy holding the grants of a mutable role (created on the first grant)."""

    # ----- the role's identity --------------------------------------------------------------

    @property
    def role(self) -> iam.IRole | None:
        """The role brought (``None``: the unknown role of a brought instance profile)."""
        return self._role

    @property
    def role_arn(self) -> str:
        return self._known().role_arn

    @property
    def role_name(self) -> str:
        return self._known().role_name

    @property
    def role_ref(self) -> iam.RoleReference:
        return iam.RoleReference(role_arn=self.role_arn, role_name=self.role_name)

    @property
    def assume_role_action(self) -> str:
        return "sts:AssumeRole"

    @property
    def grant_principal(self) -> iam.IPrincipal:
        return self

    @property
    def policy_fragment(self) -> iam.PrincipalPolicyFragment:
        return self._known().policy_fragment

    @property
    def principal_account(self) -> str | None:
        return self._role.principal_account if self._role is not None else Stack.of(self).account

    @property
    def arn_or_placeholder(self) -> str:
        """The role's ARN, or ``<the ARN of the role of instance profile X>`` for an unknown role."""
        return self._role.role_arn if self._role is not None else f"<the ARN of {self.label}>"

    def _known(self) -> iam.IRole:
        if self._role is None:
            raise invalid(
                f"BroughtRole {self.node.path}",
                "role",
                None,
                f"a known role: {self.label} is not known here; pass instance_role= with the instance profile, "
                "or import it with iam.InstanceProfile.from_instance_profile_attributes(role=...)",
            )
        return self._role

    # ----- policies -------------------------------------------------------------------------

    def add_to_principal_policy(self, statement: iam.PolicyStatement) -> iam.AddToPrincipalPolicyResult:
        """Add ``statement`` to :attr:`policy` (mutable) or to the requirements report."""
        if not self._mutable:
            require(
                self,
                kind=Kind.IAM_POLICY,
                resource_type="AWS::IAM::Role",
                resource=self.arn_or_placeholder,
                reason=f"{self.label[0].upper()}{self.label[1:]} is not changed by this app (an immutable import): "
                "the permissions the cluster needs are not granted to it here.",
                warning_id="cdk-emr:roleNotChanged",
                statements=[statement],
            )
            # Reported as added, like aws-cdk-lib's ImmutableRole: no fallback to resource policies.
            return iam.AddToPrincipalPolicyResult(statement_added=True, policy_dependable=DependencyGroup())
        if self.policy is None:
            self.policy = iam.ManagedPolicy(self, "Policy", description=f"Permissions of {self.node.path}", roles=[self._known()])
            Aspects.of(self.policy).add(AcknowledgeScopedWildcards())
        self.policy.add_statements(statement)
        return iam.AddToPrincipalPolicyResult(statement_added=True, policy_dependable=self.policy)

    def add_to_policy(self, statement: iam.PolicyStatement) -> bool:
        return self.add_to_principal_policy(statement).statement_added

    def attach_inline_policy(self, policy: iam.Policy) -> None:
        """Attach ``policy`` to a mutable role; an immutable role only gets a warning."""
        if self._mutable:
            self._known().attach_inline_policy(policy)
        else:
            Annotations.of(self).add_warning_v2(
                "cdk-emr:inlinePolicyIgnored", f"{policy.node.path} is not attached to {self.label} (not changed by this app)."
            )

    def add_managed_policy(self, policy: iam.IManagedPolicy) -> None:
        """Attach ``policy`` to a mutable role; an immutable role only gets a warning."""
        if self._mutable:
            self._known().add_managed_policy(policy)
        else:
            Annotations.of(self).add_warning_v2(
                "cdk-emr:managedPolicyIgnored",
                f"{policy.managed_policy_arn} is not attached to {self.label} (not changed by this app).",
            )

    # ----- grants on the role ---------------------------------------------------------------

    def grant(self, grantee: iam.IPrincipal, *actions: str) -> iam.Grant:
        return iam.Grant.add_to_principal(grantee=grantee, actions=list(actions), resource_arns=[self.role_arn])

    def grant_pass_role(self, grantee: iam.IPrincipal) -> iam.Grant:
        return self.grant(grantee, "iam:PassRole")

    def grant_assume_role(self, grantee: iam.IPrincipal) -> iam.Grant:
        return self.grant(grantee, "sts:AssumeRole")
