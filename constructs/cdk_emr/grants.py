"""Least-privilege grants with explicit actions (no ``s3:Get*``-style action wildcards).

S3 buckets, DynamoDB tables, Kinesis streams and Secrets Manager secrets: each helper grants
the named actions the EMR connectors use, on the resource itself, plus the KMS key actions when
the resource is encrypted with a customer-managed key.

CDK's ``bucket.grant_read`` grants ``s3:GetObject*``, ``s3:GetBucket*`` and ``s3:List*``; EMR
nodes need far less. These helpers grant named actions only, on the bucket and on the objects
matching a key pattern, plus use of the bucket's KMS key when it has one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from cdk_emr.requirements import Kind, require
from cdk_emr.validation import Validator, is_token

S3_BUCKET_READ = ("s3:ListBucket", "s3:GetBucketLocation")
S3_OBJECT_READ = ("s3:GetObject", "s3:GetObjectVersion")
S3_OBJECT_PUT = ("s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts")
S3_OBJECT_WRITE = S3_OBJECT_PUT + ("s3:DeleteObject",)
KMS_DECRYPT = ("kms:Decrypt", "kms:DescribeKey")
KMS_GRANTS_FOR_AWS_RESOURCES = ("kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant")
"""Grant management, allowed only for AWS services acting for the principal: the KMS
Developer Guide's default key policy ("Allows key users to use the KMS key with AWS
services") gives key users these three with ``Bool kms:GrantIsForAWSResource true``."""
GRANT_IS_FOR_AWS_RESOURCE = {"Bool": {"kms:GrantIsForAWSResource": True}}
KMS_ENCRYPT_DECRYPT = (
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:DescribeKey",
)

# AWS Glue database names (Glue Developer Guide, "Database" API: Name, "Single-line string
# pattern"; the Data Catalog stores names in lower case): letters, digits, underscores, 1-255.
GLUE_DATABASE_NAME = re.compile(r"^[a-z0-9_]{1,255}$")


def grant_bucket_read(grantee: iam.IGrantable, bucket: s3.IBucket, objects_key_pattern: str = "*") -> iam.Grant:
    """List ``bucket`` and read the objects matching ``objects_key_pattern``."""
    grant = iam.Grant.add_to_principal(grantee=grantee, actions=list(S3_BUCKET_READ), resource_arns=[bucket.bucket_arn])
    grant = grant.combine(
        iam.Grant.add_to_principal(
            grantee=grantee, actions=list(S3_OBJECT_READ), resource_arns=[bucket.arn_for_objects(objects_key_pattern)]
        )
    )
    if bucket.encryption_key is not None:
        grant = grant.combine(grant_key(grantee, bucket.encryption_key, KMS_DECRYPT))
    return grant


def grant_bucket_write(grantee: iam.IGrantable, bucket: s3.IBucket, objects_key_pattern: str = "*") -> iam.Grant:
    """Write (put, delete, multipart) the objects matching ``objects_key_pattern``."""
    objects = [bucket.arn_for_objects(objects_key_pattern)]
    return grant_on_resources(grantee, S3_OBJECT_WRITE, objects, bucket.encryption_key, KMS_ENCRYPT_DECRYPT)


def grant_bucket_put(grantee: iam.IGrantable, bucket: s3.IBucket, objects_key_pattern: str = "*") -> iam.Grant:
    """Put (and upload in parts) the objects matching ``objects_key_pattern``; never delete.

    For logs: EMR's log pusher only uploads (EMR Management Guide, "Sample policies for private
    subnets that access Amazon S3": ``s3:Put*`` on the log bucket). In a versioned bucket an
    overwrite keeps the previous version, so what a node wrote cannot be destroyed from it.
    """
    objects = [bucket.arn_for_objects(objects_key_pattern)]
    return grant_on_resources(grantee, S3_OBJECT_PUT, objects, bucket.encryption_key, KMS_ENCRYPT_DECRYPT)


def grant_bucket_read_write(grantee: iam.IGrantable, bucket: s3.IBucket, objects_key_pattern: str = "*") -> iam.Grant:
    """Read and write the objects matching ``objects_key_pattern``."""
    return grant_bucket_read(grantee, bucket, objects_key_pattern).combine(
        grant_bucket_write(grantee, bucket, objects_key_pattern)
    )


def grant_key(grantee: iam.IGrantable, key: kms.IKey, actions: tuple[str, ...] = KMS_ENCRYPT_DECRYPT) -> iam.Grant:
    """Use ``key`` for the named actions (granted on the principal; the key policy trusts the account).

    The key policy of an imported key is not changed: the statement it needs (when it does not
    let the account's IAM policies grant its use) is recorded for ``cdk-emr requirements`` and
    the key gets a warning (:func:`require_key_use`).
    """
    if not isinstance(key, kms.Key):
        require_key_use(grantee, key, actions)
    return key.grant(grantee, *actions)


def grant_key_for_aws_resources(grantee: iam.IGrantable, key: kms.IKey) -> iam.Grant:
    """Let ``grantee`` create, list and revoke grants on ``key`` only for AWS resources
    (``kms:GrantIsForAWSResource``): what EC2 needs to attach encrypted EBS volumes for it."""
    if not isinstance(key, kms.Key):
        require_key_use(grantee, key, KMS_GRANTS_FOR_AWS_RESOURCES, conditions=GRANT_IS_FOR_AWS_RESOURCE)
        return iam.Grant.add_to_principal(
            grantee=grantee,
            actions=list(KMS_GRANTS_FOR_AWS_RESOURCES),
            resource_arns=[key.key_arn],
            conditions=GRANT_IS_FOR_AWS_RESOURCE,
        )
    # A key of this app: its key policy names the grantee too (with the same condition), so the
    # grant holds on a key whose policy does not delegate to IAM (EmrKey's least-privilege policy).
    key.add_to_resource_policy(
        iam.PolicyStatement(
            actions=list(KMS_GRANTS_FOR_AWS_RESOURCES),
            principals=[grantee.grant_principal],
            resources=["*"],
            conditions=GRANT_IS_FOR_AWS_RESOURCE,
        )
    )
    return iam.Grant.add_to_principal(
        grantee=grantee,
        actions=list(KMS_GRANTS_FOR_AWS_RESOURCES),
        resource_arns=[key.key_arn],
        conditions=GRANT_IS_FOR_AWS_RESOURCE,
    )


def require_key_use(
    grantee: iam.IGrantable, key: kms.IKey, actions: tuple[str, ...], *, conditions: dict[str, Any] | None = None
) -> None:
    """Record the key-policy statement letting ``grantee`` (a role) use the imported ``key``.

    EMR Release Guide, "Providing keys for at-rest data encryption": a cluster's instance role
    (and, for EBS encryption, its service role) must be a *key user* of the KMS key; a key policy
    that does not delegate to IAM (the default key policy's account statement) must name it.
    """
    principal = grantee.grant_principal
    arn = _role_arn(principal)
    if arn is None:
        return
    require(
        key,
        kind=Kind.KEY_POLICY,
        resource_type="AWS::KMS::Key",
        resource=key.key_arn,
        reason=f"The KMS key {key.node.path} is imported: its key policy is not changed by this app. Unless it lets "
        "IAM policies of this account grant its use, it must name the cluster's roles as key users.",
        warning_id="cdk-emr:keyPolicyNotChanged",
        statements=[
            iam.PolicyStatement(
                principals=[iam.ArnPrincipal(arn)],
                actions=list(actions),
                resources=["*"],
                conditions=conditions,
            )
        ],
    )


def _role_arn(principal: iam.IPrincipal) -> str | None:
    if hasattr(principal, "arn_or_placeholder"):  # a BroughtRole, perhaps the unknown role of an instance profile
        return str(principal.arn_or_placeholder)
    return principal.role_arn if hasattr(principal, "role_arn") else None  # type: ignore[attr-defined]


DYNAMODB_READ = (
    "dynamodb:DescribeTable",
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:ConditionCheckItem",
)
DYNAMODB_WRITE = ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem")
KINESIS_READ = (
    "kinesis:DescribeStream",
    "kinesis:DescribeStreamSummary",
    "kinesis:GetRecords",
    "kinesis:GetShardIterator",
    "kinesis:ListShards",
    "kinesis:SubscribeToShard",
)
KINESIS_WRITE = ("kinesis:DescribeStreamSummary", "kinesis:PutRecord", "kinesis:PutRecords")
SECRET_READ = ("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret")
GLUE_CATALOG_READ = (
    "glue:GetDatabase",
    "glue:GetDatabases",
    "glue:GetTable",
    "glue:GetTables",
    "glue:GetPartition",
    "glue:GetPartitions",
    "glue:BatchGetPartition",
    "glue:GetUserDefinedFunction",
    "glue:GetUserDefinedFunctions",
)
"""What Hive, Spark and Trino's Glue Data Catalog clients call to read the metastore."""
GLUE_CATALOG_WRITE = (
    "glue:CreateDatabase",
    "glue:CreateTable",
    "glue:UpdateTable",
    "glue:DeleteTable",
    "glue:CreatePartition",
    "glue:BatchCreatePartition",
    "glue:UpdatePartition",
    "glue:DeletePartition",
    "glue:BatchDeletePartition",
)
"""What they call to create, change and drop tables and partitions (``DeleteDatabase`` never)."""
GLUE_CATALOG = GLUE_CATALOG_READ + GLUE_CATALOG_WRITE
"""Everything a database's owner needs (the metastore API of Hive, Spark and Trino)."""
GLUE_SHARED_DATABASES = ("*", "default")
"""Names no cluster may write: every database, and ``default``, which every cluster of the
account shares (Spark and Hive create unqualified tables there)."""


class GlueAccess(StrEnum):
    """How much of a Glue database a principal gets (:func:`grant_glue_databases`)."""

    READ = "READ"
    """Databases, tables, partitions and functions: ``Get*`` and ``BatchGetPartition`` only."""
    READ_WRITE = "READ_WRITE"
    """Also create, update and drop tables and partitions (and create the database): for the
    databases a cluster or team owns, never ``default`` or ``*``."""


def check_glue_databases(v: Validator, database_names: Sequence[str], access: GlueAccess) -> None:
    """Record on ``v`` each database name Glue refuses, and write access to a shared database."""
    v.check(len(database_names) > 0, "database_names", [], "at least one database name, or '*' for all")
    for i, name in enumerate(database_names):
        if is_token(name):
            continue
        v.check(
            name == "*" or GLUE_DATABASE_NAME.match(name) is not None,
            f"database_names[{i}]",
            name,
            "a Glue database name (1 to 255 lower-case letters, digits or underscores) or '*'",
        )
        if access == GlueAccess.READ_WRITE:
            v.check(
                name not in GLUE_SHARED_DATABASES,
                f"database_names[{i}]",
                name,
                "a database this cluster or team owns for access=GlueAccess.READ_WRITE: 'default' and '*' are "
                "shared by every cluster of the account (grant them with GlueAccess.READ)",
            )


def glue_database_arns(scope: Construct, database_names: Sequence[str]) -> list[str]:
    """The catalog, and each database with its tables and functions (Glue Developer Guide,
    "Specifying AWS Glue resource ARNs": a table call is authorized on the catalog, the
    database and the table)."""
    stack = Stack.of(scope)
    arns = [stack.format_arn(service="glue", resource="catalog")]
    for name in database_names:
        arns.append(stack.format_arn(service="glue", resource="database", resource_name=name))
        arns.append(stack.format_arn(service="glue", resource="table", resource_name=f"{name}/*"))
        arns.append(stack.format_arn(service="glue", resource="userDefinedFunction", resource_name=f"{name}/*"))
    return arns


def grant_glue_databases(
    grantee: iam.IGrantable,
    *,
    database_names: Sequence[str],
    access: GlueAccess = GlueAccess.READ,
    scope: Construct | None = None,
    owner: str = "grant_glue_databases",
) -> iam.Grant:
    """Let ``grantee`` use the Glue Data Catalog as its metastore for ``database_names``.

    ``access=GlueAccess.READ`` (the default) reads them; ``GlueAccess.READ_WRITE`` also creates,
    changes and drops their tables and partitions, and is refused for ``default`` and ``*``
    (an :class:`~cdk_emr.validation.EmrValidationError`). Runtime roles of a team get the
    same grant as an instance role.

    :param scope: Where the ARNs' account and region come from. Default: ``grantee`` (a construct).
    """
    v = Validator(owner)
    check_glue_databases(v, database_names, access)
    where = scope if scope is not None else grantee
    v.check(isinstance(where, Construct), "scope", None, "a construct for the ARNs' account and region (the grantee is not one)")
    v.raise_if_any()
    assert isinstance(where, Construct)
    actions = GLUE_CATALOG_READ + (GLUE_CATALOG_WRITE if access == GlueAccess.READ_WRITE else ())
    return iam.Grant.add_to_principal(
        grantee=grantee, actions=list(actions), resource_arns=glue_database_arns(where, database_names)
    )


def grant_on_resources(
    grantee: iam.IGrantable,
    actions: tuple[str, ...],
    resource_arns: list[str],
    key: kms.IKey | None,
    key_actions: tuple[str, ...],
) -> iam.Grant:
    """``actions`` on ``resource_arns``, plus ``key_actions`` on ``key`` when the resource is encrypted with one."""
    grant = iam.Grant.add_to_principal(grantee=grantee, actions=list(actions), resource_arns=resource_arns)
    if key is not None:
        grant = grant.combine(grant_key(grantee, key, key_actions))
    return grant


def grant_table(grantee: iam.IGrantable, table: dynamodb.ITable, *, write: bool) -> iam.Grant:
    """Read (and with ``write``, write) items of ``table`` and its indexes."""
    actions = DYNAMODB_READ + (DYNAMODB_WRITE if write else ())
    arns = [table.table_arn, f"{table.table_arn}/index/*"]
    return grant_on_resources(grantee, actions, arns, table.encryption_key, KMS_ENCRYPT_DECRYPT if write else KMS_DECRYPT)


def grant_stream(grantee: iam.IGrantable, stream: kinesis.IStream, *, write: bool) -> iam.Grant:
    """Consume (or, with ``write``, produce to) ``stream``."""
    actions = KINESIS_WRITE if write else KINESIS_READ
    return grant_on_resources(
        grantee, actions, [stream.stream_arn], stream.encryption_key, KMS_ENCRYPT_DECRYPT if write else KMS_DECRYPT
    )


def grant_secret(grantee: iam.IGrantable, secret: secretsmanager.ISecret) -> iam.Grant:
    """Read ``secret``'s value (e.g. RDS or Redshift credentials)."""
    return grant_on_resources(grantee, SECRET_READ, [secret.secret_arn], secret.encryption_key, KMS_DECRYPT)
