"""The Spark ETL job (jobs/spark_etl/etl.py): its record functions on tiny data, without Spark.

The end-to-end test runs the job in Spark local mode when ``pyspark`` (and Java) are installed;
the project does not install them (pyspark is ~300 MB), so CI runs the pure functions only,
which hold all of the job's record logic.
"""

from __future__ import annotations

import ast
import importlib.util
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest

from cdk_emr.local.step_commands import FAST_START_JAVA_OPTIONS

JOB = Path(__file__).resolve().parent.parent.parent / "jobs" / "spark_etl" / "etl.py"


def load_job() -> ModuleType:
    spec = importlib.util.spec_from_file_location("spark_etl_job", JOB)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


etl = load_job()


# ----- arguments --------------------------------------------------------------------------------


def test_arguments_default_the_table_and_validate_names() -> None:
    args = etl.parse_args(["--input", "s3://raw/events/", "--output", "s3://curated/events/", "--database", "lake_db"])
    assert (args.input, args.output, args.database, args.table) == (
        "s3://raw/events/",
        "s3://curated/events/",
        "lake_db",
        "events",
    )
    assert etl.parse_args(["--input", "a", "--output", "b"]).database is None
    with pytest.raises(SystemExit):
        etl.parse_args(["--input", "a", "--output", "b", "--database", "Lake-DB"])
    with pytest.raises(SystemExit):
        etl.parse_args(["--output", "b"])


# ----- parsing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, expected",
    [
        ('{"event_id": "e1"}', {"event_id": "e1"}),
        ("  {}  ", {}),
        ("", None),
        ("   ", None),
        ("not json", None),
        ("[1, 2]", None),
        ('"text"', None),
        ('{"event_id": ', None),
    ],
)
def test_parse_line_keeps_only_json_objects(line: str, expected: object) -> None:
    assert etl.parse_line(line) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2026-07-20T10:00:00Z", datetime(2026, 7, 20, 10, tzinfo=UTC)),
        ("2026-07-20T10:00:00z", datetime(2026, 7, 20, 10, tzinfo=UTC)),
        ("2026-07-20T10:00:00+02:00", datetime(2026, 7, 20, 8, tzinfo=UTC)),
        ("2026-07-21T23:30:00-02:00", datetime(2026, 7, 22, 1, 30, tzinfo=UTC)),
        ("2026-07-20T10:00:00", datetime(2026, 7, 20, 10, tzinfo=UTC)),
        ("2026-07-20T10:00:00.250Z", datetime(2026, 7, 20, 10, 0, 0, 250000, tzinfo=UTC)),
        (1784541600, datetime(2026, 7, 20, 10, tzinfo=UTC)),
        (1784541600000, datetime(2026, 7, 20, 10, tzinfo=UTC)),
        (1784541600.5, datetime(2026, 7, 20, 10, 0, 0, 500000, tzinfo=UTC)),
        ("yesterday", None),
        ("", None),
        (None, None),
        (True, None),
        ([2026], None),
        (10**30, None),
    ],
)
def test_parse_timestamp_returns_utc_or_none(value: object, expected: datetime | None) -> None:
    assert etl.parse_timestamp(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("12.5", 12.5),
        (3, 3.0),
        (0, 0.0),
        ("-1e3", -1000.0),
        ("abc", None),
        (None, None),
        (True, None),
        ("nan", None),
        ("inf", None),
        ({}, None),
    ],
)
def test_parse_amount(value: object, expected: float | None) -> None:
    assert etl.parse_amount(value) == expected


# ----- cleaning ---------------------------------------------------------------------------------


def test_clean_event_normalises_a_complete_record() -> None:
    record = {"event_id": " e1 ", "user_id": 42, "event_type": " Click ", "ts": "2026-07-20T23:59:59-01:00", "amount": "12.5"}
    assert etl.clean_event(record) == ("e1", "42", "click", datetime(2026, 7, 21, 0, 59, 59, tzinfo=UTC), 12.5, "2026-07-21")


def test_clean_event_fills_optional_fields_and_accepts_a_timestamp_key() -> None:
    assert etl.clean_event({"event_id": "e2", "timestamp": 1784541600}) == (
        "e2",
        None,
        "unknown",
        datetime(2026, 7, 20, 10, tzinfo=UTC),
        None,
        "2026-07-20",
    )


@pytest.mark.parametrize(
    "record",
    [
        {"ts": "2026-07-20T10:00:00Z"},
        {"event_id": "", "ts": "2026-07-20T10:00:00Z"},
        {"event_id": "   ", "ts": "2026-07-20T10:00:00Z"},
        {"event_id": {"nested": 1}, "ts": "2026-07-20T10:00:00Z"},
        {"event_id": "e3"},
        {"event_id": "e3", "ts": "yesterday"},
    ],
)
def test_clean_event_drops_records_without_id_or_time(record: dict[str, object]) -> None:
    assert etl.clean_event(record) is None


def test_clean_lines_keeps_the_valid_rows_in_order() -> None:
    lines = [
        '{"event_id": "e1", "ts": "2026-07-20T10:00:00Z"}',
        "garbage",
        '{"event_id": "e2", "ts": "bad"}',
        "",
        '{"event_id": "e3", "ts": 1784541600}',
    ]
    assert [row[0] for row in etl.clean_lines(lines)] == ["e1", "e3"]
    rows = list(etl.clean_lines(lines))
    assert all(len(row) == len(etl.COLUMNS) for row in rows)


def test_schema_and_table_ddl_follow_the_columns() -> None:
    assert (
        etl.spark_schema_ddl()
        == "event_id string, user_id string, event_type string, event_time timestamp, amount double, event_date string"
    )
    ddl = etl.table_ddl("lake", "events", "s3://curated/events/")
    assert ddl.startswith("CREATE TABLE IF NOT EXISTS lake.events (event_id string,")
    assert ddl.endswith("USING PARQUET PARTITIONED BY (event_date) LOCATION 's3://curated/events/'")


def test_the_job_stays_python_39_compatible() -> None:
    """EMR 7.x runs PySpark jobs on Python 3.9: no syntax or stdlib names newer than that."""
    tree = ast.parse(JOB.read_text(), feature_version=(3, 9))
    source = JOB.read_text()
    assert "datetime.UTC" not in source
    assert any(isinstance(node, ast.ImportFrom) and node.module == "__future__" for node in tree.body)


# ----- Spark local mode (only where pyspark and Java are installed) -------------------------------


def test_the_job_runs_in_spark_local_mode(tmp_path: Path) -> None:
    pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed (optional: pip install pyspark==3.5.6)")
    if shutil.which("java") is None:
        pytest.skip("Spark needs a Java runtime")
    from pyspark.sql import SparkSession

    raw = tmp_path / "raw.jsonl"
    raw.write_text(
        "\n".join(
            [
                '{"event_id": "e1", "user_id": "u1", "event_type": "Click", "ts": "2026-07-20T10:00:00Z", "amount": "12.5"}',
                '{"event_id": "e1", "user_id": "u1", "event_type": "Click", "ts": "2026-07-20T10:00:00Z", "amount": "12.5"}',
                '{"event_id": "e2", "event_type": " VIEW ", "ts": 1784541600000}',
                "not json",
                '{"event_id": "e4", "ts": "2026-07-21T23:30:00-02:00", "amount": "abc"}',
            ]
        )
    )
    spark = (
        SparkSession.builder.master("local[1]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.warehouse.dir", str(tmp_path / "warehouse"))
        # tiny data: the local AWS's fast-start JVM options and no whole-stage code generation
        # (as tests/local/test_spark_steps.py) halve the JVM's CPU; the job's results are the same
        .config("spark.driver.extraJavaOptions", FAST_START_JAVA_OPTIONS)
        .config("spark.sql.codegen.wholeStage", "false")
        .getOrCreate()
    )
    try:
        from pyspark import cloudpickle

        cloudpickle.register_pickle_by_value(etl)  # as spark-submit ships its main script's functions
        args = etl.parse_args(["--input", str(raw), "--output", str(tmp_path / "events")])
        etl.run(spark, args)
        etl.run(spark, args)  # a re-run overwrites the same days
        rows = {r["event_id"]: r for r in spark.read.parquet(str(tmp_path / "events")).collect()}
        assert set(rows) == {"e1", "e2", "e4"}
        assert rows["e2"]["event_type"] == "view" and rows["e4"]["amount"] is None
        assert str(rows["e4"]["event_date"]) == "2026-07-22"
        assert sorted(p.name for p in (tmp_path / "events").glob("event_date=*")) == [
            "event_date=2026-07-20",
            "event_date=2026-07-22",
        ]
    finally:
        spark.stop()
    assert pyspark.__version__
