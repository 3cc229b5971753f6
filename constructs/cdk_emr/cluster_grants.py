"""The grants of a cluster, built or imported: each names its actions and adds the resource's key.

Grants go to the cluster's EC2 instance role (``instance_role``); ``grant_add_steps`` lets another
principal submit steps to the cluster (``cluster_arn``).
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager

from cdk_emr.grants import (
    GlueAccess,
    grant_bucket_read,
    grant_bucket_read_write,
    grant_glue_databases,
    grant_secret,
    grant_stream,
    grant_table,
)
from cdk_emr.typecheck import typed
from cdk_emr.validation import invalid


@typed
class ClusterGrants:
    """``grant_*`` for :class:`~cdk_emr.cluster.EmrCluster` and imported clusters alike."""

    instance_role: iam.IRole | None
    cluster_arn: str

    def _grantee(self, method: str) -> iam.IRole:
        if self.instance_role is None:
            raise invalid(
                type(self).__name__,
                "instance_role",
                None,
                f"{method} grants to the instance role: import it with instance_role=...",
            )
        return self.instance_role

    def grant_read_data(self, bucket: s3.IBucket, objects_key_pattern: str = "*") -> iam.Grant:
        """Let the cluster's nodes list ``bucket`` and read matching objects (and decrypt them)."""
        return grant_bucket_read(self._grantee("grant_read_data"), bucket, objects_key_pattern)

    def grant_read_write_data(self, bucket: s3.IBucket, objects_key_pattern: str = "*") -> iam.Grant:
        """Let the cluster's nodes read and write matching objects of ``bucket`` (and use its key)."""
        return grant_bucket_read_write(self._grantee("grant_read_write_data"), bucket, objects_key_pattern)

    def grant_dynamodb(self, table: dynamodb.ITable, *, write: bool = False) -> iam.Grant:
        """Let the nodes read (and with ``write``, write) ``table`` (the EMR DynamoDB connector)."""
        return grant_table(self._grantee("grant_dynamodb"), table, write=write)

    def grant_kinesis(self, stream: kinesis.IStream, *, write: bool = False) -> iam.Grant:
        """Let the nodes consume (or, with ``write``, produce to) ``stream`` (Spark/Flink connectors)."""
        return grant_stream(self._grantee("grant_kinesis"), stream, write=write)

    def grant_secret_read(self, secret: secretsmanager.ISecret) -> iam.Grant:
        """Let the nodes read ``secret`` (e.g. JDBC credentials of RDS or Redshift)."""
        return grant_secret(self._grantee("grant_secret_read"), secret)

    def grant_glue_catalog(self, *, database_names: Sequence[str] = ("*",), access: GlueAccess = GlueAccess.READ) -> iam.Grant:
        """Let the nodes use the Glue Data Catalog as their metastore for the named databases.

        :param database_names: Glue databases, or ``"*"`` for all. Default: all.
        :param access: ``GlueAccess.READ`` (default: get databases, tables, partitions and
            functions) or ``GlueAccess.READ_WRITE`` (also create, update and drop tables and
            partitions), which is refused for ``default`` and ``"*"``: write only the databases
            this cluster owns.
        """
        return grant_glue_databases(
            self._grantee("grant_glue_catalog"),
            database_names=database_names,
            access=access,
            scope=self,  # type: ignore[arg-type]
            owner=f"{type(self).__name__}.grant_glue_catalog",
        )

    def grant_add_steps(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` submit, list, describe and cancel steps on this cluster."""
        return iam.Grant.add_to_principal(
            grantee=grantee,
            actions=[
                "elasticmapreduce:AddJobFlowSteps",
                "elasticmapreduce:CancelSteps",
                "elasticmapreduce:DescribeStep",
                "elasticmapreduce:ListSteps",
                "elasticmapreduce:DescribeCluster",
            ],
            resource_arns=[self.cluster_arn],
        )
