"""A step's logs as EMR archives them to Amazon S3, read back and streamed (boto3 only).

Where they are (EMR Management Guide, "View log files", log files archived to Amazon S3): under
the cluster's ``LogUri``, in ``/<cluster id>/steps/<step id>/``, the files ``controller``,
``syslog``, ``stderr`` and ``stdout``, gzipped (``stderr.gz``...). A step may name its own
``LogUri`` (``StepMonitoringConfiguration``, API reference: "it takes precedence over the
cluster's logging configuration"); DescribeStep reports it.

When (Management Guide, "Configure cluster logging and debugging"): "Amazon EMR archives the log
files to Amazon S3 at 5 minute intervals", so a step's logs reach S3 up to about five minutes
after it starts or ends; :class:`LogsNotYetArchived` says so. A cluster without ``LogUri``
keeps its logs on the primary node only (``/mnt/var/log/hadoop/steps/<step id>/``).

Reading never holds a whole object: lines are decompressed as the body streams, and a tail
keeps only its last lines.
"""

from __future__ import annotations

import gzip
import io
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any, Final

from botocore.exceptions import ClientError

from cdk_emr.ops.operations import (
    InvalidInput,
    OperationError,
    StepInfo,
    aws_errors,
    describe_cluster,
    describe_step,
    list_steps,
)

STEP_LOG_STREAMS: Final = ("stderr", "stdout", "controller")
"""The step log files ``cdk-emr steps logs`` reads (EMR also writes ``syslog``)."""
ARCHIVE_INTERVAL_MINUTES: Final = 5
"""EMR archives log files to S3 every 5 minutes (Management Guide, cluster logging and debugging)."""
PRIMARY_NODE_STEP_LOGS: Final = "/mnt/var/log/hadoop/steps/{step_id}/"
"""Where the step logs are on the primary node (Management Guide, "View log files")."""
_S3_SCHEMES = ("s3://", "s3n://", "s3a://")
_NOT_FOUND = frozenset({"NoSuchKey", "404", "NotFound"})


class LogsNotYetArchived(OperationError):
    """The step's log object is not (yet) in S3."""


@dataclass(frozen=True)
class StepLog:
    """Where one log file of a step is archived."""

    cluster_id: str
    step: StepInfo
    stream: str
    bucket: str
    key: str

    @property
    def uri(self) -> str:
        """``s3://bucket/key``."""
        return f"s3://{self.bucket}/{self.key}"


def split_s3_uri(uri: str) -> tuple[str, str]:
    """``(bucket, key prefix)`` of an ``s3://`` (or ``s3n://``, ``s3a://``) URI."""
    for scheme in _S3_SCHEMES:
        if uri.startswith(scheme):
            bucket, _, key = uri[len(scheme) :].partition("/")
            if bucket:
                return bucket, key
    raise OperationError(f"{uri!r} is not an s3:// URI")


def step_log_key(log_uri: str, cluster_id: str, step_id: str, stream: str) -> tuple[str, str]:
    """``(bucket, key)`` of ``<LogUri>/<cluster id>/steps/<step id>/<stream>.gz``."""
    bucket, prefix = split_s3_uri(log_uri)
    prefix = prefix.strip("/")
    key = f"{cluster_id}/steps/{step_id}/{stream}.gz"
    return bucket, f"{prefix}/{key}" if prefix else key


def choose_step(emr: Any, cluster_id: str, step_id: str | None = None, *, failed: bool = False) -> StepInfo:
    """The step whose logs to read: ``step_id``; else the latest FAILED step with ``failed``;
    else the latest step that has started (a step cancelled before it ran has no logs)."""
    if step_id:
        return describe_step(emr, cluster_id, step_id)
    steps = list_steps(emr, cluster_id, states=["FAILED"] if failed else None)
    for step in steps:
        if failed or step.started is not None:
            return step
    if failed:
        raise OperationError(f"cluster {cluster_id} has no failed steps")
    if steps:
        raise LogsNotYetArchived(f"no step of cluster {cluster_id} has started yet: there are no step logs")
    raise OperationError(f"cluster {cluster_id} has no steps")


def locate_step_log(emr: Any, cluster_id: str, step: StepInfo, stream: str) -> StepLog:
    """Where ``stream`` of ``step`` is archived: the step's own LogUri, else the cluster's."""
    if stream not in STEP_LOG_STREAMS:
        raise InvalidInput(f"log stream {stream!r}: one of {', '.join(STEP_LOG_STREAMS)}")
    log_uri = _step_log_uri(emr, cluster_id, step.id) or describe_cluster(emr, cluster_id).get("LogUri")
    if not log_uri:
        where = PRIMARY_NODE_STEP_LOGS.format(step_id=step.id)
        raise OperationError(
            f"cluster {cluster_id} has no LogUri: EMR archives no logs to S3; step {step.id}'s logs are on the primary node "
            f"only, in {where}"
        )
    bucket, key = step_log_key(log_uri, cluster_id, step.id, stream)
    return StepLog(cluster_id, step, stream, bucket, key)


def _step_log_uri(emr: Any, cluster_id: str, step_id: str) -> str | None:
    """The step's own ``LogUri`` (StepMonitoringConfiguration), when DescribeStep reports one."""
    with aws_errors(cluster_id=cluster_id, step_id=step_id):
        step: Mapping[str, Any] = emr.describe_step(ClusterId=cluster_id, StepId=step_id)["Step"]
    return step.get("LogUri") or None


def open_step_log(s3: Any, log: StepLog) -> IO[bytes]:
    """The streaming body of the log object; :class:`LogsNotYetArchived` when it is not there."""
    with aws_errors():
        try:
            return s3.get_object(Bucket=log.bucket, Key=log.key)["Body"]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _NOT_FOUND:
                raise LogsNotYetArchived(_not_archived(log)) from None
            raise


def wait_for_step_log(
    s3: Any,
    log: StepLog,
    *,
    timeout: float,
    interval: float = 15.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Poll (HeadObject every ``interval`` seconds) until the log is in S3; :class:`LogsNotYetArchived`
    after ``timeout`` seconds. EMR archives every :data:`ARCHIVE_INTERVAL_MINUTES` minutes."""
    deadline = clock() + timeout
    while True:
        with aws_errors():
            try:
                s3.head_object(Bucket=log.bucket, Key=log.key)
                return
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") not in _NOT_FOUND:
                    raise
        remaining = deadline - clock()
        if remaining <= 0:
            raise LogsNotYetArchived(_not_archived(log))
        sleep(min(interval, remaining))


def _not_archived(log: StepLog) -> str:
    state = log.step.state
    if log.step.started is None:
        return f"step {log.step.id} is {state} and has not started: it has no logs yet"
    when = "after it ends" if log.step.finished else "while it runs"
    return (
        f"no {log.stream}.gz for step {log.step.id} ({state}) at {log.uri} yet: EMR archives step logs to S3 every "
        f"{ARCHIVE_INTERVAL_MINUTES} minutes, so they arrive up to about {ARCHIVE_INTERVAL_MINUTES} minutes {when}; "
        "try again shortly (a step that wrote nothing to this stream may have none)"
    )


def log_lines(body: IO[bytes]) -> Iterator[str]:
    """The lines of a gzipped body, decompressed as it streams (UTF-8, undecodable bytes replaced)."""
    with gzip.GzipFile(fileobj=body, mode="rb") as unzipped:
        text = io.TextIOWrapper(unzipped, encoding="utf-8", errors="replace", newline="")
        yield from text


def tail_lines(lines: Iterator[str], count: int) -> list[str]:
    """The last ``count`` lines, holding no more than ``count`` at a time."""
    if count < 0:
        raise ValueError("count must not be negative")
    return list(deque(lines, maxlen=count)) if count else []


def read_step_log(s3: Any, log: StepLog, *, tail: int | None = None) -> Iterator[str]:
    """The log's lines (the last ``tail`` lines when given), streamed from S3."""
    body = open_step_log(s3, log)
    try:
        with aws_errors():
            try:
                lines = log_lines(body)
                if tail is not None:
                    yield from tail_lines(lines, tail)
                else:
                    yield from lines
            except (OSError, EOFError) as error:  # gzip.BadGzipFile is an OSError
                raise OperationError(f"{log.uri} is not a readable gzip file: {error}") from None
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()
