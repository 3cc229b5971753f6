"""``cdk-emr codegen SOURCE [-o FILE]``: write an existing EMR cluster as cdk_emr Python code."""

from __future__ import annotations

from pathlib import Path

import click

from cdk_emr.cli.aws import EXIT_USAGE, CommandFailed, operation_errors
from cdk_emr.ops.codegen import CodegenError, generate
from cdk_emr.ops.templates import TemplateLoadError


@click.command("codegen")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the module here. Default: stdout.")
@click.option("--stack-name", help="Name of the generated stack. Default: from the cluster's logical id.")
@click.option("--cluster", metavar="ID", help="The cluster's logical id (STACK/ID in a cdk.out) when SOURCE holds several.")
@click.option("--region", help="Region of a cluster id SOURCE. Default: AWS_REGION, AWS_DEFAULT_REGION or the profile's.")
@click.option("--endpoint-url", metavar="URL", help="AWS endpoint for a cluster id SOURCE, e.g. the local AWS's.")
@click.option(
    "--kdc-admin-password-secret",
    metavar="SECRET",
    help="Secrets Manager secret (name or ARN) with a cluster id SOURCE's KDC admin password (EMR never returns it).",
)
@click.option("--cross-realm-trust-password-secret", metavar="SECRET", help="Likewise its cross-realm trust password.")
@click.option("--ad-domain-join-password-secret", metavar="SECRET", help="Likewise its AD domain join password.")
def codegen(
    source: Path,
    output: Path | None,
    stack_name: str | None,
    cluster: str | None,
    region: str | None = None,
    endpoint_url: str | None = None,
    kdc_admin_password_secret: str | None = None,
    cross_realm_trust_password_secret: str | None = None,
    ad_domain_join_password_secret: str | None = None,
) -> None:
    """Write the AWS::EMR::Cluster of SOURCE as a Python module on cdk_emr's API.

    SOURCE is a CloudFormation template (JSON or YAML), a cdk.out directory holding an EMR
    cluster, or a cluster id j-... read from the EMR API (--region, --endpoint-url). `python FILE` synthesizes the module's stack (into CDK_OUTDIR when set). Exit 2 on
    unreadable input, a source without one EMR cluster, or a property codegen cannot write;
    exit 1 when an AWS call fails (unknown cluster, no credentials); nothing is written then.
    """
    try:
        with operation_errors():
            secrets = {
                key: secret
                for key, secret in (
                    ("KdcAdminPassword", kdc_admin_password_secret),
                    ("CrossRealmTrustPrincipalPassword", cross_realm_trust_password_secret),
                    ("ADDomainJoinPassword", ad_domain_join_password_secret),
                )
                if secret
            }
            text = generate(
                source,
                stack_name=stack_name,
                cluster=cluster,
                region=region,
                endpoint_url=endpoint_url,
                password_secrets=secrets,
            )
    except (TemplateLoadError, CodegenError) as error:
        raise CommandFailed(str(error), EXIT_USAGE) from None
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise CommandFailed(f"cannot write {output}: {error}", EXIT_USAGE) from None
    click.echo(f"wrote {output}", err=True)
