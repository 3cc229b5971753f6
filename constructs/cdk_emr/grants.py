"""Least-privilege grants with explicit actions (no ``s3:Get*``-style action wildcards).

CDK's ``bucket.grant_read`` grants ``s3:GetObject*``, ``s3:GetBucket*`` and ``s3:List*``; EMR
nodes need far less. These helpers grant named actions only, on the bucket and on the objects
matching a key pattern, plus use of the bucket's KMS key when it has one.
"""

from __future__ import annotations

from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3

S3_BUCKET_READ = ("s3:ListBucket", "s3:GetBucketLocation")
S3_OBJECT_READ = ("s3:GetObject", "s3:GetObjectVersion")
S3_OBJECT_WRITE = ("s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts")
KMS_DECRYPT = ("kms:Decrypt", "kms:DescribeKey")
KMS_ENCRYPT_DECRYPT = (
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:DescribeKey",
)


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
    grant = iam.Grant.add_to_principal(
        grantee=grantee, actions=list(S3_OBJECT_WRITE), resource_arns=[bucket.arn_for_objects(objects_key_pattern)]
    )
    if bucket.encryption_key is not None:
        grant = grant.combine(grant_key(grantee, bucket.encryption_key, KMS_ENCRYPT_DECRYPT))
    return grant


def grant_bucket_read_write(grantee: iam.IGrantable, bucket: s3.IBucket, objects_key_pattern: str = "*") -> iam.Grant:
    """Read and write the objects matching ``objects_key_pattern``."""
    return grant_bucket_read(grantee, bucket, objects_key_pattern).combine(
        grant_bucket_write(grantee, bucket, objects_key_pattern)
    )


def grant_key(grantee: iam.IGrantable, key: kms.IKey, actions: tuple[str, ...] = KMS_ENCRYPT_DECRYPT) -> iam.Grant:
    """Use ``key`` for the named actions (granted on the principal; the key policy trusts the account)."""
    return key.grant(grantee, *actions)
