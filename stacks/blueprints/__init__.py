"""Use-case blueprints: one stack each, synthesized when the context key ``blueprints`` names them.

    cdk synth -c blueprints=all
    cdk deploy CdkEmr-Blueprint-SparkEtl -c blueprints=spark-etl

See docs/blueprints.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aws_cdk import Stack
from constructs import Construct


@dataclass(frozen=True)
class Blueprint:
    """A blueprint: its context name, its stack name and how to build its stack."""

    name: str
    stack_name: str
    description: str
    build: Callable[..., Stack]


def _lazy(module: str, cls: str) -> Callable[..., Stack]:
    """Import a blueprint module only when its stack is built (keeps the default synth lean)."""

    def build(scope: Construct, id: str, **kwargs: Any) -> Stack:
        import importlib

        return getattr(importlib.import_module(f"stacks.blueprints.{module}"), cls)(scope, id, **kwargs)

    return build


BLUEPRINTS: dict[str, Blueprint] = {
    b.name: b
    for b in (
        Blueprint("spark-etl", "CdkEmr-Blueprint-SparkEtl", "transient Spark ETL cluster", _lazy("spark_etl", "SparkEtlStack")),
        Blueprint(
            "interactive-analytics",
            "CdkEmr-Blueprint-InteractiveAnalytics",
            "Trino, Hive and Spark on the Glue Data Catalog",
            _lazy("interactive_analytics", "InteractiveAnalyticsStack"),
        ),
        Blueprint(
            "streaming", "CdkEmr-Blueprint-Streaming", "Flink reading a Kinesis stream", _lazy("streaming", "StreamingStack")
        ),
        Blueprint("hbase", "CdkEmr-Blueprint-HBase", "HBase on Amazon S3", _lazy("hbase", "HBaseStack")),
        Blueprint(
            "notebooks-ml",
            "CdkEmr-Blueprint-NotebooksMl",
            "Spark MLlib and Livy for notebooks",
            _lazy("notebooks_ml", "NotebooksMlStack"),
        ),
    )
}
"""Every blueprint by its context name."""


def select_blueprints(value: str | None) -> list[Blueprint]:
    """The blueprints named by the context value: ``all``, or names separated by commas; none by default."""
    if value is None or not str(value).strip():
        return []
    names = [n.strip() for n in str(value).split(",") if n.strip()]
    if names == ["all"]:
        return list(BLUEPRINTS.values())
    unknown = [n for n in names if n not in BLUEPRINTS]
    if unknown:
        raise ValueError(f"blueprints={value!r}: unknown {', '.join(unknown)}; use 'all' or some of {', '.join(BLUEPRINTS)}")
    return [BLUEPRINTS[n] for n in dict.fromkeys(names)]
