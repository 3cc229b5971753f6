"""What every blueprint stack shares: a KMS key, log storage, a data lake, the app's security
configuration (at-rest encryption, IMDSv2, a cluster-dedicated KDC, in-transit TLS with
certificates generated at deploy time), the cluster's grants and outputs, and the app's
accepted findings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from cdk_emr import EmrCluster, Kerberos
from cdk_emr.datalake import EmrDataLake
from cdk_emr.encryption import create_emr_key
from cdk_emr.storage import EmrLogStorage, use_bucket_policy_for_access_logs
from stacks.choices import accept_single_region_buckets, security_configuration

REPO = Path(__file__).resolve().parent.parent.parent
JOBS_DIR = REPO / "jobs"
BOOTSTRAP_DIR = REPO / "bootstrap_actions"


class BlueprintStack(Stack):
    """A stack with a key, log storage and a data lake, ready for one cluster.

    Subclasses build the cluster with :meth:`cluster_defaults` and call :meth:`finish`.
    """

    blueprint = "blueprint"
    """The blueprint's name (``spark-etl``, ...): tags, cluster name and Glue database."""

    def __init__(self, scope: Construct, id: str, *, crawler: bool = False, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        use_bucket_policy_for_access_logs(self)
        self.key = create_emr_key(self, "Key", description=f"cdk-emr {self.blueprint} blueprint data, logs and disks")
        self.logs = EmrLogStorage(self, "Logs", encryption_key=self.key)
        self.lake = EmrDataLake(
            self,
            "DataLake",
            database_name=f"cdk_emr_{self.blueprint.replace('-', '_')}",
            encryption_key=self.key,
            access_logs_bucket=self.logs.access_logs_bucket,
            crawler=crawler,
        )
        self.security_configuration, self.tls = security_configuration(
            self, encryption_key=self.key, certificates_bucket=self.logs.bucket, kerberos=Kerberos.cluster_dedicated_kdc()
        )

    def cluster_defaults(self) -> dict[str, Any]:
        """``EmrCluster`` keyword arguments every blueprint uses."""
        return {
            "cluster_name": f"cdk-emr-{self.blueprint}",
            "security_configuration": self.security_configuration,
            "encryption_key": self.key,
            "log_bucket": self.logs.bucket,
            "tags": {"cdk-emr:blueprint": self.blueprint},
        }

    def finish(self, cluster: EmrCluster, *, write_raw: bool = False) -> None:
        """Grant the cluster the data lake, add the outputs, acknowledge the app's choices."""
        self.cluster = cluster
        self.lake.grant_cluster(cluster, write_raw=write_raw)
        self.tls.grant_read(cluster.instance_role)
        CfnOutput(self, "ClusterId", value=cluster.cluster_id, description="EMR cluster id (j-...)")
        CfnOutput(self, "LogUri", value=cluster.log_uri, description="Where the cluster writes its logs")
        CfnOutput(self, "RawBucketName", value=self.lake.raw_bucket.bucket_name, description="Raw data bucket")
        CfnOutput(self, "CuratedBucketName", value=self.lake.curated_bucket.bucket_name, description="Curated data bucket")
        CfnOutput(self, "GlueDatabaseName", value=self.lake.database_name, description="Glue Data Catalog database")
        if self.lake.crawler is not None:
            CfnOutput(self, "CrawlerName", value=self.lake.crawler.ref, description="Glue crawler of the raw bucket")
        accept_single_region_buckets([self.logs.access_logs_bucket, self.logs.bucket, *self.lake.buckets])
