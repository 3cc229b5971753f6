"""Blueprint 3: streaming with Apache Flink from a Kinesis data stream.

A KMS-encrypted Kinesis stream feeds a long-running Flink-on-YARN cluster. Flink keeps its state
in RocksDB and checkpoints (and savepoints) to the curated bucket under ``checkpoints/`` and
``savepoints/``, so a restarted job resumes where it stopped. A start-up step opens a detached
Flink YARN session that jobs are submitted to (``flink run``). A streaming cluster is never
idle by design: no auto-termination; an alarm reports a cluster that is idle for an hour.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Duration
from aws_cdk import aws_kinesis as kinesis
from constructs import Construct

from cdk_emr import (
    Application,
    CommandStep,
    Configuration,
    EmrCluster,
    EmrMonitoring,
    InstanceFleet,
)
from cdk_emr.compliance import acknowledge
from stacks.blueprints.common import BlueprintStack

CHECKPOINTS_PREFIX = "checkpoints/"
SAVEPOINTS_PREFIX = "savepoints/"
STREAM_RETENTION = Duration.hours(24)


def flink_conf(checkpoints: str, savepoints: str) -> Configuration:
    """``flink-conf``: RocksDB state, incremental checkpoints to S3 every minute, exactly once."""
    return Configuration(
        "flink-conf",
        {
            "state.backend.type": "rocksdb",
            "state.backend.incremental": "true",
            "state.checkpoints.dir": checkpoints,
            "state.savepoints.dir": savepoints,
            "execution.checkpointing.interval": "60s",
            "execution.checkpointing.mode": "EXACTLY_ONCE",
            "execution.checkpointing.externalized-checkpoint-retention": "RETAIN_ON_CANCELLATION",
        },
    )


class StreamingStack(BlueprintStack):
    """A Kinesis stream, and a Flink cluster that reads it and checkpoints to S3."""

    blueprint = "streaming"

    def __init__(self, scope: Construct, id: str, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        self.stream = kinesis.Stream(
            self,
            "Events",
            shard_count=1,
            retention_period=STREAM_RETENTION,
            encryption=kinesis.StreamEncryption.KMS,
            encryption_key=self.key,
        )
        acknowledge(
            self.stream,
            "AwsSolutions::AwsSolutions-KDS3",
            "The stream carries the data lake's events, so it is encrypted with the lake's customer-managed key "
            "(rotation, key policy and CloudTrail audit under the account's control), like the buckets it feeds; "
            "the KMS requests this adds are an accepted cost.",
        )
        cluster = EmrCluster(
            self,
            "Cluster",
            cluster_id_output=False,  # the stack publishes it as the output ClusterId
            applications=[Application.HADOOP, Application.FLINK],
            configurations=[flink_conf(self.lake.curated_uri(CHECKPOINTS_PREFIX), self.lake.curated_uri(SAVEPOINTS_PREFIX))],
            core=InstanceFleet.on_demand(["m7g.xlarge", "m6g.xlarge"], 2),
            auto_termination=None,
            steps=[CommandStep(name="Start a detached Flink YARN session", command=["flink-yarn-session", "-d"])],
            **self.cluster_defaults(),
        )
        cluster.grant_kinesis(self.stream)
        self.finish(cluster)
        self.monitoring = EmrMonitoring(self, "Monitoring", cluster=cluster, auto_termination_enabled=False)
        CfnOutput(self, "StreamName", value=self.stream.stream_name, description="Kinesis stream the Flink jobs read")
