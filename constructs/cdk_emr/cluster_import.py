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
from cdk_emr.cluster_grants import ClusterGrants
from cdk_emr.metrics import EmrClusterMetrics
from cdk_emr.typecheck import typed
from cdk_emr.validation import Validator, is_token

# EMR cluster ids are "j-" and upper-case letters and digits (e.g. j-2AXXXXXXGAPLF in the EMR
# API reference's DescribeCluster examples).
_CLUSTER_ID = re.compile(r"^j-[0-9A-Z]{1,64}$")


F = TypeVar("F", bound=Callable[..., Any])


@typed
@jsii.implements(ec2.IConnectable)
class ImportedEmrCluster(EmrClusterMetrics, ClusterGrants, ClusterAttachments, Construct):
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
