"""Spark ETL: raw JSON-lines events into cleaned, de-duplicated Parquet partitioned by day.

    spark-submit etl.py --input s3://RAW/events/ --output s3://CURATED/events/ \
        [--database lake_db --table events]

Each input line is one JSON object such as
``{"event_id": "e1", "user_id": "u1", "event_type": "Click", "ts": "2026-07-20T10:00:00Z", "amount": "12.5"}``.
A record is kept when it has an ``event_id`` and a parseable timestamp (ISO 8601, or epoch
seconds or milliseconds); the event type is lower-cased, the amount becomes a number (or null),
and ``event_date`` (UTC, ``YYYY-MM-DD``) is the partition. Duplicates of an ``event_id`` keep
one record. The run overwrites only the days it writes (dynamic partition overwrite), so it can
be re-run. With ``--database``, the output is registered as a Glue (Hive metastore) table and its
partitions are recovered.

The record functions are plain Python (no Spark) so they can be tested anywhere; only
:func:`run` and :func:`main` use Spark. The cluster runs Python 3.9: keep this file 3.9-compatible.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timezone
from typing import Any, Optional

COLUMNS = (
    ("event_id", "string"),
    ("user_id", "string"),
    ("event_type", "string"),
    ("event_time", "timestamp"),
    ("amount", "double"),
    ("event_date", "string"),
)
"""Output columns and their Spark SQL types, in order (``event_date`` is the partition column)."""

PARTITION_COLUMN = "event_date"
UNKNOWN_EVENT_TYPE = "unknown"
MILLIS_THRESHOLD = 10**11
"""Epoch values above this are milliseconds (10**11 seconds is the year 5138)."""
IDENTIFIER = re.compile(r"^[a-z0-9_]{1,255}$")

Row = tuple[Optional[str], Optional[str], str, datetime, Optional[float], str]


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """The job's arguments (``--input``, ``--output``, optional ``--database``/``--table``)."""
    parser = argparse.ArgumentParser(description="Raw JSON-lines events to partitioned Parquet.")
    parser.add_argument("--input", required=True, help="raw events: a path or prefix of JSON-lines files")
    parser.add_argument("--output", required=True, help="curated location of the Parquet table")
    parser.add_argument("--database", help="register the output as a table of this metastore (Glue) database")
    parser.add_argument("--table", default="events", help="table name (default: events)")
    args = parser.parse_args(list(argv))
    for name in ("database", "table"):
        value = getattr(args, name)
        if value is not None and not IDENTIFIER.match(value):
            parser.error(f"--{name} {value!r}: lower-case letters, digits and underscores only")
    return args


def parse_line(line: str) -> dict[str, Any] | None:
    """One JSON object from a line; None for blank, malformed or non-object lines."""
    line = line.strip()
    if not line:
        return None
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def parse_timestamp(value: Any) -> datetime | None:
    """A timezone-aware UTC datetime from ISO 8601 text or epoch seconds/milliseconds; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        seconds = value / 1000 if abs(value) >= MILLIS_THRESHOLD else value
        try:
            return datetime.fromtimestamp(seconds, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):  # fromisoformat accepts "Z" only from Python 3.11 on
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def parse_amount(value: Any) -> float | None:
    """A finite number from a number or numeric text; None otherwise."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        amount = float(value)
    except (TypeError, ValueError):
        return None
    return amount if math.isfinite(amount) else None


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


def clean_event(record: dict[str, Any]) -> Row | None:
    """The output row of one raw record, or None when it has no id or no valid timestamp."""
    event_id = _text(record.get("event_id"))
    event_time = parse_timestamp(record.get("ts", record.get("timestamp")))
    if event_id is None or event_time is None:
        return None
    event_type = (_text(record.get("event_type")) or UNKNOWN_EVENT_TYPE).lower()
    return (
        event_id,
        _text(record.get("user_id")),
        event_type,
        event_time,
        parse_amount(record.get("amount")),
        event_time.strftime("%Y-%m-%d"),
    )


def clean_lines(lines: Iterable[str]) -> Iterator[Row]:
    """The output rows of raw lines (one Spark partition), dropping invalid ones."""
    for line in lines:
        record = parse_line(line)
        if record is not None:
            row = clean_event(record)
            if row is not None:
                yield row


def spark_schema_ddl() -> str:
    """The output schema as a Spark DDL string (``event_id string, ...``)."""
    return ", ".join(f"{name} {kind}" for name, kind in COLUMNS)


def table_ddl(database: str, table: str, location: str) -> str:
    """``CREATE TABLE IF NOT EXISTS`` for the output, partitioned by day, at ``location``."""
    columns = ", ".join(f"{name} {kind}" for name, kind in COLUMNS)
    return (
        f"CREATE TABLE IF NOT EXISTS {database}.{table} ({columns}) USING PARQUET "
        f"PARTITIONED BY ({PARTITION_COLUMN}) LOCATION '{location}'"
    )


def run(spark: Any, args: argparse.Namespace) -> None:
    """Read, clean, de-duplicate and write; register the table when ``--database`` is given."""
    spark.conf.set("spark.sql.sources.partitionOverwriteMode", "dynamic")
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    lines = spark.read.text(args.input).rdd.map(lambda row: row[0])
    events = spark.createDataFrame(lines.mapPartitions(clean_lines), schema=spark_schema_ddl())
    events = events.dropDuplicates(["event_id"])
    events.write.mode("overwrite").partitionBy(PARTITION_COLUMN).parquet(args.output)
    if args.database:
        spark.sql(table_ddl(args.database, args.table, args.output))
        spark.sql(f"MSCK REPAIR TABLE {args.database}.{args.table}")


def main(argv: Sequence[str]) -> None:
    """Entry point for ``spark-submit``."""
    from pyspark.sql import SparkSession

    args = parse_args(argv)
    builder = SparkSession.builder.appName("cdk-emr-spark-etl")
    if args.database:
        builder = builder.enableHiveSupport()  # the Glue Data Catalog, through spark-hive-site
    spark = builder.getOrCreate()
    try:
        run(spark, args)
    finally:
        spark.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
