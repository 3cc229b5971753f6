"""The ``cdk-emr`` command line.

The command layer is thin: each subcommand lives in its own module of this package and calls
into :mod:`cdk_emr.ops` or :mod:`cdk_emr.local`. Nothing here imports ``aws_cdk``, so the
command starts without the jsii runtime.
"""

from __future__ import annotations

import click

from cdk_emr.cli.codegen import codegen
from cdk_emr.cli.cost import cost
from cdk_emr.cli.diff_safety import diff_safety
from cdk_emr.cli.local import local
from cdk_emr.cli.operate import clusters, resize_command, scaling, status, terminate_command
from cdk_emr.cli.requirements import requirements
from cdk_emr.cli.run import run_command
from cdk_emr.cli.steps import steps
from cdk_emr.cli.summary import summary


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cdk-emr", prog_name="cdk-emr")
def main() -> None:
    """Operate Amazon EMR platforms built with cdk-emr."""


main.add_command(summary)
main.add_command(requirements)
main.add_command(cost)
main.add_command(diff_safety)
main.add_command(local)
main.add_command(clusters)
main.add_command(status)
main.add_command(steps)
main.add_command(resize_command)
main.add_command(scaling)
main.add_command(terminate_command)
main.add_command(codegen)
main.add_command(run_command)
