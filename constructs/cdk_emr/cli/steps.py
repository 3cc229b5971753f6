"""``cdk-emr steps add | list | wait | logs``: submit and follow work on a running cluster.

``steps wait`` exits with the step's final state: 0 COMPLETED, 1 FAILED, 2 CANCELLED or
INTERRUPTED, or still unfinished at ``--timeout``. Errors (unknown cluster or step, no
credentials, a log not in S3 yet...) exit 1, bad input 2 (see :mod:`cdk_emr.cli.aws`). ``steps logs``
prints a step's log from S3 (:mod:`cdk_emr.ops.step_logs`).
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
    key_value_pairs,
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
from cdk_emr.ops.step_logs import STEP_LOG_STREAMS, choose_step, locate_step_log, read_step_log

STEP_EXIT_CODES = {"COMPLETED": EXIT_OK, "FAILED": EXIT_FAILED, "CANCELLED": EXIT_USAGE, "INTERRUPTED": EXIT_USAGE}
EXIT_TIMEOUT = EXIT_USAGE
STEP_STATES = ("PENDING", "CANCEL_PENDING", "RUNNING", *sorted(FINAL_STEP_STATES))
KINDS = ("spark", "hive", "script", "command")


@click.group("steps")
def steps() -> None:
    """Submit, list and wait for steps."""


@steps.command("add")
@cluster_command
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("target")
@click.argument("args", nargs=-1)
@click.option("--name", help="Step name. Default: the kind and the script's file name.")
@click.option(
    "--conf", multiple=True, metavar="KEY=VALUE", callback=key_value_pairs, help="spark: a --conf of spark-submit (repeatable)."
)
@click.option(
    "--submit-arg",
    "submit_args",
    multiple=True,
    metavar="ARG",
    help="spark: an extra spark-submit argument before the script (repeatable; --submit-arg=--num-executors --submit-arg=4).",
)
@click.option(
    "-d",
    "--var",
    "variables",
    multiple=True,
    metavar="NAME=VALUE",
    callback=key_value_pairs,
    help="hive: a variable (repeatable).",
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
    final, code = follow_step(aws, cluster_id, step_id, interval=interval, timeout=timeout)
    if as_json:
        echo_json({"cluster_id": cluster_id, "step": final, "exit_code": code, "timed_out": not final.finished})
    raise click.exceptions.Exit(code)


def follow_step(aws: Aws, cluster_id: str, step_id: str, *, interval: float, timeout: float | None) -> tuple[StepInfo, int]:
    """Poll a step with a progress display on stderr until it ends or ``timeout`` passes;
    say its end (and failure) there; return its last state and the exit code it means."""
    err = Console(stderr=True, highlight=False, soft_wrap=True)  # a failure names its log file: kept on one line
    progress = _Progress(err)
    with err.status(f"waiting for step {step_id} of {cluster_id}") as spinner:
        progress.spinner = spinner
        try:
            final = wait_step(aws.emr, cluster_id, step_id, interval=interval, timeout=timeout, on_poll=progress.update)
            code = STEP_EXIT_CODES[final.state]
        except WaitTimeout as error:
            final, code = error.step, EXIT_TIMEOUT
            err.print(f"[bold yellow]timeout:[/] {escape(str(error))}")
    if final.failure:
        err.print(f"failure: {escape(final.failure)}")
    if final.finished:
        err.print(f"step {final.id} ({escape(final.name)}) {styled(final.state)}")
    return final, code


@steps.command("logs")
@cluster_command
@click.argument("step_id", metavar="[STEP]", required=False)
@click.option(
    "--stream",
    type=click.Choice(STEP_LOG_STREAMS),
    default="stderr",
    show_default=True,
    help="Which log: the step's stderr, stdout, or EMR's controller log (the command run, its exit).",
)
@click.option(
    "--tail", type=click.IntRange(0), metavar="N", help="Only the last N lines (streamed; the log is never held whole)."
)
@click.option("--failed", is_flag=True, help="Without STEP: the latest FAILED step instead of the latest step that ran.")
def logs(cluster: str, step_id: str | None, stream: str, tail: int | None, failed: bool, as_json: bool, aws: Aws) -> None:
    """Print a step's log as EMR archives it to S3: <LogUri>/<cluster>/steps/<step>/<stream>.gz.

    Without STEP: the latest step that has started (steps cancelled before they ran have no
    logs), or with --failed the latest failed one. EMR archives logs to S3 every five minutes:
    a log may arrive a few minutes after the step.

    \b
      cdk-emr steps logs MyStack                 # stderr of the latest step
      cdk-emr steps logs j-XXXX s-YYYY --stream stdout --tail 50
      cdk-emr steps logs MyStack --failed --tail 100
    """
    if step_id and failed:
        raise click.UsageError("give STEP or --failed, not both")
    cluster_id = aws.cluster_id(cluster)
    step = choose_step(aws.emr, cluster_id, step_id, failed=failed)
    log = locate_step_log(aws.emr, cluster_id, step, stream)
    click.echo(f"{log.uri} (step {step.id} {step.name}, {step.state})", err=True)
    lines = read_step_log(aws.client("s3"), log, tail=tail)
    if as_json:
        echo_json({"cluster_id": cluster_id, "step": step, "stream": stream, "uri": log.uri, "lines": list(lines)})
        return
    for line in lines:
        click.echo(line, nl=not line.endswith("\n"))


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
