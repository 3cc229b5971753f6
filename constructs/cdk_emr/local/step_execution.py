"""Steps that really run: the step runner of ``cdk-emr local serve`` and ``cdk-emr local demo``.

:class:`LocalStepRunner` implements the lifecycle's step-runner protocol
(:mod:`cdk_emr.local.lifecycle`): when EMR's state machine moves a step to RUNNING, ``start``
launches the step's command (:mod:`.step_commands`) in a thread of its own; the step stays
RUNNING while the process runs, and ``poll`` reports COMPLETED on exit 0, or FAILED with the
failure's last stderr line as the reason, once the job's outputs are back in the local S3
(:mod:`.s3_staging`) and its logs written (:mod:`.step_logs`). ``cancel`` (CancelSteps, a
cluster that terminates, the server stopping) kills the step's process group. The cluster's
state machine still decides when a step starts (step concurrency) and what its failure does
(``ActionOnFailure``). Steps it cannot run (no Java or pyspark, custom JARs, scripts without
``--allow-scripts``) are emulated as before, with a controller log saying so.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import boto3

from .accounts import access_key_for
from .lifecycle import LIFECYCLE, StepResult, TimedStepRunner
from .s3_staging import StagedBuckets
from .spark_toolchain import SparkToolchain, ToolchainSearch
from .step_commands import FAST_START_JAVA_OPTIONS, LocalCommand, NotRun, StepSettings, plan_step, spark_defaults
from .step_logs import ControllerLog, StepLogWriter, failure_line

DUMMY_SECRET = "testing"
_SESSION: list[boto3.session.Session] = []  # made on first use
_SESSION_LOCK = threading.Lock()
KILL_GRACE_SECONDS = 5.0
TICK_SECONDS = 0.5
MAX_REASON_LENGTH = 1000


@dataclass
class _Job:
    """One step's run here."""

    step_id: str
    cluster_id: str
    plan: LocalCommand | NotRun
    logs: StepLogWriter
    controller: ControllerLog = field(default_factory=ControllerLog)
    result: StepResult | None = None
    process: subprocess.Popen[bytes] | None = None
    cancelled: bool = False
    thread: threading.Thread | None = None
    emulated_logged: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


class LocalStepRunner:
    """Runs steps for real when it can (Java and pyspark found), else emulates them."""

    def __init__(
        self,
        endpoint_url: str,
        search: ToolchainSearch,
        settings: StepSettings | None = None,
        workdir: Path | None = None,
    ) -> None:
        self.endpoint_url = endpoint_url
        self.toolchain: SparkToolchain | None = search.toolchain
        self.missing = search.missing
        self.settings = settings or StepSettings()
        self._own_workdir = workdir is None
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="cdk-emr-steps-"))
        self._timed = TimedStepRunner()
        self._jobs: dict[int, _Job] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def start_ticking(self) -> None:
        """Move the clusters with work along every :data:`TICK_SECONDS`, with or without requests:
        a step that really runs starts when it is due and ends when its process ends, even when
        nobody asks (states are otherwise computed when read)."""
        if self._ticker is None:
            self._ticker = threading.Thread(target=self._tick, name="local-emr-steps", daemon=True)
            self._ticker.start()

    def _tick(self) -> None:
        from moto.emr.models import emr_backends

        while not self._stop.wait(TICK_SECONDS):
            try:
                backends = [backend for regions in list(emr_backends.values()) for backend in list(regions.values())]
                for backend in backends:
                    for cluster in list(backend.clusters.values()):
                        if any(step.is_active for step in getattr(cluster, "steps", [])):
                            cluster.refresh()
            except Exception:  # noqa: BLE001 - a state the next tick or request settles; the server goes on
                continue

    def describe(self) -> str:
        """One line for the server's start: what runs for real, or what is missing."""
        if self.toolchain is None:
            return "Steps are EMULATED (they complete by convention): missing " + "; ".join(self.missing)
        scripts = "scripts and commands run (--allow-scripts)" if self.settings.allow_scripts else "scripts emulated"
        return (
            f"Steps run for real: {self.toolchain.describe()}, driver memory {self.settings.driver_memory}; "
            f"{scripts}; work in {self.workdir}"
        )

    # --- the step-runner protocol ----------------------------------------------------------

    def start(self, step: Any, cluster: Any, at: datetime) -> None:
        with self._lock:
            if id(step) in self._jobs:
                return
            jar = step.hadoop_jar_step.get("Jar", "")
            args = step.hadoop_jar_step.get("Args", []) or []
            plan = plan_step(jar, args, settings=self.settings, toolchain=self.toolchain, missing=self.missing)
            job = _Job(step.id, cluster.id, plan, StepLogWriter(self._s3(cluster), cluster.log_uri, cluster.id, step.id))
            self._jobs[id(step)] = job
        job.controller.add("INFO", f"Step {step.id} ({step.name}) started: {shlex.join([jar, *map(str, args)])}")
        if isinstance(plan, NotRun):
            return
        job.thread = threading.Thread(target=self._run, args=(job, cluster), name=f"step-{step.id}", daemon=True)
        job.thread.start()

    def poll(self, step: Any, cluster: Any, now: datetime) -> StepResult | None:
        job = self._jobs.get(id(step))
        if job is None:
            # RUNNING but not started here: another thread is between the step's run() and start(),
            # or the step began before this runner was installed. Start it (once) and wait for it.
            self.start(step, cluster, step.start_date_time or now)
            return None
        if isinstance(job.plan, NotRun) and not job.plan.fail:
            result = self._timed.poll(step, cluster, now)
            if result is not None and not job.emulated_logged:
                job.emulated_logged = True
                job.controller.add("INFO", f"local AWS: not run, {job.plan.reason}")
                job.controller.add("INFO", f"Step emulated: {result.state} by the emulation's convention")
                job.logs.put_text("controller", job.controller.text())
            return result
        if isinstance(job.plan, NotRun):
            with job.lock:
                if job.result is None:
                    job.controller.add("WARN", f"Step failed before it ran: {job.plan.reason}")
                    job.logs.put_text("stderr", job.plan.reason + "\n")
                    job.logs.put_text("controller", job.controller.text())
                    job.result = self._failed(job, job.plan.reason)
        result = job.result
        return result if result is not None and result.ended_at <= now else None

    def cancel(self, step: Any) -> None:
        """Stop a step's job (CancelSteps, or its cluster terminating)."""
        job = self._jobs.get(id(step))
        if job is not None:
            self._kill(job)

    def shutdown(self) -> None:
        """Kill every running job and wait for them to end (the server stops or resets)."""
        jobs = list(self._jobs.values())
        for job in jobs:
            self._kill(job)
        for job in jobs:
            if job.thread is not None:
                job.thread.join(timeout=KILL_GRACE_SECONDS * 3)
        self._jobs.clear()

    def close(self) -> None:
        """Stop ticking, shut down and delete the working directory it created (metastores, step folders)."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join(timeout=5)
        self.shutdown()
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    # --- running one job ---------------------------------------------------------------------

    def _s3(self, cluster: Any) -> Any:
        # one session, its clients made one at a time: creating clients is not thread-safe, calling them is
        with _SESSION_LOCK:
            if not _SESSION:
                _SESSION.append(boto3.session.Session())
            return _SESSION[0].client(
                "s3",
                endpoint_url=self.endpoint_url,
                region_name=cluster.emr_backend.region_name,
                aws_access_key_id=access_key_for(cluster.emr_backend.account_id),
                aws_secret_access_key=DUMMY_SECRET,
            )

    def _environment(self, cluster: Any) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        region = cluster.emr_backend.region_name
        env |= {
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": access_key_for(cluster.emr_backend.account_id),
            "AWS_SECRET_ACCESS_KEY": DUMMY_SECRET,
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
            "PATH": f"{Path(self.toolchain.python).parent if self.toolchain else ''}:{env.get('PATH', '')}",
        }
        if self.toolchain is not None:
            env |= {
                "JAVA_HOME": str(self.toolchain.java_home),
                "SPARK_HOME": str(self.toolchain.spark_home),
                "PYSPARK_PYTHON": self.toolchain.python,
                "PYSPARK_DRIVER_PYTHON": self.toolchain.python,
                "SPARK_LOCAL_IP": "127.0.0.1",
            }
        return env

    def _spark_options(self, plan: LocalCommand, cluster: Any, stage: StagedBuckets) -> list[str]:
        cluster_dir = self.workdir / cluster.id
        conf = spark_defaults(cluster.configurations)  # before the step's options, as spark-defaults.conf
        enforced = {
            "spark.ui.enabled": "false",
            "spark.driver.bindAddress": "127.0.0.1",
            "spark.driver.host": "127.0.0.1",
            "spark.sql.warehouse.dir": str(cluster_dir / "warehouse"),
            "spark.hadoop.javax.jdo.option.ConnectionURL": f"jdbc:derby:;databaseName={cluster_dir / 'metastore_db'};create=true",
            **{f"spark.hadoop.{k}": v for k, v in stage.hadoop_options().items()},
        }
        java = f"{FAST_START_JAVA_OPTIONS} -Dderby.system.home={cluster_dir} {plan.java_options}".strip()
        options = [item for key, value in conf.items() for item in ("--conf", f"{key}={value}")]
        options += [item for key, value in enforced.items() for item in ("--conf", f"{key}={value}")]
        return [*options, "--driver-java-options", java]

    def _run(self, job: _Job, cluster: Any) -> None:
        plan = job.plan
        assert isinstance(plan, LocalCommand)
        workdir = self.workdir / cluster.id / "steps" / job.step_id
        workdir.mkdir(parents=True, exist_ok=True)
        stdout, stderr = workdir / "stdout", workdir / "stderr"
        stdout.touch()
        stderr.touch()
        s3 = job.logs.s3
        stage = StagedBuckets(s3, workdir / "s3")
        exit_code: int | None = None
        began = LIFECYCLE.now()
        try:
            job.controller.add("INFO", f"startExec '{shlex.join(plan.emr_command)}'")
            job.controller.add("INFO", f"Working dir {workdir}")
            job.logs.put_text("controller", job.controller.text())
            argv = self._prepare(plan, cluster, stage, workdir, job)
            job.controller.add("INFO", f"local AWS runs: {shlex.join(argv)}")
            with job.lock:
                if job.cancelled:
                    raise _Cancelled
                with stdout.open("ab") as out, stderr.open("ab") as err:
                    job.process = subprocess.Popen(
                        argv,
                        cwd=workdir,
                        env=self._environment(cluster),
                        stdin=subprocess.DEVNULL,
                        stdout=out,
                        stderr=err,
                        start_new_session=True,  # its own process group: cancel kills the JVM and Python alike
                    )
            job.controller.add("INFO", f"ProcessRunner started child process {job.process.pid}")
            exit_code = job.process.wait()
        except _Cancelled:
            pass
        except Exception as error:  # noqa: BLE001 - any failure to prepare is the step's, never the server's
            with stderr.open("a") as err:
                err.write(f"local AWS: the step could not start: {error}\n")
            exit_code = -1
        finally:
            self._finish(job, cluster, stage, exit_code, began, stdout, stderr)

    def _prepare(self, plan: LocalCommand, cluster: Any, stage: StagedBuckets, workdir: Path, job: _Job) -> list[str]:
        if plan.uses_spark:
            stage.mount()
            count = stage.stage(plan.stage)
            job.controller.add("INFO", f"local AWS: staged {count} object(s) from the local S3 under {stage.root}")
            return [*plan.head, *self._spark_options(plan, cluster, stage), *plan.tail]
        if plan.script is not None:
            bucket, key = plan.script
            target = workdir / plan.head[0].removeprefix("./")
            try:
                job.logs.s3.download_file(bucket, key, str(target))
            except Exception as error:  # noqa: BLE001
                raise RuntimeError(f"cannot fetch s3://{bucket}/{key} from the local S3: {error}") from None
            target.chmod(0o755)
            with target.open("rb") as handle:
                shebang = handle.read(2) == b"#!"
            return [str(target), *plan.head[1:]] if shebang else ["/bin/sh", str(target), *plan.head[1:]]
        return list(plan.head)

    def _finish(
        self, job: _Job, cluster: Any, stage: StagedBuckets, exit_code: int | None, began: datetime, stdout: Path, stderr: Path
    ) -> None:
        try:
            if isinstance(job.plan, LocalCommand) and job.plan.uses_spark and stage.buckets:
                uploaded, deleted = stage.sync_back()
                job.controller.add("INFO", f"local AWS: {uploaded} object(s) written, {deleted} deleted in the local S3")
        except Exception as error:  # noqa: BLE001
            with stderr.open("a") as err:
                err.write(f"local AWS: could not copy the step's output back to the local S3: {error}\n")
            exit_code = exit_code if exit_code else -1
        finally:
            stage.remove()
        seconds = max(0, round((LIFECYCLE.now() - began).total_seconds()))
        if job.cancelled:
            job.controller.add("INFO", f"Step cancelled: its process was killed after {seconds} seconds")
        elif exit_code == 0:
            job.controller.add("INFO", f"Step succeeded with exitCode 0 and took {seconds} seconds")
        else:
            job.controller.add("WARN", f"Step failed with exitCode {exit_code} and took {seconds} seconds")
        # paths in the staging directory read as the job's s3:// URIs
        staged = [(f"file:{stage.root}/", "s3://"), (f"{stage.root}/", "s3://")]
        job.logs.put_file("stdout", stdout, staged)
        job.logs.put_file("stderr", stderr, staged)
        job.logs.put_text("controller", job.controller.text())
        if exit_code == 0:
            job.result = StepResult("COMPLETED", LIFECYCLE.now())
        else:
            line = failure_line(stderr, stdout) or f"The step's command exited with code {exit_code}."
            job.result = self._failed(job, StepLogWriter.unstage(line, staged))

    @staticmethod
    def _failed(job: _Job, reason: str) -> StepResult:
        details = {"Reason": reason[:MAX_REASON_LENGTH], "Message": reason[:MAX_REASON_LENGTH]}
        log_file = job.logs.uri("stderr")
        if log_file:
            details["LogFile"] = log_file
        return StepResult("FAILED", LIFECYCLE.now(), details)

    @staticmethod
    def _kill(job: _Job) -> None:
        with job.lock:
            job.cancelled = True
            process = job.process
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return

        def force() -> None:
            if process.returncode is None:  # still not reaped by its job's thread: it ignored SIGTERM
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

        # a timer, not Popen.wait(timeout): that polls with time.sleep while the job's thread waits too
        timer = threading.Timer(KILL_GRACE_SECONDS, force)
        timer.daemon = True
        timer.start()


class _Cancelled(Exception):
    """The step was cancelled before its process started."""
