"""The app's accepted compliance findings, shared by its stacks, each with its reason."""

from __future__ import annotations

from collections.abc import Iterable

from aws_cdk import aws_s3 as s3

from cdk_emr import EmrCluster
from cdk_emr.compliance import acknowledge

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


def accept_no_tls_certificates(cluster: EmrCluster) -> None:
    """The app ships no in-transit certificates yet (a warning annotation says so too)."""
    acknowledge(
        cluster.resource,
        "AwsSolutions::AwsSolutions-EMR5",
        "In-transit TLS needs a PEM certificate bundle, which this app does not ship yet; the security "
        "configuration carries a visible warning annotation until certificates are configured.",
    )
