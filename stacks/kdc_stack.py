"""The KDC stack: the shared network and a replicated MIT KDC, the external KDC of the HA cluster.

Clusters with several primary nodes cannot run a cluster-dedicated KDC ("To use Kerberos
authentication in your cluster, you must configure an external KDC", EMR Management Guide,
"Launch an Amazon EMR cluster with multiple primary nodes"). This stack holds that KDC as
:class:`cdk_emr.security.ReplicatedKdc` — a primary and a replica KDC server in two
availability zones behind an internal Network Load Balancer — in the VPC it shares with the
clusters it serves.

Clients find it by name, not by export: the stack writes the load balancer's address to the SSM
parameters :func:`kdc_parameter_names` and names the admin password secret
:func:`admin_password_secret_name`, and :meth:`EmrKdcStack.kerberos_for_clients` renders them as
CloudFormation dynamic references (``{{resolve:ssm:...}}``, ``{{resolve:secretsmanager:...}}``).
No ``Fn::ImportValue`` ties a client stack to the KDC, so the KDC (servers, load balancer) can be
replaced while clusters use it.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from cdk_emr import Kerberos
from cdk_emr.encryption import create_emr_key
from cdk_emr.network import EmrNetwork
from cdk_emr.security import ReplicatedKdc, default_realm, ssm_reference
from cdk_emr.storage import EmrLogStorage, use_bucket_policy_for_access_logs
from stacks.choices import accept_single_region_buckets
from stacks.profiles import Profile


def admin_password_secret_name(profile_name: str) -> str:
    """The Secrets Manager name of a profile's KDC admin password."""
    return f"cdk-emr/{profile_name}/kdc-admin-password"


def kdc_parameter_names(profile_name: str) -> tuple[str, str]:
    """The SSM parameters holding a profile's ``KdcServer`` and ``AdminServer`` (``host:port``)."""
    return f"/cdk-emr/{profile_name}/kdc/kdc-server", f"/cdk-emr/{profile_name}/kdc/admin-server"


class EmrKdcStack(Stack):
    """Shared network + a replicated KDC for a profile whose clusters use an external KDC."""

    def __init__(self, scope: Construct, id: str, *, profile: Profile, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        use_bucket_policy_for_access_logs(self)
        self.profile = profile
        self.key = create_emr_key(self, "Key", description=f"cdk-emr {profile.name} KDC secrets and disks, shared network logs")
        self.logs = EmrLogStorage(self, "Logs", encryption_key=self.key)
        self.network = EmrNetwork(
            self,
            "Network",
            flow_logs_bucket=self.logs.bucket,
            nat_gateways=profile.nat_gateways,
            interface_endpoints=profile.interface_endpoints,
        )
        self.realm = default_realm(self)
        private = self.network.vpc.select_subnets(subnet_type=self.network.subnets.subnet_type).subnets
        self.kdc = ReplicatedKdc(
            self,
            "Kdc",
            vpc=self.network.vpc,
            subnets=private,
            # clients: the clusters' nodes, which run in these private subnets
            client_cidrs=[subnet.ipv4_cidr_block for subnet in private],
            realm=self.realm,
            encryption_key=self.key,
            admin_password_secret_name=admin_password_secret_name(profile.name),
        )
        kdc_name, admin_name = kdc_parameter_names(profile.name)
        for id_, name, value, what in (
            ("KdcServerParameter", kdc_name, self.kdc.kdc_server, "KdcServer"),
            ("AdminServerParameter", admin_name, self.kdc.admin_server, "AdminServer"),
        ):
            ssm.StringParameter(
                self, id_, parameter_name=name, string_value=value, description=f"{what} of the {profile.name} external KDC"
            )
        CfnOutput(self, "KdcHost", value=self.kdc.host, description="KDC (88, every KDC server) and kadmin (749, primary)")
        CfnOutput(self, "KdcRealm", value=self.realm, description="Kerberos realm of the external KDC")
        accept_single_region_buckets([self.logs.access_logs_bucket, self.logs.bucket])

    def kerberos_for_clients(self, scope: Construct) -> Kerberos:
        """Kerberos settings for clusters in ``scope``'s stack, by name only (dynamic references),
        and that stack deployed after this one."""
        Stack.of(scope).node.add_dependency(self)  # deployed after the KDC it reads by name
        kdc_name, admin_name = kdc_parameter_names(self.profile.name)
        return Kerberos.external_kdc(
            realm=self.realm,
            kdc_server=ssm_reference(kdc_name),
            admin_server=ssm_reference(admin_name),
            admin_password=secretsmanager.Secret.from_secret_name_v2(
                scope, "KdcAdminPassword", admin_password_secret_name(self.profile.name)
            ),
        )
