"""``cdk-emr run PATH``: package a PySpark project, upload it, run it as a step and follow it.

After awslabs' emr-cli (``emr run --build --wait``): :mod:`cdk_emr.ops.project_package` packages,
:mod:`cdk_emr.ops.run_project` uploads and adds the ``spark-submit`` step,
:func:`cdk_emr.cli.steps.follow_step` follows it like ``steps wait``, and on failure the tail of
the step's stderr is printed from S3 (:mod:`cdk_emr.ops.step_logs`). Exit codes as ``steps
wait``: 0 COMPLETED, 1 FAILED (or a failed call), 2 CANCELLED, INTERRUPTED, timed out, or bad input.
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from cdk_emr.cli.aws import EXIT_USAGE, Aws, CommandFailed, aws_command, echo_json, json_option, key_value_pairs
from cdk_emr.cli.steps import follow_step
from cdk_emr.ops.operations import ACTIONS_ON_FAILURE, OperationError, StepInfo, list_clusters
from cdk_emr.ops.project_package import find_project, package_project
from cdk_emr.ops.run_project import artifacts_prefix, submit_project
from cdk_emr.ops.step_logs import ARCHIVE_INTERVAL_MINUTES, locate_step_log, read_step_log, wait_for_step_log

RUNNABLE_STATES = ("RUNNING", "WAITING")
DEFAULT_STDERR_TAIL = 40
LOG_POLL_SECONDS = 15.0


@click.command("run")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.argument("args", nargs=-1)
@click.option(
    "--cluster",
    metavar="CLUSTER",
    help="j-..., STACK or STACK/Name (as the other commands). Default: the only RUNNING or WAITING cluster.",
)
@click.option(
    "--entry", metavar="FILE", help="The entry script of a project directory. Default: main.py, entrypoint.py or the only script."
)
@click.option(
    "--s3-prefix",
    metavar="S3_URI",
    envvar="CDK_EMR_RUN_S3_PREFIX",
    help="Where to upload the code (or CDK_EMR_RUN_S3_PREFIX). Default: the stack's DataBucketName output, artifacts/cdk-emr-run/.",
)
@click.option("--name", help="Step name. Default: 'Run: ' and the project's name.")
@click.option(
    "--conf", multiple=True, metavar="KEY=VALUE", callback=key_value_pairs, help="A --conf of spark-submit (repeatable)."
)
@click.option("--action-on-failure", type=click.Choice(ACTIONS_ON_FAILURE), default="CONTINUE", show_default=True)
@click.option(
    "--runtime-role", metavar="ARN", help="Run the step as this IAM role (ExecutionRoleArn; a cluster with runtime roles)."
)
@click.option("--interval", type=click.FloatRange(0), default=10.0, show_default=True, help="Seconds between polls.")
@click.option("--timeout", type=click.FloatRange(0), help="Stop following after this many seconds (exit 2; the step goes on).")
@click.option(
    "--tail",
    type=click.IntRange(0),
    default=DEFAULT_STDERR_TAIL,
    show_default=True,
    metavar="N",
    help="Lines of stderr shown on failure.",
)
@click.option(
    "--log-wait",
    type=click.FloatRange(0),
    default=0.0,
    show_default=True,
    metavar="SECONDS",
    help=f"On failure, wait this long for EMR to archive stderr to S3 (every {ARCHIVE_INTERVAL_MINUTES} minutes on AWS: 330 covers one round).",
)
@json_option
@aws_command
def run_command(
    path: Path,
    args: tuple[str, ...],
    cluster: str | None,
    entry: str | None,
    s3_prefix: str | None,
    name: str | None,
    conf: dict[str, str],
    action_on_failure: str,
    runtime_role: str | None,
    interval: float,
    timeout: float | None,
    tail: int,
    log_wait: float,
    as_json: bool,
    aws: Aws,
) -> None:
    """Package the PySpark project at PATH, upload it, run it on a cluster and follow it.

    PATH is an entry script, or a project directory: its entry script (main.py, entrypoint.py,
    the only top-level script, or --entry) is submitted and its own modules and packages go in
    pyfiles.zip for --py-files. Third-party requirements are refused (install them with a
    bootstrap action). Arguments for the script go after --.

    \b
      cdk-emr run jobs/wordcount.py --cluster j-XXXX --s3-prefix s3://bucket/code/ -- s3://in/ s3://out/
      cdk-emr run my_project/ --cluster MyStack -- --date 2026-07-20
    """
    project = find_project(path, entry)
    package = package_project(project)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    cluster_ref = cluster or _only_active_cluster(aws)
    cluster_id = aws.cluster_id(cluster_ref)
    prefix, origin = artifacts_prefix(cluster_ref, s3_prefix, aws.client("cloudformation") if not s3_prefix else None)
    submitted = submit_project(
        aws.emr,
        aws.client("s3"),
        cluster_id,
        package,
        prefix,
        args,
        name=name,
        conf=conf,
        action_on_failure=action_on_failure,
        runtime_role_arn=runtime_role,
    )
    err.print(f"uploaded {escape(', '.join(submitted.uploaded.uris))} (prefix from {escape(origin)})")
    if package.py_files_members:
        err.print(f"pyfiles.zip: {escape(', '.join(package.py_files_members))}")
    err.print(
        f"added step {submitted.step_id} ({escape(submitted.step.name)}) to {cluster_id}: {escape(' '.join(submitted.step.args))}"
    )
    final, code = follow_step(aws, cluster_id, submitted.step_id, interval=interval, timeout=timeout)
    stderr_tail = _stderr_tail(aws, cluster_id, final, tail, log_wait, err) if final.state == "FAILED" and tail else None
    if as_json:
        echo_json(
            {
                "cluster_id": cluster_id,
                "step_id": submitted.step_id,
                "uploaded": submitted.uploaded.uris,
                "step": final,
                "exit_code": code,
                "timed_out": not final.finished,
                "stderr_tail": stderr_tail,
            }
        )
    raise click.exceptions.Exit(code)


def _only_active_cluster(aws: Aws) -> str:
    """The one cluster that can run steps now; asks for --cluster when there are none or several."""
    found = list_clusters(aws.emr, states=RUNNABLE_STATES)
    if len(found) == 1:
        click.echo(f"cluster {found[0].id} ({found[0].name}): the only {' or '.join(RUNNABLE_STATES)} cluster", err=True)
        return found[0].id
    listed = ", ".join(f"{c.id} ({c.name})" for c in found) or "none"
    raise CommandFailed(f"give --cluster: {len(found)} clusters are {' or '.join(RUNNABLE_STATES)} ({listed})", EXIT_USAGE)


def _stderr_tail(aws: Aws, cluster_id: str, step: StepInfo, count: int, wait: float, err: Console) -> list[str] | None:
    """Print the last ``count`` lines of the failed step's stderr.gz (waiting up to ``wait`` seconds
    for EMR to archive it), or why they are not there."""
    s3 = aws.client("s3")
    try:
        log = locate_step_log(aws.emr, cluster_id, step, "stderr")
        if wait:
            with err.status(f"waiting up to {wait:g} s for EMR to archive {log.uri}"):
                wait_for_step_log(s3, log, timeout=wait, interval=LOG_POLL_SECONDS)
        lines = list(read_step_log(s3, log, tail=count))
    except OperationError as error:
        err.print(f"stderr: {escape(str(error))}")
        err.print(f"later: cdk-emr steps logs {cluster_id} {step.id} --tail {count} (or run with --log-wait 330)")
        return None
    err.print(f"last {len(lines)} lines of {escape(log.uri)}:")
    for line in lines:  # as written: no markup, no emoji codes
        click.echo(line, nl=not line.endswith("\n"), err=True)
    return lines
