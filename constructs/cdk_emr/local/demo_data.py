"""The demo's data stage: raw events into the deployed data bucket, the Spark ETL blueprint's job
(``jobs/spark_etl/etl.py``) as a step on the deployed cluster, curated Parquet read back.

Runs only when the local AWS runs steps for real (:mod:`cdk_emr.local.step_execution`). The raw
events are JSON lines, the job's input format; the expected result is computed by hand in
:data:`RAW_EVENTS`' comments.
"""

from __future__ import annotations

import gzip
import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdk_emr.facts.steps import spark_submit

from .step_logs import step_log_location

RAW_PREFIX = "raw/events/"
CURATED_PREFIX = "curated/events/"
JOB_KEY = "jobs/spark_etl/etl.py"
#: Eight raw lines with the malformed one: e3 twice (one kept), e6 has no timestamp and the
#: malformed line no object, so 5 curated rows: e1, e2 on 2026-07-20; e3 (epoch 1784592000 s =
#: 2026-07-21T00:00Z), e4 (08:15+02:00) on 2026-07-21; e5 (epoch 1784678400000 ms) on 2026-07-22.
RAW_EVENTS = [
    {"event_id": "e1", "user_id": "u1", "event_type": "Click", "ts": "2026-07-20T10:00:00Z", "amount": "12.5"},
    {"event_id": "e2", "user_id": "u2", "event_type": "VIEW", "ts": "2026-07-20T11:30:00Z"},
    {"event_id": "e3", "user_id": "u1", "event_type": "purchase", "ts": 1784592000, "amount": 99},
    {"event_id": "e3", "user_id": "u1", "event_type": "purchase", "ts": 1784592000, "amount": 99},
    {"event_id": "e4", "user_id": "u3", "ts": "2026-07-21T08:15:00+02:00", "amount": "n/a"},
    {"event_id": "e5", "user_id": "u2", "event_type": "Click", "ts": 1784678400000},
    {"event_id": "e6", "user_id": "u4", "event_type": "click"},
]
MALFORMED_LINE = "{not json"
STEP_POLL_SECONDS = 1.0
STEP_TIMEOUT_SECONDS = 600.0
TERMINAL = {"COMPLETED", "FAILED", "CANCELLED", "INTERRUPTED"}

Say = Callable[[str], None]


@dataclass
class DataStageResult:
    """What the data stage saw."""

    step_id: str = ""
    step_state: str = ""
    raw_lines: int = 0
    rows_per_day: dict[str, int] = field(default_factory=dict)
    rows: list[dict[str, Any]] = field(default_factory=list)


def find_etl_job(*starts: Path) -> Path | None:
    """``jobs/spark_etl/etl.py`` in one of ``starts`` or their parents."""
    for start in starts:
        for folder in (start.resolve(), *start.resolve().parents):
            candidate = folder / "jobs" / "spark_etl" / "etl.py"
            if candidate.is_file():
                return candidate
    return None


def wait_for_step(emr: Any, cluster_id: str, step_id: str, say: Say, timeout: float = STEP_TIMEOUT_SECONDS) -> dict[str, Any]:
    """Follow a step until it ends, printing each new state."""
    state, deadline = "", time.monotonic() + timeout
    while True:
        step = emr.describe_step(ClusterId=cluster_id, StepId=step_id)["Step"]
        if step["Status"]["State"] != state:
            state = step["Status"]["State"]
            say(f"           step {step_id}: {state}")
        if state in TERMINAL or time.monotonic() > deadline:
            return step
        time.sleep(STEP_POLL_SECONDS)


def read_step_log(s3: Any, log_uri: str, cluster_id: str, step_id: str, stream: str) -> str:
    """A step's log from the local S3, decompressed ('' when there is none)."""
    bucket, key = step_log_location(log_uri, cluster_id, step_id, stream)
    try:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except s3.exceptions.NoSuchKey:
        return ""
    return gzip.decompress(body).decode("utf-8", "replace")


def run_data_stage(session: Any, cluster_id: str, bucket: str, log_uri: str | None, job: Path, say: Say) -> DataStageResult:
    """Put the raw events and the job in ``bucket``, run the job as a step, read the curated table."""
    s3, emr = session.client("s3"), session.client("emr")
    result = DataStageResult()
    lines = [json.dumps(event) for event in RAW_EVENTS] + [MALFORMED_LINE]
    result.raw_lines = len(lines)
    s3.put_object(Bucket=bucket, Key=f"{RAW_PREFIX}2026-07-20.jsonl", Body=("\n".join(lines) + "\n").encode())
    s3.upload_file(str(job), bucket, JOB_KEY)
    say(f"           s3://{bucket}/{RAW_PREFIX}: {len(lines)} raw lines; job s3://{bucket}/{JOB_KEY}")
    args = spark_submit(
        f"s3://{bucket}/{JOB_KEY}", ["--input", f"s3://{bucket}/{RAW_PREFIX}", "--output", f"s3://{bucket}/{CURATED_PREFIX}"]
    )
    step = {
        "Name": "Spark ETL: raw events to curated Parquet",
        "ActionOnFailure": "CONTINUE",
        "HadoopJarStep": {"Jar": "command-runner.jar", "Args": args},
    }
    [result.step_id] = emr.add_job_flow_steps(JobFlowId=cluster_id, Steps=[step])["StepIds"]
    ended = wait_for_step(emr, cluster_id, result.step_id, say)
    result.step_state = ended["Status"]["State"]
    if result.step_state != "COMPLETED":
        reason = ended["Status"].get("FailureDetails", {}).get("Reason", "")
        say(f"           the ETL step ended {result.step_state}: {reason}")
        return result
    _read_curated(s3, bucket, result)
    say(f"           curated Parquet s3://{bucket}/{CURATED_PREFIX}: {sum(result.rows_per_day.values())} rows")
    for day, count in sorted(result.rows_per_day.items()):
        say(f"             event_date={day}: {count} rows")
    for row in result.rows[:3]:
        say(f"             {row}")
    return result


def _read_curated(s3: Any, bucket: str, result: DataStageResult) -> None:
    import pyarrow.parquet as parquet

    keys = [
        item["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=CURATED_PREFIX)
        for item in page.get("Contents", [])
        if item["Key"].endswith(".parquet")
    ]
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for index, key in enumerate(sorted(keys)):
            local = Path(tmp) / f"{index}.parquet"
            s3.download_file(bucket, key, str(local))
            day = next((part.split("=", 1)[1] for part in key.split("/") if part.startswith("event_date=")), "")
            for row in parquet.read_table(local).to_pylist():
                rows.append({**row, "event_date": day})
                result.rows_per_day[day] = result.rows_per_day.get(day, 0) + 1
    result.rows = sorted(rows, key=lambda row: str(row.get("event_id")))
