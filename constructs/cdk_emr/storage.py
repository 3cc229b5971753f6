"""Buckets: the cluster's log bucket and data buckets, encrypted, private and retained."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cdk_emr.compliance import acknowledge, skip_checkov
from cdk_emr.typecheck import typed
from cdk_emr.validation import Validator

DAY_SECONDS = 86_400

AWS_DELIVERED_LOGS_PREFIX = "AWSLogs/"
EMR_LOG_PREFIX = "emr-logs/"
"""Where clusters write their logs in the log bucket (the ``LogUri``)."""
DEFAULT_LOG_RETENTION = Duration.days(365)
ACCESS_LOGS_BUCKET_POLICY_FLAG = "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy"


def check_whole_days(v: Validator, prop: str, duration: Duration, lifecycle_field: str) -> None:
    """An S3 lifecycle duration is a whole number of days, at least 1 (S3 API: LifecycleExpiration
    Days and NoncurrentVersionExpiration NoncurrentDays are positive integers)."""
    seconds = duration.to_seconds()
    v.check(
        seconds >= DAY_SECONDS and seconds % DAY_SECONDS == 0,
        prop,
        f"{seconds / DAY_SECONDS:g} days",
        f"whole days, at least 1 (S3 lifecycle {lifecycle_field})",
    )


def check_log_retention(v: Validator, log_retention: Duration) -> None:
    """S3 lifecycle expiration is a whole number of days, at least 1 (S3 API, LifecycleExpiration
    Days: "a non-zero positive integer")."""
    check_whole_days(v, "log_retention", log_retention, "expiration")


def use_bucket_policy_for_access_logs(scope: Construct) -> None:
    """Make buckets created under ``scope`` grant S3 log delivery by bucket policy, not ACL.

    Call before adding children to ``scope``. This keeps ACLs disabled
    (``BUCKET_OWNER_ENFORCED``) on the access-log bucket even in apps whose cdk.json lacks
    the feature flag.
    """
    scope.node.set_context(ACCESS_LOGS_BUCKET_POLICY_FLAG, True)


def access_logs_bucket(scope: Construct, id: str) -> s3.Bucket:
    """The target of S3 server access logs (SSE-S3: S3 cannot deliver access logs to SSE-KMS)."""
    bucket = s3.Bucket(
        scope,
        id,
        encryption=s3.BucketEncryption.S3_MANAGED,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        enforce_ssl=True,
        versioned=True,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        removal_policy=RemovalPolicy.RETAIN,
    )
    skip_checkov(bucket, "CKV_AWS_18", "This bucket is the server-access-log target of the other buckets.")
    for pack in ("HIPAA.Security", "NIST.800.53.R5"):
        acknowledge(
            bucket,
            f"{pack}::{pack}-S3DefaultEncryptionKMS",
            "S3 server access logs can only be delivered to a bucket encrypted with SSE-S3, not SSE-KMS.",
        )
    acknowledge(
        bucket,
        "AwsSolutions::AwsSolutions-S1",
        "This bucket is the server-access-log target of the other buckets; logging it into itself would loop.",
    )
    return bucket


def secure_bucket(
    scope: Construct,
    id: str,
    *,
    encryption_key: kms.IKey,
    server_access_logs_bucket: s3.IBucket,
    server_access_logs_prefix: str,
    lifecycle_rules: list[s3.LifecycleRule] | None = None,
) -> s3.Bucket:
    """A bucket for EMR data or logs: SSE-KMS with a bucket key, TLS only, no public access,
    versioned, access-logged, and retained when the stack is deleted."""
    return s3.Bucket(
        scope,
        id,
        encryption=s3.BucketEncryption.KMS,
        encryption_key=encryption_key,
        bucket_key_enabled=True,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        enforce_ssl=True,
        versioned=True,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        server_access_logs_bucket=server_access_logs_bucket,
        server_access_logs_prefix=server_access_logs_prefix,
        lifecycle_rules=lifecycle_rules,
        removal_policy=RemovalPolicy.RETAIN,
    )


@typed
class EmrLogStorage(Construct):
    """The cluster log bucket (and the bucket receiving its S3 access logs).

    EMR logs under :attr:`log_prefix` and AWS-delivered logs (VPC flow logs, under
    ``AWSLogs/``) expire after ``log_retention``; old object versions after 30 days. Both
    buckets are retained when the stack is deleted. Several clusters can share it: give each
    ``log_bucket=logs.bucket`` (EMR writes under ``<LogUri>/<cluster id>/``).

    Public attributes: ``bucket``, ``access_logs_bucket``, ``log_prefix``, ``encryption_key``.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        encryption_key: kms.IKey | None = None,
        log_retention: Duration = DEFAULT_LOG_RETENTION,
        log_prefix: str = EMR_LOG_PREFIX,
    ) -> None:
        """Create the buckets.

        :param encryption_key: Key of the log bucket (SSE-KMS). Default: a new key from
            :func:`~cdk_emr.encryption.create_emr_key`.
        :param log_retention: Expiry of EMR and AWS-delivered logs. Default: 365 days.
        :param log_prefix: Where clusters write their logs. Default: ``"emr-logs/"``.
        """
        super().__init__(scope, id)
        v = Validator(f"EmrLogStorage {self.node.path}")
        check_log_retention(v, log_retention)
        v.raise_if_any()
        use_bucket_policy_for_access_logs(self)
        if encryption_key is None:
            from cdk_emr.encryption import create_emr_key

            encryption_key = create_emr_key(self, "Key", description="Amazon EMR logs")
        self.encryption_key = encryption_key
        self.log_prefix = log_prefix
        self.access_logs_bucket = access_logs_bucket(self, "AccessLogs")
        self.bucket = secure_bucket(
            self,
            "Bucket",
            encryption_key=encryption_key,
            server_access_logs_bucket=self.access_logs_bucket,
            server_access_logs_prefix="log-bucket/",
            lifecycle_rules=[
                s3.LifecycleRule(prefix=log_prefix, expiration=log_retention),
                s3.LifecycleRule(prefix=AWS_DELIVERED_LOGS_PREFIX, expiration=log_retention),
                s3.LifecycleRule(noncurrent_version_expiration=Duration.days(30)),
            ],
        )
