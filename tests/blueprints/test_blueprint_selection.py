"""The ``blueprints`` context key: which blueprint stacks the app adds (none by default)."""

from __future__ import annotations

import json

import aws_cdk as cdk
import pytest
from blueprint_helpers import LOCAL_ACCOUNT, LOCAL_REGION, REPO

from stacks.app_builder import build_app
from stacks.blueprints import BLUEPRINTS, select_blueprints

STACK_NAMES = {
    "spark-etl": "CdkEmr-Blueprint-SparkEtl",
    "interactive-analytics": "CdkEmr-Blueprint-InteractiveAnalytics",
    "streaming": "CdkEmr-Blueprint-Streaming",
    "hbase": "CdkEmr-Blueprint-HBase",
    "notebooks-ml": "CdkEmr-Blueprint-NotebooksMl",
}


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, []),
        ("", []),
        ("  ", []),
        ("all", list(STACK_NAMES)),
        ("spark-etl", ["spark-etl"]),
        ("hbase, streaming", ["hbase", "streaming"]),
        ("hbase,hbase", ["hbase"]),
    ],
)
def test_select_blueprints(value: str | None, expected: list[str]) -> None:
    assert [b.name for b in select_blueprints(value)] == expected


def test_unknown_names_are_refused_with_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown spark, hbse; use 'all' or some of spark-etl, interactive-analytics"):
        select_blueprints("spark,hbse")


def test_stack_names() -> None:
    assert {name: b.stack_name for name, b in BLUEPRINTS.items()} == STACK_NAMES


def stacks_of(context_value: str | None) -> set[str]:
    context = json.loads((REPO / "cdk.json").read_text())["context"]
    if context_value is not None:
        context["blueprints"] = context_value
    app = cdk.App(context=context)
    build_app(app, profile_name="dev", env=cdk.Environment(account=LOCAL_ACCOUNT, region=LOCAL_REGION), nag=False)
    return {c.node.id for c in app.node.children if isinstance(c, cdk.Stack)}


def test_the_default_app_has_no_blueprint_and_the_context_key_adds_them() -> None:
    assert stacks_of(None) == {"CdkEmr-dev"}
    assert stacks_of("spark-etl,hbase") == {"CdkEmr-dev", "CdkEmr-Blueprint-SparkEtl", "CdkEmr-Blueprint-HBase"}
