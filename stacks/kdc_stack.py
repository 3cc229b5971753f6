"""The KDC stack: the shared network and a small Kerberized cluster acting as the external KDC.

Clusters with several primary nodes cannot run a cluster-dedicated KDC; EMR documents the
"external KDC on a different cluster" architecture for them. This stack holds that cluster (one
on-demand primary node, Hadoop only, termination-protected, never auto-terminated), the VPC it
shares with the clusters it serves, the KDC admin password (Secrets Manager) and a "KDC
clients" security group: a cluster that joins the group can reach the KDC.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from cdk_emr import Application, EmrCluster, InstanceFleet, Kerberos, ReleaseLabel
from cdk_emr.encryption import create_emr_key
from cdk_emr.network import EmrNetwork, tag_for_emr
from cdk_emr.security import kdc_admin_password
from cdk_emr.storage import EmrLogStorage, use_bucket_policy_for_access_logs
from stacks.choices import accept_single_region_buckets, security_configuration
from stacks.profiles import Profile

KDC_INSTANCE_TYPES = ("m7g.xlarge", "m6g.xlarge")


class EmrKdcStack(Stack):
    """Shared network + the KDC cluster for a profile whose clusters use an external KDC."""

    def __init__(self, scope: Construct, id: str, *, profile: Profile, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        use_bucket_policy_for_access_logs(self)
        self.key = create_emr_key(self, "Key", description=f"cdk-emr {profile.name} KDC, shared network logs")
        self.logs = EmrLogStorage(self, "Logs", encryption_key=self.key)
        self.network = EmrNetwork(
            self,
            "Network",
            flow_logs_bucket=self.logs.bucket,
            nat_gateways=profile.nat_gateways,
            interface_endpoints=profile.interface_endpoints,
        )
        self.clients = ec2.SecurityGroup(
            self, "KdcClients", vpc=self.network.vpc, description="Nodes of EMR clusters that use the external KDC"
        )
        tag_for_emr(self.clients)
        self.admin_password = kdc_admin_password(self, "KdcAdminPassword", encryption_key=self.key)
        self.security_configuration, self.tls = security_configuration(
            self,
            encryption_key=self.key,
            certificates_bucket=self.logs.bucket,
            kerberos=Kerberos.cluster_dedicated_kdc(admin_password=self.admin_password),
        )
        self.cluster = EmrCluster(
            self,
            "Kdc",
            cluster_name=f"cdk-emr-{profile.name}-kdc",
            release_label=ReleaseLabel.of(profile.release_label),
            applications=[Application.HADOOP],
            primary=InstanceFleet.on_demand(list(KDC_INSTANCE_TYPES), 1),
            core=None,
            auto_termination=None,
            termination_protection=True,
            vpc=self.network.vpc,
            subnets=self.network.subnets,
            encryption_key=self.key,
            log_bucket=self.logs.bucket,
            security_configuration=self.security_configuration,
            tags={"cdk-emr:profile": profile.name, "cdk-emr:role": "kdc"},
        )
        self.cluster.allow_kdc_clients(self.clients)
        CfnOutput(self, "KdcClusterId", value=self.cluster.cluster_id, description="EMR cluster running the KDC")
        CfnOutput(self, "KdcHost", value=self.cluster.primary_dns, description="KDC (88) and kadmin (749) host")
        accept_single_region_buckets([self.logs.access_logs_bucket, self.logs.bucket])
        self.tls.grant_read(self.cluster.instance_role)

    def kerberos_for_clients(self) -> Kerberos:
        """Kerberos settings for clusters that use this KDC."""
        assert self.cluster.kerberos_realm is not None
        return Kerberos.external_kdc(
            realm=self.cluster.kerberos_realm,
            kdc_server=self.cluster.primary_dns,
            admin_server=self.cluster.primary_dns,
            admin_password=self.admin_password,
        )
