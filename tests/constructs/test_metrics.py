"""``EmrClusterMetrics``: one ``metric_*`` per EMR metric, with its documented defaults."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudwatch as cloudwatch
from constructs import Construct
from helpers import new_stack

from cdk_emr.facts import metrics as facts_metrics
from cdk_emr.metrics import CLUSTER_DIMENSION, DEFAULT_STATISTICS, NAMESPACE, EmrClusterMetrics, EmrMetric
from cdk_emr.ops import metrics as ops_metrics

CLUSTER_ID = "j-123456789ABCD"

# method -> (metric name, default statistic)
HELPERS: dict[str, tuple[str, str]] = {
    "metric_is_idle": ("IsIdle", "Minimum"),
    "metric_apps_pending": ("AppsPending", "Average"),
    "metric_apps_running": ("AppsRunning", "Average"),
    "metric_yarn_memory_available_percentage": ("YARNMemoryAvailablePercentage", "Average"),
    "metric_container_pending_ratio": ("ContainerPendingRatio", "Average"),
    "metric_hdfs_utilization": ("HDFSUtilization", "Maximum"),
    "metric_missing_blocks": ("MissingBlocks", "Maximum"),
    "metric_corrupt_blocks": ("CorruptBlocks", "Maximum"),
    "metric_live_data_nodes": ("LiveDataNodes", "Minimum"),
    "metric_mr_unhealthy_nodes": ("MRUnhealthyNodes", "Maximum"),
    "metric_core_nodes_pending": ("CoreNodesPending", "Maximum"),
    "metric_core_nodes_running": ("CoreNodesRunning", "Average"),
    "metric_task_nodes_running": ("TaskNodesRunning", "Average"),
    "metric_total_units_requested": ("TotalUnitsRequested", "Average"),
    "metric_total_units_running": ("TotalUnitsRunning", "Average"),
    "metric_core_units_requested": ("CoreUnitsRequested", "Average"),
    "metric_core_units_running": ("CoreUnitsRunning", "Average"),
    "metric_task_units_requested": ("TaskUnitsRequested", "Average"),
    "metric_task_units_running": ("TaskUnitsRunning", "Average"),
}


class FakeCluster(EmrClusterMetrics, Construct):
    """The smallest construct the mixin needs: a ``cluster_id``."""

    def __init__(self, scope: Construct, id: str, cluster_id: str = CLUSTER_ID) -> None:
        super().__init__(scope, id)
        self.cluster_id = cluster_id


@pytest.fixture(scope="module")
def cluster() -> FakeCluster:
    return FakeCluster(new_stack(), "Cluster")


def rendered(metric: cloudwatch.Metric) -> dict[str, Any]:
    """What an alarm on ``metric`` would say, resolved."""
    config = metric.to_metric_config().metric_stat
    assert config is not None
    return {
        "namespace": config.namespace,
        "name": config.metric_name,
        "dimensions": {d.name: d.value for d in config.dimensions or []},
        "statistic": config.statistic,
        "period": config.period.to_seconds(),
    }


@pytest.mark.parametrize("method", sorted(HELPERS))
def test_each_helper_reads_the_cluster_metric_with_its_default_statistic_over_5_minutes(cluster, method) -> None:  # type: ignore[no-untyped-def]
    name, statistic = HELPERS[method]
    assert rendered(getattr(cluster, method)()) == {
        "namespace": "AWS/ElasticMapReduce",
        "name": name,
        "dimensions": {"JobFlowId": CLUSTER_ID},
        "statistic": statistic,
        "period": 300,
    }


def test_every_known_metric_has_a_helper_and_a_default_statistic() -> None:
    assert {name for name, _ in HELPERS.values()} == {m.value for m in EmrMetric}
    assert set(DEFAULT_STATISTICS) == set(EmrMetric)


def test_options_override_the_defaults(cluster) -> None:  # type: ignore[no-untyped-def]
    metric = cluster.metric_hdfs_utilization(period=cdk.Duration.minutes(1), statistic="p90", label="HDFS")
    assert rendered(metric)["period"] == 60 and rendered(metric)["statistic"] == "p90"
    assert metric.label == "HDFS"


def test_extra_dimensions_add_to_the_cluster_dimension(cluster) -> None:  # type: ignore[no-untyped-def]
    metric = cluster.metric("AppsRunning", dimensions_map={"JobId": "job_1"})
    assert rendered(metric)["dimensions"] == {"JobFlowId": CLUSTER_ID, "JobId": "job_1"}


def test_metric_by_name_uses_the_table_default_or_average(cluster) -> None:  # type: ignore[no-untyped-def]
    assert rendered(cluster.metric("MissingBlocks"))["statistic"] == "Maximum"
    assert rendered(cluster.metric("S3BytesRead"))["statistic"] == "Average"


def test_cluster_id_token_lands_in_the_dimension() -> None:
    stack = new_stack()
    token = cdk.CfnParameter(stack, "Id").value_as_string
    metric = FakeCluster(stack, "Cluster", cluster_id=token).metric_is_idle()
    assert stack.resolve(rendered(metric)["dimensions"]) == {"JobFlowId": {"Ref": "Id"}}


def test_operations_side_and_constructs_read_one_catalog_of_the_documented_metrics() -> None:
    # EMR Management Guide, "Metrics reported by Amazon EMR in CloudWatch": namespace
    # AWS/ElasticMapReduce, dimension JobFlowId; units as the page gives them.
    assert (NAMESPACE, CLUSTER_DIMENSION) == ("AWS/ElasticMapReduce", "JobFlowId")
    assert (ops_metrics.NAMESPACE, ops_metrics.CLUSTER_DIMENSION) == ("AWS/ElasticMapReduce", "JobFlowId")
    documented_units = {
        "IsIdle": "Boolean",
        "AppsPending": "Count",
        "YARNMemoryAvailablePercentage": "Percent",
        "HDFSUtilization": "Percent",
        "MissingBlocks": "Count",
        "LiveDataNodes": "Percent",
        "MRUnhealthyNodes": "Count",
        "TotalUnitsRunning": "Count",
    }
    assert {name: facts_metrics.BY_NAME[name].unit for name in documented_units} == documented_units
    assert {m.value for m in EmrMetric} == set(facts_metrics.BY_NAME)
    assert set(ops_metrics.KEY_METRICS) <= set(facts_metrics.BY_NAME)
    # The default statistics are cdk-emr's choice (facts/metrics.py says why); HELPERS writes them
    # out by hand, and both sides must read them from the one catalog.
    chosen = dict(HELPERS.values())
    assert {m.value: s for m, s in DEFAULT_STATISTICS.items()} == chosen
    assert {name: ops_metrics.STATISTICS[name] for name in chosen} == chosen
