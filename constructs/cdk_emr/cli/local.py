"""``cdk-emr local``: the embedded AWS (moto + EMR emulation) on this machine."""

from __future__ import annotations

import re
from pathlib import Path

import click

from cdk_emr.ops.templates import TemplateLoadError

_JVM_MEMORY = re.compile(r"^[1-9]\d*[kmgt]?$", re.IGNORECASE)


def _jvm_memory(_: click.Context, __: click.Parameter, value: str) -> str:
    """A JVM memory size as spark-submit's --driver-memory takes it (512m, 2g)."""
    if not _JVM_MEMORY.match(value):
        raise click.BadParameter(f"{value!r}: a JVM memory size such as 512m or 2g")
    return value


@click.group()
def local() -> None:
    """Deploy to and run the embedded local AWS (no AWS account needed)."""


@local.command()
@click.argument("cdk_out", type=click.Path(path_type=Path), default=Path("cdk.out"))
@click.option("--stack", help="Stack to deploy when CDK_OUT holds several.")
@click.option(
    "--deployer",
    type=click.Choice(["cdk", "boto3"]),
    default="cdk",
    show_default=True,
    help="The real cdk CLI (npx cdk) or boto3 CloudFormation.",
)
@click.option(
    "--cdk-command",
    help="How to run the cdk CLI. Default: node_modules/.bin/cdk of the project holding CDK_OUT (or the current "
    "folder), else cdk on PATH.",
)
@click.option("--keep-cluster", is_flag=True, help="Skip the final termination.")
@click.option("--emulate-steps", is_flag=True, help="Do not run steps for real even when Java and pyspark are present.")
@click.option(
    "--driver-memory",
    default="512m",
    show_default=True,
    callback=_jvm_memory,
    help="Spark driver memory of every step (local mode).",
)
def demo(
    cdk_out: Path,
    stack: str | None,
    deployer: str,
    cdk_command: str | None,
    keep_cluster: bool,
    emulate_steps: bool,
    driver_memory: str,
) -> None:
    """Deploy CDK_OUT to a fresh local AWS, run a step, process data, rescale, terminate, and stop the server."""
    from cdk_emr.local.demo import DemoError, run_demo
    from cdk_emr.local.step_commands import StepSettings

    try:
        run_demo(
            cdk_out,
            stack=stack,
            deployer=deployer,
            cdk_command=cdk_command,
            terminate=not keep_cluster,
            say=click.echo,
            run_steps=not emulate_steps,
            step_settings=StepSettings(driver_memory=driver_memory),
        )
    except (DemoError, TemplateLoadError) as error:
        raise click.ClickException(str(error)) from None


@local.command()
@click.option("--port", type=int, default=0, show_default=True, help="Port on 127.0.0.1 (0: a free one).")
@click.option(
    "--time-scale",
    type=click.FloatRange(min=0),
    default=0.01,
    show_default=True,
    help="How fast EMR states pass: AWS's typical durations times this (1: as on AWS; 0.01: a cluster starts in about 4 s).",
)
@click.option(
    "--allow-scripts",
    is_flag=True,
    help="Run script-runner.jar scripts and command-runner.jar commands other than Spark and Hive (they run as you, "
    "on this machine, each in its own working directory). Without it they are emulated.",
)
@click.option("--emulate-steps", is_flag=True, help="Do not run steps for real even when Java and pyspark are present.")
@click.option(
    "--driver-memory",
    default="512m",
    show_default=True,
    callback=_jvm_memory,
    help="Spark driver memory of every step (local mode: the whole job's memory).",
)
def serve(port: int, time_scale: float, allow_scripts: bool, emulate_steps: bool, driver_memory: str) -> None:
    """Run the local AWS until Ctrl-C, for your own boto3, AWS CLI or cdk deploy.

    Steps run for real (Spark local mode on the local S3's data, EMR's step logs in the cluster's
    LogUri) when Java and pyspark are installed; the server says at start which, or what is missing."""
    from cdk_emr.local.demo import serve as run_server
    from cdk_emr.local.step_commands import StepSettings

    run_server(
        port,
        say=click.echo,
        time_scale=time_scale,
        run_steps=not emulate_steps,
        step_settings=StepSettings(allow_scripts=allow_scripts, driver_memory=driver_memory),
    )
