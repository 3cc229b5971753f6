"""``latest_metrics``: the key metrics of a cluster through one stubbed ``GetMetricData`` call."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from cdk_emr.ops.metrics import latest_metrics

# The metrics `cdk-emr metrics` reads by default, written out: the cluster-health metrics of the EMR
# Management Guide, "Metrics reported by Amazon EMR in CloudWatch" (cluster status, YARN, HDFS,
# node status, managed scaling), in the order the command shows them.
KEY_METRICS = (
    "IsIdle",
    "AppsPending",
    "AppsRunning",
    "YARNMemoryAvailablePercentage",
    "ContainerPendingRatio",
    "HDFSUtilization",
    "MissingBlocks",
    "CorruptBlocks",
    "LiveDataNodes",
    "MRUnhealthyNodes",
    "TotalUnitsRequested",
    "TotalUnitsRunning",
)

CLUSTER_ID = "j-123456789ABCD"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def cloudwatch(aws_credentials) -> Iterator[tuple[Any, Stubber]]:  # type: ignore[no-untyped-def]
    client = boto3.client("cloudwatch", region_name="us-east-1")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def query(index: int, name: str, stat: str, period: int = 300) -> dict[str, Any]:
    return {
        "Id": f"m{index}",
        "MetricStat": {
            "Metric": {
                "Namespace": "AWS/ElasticMapReduce",
                "MetricName": name,
                "Dimensions": [{"Name": "JobFlowId", "Value": CLUSTER_ID}],
            },
            "Period": period,
            "Stat": stat,
        },
        "ReturnData": True,
    }


def request(
    queries: list[dict[str, Any]], *, lookback: timedelta = timedelta(hours=1), token: str | None = None
) -> dict[str, Any]:
    params = {"MetricDataQueries": queries, "StartTime": NOW - lookback, "EndTime": NOW, "ScanBy": "TimestampDescending"}
    return {**params, "NextToken": token} if token else params


def result(index: int, *values: float, token: str | None = None) -> dict[str, Any]:
    stamps = [NOW - timedelta(minutes=5 * i) for i in range(len(values))]
    return {"Id": f"m{index}", "Label": f"m{index}", "Timestamps": stamps, "Values": list(values), "StatusCode": "Complete"}


def test_reads_every_key_metric_newest_value_first_and_none_without_data(cloudwatch) -> None:  # type: ignore[no-untyped-def]
    client, stubber = cloudwatch
    stats = {"IsIdle": "Minimum", "HDFSUtilization": "Maximum", "MissingBlocks": "Maximum", "CorruptBlocks": "Maximum"}
    stats |= {"LiveDataNodes": "Minimum", "MRUnhealthyNodes": "Maximum"}
    queries = [query(i, name, stats.get(name, "Average")) for i, name in enumerate(KEY_METRICS)]
    index = {name: i for i, name in enumerate(KEY_METRICS)}
    results = [
        result(index["IsIdle"], 0.0, 1.0),
        result(index["AppsRunning"], 3, 2),
        result(index["HDFSUtilization"], 41.5),
        result(index["TotalUnitsRunning"]),  # no data points
    ]
    stubber.add_response("get_metric_data", {"MetricDataResults": results}, request(queries))

    latest = latest_metrics(client, CLUSTER_ID, now=NOW)

    assert list(latest) == list(KEY_METRICS)
    assert latest["IsIdle"] == 0.0 and latest["AppsRunning"] == 3.0 and latest["HDFSUtilization"] == 41.5
    assert latest["TotalUnitsRunning"] is None and latest["MissingBlocks"] is None


def test_follows_pages_and_keeps_the_newest_value(cloudwatch) -> None:  # type: ignore[no-untyped-def]
    client, stubber = cloudwatch
    names = ["AppsPending", "ContainerPendingRatio"]
    queries = [query(0, "AppsPending", "Average", 60), query(1, "ContainerPendingRatio", "Average", 60)]
    window = timedelta(minutes=30)
    stubber.add_response(
        "get_metric_data", {"MetricDataResults": [result(0, 7)], "NextToken": "page2"}, request(queries, lookback=window)
    )
    stubber.add_response(
        "get_metric_data",
        {"MetricDataResults": [result(0, 99), result(1, 0.5)]},
        request(queries, lookback=window, token="page2"),
    )

    latest = latest_metrics(client, CLUSTER_ID, names, period=60, lookback=window, now=NOW)

    assert latest == {"AppsPending": 7.0, "ContainerPendingRatio": 0.5}


@pytest.mark.parametrize("period", [0, 90, -60])
def test_fails_if_period_is_not_whole_minutes(cloudwatch, period: int) -> None:  # type: ignore[no-untyped-def]
    client, _ = cloudwatch
    with pytest.raises(ValueError, match=f"period={period}: a positive multiple of 60 seconds"):
        latest_metrics(client, CLUSTER_ID, period=period, now=NOW)


def test_the_module_does_not_load_the_cdk() -> None:
    code = "import sys, cdk_emr.ops.metrics; print('aws_cdk' in sys.modules, 'jsii' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
