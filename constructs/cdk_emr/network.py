"""Network for EMR: a VPC with private subnets, endpoints, flow logs, and EMR security groups."""

from __future__ import annotations

from aws_cdk import Tags
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_s3 as s3

from cdk_emr.iam import EMR_MANAGED_POLICY_TAG
from constructs import Construct

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


def tag_for_emr(scope: Construct) -> None:
    """Tag ``scope`` and its children so that ``AmazonEMRServicePolicy_v2`` may act on them."""
    Tags.of(scope).add(EMR_MANAGED_POLICY_TAG, "true")


class EmrNetwork(Construct):
    """A VPC for EMR clusters: private subnets only for the nodes, no public IPs.

    - Public subnets exist only for NAT gateways (``nat_gateways``, default 1: cheap; use one per
      AZ in production). With ``nat_gateways=0`` the private subnets are isolated and interface
      endpoints are created for every service the cluster calls, reachable on 443 from the
      VPC's ``cidr`` only.
    - An S3 gateway endpoint (free) always; interface endpoints when ``interface_endpoints``.
    - VPC flow logs (all traffic) to ``flow_logs_bucket``, where AWS writes them under ``AWSLogs/``.
    - Everything is tagged for ``AmazonEMRServicePolicy_v2``.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        flow_logs_bucket: s3.IBucket,
        cidr: str = "10.40.0.0/16",
        max_azs: int = 2,
        nat_gateways: int = 1,
        interface_endpoints: bool = False,
    ) -> None:
        super().__init__(scope, id)
        private_type = ec2.SubnetType.PRIVATE_WITH_EGRESS if nat_gateways > 0 else ec2.SubnetType.PRIVATE_ISOLATED
        subnets = [ec2.SubnetConfiguration(name="Private", subnet_type=private_type, cidr_mask=20)]
        if nat_gateways > 0:
            subnets.insert(0, ec2.SubnetConfiguration(name="Public", subnet_type=ec2.SubnetType.PUBLIC, cidr_mask=24))
        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            ip_addresses=ec2.IpAddresses.cidr(cidr),
            max_azs=max_azs,
            nat_gateways=nat_gateways,
            subnet_configuration=subnets,
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
        tag_for_emr(self)


class EmrSecurityGroups(Construct):
    """The EMR-managed security groups: primary, core/task, and service access.

    EMR adds the rules it needs between them at launch; none of them is open to 0.0.0.0/0.
    The service-access group (required for private subnets) accepts TCP 9443 from the primary
    group, as EMR requires.
    """

    def __init__(self, scope: Construct, id: str, *, vpc: ec2.IVpc) -> None:
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
        self.service_access.add_ingress_rule(self.primary, ec2.Port.tcp(9443), "EMR service access from the primary node")
        tag_for_emr(self)
