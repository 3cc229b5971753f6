"""``EmrCluster``: a production-grade EMR cluster from a few typed keyword arguments.

It composes the rest of the package: a KMS key, a log bucket, a VPC with private subnets, the
EMR security groups, the service and instance roles, a security configuration, and the
``AWS::EMR::Cluster`` itself. Bring your own of any of them through the matching property.
All configuration is validated in the constructor, and every problem is reported at once.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import jsii
from aws_cdk import Annotations, CfnOutput, CfnTag, Duration, Stack, Token
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_emr as emr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from cdk_emr.capacity import AutoTermination, InstanceFleet, InstanceGroup, InstanceMarket, ManagedScaling, ScalingUnit
from cdk_emr.capacity.ami import CustomAmi
from cdk_emr.capacity.selection import check_release_support, graviton_first
from cdk_emr.cluster_attachments import ClusterAttachments
from cdk_emr.cluster_grants import ClusterGrants
from cdk_emr.cluster_interface import IEmrCluster
from cdk_emr.cluster_options import (
    ScaleDownBehavior,
    create_auto_scaling_role,
    grant_ami_key,
    key_pair_name,
    resolve_ami,
    uses_auto_scaling,
    validate_options,
    warn_about_custom_ami,
    warn_about_visibility,
)
from cdk_emr.compliance import acknowledge
from cdk_emr.encryption import create_emr_key
from cdk_emr.existing_network import BroughtSecurityGroups, ExistingSecurityGroups, require_emr_tag, require_subnet_tags
from cdk_emr.grants import (
    KMS_ENCRYPT_DECRYPT,
    grant_bucket_put,
    grant_key,
    grant_key_for_aws_resources,
)
from cdk_emr.iam import (
    EMR_MANAGED_POLICY_TAG,
    BroughtRole,
    EmrInstanceRole,
    EmrServiceRole,
    ManagedPolicyRole,
    adopt_role,
    instance_profile_for,
)
from cdk_emr.metrics import EmrClusterMetrics
from cdk_emr.network import DEFAULT_MAX_AZS, EmrNetwork, EmrSecurityGroups, check_network_shape
from cdk_emr.network import restrict_egress as restrict_egress_to
from cdk_emr.network import s3_prefix_list as s3_prefix_list_lookup
from cdk_emr.outputs import CLUSTER_ID_OUTPUT_DESCRIPTION
from cdk_emr.release import (
    Application,
    Feature,
    ReleaseLabel,
    application_releases,
    check_release_gate,
    feature_windows,
    ships,
    supports,
)
from cdk_emr.requirements import Kind, require
from cdk_emr.security import EmrSecurityConfiguration, Kerberos, default_realm
from cdk_emr.security.kerberos import KADMIN_PORT, KDC_PORT, KPASSWD_PORT
from cdk_emr.storage import DEFAULT_LOG_RETENTION, EMR_LOG_PREFIX, EmrLogStorage, check_log_retention
from cdk_emr.typecheck import typed
from cdk_emr.validation import EmrValidationError, Validator, invalid
from cdk_emr.workload import ActionOnFailure, BootstrapAction, Configuration, Step

Capacity = InstanceFleet | InstanceGroup

KDC_CLIENT_PORTS = (
    (ec2.Protocol.TCP, KDC_PORT),
    (ec2.Protocol.UDP, KDC_PORT),
    (ec2.Protocol.TCP, KPASSWD_PORT),
    (ec2.Protocol.UDP, KPASSWD_PORT),
    (ec2.Protocol.TCP, KADMIN_PORT),
)

MAX_STEPS = 256
DEFAULT_AUTO_TERMINATION = AutoTermination()
DEFAULT_APPLICATIONS = (Application.HADOOP, Application.SPARK)
DEFAULT_PRIMARY = InstanceFleet.on_demand(["m7g.xlarge", "m6g.xlarge"], 1)
DEFAULT_CORE = InstanceFleet.on_demand(["m7g.xlarge", "m6g.xlarge"], 1)
MULTI_PRIMARY_NODES = 3
METASTORE_APPS = (Application.HIVE, Application.HUE, Application.OOZIE)
NON_YARN_APPS = (Application.PRESTO, Application.TRINO, Application.HBASE, Application.FLINK)


@typed
@jsii.implements(ec2.IConnectable)
class EmrCluster(EmrClusterMetrics, ClusterGrants, ClusterAttachments, Construct):
    """An Amazon EMR cluster with secure, cheap defaults.

    Everything is optional. By default you get ``ReleaseLabel.LATEST`` with Hadoop and Spark,
    one on-demand Graviton primary node and one core unit, auto-termination after one idle
    hour, logs in an encrypted retained bucket, nodes in private subnets of a new VPC,
    least-privilege roles and a security configuration that encrypts S3 data, local disks and
    EBS with a customer-managed KMS key and requires IMDSv2.

    Public attributes: ``cluster_id``, ``cluster_arn``, ``resource`` (the ``CfnCluster``),
    ``vpc``, ``security_groups``, ``service_role``, ``instance_role``, ``instance_profile_name``,
    ``log_bucket``, ``log_uri``, ``encryption_key``, ``security_configuration``, ``primary_dns``,
    ``kerberos_realm``, ``kdc_admin_password``, ``log_prefix``, ``log_encryption_key``,
    ``auto_scaling_role``, ``connections`` (``ec2.IConnectable``); ``metric_*`` for its CloudWatch
    metrics (:mod:`cdk_emr.metrics`); ``add_step``, ``add_task_fleet``, ``add_task_group`` and
    ``trust_runtime_role`` (:mod:`cdk_emr.cluster_attachments`). Import an existing cluster with
    :meth:`from_cluster_attributes`; both are an :class:`~cdk_emr.cluster_interface.IEmrCluster`.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        cluster_name: str | None = None,
        release_label: ReleaseLabel = ReleaseLabel.LATEST,
        applications: Sequence[Application] = DEFAULT_APPLICATIONS,
        configurations: Sequence[Configuration] = (),
        primary: Capacity = DEFAULT_PRIMARY,
        core: Capacity | None = DEFAULT_CORE,
        task: Sequence[Capacity] = (),
        managed_scaling: ManagedScaling | None = None,
        auto_termination: AutoTermination | None = DEFAULT_AUTO_TERMINATION,
        keep_alive: bool = True,
        termination_protection: bool = False,
        step_concurrency_level: int = 1,
        steps: Sequence[Step] = (),
        bootstrap_actions: Sequence[BootstrapAction] = (),
        ebs_root_volume_size_gib: int | None = None,
        vpc: ec2.IVpc | None = None,
        subnets: ec2.SubnetSelection | Sequence[ec2.ISubnet] | None = None,
        nat_gateways: int = 1,
        interface_endpoints: bool = False,
        service_role: iam.IRole | None = None,
        instance_role: iam.IRole | None = None,
        encryption_key: kms.IKey | None = None,
        log_bucket: s3.IBucket | None = None,
        log_retention: Duration = DEFAULT_LOG_RETENTION,
        security_configuration: EmrSecurityConfiguration | None = None,
        kerberos: Kerberos | None = None,
        additional_security_groups: Sequence[ec2.ISecurityGroup] = (),
        unhealthy_node_replacement: bool = True,
        spread_primary_nodes: bool | None = None,
        tags: Mapping[str, str] | None = None,
        launch: bool = True,
        instance_profile: iam.IInstanceProfile | None = None,
        existing_security_groups: ExistingSecurityGroups | None = None,
        cluster_id_output: bool = True,
        # The rest of the AWS::EMR::Cluster surface (cdk_emr.cluster_options).
        max_azs: int = DEFAULT_MAX_AZS,
        log_prefix: str = EMR_LOG_PREFIX,
        log_encryption_key: kms.IKey | None = None,
        custom_ami: CustomAmi | None = None,
        custom_ami_key: kms.IKey | None = None,
        os_release_label: str | None = None,
        ebs_root_volume_iops: int | None = None,
        ebs_root_volume_throughput_mib: int | None = None,
        scale_down_behavior: ScaleDownBehavior | None = None,
        additional_info: Mapping[str, Any] | None = None,
        auto_scaling_role: iam.IRole | None = None,
        key_pair: ec2.IKeyPair | str | None = None,
        additional_primary_security_groups: Sequence[ec2.ISecurityGroup] = (),
        additional_core_security_groups: Sequence[ec2.ISecurityGroup] = (),
        visible_to_all_users: bool = True,
        restrict_egress: bool = False,
        s3_prefix_list: ec2.IPrefixList | None = None,
    ) -> None:
        """Create the cluster.

        :param cluster_name: Default: ``<stack name>-<id>``.
        :param release_label: Default: ``ReleaseLabel.LATEST``.
        :param applications: Default: Hadoop and Spark.
        :param configurations: Configuration classifications. Default: none.
        :param primary: Default: one on-demand ``m7g.xlarge``/``m6g.xlarge`` fleet node; give a
            fleet or group of 3 on-demand nodes for multiple primary nodes (HA).
        :param core: Default: one on-demand unit; ``None`` for a single-node cluster.
        :param task: Task fleets or groups. Default: none.
        :param managed_scaling: Default: no managed scaling (fixed capacity).
        :param auto_termination: Default: terminate after one idle hour; ``None`` to keep running.
        :param keep_alive: Keep the cluster when it has no more steps. Default: True.
        :param termination_protection: Default: False (forced on with multiple primary nodes).
        :param step_concurrency_level: Steps run at once, 1 to 256. Default: 1.
        :param steps: Steps run when the cluster starts (changing them replaces the cluster).
        :param bootstrap_actions: Scripts run on every node at launch. Default: none.
        :param ebs_root_volume_size_gib: Root volume size, 15 to 100 GiB. Default: EMR's default.
        :param vpc: Default: a new :class:`~cdk_emr.network.EmrNetwork` VPC. A VPC you bring must
            tag its subnets ``for-use-with-amazon-emr-managed-policies=true``.
        :param subnets: A ``SubnetSelection`` or a list of subnets (``[vpc.private_subnets[0]]``
            for a single-subnet fleet cluster). Default: the VPC's private subnets (every one for
            fleets, so EMR picks the AZ with capacity; the first for groups).
        :param nat_gateways: NAT gateways of the VPC this construct creates. Default: 1.
        :param interface_endpoints: Interface endpoints in the VPC this construct creates.
            Default: only with ``nat_gateways=0``.
        :param service_role: Default: an :class:`~cdk_emr.iam.EmrServiceRole`.
        :param instance_role: Default: an :class:`~cdk_emr.iam.EmrInstanceRole`.
        :param encryption_key: Default: a new KMS key with rotation, retained.
        :param log_bucket: Default: a new encrypted, retained, versioned bucket.
        :param log_retention: Expiry of logs in the bucket this construct creates. Default: 365 days.
        :param security_configuration: Default: an :class:`EmrSecurityConfiguration` on ``encryption_key``
            (with ``kerberos``).
        :param kerberos: Kerberos authentication for the security configuration this construct
            creates (a given ``security_configuration`` carries its own). Default: none.
        :param additional_security_groups: Extra groups for every node (e.g. a KDC's clients group).
            They are tagged ``for-use-with-amazon-emr-managed-policies=true`` (imported groups must
            carry the tag already). Default: none.
        :param unhealthy_node_replacement: Replace unhealthy core nodes. Default: True.
        :param spread_primary_nodes: Put the primary nodes in a SPREAD placement group (distinct
            racks). Default: True with 3 primary nodes, else False.
        :param launch: Create the ``AWS::EMR::Cluster``. With False, everything the cluster needs
            is created (roles, network, security configuration, assets) and
            :attr:`launch_properties` describes the cluster for an orchestrator that launches it
            (see :class:`cdk_emr.orchestration.TransientClusterWorkflow`); ``cluster_id``,
            ``cluster_arn``, ``primary_dns`` and the ``metric_*`` helpers are then unavailable.
            Default: True.
        :param tags: Tags of the cluster (and its instances). Default: none.
        :param instance_profile: An existing instance profile for the nodes (e.g.
            ``iam.InstanceProfile.from_instance_profile_name``): no role or profile is created.
            Its role (``instance_role``, else the profile's ``role``) gets the cluster's grants
            like any brought role; an unknown role gets none, and what it needs is reported by
            ``cdk-emr requirements``. Default: a profile for ``instance_role``.
        :param existing_security_groups: The EMR-managed primary, core and service-access groups
            to use instead of new ones (imported groups must carry the
            ``for-use-with-amazon-emr-managed-policies=true`` tag). Default: new groups.
        :param cluster_id_output: Publish the cluster id as a stack output (what ``cdk-emr
            status STACK`` reads). Default: True.

        Roles you bring are never given an inline policy: the grants of a role the app may change
        (defined in the app, or imported with ``mutable=True``) go to a customer-managed policy
        attached to it; an immutable import (``mutable=False``), an imported key and imported
        subnets or groups are left alone, with a warning each, and ``cdk-emr requirements
        cdk.out`` prints what they must allow or carry.
        :param max_azs: Availability Zones of the VPC this construct creates (1 gives one
            private subnet). Default: 2.
        :param log_prefix: Key prefix of the ``LogUri`` in ``log_bucket`` (keep an existing log
            path; ``""`` for the bucket root). Default: ``"emr-logs/"``. The retention rule of a
            created log bucket follows it.
        :param log_encryption_key: KMS key for the logs EMR uploads (``LogEncryptionKmsKeyId``,
            emr-5.30.0+). Default: ``encryption_key``.
        :param custom_ami: A custom Amazon Linux AMI for every node: an ``ec2.IMachineImage`` or an
            AMI id (emr-5.7.0+); instance types and groups can override it. Default: EMR's AMI.
        :param custom_ami_key: The KMS key encrypting the custom AMI's snapshots: the service role
            gets the EBS permissions to launch from it. Default: none (a warning with ``custom_ami``).
        :param os_release_label: Amazon Linux release of EMR's AMI, e.g. ``"2.0.20220406.1"``.
            Default: the latest release EMR validated.
        :param ebs_root_volume_iops: gp3 root volume IOPS, 3,000 to 16,000 (emr-6.15.0+). Default: 3,000.
        :param ebs_root_volume_throughput_mib: gp3 root volume throughput, 125 to 1,000 MiB/s and
            at most 0.25 MiB/s per IOPS (emr-6.15.0+). Default: 125.
        :param scale_down_behavior: How nodes leave on scale-in. Default: EMR's
            (``TERMINATE_AT_TASK_COMPLETION`` before 5.1.0, else ``TERMINATE_AT_INSTANCE_HOUR``).
        :param additional_info: JSON object for features EMR enables by request. Default: none.
        :param auto_scaling_role: Role for instance-group automatic scaling policies. Default: one
            is created when a group has ``auto_scaling`` (``AmazonElasticMapReduceforAutoScalingRole``).
        :param key_pair: EC2 key pair for SSH to the nodes (an ``ec2.IKeyPair`` or a name).
            Default: none (use SSM Session Manager or Kerberos).
        :param additional_primary_security_groups: Extra groups for the primary node(s) only. Default: none.
        :param additional_core_security_groups: Extra groups for core and task nodes only. Default: none.
        :param visible_to_all_users: ``VisibleToAllUsers``. Default: True, deliberately: the EMR API
            reference (RunJobFlow, SetVisibleToAllUsers) says the parameter "is no longer supported"
            and "setting it to false now has no effect"; where it still acted, false let only the
            creating principal (here CloudFormation's role) and the root user act on the cluster,
            which would lock out the principals that submit steps with runtime roles. Access is
            governed by IAM policies (``grant_add_steps``, runtime roles).
        :param restrict_egress: Replace the default outbound rule (all traffic to 0.0.0.0/0) of the
            primary and core groups this construct creates with: the cluster's nodes, the
            service-access group, HTTPS to the VPC (interface endpoints) and HTTPS to the S3
            prefix list (:func:`cdk_emr.network.restrict_egress`). Use it with interface
            endpoints (``nat_gateways=0`` or ``interface_endpoints=True``); downloads from the
            internet (e.g. ``pip install`` in a bootstrap action) then fail. Default: False.
        :param s3_prefix_list: The S3 prefix list for ``restrict_egress``. Default: looked up
            (``com.amazonaws.<region>.s3``; the stack needs a concrete account and region).
        """
        super().__init__(scope, id)
        self.release_label = release_label
        self.applications = tuple(applications)
        self.configurations = tuple(configurations)
        if primary is DEFAULT_PRIMARY:
            primary = _default_fleet(release_label)
        if core is DEFAULT_CORE:
            core = _default_fleet(release_label)
        self.primary, self.core, self.task = primary, core, tuple(task)
        self.managed_scaling = managed_scaling
        self.steps = tuple(steps)
        multi_primary = primary.total_capacity == MULTI_PRIMARY_NODES
        if multi_primary and not termination_protection:
            termination_protection = True
            Annotations.of(self).add_info("EMR forces termination protection on clusters with multiple primary nodes.")
        if multi_primary and auto_termination is not None:
            Annotations.of(self).add_warning_v2(
                "cdk-emr:autoTerminationIgnored",
                "Termination protection (forced on by multiple primary nodes) overrides auto-termination.",
            )
        self.spread_primary_nodes = multi_primary if spread_primary_nodes is None else spread_primary_nodes
        options = Validator(f"EmrCluster {self.node.path}")
        validate_options(
            options,
            release_label,
            nodes=self._nodes(),
            managed_scaling=managed_scaling,
            custom_ami=custom_ami,
            os_release_label=os_release_label,
            ebs_root_volume_size_gib=ebs_root_volume_size_gib,
            ebs_root_volume_iops=ebs_root_volume_iops,
            ebs_root_volume_throughput_mib=ebs_root_volume_throughput_mib,
            scale_down_behavior=scale_down_behavior,
            additional_info=additional_info,
            log_prefix=log_prefix,
            key_pair=key_pair,
        )
        selected = _select_subnets(vpc, subnets) if vpc is not None else None
        try:
            self._validate(
                cluster_name=cluster_name,
                auto_termination=auto_termination,
                keep_alive=keep_alive,
                step_concurrency_level=step_concurrency_level,
                ebs_root_volume_size_gib=ebs_root_volume_size_gib,
                multi_primary=multi_primary,
                tags=tags or {},
                security=_SecuritySettings.of(security_configuration, kerberos),
                kerberos_with_security_configuration=kerberos is not None and security_configuration is not None,
                network=_NetworkSettings(
                    vpc, selected, additional_security_groups, nat_gateways, existing_security_groups is not None, max_azs
                ),
                log_retention=log_retention if log_bucket is None else None,
            )
        except EmrValidationError as error:
            options.violations[:0] = error.violations
        if restrict_egress:
            options.check(
                existing_security_groups is None,
                "restrict_egress",
                True,
                "False with existing_security_groups (the egress of groups you bring is yours to set)",
            )
            options.check(
                s3_prefix_list is not None or not Token.is_unresolved(Stack.of(self).region),
                "s3_prefix_list",
                None,
                "a prefix list (ec2.PrefixList.from_lookup or from_prefix_list_id) for a stack without a concrete "
                "region: restrict_egress looks up com.amazonaws.<region>.s3",
            )
            options.check(
                vpc is None or _knows_cidr(vpc),
                "vpc",
                vpc.node.path if vpc is not None else None,
                "a VPC whose CIDR block is known (Vpc.from_vpc_attributes(vpc_cidr_block=...)) for restrict_egress: "
                "HTTPS to the VPC's range reaches its interface endpoints",
            )
        options.raise_if_any()
        warn_about_custom_ami(self, custom_ami, custom_ami_key)
        warn_about_visibility(self, visible_to_all_users)
        self._warn_about_idleness(auto_termination)
        self._warn_about_spot_core()
        self._warn_about_unknown_release()

        if encryption_key is None and security_configuration is not None:
            encryption_key = security_configuration.encryption_key  # the roles must be able to use its key
        self.encryption_key = encryption_key or create_emr_key(self, "Key", description=f"EMR cluster {self.node.path}")
        self.log_storage: EmrLogStorage | None = None
        if log_bucket is None:
            self.log_storage = EmrLogStorage(
                self, "Logs", encryption_key=self.encryption_key, log_retention=log_retention, log_prefix=log_prefix
            )
            log_bucket = self.log_storage.bucket
        self.log_bucket = log_bucket
        self.log_prefix = log_prefix
        self.log_uri = log_bucket.s3_url_for_object(log_prefix) if log_prefix else f"s3://{log_bucket.bucket_name}/"
        self.log_encryption_key = log_encryption_key or self.encryption_key
        self.network: EmrNetwork | None = None
        if vpc is None:
            self.network = EmrNetwork(
                self,
                "Network",
                flow_logs_bucket=log_bucket,
                nat_gateways=nat_gateways,
                interface_endpoints=interface_endpoints,
                max_azs=max_azs,
            )
            vpc, subnets = self.network.vpc, subnets or self.network.subnets
        self.vpc = vpc
        if existing_security_groups is None:
            self.security_groups: EmrSecurityGroups = EmrSecurityGroups(
                self, "SecurityGroups", vpc=vpc, allow_all_outbound=not restrict_egress
            )
            if restrict_egress:
                prefix_list = s3_prefix_list or s3_prefix_list_lookup(self, "S3PrefixList")
                restrict_egress_to(
                    self.security_groups, vpc_cidr=vpc.vpc_cidr_block, s3_prefix_list_id=prefix_list.prefix_list_id
                )
        else:
            self.security_groups = BroughtSecurityGroups(self, "SecurityGroups", groups=existing_security_groups)
        self._connections = ec2.Connections(security_groups=[self.security_groups.primary, self.security_groups.core])
        self._extra_primary_groups = tuple(additional_primary_security_groups)
        self._extra_core_groups = tuple(additional_core_security_groups)
        self._key_name = key_pair_name(key_pair)
        for group in (*additional_security_groups, *self._extra_primary_groups, *self._extra_core_groups):
            require_emr_tag(group, "AWS::EC2::SecurityGroup", group.security_group_id)
        selected = selected or _select_subnets(vpc, subnets)
        if self.network is None:
            require_subnet_tags(selected.subnets)

        self.service_role = adopt_role(self, "ServiceRole", service_role) if service_role else EmrServiceRole(self, "ServiceRole")
        self._adopt_instance_profile(instance_role, instance_profile)
        self.auto_scaling_role = auto_scaling_role
        if auto_scaling_role is None and uses_auto_scaling(self._capacity()):
            self.auto_scaling_role = create_auto_scaling_role(self, "AutoScalingRole")
        if self.auto_scaling_role is not None:
            self.auto_scaling_role.grant_pass_role(self.service_role)
        if custom_ami_key is not None:
            grant_ami_key(self.service_role, custom_ami_key)
        ami = Validator(f"EmrCluster {self.node.path}")
        custom_ami_id = resolve_ami(self, ami, custom_ami)
        ami.raise_if_any()
        self.security_configuration = security_configuration or EmrSecurityConfiguration(
            self, "SecurityConfiguration", encryption_key=self.encryption_key, kerberos=kerberos
        )
        self.kerberos = self.security_configuration.kerberos
        kerberos_attributes = self._kerberos_attributes()
        self._grant_cluster_basics()
        for mapping in self.security_configuration.emrfs_role_mappings:
            self._trust_role(mapping.role)
        for source in self.security_configuration.provider_sources:
            source.grant_read(self.instance_role)
        if self.log_encryption_key is not self.encryption_key:
            grant_key(self.instance_role, self.log_encryption_key)

        bootstrap = [action._render(self, f"Bootstrap{i}") for i, action in enumerate(bootstrap_actions)]
        rendered_steps = [step._render(self, f"Step{i}") for i, step in enumerate(self.steps)]
        for source in [b for _, b in bootstrap] + [s for _, sources in rendered_steps for s in sources]:
            source.grant_read(self.instance_role)

        properties: dict[str, Any] = dict(
            name=cluster_name or f"{Stack.of(self).stack_name}-{id}",
            release_label=release_label.label,
            applications=[emr.CfnCluster.ApplicationProperty(name=a.value) for a in self.applications],
            configurations=[c._render() for c in self.configurations] or None,
            service_role=self.service_role.role_arn,
            job_flow_role=self.instance_profile_name,
            log_uri=self.log_uri,
            log_encryption_kms_key_id=self.log_encryption_key.key_arn
            if supports(release_label, Feature.LOG_ENCRYPTION_KMS)
            else None,
            security_configuration=self.security_configuration.name,
            visible_to_all_users=visible_to_all_users,
            step_concurrency_level=step_concurrency_level,
            ebs_root_volume_size=ebs_root_volume_size_gib,
            managed_scaling_policy=managed_scaling._render(self._scaling_unit()) if managed_scaling else None,
            auto_termination_policy=auto_termination._render() if auto_termination else None,
            bootstrap_actions=[b for b, _ in bootstrap] or None,
            steps=[s for s, _ in rendered_steps] or None,
            kerberos_attributes=kerberos_attributes,
            placement_group_configs=[
                emr.CfnCluster.PlacementGroupConfigProperty(instance_role="MASTER", placement_strategy="SPREAD")
            ]
            if self.spread_primary_nodes
            else None,
            instances=self._instances(
                selected.subnet_ids, keep_alive, termination_protection, additional_security_groups, unhealthy_node_replacement
            ),
            tags=[CfnTag(key=k, value=v) for k, v in sorted({**(tags or {}), EMR_MANAGED_POLICY_TAG: "true"}.items())],
            auto_scaling_role=self.auto_scaling_role.role_arn if self.auto_scaling_role else None,
            custom_ami_id=custom_ami_id,
            os_release_label=os_release_label,
            ebs_root_volume_iops=ebs_root_volume_iops,
            ebs_root_volume_throughput=ebs_root_volume_throughput_mib,
            scale_down_behavior=scale_down_behavior.value if scale_down_behavior else None,
            additional_info=dict(additional_info) if additional_info is not None else None,
        )
        self.launch_properties = emr.CfnClusterProps(**properties)
        """The cluster's ``AWS::EMR::Cluster`` properties (also when ``launch=False``)."""
        self.resource: emr.CfnCluster | None = None
        if not launch:
            self._cluster_id: str | None = None
            return
        self.resource = emr.CfnCluster(self, "Resource", **properties)
        self.resource.node.add_dependency(self.security_groups.rules)
        for role in (self.service_role, self.instance_role):
            if isinstance(role, (ManagedPolicyRole, BroughtRole)) and role.policy is not None:
                # EMR checks the roles' permissions at launch: attach the policies first.
                self.resource.node.add_dependency(role.policy)
        self._acknowledge_findings()
        self._cluster_id = self.resource.ref
        if cluster_id_output:
            # The description marks the output for `cdk-emr status STACK` and the other commands.
            CfnOutput(
                self, "ClusterId", value=self._cluster_id, description=f"{CLUSTER_ID_OUTPUT_DESCRIPTION} of {self.node.path}"
            )

    @staticmethod
    def from_cluster_attributes(
        scope: Construct,
        id: str,
        *,
        cluster_id: str,
        instance_role: iam.IRole | None = None,
        security_groups: Sequence[ec2.ISecurityGroup] = (),
    ) -> IEmrCluster:
        """An existing cluster by id (``j-...``): grants, metrics, monitoring and steps work on it.

        :param cluster_id: The cluster's id.
        :param instance_role: Its EC2 instance role, for ``grant_*``, ``add_step``'s read grants and
            ``trust_runtime_role``. Default: none (grants then raise a validation error).
        :param security_groups: Its security groups, for ``connections``. Default: none.
        """
        from cdk_emr.cluster_import import ImportedEmrCluster

        return ImportedEmrCluster(scope, id, cluster_id=cluster_id, instance_role=instance_role, security_groups=security_groups)

    @property
    def connections(self) -> ec2.Connections:
        """The primary and core/task security groups as an ``ec2.IConnectable``
        (``database.connections.allow_default_port_from(cluster)``)."""
        return self._connections

    @property
    def launched(self) -> emr.CfnCluster:
        """The ``AWS::EMR::Cluster`` (ValueError for a cluster built with ``launch=False``)."""
        if self.resource is None:
            raise invalid(
                f"EmrCluster {self.node.path}",
                "launch",
                False,
                "True: a cluster built with launch=False has no AWS::EMR::Cluster of its own",
            )
        return self.resource

    @property
    def cluster_id(self) -> str:
        """The cluster id (``j-...``)."""
        self.launched  # noqa: B018 - raises for launch=False
        assert self._cluster_id is not None
        return self._cluster_id

    @property
    def cluster_arn(self) -> str:
        """The cluster's ARN."""
        return Stack.of(self).format_arn(service="elasticmapreduce", resource="cluster", resource_name=self.cluster_id)

    @property
    def primary_dns(self) -> str:
        """DNS name of the primary node (its private name in private subnets)."""
        return self.launched.attr_master_public_dns

    # ----- Kerberos -------------------------------------------------------------------------

    def _kerberos_attributes(self) -> emr.CfnCluster.KerberosAttributesProperty | None:
        """The cluster side of Kerberos: realm and the admin password as a dynamic reference."""
        self.kerberos_realm: str | None = None
        self.kdc_admin_password: secretsmanager.ISecret | None = None
        if self.kerberos is None:
            return None
        self.kerberos_realm = self.kerberos.realm or default_realm(self)
        self.kdc_admin_password = self.kerberos.admin_password_secret(self, self.encryption_key)
        trust = self.kerberos.cross_realm_trust
        return emr.CfnCluster.KerberosAttributesProperty(
            realm=self.kerberos_realm,
            kdc_admin_password=self.kdc_admin_password.secret_value.unsafe_unwrap(),
            cross_realm_trust_principal_password=trust.principal_password.secret_value.unsafe_unwrap() if trust else None,
            ad_domain_join_user=trust.ad_domain_join_user if trust else None,
            ad_domain_join_password=trust.ad_domain_join_password.secret_value.unsafe_unwrap()
            if trust and trust.ad_domain_join_password
            else None,
        )

    def allow_kdc_clients(self, clients: ec2.ISecurityGroup) -> None:
        """Let members of ``clients`` (other clusters' nodes) reach this cluster's KDC and kadmin."""
        if self.kerberos is None or self.kerberos.is_external:
            raise invalid(
                f"EmrCluster {self.node.path}",
                "kerberos",
                None if self.kerberos is None else self.kerberos.provider.value,
                "Kerberos.cluster_dedicated_kdc() for allow_kdc_clients: this cluster has no KDC of its own",
            )
        groups = self.security_groups
        for protocol, port in KDC_CLIENT_PORTS:
            groups.allow(groups.primary, clients, protocol, port, "Kerberos clients of this cluster's KDC")

    # ----- rendering ------------------------------------------------------------------------

    def _instances(
        self,
        subnet_ids: list[str],
        keep_alive: bool,
        protected: bool,
        additional: Sequence[ec2.ISecurityGroup],
        replace_unhealthy: bool,
    ) -> emr.CfnCluster.JobFlowInstancesConfigProperty:
        groups = self.security_groups
        extra_primary = [g.security_group_id for g in (*additional, *self._extra_primary_groups)] or None
        extra_core = [g.security_group_id for g in (*additional, *self._extra_core_groups)] or None
        common = dict(
            emr_managed_master_security_group=groups.primary.security_group_id,
            emr_managed_slave_security_group=groups.core.security_group_id,
            service_access_security_group=groups.service_access.security_group_id,
            additional_master_security_groups=extra_primary,
            additional_slave_security_groups=extra_core,
            ec2_key_name=self._key_name,
            keep_job_flow_alive_when_no_steps=keep_alive,
            termination_protected=protected,
            unhealthy_node_replacement=replace_unhealthy,
        )
        if isinstance(self.primary, InstanceFleet):
            return emr.CfnCluster.JobFlowInstancesConfigProperty(
                ec2_subnet_ids=subnet_ids,
                master_instance_fleet=self.primary._render("Primary", self),
                core_instance_fleet=self.core._render("Core", self) if self.core else None,
                task_instance_fleets=[t._render(f"Task{i}", self) for i, t in enumerate(self.task)] or None,
                **common,
            )
        return emr.CfnCluster.JobFlowInstancesConfigProperty(
            ec2_subnet_id=subnet_ids[0],
            master_instance_group=self.primary._render("Primary", self),
            core_instance_group=self.core._render("Core", self) if self.core else None,
            task_instance_groups=[t._render(f"Task{i}", self) for i, t in enumerate(self.task)] or None,
            **common,
        )

    def _capacity(self) -> list[Capacity]:
        """Primary, core (if any) and task fleets or groups."""
        return [self.primary, *([self.core] if self.core else []), *self.task]

    def _nodes(self) -> list[tuple[str, Capacity]]:
        """Each fleet or group with its property path (``primary``, ``core``, ``task[0]``)."""
        return [
            ("primary", self.primary),
            *([("core", self.core)] if self.core else []),
            *((f"task[{i}]", t) for i, t in enumerate(self.task)),
        ]

    def _scaling_unit(self) -> ScalingUnit:
        assert self.managed_scaling is not None
        if self.managed_scaling.unit is not None:
            return self.managed_scaling.unit
        return ScalingUnit.INSTANCE_FLEET_UNITS if isinstance(self.primary, InstanceFleet) else ScalingUnit.INSTANCES

    # ----- permissions ----------------------------------------------------------------------

    def _adopt_instance_profile(self, instance_role: iam.IRole | None, profile: iam.IInstanceProfile | None) -> None:
        """The nodes' role and instance profile: new ones, a profile for the role given, or the profile given."""
        if profile is not None:
            role = instance_role or profile.role
            self.instance_role: iam.IRole = (
                adopt_role(self, "InstanceRole", role)
                if role is not None
                else BroughtRole(
                    self,
                    "InstanceRole",
                    role=None,
                    mutable=False,
                    label=f"the role of instance profile {profile.instance_profile_name}",
                )
            )
            self.instance_profile_name = profile.instance_profile_name
        elif instance_role is None:
            created = EmrInstanceRole(self, "InstanceRole")
            self.instance_role = created
            self.instance_profile_name = created.instance_profile.ref
        else:
            self.instance_role = adopt_role(self, "InstanceRole", instance_role)
            self.instance_profile_name = instance_profile_for(self, "InstanceProfile", instance_role).ref
        if isinstance(self.instance_role, BroughtRole) and self.instance_role.role is None:
            # AmazonEMRServicePolicy_v2 lets EMR pass only EMR_EC2_DefaultRole (EMR Management Guide,
            # "Service role for Amazon EMR"): any other instance role needs iam:PassRole on the service role.
            require(
                self.service_role,
                kind=Kind.IAM_POLICY,
                resource_type="AWS::IAM::Role",
                resource=self.service_role.role_arn,
                reason=f"The service role must be allowed to pass {self.instance_role.label}, which is not known here.",
                warning_id="cdk-emr:passRoleUnknown",
                statements=[
                    iam.PolicyStatement(
                        actions=["iam:PassRole"],
                        resources=[self.instance_role.arn_or_placeholder],
                        conditions={"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}},
                    )
                ],
            )
        else:
            self.instance_role.grant_pass_role(self.service_role)

    def _grant_cluster_basics(self) -> None:
        """What every cluster needs: write its logs, use its key, let EMR encrypt EBS."""
        grant_bucket_put(self.instance_role, self.log_bucket, f"{self.log_prefix}*")  # logs: never deleted by nodes
        keys = [self.encryption_key]
        if self.security_configuration.encryption_key is not self.encryption_key:
            # The security configuration encrypts S3 data, local disks and EBS with its own key.
            keys.append(self.security_configuration.encryption_key)
        for key in keys:
            grant_key(self.instance_role, key)
            grant_key(self.service_role, key, KMS_ENCRYPT_DECRYPT + ("kms:GenerateDataKeyWithoutPlaintext",))
            grant_key_for_aws_resources(self.service_role, key)

    def _acknowledge_findings(self) -> None:
        """Findings that are false or inherent for every cluster this construct builds."""
        if self.security_configuration.local_disk_encryption:
            acknowledge(
                self.resource,
                "AwsSolutions::AwsSolutions-EMR4",
                "Local disk encryption is enabled under EncryptionConfiguration.AtRestEncryptionConfiguration, "
                "the shape AWS documents; the rule looks for it at the top level of the JSON (a rule bug).",
            )
        if self.security_configuration.tls_certificates is not None:
            acknowledge(
                self.resource,
                "AwsSolutions::AwsSolutions-EMR5",
                "In-transit encryption is enabled under EncryptionConfiguration (EnableInTransitEncryption with a "
                "PEM TLSCertificateConfiguration), the shape AWS documents; the rule reads the top level (a rule bug).",
            )

    # ----- validation -----------------------------------------------------------------------

    def _validate(
        self,
        *,
        cluster_name: str | None,
        auto_termination: AutoTermination | None,
        keep_alive: bool,
        step_concurrency_level: int,
        ebs_root_volume_size_gib: int | None,
        multi_primary: bool,
        tags: Mapping[str, str],
        security: _SecuritySettings,
        kerberos_with_security_configuration: bool,
        network: _NetworkSettings,
        log_retention: Duration | None,
    ) -> None:
        v = Validator(f"EmrCluster {self.node.path}")
        release = self.release_label
        if cluster_name is not None and not Token.is_unresolved(cluster_name):
            v.check(1 <= len(cluster_name) <= 256, "cluster_name", cluster_name, "1 to 256 characters")
        v.check(len(self.applications) > 0, "applications", [], "at least one application, e.g. [Application.SPARK]")
        names = [a.value for a in self.applications]
        v.check(len(set(names)) == len(names), "applications", names, "each application at most once")
        # EMR Release Guide, "Installing PrestoDB and Trino": "You can install either PrestoDB or
        # Trino, but you cannot install both on a single cluster ... the cluster creation request fails."
        v.check(
            not (Application.PRESTO in self.applications and Application.TRINO in self.applications),
            "applications",
            names,
            "Presto or Trino, not both: EMR refuses a cluster with PrestoDB and Trino",
        )
        for app in self.applications:
            v.check(
                ships(release, app),
                "applications",
                app.value,
                f"{app.value} ships with {application_releases(app)}, not {release}",
            )
        self._validate_capacity(v, multi_primary)
        if self.managed_scaling is not None:
            self._validate_scaling(v)
        if auto_termination is not None:
            v.check(
                supports(release, Feature.AUTO_TERMINATION),
                "auto_termination",
                release.label,
                f"a release supporting auto-termination ({feature_windows(Feature.AUTO_TERMINATION)}), or auto_termination=None",
            )
        concurrency_known = not Token.is_unresolved(step_concurrency_level)
        if concurrency_known:
            v.check(1 <= step_concurrency_level <= 256, "step_concurrency_level", step_concurrency_level, "1 to 256")
        # RunJobFlow (EMR API reference): "A maximum of 256 steps are allowed in each job flow."
        v.check(len(self.steps) <= MAX_STEPS, "steps", f"{len(self.steps)} steps", f"at most {MAX_STEPS} steps at launch")
        self._validate_tags(v, tags)
        self._validate_security(v, security, kerberos_with_security_configuration, multi_primary)
        self._validate_network(v, network)
        if log_retention is not None:
            check_log_retention(v, log_retention)
        if concurrency_known and step_concurrency_level > 1:
            for step in self.steps:
                v.check(
                    step.action_on_failure == ActionOnFailure.CONTINUE,
                    f"steps[{step.name!r}].action_on_failure",
                    step.action_on_failure.value,
                    "CONTINUE when step_concurrency_level > 1",
                )
        if multi_primary:
            for step in self.steps:
                v.check(
                    step.action_on_failure in (ActionOnFailure.CONTINUE, ActionOnFailure.CANCEL_AND_WAIT),
                    f"steps[{step.name!r}].action_on_failure",
                    step.action_on_failure.value,
                    "CONTINUE or CANCEL_AND_WAIT with multiple primary nodes",
                )
            replication = _hdfs_replication(self.configurations)
            core_nodes = self.core.total_capacity if self.core is not None else 0
            v.check(
                core_nodes >= 4 or (replication or 0) >= 2,
                "core",
                f"{core_nodes} unit(s), dfs.replication={replication}",
                "with multiple primary nodes, at least 4 core nodes or an hdfs-site dfs.replication of 2 or more",
            )
            uses_glue = any(c.uses_glue_catalog for c in self.configurations)
            for app in self.applications:
                if app in METASTORE_APPS:
                    v.check(
                        uses_glue,
                        "applications",
                        app.value,
                        "with multiple primary nodes, an external metastore: add Configuration.glue_data_catalog()",
                    )
        if self.spread_primary_nodes:
            v.check(
                supports(release, Feature.PLACEMENT_GROUPS),
                "spread_primary_nodes",
                True,
                f"a release with {Feature.PLACEMENT_GROUPS.value} ({feature_windows(Feature.PLACEMENT_GROUPS)})",
            )
        if ebs_root_volume_size_gib is not None:
            v.check(15 <= ebs_root_volume_size_gib <= 100, "ebs_root_volume_size_gib", ebs_root_volume_size_gib, "15 to 100 GiB")
        if not keep_alive and not self.steps:
            v.check(
                False,
                "keep_alive",
                False,
                "True, or give steps: a cluster with keep_alive=False and no steps terminates as soon as it starts",
            )
        v.raise_if_any()

    def _validate_capacity(self, v: Validator, multi_primary: bool) -> None:
        nodes = [self.primary, *([self.core] if self.core else []), *self.task]
        fleets = [isinstance(n, InstanceFleet) for n in nodes]
        if not v.check(
            all(fleets) or not any(fleets),
            "primary/core/task",
            "a mix of InstanceFleet and InstanceGroup",
            "all fleets or all groups",
        ):
            return
        release = self.release_label
        for prop, node in (("primary", self.primary), ("core", self.core), *((f"task[{i}]", t) for i, t in enumerate(self.task))):
            if node is not None:
                check_release_support(v, prop, node, release)
        if isinstance(self.primary, InstanceFleet):
            v.check(
                supports(release, Feature.INSTANCE_FLEETS),
                "release_label",
                release.label,
                f"a release with instance fleets ({feature_windows(Feature.INSTANCE_FLEETS)})",
            )
            if self.primary.total_capacity == MULTI_PRIMARY_NODES:
                v.check(
                    self.primary.target_spot_capacity == 0,
                    "primary.target_spot_capacity",
                    self.primary.target_spot_capacity,
                    "0: multiple primary nodes are on-demand",
                )
                v.check(
                    len(self.primary.configs) == 1,
                    "primary.instance_types",
                    [c.instance_type for c in self.primary.configs],
                    "exactly one instance type with multiple primary nodes",
                )
            v.check(
                all(c.weighted_capacity == 1 for c in self.primary.configs),
                "primary.instance_types.weighted_capacity",
                [c.weighted_capacity for c in self.primary.configs],
                "1 for the primary fleet",
            )
        v.check(
            self.primary.total_capacity in (1, MULTI_PRIMARY_NODES),
            "primary",
            f"{self.primary.total_capacity} node(s)",
            "1 node, or 3 on-demand nodes for high availability",
        )
        if multi_primary:
            feature = Feature.MULTI_PRIMARY_FLEETS if isinstance(self.primary, InstanceFleet) else Feature.MULTI_PRIMARY_GROUPS
            check_release_gate(v, release, feature, "release_label")
            if isinstance(self.primary, InstanceGroup):
                v.check(
                    self.primary.market == InstanceMarket.ON_DEMAND,
                    "primary.market",
                    self.primary.market.value,
                    "ON_DEMAND with multiple primary nodes",
                )

    def _validate_scaling(self, v: Validator) -> None:
        scaling = self.managed_scaling
        assert scaling is not None
        release = self.release_label
        v.check(
            supports(release, Feature.MANAGED_SCALING),
            "managed_scaling",
            release.label,
            f"a release supporting managed scaling ({feature_windows(Feature.MANAGED_SCALING)})",
        )
        v.check(self.core is not None, "managed_scaling", "no core nodes", "a cluster with core nodes")
        fleets = isinstance(self.primary, InstanceFleet)
        unit = self._scaling_unit()
        allowed = (ScalingUnit.INSTANCE_FLEET_UNITS,) if fleets else (ScalingUnit.INSTANCES, ScalingUnit.VCPU)
        v.check(
            unit in allowed,
            "managed_scaling.unit",
            unit.value,
            " or ".join(a.value for a in allowed) + (" for instance fleets" if fleets else " for instance groups"),
        )
        if scaling.strategy is not None or scaling.utilization_performance_index is not None:
            check_release_gate(v, release, Feature.ADVANCED_SCALING, "managed_scaling.strategy")
        if scaling.max_core_capacity is not None and self.core is not None and unit != ScalingUnit.VCPU:
            v.check(
                scaling.max_core_capacity >= self.core.total_capacity,
                "managed_scaling.max_core_capacity",
                scaling.max_core_capacity,
                f"at least the core capacity declared ({self.core.total_capacity} {unit.value})",
            )

    def _validate_security(
        self, v: Validator, security: _SecuritySettings, kerberos_with_security_configuration: bool, multi_primary: bool
    ) -> None:
        """The security configuration's requirements on the release and the primary nodes."""
        v.check(
            not kerberos_with_security_configuration,
            "kerberos",
            "set with security_configuration",
            "unset when you give security_configuration: pass kerberos= to that EmrSecurityConfiguration instead",
        )
        if security.kerberos is not None:
            check_release_gate(v, self.release_label, Feature.KERBEROS, "release_label")
            if multi_primary:
                v.check(
                    security.kerberos.is_external,
                    "kerberos",
                    security.kerberos.provider.value,
                    "ExternalKdc with multiple primary nodes (Kerberos.external_kdc(...), e.g. a KDC cluster's primary_dns)",
                )
        if security.emrfs_role_mappings:
            check_release_gate(v, self.release_label, Feature.EMRFS_ROLE_MAPPINGS, "security_configuration.emrfs_role_mappings")
        if security.runtime_roles:
            check_release_gate(v, self.release_label, Feature.RUNTIME_ROLES, "security_configuration.runtime_roles")
        if security.require_imdsv2:
            v.check(
                supports(self.release_label, Feature.IMDSV2_ONLY),
                "release_label",
                self.release_label.label,
                f"a release that starts with IMDSv1 off ({feature_windows(Feature.IMDSV2_ONLY)}), or "
                "security_configuration=EmrSecurityConfiguration(..., require_imdsv2=False)",
            )

    def _validate_network(self, v: Validator, network: _NetworkSettings) -> None:
        """Subnets to launch in, additional groups of the same VPC, the VPC this construct creates."""
        if network.vpc is None:
            check_network_shape(v, max_azs=network.max_azs, nat_gateways=network.nat_gateways)
            v.check(
                not network.brings_security_groups,
                "existing_security_groups",
                "groups without vpc",
                "groups of the VPC you pass as vpc=",
            )
            return
        if network.selected is not None:
            v.check(
                len(network.selected.subnet_ids) > 0,
                "subnets",
                "no subnet selected",
                "at least one subnet: the VPC has no private or isolated subnets; give subnets=ec2.SubnetSelection(...)",
            )
        stack = Stack.of(self)
        vpc_id = stack.resolve(network.vpc.vpc_id)
        for i, group in enumerate(network.additional_security_groups):
            group_vpc = _security_group_vpc(group)
            if group_vpc is not None:
                v.check(
                    stack.resolve(group_vpc) == vpc_id,
                    f"additional_security_groups[{i}]",
                    group.node.path,
                    "a security group of the cluster's VPC (EC2 attaches only groups of the instance's VPC)",
                )

    @staticmethod
    def _validate_tags(v: Validator, tags: Mapping[str, str]) -> None:
        """EMR tag restrictions (Management Guide, "Tag restrictions"; EC2's apply): keys of 1 to
        128 characters, values of at most 256, no ``aws:`` prefix (reserved for AWS use)."""
        for key, value in tags.items():
            if Token.is_unresolved(key):
                continue
            v.check(1 <= len(key) <= 128, f"tags[{key!r}]", key, "a key of 1 to 128 characters")
            v.check(
                not key.lower().startswith("aws:"), f"tags[{key!r}]", key, "a key without the 'aws:' prefix (reserved for AWS)"
            )
            if not Token.is_unresolved(value):
                v.check(len(value) <= 256, f"tags[{key!r}]", value, "a value of at most 256 characters")
                v.check(not value.lower().startswith("aws:"), f"tags[{key!r}]", value, "a value without the 'aws:' prefix")

    def _warn_about_unknown_release(self) -> None:
        if self.release_label.version > ReleaseLabel.LATEST.version:
            Annotations.of(self).add_warning_v2(
                "cdk-emr:unknownRelease",
                f"{self.release_label.label} is newer than the newest release cdk-emr knows ({ReleaseLabel.LATEST.label}): "
                f"release gates, applications and instance types are checked as for {ReleaseLabel.LATEST.label}.",
            )

    def _warn_about_spot_core(self) -> None:
        core = self.core
        spot = (isinstance(core, InstanceFleet) and core.target_spot_capacity > 0) or (
            isinstance(core, InstanceGroup) and core.market == InstanceMarket.SPOT
        )
        if spot:
            Annotations.of(self).add_warning_v2(
                "cdk-emr:spotCoreNodes",
                "Core nodes on spot: HDFS blocks on a reclaimed core node are lost, and losing several at once can "
                "lose data or fail the cluster. Keep data in S3 (EMRFS) and use spot core only for fault-tolerant, "
                "re-runnable batch work; otherwise put spot capacity on task nodes.",
            )

    def _warn_about_idleness(self, auto_termination: AutoTermination | None) -> None:
        busy = [a.value for a in self.applications if a in NON_YARN_APPS]
        if auto_termination is not None and busy:
            Annotations.of(self).add_warning_v2(
                "cdk-emr:idleOutsideYarn",
                f"Auto-termination judges idleness from YARN, HDFS, notebooks and UIs: work of {', '.join(busy)} "
                "outside YARN may not count, so the cluster can be terminated while in use. "
                "Raise idle_timeout or set auto_termination=None for such clusters.",
            )


class _SecuritySettings(NamedTuple):
    """What the cluster's security configuration will require, known before it is created."""

    kerberos: Kerberos | None
    require_imdsv2: bool
    runtime_roles: bool = False
    emrfs_role_mappings: bool = False

    @staticmethod
    def of(given: EmrSecurityConfiguration | None, kerberos: Kerberos | None) -> _SecuritySettings:
        if given is not None:
            return _SecuritySettings(
                given.kerberos, given.require_imdsv2, given.runtime_roles is not None, bool(given.emrfs_role_mappings)
            )
        default = inspect.signature(EmrSecurityConfiguration.__init__).parameters["require_imdsv2"].default
        return _SecuritySettings(kerberos, bool(default))


class _NetworkSettings(NamedTuple):
    vpc: ec2.IVpc | None
    selected: ec2.SelectedSubnets | None
    additional_security_groups: Sequence[ec2.ISecurityGroup]
    nat_gateways: int
    brings_security_groups: bool
    max_azs: int


def _knows_cidr(vpc: ec2.IVpc) -> bool:
    """Whether ``vpc`` has a CIDR block (an imported VPC without ``vpc_cidr_block`` raises)."""
    try:
        vpc.vpc_cidr_block  # noqa: B018
    except RuntimeError:
        return False
    return True


def _security_group_vpc(group: ec2.ISecurityGroup) -> str | None:
    """The VPC id of a group this app creates (None for an imported group: unknown here)."""
    resource = group.node.default_child
    return resource.vpc_id if isinstance(resource, ec2.CfnSecurityGroup) else None


def _hdfs_replication(configurations: Sequence[Configuration]) -> int | None:
    """``dfs.replication`` from an ``hdfs-site`` configuration, if one sets it."""
    for configuration in configurations:
        value = configuration.properties.get("dfs.replication") if configuration.classification == "hdfs-site" else None
        if value is not None and str(value).isdigit():
            return int(value)
    return None


def _default_fleet(release: ReleaseLabel) -> InstanceFleet:
    """One on-demand unit of the general-purpose xlarge types ``release`` offers, Graviton first."""
    try:
        return InstanceFleet.on_demand(graviton_first("xlarge", release=release), 1)
    except EmrValidationError:  # before emr-5.13.0: the release check reports the default's types
        return DEFAULT_PRIMARY


def _select_subnets(vpc: ec2.IVpc, subnets: ec2.SubnetSelection | Sequence[ec2.ISubnet] | None) -> ec2.SelectedSubnets:
    """The subnets for the nodes: the selection or subnets given, else the VPC's private subnets."""
    if subnets is None:
        private = vpc.private_subnets or vpc.isolated_subnets
        return vpc.select_subnets(subnets=private)
    if not isinstance(subnets, ec2.SubnetSelection):
        return vpc.select_subnets(subnets=list(subnets))
    return vpc.select_subnets(
        availability_zones=subnets.availability_zones,
        one_per_az=subnets.one_per_az,
        subnet_filters=subnets.subnet_filters,
        subnet_group_name=subnets.subnet_group_name,
        subnets=subnets.subnets,
        subnet_type=subnets.subnet_type,
    )
