"""The EMR platform stack: a data bucket and one cluster, sized by a profile."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
from cdk_emr.encryption import create_emr_key
from cdk_emr.storage import EmrLogStorage, secure_bucket, use_bucket_policy_for_access_logs
from stacks.choices import accept_single_region_buckets, security_configuration
from stacks.kdc_stack import EmrKdcStack
from stacks.profiles import FleetSpec, Profile

BOOTSTRAP_DIR = Path(__file__).resolve().parent.parent / "bootstrap_actions"


def _fleet(spec: FleetSpec) -> InstanceFleet:
    return InstanceFleet(
        instance_types=list(spec.instance_types),
        target_on_demand_capacity=spec.on_demand,
        target_spot_capacity=spec.spot,
    )


class EmrPlatformStack(Stack):
    """A complete EMR platform: KMS key, log and data buckets, VPC, roles, security
    configuration and the cluster, with the profile's size, scaling and protection."""

    def __init__(self, scope: Construct, id: str, *, profile: Profile, kdc: EmrKdcStack | None = None, **kwargs: Any) -> None:
        """``kdc``: the stack whose network and KDC the cluster uses (profiles with an external KDC)."""
        super().__init__(scope, id, **kwargs)
        use_bucket_policy_for_access_logs(self)
        self.profile = profile
        self.key = create_emr_key(self, "Key", description=f"cdk-emr {profile.name} platform data, logs and disks")
        self.logs = EmrLogStorage(self, "Logs", encryption_key=self.key)
        self.data_bucket = secure_bucket(
            self,
            "DataBucket",
            encryption_key=self.key,
            server_access_logs_bucket=self.logs.access_logs_bucket,
            server_access_logs_prefix="data-bucket/",
        )
        self.security_configuration, self.tls = security_configuration(
            self,
            encryption_key=self.key,
            certificates_bucket=self.logs.bucket,
            kerberos=kdc.kerberos_for_clients(self) if kdc else Kerberos.cluster_dedicated_kdc(),
        )
        self.cluster = EmrCluster(
            self,
            "Cluster",
            cluster_id_output=False,  # the stack publishes it as the output ClusterId
            cluster_name=f"cdk-emr-{profile.name}",
            release_label=ReleaseLabel.of(profile.release_label),
            applications=[Application(name) for name in profile.applications],
            configurations=self._configurations(),
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
            encryption_key=self.key,
            log_bucket=self.logs.bucket,
            tags={"cdk-emr:profile": profile.name},
        )
        self.cluster.grant_read_write_data(self.data_bucket)
        self.tls.grant_read(self.cluster.instance_role)
        if profile.glue_catalog:
            self.cluster.grant_glue_catalog(database_names=("default", f"cdk_emr_{profile.name}"))
        self.monitoring = EmrMonitoring(
            self,
            "Monitoring",
            cluster=self.cluster,
            # termination protection (forced with 3 primaries) overrides auto-termination
            auto_termination_enabled=bool(profile.idle_timeout_minutes) and not profile.termination_protection,
        )
        self._outputs()
        self._acknowledge_findings()

    def _configurations(self) -> list[Configuration]:
        configs = [
            Configuration.spark_defaults({"spark.dynamicAllocation.enabled": "true", "spark.sql.adaptive.enabled": "true"})
        ]
        if self.profile.glue_catalog:
            configs += Configuration.glue_data_catalog(hive="Hive" in self.profile.applications)
        return configs

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
