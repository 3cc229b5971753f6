"""The app's accepted compliance findings, shared by its stacks, each with its reason."""

from __future__ import annotations

from collections.abc import Iterable

from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cdk_emr import EmrSecurityConfiguration, Kerberos
from cdk_emr.compliance import acknowledge
from cdk_emr.security import GeneratedTlsCertificates

PACKS_WITH_REPLICATION_RULE = ("HIPAA.Security", "NIST.800.53.R5")


def accept_single_region_buckets(buckets: Iterable[s3.IBucket]) -> None:
    """The app keeps its buckets in one region (no cross-region replication)."""
    for bucket in buckets:
        for pack in PACKS_WITH_REPLICATION_RULE:
            acknowledge(
                bucket,
                f"{pack}::{pack}-S3BucketReplicationEnabled",
                "Cross-region replication is a disaster-recovery choice with its own cost; the bucket is versioned, "
                "retained on stack deletion and encrypted. Add replication where data needs a second region.",
            )


def security_configuration(
    scope: Construct, *, encryption_key: kms.IKey, certificates_bucket: s3.IBucket, kerberos: Kerberos
) -> tuple[EmrSecurityConfiguration, GeneratedTlsCertificates]:
    """The app's security configuration: at-rest encryption, IMDSv2, ``kerberos``, and in-transit
    TLS with a certificate bundle generated at deploy time into ``certificates_bucket``
    (the log bucket: clusters may only write their log prefix there, so they cannot replace it)."""
    tls = GeneratedTlsCertificates(scope, "Tls", bucket=certificates_bucket)
    configuration = EmrSecurityConfiguration(
        scope, "SecurityConfiguration", encryption_key=encryption_key, tls_certificates=tls.certificates, kerberos=kerberos
    )
    return configuration, tls
