"""What the local AWS runs for an EMR step: the step's own command, in Spark local mode.

=========================================================  ==============================================
Step (shapes: :mod:`cdk_emr.facts.steps`)                   Runs here
=========================================================  ==============================================
``command-runner.jar spark-submit [opts] APP [args]``       ``spark-submit --master local[*]`` (client mode:
                                                            ``--deploy-mode``/``--master`` are replaced, the
                                                            driver memory is the server's), APP and
                                                            ``--py-files``/``--files``/``--jars`` read from
                                                            ``s3://`` by Spark itself (:mod:`.s3_staging`)
``command-runner.jar spark-example SparkPi [n]``            a PySpark SparkPi (π by Monte Carlo); the
(and ``spark-submit --class ...SparkPi`` of the node's      other examples are not shipped with pyspark
examples JAR)
``command-runner.jar hive-script --run-hive-script          ``spark-sql -f ...`` (Spark SQL with Hive
--args -f s3://... [-d N=V]`` (and ``hive ...``)            support, metastore: a Derby database per cluster)
``script-runner.jar s3://.../script.sh [args]``             the script, in its own working directory, only
                                                            with ``cdk-emr local serve --allow-scripts``
``command-runner.jar <other command> [args]``               the command, only with ``--allow-scripts``
anything else (custom JARs)                                 emulated (:class:`~cdk_emr.local.lifecycle.TimedStepRunner`)
=========================================================  ==============================================

The cluster's ``spark-defaults`` configuration is passed as ``--conf`` before the step's own
options, as EMR writes it to ``spark-defaults.conf``. Spark binds to 127.0.0.1 and its web UI is
off. A malformed argument list is the step's failure, never the server's.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cdk_emr.facts.steps import (
    COMMAND_RUNNER,
    HIVE_SCRIPT_PREFIX,
    SCRIPT_RUNNER,
    SPARK_EXAMPLES_JARS,
    SPARK_PI_CLASS,
    StepArgumentError,
    split_spark_submit,
)

from .s3_staging import s3_locations, split_s3_uri
from .spark_toolchain import SparkToolchain

#: ``s3://<region>.elasticmapreduce/libs/script-runner/script-runner.jar`` of any region.
SCRIPT_RUNNER_JAR = re.compile("^" + re.escape(SCRIPT_RUNNER).replace(re.escape("{region}"), "[a-z0-9-]+") + "$")
SPARK_PI = Path(__file__).resolve().parent / "spark_examples" / "spark_pi.py"
#: Options of the step that the local mode replaces.
REPLACED_SPARK_OPTIONS = frozenset({"--master", "--deploy-mode", "--driver-memory"})
#: Faster JVM start for small local jobs (C1 compiler only, serial GC); the step's own options follow.
FAST_START_JAVA_OPTIONS = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1"


@dataclass(frozen=True)
class StepSettings:
    """How the local AWS runs steps (``cdk-emr local serve`` options)."""

    allow_scripts: bool = False
    """Run ``script-runner.jar`` scripts and other commands (they run as you, on this machine)."""
    driver_memory: str = "512m"
    """``spark-submit --driver-memory`` of every Spark step (local mode: the whole job's memory)."""
    master: str = "local[*]"


@dataclass
class LocalCommand:
    """A step's command as it runs here."""

    kind: str
    """``spark`` (spark-submit), ``hive`` (spark-sql), ``script`` or ``command``."""
    emr_command: list[str]
    """The command as EMR runs it (for the controller log)."""
    head: list[str]
    """The local program and its leading options (Spark options are appended by the runner)."""
    tail: list[str] = field(default_factory=list)
    """What follows the runner's Spark options: the step's own options, application and arguments."""
    stage: list[tuple[str, str]] = field(default_factory=list)
    """``(bucket, prefix)`` to copy from the local S3 before the step (Spark and Hive steps)."""
    script: tuple[str, str] | None = None
    """``(bucket, key)`` of a script-runner script, downloaded into the working directory."""
    java_options: str = ""

    @property
    def uses_spark(self) -> bool:
        return self.kind in ("spark", "hive")


@dataclass(frozen=True)
class NotRun:
    """A step that is emulated (``fail`` False) or fails at once (``fail`` True), and why."""

    reason: str
    fail: bool = False


def plan_step(
    jar: str,
    args: Sequence[str],
    *,
    settings: StepSettings,
    toolchain: SparkToolchain | None,
    missing: Sequence[str] = (),
) -> LocalCommand | NotRun:
    """The local command of a step (``HadoopJarStep`` ``Jar`` and ``Args``), or why it is not run."""
    args = [str(a) for a in args]
    if SCRIPT_RUNNER_JAR.match(jar):
        return _script_runner(jar, args, settings)
    if jar != COMMAND_RUNNER and not jar.endswith("/" + COMMAND_RUNNER):
        return NotRun(f"a custom JAR ({jar}) is emulated: the local AWS runs command-runner.jar and script-runner.jar steps")
    if not args:
        return NotRun("command-runner.jar: no command in the step's arguments", fail=True)
    command = args[0]
    if command in ("spark-submit", "spark-example", "hive-script", "hive"):
        if toolchain is None:
            return NotRun(f"{command} is emulated: missing {'; '.join(missing)}")
        try:
            if command == "spark-submit":
                return _spark_submit(args, settings, toolchain)
            if command == "spark-example":
                return _spark_example(args, settings, toolchain)
            return _hive(args, toolchain)
        except StepArgumentError as error:
            return NotRun(str(error), fail=True)
    if not settings.allow_scripts:
        return NotRun(
            f"command-runner.jar {command}: emulated (commands other than Spark and Hive run only with --allow-scripts)"
        )
    return LocalCommand("command", args, list(args))


def _spark_submit(args: list[str], settings: StepSettings, toolchain: SparkToolchain) -> LocalCommand:
    options, application, app_args = split_spark_submit(args[1:])
    if application in SPARK_EXAMPLES_JARS:
        main_class = dict(options).get("--class")
        if main_class != SPARK_PI_CLASS:
            raise StepArgumentError(
                f"{application} --class {main_class}: only SparkPi runs locally (pyspark ships no examples JAR)"
            )
        application, options = str(SPARK_PI), [(name, value) for name, value in options if name != "--class"]
    kept: list[str] = []
    java_options = ""
    for name, value in options:
        if name in REPLACED_SPARK_OPTIONS:
            continue
        if name == "--driver-java-options":
            java_options = value or ""
            continue
        kept += [name] if value is None else [name, value]
    return LocalCommand(
        "spark",
        args,
        [toolchain.spark_submit, "--master", settings.master, "--driver-memory", settings.driver_memory],
        tail=[*kept, application, *app_args],
        stage=s3_locations(args[1:]),
        java_options=java_options,
    )


def _spark_example(args: list[str], settings: StepSettings, toolchain: SparkToolchain) -> LocalCommand:
    if len(args) < 2 or args[1] != "SparkPi":
        example = args[1] if len(args) > 1 else "(none)"
        raise StepArgumentError(f"spark-example {example}: only SparkPi runs locally (pyspark ships no examples JAR)")
    return LocalCommand(
        "spark",
        args,
        [toolchain.spark_submit, "--master", settings.master, "--driver-memory", settings.driver_memory],
        tail=[str(SPARK_PI), *args[2:]],
    )


def _hive(args: list[str], toolchain: SparkToolchain) -> LocalCommand:
    if args[0] == "hive-script":
        if tuple(args[: len(HIVE_SCRIPT_PREFIX)]) != HIVE_SCRIPT_PREFIX:
            raise StepArgumentError(
                f"hive-script: expected {' '.join(HIVE_SCRIPT_PREFIX)} then Hive's arguments, got {shlex.join(args)}"
            )
        hive_args = args[len(HIVE_SCRIPT_PREFIX) :]
    else:
        hive_args = args[1:]
    if not hive_args:
        raise StepArgumentError("hive: no script (-f) or query (-e) in the step's arguments")
    return LocalCommand("hive", args, [toolchain.spark_sql], tail=hive_args, stage=s3_locations(hive_args))


def _script_runner(jar: str, args: list[str], settings: StepSettings) -> LocalCommand | NotRun:
    if not settings.allow_scripts:
        return NotRun("script-runner.jar: emulated (scripts run only when the local AWS is started with --allow-scripts)")
    if not args:
        return NotRun("script-runner.jar: the first argument must be the script's s3:// URI", fail=True)
    try:
        bucket, key = split_s3_uri(args[0])
    except ValueError as error:
        return NotRun(f"script-runner.jar: {error}", fail=True)
    name = Path(key).name or "script"
    return LocalCommand("script", [jar, *args], [f"./{name}", *args[1:]], script=(bucket, key))


def spark_defaults(configurations: Sequence[Mapping[str, object]] | None) -> dict[str, str]:
    """The cluster's ``spark-defaults`` classification properties."""
    found: dict[str, str] = {}
    for configuration in configurations or []:
        if configuration.get("Classification") == "spark-defaults":
            properties = configuration.get("Properties") or {}
            if isinstance(properties, Mapping):
                found.update({str(k): str(v) for k, v in properties.items()})
    return found
