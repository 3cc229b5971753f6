"""Network for EMR: a VPC with private subnets, endpoints, flow logs, and EMR security groups."""

from __future__ import annotations

from aws_cdk import Aws, Names, Tags
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cdk_emr.compliance import acknowledge
from cdk_emr.iam import EMR_MANAGED_POLICY_TAG
from cdk_emr.security_group_cleanup import SecurityGroupRuleCleanup
from cdk_emr.typecheck import typed
from cdk_emr.validation import Validator

INTERFACE_ENDPOINT_SERVICES: dict[str, ec2.InterfaceVpcEndpointAwsService] = {
    "Emr": ec2.InterfaceVpcEndpointAwsService.EMR,
    "Sts": ec2.InterfaceVpcEndpointAwsService.STS,
    "Kms": ec2.InterfaceVpcEndpointAwsService.KMS,
    "Logs": ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
    "Monitoring": ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING,
    "SecretsManager": ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
    "Glue": ec2.InterfaceVpcEndpointAwsService.GLUE,
}
"""Services an EMR cluster calls, reached through interface endpoints when there is no NAT."""


DEFAULT_MAX_AZS = 2


def check_network_shape(v: Validator, *, max_azs: int, nat_gateways: int) -> None:
    """At least one AZ; 0 NAT gateways up to one per AZ (ec2.Vpc places at most one per public subnet)."""
    v.check(max_azs >= 1, "max_azs", max_azs, "1 or more availability zones")
    v.check(0 <= nat_gateways <= max(max_azs, 1), "nat_gateways", nat_gateways, f"0 to max_azs ({max_azs}): at most one per AZ")


def tag_for_emr(scope: Construct) -> None:
    """Tag ``scope`` and its children so that ``AmazonEMRServicePolicy_v2`` may act on them."""
    Tags.of(scope).add(EMR_MANAGED_POLICY_TAG, "true")


def allow_log_delivery(key: kms.IKey) -> None:
    """Let the log delivery service (VPC flow logs) write SSE-KMS objects with ``key`` for this account."""
    key.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal("delivery.logs.amazonaws.com")],
            actions=["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
            resources=["*"],
            conditions={"StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID}},
        )
    )


@typed
class EmrNetwork(Construct):
    """A VPC for EMR clusters: private subnets only for the nodes, no public IPs.

    - Public subnets exist only for NAT gateways (``nat_gateways``, default 1: cheap; use one per
      AZ in production). With ``nat_gateways=0`` the private subnets are isolated and interface
      endpoints are created for every service the cluster calls, reachable on 443 from the
      VPC's ``cidr`` only.
    - An S3 gateway endpoint (free) always; interface endpoints when ``interface_endpoints``.
    - VPC flow logs (all traffic) to ``flow_logs_bucket``, where AWS writes them under ``AWSLogs/``.
    - Everything is tagged for ``AmazonEMRServicePolicy_v2``.
    - ``restrict_default_security_group=True`` removes the default group's rules (CDK does it
      with a Lambda-backed custom resource, so it is off by default).

    Several clusters can share it: ``EmrCluster(..., vpc=network.vpc, subnets=network.subnets)``.
    Public attributes: ``vpc``, ``subnets`` (the private subnets' selection), ``flow_logs_storage``.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        flow_logs_bucket: s3.IBucket | None = None,
        cidr: str = "10.40.0.0/16",
        max_azs: int = DEFAULT_MAX_AZS,
        nat_gateways: int = 1,
        interface_endpoints: bool = False,
        restrict_default_security_group: bool = False,
    ) -> None:
        """Create the VPC.

        :param flow_logs_bucket: Where VPC flow logs go. Default: the bucket of a new
            :class:`~cdk_emr.storage.EmrLogStorage` (attribute ``flow_logs_storage``).
        :param cidr: The VPC's range. Default: ``10.40.0.0/16``.
        :param max_azs: Availability Zones (one private subnet each). Default: 2.
        :param nat_gateways: Default: 1 (0: isolated subnets with interface endpoints).
        :param interface_endpoints: Default: only with ``nat_gateways=0``.
        :param restrict_default_security_group: Default: False.
        """
        super().__init__(scope, id)
        v = Validator(f"EmrNetwork {self.node.path}")
        check_network_shape(v, max_azs=max_azs, nat_gateways=nat_gateways)
        v.raise_if_any()
        self.flow_logs_storage = None
        if flow_logs_bucket is None:
            from cdk_emr.storage import EmrLogStorage

            self.flow_logs_storage = EmrLogStorage(self, "FlowLogs")
            flow_logs_bucket = self.flow_logs_storage.bucket
        private_type = ec2.SubnetType.PRIVATE_WITH_EGRESS if nat_gateways > 0 else ec2.SubnetType.PRIVATE_ISOLATED
        subnets = [ec2.SubnetConfiguration(name="Private", subnet_type=private_type, cidr_mask=20)]
        if nat_gateways > 0:
            subnets.insert(
                0,
                ec2.SubnetConfiguration(
                    name="Public", subnet_type=ec2.SubnetType.PUBLIC, cidr_mask=24, map_public_ip_on_launch=False
                ),
            )
        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            ip_addresses=ec2.IpAddresses.cidr(cidr),
            max_azs=max_azs,
            nat_gateways=nat_gateways,
            subnet_configuration=subnets,
            restrict_default_security_group=restrict_default_security_group,
            gateway_endpoints={"S3": ec2.GatewayVpcEndpointOptions(service=ec2.GatewayVpcEndpointAwsService.S3)},
            flow_logs={
                "All": ec2.FlowLogOptions(
                    destination=ec2.FlowLogDestination.to_s3(flow_logs_bucket),
                    traffic_type=ec2.FlowLogTrafficType.ALL,
                )
            },
        )
        self.subnets = ec2.SubnetSelection(subnet_type=private_type)
        if interface_endpoints or nat_gateways == 0:
            endpoints_group = ec2.SecurityGroup(
                self,
                "EndpointSecurityGroup",
                vpc=self.vpc,
                allow_all_outbound=False,
                description="Interface endpoints: HTTPS from inside the VPC only",
            )
            endpoints_group.add_ingress_rule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(443), "HTTPS from the VPC")
            for name, service in INTERFACE_ENDPOINT_SERVICES.items():
                self.vpc.add_interface_endpoint(
                    name,
                    service=service,
                    subnets=self.subnets,
                    private_dns_enabled=True,
                    security_groups=[endpoints_group],
                    open=False,
                )
        if flow_logs_bucket.encryption_key is not None:
            allow_log_delivery(flow_logs_bucket.encryption_key)
        tag_for_emr(self)
        self._acknowledge_findings(restrict_default_security_group)

    def _acknowledge_findings(self, restricted_default_group: bool) -> None:
        packs = ("HIPAA.Security", "NIST.800.53.R5")
        for subnet in self.vpc.public_subnets:
            route = subnet.node.try_find_child("DefaultRoute")
            if route is not None:
                for pack in packs:
                    acknowledge(
                        route,
                        f"{pack}::{pack}-VPCNoUnrestrictedRouteToIGW",
                        "Public subnets hold only the NAT gateways, which need a route to the internet gateway; cluster "
                        "nodes run in private subnets without public IPs and reach the internet only through NAT.",
                    )
        if not restricted_default_group:
            for pack in packs:
                acknowledge(
                    self.vpc,
                    f"{pack}::{pack}-VPCDefaultSecurityGroupClosed",
                    "Nothing uses the default security group: EMR nodes and endpoints get explicit groups. Closing its "
                    "rules needs a Lambda-backed custom resource; pass restrict_default_security_group=True for it.",
                )


@typed
class EmrSecurityGroups(Construct):
    """The EMR-managed security groups: primary, core/task, and service access.

    EMR adds the rules it needs between them at launch (among them TCP 9443 from the primary
    group to the service-access group, which private subnets require); none of them is open to
    0.0.0.0/0. Extra rules (:meth:`allow`) live under :attr:`rules`: the cluster depends on that
    construct, so they exist before EMR starts adding its own.

    The rules EMR adds reference the groups to each other, and EC2 refuses to delete a group
    that is still referenced: with ``revoke_rules_on_delete`` (default True) a
    :class:`~cdk_emr.security_group_cleanup.SecurityGroupRuleCleanup` under :attr:`rules`
    (attribute :attr:`cleanup`) revokes them after the cluster is deleted and before the
    groups are, so the stack deletes cleanly.

    :param vpc: The VPC of the groups.
    :param revoke_rules_on_delete: Revoke the rules between the groups when the stack deletes
        them (a Lambda-backed custom resource). Default: True; without it, deleting the stack
        fails with DependencyViolation once a cluster has used the groups.
    """

    cleanup: SecurityGroupRuleCleanup | None = None
    """The custom resource that revokes the rules between the groups on delete (or None)."""

    def __init__(self, scope: Construct, id: str, *, vpc: ec2.IVpc, revoke_rules_on_delete: bool = True) -> None:
        super().__init__(scope, id)
        self.primary = ec2.SecurityGroup(
            self, "Primary", vpc=vpc, description="EMR-managed security group of the primary node(s)"
        )
        self.core = ec2.SecurityGroup(self, "Core", vpc=vpc, description="EMR-managed security group of the core and task nodes")
        self.service_access = ec2.SecurityGroup(
            self,
            "ServiceAccess",
            vpc=vpc,
            allow_all_outbound=False,
            description="EMR service access security group (private subnets)",
        )
        self.rules = Construct(self, "Rules")
        tag_for_emr(self)
        if revoke_rules_on_delete:
            self.cleanup = SecurityGroupRuleCleanup(
                self.rules, "Cleanup", primary=self.primary, core=self.core, service_access=self.service_access
            )
            Tags.of(self.cleanup).remove(EMR_MANAGED_POLICY_TAG)  # only what EMR acts on carries the tag

    def allow(
        self, group: ec2.ISecurityGroup, source: ec2.ISecurityGroup, protocol: ec2.Protocol, port: int, description: str
    ) -> ec2.CfnSecurityGroupIngress:
        """Let ``source`` reach ``group`` on ``protocol``/``port`` (a rule under :attr:`rules`)."""
        name = f"{Names.node_unique_id(group.node)[-8:]}From{Names.node_unique_id(source.node)[-8:]}{protocol.value}{port}"
        rule = ec2.CfnSecurityGroupIngress(
            self.rules,
            name,
            group_id=group.security_group_id,
            source_security_group_id=source.security_group_id,
            ip_protocol=protocol.value.lower(),
            from_port=port,
            to_port=port,
            description=description,
        )
        if self.cleanup is not None:
            # CloudFormation deletes this rule itself, before the cleanup revokes EMR's rules
            rule.node.add_dependency(self.cleanup.resource)
        return rule
