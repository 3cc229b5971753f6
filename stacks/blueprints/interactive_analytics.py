"""Blueprint 2: a long-running interactive analytics cluster.

Trino, Hive and Spark share the lake's Glue database as their metastore; Hue is the SQL editor
and Livy the REST endpoint for notebooks. Managed scaling grows the spot task fleet with the
queries; the cluster terminates itself after two idle hours. EMR judges idleness from YARN,
HDFS, notebooks and UIs, and Trino's queries run outside YARN: the construct's warning about it
stays visible, and the long timeout keeps short Trino sessions safe (see docs/blueprints.md).
"""

from __future__ import annotations

from typing import Any

from aws_cdk import Duration
from constructs import Construct

from cdk_emr import (
    Application,
    AutoTermination,
    Configuration,
    EmrCluster,
    InstanceFleet,
    ManagedScaling,
)
from stacks.blueprints.common import BlueprintStack

IDLE_TIMEOUT = Duration.hours(2)
APPLICATIONS = (Application.HADOOP, Application.SPARK, Application.HIVE, Application.TRINO, Application.HUE, Application.LIVY)


class InteractiveAnalyticsStack(BlueprintStack):
    """Trino + Hive + Spark on the Glue Data Catalog, managed scaling, idle auto-termination."""

    blueprint = "interactive-analytics"

    def __init__(self, scope: Construct, id: str, **kwargs: Any) -> None:
        super().__init__(scope, id, crawler=True, **kwargs)
        cluster = EmrCluster(
            self,
            "Cluster",
            cluster_id_output=False,  # the stack publishes it as the output ClusterId
            applications=APPLICATIONS,
            configurations=[
                *Configuration.glue_data_catalog(hive=True, spark=True, trino=True),
                Configuration.spark_defaults({"spark.sql.adaptive.enabled": "true", "spark.dynamicAllocation.enabled": "true"}),
            ],
            primary=InstanceFleet.on_demand(["m7g.2xlarge", "m6g.2xlarge"], 1),
            core=InstanceFleet.on_demand(["r7g.xlarge", "r6g.xlarge"], 2),
            task=[InstanceFleet.spot_fleet(["r7g.2xlarge", "r6g.2xlarge", "m7g.2xlarge", "m6g.2xlarge"], 2)],
            managed_scaling=ManagedScaling(min_capacity=4, max_capacity=20, max_on_demand_capacity=3, max_core_capacity=2),
            auto_termination=AutoTermination(idle_timeout=IDLE_TIMEOUT),
            **self.cluster_defaults(),
        )
        self.finish(cluster)
