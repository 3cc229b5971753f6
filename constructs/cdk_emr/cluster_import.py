"""The imported cluster :meth:`EmrCluster.from_cluster_attributes <cdk_emr.cluster.EmrCluster.from_cluster_attributes>`
returns (aws-cdk-lib's ``fromXxxAttributes`` convention), an :class:`~cdk_emr.cluster_interface.IEmrCluster`."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import jsii
from aws_cdk import Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from constructs import Construct

from cdk_emr.cluster_attachments import ClusterAttachments
from cdk_emr.metrics import EmrClusterMetrics
from cdk_emr.validation import EmrValidationError, Validator, Violation, is_token

# EMR cluster ids are "j-" and upper-case letters and digits (e.g. j-2AXXXXXXGAPLF in the EMR
# API reference's DescribeCluster examples).
_CLUSTER_ID = re.compile(r"^j-[0-9A-Z]{1,64}$")


F = TypeVar("F", bound=Callable[..., Any])


def _needs_instance_role(method: F) -> F:
    """``method`` (an ``EmrCluster`` grant) on an import: it needs the instance role."""

    def grant(self: ImportedEmrCluster, *args: Any, **kwargs: Any) -> Any:
        if self.instance_role is None:
            raise EmrValidationError(
                f"EmrCluster {self.node.path}",
                [
                    Violation(
                        "instance_role", None, f"{method.__name__} grants to the instance role: import it with instance_role=..."
                    )
                ],
            )
        return method(self, *args, **kwargs)

    grant.__name__, grant.__doc__ = method.__name__, method.__doc__
    return grant  # type: ignore[return-value]


@jsii.implements(ec2.IConnectable)
class ImportedEmrCluster(EmrClusterMetrics, ClusterAttachments, Construct):
    """An existing cluster, by id: grants (to ``instance_role``), metrics, monitoring, steps,
    task capacity and ``connections`` (its ``security_groups``). Nothing of the cluster is
    created or changed. Use :meth:`cdk_emr.cluster.EmrCluster.from_cluster_attributes`."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        cluster_id: str,
        instance_role: iam.IRole | None = None,
        security_groups: Sequence[ec2.ISecurityGroup] = (),
    ) -> None:
        super().__init__(scope, id)
        v = Validator(f"EmrCluster.from_cluster_attributes {self.node.path}")
        if not is_token(cluster_id):
            v.check(
                isinstance(cluster_id, str) and _CLUSTER_ID.match(cluster_id) is not None,
                "cluster_id",
                cluster_id,
                "an EMR cluster id such as 'j-2AXXXXXXGAPLF'",
            )
        v.raise_if_any()
        self.cluster_id = cluster_id
        self.instance_role = instance_role
        self.security_groups = tuple(security_groups)
        self._connections = ec2.Connections(security_groups=list(security_groups))

    @property
    def cluster_arn(self) -> str:
        """The cluster's ARN."""
        return Stack.of(self).format_arn(service="elasticmapreduce", resource="cluster", resource_name=self.cluster_id)

    @property
    def connections(self) -> ec2.Connections:
        """The cluster's security groups as an ``ec2.IConnectable``."""
        return self._connections


def _borrow_grants() -> None:
    """Give the import ``EmrCluster``'s grant methods (one implementation for both)."""
    from cdk_emr.cluster import EmrCluster

    for name in (
        "grant_read_data",
        "grant_read_write_data",
        "grant_dynamodb",
        "grant_kinesis",
        "grant_secret_read",
        "grant_glue_catalog",
    ):
        setattr(ImportedEmrCluster, name, _needs_instance_role(getattr(EmrCluster, name)))
    ImportedEmrCluster.grant_add_steps = EmrCluster.grant_add_steps  # type: ignore[method-assign]


_borrow_grants()
