"""Time in the local EMR: a clock, how long each state lasts, and the step runner.

EMR clusters and steps move through their states with time, not with reads. Each state lasts
a typical AWS duration (:class:`Durations`, seconds on AWS) multiplied by the time scale, so
``time_scale=0.01`` turns a five-minute start into three seconds. States are computed when
they are read: nothing runs in the background (except steps that really run: their runner
moves their clusters along, see :mod:`cdk_emr.local.step_execution`).

The step runner is the one place that decides how long a step runs and how it ends.
:class:`TimedStepRunner` follows the failure convention of the emulation (a step whose jar or
an argument names a ``fail*`` file fails); a runner that really executes steps (Spark in a
subprocess: :class:`cdk_emr.local.step_execution.LocalStepRunner`) implements the same methods
and is installed with :func:`configure`.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from moto.core.utils import utcnow

#: A step FAILS when its jar or one of its arguments names a file whose name starts with
#: ``fail`` (``s3://bucket/jobs/fail.py``, ``fail-job.jar``...).
FAILING_STEP_PATTERN = re.compile(r"(?:^|/)fail[^/]*\.\w+$", re.IGNORECASE)

#: Default time scale of ``cdk-emr local serve`` and the demo: a cluster starts in about 4 s.
DEFAULT_TIME_SCALE = 0.01


@dataclass(frozen=True)
class Durations:
    """Typical durations on AWS, in seconds (an emulation choice, not an EMR guarantee)."""

    starting: float = 300.0
    bootstrapping: float = 120.0
    step_pending: float = 10.0
    step_running: float = 60.0
    resizing: float = 120.0
    terminating: float = 60.0


class Clock(Protocol):
    """Where the emulation reads the time."""

    def now(self) -> datetime: ...


class SystemClock:
    """The machine's clock (UTC, naive, as moto stores datetimes)."""

    def now(self) -> datetime:
        return utcnow()


class ManualClock:
    """A clock that moves only when told to, for tests: ``clock.advance(seconds)``."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or utcnow()

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)


@dataclass(frozen=True)
class StepResult:
    """How a step ended: ``COMPLETED`` or ``FAILED`` (with EMR's ``FailureDetails``), and when."""

    state: str
    ended_at: datetime
    failure_details: dict[str, str] | None = None


class StepRunner(Protocol):
    """Runs steps. ``start`` is called when a step goes RUNNING; ``poll`` returns its result
    once it has ended at or before ``now`` (else ``None``); ``cancel`` stops a running step
    (CancelSteps, or its cluster terminating)."""

    def start(self, step: Any, cluster: Any, at: datetime) -> None: ...

    def poll(self, step: Any, cluster: Any, now: datetime) -> StepResult | None: ...

    def cancel(self, step: Any) -> None: ...


class TimedStepRunner:
    """Steps run for ``Durations.step_running`` (scaled) and fail by the ``fail*`` convention."""

    def start(self, step: Any, cluster: Any, at: datetime) -> None:
        """Nothing to launch: the outcome depends only on time and the step's arguments."""

    def cancel(self, step: Any) -> None:
        """Nothing to stop."""

    def poll(self, step: Any, cluster: Any, now: datetime) -> StepResult | None:
        ended_at = step.start_date_time + LIFECYCLE.duration("step_running")
        if ended_at > now:
            return None
        arguments = [step.jar, *step.args]
        if not any(FAILING_STEP_PATTERN.search(str(value)) for value in arguments):
            return StepResult("COMPLETED", ended_at)
        details = {
            "Reason": "Unknown Error.",
            "Message": "The step failed (emulated: its jar or arguments name a 'fail*' file).",
        }
        if cluster.log_uri:
            details["LogFile"] = f"{cluster.log_uri.rstrip('/')}/{cluster.id}/steps/{step.id}/stderr.gz"
        return StepResult("FAILED", ended_at, details)


@dataclass
class Lifecycle:
    """The emulation's time settings: clock, time scale, durations and step runner."""

    clock: Clock = field(default_factory=SystemClock)
    time_scale: float = DEFAULT_TIME_SCALE
    durations: Durations = field(default_factory=Durations)
    step_runner: StepRunner = field(default_factory=TimedStepRunner)

    def now(self) -> datetime:
        return self.clock.now()

    def duration(self, name: str) -> timedelta:
        """How long a state lasts here: the AWS duration times the time scale."""
        return timedelta(seconds=getattr(self.durations, name) * self.time_scale)


LIFECYCLE = Lifecycle()
_lock = threading.Lock()


def configure(**changes: Any) -> Lifecycle:
    """Change the time settings (``clock``, ``time_scale``, ``durations``, ``step_runner``)."""
    global LIFECYCLE
    with _lock:
        if "time_scale" in changes and not changes["time_scale"] >= 0:
            raise ValueError(f"time_scale={changes['time_scale']!r}: must be 0 or more")
        new = replace(LIFECYCLE, **changes)
        LIFECYCLE.clock, LIFECYCLE.time_scale = new.clock, new.time_scale
        LIFECYCLE.durations, LIFECYCLE.step_runner = new.durations, new.step_runner
    return LIFECYCLE


def reset() -> None:
    """Back to the defaults (system clock, :data:`DEFAULT_TIME_SCALE`, timed steps)."""
    configure(clock=SystemClock(), time_scale=DEFAULT_TIME_SCALE, durations=Durations(), step_runner=TimedStepRunner())
