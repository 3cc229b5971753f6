"""Blueprint 5: notebooks and machine learning with Spark MLlib.

Spark (with MLlib) and Livy, the REST endpoint that notebook kernels (sparkmagic, SageMaker
Studio's analytics extension) use; Livy is kerberized with the cluster. A bootstrap action
installs pinned Python libraries (scikit-learn, pandas, pyarrow) on every node. Spark sessions
run in cluster mode and Livy keeps idle sessions for 6 hours; the cluster terminates itself
after an idle hour (notebook activity counts as activity).
"""

from __future__ import annotations

from typing import Any

from aws_cdk import Duration
from constructs import Construct

from cdk_emr import (
    Application,
    AutoTermination,
    BootstrapAction,
    Configuration,
    EmrCluster,
    InstanceFleet,
    ManagedScaling,
    ScriptSource,
)
from stacks.blueprints.common import BOOTSTRAP_DIR, BlueprintStack

ML_PACKAGES = ("scikit-learn==1.5.2", "pandas==2.2.3", "pyarrow==17.0.0")
"""Pinned for the cluster's Python 3.9 (the bootstrap script refuses unpinned requirements)."""


class NotebooksMlStack(BlueprintStack):
    """Spark + MLlib + Livy, with pinned Python ML libraries on every node."""

    blueprint = "notebooks-ml"

    def __init__(self, scope: Construct, id: str, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        cluster = EmrCluster(
            self,
            "Cluster",
            cluster_id_output=False,  # the stack publishes it as the output ClusterId
            applications=[Application.HADOOP, Application.SPARK, Application.LIVY],
            configurations=[
                *Configuration.glue_data_catalog(hive=False, spark=True),
                Configuration.spark_defaults({"spark.sql.execution.arrow.pyspark.enabled": "true"}),
                Configuration("livy-conf", {"livy.server.session.timeout": "6h", "livy.spark.deploy-mode": "cluster"}),
            ],
            core=InstanceFleet.on_demand(["r7g.xlarge", "r6g.xlarge"], 1),
            task=[InstanceFleet.spot_fleet(["r7g.2xlarge", "r6g.2xlarge", "m7g.2xlarge"], 1)],
            managed_scaling=ManagedScaling(min_capacity=2, max_capacity=10, max_on_demand_capacity=1, max_core_capacity=1),
            auto_termination=AutoTermination(idle_timeout=Duration.hours(1)),
            bootstrap_actions=[
                BootstrapAction(
                    name="Install Python ML packages",
                    script=ScriptSource.from_asset(str(BOOTSTRAP_DIR / "install-python-packages.sh")),
                    args=list(ML_PACKAGES),
                )
            ],
            **self.cluster_defaults(),
        )
        self.finish(cluster)
