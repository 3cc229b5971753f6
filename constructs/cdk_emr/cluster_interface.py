"""``IEmrCluster``: what grants, metrics, monitoring and steps need of a cluster."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_emr as emr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Node

from cdk_emr.capacity import InstanceFleet, InstanceGroup
from cdk_emr.grants import GlueAccess
from cdk_emr.workload import Step


@runtime_checkable
class IEmrCluster(Protocol):
    """An EMR cluster this app builds (:class:`~cdk_emr.cluster.EmrCluster`) or imports
    (:meth:`~cdk_emr.cluster.EmrCluster.from_cluster_attributes`): enough for ``grant_*``,
    ``metric_*``, :class:`~cdk_emr.monitoring.EmrMonitoring`, ``add_step`` and ``connections``."""

    cluster_id: str
    instance_role: iam.IRole | None

    @property
    def node(self) -> Node: ...
    @property
    def cluster_arn(self) -> str: ...
    @property
    def connections(self) -> ec2.Connections: ...

    def grant_read_data(self, bucket: s3.IBucket, objects_key_pattern: str = "*") -> iam.Grant: ...
    def grant_read_write_data(self, bucket: s3.IBucket, objects_key_pattern: str = "*") -> iam.Grant: ...
    def grant_glue_catalog(
        self, *, database_names: Sequence[str] = ("*",), access: GlueAccess = GlueAccess.READ
    ) -> iam.Grant: ...
    def grant_add_steps(self, grantee: iam.IGrantable) -> iam.Grant: ...
    def add_step(self, id: str, step: Step, **options: Any) -> emr.CfnStep: ...
    def add_task_fleet(self, id: str, fleet: InstanceFleet) -> emr.CfnInstanceFleetConfig: ...
    def add_task_group(self, id: str, group: InstanceGroup) -> emr.CfnInstanceGroupConfig: ...
    def metric_is_idle(self, **props: Any) -> cloudwatch.Metric: ...
