"""What any cluster (built here or imported) can be given after launch: steps
(``AWS::EMR::Step``), task fleets (``AWS::EMR::InstanceFleetConfig``), task groups
(``AWS::EMR::InstanceGroupConfig``) and runtime roles that may run its steps.

A mixin for :class:`~cdk_emr.cluster.EmrCluster` and the imported cluster of
:meth:`~cdk_emr.cluster.EmrCluster.from_cluster_attributes`: it needs ``cluster_id`` and
``instance_role`` (None for an import that did not name it: then nothing is granted).
"""

from __future__ import annotations

from aws_cdk import aws_emr as emr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cdk_emr.capacity import InstanceFleet, InstanceGroup
from cdk_emr.cfn_shape import to_cloudformation
from cdk_emr.grants import grant_bucket_put, grant_key
from cdk_emr.typecheck import typed
from cdk_emr.validation import Validator
from cdk_emr.workload import Step

STEP_LOG_PREFIX = "step-logs/"


@typed
class ClusterAttachments:
    """``add_step``, ``add_task_fleet``, ``add_task_group`` and ``trust_runtime_role``."""

    cluster_id: str
    instance_role: iam.IRole | None

    def add_step(
        self,
        id: str,
        step: Step,
        *,
        log_bucket: s3.IBucket | None = None,
        log_prefix: str = STEP_LOG_PREFIX,
        log_encryption_key: kms.IKey | None = None,
    ) -> emr.CfnStep:
        """Run ``step`` once on this running cluster (an ``AWS::EMR::Step``; changing it replaces the step).

        The instance role may read the step's script or JAR. ``log_bucket`` sends this step's
        logs to ``<log_bucket>/<log_prefix>`` instead of the cluster's log location (the
        ``S3MonitoringConfiguration`` "takes precedence over the cluster's logging configuration",
        EMR API), encrypted with ``log_encryption_key``; the instance role may write there.
        Default: the cluster's logs.
        """
        assert isinstance(self, Construct)
        config, sources = step._render(self, id)
        hadoop = config.hadoop_jar_step
        assert isinstance(hadoop, emr.CfnCluster.HadoopJarStepConfigProperty)
        resource = emr.CfnStep(
            self,
            id,
            job_flow_id=self.cluster_id,
            name=config.name,
            action_on_failure=config.action_on_failure,
            hadoop_jar_step=emr.CfnStep.HadoopJarStepConfigProperty(
                jar=hadoop.jar,
                args=hadoop.args,
                main_class=hadoop.main_class,
                step_properties=[
                    emr.CfnStep.KeyValueProperty(key=p.key, value=p.value)
                    for p in (hadoop.step_properties or [])
                    if isinstance(p, emr.CfnCluster.KeyValueProperty)
                ]
                or None,
            ),
            log_uri=log_bucket.s3_url_for_object(log_prefix) if log_bucket is not None else None,
            encryption_key_arn=log_encryption_key.key_arn if log_encryption_key is not None else None,
        )
        if self.instance_role is not None:
            for source in sources:
                source.grant_read(self.instance_role)
            if log_bucket is not None:
                grant_bucket_put(self.instance_role, log_bucket, f"{log_prefix}*")  # logs: never deleted by nodes
            if log_encryption_key is not None:
                grant_key(self.instance_role, log_encryption_key)
        return resource

    def add_task_fleet(self, id: str, fleet: InstanceFleet) -> emr.CfnInstanceFleetConfig:
        """Add a task fleet to this fleet cluster (an ``AWS::EMR::InstanceFleetConfig``).

        CloudFormation documents task fleets inside ``AWS::EMR::Cluster`` (``task=``) as the faster
        way; this adds one to a running or imported cluster.
        """
        assert isinstance(self, Construct)
        self._check_capacity_kind(InstanceFleet, "add_task_fleet")
        resource = emr.CfnInstanceFleetConfig(self, id, cluster_id=self.cluster_id, instance_fleet_type="TASK")
        for name, value in to_cloudformation(fleet._render(id, self)).items():
            resource.add_property_override(name, value)
        return resource

    def add_task_group(self, id: str, group: InstanceGroup) -> emr.CfnInstanceGroupConfig:
        """Add a task instance group to this group cluster (an ``AWS::EMR::InstanceGroupConfig``).

        A group with ``auto_scaling`` needs the cluster's ``auto_scaling_role``.
        """
        assert isinstance(self, Construct)
        self._check_capacity_kind(InstanceGroup, "add_task_group")
        if group.auto_scaling is not None and hasattr(self, "auto_scaling_role"):
            v = Validator(f"{self.node.path}.add_task_group")
            # EMR API, RunJobFlow AutoScalingRole: the role automatic scaling policies use.
            v.check(
                getattr(self, "auto_scaling_role", None) is not None,
                "group.auto_scaling",
                "set",
                "a cluster built with auto_scaling_role=... (AutoScalingRole is fixed at launch)",
            )
            v.raise_if_any()
        rendered = to_cloudformation(group._render(id, self))
        resource = emr.CfnInstanceGroupConfig(
            self,
            id,
            job_flow_id=self.cluster_id,
            instance_role="TASK",
            instance_type=rendered.pop("InstanceType"),
            instance_count=rendered.pop("InstanceCount"),
        )
        for name, value in rendered.items():
            resource.add_property_override(name, value)
        return resource

    def trust_runtime_role(self, role: iam.IRole, *, propagate_source_identity: bool = False) -> None:
        """Let this cluster run steps as ``role`` (runtime roles, ``ExecutionRoleArn``).

        EMR Management Guide, "Runtime roles for Amazon EMR steps": the runtime role trusts the
        cluster's EC2 instance role for ``sts:AssumeRole`` and ``sts:TagSession`` (and
        ``sts:SetSourceIdentity`` with source identity), and the instance role may assume it.
        An imported role's trust policy is left alone (its owner adds the statement).
        """
        actions = ["sts:AssumeRole", "sts:TagSession"] + (["sts:SetSourceIdentity"] if propagate_source_identity else [])
        self._trust_role(role, actions)

    def _trust_role(self, role: iam.IRole, actions: list[str] | None = None) -> None:
        """Let the instance role assume ``role``; a role of this app also trusts it (an imported
        role's trust policy is its owner's to change)."""
        v = Validator("trust_runtime_role")
        v.check(self.instance_role is not None, "instance_role", None, "an imported cluster needs instance_role=... for this")
        v.raise_if_any()
        assert self.instance_role is not None
        actions = actions or ["sts:AssumeRole"]
        if isinstance(role, iam.Role) and role.assume_role_policy is not None:
            role.assume_role_policy.add_statements(
                iam.PolicyStatement(principals=[iam.ArnPrincipal(self.instance_role.role_arn)], actions=actions)
            )
        iam.Grant.add_to_principal(grantee=self.instance_role, actions=actions, resource_arns=[role.role_arn])

    def _check_capacity_kind(self, kind: type, method: str) -> None:
        primary = getattr(self, "primary", None)
        if primary is None:
            return  # an imported cluster: EMR checks at deploy
        v = Validator(f"{method}")
        v.check(
            isinstance(primary, kind),
            method,
            type(primary).__name__,
            f"a cluster whose primary is an {kind.__name__} (fleets and groups cannot mix)",
        )
        v.raise_if_any()
