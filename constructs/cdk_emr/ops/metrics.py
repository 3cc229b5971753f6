"""The latest values of a cluster's key CloudWatch metrics (what ``cdk-emr status`` shows).

boto3 and the standard library only: no CDK. Names and statistics come from
:mod:`cdk_emr.facts.metrics`, as for :mod:`cdk_emr.metrics`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from cdk_emr.facts.metrics import BY_NAME, CLUSTER_DIMENSION, KEY_METRICS, NAMESPACE

# Statistic per metric over one period (cdk_emr.facts.metrics); an unknown name uses Average.
STATISTICS: dict[str, str] = {name: metric.statistic for name, metric in BY_NAME.items()}

MAX_QUERIES_PER_CALL = 500  # the GetMetricData limit


def latest_metrics(
    cloudwatch_client: Any,
    cluster_id: str,
    names: Sequence[str] = KEY_METRICS,
    period: int = 300,
    *,
    lookback: timedelta = timedelta(hours=1),
    now: datetime | None = None,
) -> dict[str, float | None]:
    """The most recent value of each metric in ``names`` for ``cluster_id``.

    One ``GetMetricData`` call (paginated) over the last ``lookback``, ``period`` seconds per
    data point; ``None`` for a metric with no data in that window (not published by this
    cluster, or the cluster is not running). Keys keep the order of ``names``.
    """
    if period <= 0 or period % 60:
        raise ValueError(f"period={period!r}: a positive multiple of 60 seconds (EMR publishes every 5 minutes)")
    if len(names) > MAX_QUERIES_PER_CALL:
        raise ValueError(f"names: at most {MAX_QUERIES_PER_CALL} metrics per call, got {len(names)}")
    end = now or datetime.now(UTC)
    queries = [_query(f"m{i}", name, cluster_id, period) for i, name in enumerate(names)]
    latest: dict[str, float | None] = dict.fromkeys(names)
    by_id = {query["Id"]: name for query, name in zip(queries, names, strict=True)}
    for result in _results(cloudwatch_client, queries, end - lookback, end):
        name = by_id.get(result["Id"])
        if name is not None and result.get("Values") and latest[name] is None:
            latest[name] = float(result["Values"][0])
    return latest


def _query(query_id: str, metric_name: str, cluster_id: str, period: int) -> dict[str, Any]:
    return {
        "Id": query_id,
        "MetricStat": {
            "Metric": {
                "Namespace": NAMESPACE,
                "MetricName": metric_name,
                "Dimensions": [{"Name": CLUSTER_DIMENSION, "Value": cluster_id}],
            },
            "Period": period,
            "Stat": STATISTICS.get(metric_name, "Average"),
        },
        "ReturnData": True,
    }


def _results(client: Any, queries: list[dict[str, Any]], start: datetime, end: datetime) -> Iterator[dict[str, Any]]:
    """Every ``MetricDataResults`` entry, newest values first, across pages."""
    request: dict[str, Any] = {
        "MetricDataQueries": queries,
        "StartTime": start,
        "EndTime": end,
        "ScanBy": "TimestampDescending",
    }
    while True:
        response = client.get_metric_data(**request)
        yield from response.get("MetricDataResults", [])
        token = response.get("NextToken")
        if not token:
            return
        request["NextToken"] = token
