"""``cdk-emr steps logs`` and cdk_emr.ops.step_logs against the local AWS (moto in-process with the
EMR emulation, and once the HTTP server with ``--endpoint-url``).

The logs are put into the local S3 where EMR archives them (EMR Management Guide, "View log
files", log files archived to Amazon S3: ``<LogUri>/<cluster id>/steps/<step id>/``, files
``controller``, ``stderr``, ``stdout`` gzipped); the emulated steps end by time and fail by the
``fail*`` script-name convention, so these tests need no Spark.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tracemalloc
from typing import Any

import pytest
import test_operations as shared
from test_cli_operate import assert_clean_error, cdk_emr
from test_operations import create_roles, run_cluster

from cdk_emr.local import LocalAws
from cdk_emr.ops import operations as ops
from cdk_emr.ops import step_logs

offline_aws = shared.offline_aws
emr = shared.emr
emr_in_time = shared.emr_in_time

LOG_BUCKET = "team-logs"
LOG_URI = f"s3://{LOG_BUCKET}/emr/"
STDERR = "".join(f"stderr line {i}\n" for i in range(1, 11))
STDOUT = "Pi is roughly 3.14158\n"
CONTROLLER = "INFO startExec 'hadoop jar command-runner.jar spark-submit ...'\nINFO Step succeeded with exitCode 0\n"


def put_log(s3: Any, cluster_id: str, step_id: str, stream: str, text: str, *, prefix: str = "emr/") -> str:
    """Put ``text`` gzipped where EMR archives the step's ``stream``; return its key."""
    key = f"{prefix}{cluster_id}/steps/{step_id}/{stream}.gz"
    s3.put_object(Bucket=LOG_BUCKET, Key=key, Body=gzip.compress(text.encode()))
    return key


def logged_cluster(emr: Any) -> str:
    ops.aws_client("s3").create_bucket(Bucket=LOG_BUCKET)
    return run_cluster(emr, LogUri=LOG_URI)


def finished_step(emr: Any, cluster_id: str, script: str = "s3://code/etl.py", **options: Any) -> str:
    step_id = ops.add_step(emr, cluster_id, ops.spark_step(script, **options))
    ops.wait_step(emr, cluster_id, step_id, interval=0)
    return step_id


def test_logs_prints_each_stream_of_a_step(emr: Any) -> None:
    cluster_id = logged_cluster(emr)
    step_id = finished_step(emr, cluster_id)
    s3 = ops.aws_client("s3")
    for stream, text in (("stderr", STDERR), ("stdout", STDOUT), ("controller", CONTROLLER)):
        put_log(s3, cluster_id, step_id, stream, text)
    result = cdk_emr("steps", "logs", cluster_id, step_id)
    assert result.exit_code == 0, result.output
    assert result.stdout == STDERR
    assert f"s3://{LOG_BUCKET}/emr/{cluster_id}/steps/{step_id}/stderr.gz" in result.stderr
    assert cdk_emr("steps", "logs", cluster_id, step_id, "--stream", "stdout").stdout == STDOUT
    assert cdk_emr("steps", "logs", cluster_id, step_id, "--stream", "controller").stdout == CONTROLLER


def test_logs_tail(emr: Any) -> None:
    cluster_id = logged_cluster(emr)
    step_id = finished_step(emr, cluster_id)
    put_log(ops.aws_client("s3"), cluster_id, step_id, "stderr", STDERR)
    result = cdk_emr("steps", "logs", cluster_id, step_id, "--tail", "3")
    assert result.exit_code == 0, result.output
    assert result.stdout == "stderr line 8\nstderr line 9\nstderr line 10\n"
    assert cdk_emr("steps", "logs", cluster_id, step_id, "--tail", "0").stdout == ""
    assert cdk_emr("steps", "logs", cluster_id, step_id, "--tail", "50").stdout == STDERR
    data = json.loads(cdk_emr("steps", "logs", cluster_id, step_id, "--tail", "1", "--json").stdout)
    assert (data["step"]["id"], data["stream"], data["lines"]) == (step_id, "stderr", ["stderr line 10\n"])


def test_a_log_uri_without_a_trailing_slash_or_with_s3n(emr: Any) -> None:
    ops.aws_client("s3").create_bucket(Bucket=LOG_BUCKET)
    for log_uri in (f"s3://{LOG_BUCKET}/emr", f"s3n://{LOG_BUCKET}/emr/"):
        cluster_id = run_cluster(emr, LogUri=log_uri)
        step_id = finished_step(emr, cluster_id)
        put_log(ops.aws_client("s3"), cluster_id, step_id, "stdout", STDOUT)
        assert cdk_emr("steps", "logs", cluster_id, step_id, "--stream", "stdout").stdout == STDOUT, log_uri


def test_without_step_the_latest_step_that_ran_and_with_failed_the_latest_failure(emr_in_time: Any) -> None:
    emr = emr_in_time
    cluster_id = logged_cluster(emr)
    s3 = ops.aws_client("s3")
    done = finished_step(emr, cluster_id)
    failed = ops.add_step(emr, cluster_id, ops.spark_step("s3://code/fail_job.py", action_on_failure="CANCEL_AND_WAIT"))
    # CANCEL_AND_WAIT cancels the steps pending behind the failure: they never start, so they have no logs
    cancelled = finished_step(emr, cluster_id, "s3://code/next.py")
    assert [ops.describe_step(emr, cluster_id, s).state for s in (done, failed, cancelled)] == [
        "COMPLETED",
        "FAILED",
        "CANCELLED",
    ]
    put_log(s3, cluster_id, done, "stderr", "from the completed step\n")
    put_log(s3, cluster_id, failed, "stderr", "Traceback: from the failed step\n")
    assert cdk_emr("steps", "logs", cluster_id).stdout == "Traceback: from the failed step\n"
    later = finished_step(emr, cluster_id)
    put_log(s3, cluster_id, later, "stderr", "from the later step\n")
    assert cdk_emr("steps", "logs", cluster_id).stdout == "from the later step\n"
    result = cdk_emr("steps", "logs", cluster_id, "--failed")
    assert result.stdout == "Traceback: from the failed step\n" and failed in result.stderr


def test_a_log_not_archived_yet_says_emr_pushes_every_five_minutes(emr: Any) -> None:
    cluster_id = logged_cluster(emr)
    step_id = finished_step(emr, cluster_id)
    assert_clean_error(
        cdk_emr("steps", "logs", cluster_id, step_id),
        1,
        f"Error: no stderr.gz for step {step_id} (COMPLETED) at s3://{LOG_BUCKET}/emr/{cluster_id}/steps/{step_id}/stderr.gz",
        "every 5 minutes",
    )


def test_a_step_that_has_not_started_has_no_logs(emr_in_time: Any) -> None:
    cluster_id = logged_cluster(emr_in_time)
    step_id = ops.add_step(emr_in_time, cluster_id, ops.spark_step("s3://code/etl.py"))
    assert_clean_error(cdk_emr("steps", "logs", cluster_id, step_id), 1, f"step {step_id} is PENDING and has not started")
    assert_clean_error(cdk_emr("steps", "logs", cluster_id), 1, "no step of cluster", "has started yet")


def test_a_cluster_without_log_uri_keeps_its_logs_on_the_primary_node(emr: Any) -> None:
    cluster_id = run_cluster(emr)
    step_id = finished_step(emr, cluster_id)
    assert_clean_error(
        cdk_emr("steps", "logs", cluster_id, step_id),
        1,
        f"cluster {cluster_id} has no LogUri",
        f"/mnt/var/log/hadoop/steps/{step_id}/",
    )


@pytest.mark.parametrize(
    ("args", "exit_code", "message"),
    [
        (["STEP", "--stream", "syslog"], 2, "Invalid value for '--stream'"),
        (["STEP", "--tail", "-1"], 2, "Invalid value for '--tail'"),
        (["STEP", "--failed"], 2, "give STEP or --failed, not both"),
        (["s-NOPE"], 1, "step s-NOPE not found on cluster"),
        (["--failed"], 1, "has no failed steps"),
    ],
)
def test_bad_input_and_unknown_steps(emr: Any, args: list[str], exit_code: int, message: str) -> None:
    cluster_id = logged_cluster(emr)
    step_id = finished_step(emr, cluster_id)
    assert_clean_error(cdk_emr("steps", "logs", cluster_id, *[step_id if a == "STEP" else a for a in args]), exit_code, message)


def test_a_cluster_without_steps(emr: Any) -> None:
    cluster_id = logged_cluster(emr)
    assert_clean_error(cdk_emr("steps", "logs", cluster_id), 1, f"cluster {cluster_id} has no steps")


def test_an_object_that_is_not_gzip(emr: Any) -> None:
    cluster_id = logged_cluster(emr)
    step_id = finished_step(emr, cluster_id)
    key = f"emr/{cluster_id}/steps/{step_id}/stderr.gz"
    ops.aws_client("s3").put_object(Bucket=LOG_BUCKET, Key=key, Body=b"plain text")
    assert_clean_error(cdk_emr("steps", "logs", cluster_id, step_id), 1, "is not a readable gzip file")


class ChunkedBody(io.RawIOBase):
    """A streaming body that serves ``read(n)`` only, and records the largest read."""

    def __init__(self, data: bytes) -> None:
        self.data = io.BytesIO(data)
        self.largest_read = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        assert size is not None and size >= 0, "the whole object was asked for"
        self.largest_read = max(self.largest_read, size)
        return self.data.read(size)

    def readinto(self, buffer: Any) -> int:  # pragma: no cover - GzipFile calls read()
        chunk = self.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


class OneObject:
    """An S3 client answering GetObject with ``body`` (to watch how the reader consumes it)."""

    def __init__(self, body: ChunkedBody) -> None:
        self.body = body

    def get_object(self, **_: Any) -> dict[str, Any]:
        return {"Body": self.body}


def test_tail_streams_a_big_log_in_bounded_memory() -> None:
    count = 60_000  # ~4.5 MB of text, ~2.5 MB gzipped (hex digests barely compress)
    lines = [f"{i} {hashlib.sha256(str(i).encode()).hexdigest()}\n" for i in range(count)]
    compressed = gzip.compress("".join(lines).encode())
    del lines
    body = ChunkedBody(compressed)
    step = ops.StepInfo("s-1", "big", "FAILED", "CONTINUE", "command-runner.jar", (), None, None, None, None)
    log = step_logs.StepLog("j-1", step, "stderr", "b", "k")
    tracemalloc.start()
    try:
        tail = list(step_logs.read_step_log(OneObject(body), log, tail=2))  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    expected = [f"{i} {hashlib.sha256(str(i).encode()).hexdigest()}\n" for i in (count - 2, count - 1)]
    assert tail == expected
    assert body.largest_read <= 1 << 20, body.largest_read
    assert peak < 1024 * 1024, f"peak {peak} bytes for a {len(compressed)}-byte object"


def test_logs_against_a_local_server_with_endpoint_url() -> None:
    with LocalAws(time_scale=0) as aws:
        create_roles(aws.client("iam"))
        aws.client("s3").create_bucket(Bucket=LOG_BUCKET)
        emr = aws.client("emr")
        cluster_id = run_cluster(emr, LogUri=LOG_URI)
        step_id = emr.add_job_flow_steps(JobFlowId=cluster_id, Steps=[ops.spark_step("s3://code/etl.py").to_api()])["StepIds"][0]
        put_log(aws.client("s3"), cluster_id, step_id, "stdout", STDOUT)
        result = cdk_emr(
            "steps",
            "logs",
            cluster_id,
            step_id,
            "--stream",
            "stdout",
            "--endpoint-url",
            aws.endpoint_url,
            "--region",
            "us-east-1",
        )
        assert result.exit_code == 0, result.output
        assert result.stdout == STDOUT


class FakeTime:
    """A clock that sleeping moves; ``on_sleep`` runs at each sleep."""

    def __init__(self, on_sleep: Any) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self.on_sleep = on_sleep

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        self.on_sleep(len(self.sleeps))


def test_waiting_for_emr_to_archive_a_log(emr: Any) -> None:
    cluster_id = logged_cluster(emr)
    step_id = finished_step(emr, cluster_id)
    s3 = ops.aws_client("s3")
    log = step_logs.locate_step_log(emr, cluster_id, ops.describe_step(emr, cluster_id, step_id), "stderr")
    arrives = FakeTime(lambda n: n == 3 and put_log(s3, cluster_id, step_id, "stderr", STDERR))
    step_logs.wait_for_step_log(s3, log, timeout=330, interval=15, sleep=arrives.sleep, clock=arrives.clock)
    assert arrives.sleeps == [15, 15, 15]
    never = FakeTime(lambda n: None)
    other = step_logs.locate_step_log(emr, cluster_id, ops.describe_step(emr, cluster_id, step_id), "stdout")
    with pytest.raises(step_logs.LogsNotYetArchived, match="every 5 minutes"):
        step_logs.wait_for_step_log(s3, other, timeout=40, interval=15, sleep=never.sleep, clock=never.clock)
    assert never.sleeps == [15, 15, 10]
