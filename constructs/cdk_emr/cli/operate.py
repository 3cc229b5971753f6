"""``cdk-emr clusters | status | resize | scaling set | terminate``: running clusters, in boto3.

CLUSTER is a cluster id (``j-...``), a CloudFormation stack name (its ``ClusterId`` output) or
``STACK/OutputKey``. Every command takes ``--region`` and ``--endpoint-url`` (``AWS_ENDPOINT_URL``
works too, e.g. with ``cdk-emr local serve``) and most take ``--json``.

Exit codes: 0 done; 1 the operation failed or was refused (AWS error, no credentials, unknown
cluster, a cluster that has ended, termination protection without ``--force``, confirmation
declined); 2 bad input (invalid limits or capacities, unknown fleet or group, ``terminate``
without ``--yes`` when stdin is not a terminal).
"""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cdk_emr.cli.aws import (
    EXIT_USAGE,
    Aws,
    CommandFailed,
    aws_command,
    cluster_command,
    duration,
    echo_json,
    json_option,
    listing_options,
    styled,
    timestamp,
)
from cdk_emr.cli.output import stdout_console
from cdk_emr.ops.metrics import latest_metrics
from cdk_emr.ops.operations import (
    ACTIVE_CLUSTER_STATES,
    ENDED_CLUSTER_STATES,
    SCALING_UNITS,
    ClusterStatus,
    NodeCapacity,
    Termination,
    cluster_status,
    list_clusters,
    resize,
    set_scaling,
    terminate,
)

_CAPS = (("on-demand", "MaximumOnDemandCapacityUnits"), ("core", "MaximumCoreCapacityUnits"))
CLUSTER_STATES = (*ACTIVE_CLUSTER_STATES, *sorted(ENDED_CLUSTER_STATES - set(ACTIVE_CLUSTER_STATES)))


# --- clusters -----------------------------------------------------------------------------------


@click.command("clusters")
@listing_options(CLUSTER_STATES, 50, "clusters", " Default: those not yet terminated.")
@click.option("--all", "all_states", is_flag=True, help="Include terminated clusters (EMR keeps them two months).")
@json_option
@aws_command
def clusters(states: tuple[str, ...], all_states: bool, limit: int, as_json: bool, aws: Aws) -> None:
    """List EMR clusters with their state and age, newest first."""
    wanted = [s.upper() for s in states] or (None if all_states else list(ACTIVE_CLUSTER_STATES))
    found = list_clusters(aws.emr, states=wanted, limit=limit)
    if as_json:
        echo_json(found)
        return
    console = stdout_console()
    if not found:
        console.print("No clusters" + ("." if wanted is None else f" in {', '.join(wanted)}."))
        return
    table = Table("Id", "Name", "State", "Age", "Created", "Normalized hours")
    for c in found:
        table.add_row(
            c.id, escape(c.name), styled(c.state), duration(c.age_seconds), timestamp(c.created), str(c.normalized_instance_hours)
        )
    console.print(table)


# --- status -------------------------------------------------------------------------------------


@click.command("status")
@cluster_command
def status(cluster: str, as_json: bool, aws: Aws) -> None:
    """Show a cluster: state, fleets or groups and their capacities, scaling, termination, apps,
    and the latest values of its key CloudWatch metrics."""
    report = cluster_status(aws.emr, aws.cluster_id(cluster))
    metrics = latest_metrics(aws.client("cloudwatch"), report.id)
    if as_json:
        echo_json({**asdict(report), "metrics": metrics})
        return
    console = stdout_console()
    _print_status(console, report)
    console.print(
        "metrics (last hour): "
        + ", ".join(f"{name} {'no data' if value is None else f'{value:g}'}" for name, value in metrics.items()),
        highlight=False,
    )


def _print_status(console: Console, s: ClusterStatus) -> None:
    reason = f" — {escape(s.state_reason)}" if s.state_reason else ""
    console.rule(f"[bold]{escape(s.name)}[/] {s.id}: {styled(s.state)}{reason}")
    console.print(f"release {s.release_label}: {escape(', '.join(s.applications)) or 'no applications'}", highlight=False)
    console.print(f"created {timestamp(s.created)}; ready {timestamp(s.ready)}; ended {timestamp(s.ended)}", highlight=False)
    console.print(f"managed scaling: {_limits(s.managed_scaling)}", highlight=False)
    idle = f"after {duration(s.idle_timeout_seconds)} idle" if s.idle_timeout_seconds else "off"
    console.print(
        f"auto-termination: {idle}; termination protection: {'on' if s.termination_protected else 'off'}; "
        f"keep alive: {'yes' if s.keep_alive else 'no'}; step concurrency: {s.step_concurrency_level}",
        highlight=False,
    )
    console.print(
        f"logs: {s.log_uri or '-'}; security configuration: {s.security_configuration or '-'}; primary: {s.primary_dns or '-'}",
        highlight=False,
    )
    console.print(_nodes_table(s.nodes))


def _limits(limits: dict[str, Any] | None) -> str:
    if not limits:
        return "off"
    caps = [f"{label} <= {limits[key]}" for label, key in _CAPS if key in limits]
    text = f"{limits.get('MinimumCapacityUnits')}-{limits.get('MaximumCapacityUnits')} {limits.get('UnitType')}"
    return f"{text} ({', '.join(caps)})" if caps else text


def _nodes_table(nodes: tuple[NodeCapacity, ...]) -> Table:
    table = Table("Role", "Kind", "Name", "Id", "Instance types", "Target OD + spot", "Provisioned OD + spot", "State")
    for n in nodes:
        table.add_row(
            n.role,
            n.kind,
            escape(n.name or "-"),
            n.id,
            ", ".join(n.instance_types),
            f"{n.target_on_demand} + {n.target_spot}",
            f"{n.provisioned_on_demand} + {n.provisioned_spot}",
            styled(n.state),
        )
    return table


# --- resize and scaling -------------------------------------------------------------------------


@click.command("resize")
@cluster_command
@click.argument("node", metavar="FLEET_OR_GROUP")
@click.option("--on-demand", type=int, help="Target on-demand capacity of a fleet (units).")
@click.option("--spot", type=int, help="Target spot capacity of a fleet (units).")
@click.option("--count", type=int, help="Instance count of an instance group.")
def resize_command(
    cluster: str, node: str, on_demand: int | None, spot: int | None, count: int | None, as_json: bool, aws: Aws
) -> None:
    """Set the target capacities of a fleet or the size of an instance group.

    FLEET_OR_GROUP is core, task, or a fleet/group name or id (the primary cannot be resized).
    """
    done = resize(aws.emr, aws.cluster_id(cluster), node, on_demand=on_demand, spot=spot, count=count)
    if as_json:
        echo_json(done)
        return
    console = stdout_console()
    before, after = done.before, done.after
    console.print(
        f"{done.cluster_id} {after.role.lower()} {after.kind} {escape(after.name or '-')} ({after.id}): "
        f"on-demand {before.target_on_demand} → {after.target_on_demand}, spot {before.target_spot} → {after.target_spot}"
        f" ({'units' if after.kind == 'fleet' else 'instances'})",
        highlight=False,
    )
    if done.managed_scaling:
        console.print(
            f"note: managed scaling is on ({_limits(done.managed_scaling)}): EMR keeps resizing core and task nodes within it",
            highlight=False,
        )


@click.group("scaling")
def scaling() -> None:
    """Managed scaling of a running cluster."""


@scaling.command("set")
@cluster_command
@click.option("--min", "minimum", type=int, help="Minimum capacity (units).")
@click.option("--max", "maximum", type=int, help="Maximum capacity (units).")
@click.option("--max-on-demand", type=int, help="At most this many on-demand units (the rest is spot).")
@click.option("--max-core", type=int, help="At most this many core units (the rest is task).")
@click.option("--unit", type=click.Choice(SCALING_UNITS), help="Unit type. Default: the current one, else by fleets/groups.")
def scaling_set(
    cluster: str,
    minimum: int | None,
    maximum: int | None,
    max_on_demand: int | None,
    max_core: int | None,
    unit: str | None,
    as_json: bool,
    aws: Aws,
) -> None:
    """Set managed-scaling limits in place; limits not given keep their value."""
    change = set_scaling(
        aws.emr,
        aws.cluster_id(cluster),
        minimum=minimum,
        maximum=maximum,
        max_on_demand=max_on_demand,
        max_core=max_core,
        unit=unit,
    )
    if as_json:
        echo_json(change)
        return
    console = stdout_console()
    console.print(f"{change.cluster_id} managed scaling: {_limits(change.before)} → {_limits(change.after)}", highlight=False)


# --- terminate ----------------------------------------------------------------------------------


@click.command("terminate")
@cluster_command
@click.option("--force", is_flag=True, help="Turn termination protection off first, then terminate.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation (required when stdin is not a terminal).")
def terminate_command(cluster: str, force: bool, yes: bool, as_json: bool, aws: Aws) -> None:
    """Terminate a cluster (asks first; refuses a protected cluster unless --force)."""
    done = terminate(aws.emr, aws.cluster_id(cluster), force=force, confirm=None if yes else _confirm)
    if done.protected:
        Console(stderr=True).print(
            f"[bold red]WARNING:[/] termination protection of {done.cluster_id} was turned OFF (--force)", highlight=False
        )
    if as_json:
        echo_json(done)
        return
    stdout_console().print(f"{done.cluster_id} ({escape(done.name)}): {styled(done.state_before)} → {styled(done.state_after)}")


def _stdin_is_tty() -> bool:
    return sys.stdin.isatty()


def _confirm(plan: Termination) -> bool:
    if not _stdin_is_tty():
        raise CommandFailed(
            f"not terminating {plan.cluster_id} without confirmation: stdin is not a terminal; add --yes", EXIT_USAGE
        )
    protection = " Its termination protection will be turned OFF." if plan.protected else ""
    question = f"Terminate {plan.cluster_id} ({plan.name}, {plan.state_before})? Running work is lost.{protection}"
    return click.confirm(question, default=False, err=True)
