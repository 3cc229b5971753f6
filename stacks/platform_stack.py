"""The EMR platform stacks: one cluster sized by a profile, or a multi-team platform (profiles with teams)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from aws_cdk import CfnOutput, Duration, Stack
from constructs import Construct

from cdk_emr import (
    Application,
    AutoTermination,
    BootstrapAction,
    CommandStep,
    Configuration,
    EmrCluster,
    EmrMonitoring,
    InstanceFleet,
    Kerberos,
    ManagedScaling,
    ReleaseLabel,
    ScriptSource,
)
from cdk_emr.encryption import EmrPlatformKeys
from cdk_emr.grants import GlueAccess
from cdk_emr.platform import EmrPlatform, generated_tls_certificates, grant_tls_read, platform_data_bucket
from cdk_emr.platform_team import EmrTeam
from cdk_emr.security import EmrSecurityConfiguration, kdc_admin_password
from cdk_emr.storage import EmrLogStorage, use_bucket_policy_for_access_logs
from stacks.choices import accept_single_region_buckets
from stacks.profiles import FleetSpec, Profile, ScalingSpec

if TYPE_CHECKING:  # only a profile with an external KDC builds that stack (stacks.app_builder)
    from stacks.kdc_stack import EmrKdcStack

BOOTSTRAP_DIR = Path(__file__).resolve().parent.parent / "bootstrap_actions"


def _fleet(spec: FleetSpec) -> InstanceFleet:
    return InstanceFleet(
        instance_types=list(spec.instance_types),
        target_on_demand_capacity=spec.on_demand,
        target_spot_capacity=spec.spot,
    )


class EmrPlatformStack(Stack):
    """A complete EMR platform: one KMS key per purpose (``keys``: data, disks, logs, secrets, each
    key policy naming its users), log and data buckets, VPC, roles, security configuration and the
    cluster, with the profile's size, scaling and protection."""

    def __init__(self, scope: Construct, id: str, *, profile: Profile, kdc: EmrKdcStack | None = None, **kwargs: Any) -> None:
        """``kdc``: the stack whose network and KDC the cluster uses (profiles with an external KDC)."""
        super().__init__(scope, id, **kwargs)
        use_bucket_policy_for_access_logs(self)
        self.profile = profile
        self.keys = EmrPlatformKeys(self, "Keys", name=f"cdk-emr {profile.name} platform")
        self.logs = EmrLogStorage(self, "Logs", encryption_key=self.keys.logs)
        self.data_bucket = platform_data_bucket(self, "DataBucket", keys=self.keys, logs=self.logs)
        self.tls = generated_tls_certificates(self, "Tls", keys=self.keys, bucket=self.logs.bucket)
        kerberos = (
            kdc.kerberos_for_clients(self)
            if kdc
            else Kerberos.cluster_dedicated_kdc(
                admin_password=kdc_admin_password(self, "KdcAdminPassword", encryption_key=self.keys.secrets)
            )
        )
        self.security_configuration = EmrSecurityConfiguration(
            self,
            "SecurityConfiguration",
            encryption_key=self.keys.disks,
            s3_encryption_key=self.keys.data,
            tls_certificates=self.tls.certificates,
            kerberos=kerberos,
        )
        self.cluster = EmrCluster(
            self,
            "Cluster",
            cluster_id_output=False,  # the stack publishes it as the output ClusterId
            cluster_name=f"cdk-emr-{profile.name}",
            release_label=ReleaseLabel.of(profile.release_label),
            applications=[Application(name) for name in profile.applications],
            configurations=_configurations(profile),
            primary=_fleet(profile.primary),
            core=_fleet(profile.core),
            task=[_fleet(t) for t in profile.task],
            managed_scaling=self._scaling(),
            auto_termination=AutoTermination(idle_timeout=Duration.minutes(profile.idle_timeout_minutes))
            if profile.idle_timeout_minutes
            else None,
            termination_protection=profile.termination_protection,
            bootstrap_actions=[
                BootstrapAction(
                    name="Install Python packages",
                    script=ScriptSource.from_asset(str(BOOTSTRAP_DIR / "install-python-packages.sh")),
                    args=list(profile.python_packages),
                )
            ],
            steps=[CommandStep(name="Smoke test: SparkPi", command=["spark-example", "SparkPi", "10"])]
            if profile.name == "dev"
            else [],
            nat_gateways=profile.nat_gateways,
            interface_endpoints=profile.interface_endpoints,
            vpc=kdc.network.vpc if kdc else None,
            subnets=kdc.network.subnets if kdc else None,
            security_configuration=self.security_configuration,
            encryption_key=self.keys.disks,
            log_encryption_key=self.keys.logs,
            log_bucket=self.logs.bucket,
            tags={"cdk-emr:profile": profile.name},
        )
        self.cluster.grant_read_write_data(self.data_bucket)
        grant_tls_read(self.tls, self.keys, self.cluster.instance_role)
        if profile.glue_catalog:
            # Hive and Spark read `default` at start-up; the profile's own database is the one it writes.
            self.cluster.grant_glue_catalog(database_names=("default",))
            self.cluster.grant_glue_catalog(database_names=(f"cdk_emr_{profile.name}",), access=GlueAccess.READ_WRITE)
        self.monitoring = EmrMonitoring(
            self,
            "Monitoring",
            cluster=self.cluster,
            # termination protection (forced with 3 primaries) overrides auto-termination
            auto_termination_enabled=bool(profile.idle_timeout_minutes) and not profile.termination_protection,
        )
        self._outputs()
        self._acknowledge_findings()

    def _scaling(self) -> ManagedScaling | None:
        spec = self.profile.scaling
        if spec is None:
            return None
        return ManagedScaling(
            min_capacity=spec.minimum,
            max_capacity=spec.maximum,
            max_on_demand_capacity=spec.maximum_on_demand,
            max_core_capacity=spec.maximum_core,
        )

    def _outputs(self) -> None:
        CfnOutput(self, "ClusterId", value=self.cluster.cluster_id, description="EMR cluster id (j-...)")
        CfnOutput(self, "LogUri", value=self.cluster.log_uri, description="Where the cluster writes its logs")
        CfnOutput(self, "DataBucketName", value=self.data_bucket.bucket_name, description="Bucket for the cluster's data")
        CfnOutput(
            self,
            "SecurityConfigurationName",
            value=self.cluster.security_configuration.name,
            description="EMR security configuration of the cluster",
        )
        CfnOutput(
            self,
            "NotificationTopicArn",
            value=self.monitoring.topic.topic_arn,
            description="SNS topic of the cluster's alarms and EMR events",
        )
        CfnOutput(self, "DashboardName", value=self.monitoring.dashboard.dashboard_name, description="CloudWatch dashboard")

    def _acknowledge_findings(self) -> None:
        """cdk-nag findings that are accepted, each on the narrowest construct, with its reason."""
        accept_single_region_buckets([self.logs.access_logs_bucket, self.logs.bucket, self.data_bucket])


def _configurations(profile: Profile) -> list[Configuration]:
    """Spark with dynamic allocation and adaptive queries; the Glue Data Catalog as metastore."""
    configs = [Configuration.spark_defaults({"spark.dynamicAllocation.enabled": "true", "spark.sql.adaptive.enabled": "true"})]
    if profile.glue_catalog:
        configs += Configuration.glue_data_catalog(hive="Hive" in profile.applications)
    return configs


def _scaling(spec: ScalingSpec) -> ManagedScaling:
    return ManagedScaling(
        min_capacity=spec.minimum,
        max_capacity=spec.maximum,
        max_on_demand_capacity=spec.maximum_on_demand,
        max_core_capacity=spec.maximum_core,
    )


def _output_name(team: str) -> str:
    """``analytics`` -> ``Analytics``, ``ml-ops`` -> ``MlOps`` (an output key prefix)."""
    return "".join(part.capitalize() for part in team.split("-"))


class EmrTeamsPlatformStack(Stack):
    """A multi-team platform: an :class:`~cdk_emr.platform.EmrPlatform` (shared network, per-purpose
    keys, log and data buckets, TLS, one instance role, security configuration with runtime roles)
    and one cluster per team of the profile, each within its team's budget and instance families.

    Outputs: ``ClusterId`` (the first team's cluster, what ``cdk-emr status STACK`` reads),
    ``<Team>ClusterId`` and ``<Team>RuntimeRoleArn`` per team (``cdk-emr steps add STACK/<Team>ClusterId
    ... --runtime-role <arn>``), ``LogUri``, ``DataBucketName``, ``SecurityConfigurationName``,
    ``NotificationTopicArn``, ``DashboardName``.
    """

    def __init__(self, scope: Construct, id: str, *, profile: Profile, kdc: EmrKdcStack | None = None, **kwargs: Any) -> None:
        """``kdc``: the stack whose network and KDC the clusters use (profiles with an external KDC)."""
        super().__init__(scope, id, **kwargs)
        use_bucket_policy_for_access_logs(self)
        self.profile = profile
        self.platform = EmrPlatform(
            self,
            "Platform",
            vpc=kdc.network.vpc if kdc else None,
            subnets=kdc.network.subnets if kdc else None,
            nat_gateways=profile.nat_gateways,
            interface_endpoints=profile.interface_endpoints,
            kerberos=kdc.kerberos_for_clients(self) if kdc else Kerberos.cluster_dedicated_kdc(),
            required_tags=("cdk-emr:profile", "cost-center"),
            production=profile.termination_protection,
        )
        self.data_bucket = self.platform.data_bucket
        self.teams: dict[str, EmrTeam] = {}
        self.clusters: dict[str, EmrCluster] = {}
        self.monitoring: dict[str, EmrMonitoring] = {}
        topic = None
        for spec in profile.teams:
            team = self.platform.add_team(
                spec.name,
                glue_databases=spec.glue_databases,
                max_hourly_usd=spec.max_hourly_usd,
                allowed_instance_families=spec.allowed_instance_families,
                tags={"cdk-emr:profile": profile.name, "cost-center": spec.cost_center},
            )
            cluster = self.platform.add_cluster(
                _output_name(spec.name),
                team=team,
                cluster_id_output=False,  # the stack publishes <Team>ClusterId
                cluster_name=spec.cluster_name,
                release_label=ReleaseLabel.of(profile.release_label),
                applications=[Application(name) for name in profile.applications],
                configurations=_configurations(profile),
                primary=_fleet(spec.primary),
                core=_fleet(spec.core),
                task=[_fleet(t) for t in spec.task],
                managed_scaling=_scaling(spec.scaling),
                auto_termination=None,
                termination_protection=profile.termination_protection,
                bootstrap_actions=[
                    BootstrapAction(
                        name="Install Python packages",
                        script=ScriptSource.from_asset(str(BOOTSTRAP_DIR / "install-python-packages.sh")),
                        args=list(profile.python_packages),
                    )
                ],
            )
            self.monitoring[spec.name] = EmrMonitoring(
                self, f"{_output_name(spec.name)}Monitoring", cluster=cluster, auto_termination_enabled=False, topic=topic
            )
            topic = topic or self.monitoring[spec.name].topic
            self.teams[spec.name] = team
            self.clusters[spec.name] = cluster
        self._outputs()
        accept_single_region_buckets([self.platform.logs.access_logs_bucket, self.platform.logs.bucket, self.data_bucket])

    def _outputs(self) -> None:
        first = next(iter(self.clusters.values()))
        CfnOutput(self, "ClusterId", value=first.cluster_id, description="EMR cluster id (j-...)")
        for name, cluster in self.clusters.items():
            key = _output_name(name)
            CfnOutput(self, f"{key}ClusterId", value=cluster.cluster_id, description=f"EMR cluster id (j-...) of team {name}")
            CfnOutput(
                self,
                f"{key}RuntimeRoleArn",
                value=self.teams[name].runtime_role.role_arn,
                description=f"Runtime role of team {name}: cdk-emr steps add ... --runtime-role ARN",
            )
        CfnOutput(self, "LogUri", value=first.log_uri, description="Where the clusters write their logs")
        CfnOutput(self, "DataBucketName", value=self.data_bucket.bucket_name, description="Bucket of the teams' data")
        CfnOutput(
            self,
            "SecurityConfigurationName",
            value=self.platform.security_configuration.name,
            description="EMR security configuration of shared clusters",
        )
        monitoring = next(iter(self.monitoring.values()))
        CfnOutput(self, "NotificationTopicArn", value=monitoring.topic.topic_arn, description="SNS topic of alarms and events")
        CfnOutput(self, "DashboardName", value=monitoring.dashboard.dashboard_name, description="CloudWatch dashboard")
