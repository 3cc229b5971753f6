"""``cdk-emr cost``: the hourly cost of the EMR clusters in a template or ``cdk.out``."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cdk_emr.cli.output import stdout_console
from cdk_emr.ops.cost import DEFAULT_REGION, ClusterEstimate, FleetCost, estimate_path
from cdk_emr.ops.pricing import APPROXIMATION_LABEL, CostEstimateError
from cdk_emr.ops.team_cost import TeamCost, team_costs


class CostCommandError(click.ClickException):
    """An error the user can fix (unknown type or region, unreadable template): exit code 2."""

    exit_code = 2


def _parse_spot_prices(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, float]:
    prices: dict[str, float] = {}
    for item in values:
        itype, sep, usd = item.partition("=")
        try:
            price = float(usd) if sep and itype.strip() else -1.0
        except ValueError:
            price = -1.0
        if price < 0:
            raise click.BadParameter(f"{item!r} is not TYPE=USD, e.g. m5.xlarge=0.07", ctx, param)
        prices[itype.strip()] = price
    return prices


@click.command("cost")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--region",
    default=DEFAULT_REGION,
    show_default=True,
    help="Region of a bare template file or of a stack whose environment has no region.",
)
@click.option(
    "--spot-discount",
    type=click.FloatRange(0, 1),
    help="Spot saving against On-Demand as a fraction (0-1) for every type. Default: each type's Spot Instance Advisor saving.",
)
@click.option(
    "--spot-price",
    "spot_prices",
    multiple=True,
    metavar="TYPE=USD",
    callback=_parse_spot_prices,
    help="Spot price per hour of an instance type; repeatable; wins over --spot-discount.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list, one object per cluster.")
@click.option(
    "--by-team",
    is_flag=True,
    help="Per team of an EmrPlatform: its clusters' cost at maximum against its budget (exit 1 when over).",
)
def cost(
    path: Path,
    region: str,
    spot_discount: float | None,
    spot_prices: dict[str, float],
    as_json: bool,
    by_team: bool,
) -> None:
    """Estimate the hourly cost of the EMR clusters in PATH.

    PATH is a template file or a cdk.out directory. Each cluster is priced at its minimum and
    maximum capacity (managed scaling limits, or the declared targets) and compared with the same
    capacity all On-Demand. Prices come from a dated snapshot; see cdk_emr.ops.cost for the model.
    """
    estimate = team_costs if by_team else estimate_path
    try:
        results = estimate(path, region=region, spot_discount=spot_discount, spot_prices=spot_prices)
    except CostEstimateError as err:
        raise CostCommandError(str(err)) from None
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in results], indent=2))
    elif by_team:
        _print_teams(results)
    else:
        console = stdout_console()
        if not results:
            console.print(escape(f"No AWS::EMR::Cluster found in {path}."))
        for result in results:
            _print_cluster(console, result)
    if by_team and any(t.within_budget is False for t in results):
        raise SystemExit(1)


def _usd(value: float) -> str:
    return f"{value:,.4f}"


def _counts(point: FleetCost) -> str:
    return f"{point.on_demand_instances} + {point.spot_instances}"


def _types(*points: FleetCost) -> str:
    seen: dict[str, None] = {}
    for point in points:
        for a in point.allocations:
            seen.setdefault(a.cost.instance_type, None)
    return ", ".join(seen) or "-"


def _print_cluster(console: Console, e: ClusterEstimate) -> None:
    scaling = f"managed scaling {e.limits.minimum}-{e.limits.maximum} {e.limits.unit_type}" if e.limits else "declared capacity"
    table = Table(
        title=escape(f"{e.stack} / {e.cluster} ({e.region}, {scaling})"),
        caption=f"USD per hour; instances as On-Demand + Spot; prices of {e.price_snapshot}",
    )
    for header in ("Fleet", "Role", "Types", "Min inst.", "Min USD/h", "Max inst.", "Max USD/h"):
        table.add_column(header, justify="right" if "USD" in header or "inst" in header else "left")
    table.add_column("Max all-OD USD/h", justify="right")
    for f in e.fleets:
        table.add_row(
            escape(f.name),
            f"{f.role} {f.kind}",
            _types(f.minimum, f.maximum),
            _counts(f.minimum),
            _usd(f.minimum.hourly),
            _counts(f.maximum),
            _usd(f.maximum.hourly),
            _usd(f.maximum.on_demand_equivalent),
        )
    table.add_section()
    table.add_row(
        "Total",
        "",
        "",
        "",
        _usd(e.hourly_min),
        "",
        _usd(e.hourly_max),
        _usd(e.on_demand_equivalent_max),
        style="bold",
    )
    console.print(table)
    console.print(
        f"Saving against all On-Demand: {e.saving_min:.1%} at minimum "
        f"({_usd(e.on_demand_equivalent_min)} USD/h all On-Demand), "
        f"{e.saving_max:.1%} at maximum ({_usd(e.on_demand_equivalent_max)} USD/h)."
    )
    if e.approximated_emr_fees:
        console.print(f"EMR fee {APPROXIMATION_LABEL} for: {', '.join(e.approximated_emr_fees)}.")
    for note in e.notes:
        console.print(f"Note: {escape(note)}")
    console.print()


def _print_teams(teams: list[TeamCost]) -> None:
    table = Table(title="Cost per team against its budget", caption="USD per hour, maximum = every cluster at maximum capacity")
    for header in ("Stack", "Team", "Clusters", "Min USD/h", "Max USD/h", "Budget USD/h", "Within budget"):
        table.add_column(header, justify="right" if "USD" in header else "left")
    for t in teams:
        verdict = "-" if t.within_budget is None else ("yes" if t.within_budget else "NO")
        budget = "-" if t.max_hourly_usd is None else _usd(t.max_hourly_usd)
        names = ", ".join(c.cluster for c in t.clusters)
        table.add_row(escape(t.stack), escape(t.team), escape(names), _usd(t.hourly_min), _usd(t.hourly_max), budget, verdict)
    stdout_console().print(table)
