"""What the commands that call AWS share: ``--region``/``--endpoint-url``, clean errors, JSON.

Exit codes: 0 done, 1 the operation failed (AWS error, unknown cluster, ended cluster,
termination protection), 2 bad input (usage errors, invalid limits, unknown fleet).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from datetime import datetime
from typing import Any

import click

from cdk_emr.ops.operations import InvalidInput, OperationError, aws_client, emr_client, locate_cluster

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

_STATE_STYLES = {
    "WAITING": "green",
    "RUNNING": "cyan",
    "COMPLETED": "green",
    "STARTING": "yellow",
    "BOOTSTRAPPING": "yellow",
    "PENDING": "yellow",
    "TERMINATING": "magenta",
    "TERMINATED": "dim",
    "CANCELLED": "magenta",
    "INTERRUPTED": "magenta",
    "TERMINATED_WITH_ERRORS": "bold red",
    "FAILED": "bold red",
}


class CommandFailed(click.ClickException):
    """``Error: message`` on stderr and the given exit code, never a traceback."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class Aws:
    """Where the command's AWS calls go: a region and an endpoint (``None``: boto3's defaults)."""

    def __init__(self, region: str | None = None, endpoint_url: str | None = None) -> None:
        self.region = region
        self.endpoint_url = endpoint_url
        self._emr: Any = None

    @property
    def emr(self) -> Any:
        """The EMR client, created on first use."""
        if self._emr is None:
            self._emr = emr_client(self.region, self.endpoint_url)
        return self._emr

    def client(self, service: str) -> Any:
        """A client for ``service`` with the same region, endpoint and retry settings."""
        return aws_client(service, self.region, self.endpoint_url)

    def cluster_id(self, ref: str) -> str:
        """The id of the cluster ``ref`` names (``j-...``, ``STACK`` or ``STACK/Name``); says on
        stderr where a stack's cluster id was found (an output, or the stack's cluster resource)."""
        located = locate_cluster(ref, region=self.region, endpoint_url=self.endpoint_url)
        if located.source:
            click.echo(f"cluster {located.cluster_id}: from {located.source}", err=True)
        return located.cluster_id


@contextmanager
def operation_errors() -> Iterator[None]:
    """Turn :class:`OperationError` into :class:`CommandFailed` (exit 2 for bad input, else 1)."""
    try:
        yield
    except InvalidInput as error:
        raise CommandFailed(str(error), EXIT_USAGE) from None
    except OperationError as error:
        raise CommandFailed(str(error), EXIT_FAILED) from None


def aws_command(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--region`` and ``--endpoint-url``, pass ``aws=Aws(...)``, and report errors cleanly."""

    @functools.wraps(fn)
    def wrapper(*args: Any, region: str | None, endpoint_url: str | None, **kwargs: Any) -> Any:
        with operation_errors():
            return fn(*args, aws=Aws(region, endpoint_url), **kwargs)

    wrapper = click.option(
        "--endpoint-url",
        metavar="URL",
        help="AWS endpoint, e.g. the one `cdk-emr local serve` prints. Default: AWS_ENDPOINT_URL, else AWS.",
    )(wrapper)
    return click.option("--region", help="AWS region. Default: AWS_REGION, AWS_DEFAULT_REGION or the profile's.")(wrapper)


def json_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``--json``: print JSON for scripts instead of tables."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts instead of tables.")(fn)


def listing_options(states: Sequence[str], limit: int, what: str, default: str = "") -> Callable[[Callable[..., Any]], Any]:
    """``--state`` (repeatable, any case; ``default`` tells what is listed without it) and ``--limit``."""

    def decorate(fn: Callable[..., Any]) -> Any:
        help_limit = f"At most this many {what}."
        fn = click.option("--limit", type=click.IntRange(1), default=limit, show_default=True, help=help_limit)(fn)
        choice = click.Choice(states, case_sensitive=False)
        help_state = f"Only {what} in this state (repeatable).{default}"
        return click.option("--state", "states", multiple=True, type=choice, help=help_state)(fn)

    return decorate


def cluster_command(fn: Callable[..., Any]) -> Callable[..., Any]:
    """:func:`aws_command` with ``--json`` and a first argument ``CLUSTER``: an id (j-...), a stack
    name (its cluster-id output, else its AWS::EMR::Cluster) or STACK/Name. Place it right under ``@command``.
    """
    return click.argument("cluster", metavar="CLUSTER")(json_option(aws_command(fn)))


def key_value_pairs(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    """A click callback: repeated ``KEY=VALUE`` options as a dict (BadParameter otherwise)."""
    pairs: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", ctx, param)
        pairs[key.strip()] = value
    return pairs


def echo_json(value: Any) -> None:
    """Print dataclasses, dictionaries and datetimes as indented JSON."""
    click.echo(json.dumps(value, indent=2, default=_json_default))


def _json_default(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def styled(state: str) -> str:
    """A state in rich markup, coloured by meaning."""
    style = _STATE_STYLES.get(state)
    return f"[{style}]{state}[/]" if style else state


def duration(seconds: float | None) -> str:
    """``42s``, ``4m 10s``, ``2h 05m``, ``3d 04h``; ``-`` when unknown."""
    if seconds is None:
        return "-"
    s = max(0, int(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m {s % 60:02d}s"
    if s < 86400:
        return f"{s // 3600}h {s % 3600 // 60:02d}m"
    return f"{s // 86400}d {s % 86400 // 3600:02d}h"


def timestamp(value: datetime | None) -> str:
    """``2026-07-20 14:03:12`` in the local time zone; ``-`` when unknown."""
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S") if value else "-"
