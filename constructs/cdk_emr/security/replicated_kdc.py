"""``ReplicatedKdc``: an external MIT KDC for EMR without a single point of failure for tickets.

EMR's "External KDC — MIT KDC" architecture (EMR Management Guide, "Kerberos architecture
options", EMR 5.20.0+), the one a cluster with multiple primary nodes must use ("To use Kerberos
authentication in your cluster, you must configure an external KDC", "Launch an Amazon EMR
cluster with multiple primary nodes"), built from a primary KDC and replica KDCs in different
availability zones (MIT primary/replica propagation, see :mod:`cdk_emr.security.kdc_bootstrap`)
behind an internal Network Load Balancer:

- ``KdcServer`` is the load balancer on port 88 (TCP and UDP) in front of every KDC server:
  the security configuration takes one address only (``"KdcServerType": "Single"`` — "Single is
  currently the only supported value", EMR Management Guide, "Kerberos settings using the AWS
  CLI"), and the load balancer's health checks take a lost server out of it.
- ``AdminServer`` is the load balancer on port 749 (and kpasswd on 464) in front of the primary
  only: MIT replicas serve tickets but not kadmin. EMR creates every new node's principals and
  keytabs through it (cluster launch, scale-out, the replacement of a failed primary node).

Failure behaviour: losing a replica (or its zone) changes nothing for clients; losing the
primary (or its zone) keeps ticket issuance going from the replicas (with the database of the
last propagation) while kadmin is down, so no node can join a cluster and no cluster can launch
until the primary is back or a replica is promoted; losing every server stops new
authentications (issued tickets stay valid until they expire). AWS Managed Microsoft AD would
give two domain controllers in two zones, but "Amazon EMR does not support AWS Directory Service
for Microsoft Active Directory in a cross-realm trust or as an external KDC" (EMR Management
Guide, "Use Kerberos for authentication with Amazon EMR").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from aws_cdk import Aws, Tags
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_elasticloadbalancingv2_targets as elb_targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from cdk_emr.compliance import acknowledge, skip_checkov
from cdk_emr.security.kdc_bootstrap import KPROP_PORT, KdcRole, kdc_boot_script
from cdk_emr.security.kerberos import (
    KADMIN_PORT,
    KDC_PORT,
    KPASSWD_PORT,
    MAX_TICKET_LIFETIME_HOURS,
    REALM_PATTERN,
    Kerberos,
    kdc_admin_password,
    unrotated_password,
)
from cdk_emr.typecheck import typed
from cdk_emr.validation import Validator, is_token

DEFAULT_INSTANCE_TYPE = "m7g.large"
KDC_ROLE_TAG = "cdk-emr:kdc-role"
"""Tag of each KDC server: ``primary`` or ``replica``."""
SESSION_MANAGER_POLICY = "AmazonSSMManagedInstanceCore"
MIN_KDC_SERVERS = 2
MAX_REPLICATION_MINUTES = 59  # a cron "*/N" minute step
HTTPS_PORT = 443
# Secrets Manager names: 1-512 characters of letters, digits and /_+=.@- (SecretsManager CreateSecret, Name).
# EC2 instance type names: a family (letters, digits, dashes) and a size, e.g. m7g.large, u-6tb1.metal.
_INSTANCE_TYPE = re.compile(r"^[a-z][a-z0-9-]*\.[a-z0-9]+$")
_SECRET_NAME = re.compile(r"^[A-Za-z0-9/_+=.@-]{1,512}$")


@typed
class ReplicatedKdc(Construct):
    """A primary MIT KDC and one replica per further subnet, each in its own subnet (give
    subnets in different availability zones), behind an internal Network Load Balancer.

    Use :meth:`kerberos` for the security configuration of the clusters it serves. The KDC
    admin password (``kadmin/admin``, EMR's ``KdcAdminPassword``) and the database master
    password are generated into Secrets Manager, encrypted with ``encryption_key`` and retained.
    Clients are the addresses in ``client_cidrs`` (default: the VPC's CIDR), because the load
    balancer keeps the client's address for instance targets.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc: ec2.IVpc,
        subnets: Sequence[ec2.ISubnet],
        realm: str,
        encryption_key: kms.IKey,
        admin_password_secret_name: str | None = None,
        instance_type: str = DEFAULT_INSTANCE_TYPE,
        ticket_lifetime_hours: int = 24,
        replication_interval_minutes: int = 2,
        client_cidrs: Sequence[str] | None = None,
    ) -> None:
        """Create the KDC servers, their load balancer and secrets.

        :param vpc: The VPC of the KDC servers and their clients.
        :param subnets: One subnet per KDC server, at least two in different availability zones;
            the first holds the primary KDC.
        :param realm: The Kerberos realm, e.g. ``EC2.INTERNAL``.
        :param encryption_key: KMS key of the secrets and the servers' EBS volumes.
        :param admin_password_secret_name: Name of the admin password secret, so that other
            stacks can reference it by name (no cross-stack export). Default: a generated name.
        :param instance_type: EC2 instance type of every KDC server. Default: ``m7g.large``.
        :param ticket_lifetime_hours: Maximum ticket life (``max_life``), 1 to 720. Default: 24.
        :param replication_interval_minutes: Minutes between full propagations to the
            replicas (changes made on the primary since the last one are not on the replicas
            yet), 1 to 59. Default: 2.
        :param client_cidrs: Address ranges allowed to reach the KDC (the clusters' subnets; the load
            balancer's health checks come from ``subnets``, which are always allowed). Default: the
            VPC's CIDR.
        """
        super().__init__(scope, id)
        self._validate(
            subnets, realm, admin_password_secret_name, instance_type, ticket_lifetime_hours, replication_interval_minutes
        )
        self.realm = realm
        self.vpc = vpc
        self.admin_password = kdc_admin_password(
            self, "AdminPassword", encryption_key=encryption_key, secret_name=admin_password_secret_name
        )
        self.master_password = _master_password(self, encryption_key)
        self.security_group = self._security_group(_client_ranges(subnets, client_cidrs, vpc))
        self.role = self._role(encryption_key)
        self.instances: list[ec2.Instance] = []
        for index, subnet in enumerate(subnets):
            kdc_role = KdcRole.PRIMARY if index == 0 else KdcRole.REPLICA
            self.instances.append(
                self._server(
                    "Primary" if index == 0 else f"Replica{index}",
                    kdc_role,
                    subnet,
                    instance_type,
                    encryption_key,
                    ticket_lifetime_hours,
                    replication_interval_minutes,
                )
            )
        self.primary = self.instances[0]
        self.replicas = self.instances[1:]
        self.load_balancer = self._load_balancer(subnets)
        self.host = self.load_balancer.load_balancer_dns_name
        """The load balancer's DNS name: ``KdcServer`` (88) and ``AdminServer`` (749)."""

    # ----- public API -----------------------------------------------------------------------

    @property
    def kdc_server(self) -> str:
        """``KdcServer``: every KDC server, through the load balancer on port 88."""
        return f"{self.host}:{KDC_PORT}"

    @property
    def admin_server(self) -> str:
        """``AdminServer``: the primary KDC's kadmin, through the load balancer on port 749."""
        return f"{self.host}:{KADMIN_PORT}"

    def kerberos(self) -> Kerberos:
        """Kerberos settings (external KDC) for clusters in the same stack."""
        return Kerberos.external_kdc(
            realm=self.realm, kdc_server=self.kdc_server, admin_server=self.admin_server, admin_password=self.admin_password
        )

    # ----- building blocks ------------------------------------------------------------------

    def _validate(
        self,
        subnets: Sequence[ec2.ISubnet],
        realm: str,
        secret_name: str | None,
        instance_type: str,
        ticket_lifetime_hours: int,
        replication_interval_minutes: int,
    ) -> None:
        v = Validator(f"ReplicatedKdc {self.node.path}")
        v.check(
            len(subnets) >= MIN_KDC_SERVERS,
            "subnets",
            len(subnets),
            f"at least {MIN_KDC_SERVERS} subnets (a primary and a replica KDC), in different availability zones",
        )
        zones = [s.availability_zone for s in subnets if not is_token(s.availability_zone)]
        duplicates = sorted({z for z in zones if zones.count(z) > 1})
        v.check(
            not duplicates,
            "subnets",
            f"several subnets in {', '.join(duplicates)}",
            "one subnet per availability zone: the loss of a zone must leave a KDC",
        )
        if not is_token(realm):
            v.check(
                bool(REALM_PATTERN.match(realm)),
                "realm",
                realm,
                "upper-case letters, digits, dots and dashes, e.g. 'EC2.INTERNAL'",
            )
        if secret_name is not None and not is_token(secret_name):
            v.check(
                _SECRET_NAME.match(secret_name) is not None,
                "admin_password_secret_name",
                secret_name,
                "1 to 512 characters: letters, digits and / _ + = . @ -",
            )
        v.check(
            _INSTANCE_TYPE.match(instance_type) is not None,
            "instance_type",
            instance_type,
            "an EC2 instance type, family.size, e.g. 'm7g.large'",
        )
        v.check(
            1 <= ticket_lifetime_hours <= MAX_TICKET_LIFETIME_HOURS,
            "ticket_lifetime_hours",
            ticket_lifetime_hours,
            f"1 to {MAX_TICKET_LIFETIME_HOURS} hours",
        )
        v.check(
            1 <= replication_interval_minutes <= MAX_REPLICATION_MINUTES,
            "replication_interval_minutes",
            replication_interval_minutes,
            f"1 to {MAX_REPLICATION_MINUTES} minutes",
        )
        v.raise_if_any()

    def _security_group(self, client_cidrs: Sequence[str]) -> ec2.SecurityGroup:
        group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=self.vpc,
            description="KDC servers: Kerberos, kadmin and kpasswd from clients; kprop between servers",
            allow_all_outbound=False,
        )
        group.add_ingress_rule(group, ec2.Port.tcp(KPROP_PORT), "kprop from the primary KDC to the replicas")
        group.add_egress_rule(group, ec2.Port.tcp(KPROP_PORT), "kprop to the replicas")
        for cidr in client_cidrs:
            clients = ec2.Peer.ipv4(cidr)
            for port, label in ((KDC_PORT, "Kerberos"), (KPASSWD_PORT, "kpasswd")):
                group.add_ingress_rule(clients, ec2.Port.tcp(port), f"{label} (TCP) from clients and load balancer health checks")
                group.add_ingress_rule(clients, ec2.Port.udp(port), f"{label} (UDP) from clients")
            group.add_ingress_rule(clients, ec2.Port.tcp(KADMIN_PORT), "kadmin from clients (EMR creates node principals)")
        # A replica registers with the primary (kinit, kadmin) through the load balancer's zone or directly.
        group.add_egress_rule(group, ec2.Port.tcp(KDC_PORT), "Kerberos to the primary KDC (replica registration)")
        group.add_egress_rule(group, ec2.Port.udp(KDC_PORT), "Kerberos to the primary KDC (replica registration)")
        group.add_egress_rule(group, ec2.Port.tcp(KADMIN_PORT), "kadmin to the primary KDC (replica registration)")
        group.add_egress_rule(
            ec2.Peer.any_ipv4(), ec2.Port.tcp(HTTPS_PORT), "Secrets Manager and the Amazon Linux package repositories"
        )
        return group

    def _role(self, encryption_key: kms.IKey) -> iam.Role:
        role = iam.Role(self, "Role", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"), description="KDC servers")
        policy = iam.ManagedPolicy(
            self,
            "ReadPasswords",
            description="KDC servers read the admin and master passwords at boot",
            statements=[
                iam.PolicyStatement(
                    actions=["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                    resources=[self.admin_password.secret_arn, self.master_password.secret_arn],
                ),
                iam.PolicyStatement(
                    actions=["kms:Decrypt"],
                    resources=[encryption_key.key_arn],
                    conditions={"StringEquals": {"kms:ViaService": f"secretsmanager.{Aws.REGION}.amazonaws.com"}},
                ),
            ],
        )
        role.add_managed_policy(policy)
        # Operators reach a server through Session Manager (no SSH key, no inbound port), e.g. to
        # promote a replica when the primary is lost (MIT "Switching primary and replica KDCs").
        role.add_managed_policy(iam.ManagedPolicy.from_aws_managed_policy_name(SESSION_MANAGER_POLICY))
        acknowledge(
            role,
            f"AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/{SESSION_MANAGER_POLICY}]",
            "AWS's policy for Session Manager, the KDC servers' only administrative access (no SSH key, no inbound "
            "port): operators need it to recover or promote a KDC; it grants the SSM agent's calls only.",
        )
        return role

    def _server(
        self,
        id: str,
        kdc_role: KdcRole,
        subnet: ec2.ISubnet,
        instance_type: str,
        encryption_key: kms.IKey,
        ticket_lifetime_hours: int,
        replication_interval_minutes: int,
    ) -> ec2.Instance:
        user_data = ec2.UserData.for_linux()
        primary_host = "$(hostname -f)" if kdc_role == KdcRole.PRIMARY else self.instances[0].instance_private_dns_name
        variables = {
            "REGION": Aws.REGION,
            "REALM": self.realm,
            "MASTER_SECRET": self.master_password.secret_arn,
            "ADMIN_SECRET": self.admin_password.secret_arn,
            "PRIMARY_HOST": primary_host,
            "TICKET_LIFETIME_HOURS": str(ticket_lifetime_hours),
            "REPLICATION_MINUTES": str(replication_interval_minutes),
        }
        user_data.add_commands(*(f'{name}="{value}"' for name, value in variables.items()))
        user_data.add_commands(kdc_boot_script(kdc_role))
        kind = ec2.InstanceType(instance_type)
        cpu = (
            ec2.AmazonLinuxCpuType.ARM_64
            if kind.architecture == ec2.InstanceArchitecture.ARM_64
            else ec2.AmazonLinuxCpuType.X86_64
        )
        instance = ec2.Instance(
            self,
            id,
            vpc=self.vpc,
            vpc_subnets=ec2.SubnetSelection(subnets=[subnet]),
            instance_type=kind,
            machine_image=ec2.MachineImage.latest_amazon_linux2023(cpu_type=cpu),
            role=self.role,
            security_group=self.security_group,
            user_data=user_data,
            require_imdsv2=True,
            detailed_monitoring=True,
            ebs_optimized=True,
            disable_api_termination=True,
            block_devices=[
                ec2.BlockDevice(
                    device_name="/dev/xvda",
                    volume=ec2.BlockDeviceVolume.ebs(
                        8, encrypted=True, kms_key=encryption_key, volume_type=ec2.EbsDeviceVolumeType.GP3
                    ),
                )
            ],
        )
        Tags.of(instance).add(KDC_ROLE_TAG, kdc_role.value)
        instance.node.add_dependency(self.admin_password, self.master_password)
        return instance

    def _load_balancer(self, subnets: Sequence[ec2.ISubnet]) -> elbv2.NetworkLoadBalancer:
        nlb = elbv2.NetworkLoadBalancer(
            self,
            "LoadBalancer",
            vpc=self.vpc,
            internet_facing=False,
            vpc_subnets=ec2.SubnetSelection(subnets=list(subnets)),
            cross_zone_enabled=True,
        )
        every_server = [elb_targets.InstanceTarget(i) for i in self.instances]
        primary_only = [elb_targets.InstanceTarget(self.primary)]
        for name, port, protocol, targets in (
            ("Kdc", KDC_PORT, elbv2.Protocol.TCP_UDP, every_server),
            ("Kadmin", KADMIN_PORT, elbv2.Protocol.TCP, primary_only),
            ("Kpasswd", KPASSWD_PORT, elbv2.Protocol.TCP_UDP, primary_only),
        ):
            listener = nlb.add_listener(name, port=port, protocol=protocol)
            for pack in ("NIST.800.53.R5", "HIPAA.Security"):
                acknowledge(
                    listener,
                    f"{pack}::{pack}-ELBv2ACMCertificateRequired",
                    "Kerberos (88), kpasswd (464) and kadmin (749) are not TLS protocols: the listener passes them "
                    "through; Kerberos encrypts its own exchanges with the principals' keys.",
                )
            listener.add_targets(
                name,
                port=port,
                protocol=protocol,
                targets=targets,
                # A TCP_UDP target group is health-checked over TCP; a server is out after 2 failed checks.
                health_check=elbv2.HealthCheck(protocol=elbv2.Protocol.TCP, unhealthy_threshold_count=2),
            )
        reason_logs = (
            "Network Load Balancer access logs are written only for TLS listeners (ELB User Guide, 'Access logs for "
            "your Network Load Balancer'); Kerberos on 88/464/749 is not TLS, the KDC servers log every request."
        )
        acknowledge(nlb, "AwsSolutions::AwsSolutions-ELB2", reason_logs)
        acknowledge(nlb, "NIST.800.53.R5::NIST.800.53.R5-ELBLoggingEnabled", reason_logs)
        acknowledge(nlb, "HIPAA.Security::HIPAA.Security-ELBLoggingEnabled", reason_logs)
        skip_checkov(nlb, "CKV_AWS_91", reason_logs)
        reason_delete = (
            "The load balancer holds no data and the stack replaces it with the KDC; the secrets (retained) and the "
            "KDC servers (termination protection) are what must survive a deletion."
        )
        for pack in ("NIST.800.53.R5", "HIPAA.Security"):
            acknowledge(nlb, f"{pack}::{pack}-ELBDeletionProtectionEnabled", reason_delete)
        skip_checkov(nlb, "CKV_AWS_150", reason_delete)
        return nlb


def _client_ranges(subnets: Sequence[ec2.ISubnet], client_cidrs: Sequence[str] | None, vpc: ec2.IVpc) -> list[str]:
    """The client ranges and the KDC subnets' own (load balancer health checks), without duplicates."""
    ranges = list(client_cidrs) if client_cidrs is not None else [vpc.vpc_cidr_block]
    for subnet in subnets:
        if subnet.ipv4_cidr_block not in ranges:
            ranges.append(subnet.ipv4_cidr_block)
    return ranges


def _master_password(scope: Construct, encryption_key: kms.IKey) -> secretsmanager.Secret:
    """The KDC database master password (the master key derives from it), retained."""
    return unrotated_password(
        scope,
        "MasterPassword",
        description="Master password of the KDC database (recover a KDC server or a database dump with it)",
        encryption_key=encryption_key,
        why_not_rotated="The master key of the KDC database derives from this password: rotating the secret would "
        "not re-key the database (kdb5_util update_princ_encryption is a planned operation), so automatic rotation "
        "would lock it.",
    )
