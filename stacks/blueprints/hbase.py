"""Blueprint 4: HBase on Amazon S3 for real-time lookups.

HBase keeps its root directory (store files and table metadata) in the curated bucket under
``hbase/`` (``hbase.emr.storageMode=s3``), so the data outlives the cluster and the cluster is
sized for compute, not storage. Only one running cluster may use a root directory (read
replicas aside). Region servers run outside YARN, so auto-termination is off; an alarm reports
a cluster that is idle for an hour.
"""

from __future__ import annotations

from typing import Any

from constructs import Construct

from cdk_emr import (
    Application,
    Configuration,
    EmrCluster,
    EmrMonitoring,
    InstanceFleet,
)
from stacks.blueprints.common import BlueprintStack

HBASE_ROOT_PREFIX = "hbase/"


def hbase_on_s3(root_dir: str) -> list[Configuration]:
    """``hbase-site`` (root directory) and ``hbase`` (S3 storage mode)."""
    return [
        Configuration("hbase-site", {"hbase.rootdir": root_dir}),
        Configuration("hbase", {"hbase.emr.storageMode": "s3"}),
    ]


class HBaseStack(BlueprintStack):
    """HBase (with its ZooKeeper) on S3 storage mode."""

    blueprint = "hbase"

    def __init__(self, scope: Construct, id: str, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        cluster = EmrCluster(
            self,
            "Cluster",
            cluster_id_output=False,  # the stack publishes it as the output ClusterId
            applications=[Application.HADOOP, Application.HBASE],
            configurations=hbase_on_s3(self.lake.curated_uri(HBASE_ROOT_PREFIX)),
            core=InstanceFleet.on_demand(["r7g.xlarge", "r6g.xlarge"], 2),
            auto_termination=None,
            **self.cluster_defaults(),
        )
        self.finish(cluster)
        self.monitoring = EmrMonitoring(self, "Monitoring", cluster=cluster, auto_termination_enabled=False)
