"""``cdk-emr summary``: what a synthesized app would deploy, in a readable form."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cdk_emr.cli.output import stdout_console
from cdk_emr.ops.summary import ClusterSummary, ReviewSummary, StackSummary, render_value, summarize
from cdk_emr.ops.templates import TemplateLoadError


@click.command()
@click.argument("path", type=click.Path(path_type=Path), default=Path("cdk.out"))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
def summary(path: Path, as_json: bool) -> None:
    """Summarize the stacks and EMR clusters in PATH (a cdk.out directory or a template)."""
    try:
        stacks = summarize(path)
    except (TemplateLoadError, OSError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps([asdict(s) for s in stacks], indent=2, default=str))
        return
    console = stdout_console()
    for stack in stacks:
        _print_stack(console, stack)


def _print_stack(console: Console, stack: StackSummary) -> None:
    total = sum(stack.resource_counts.values())
    console.rule(f"[bold]{stack.name}[/] — {total} resources")
    counts = ", ".join(f"{n} {t.removeprefix('AWS::')}" for t, n in stack.resource_counts.items())
    console.print(counts, highlight=False)
    for cluster in stack.clusters:
        _print_cluster(console, cluster)
    if stack.outputs:
        console.print(f"Outputs: {', '.join(stack.outputs)}")


def _print_cluster(console: Console, cluster: ClusterSummary) -> None:
    console.print(
        f"\n[bold cyan]EMR cluster[/] {cluster.name} ({cluster.logical_id}) — {cluster.release_label}: "
        f"{', '.join(cluster.applications)}"
    )
    table = Table("nodes", "instance types", "on-demand", "spot")
    table.add_column("spot strategy", overflow="fold")
    for fleet in cluster.fleets:
        table.add_row(
            fleet.role,
            ", ".join(fleet.instance_types),
            render_value(fleet.on_demand),
            render_value(fleet.spot),
            fleet.allocation_strategy or "-",
        )
    console.print(table)
    scaling = cluster.managed_scaling
    console.print(
        "managed scaling: "
        + (
            f"{scaling.get('MinimumCapacityUnits')}-{scaling.get('MaximumCapacityUnits')} {scaling.get('UnitType')}"
            f" (on-demand <= {scaling.get('MaximumOnDemandCapacityUnits', '-')}, core <= {scaling.get('MaximumCoreCapacityUnits', '-')})"
            if scaling
            else "off"
        )
    )
    idle = cluster.idle_timeout_seconds
    console.print(
        f"auto-termination: {f'after {idle} s idle' if idle else 'off'}; "
        f"termination protection: {cluster.termination_protected}; keep alive: {cluster.keep_alive}"
    )
    console.print("security: " + ", ".join(f"{k}={v}" for k, v in cluster.security.items()), highlight=False)
    console.print(
        f"bootstrap actions: {', '.join(cluster.bootstrap_actions) or 'none'}; steps: {', '.join(cluster.steps) or 'none'}"
    )
    console.print(f"logs: {cluster.log_uri}", highlight=False)
    if cluster.review is not None:
        _print_review(console, cluster.review)


def _print_review(console: Console, review: ReviewSummary) -> None:
    """The reviewer's table: image, identities, network, security settings."""
    table = Table("for review", "value", title="security review", show_header=False)
    groups = "; ".join(f"{role}: {', '.join(v) if isinstance(v, list) else v}" for role, v in review.security_groups.items())
    rows = (
        ("AMI", review.custom_ami or "EMR default (the Amazon Linux AMI of the release)"),
        ("OS release", review.os_release or "EMR default of the release"),
        ("service role", review.service_role),
        ("instance profile", review.instance_profile),
        ("subnets", ", ".join(review.subnets) or "(none)"),
        ("security groups", groups or "EMR creates them"),
        ("security configuration", review.security_configuration or "none"),
        ("configurations", ", ".join(review.configurations) or "none"),
        ("Kerberos realm", review.kerberos_realm or "none"),
        ("log location", review.log_uri),
    )
    for name, value in rows:
        table.add_row(name, escape(value))
    console.print(table)
