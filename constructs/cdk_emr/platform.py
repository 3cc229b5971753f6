"""``EmrPlatform``: one foundation for many teams' EMR clusters in one account and VPC.

The foundation: the network (or one you bring), the log bucket, the data bucket, one KMS key per
purpose (:class:`~cdk_emr.encryption.EmrPlatformKeys`), the TLS certificates, one EC2 instance
role that keeps only what EMR needs, and a security configuration with runtime roles (and, as an
option, Lake Formation). :meth:`EmrPlatform.add_team` adds a team (its runtime role, key,
prefixes, Glue databases and budget); :meth:`EmrPlatform.add_cluster` adds a team's or a shared
cluster and checks the platform's guardrails (:mod:`cdk_emr.guardrails`) when it is added.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aws_cdk import Duration, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_emr as emr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cdk_emr.cfn_shape import to_cloudformation
from cdk_emr.cluster import EmrCluster
from cdk_emr.encryption import EmrPlatformKeys
from cdk_emr.grants import KMS_DECRYPT
from cdk_emr.guardrails import ClusterFacts, check_cluster, maximum_hourly_cost, pricing_region
from cdk_emr.iam import EmrInstanceRole
from cdk_emr.network import EmrNetwork
from cdk_emr.ops.pricing import CostEstimateError
from cdk_emr.ops.team_cost import SHARED, TEAM_METADATA
from cdk_emr.platform_team import TEAM_TAG, EmrTeam
from cdk_emr.security import EmrSecurityConfiguration, GeneratedTlsCertificates, Kerberos, RuntimeRoles
from cdk_emr.storage import DEFAULT_LOG_RETENTION, EmrLogStorage, secure_bucket
from cdk_emr.typecheck import typed
from cdk_emr.validation import Validator

PLATFORM_CLUSTER_SETTINGS = (
    "vpc",
    "encryption_key",
    "log_bucket",
    "log_prefix",
    "log_encryption_key",
    "security_configuration",
    "kerberos",
    "instance_role",
    "instance_profile",
    "service_role",
)
"""``EmrCluster`` properties the platform sets for every cluster (:meth:`EmrPlatform.add_cluster` refuses them)."""


@typed
class EmrPlatform(Construct):
    """A shared EMR foundation with teams, per-purpose keys, runtime roles and guardrails.

    - Keys (``keys``): ``data`` (what jobs write through EMRFS on shared clusters, and the data
      bucket), ``disks`` (local disks and EBS), ``logs`` (log bucket, flow logs, function logs),
      ``secrets`` (TLS bundle, KDC admin password); each team gets its own data key. Every key
      policy names exactly who may use the key (:class:`~cdk_emr.encryption.EmrKey`).
    - One instance role (``instance_role``) for every cluster: its logs, its scripts, the disks
      key and the TLS bundle; no data, no Glue. Jobs run as their team's runtime role.
    - ``security_configuration``: at-rest encryption (S3 with ``data``, disks with ``disks``),
      TLS, IMDSv2, runtime roles (Lake Formation with ``lake_formation=True``), ``kerberos``.
      A team's clusters get a copy whose S3 key is the team's key.

    Public attributes: ``keys``, ``logs``, ``network`` (None with ``vpc=``), ``vpc``, ``subnets``,
    ``data_bucket``, ``tls``, ``instance_role``, ``security_configuration``, ``teams``, ``clusters``,
    ``production``, ``required_tags``.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc: ec2.IVpc | None = None,
        subnets: ec2.SubnetSelection | None = None,
        nat_gateways: int = 1,
        interface_endpoints: bool = False,
        kerberos: Kerberos | None = None,
        lake_formation: bool = False,
        propagate_source_identity: bool = False,
        required_tags: Sequence[str] = (),
        production: bool = False,
        log_retention: Duration = DEFAULT_LOG_RETENTION,
        shared_max_hourly_usd: float | None = None,
        shared_allowed_instance_families: Sequence[str] | None = None,
    ) -> None:
        """Create the foundation.

        :param vpc: A VPC to use (e.g. a shared network stack's); its subnets must carry the
            ``for-use-with-amazon-emr-managed-policies=true`` tag. Default: a new :class:`EmrNetwork`.
        :param subnets: The nodes' subnets in ``vpc``. Default: the private subnets.
        :param nat_gateways: NAT gateways of the network this construct creates. Default: 1.
        :param interface_endpoints: Interface endpoints in that network. Default: False.
        :param kerberos: Kerberos for every cluster. Default: none. A cluster-dedicated KDC
            without a password gets one encrypted with the ``secrets`` key.
        :param lake_formation: Lake Formation enforces table permissions for the runtime roles
            (``LakeFormationConfiguration``). Default: False.
        :param propagate_source_identity: The caller's identity in CloudTrail. Default: False.
        :param required_tags: Tag keys every cluster must carry (a team's ``tags`` and the
            cluster's ``tags`` count). Default: none (``cdk-emr:team`` is always set).
        :param production: Guardrails of production: termination protection on, nodes in private
            subnets. Default: False.
        :param log_retention: Expiry of logs in the log bucket. Default: 365 days.
        :param shared_max_hourly_usd: Budget of the shared clusters together. Default: none.
        :param shared_allowed_instance_families: Instance families of shared clusters. Default: any.
        """
        super().__init__(scope, id)
        v = Validator(f"EmrPlatform {self.node.path}")
        if shared_max_hourly_usd is not None:
            v.check(shared_max_hourly_usd > 0, "shared_max_hourly_usd", shared_max_hourly_usd, "a budget above 0 USD per hour")
        v.check(subnets is None or vpc is not None, "subnets", "set without vpc", "subnets of the vpc you pass as vpc=")
        v.raise_if_any()
        self.production = production
        self.required_tags = tuple(required_tags)
        self.lake_formation = lake_formation
        self.propagate_source_identity = propagate_source_identity
        self.shared_max_hourly_usd = shared_max_hourly_usd
        self.shared_allowed_instance_families = (
            tuple(shared_allowed_instance_families) if shared_allowed_instance_families is not None else None
        )
        self.teams: dict[str, EmrTeam] = {}
        self.clusters: list[EmrCluster] = []
        self._cluster_costs: dict[str, list[float]] = {}
        self.keys = EmrPlatformKeys(self, "Keys", name=f"cdk-emr platform {self.node.path}")
        self.logs = EmrLogStorage(self, "Logs", encryption_key=self.keys.logs, log_retention=log_retention)
        self.network: EmrNetwork | None = None
        if vpc is None:
            self.network = EmrNetwork(
                self,
                "Network",
                flow_logs_bucket=self.logs.bucket,
                nat_gateways=nat_gateways,
                interface_endpoints=interface_endpoints,
            )
            vpc, subnets = self.network.vpc, self.network.subnets
        self.vpc = vpc
        self.subnets = subnets or ec2.SubnetSelection(subnets=vpc.private_subnets or vpc.isolated_subnets)
        self.data_bucket = platform_data_bucket(self, "DataBucket", keys=self.keys, logs=self.logs)
        self.tls = generated_tls_certificates(self, "Tls", keys=self.keys, bucket=self.logs.bucket)
        self.instance_role = EmrInstanceRole(self, "InstanceRole")
        grant_tls_read(self.tls, self.keys, self.instance_role)
        self.kerberos = kerberos
        if kerberos is not None and not kerberos.is_external:
            kerberos.admin_password_secret(self, self.keys.secrets)
        self.security_configuration = self._security_configuration("SecurityConfiguration", self.keys.data)

    # ----- teams -------------------------------------------------------------------------------

    def add_team(
        self,
        name: str,
        *,
        data: Sequence[str] | None = None,
        glue_databases: Sequence[str] = (),
        max_hourly_usd: float | None = None,
        allowed_instance_families: Sequence[str] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> EmrTeam:
        """Add a team; its ``runtime_role`` is what its steps run as (``cdk-emr steps add --runtime-role``).

        :param name: 1 to 32 lower-case letters, digits or ``-``.
        :param data: Its key prefixes in :attr:`data_bucket` (read, write, list). Default: ``teams/<name>/``.
        :param glue_databases: Glue databases it owns (metastore API on them; never ``default``). Default: none.
        :param max_hourly_usd: Budget: the maximum hourly cost of its clusters together. Default: none.
        :param allowed_instance_families: Instance families its clusters may use. Default: any.
        :param tags: Tags of its clusters. Default: only ``cdk-emr:team=<name>``.
        """
        v = Validator(f"EmrPlatform {self.node.path}.add_team")
        v.check(name not in self.teams, "name", name, "a team name not used yet on this platform")
        v.raise_if_any()
        team = EmrTeam(
            self,
            f"Team-{name}",
            name=name,
            instance_role=self.instance_role,
            data_bucket=self.data_bucket,
            shared_data_key=self.keys.data,
            data_prefixes=tuple(data) if data is not None else (f"teams/{name}/",),
            glue_databases=glue_databases,
            max_hourly_usd=max_hourly_usd,
            allowed_instance_families=allowed_instance_families,
            tags=tags,
            propagate_source_identity=self.propagate_source_identity,
            lake_formation=self.lake_formation,
        )
        self.teams[name] = team
        return team

    # ----- clusters ----------------------------------------------------------------------------

    def add_cluster(
        self,
        id: str,
        *,
        team: EmrTeam | None = None,
        tags: Mapping[str, str] | None = None,
        subnets: ec2.SubnetSelection | Sequence[ec2.ISubnet] | None = None,
        **options: Any,
    ) -> EmrCluster:
        """Add a cluster of ``team`` (None: a shared cluster every team's runtime role may use).

        ``options`` are :class:`~cdk_emr.cluster.EmrCluster` properties (release, applications,
        fleets, scaling, termination, steps, ...); the platform sets the network, keys, logs,
        security configuration and roles. The guardrails are checked here, all at once: the
        maximum hourly cost of the team's clusters against ``max_hourly_usd``, the instance
        families, the required tags and, in production, termination protection and private subnets.

        :param team: The team the cluster belongs to. Default: shared.
        :param tags: Tags besides the team's. Default: none.
        :param subnets: The nodes' subnets. Default: the platform's subnets.
        """
        v = Validator(f"EmrPlatform {self.node.path}.add_cluster({id!r})")
        for setting in PLATFORM_CLUSTER_SETTINGS:
            v.check(setting not in options, setting, "set", "left to the platform (every cluster shares its foundation)")
        v.check(team is None or self.teams.get(team.name) is team, "team", getattr(team, "name", team), "a team of this platform")
        v.raise_if_any()
        merged_tags = {**(team.tags if team else {TEAM_TAG: SHARED}), **(tags or {})}
        cluster = EmrCluster(
            self,
            id,
            vpc=self.vpc,
            subnets=subnets or self.subnets,
            encryption_key=self.keys.disks,
            log_bucket=self.logs.bucket,
            log_prefix=self.logs.log_prefix,
            log_encryption_key=self.keys.logs,
            security_configuration=self._team_security_configuration(team),
            instance_role=self.instance_role,
            tags=merged_tags,
            **options,
        )
        self._check_guardrails(cluster, team, merged_tags, subnets or self.subnets)
        self.clusters.append(cluster)
        if team is not None:
            team.clusters.append(cluster)
        if cluster.resource is not None:
            budget = team.max_hourly_usd if team else self.shared_max_hourly_usd
            entry: dict[str, Any] = {"name": team.name if team else SHARED}
            if budget is not None:
                entry["max_hourly_usd"] = budget
            cluster.resource.add_metadata(TEAM_METADATA, entry)
        return cluster

    def _check_guardrails(
        self,
        cluster: EmrCluster,
        team: EmrTeam | None,
        tags: Mapping[str, str],
        subnets: ec2.SubnetSelection | Sequence[ec2.ISubnet],
    ) -> None:
        properties: emr.CfnClusterProps = cluster.launch_properties
        instances = to_cloudformation(properties.instances)
        selected = (
            list(subnets)
            if not isinstance(subnets, ec2.SubnetSelection)
            else self.vpc.select_subnets(**_selection(subnets)).subnets
        )
        budget = team.max_hourly_usd if team else self.shared_max_hourly_usd
        region = pricing_region(Stack.of(self))
        name = team.name if team else SHARED
        others = sum(self._cluster_costs.get(name, []))
        v = Validator(f"EmrPlatform {self.node.path}.add_cluster({cluster.node.id!r}) for team {name!r}")
        check_cluster(
            v,
            ClusterFacts(
                properties=properties,
                tags=tags,
                termination_protected=bool(instances.get("TerminationProtected")),
                subnets=selected,
                public_subnets=self.vpc.public_subnets,
            ),
            region=region,
            max_hourly_usd=budget,
            other_clusters_usd=others,
            allowed_instance_families=team.allowed_instance_families if team else self.shared_allowed_instance_families,
            required_tags=self.required_tags,
            production=self.production,
        )
        v.raise_if_any()
        try:
            self._cluster_costs.setdefault(name, []).append(maximum_hourly_cost(properties, region).hourly_max)
        except CostEstimateError:
            pass  # no budget to check against (a budget makes the estimate a guardrail above)

    # ----- security configurations -------------------------------------------------------------

    def _security_configuration(self, id: str, s3_key: Any) -> EmrSecurityConfiguration:
        return EmrSecurityConfiguration(
            self,
            id,
            encryption_key=self.keys.disks,
            s3_encryption_key=s3_key,
            tls_certificates=self.tls.certificates,
            kerberos=self.kerberos,
            runtime_roles=RuntimeRoles(
                lake_formation=self.lake_formation, propagate_source_identity=self.propagate_source_identity
            ),
        )

    def _team_security_configuration(self, team: EmrTeam | None) -> EmrSecurityConfiguration:
        """The shared configuration, or the team's copy whose EMRFS key is the team's key."""
        if team is None:
            return self.security_configuration
        existing = team.node.try_find_child("SecurityConfiguration")
        if isinstance(existing, EmrSecurityConfiguration):
            return existing
        return EmrSecurityConfiguration(
            team,
            "SecurityConfiguration",
            encryption_key=self.keys.disks,
            s3_encryption_key=team.key,
            tls_certificates=self.tls.certificates,
            kerberos=self.kerberos,
            runtime_roles=RuntimeRoles(
                lake_formation=self.lake_formation, propagate_source_identity=self.propagate_source_identity
            ),
        )


def _selection(selection: ec2.SubnetSelection) -> dict[str, Any]:
    return {
        "availability_zones": selection.availability_zones,
        "one_per_az": selection.one_per_az,
        "subnet_filters": selection.subnet_filters,
        "subnet_group_name": selection.subnet_group_name,
        "subnets": selection.subnets,
        "subnet_type": selection.subnet_type,
    }


def platform_data_bucket(scope: Construct, id: str, *, keys: EmrPlatformKeys, logs: EmrLogStorage) -> s3.Bucket:
    """The jobs' data bucket: encrypted with the ``data`` key, access-logged under ``data-bucket/``."""
    return secure_bucket(
        scope,
        id,
        encryption_key=keys.data,
        server_access_logs_bucket=logs.access_logs_bucket,
        server_access_logs_prefix="data-bucket/",
    )


def generated_tls_certificates(
    scope: Construct, id: str, *, keys: EmrPlatformKeys, bucket: s3.IBucket
) -> GeneratedTlsCertificates:
    """TLS certificates generated at deploy time into ``bucket``: the bundle encrypted with the
    ``secrets`` key, the generator's log group and dead-letter queue with the ``logs`` key."""
    tls = GeneratedTlsCertificates(scope, id, bucket=bucket, encryption_key=keys.secrets, log_encryption_key=keys.logs)
    keys.secrets.grant(tls.role, "kms:GenerateDataKey")
    keys.logs.grant(tls.role, "kms:GenerateDataKey", "kms:Decrypt")
    return tls


def grant_tls_read(tls: GeneratedTlsCertificates, keys: EmrPlatformKeys, instance_role: iam.IRole) -> None:
    """Let a cluster's instance role read the TLS bundle and decrypt it with the ``secrets`` key."""
    tls.grant_read(instance_role)
    keys.secrets.grant(instance_role, *KMS_DECRYPT)
