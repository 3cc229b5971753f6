"""The shapes of EMR steps: the JARs EMR provides and the argument lists of its step kinds
(standard library only), for the constructs' steps and ``cdk-emr steps add`` alike.

Sources: EMR Management Guide, "Run commands and scripts on an Amazon EMR cluster"
(``command-runner.jar`` runs a command; ``script-runner.jar``, at
``s3://<region>.elasticmapreduce/libs/script-runner/script-runner.jar``, runs a script from S3);
EMR Release Guide, "Add a Spark step" (``spark-submit --deploy-mode cluster|client ... script
args``) and "Hive" steps (``hive-script --run-hive-script --args -f s3://script -d NAME=VALUE``);
botocore's EMR model, StepConfig.ActionOnFailure (TERMINATE_JOB_FLOW is the deprecated name of
TERMINATE_CLUSTER).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

COMMAND_RUNNER: Final = "command-runner.jar"
SCRIPT_RUNNER: Final = "s3://{region}.elasticmapreduce/libs/script-runner/script-runner.jar"
ACTIONS_ON_FAILURE: Final = ("CONTINUE", "CANCEL_AND_WAIT", "TERMINATE_CLUSTER")

#: The Spark examples JAR on every node, as the EMR Release Guide's "Add a Spark step" submits it
#: (``--class org.apache.spark.examples.SparkPi <jar> 10``): ``/usr/lib/spark/examples/jars/`` since
#: Spark 2 (EMR 5.0.0), ``/usr/lib/spark/lib/`` in the guide's older revisions.
SPARK_EXAMPLES_JARS: Final = (
    "/usr/lib/spark/examples/jars/spark-examples.jar",
    "/usr/lib/spark/lib/spark-examples.jar",
)
SPARK_PI_CLASS: Final = "org.apache.spark.examples.SparkPi"


def script_runner(region: str) -> str:
    """The script-runner JAR of ``region``."""
    return SCRIPT_RUNNER.format(region=region)


def spark_submit(
    script: str, args: Sequence[str] = (), *, deploy_mode: str = "cluster", submit_args: Sequence[str] = ()
) -> list[str]:
    """``spark-submit --deploy-mode MODE [submit_args] SCRIPT [args]`` (run by command-runner.jar)."""
    return ["spark-submit", "--deploy-mode", deploy_mode, *submit_args, script, *args]


def hive_script(script: str, variables: Mapping[str, str] | None = None) -> list[str]:
    """``hive-script --run-hive-script --args -f SCRIPT [-d NAME=VALUE]...`` (run by command-runner.jar)."""
    command = ["hive-script", "--run-hive-script", "--args", "-f", script]
    for name, value in (variables or {}).items():
        command += ["-d", f"{name}={value}"]
    return command


# --- reading step argument lists back (the local AWS runs them) ---------------------------------

#: ``spark-submit`` options that take a value, as ``spark-submit --help`` of Spark 3.5 lists them
#: (``--conf``/``-c`` too); every other option is a switch. ``--opt=value`` is accepted as well.
SPARK_SUBMIT_VALUE_OPTIONS: Final = frozenset(
    {
        "--master",
        "--deploy-mode",
        "--class",
        "--name",
        "--jars",
        "--packages",
        "--exclude-packages",
        "--repositories",
        "--py-files",
        "--files",
        "--archives",
        "--conf",
        "-c",
        "--properties-file",
        "--driver-memory",
        "--driver-java-options",
        "--driver-library-path",
        "--driver-class-path",
        "--executor-memory",
        "--proxy-user",
        "--remote",
        "--driver-cores",
        "--kill",
        "--status",
        "--total-executor-cores",
        "--executor-cores",
        "--num-executors",
        "--principal",
        "--keytab",
        "--queue",
    }
)
HIVE_SCRIPT_PREFIX: Final = tuple(hive_script("")[:3])
"""``hive-script --run-hive-script --args``: what precedes Hive's own arguments in a Hive step."""


class StepArgumentError(ValueError):
    """A step's argument list does not have the shape its command needs."""


def split_spark_submit(arguments: Sequence[str]) -> tuple[list[tuple[str, str | None]], str, list[str]]:
    """``spark-submit`` arguments (without the command) as ``(options, application, app_args)``.

    ``options`` keeps each option with its value (``None`` for switches), in order; the
    application is the first argument that is not an option; what follows is the application's.
    Raises :class:`StepArgumentError` for an option missing its value or no application."""
    options: list[tuple[str, str | None]] = []
    index = 0
    while index < len(arguments):
        argument = arguments[index]
        if not argument.startswith("-"):
            return options, argument, list(arguments[index + 1 :])
        name, equals, value = argument.partition("=")
        if name in SPARK_SUBMIT_VALUE_OPTIONS:
            if not equals:
                if index + 1 >= len(arguments):
                    raise StepArgumentError(f"spark-submit: option {name} needs a value")
                value = arguments[index + 1]
                index += 1
            options.append((name, value))
        else:
            options.append((argument, None))
        index += 1
    raise StepArgumentError("spark-submit: no application (a .py file, a JAR or an example) follows the options")
