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
