"""EMR's step logs in the local S3: ``<LogUri>/<cluster-id>/steps/<step-id>/<stream>.gz``.

Source: EMR Management Guide, "View Amazon EMR log files"
(https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-manage-view-web-log-files.html):
each step has ``controller`` (how the step was run: its command, exit code and duration),
``stdout`` and ``stderr`` (the step's own output; for a client-mode Spark step, the driver's),
archived gzip-compressed to ``<LogUri>/<cluster-id>/steps/<step-id>/``. EMR uploads them every
few minutes; the local AWS writes them once the step has ended (the controller log also when it
starts), before the step's new state is visible.
"""

from __future__ import annotations

import gzip
import os
import re
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cdk_emr.ops.operations import OperationError
from cdk_emr.ops.step_logs import step_log_key

STREAMS = ("controller", "stderr", "stdout")
#: A Spark/Hadoop log4j line (``26/12/03 12:49:41 INFO SparkContext: ...``): not the failure's own line.
_NOT_THE_FAILURE = re.compile(
    r"^(?:\d\d/\d\d/\d\d \d\d:\d\d:\d\d (?:INFO|WARN|DEBUG|TRACE) |at [\w$.<>]+\(|\.\.\. \d+ more"
    r"|Time taken: |Spark master: |Setting default log level|To adjust logging level)"
)
_ERROR_WORD = re.compile(r"error|exception", re.IGNORECASE)
_TAIL_BYTES = 64 * 1024


def step_log_location(log_uri: str, cluster_id: str, step_id: str, stream: str) -> tuple[str, str]:
    """``(bucket, key)`` of a step's ``stream`` log under the cluster's ``LogUri`` (``s3://`` or ``s3n://``)."""
    if stream not in STREAMS:
        raise ValueError(f"stream={stream!r}: one of {', '.join(STREAMS)}")
    try:
        return step_log_key(log_uri, cluster_id, step_id, stream)  # the layout `cdk-emr steps logs` reads
    except OperationError as error:
        raise ValueError(f"LogUri {log_uri!r} is not an s3:// URI") from error


def _tail_lines(path: Path) -> list[str]:
    if not path.is_file():
        return []
    with path.open("rb") as handle:
        size = handle.seek(0, 2)
        handle.seek(max(0, size - _TAIL_BYTES))
        return [line.strip() for line in handle.read().decode("utf-8", "replace").splitlines() if line.strip()]


def failure_line(stderr: Path, stdout: Path | None = None) -> str | None:
    """The failure's last line.

    From ``stderr``: the last line naming an error or exception, else the last line, leaving out
    Spark's log4j lines, Java stack frames and the Spark SQL shell's chatter. When ``stderr`` has
    none, the last line of ``stdout``: a PySpark driver's own stderr (its Python traceback) goes
    to the step's stdout, as Spark's PythonRunner merges the two streams."""
    own = [line for line in _tail_lines(stderr) if not _NOT_THE_FAILURE.match(line)]
    if own:
        errors = [line for line in own if _ERROR_WORD.search(line)]
        return (errors or own)[-1]
    lines = _tail_lines(stdout) if stdout is not None else []
    return lines[-1] if lines else None


class ControllerLog:
    """The lines of a step's ``controller`` log, timestamped like EMR's (UTC, ISO 8601)."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, level: str, message: str) -> None:
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        self.lines.append(f"{stamp} {level} {message}")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


class StepLogWriter:
    """Writes one step's logs to its cluster's ``LogUri`` in the local S3 (nothing without a LogUri)."""

    def __init__(self, s3: Any, log_uri: str | None, cluster_id: str, step_id: str) -> None:
        self.s3, self.log_uri, self.cluster_id, self.step_id = s3, log_uri, cluster_id, step_id

    def location(self, stream: str) -> tuple[str, str] | None:
        if not self.log_uri:
            return None
        try:
            return step_log_location(self.log_uri, self.cluster_id, self.step_id, stream)
        except ValueError:
            return None

    def uri(self, stream: str) -> str | None:
        location = self.location(stream)
        return f"s3://{location[0]}/{location[1]}" if location else None

    @staticmethod
    def unstage(text: str, replace: Sequence[tuple[str, str]]) -> str:
        """``text`` with each ``(old, new)`` of ``replace`` applied."""
        for old, new in replace:
            text = text.replace(old, new)
        return text

    def put_text(self, stream: str, text: str) -> None:
        """Write a small log (the controller's) gzip-compressed."""
        location = self.location(stream)
        if location:
            self._safely(lambda: self.s3.put_object(Bucket=location[0], Key=location[1], Body=gzip.compress(text.encode())))

    def put_file(self, stream: str, path: Path, replace: Sequence[tuple[str, str]] = ()) -> None:
        """Compress ``path`` line by line to a temporary file and upload it; ``replace`` maps
        ``(old, new)`` text in each line (the staging directory back to ``s3://``)."""
        location = self.location(stream)
        if not location:
            return
        pairs = [(old.encode(), new.encode()) for old, new in replace]
        with tempfile.NamedTemporaryFile(suffix=".gz") as compressed:
            with path.open("rb") if path.exists() else open(os.devnull, "rb") as source:
                with gzip.open(compressed.name, "wb") as target:
                    for line in source:
                        for old, new in pairs:
                            line = line.replace(old, new)
                        target.write(line)
            self._safely(lambda: self.s3.upload_file(compressed.name, location[0], location[1]))

    @staticmethod
    def _safely(write: Any) -> None:
        # A LogUri bucket that does not exist (or was deleted) loses the logs, as on EMR; the step goes on.
        try:
            write()
        except Exception:  # noqa: BLE001 - botocore's ClientError and connection errors alike
            pass
