"""``cdk-emr steps add | list | wait``: submit and follow work on a running cluster.

``steps wait`` exits with the step's final state: 0 COMPLETED, 1 FAILED, 2 CANCELLED or
INTERRUPTED, or still unfinished at ``--timeout``. Errors (unknown cluster or step, no
credentials...) exit 1, bad input 2 (see :mod:`cdk_emr.cli.aws`).
"""

from __future__ import annotations

import time

import click
from rich.console import Console
from rich.markup import escape
from rich.status import Status
from rich.table import Table

from cdk_emr.cli.aws import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    Aws,
    cluster_command,
    duration,
    echo_json,
    listing_options,
    styled,
    timestamp,
)
from cdk_emr.cli.output import stdout_console
from cdk_emr.ops.operations import (
    ACTIONS_ON_FAILURE,
    FINAL_STEP_STATES,
    StepInfo,
    StepSpec,
    WaitTimeout,
    add_step,
    command_step,
    hive_step,
    latest_step,
    list_steps,
    script_step,
    spark_step,
    wait_step,
)

STEP_EXIT_CODES = {"COMPLETED": EXIT_OK, "FAILED": EXIT_FAILED, "CANCELLED": EXIT_USAGE, "INTERRUPTED": EXIT_USAGE}
EXIT_TIMEOUT = EXIT_USAGE
STEP_STATES = ("PENDING", "CANCEL_PENDING", "RUNNING", *sorted(FINAL_STEP_STATES))
KINDS = ("spark", "hive", "script", "command")


@click.group("steps")
def steps() -> None:
    """Submit, list and wait for steps."""


def _pairs(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", ctx, param)
        pairs[key.strip()] = value
    return pairs


@steps.command("add")
@cluster_command
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("target")
@click.argument("args", nargs=-1)
@click.option("--name", help="Step name. Default: the kind and the script's file name.")
@click.option("--conf", multiple=True, metavar="KEY=VALUE", callback=_pairs, help="spark: a --conf of spark-submit (repeatable).")
@click.option(
    "--submit-arg",
    "submit_args",
    multiple=True,
    metavar="ARG",
    help="spark: an extra spark-submit argument before the script (repeatable; --submit-arg=--num-executors --submit-arg=4).",
)
@click.option(
    "-d", "--var", "variables", multiple=True, metavar="NAME=VALUE", callback=_pairs, help="hive: a variable (repeatable)."
)
@click.option("--action-on-failure", type=click.Choice(ACTIONS_ON_FAILURE), default="CONTINUE", show_default=True)
@click.option(
    "--runtime-role",
    metavar="ARN",
    help="Run the step as this IAM role (the API's ExecutionRoleArn; a cluster with runtime roles, emr-6.7.0+).",
)
def add(
    cluster: str,
    kind: str,
    target: str,
    args: tuple[str, ...],
    name: str | None,
    conf: dict[str, str],
    submit_args: tuple[str, ...],
    variables: dict[str, str],
    action_on_failure: str,
    runtime_role: str | None,
    as_json: bool,
    aws: Aws,
) -> None:
    """Add a step: spark, hive or script TARGET (an s3:// URI) with ARGS, or a command.

    \b
      cdk-emr steps add j-XXXX spark s3://bucket/jobs/etl.py -- --date 2026-07-20
      cdk-emr steps add MyStack hive s3://bucket/q.sql -d DAY=2026-07-20
      cdk-emr steps add MyStack script s3://bucket/tools/compact.sh arg1
      cdk-emr steps add MyStack command spark-example SparkPi 10
      cdk-emr steps add MyStack spark s3://bucket/jobs/etl.py --runtime-role arn:aws:iam::111122223333:role/TeamA
    """
    if (conf or submit_args) and kind != "spark":
        raise click.UsageError("--conf and --submit-arg apply to spark steps")
    if variables and kind != "hive":
        raise click.UsageError("-d/--var applies to hive steps")
    if kind == "hive" and args:
        raise click.UsageError("hive steps take variables (-d NAME=VALUE), not arguments")
    cluster_id = aws.cluster_id(cluster)
    options = {"name": name, "action_on_failure": action_on_failure}
    spec: StepSpec
    if kind == "spark":
        spec = spark_step(target, args, conf=conf, submit_args=submit_args, **options)
    elif kind == "hive":
        spec = hive_step(target, variables, **options)
    elif kind == "script":
        spec = script_step(target, args, region=aws.emr.meta.region_name, **options)
    else:
        spec = command_step((target, *args), **options)
    step_id = add_step(aws.emr, cluster_id, spec, runtime_role_arn=runtime_role)
    if as_json:
        echo_json({"cluster_id": cluster_id, "step_id": step_id, "step": spec.to_api(), "runtime_role": runtime_role})
        return
    console = stdout_console()
    console.print(f"added step {step_id} ({escape(spec.name)}) to {cluster_id}: {escape(' '.join(spec.args))}", highlight=False)
    console.print(f"follow it with: cdk-emr steps wait {cluster_id} {step_id}", highlight=False)


@steps.command("list")
@cluster_command
@listing_options(STEP_STATES, 20, "steps")
def list_command(cluster: str, states: tuple[str, ...], limit: int, as_json: bool, aws: Aws) -> None:
    """List a cluster's steps, newest first."""
    cluster_id = aws.cluster_id(cluster)
    found = list_steps(aws.emr, cluster_id, states=[s.upper() for s in states], limit=limit)
    if as_json:
        echo_json(found)
        return
    console = stdout_console()
    if not found:
        console.print(f"No steps on {cluster_id}.")
        return
    table = Table("Id", "Name", "State", "Created", "Duration", "Failure", title=f"Steps of {cluster_id}")
    for s in found:
        table.add_row(s.id, escape(s.name), styled(s.state), timestamp(s.created), _run_time(s), escape(s.failure or ""))
    console.print(table)


def _run_time(step: StepInfo) -> str:
    if step.started is None:
        return "-"
    if step.ended is None:
        return "running"
    return duration((step.ended - step.started).total_seconds())


@steps.command("wait")
@cluster_command
@click.argument("step_id", required=False)
@click.option("--interval", type=click.FloatRange(0), default=10.0, show_default=True, help="Seconds between polls.")
@click.option("--timeout", type=click.FloatRange(0), help="Give up after this many seconds (exit 2). Default: wait for ever.")
def wait(cluster: str, step_id: str | None, interval: float, timeout: float | None, as_json: bool, aws: Aws) -> None:
    """Wait for a step (default: the latest) to finish; exit 0 COMPLETED, 1 FAILED, 2 CANCELLED/INTERRUPTED/timeout."""
    cluster_id = aws.cluster_id(cluster)
    step_id = step_id or latest_step(aws.emr, cluster_id).id
    err = Console(stderr=True, highlight=False)
    progress = _Progress(err)
    with err.status(f"waiting for step {step_id} of {cluster_id}") as spinner:
        progress.spinner = spinner
        try:
            final = wait_step(aws.emr, cluster_id, step_id, interval=interval, timeout=timeout, on_poll=progress.update)
            code = STEP_EXIT_CODES[final.state]
        except WaitTimeout as error:
            final, code = error.step, EXIT_TIMEOUT
            err.print(f"[bold yellow]timeout:[/] {escape(str(error))}")
    if as_json:
        echo_json({"cluster_id": cluster_id, "step": final, "exit_code": code, "timed_out": not final.finished})
    if final.failure:
        err.print(f"failure: {escape(final.failure)}")
    if final.finished:
        err.print(f"step {final.id} ({escape(final.name)}) {styled(final.state)}")
    raise click.exceptions.Exit(code)


class _Progress:
    """Prints each state change with the time since the wait began; keeps the spinner current."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.start = time.monotonic()
        self.state = ""
        self.spinner: Status | None = None

    def update(self, step: StepInfo) -> None:
        elapsed = duration(time.monotonic() - self.start)
        if step.state != self.state:
            self.state = step.state
            self.console.print(f"{escape(f'[{elapsed:>7}]')} {step.id} {escape(step.name)}: {styled(step.state)}")
        if self.spinner is not None:
            self.spinner.update(f"step {step.id} {styled(step.state)} for {elapsed}")
