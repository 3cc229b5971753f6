"""``cdk-emr requirements``: what resources the app may not change must allow or carry."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from cdk_emr.cli.output import stdout_console
from cdk_emr.ops.requirements import Requirement, read_requirements
from cdk_emr.ops.templates import TemplateLoadError


@click.command()
@click.argument("path", type=click.Path(path_type=Path), default=Path("cdk.out"))
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object per resource) instead of tables.")
def requirements(path: Path, as_json: bool) -> None:
    """Print the IAM, key-policy and topic-policy statements and the tags that resources this
    app does not change (immutable roles, imported keys, topics, subnets and security groups)
    need, from PATH (a cdk.out directory or a template). Hand them to whoever owns those resources.
    """
    try:
        found = read_requirements(path)
    except (TemplateLoadError, OSError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in found], indent=2))
        return
    console = stdout_console()
    if not found:
        console.print(escape(f"Nothing to ask for: {path} changes every resource it needs itself."), highlight=False)
        return
    table = Table(title="Requirements on resources this app does not change", show_lines=True)
    for column in ("Stack", "Resource type", "Resource", "Needs"):
        table.add_column(column, overflow="fold")
    table.add_column("Why", overflow="fold", ratio=2)
    for requirement in found:
        table.add_row(
            escape(requirement.stack),
            requirement.resource_type,
            escape(requirement.resource),
            escape(needs(requirement)),
            escape(requirement.reason),
        )
    console.print(table)
    tagged = [r for r in found if r.tags]
    if tagged:
        console.rule("tags")
        for requirement in tagged:
            tags = " ".join(f"{k}={v}" for k, v in requirement.tags.items())
            console.print(escape(f"{requirement.resource_type} {requirement.resource}: tag {tags}"), highlight=False)
    for requirement in found:
        if requirement.statements:
            console.rule(escape(f"{requirement.kind}: {requirement.resource}"))
            document = {"Version": "2012-10-17", "Statement": list(requirement.statements)}
            console.print(json.dumps(document, indent=2), highlight=False, markup=False, soft_wrap=True)


def needs(requirement: Requirement) -> str:
    """One line per statement (``Allow a, b on X``) or tag (``tag k=v``)."""
    lines = [f"tag {key}={value}" for key, value in requirement.tags.items()]
    for statement in requirement.statements:
        actions = statement.get("Action", [])
        resources = statement.get("Resource", [])
        principal = statement.get("Principal")
        who = f" for {json.dumps(principal)}" if principal else ""
        lines.append(
            f"{requirement.kind}: {statement.get('Effect', 'Allow')} {', '.join(_list(actions))} on "
            f"{', '.join(_list(resources))}{who}"
        )
    return "\n".join(lines)


def _list(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]
