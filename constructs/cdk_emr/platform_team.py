"""A team of an :class:`~cdk_emr.platform.EmrPlatform`: its runtime role, data, databases, key and budget.

EMR Management Guide, "Runtime roles for Amazon EMR steps"
(https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-steps-runtime-roles.html): a step
submitted with a runtime role (``ExecutionRoleArn``) "can only access AWS resources that the
policies attached to the runtime role allow"; it "can't access the Instance Metadata Service ...
or use the EC2 instance profile of the cluster". The runtime role must trust the cluster's EC2
instance profile role for ``sts:AssumeRole`` and ``sts:TagSession`` (and ``sts:SetSourceIdentity``
when the security configuration propagates the source identity).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cdk_emr.compliance import acknowledge
from cdk_emr.encryption import EmrKey, KeyPurpose
from cdk_emr.grants import (
    GLUE_CATALOG,
    GLUE_DATABASE_NAME,
    KMS_ENCRYPT_DECRYPT,
    S3_OBJECT_READ,
    S3_OBJECT_WRITE,
    glue_database_arns,
)
from cdk_emr.iam import ManagedPolicyRole
from cdk_emr.ops.team_cost import SHARED
from cdk_emr.typecheck import typed
from cdk_emr.validation import Validator

# Team names become IAM role descriptions, S3 prefixes, tag values and construct ids.
TEAM_NAME = re.compile(r"^[a-z][a-z0-9-]{0,31}$")
TEAM_TAG = "cdk-emr:team"
"""The tag (and template metadata key) naming the team a cluster belongs to."""
DEFAULT_GLUE_DATABASES_READ = ("default",)
"""Databases a runtime role may only read (``glue:GetDatabase``): Spark and Hive's Glue catalog
client looks up ``default`` when a session starts."""
GLUE_READ_DATABASE = ("glue:GetDatabase", "glue:GetDatabases")
LAKE_FORMATION_DATA_ACCESS = "lakeformation:GetDataAccess"


def check_team(
    v: Validator,
    *,
    name: str,
    data_prefixes: Sequence[str],
    glue_databases: Sequence[str],
    max_hourly_usd: float | None,
    allowed_instance_families: Sequence[str] | None,
) -> None:
    """A team's settings: a short lower-case name, prefixes, databases it owns (never ``default``), a positive budget."""
    v.check(TEAM_NAME.match(name) is not None, "name", name, "1 to 32 lower-case letters, digits or '-', starting with a letter")
    v.check(len(data_prefixes) > 0, "data", [], "at least one S3 key prefix in the platform's data bucket")
    for i, prefix in enumerate(data_prefixes):
        v.check(
            prefix.endswith("/") and not prefix.startswith("/") and "*" not in prefix and len(prefix) > 1,
            f"data[{i}]",
            prefix,
            "a key prefix ending in '/', without '*' and not starting with '/', e.g. 'teams/analytics/'",
        )
    for i, database in enumerate(glue_databases):
        v.check(
            GLUE_DATABASE_NAME.match(database) is not None and database != "default",
            f"glue_databases[{i}]",
            database,
            "a Glue database name the team owns (lower-case letters, digits, '_'); not 'default', which every team shares",
        )
    if max_hourly_usd is not None:
        v.check(max_hourly_usd > 0, "max_hourly_usd", max_hourly_usd, "a budget above 0 USD per hour")
    if allowed_instance_families is not None:
        v.check(len(allowed_instance_families) > 0, "allowed_instance_families", [], "at least one family, e.g. ['m7g']")


@typed
class EmrTeam(Construct):
    """One team: a runtime role scoped to its prefixes, Glue databases and key; its budget and families.

    Public attributes: ``name``, ``runtime_role``, ``key`` (the team's data key: EMRFS encrypts
    what the team's clusters write with it), ``data_prefixes``, ``glue_databases``,
    ``max_hourly_usd``, ``allowed_instance_families``, ``tags``, ``clusters``.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        instance_role: iam.IRole,
        data_bucket: s3.IBucket,
        shared_data_key: EmrKey,
        data_prefixes: Sequence[str],
        glue_databases: Sequence[str] = (),
        max_hourly_usd: float | None = None,
        allowed_instance_families: Sequence[str] | None = None,
        tags: Mapping[str, str] | None = None,
        propagate_source_identity: bool = False,
        lake_formation: bool = False,
    ) -> None:
        """Create the team's key and runtime role (use :meth:`cdk_emr.platform.EmrPlatform.add_team`)."""
        v = Validator(f"EmrTeam {scope.node.path}/{id}")
        check_team(
            v,
            name=name,
            data_prefixes=data_prefixes,
            glue_databases=glue_databases,
            max_hourly_usd=max_hourly_usd,
            allowed_instance_families=allowed_instance_families,
        )
        v.raise_if_any()
        super().__init__(scope, id)
        self.name = name
        self.data_prefixes = tuple(data_prefixes)
        self.glue_databases = tuple(glue_databases)
        self.max_hourly_usd = max_hourly_usd
        self.allowed_instance_families = tuple(allowed_instance_families) if allowed_instance_families is not None else None
        self.tags = {**(tags or {}), TEAM_TAG: name}
        self.clusters: list[Construct] = []
        self.key = EmrKey(self, "Key", purpose=KeyPurpose.DATA, description=f"Team {name}: data its jobs write (EMRFS)")
        trust = ["sts:AssumeRole", "sts:TagSession"] + (["sts:SetSourceIdentity"] if propagate_source_identity else [])
        self.runtime_role = ManagedPolicyRole(
            self,
            "RuntimeRole",
            assumed_by=iam.ArnPrincipal(instance_role.role_arn),
            description=f"EMR runtime role of team {name} (steps run as this role)",
        )
        self.runtime_role.assume_role_policy.add_statements(  # type: ignore[union-attr]
            iam.PolicyStatement(principals=[iam.ArnPrincipal(instance_role.role_arn)], actions=trust[1:])
        )
        iam.Grant.add_to_principal(grantee=instance_role, actions=trust, resource_arns=[self.runtime_role.role_arn])
        self._grant_data(data_bucket)
        self._grant_glue()
        for key in (self.key, shared_data_key):
            key.grant(self.runtime_role, *KMS_ENCRYPT_DECRYPT)
        if lake_formation:
            self._grant_lake_formation()

    def grant_submit_steps(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` run steps as this team's runtime role on the team's and the shared clusters.

        Service Authorization Reference, Amazon EMR: ``AddJobFlowSteps`` acts on a ``cluster`` and
        takes the condition keys ``elasticmapreduce:ExecutionRoleArn`` and ``aws:ResourceTag/...``.
        So: ``AddJobFlowSteps`` only with ``ExecutionRoleArn`` = :attr:`runtime_role` (a step without a
        runtime role, or with another team's, is refused), and following or cancelling steps, on
        clusters tagged ``cdk-emr:team`` = this team or ``shared``.
        """
        clusters = [Stack.of(self).format_arn(service="elasticmapreduce", resource="cluster", resource_name="*")]
        on_team_clusters = {f"aws:ResourceTag/{TEAM_TAG}": [self.name, SHARED]}
        grant = iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["elasticmapreduce:AddJobFlowSteps"],
            resource_arns=clusters,
            conditions={"StringEquals": {**on_team_clusters, "elasticmapreduce:ExecutionRoleArn": self.runtime_role.role_arn}},
        )
        return grant.combine(
            iam.Grant.add_to_principal(
                grantee=grantee,
                actions=[
                    "elasticmapreduce:DescribeCluster",
                    "elasticmapreduce:DescribeStep",
                    "elasticmapreduce:ListSteps",
                    "elasticmapreduce:CancelSteps",
                ],
                resource_arns=clusters,
                conditions={"StringEquals": on_team_clusters},
            )
        )

    def _grant_data(self, bucket: s3.IBucket) -> None:
        """List only under the team's prefixes; read and write the objects there."""
        patterns = [f"{prefix}*" for prefix in self.data_prefixes]
        self.runtime_role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["s3:ListBucket"],
                resources=[bucket.bucket_arn],
                conditions={"StringLike": {"s3:prefix": patterns}},
            )
        )
        self.runtime_role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["s3:GetBucketLocation"],
                resources=[bucket.bucket_arn],
            )
        )
        self.runtime_role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=[*S3_OBJECT_READ, *S3_OBJECT_WRITE],
                resources=[bucket.arn_for_objects(p) for p in patterns],
            )
        )

    def _grant_glue(self) -> None:
        """The metastore API on the team's own databases; only a look-up of ``default``."""
        stack = Stack.of(self)
        catalog = stack.format_arn(service="glue", resource="catalog")
        read_only = [stack.format_arn(service="glue", resource="database", resource_name=d) for d in DEFAULT_GLUE_DATABASES_READ]
        self.runtime_role.add_to_principal_policy(
            iam.PolicyStatement(actions=list(GLUE_READ_DATABASE), resources=[catalog, *read_only])
        )
        if not self.glue_databases:
            return
        owned = glue_database_arns(self, self.glue_databases)
        self.runtime_role.add_to_principal_policy(iam.PolicyStatement(actions=list(GLUE_CATALOG), resources=owned))

    def _grant_lake_formation(self) -> None:
        """Lake Formation vends the table's data credentials (EMR Management Guide, "Integrate
        Amazon EMR with AWS Lake Formation": the runtime role needs ``lakeformation:GetDataAccess``)."""
        self.runtime_role.add_to_principal_policy(iam.PolicyStatement(actions=[LAKE_FORMATION_DATA_ACCESS], resources=["*"]))
        acknowledge(
            self.runtime_role.policy,
            "AwsSolutions::AwsSolutions-IAM5[Resource::*]",
            "lakeformation:GetDataAccess has no resource type (Service Authorization Reference, AWS Lake Formation): "
            "Lake Formation's own grants decide which tables the role reads.",
        )
