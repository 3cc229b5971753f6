"""Blueprint 1: a transient Spark ETL cluster.

The cluster starts, runs one Spark step (``jobs/spark_etl/etl.py``, shipped as an asset) that
reads raw JSON-lines events and writes curated Parquet partitioned by day, registers the table
in the lake's Glue database, and terminates (``keep_alive=False``). The idle timeout stays as a
backstop.
"""

from __future__ import annotations

from typing import Any

from constructs import Construct

from cdk_emr import (
    ActionOnFailure,
    Application,
    Configuration,
    EmrCluster,
    InstanceFleet,
    ScriptSource,
    SparkStep,
)
from stacks.blueprints.common import JOBS_DIR, BlueprintStack

ETL_SCRIPT = JOBS_DIR / "spark_etl" / "etl.py"
RAW_PREFIX = "events/"
CURATED_PREFIX = "events/"
TABLE = "events"


class SparkEtlStack(BlueprintStack):
    """A transient cluster that runs the ETL step once and terminates."""

    blueprint = "spark-etl"

    def __init__(self, scope: Construct, id: str, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        step = SparkStep(
            name="ETL: raw events to curated Parquet",
            script=ScriptSource.from_asset(str(ETL_SCRIPT)),
            args=[
                "--input",
                self.lake.raw_uri(RAW_PREFIX),
                "--output",
                self.lake.curated_uri(CURATED_PREFIX),
                "--database",
                self.lake.database_name,
                "--table",
                TABLE,
            ],
            action_on_failure=ActionOnFailure.TERMINATE_CLUSTER,
        )
        cluster = EmrCluster(
            self,
            "Cluster",
            cluster_id_output=False,  # the stack publishes it as the output ClusterId
            applications=[Application.HADOOP, Application.SPARK],
            configurations=[
                Configuration.spark_defaults({"spark.sql.adaptive.enabled": "true", "spark.dynamicAllocation.enabled": "true"}),
                *Configuration.glue_data_catalog(hive=False, spark=True),
            ],
            core=InstanceFleet.on_demand(["m7g.xlarge", "m6g.xlarge"], 1),
            task=[InstanceFleet.spot_fleet(["m7g.xlarge", "m6g.xlarge", "r7g.xlarge", "c7g.xlarge"], 2)],
            keep_alive=False,
            steps=[step],
            **self.cluster_defaults(),
        )
        self.finish(cluster)
