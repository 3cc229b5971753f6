"""CloudWatch metrics of an EMR cluster: ``metric_*`` helpers, as aws-cdk-lib constructs offer.

EMR publishes these metrics for free in the ``AWS/ElasticMapReduce`` namespace with the
dimension ``JobFlowId`` (the cluster id), every five minutes (every minute for the metrics of
managed scaling). A metric with no data means the cluster does not report it: HDFS metrics
need HDFS, the ``*Units*`` capacity metrics need managed scaling, and ``CoreNodes*`` and
``TaskNodes*`` are reported only where a matching instance group or fleet exists.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch

from cdk_emr.facts.metrics import BY_NAME, CLUSTER_DIMENSION, NAMESPACE, PERIOD_SECONDS

DEFAULT_PERIOD = Duration.seconds(PERIOD_SECONDS)


class EmrMetric(StrEnum):
    """Names of the EMR cluster metrics this package knows, with their documented unit."""

    IS_IDLE = "IsIdle"  # 1 when no YARN application or task runs (Boolean)
    APPS_PENDING = "AppsPending"  # YARN applications pending (Count)
    APPS_RUNNING = "AppsRunning"  # YARN applications running (Count)
    YARN_MEMORY_AVAILABLE_PERCENTAGE = "YARNMemoryAvailablePercentage"  # MemoryAvailableMB / MemoryTotalMB (Percent)
    CONTAINER_PENDING_RATIO = "ContainerPendingRatio"  # ContainerPending / ContainerAllocated, a number (Count)
    HDFS_UTILIZATION = "HDFSUtilization"  # HDFS storage used (Percent)
    MISSING_BLOCKS = "MissingBlocks"  # HDFS blocks with no replica (Count)
    CORRUPT_BLOCKS = "CorruptBlocks"  # HDFS blocks reported corrupt (Count)
    LIVE_DATA_NODES = "LiveDataNodes"  # data nodes receiving work from Hadoop (Percent)
    MR_UNHEALTHY_NODES = "MRUnhealthyNodes"  # nodes YARN marks UNHEALTHY (Count)
    CORE_NODES_PENDING = "CoreNodesPending"  # core nodes requested, not yet running (Count)
    CORE_NODES_RUNNING = "CoreNodesRunning"  # core nodes working (Count)
    TASK_NODES_RUNNING = "TaskNodesRunning"  # task nodes working (Count)
    TOTAL_UNITS_REQUESTED = "TotalUnitsRequested"  # fleet units managed scaling targets (Count)
    TOTAL_UNITS_RUNNING = "TotalUnitsRunning"  # fleet units running (Count)
    CORE_UNITS_REQUESTED = "CoreUnitsRequested"  # core fleet units targeted (Count)
    CORE_UNITS_RUNNING = "CoreUnitsRunning"  # core fleet units running (Count)
    TASK_UNITS_REQUESTED = "TaskUnitsRequested"  # task fleet units targeted (Count)
    TASK_UNITS_RUNNING = "TaskUnitsRunning"  # task fleet units running (Count)


# Default statistic per metric: what the value means over a period (cdk_emr.facts.metrics).
DEFAULT_STATISTICS: dict[EmrMetric, str] = {metric: BY_NAME[metric.value].statistic for metric in EmrMetric}


class EmrClusterMetrics:
    """Mixin adding ``metric_*`` methods to a class with a ``cluster_id`` attribute (a token).

    Each method takes the fields of ``cloudwatch.MetricOptions`` as keyword arguments
    (``period``, ``statistic``, ``label``, ``color``, ``unit``, ``dimensions_map``, ...) and
    returns a ``cloudwatch.Metric`` for this cluster. Period defaults to 5 minutes, EMR's
    reporting interval; each method documents its default statistic.
    """

    cluster_id: str

    def metric(self, metric_name: str, **props: Any) -> cloudwatch.Metric:
        """The metric ``metric_name`` of this cluster.

        Default statistic: the one of :data:`DEFAULT_STATISTICS` for a known name, else
        Average. Default period: 5 minutes. ``dimensions_map`` adds to ``JobFlowId``.
        """
        options: dict[str, Any] = {"period": DEFAULT_PERIOD, "statistic": _default_statistic(metric_name)}
        options.update(props)
        options["dimensions_map"] = {CLUSTER_DIMENSION: self.cluster_id, **(props.get("dimensions_map") or {})}
        return cloudwatch.Metric(namespace=NAMESPACE, metric_name=metric_name, **options)

    # ----- cluster status -------------------------------------------------------------------

    def metric_is_idle(self, **props: Any) -> cloudwatch.Metric:
        """1 when the cluster runs no YARN application or task (checked every 5 minutes).

        Default: Minimum over 5 minutes, so 1 means idle at every check of the period.
        """
        return self.metric(EmrMetric.IS_IDLE, **props)

    def metric_apps_pending(self, **props: Any) -> cloudwatch.Metric:
        """YARN applications submitted and pending. Default: Average over 5 minutes."""
        return self.metric(EmrMetric.APPS_PENDING, **props)

    def metric_apps_running(self, **props: Any) -> cloudwatch.Metric:
        """YARN applications running. Default: Average over 5 minutes."""
        return self.metric(EmrMetric.APPS_RUNNING, **props)

    def metric_yarn_memory_available_percentage(self, **props: Any) -> cloudwatch.Metric:
        """Percentage of YARN memory still available. Default: Average over 5 minutes."""
        return self.metric(EmrMetric.YARN_MEMORY_AVAILABLE_PERCENTAGE, **props)

    def metric_container_pending_ratio(self, **props: Any) -> cloudwatch.Metric:
        """Pending YARN containers per allocated container (the pending count when none is
        allocated); a number, not a percentage. Default: Average over 5 minutes."""
        return self.metric(EmrMetric.CONTAINER_PENDING_RATIO, **props)

    # ----- HDFS -----------------------------------------------------------------------------

    def metric_hdfs_utilization(self, **props: Any) -> cloudwatch.Metric:
        """Percentage of HDFS storage used. Default: Maximum over 5 minutes."""
        return self.metric(EmrMetric.HDFS_UTILIZATION, **props)

    def metric_missing_blocks(self, **props: Any) -> cloudwatch.Metric:
        """HDFS blocks with no replica left. Default: Maximum over 5 minutes."""
        return self.metric(EmrMetric.MISSING_BLOCKS, **props)

    def metric_corrupt_blocks(self, **props: Any) -> cloudwatch.Metric:
        """HDFS blocks reported corrupt. Default: Maximum over 5 minutes."""
        return self.metric(EmrMetric.CORRUPT_BLOCKS, **props)

    # ----- nodes ----------------------------------------------------------------------------

    def metric_live_data_nodes(self, **props: Any) -> cloudwatch.Metric:
        """Percentage of data nodes receiving work from Hadoop. Default: Minimum over 5 minutes."""
        return self.metric(EmrMetric.LIVE_DATA_NODES, **props)

    def metric_mr_unhealthy_nodes(self, **props: Any) -> cloudwatch.Metric:
        """Nodes YARN marks UNHEALTHY (disk full, failed health check). Default: Maximum over 5 minutes."""
        return self.metric(EmrMetric.MR_UNHEALTHY_NODES, **props)

    def metric_core_nodes_pending(self, **props: Any) -> cloudwatch.Metric:
        """Core nodes requested but not yet running. Default: Maximum over 5 minutes."""
        return self.metric(EmrMetric.CORE_NODES_PENDING, **props)

    def metric_core_nodes_running(self, **props: Any) -> cloudwatch.Metric:
        """Core nodes working. Default: Average over 5 minutes."""
        return self.metric(EmrMetric.CORE_NODES_RUNNING, **props)

    def metric_task_nodes_running(self, **props: Any) -> cloudwatch.Metric:
        """Task nodes working. Default: Average over 5 minutes."""
        return self.metric(EmrMetric.TASK_NODES_RUNNING, **props)

    # ----- fleet capacity (managed scaling, in instance fleet units) ------------------------

    def metric_total_units_requested(self, **props: Any) -> cloudwatch.Metric:
        """Fleet units managed scaling targets for the cluster. Default: Average over 5 minutes."""
        return self.metric(EmrMetric.TOTAL_UNITS_REQUESTED, **props)

    def metric_total_units_running(self, **props: Any) -> cloudwatch.Metric:
        """Fleet units running in the cluster. Default: Average over 5 minutes."""
        return self.metric(EmrMetric.TOTAL_UNITS_RUNNING, **props)

    def metric_core_units_requested(self, **props: Any) -> cloudwatch.Metric:
        """Core fleet units managed scaling targets. Default: Average over 5 minutes."""
        return self.metric(EmrMetric.CORE_UNITS_REQUESTED, **props)

    def metric_core_units_running(self, **props: Any) -> cloudwatch.Metric:
        """Core fleet units running. Default: Average over 5 minutes."""
        return self.metric(EmrMetric.CORE_UNITS_RUNNING, **props)

    def metric_task_units_requested(self, **props: Any) -> cloudwatch.Metric:
        """Task fleet units managed scaling targets. Default: Average over 5 minutes."""
        return self.metric(EmrMetric.TASK_UNITS_REQUESTED, **props)

    def metric_task_units_running(self, **props: Any) -> cloudwatch.Metric:
        """Task fleet units running. Default: Average over 5 minutes."""
        return self.metric(EmrMetric.TASK_UNITS_RUNNING, **props)


def _default_statistic(metric_name: str) -> str:
    try:
        return DEFAULT_STATISTICS[EmrMetric(metric_name)]
    except ValueError:
        return cloudwatch.Stats.AVERAGE
