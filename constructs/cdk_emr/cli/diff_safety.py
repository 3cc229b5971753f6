"""``cdk-emr diff-safety OLD NEW``: fail when a deployment would replace an EMR cluster."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from cdk_emr.cli.output import stdout_console
from cdk_emr.ops.diff_safety import Behaviour, Report, compare_paths
from cdk_emr.ops.templates import TemplateLoadError

EXIT_OK = 0
EXIT_REPLACEMENT = 1
EXIT_BAD_INPUT = 2

_STYLES: dict[Behaviour, str] = {
    Behaviour.REPLACEMENT: "bold red",
    Behaviour.DELETION: "bold red",
    Behaviour.CONDITIONAL: "yellow",
    Behaviour.NO_INTERRUPTION: "green",
    Behaviour.CREATION: "cyan",
}


@click.command("diff-safety")
@click.argument("old", type=click.Path(exists=True, path_type=Path), required=False)
@click.argument("new", type=click.Path(exists=True, path_type=Path), required=False)
@click.option(
    "--deployed",
    metavar="STACK",
    help="Compare NEW (the only path given) against the template STACK is deployed with (CloudFormation GetTemplate).",
)
@click.option("--region", help="Region of --deployed. Default: AWS_REGION, AWS_DEFAULT_REGION or the profile's.")
@click.option("--endpoint-url", metavar="URL", help="AWS endpoint for --deployed, e.g. the local AWS's.")
@click.option(
    "--allow-replacement",
    is_flag=True,
    help="Exit 0 even when a cluster is replaced or deleted (prints a warning).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def diff_safety(
    old: Path | None,
    new: Path | None,
    allow_replacement: bool,
    as_json: bool,
    deployed: str | None = None,
    region: str | None = None,
    endpoint_url: str | None = None,
) -> None:
    """Report EMR cluster changes from OLD to NEW that replace the cluster.

    OLD and NEW are synthesized template JSON files or cdk.out directories (stacks pair by
    artifact id); with --deployed STACK, the only path is NEW and OLD is STACK's deployed
    template. Exit 0 when every change is in place, 1 when a cluster is replaced or deleted
    (HDFS data lost) unless --allow-replacement, 2 on unreadable input or a failed fetch.
    """
    err = Console(stderr=True)
    old, new = _sides(err, old, new, deployed, region, endpoint_url)
    old_label = f"{deployed} (deployed)" if deployed else str(old)
    try:
        report = compare_paths(old, new)
    except TemplateLoadError as error:
        err.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False)
        raise click.exceptions.Exit(EXIT_BAD_INPUT) from None
    code = exit_code(report, allow_replacement=allow_replacement)
    if as_json:
        header = {"old": old_label, "new": str(new), "allow_replacement": allow_replacement}
        payload = {**header, "exit_code": code, **report.to_dict()}
        click.echo(json.dumps(payload, indent=2, default=str))
    else:
        _print_report(stdout_console(), report, old_label, new)
    _print_verdict(err, report, allow_replacement=allow_replacement)
    raise click.exceptions.Exit(code)


def _sides(
    err: Console, old: Path | None, new: Path | None, deployed: str | None, region: str | None, endpoint_url: str | None
) -> tuple[Path, Path]:
    """OLD and NEW as paths; with ``--deployed``, OLD is the stack's deployed template saved to a file."""
    if deployed is None:
        if old is None or new is None:
            raise click.UsageError("give OLD and NEW, or --deployed STACK and NEW")
        return old, new
    if old is None or new is not None:
        raise click.UsageError("with --deployed STACK, give only NEW")
    from cdk_emr.ops.deployed import save_deployed_template  # boto3 only when asked to
    from cdk_emr.ops.operations import OperationError

    try:
        return save_deployed_template(deployed, region=region, endpoint_url=endpoint_url), old
    except OperationError as error:
        err.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False)
        raise click.exceptions.Exit(EXIT_BAD_INPUT) from None


def exit_code(report: Report, *, allow_replacement: bool) -> int:
    """1 when a change replaces or deletes a resource and that is not allowed, else 0."""
    return EXIT_REPLACEMENT if report.blocking and not allow_replacement else EXIT_OK


def short(value: Any, width: int = 48) -> str:
    """A one-line rendering of a template value; ``None`` is an absent value."""
    if value is None:
        return "(absent)"
    if isinstance(value, str):
        text = value
    else:
        text = json.dumps(value, separators=(",", ":"), default=str)
    return text if len(text) <= width else text[: width - 1] + "…"


def _print_report(console: Console, report: Report, old: Path | str, new: Path) -> None:
    if not report.changes:
        console.print(escape(f"No EMR changes between {old} and {new}."), highlight=False)
        return
    table = Table(title=escape(f"EMR changes: {old} → {new}"), show_lines=True)
    for column in ("Stack", "Resource", "Property path", "Old → new"):
        table.add_column(column, overflow="fold")
    table.add_column("Behaviour", no_wrap=True)
    table.add_column("Reason", overflow="fold", ratio=2)
    for change in report.changes:
        style = _STYLES[change.behaviour]
        table.add_row(
            escape(change.stack),
            escape(change.logical_id),
            escape(change.path or "(whole resource)"),
            escape(f"{short(change.old)} → {short(change.new)}"),
            f"[{style}]{change.behaviour.value}[/]",
            escape(change.reason),
        )
    console.print(table)


def _print_verdict(err: Console, report: Report, *, allow_replacement: bool) -> None:
    blocking = report.blocking
    conditional = [c for c in report.changes if c.behaviour is Behaviour.CONDITIONAL]
    if conditional:
        err.print(f"[yellow]review:[/] {len(conditional)} conditional change(s) before deploying.")
    if not blocking:
        err.print("[green]ok:[/] no EMR cluster is replaced or deleted.")
        return
    clusters = escape(", ".join(report.replaced_clusters)) or "none (task fleets/groups only)"
    message = (
        f"{len(blocking)} change(s) replace or delete EMR resources; clusters: {clusters}. "
        "A replaced or deleted cluster loses its HDFS data and running steps."
    )
    if allow_replacement:
        text = f"REPLACEMENT ALLOWED (--allow-replacement)\n{message}"
        err.print(Panel(text, style="bold red", title="WARNING"))
    else:
        err.print(f"[bold red]blocked:[/] {message} Re-run with --allow-replacement if intended.")
