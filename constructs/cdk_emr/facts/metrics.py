"""EMR's CloudWatch metrics: namespace, dimension, unit, what each means, and the statistic that
summarizes it over a period (standard library only).

Source: EMR Management Guide, "Monitoring Amazon EMR metrics with CloudWatch" — "Metrics reported
by Amazon EMR in CloudWatch": namespace ``AWS/ElasticMapReduce``, dimension ``JobFlowId`` (the
cluster id), reported every five minutes (the managed-scaling metrics every minute). The units
and meanings below are that page's; the default statistic of each is cdk-emr's choice of what
answers the question the metric asks (the least idle value, the fullest HDFS, the worst health).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

NAMESPACE: Final = "AWS/ElasticMapReduce"
CLUSTER_DIMENSION: Final = "JobFlowId"
PERIOD_SECONDS: Final = 300
"""EMR reports cluster metrics every five minutes."""


@dataclass(frozen=True)
class Metric:
    """One EMR metric: its name and unit in CloudWatch, its meaning, the statistic to read it
    with, and whether ``cdk-emr status`` shows it (``key``)."""

    name: str
    unit: str
    meaning: str
    statistic: str = "Average"
    key: bool = False


CATALOG: Final[tuple[Metric, ...]] = (
    Metric("IsIdle", "Boolean", "1 when no YARN application or task runs", "Minimum", key=True),
    Metric("AppsPending", "Count", "YARN applications submitted and not yet running", key=True),
    Metric("AppsRunning", "Count", "YARN applications running", key=True),
    Metric("YARNMemoryAvailablePercentage", "Percent", "MemoryAvailableMB / MemoryTotalMB", key=True),
    Metric("ContainerPendingRatio", "Count", "ContainerPending / ContainerAllocated", key=True),
    Metric("HDFSUtilization", "Percent", "HDFS storage used", "Maximum", key=True),
    Metric("MissingBlocks", "Count", "HDFS blocks with no replica", "Maximum", key=True),
    Metric("CorruptBlocks", "Count", "HDFS blocks reported corrupt", "Maximum", key=True),
    Metric("LiveDataNodes", "Percent", "data nodes receiving work from Hadoop", "Minimum", key=True),
    Metric("MRUnhealthyNodes", "Count", "nodes YARN marks UNHEALTHY", "Maximum", key=True),
    Metric("CoreNodesPending", "Count", "core nodes requested and not yet running", "Maximum"),
    Metric("CoreNodesRunning", "Count", "core nodes working"),
    Metric("TaskNodesRunning", "Count", "task nodes working"),
    Metric("TotalUnitsRequested", "Count", "units (fleet units, instances or vCPUs) managed scaling targets", key=True),
    Metric("TotalUnitsRunning", "Count", "units running", key=True),
    Metric("CoreUnitsRequested", "Count", "core units targeted"),
    Metric("CoreUnitsRunning", "Count", "core units running"),
    Metric("TaskUnitsRequested", "Count", "task units targeted"),
    Metric("TaskUnitsRunning", "Count", "task units running"),
)

BY_NAME: Final[dict[str, Metric]] = {metric.name: metric for metric in CATALOG}
KEY_METRICS: Final[tuple[str, ...]] = tuple(metric.name for metric in CATALOG if metric.key)
