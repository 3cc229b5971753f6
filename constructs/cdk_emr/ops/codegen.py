"""``cdk-emr codegen``: an ``AWS::EMR::Cluster`` written as a Python module on cdk_emr's public API.

Reading is :mod:`cdk_emr.ops.codegen_read`, the property mapping :mod:`cdk_emr.ops.codegen_model`
(capacity in :mod:`cdk_emr.ops.codegen_capacity`), the text :mod:`cdk_emr.ops.codegen_write`.
Nothing here imports ``aws_cdk``: the generator writes text; running the text synthesizes.
"""

from __future__ import annotations

import re
from pathlib import Path

from cdk_emr.ops.codegen_model import CodegenError, build_module
from cdk_emr.ops.codegen_read import read_cluster
from cdk_emr.ops.codegen_write import render_module

__all__ = ["CodegenError", "generate"]


CLUSTER_ID = re.compile(r"^j-[0-9A-Z]{1,256}$")
"""An EMR cluster id (botocore EMR model: ``ClusterId``; ids look like ``j-2AXXXXXXGAPLF``)."""


def generate(
    source: str | Path,
    *,
    stack_name: str | None = None,
    cluster: str | None = None,
    region: str | None = None,
    endpoint_url: str | None = None,
    password_secrets: dict[str, str] | None = None,
) -> str:
    """The Python module for the EMR cluster of ``source`` (a template file or ``cdk.out``).

    ``cluster`` picks one of several clusters by logical id (``STACK/ID`` in a ``cdk.out``).
    A ``source`` of the form ``j-...`` that is no file is a cluster id read from the EMR API in
    ``region`` at ``endpoint_url`` (raises :class:`cdk_emr.ops.operations.OperationError`).
    ``password_secrets`` names the secrets holding such a cluster's Kerberos passwords (see
    :func:`cdk_emr.ops.codegen_api.read_api_cluster`).
    Raises :class:`cdk_emr.ops.templates.TemplateLoadError` for unreadable input and
    :class:`CodegenError` for a property codegen cannot write.
    """
    if CLUSTER_ID.match(str(source)) and not Path(source).exists():
        from cdk_emr.ops.codegen_api import read_api_cluster  # noqa: PLC0415 - boto3 only for cluster ids

        found = read_api_cluster(str(source), region=region, endpoint_url=endpoint_url, password_secrets=password_secrets)
    else:
        found = read_cluster(source, cluster)
    name = stack_name or _stack_name(found.logical_id)
    return render_module(build_module(found, name))


def _stack_name(logical_id: str) -> str:
    """A CloudFormation stack name from the cluster's logical id (letters, digits, hyphens)."""
    name = re.sub(r"[^A-Za-z0-9-]", "-", logical_id).strip("-") or "Emr"
    return name if name[0].isalpha() else f"Emr-{name}"
