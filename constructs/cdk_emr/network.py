"""Network for EMR: a VPC with private subnets, endpoints, flow logs, and EMR security groups."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from aws_cdk import Aws, Fn, Names, Stack, Tags, Token
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
"""Services an EMR cluster calls, reached through interface endpoints when there is no NAT.

Each supports VPC endpoint policies (AWS PrivateLink Guide, "AWS services that integrate with
AWS PrivateLink", column "Supports endpoint policy"): :func:`restrict_to_account` limits them to
principals of this account."""


def emr_system_bucket_statements(partition: str, region: str) -> list[iam.PolicyStatement]:
    """What the S3 gateway endpoint of a private subnet must let EMR nodes reach in AWS-owned
    buckets, as the EMR Management Guide lists them ("Sample policies for private subnets that
    access Amazon S3", https://docs.aws.amazon.com/emr/latest/ManagementGuide/private-subnet-iampolicy.html):

    - Amazon Linux repositories: AL1 (emr-5.29.0 and earlier) ``packages.<region>.amazonaws.com``
      and ``repo.<region>.amazonaws.com``; AL2 (5.30.0 to 6.15.0) ``amazonlinux.<region>.amazonaws.com``
      and ``amazonlinux-2-repos-<region>``; AL2023 (7.0.0+) ``al2023-repos-<region>-de612dc2``;
    - the EMR repository ``repo.<region>.emr.amazonaws.com`` (5.22.0+) and the instance data
      buckets ``aws157-instance-data-{0,1}-prod-<region>`` (8.0.0+; in ap-southeast-2
      ``aws157-instance-data-bucket-{0,1}-prod-ap-southeast-2``);
    - the system logs bucket, ``s3:Put*``: ``aws157-logs-prod`` in us-east-1, else
      ``aws157-logs-prod-<region>``;
    - persistent application UIs (5.25.0+): ``prod.<region>.appinfo.src`` with ``s3:Put*``,
      ``Get*``, ``Create*``, ``Abort*``, ``List*``.

    Plus the script-runner JAR of :class:`~cdk_emr.workload.ScriptStep`,
    ``<region>.elasticmapreduce`` (:mod:`cdk_emr.facts.steps`). A region unknown at synth
    time (an environment-agnostic stack) gets both spellings where the guide names two.
    """
    known = not Token.is_unresolved(region)
    objects = lambda *buckets: [f"arn:{partition}:s3:::{b}/*" for b in buckets]  # noqa: E731
    instance_data = (
        [f"aws157-instance-data-bucket-{i}-prod-{region}" for i in (0, 1)]
        if known and region == "ap-southeast-2"
        else [f"aws157-instance-data-{i}-prod-{region}" for i in (0, 1)]
    )
    if not known:
        instance_data += [f"aws157-instance-data-bucket-{i}-prod-ap-southeast-2" for i in (0, 1)]
    logs = ["aws157-logs-prod"] if known and region == "us-east-1" else [f"aws157-logs-prod-{region}"]
    if not known:
        logs.append("aws157-logs-prod")
    any_principal = [iam.AnyPrincipal()]
    return [
        iam.PolicyStatement(
            sid="AmazonLinuxRepositories",
            principals=any_principal,
            actions=["s3:GetObject"],
            resources=objects(
                f"packages.{region}.amazonaws.com",
                f"repo.{region}.amazonaws.com",
                f"amazonlinux.{region}.amazonaws.com",
                f"amazonlinux-2-repos-{region}",
                f"al2023-repos-{region}-de612dc2",
            ),
        ),
        iam.PolicyStatement(
            sid="EmrRepositories",
            principals=any_principal,
            actions=["s3:GetObject"],
            resources=objects(f"repo.{region}.emr.amazonaws.com", *instance_data, f"{region}.elasticmapreduce"),
        ),
        iam.PolicyStatement(sid="EmrSystemLogs", principals=any_principal, actions=["s3:Put*"], resources=objects(*logs)),
        iam.PolicyStatement(
            sid="EmrApplicationHistory",
            principals=any_principal,
            actions=["s3:Put*", "s3:Get*", "s3:Create*", "s3:Abort*", "s3:List*"],
            resources=objects(f"prod.{region}.appinfo.src"),
        ),
    ]


def cloudformation_response_statement(partition: str, region: str) -> iam.PolicyStatement:
    """Custom resources in the VPC (the TLS generator with ``vpc=``) answer CloudFormation with a PUT
    to a pre-signed URL in an AWS-owned bucket: CloudFormation User Guide, "Setting up VPC endpoints
    for AWS CloudFormation" (``cloudformation-custom-resource-response-<region without dashes>``)."""
    compact = region.replace("-", "") if not Token.is_unresolved(region) else Fn.join("", Fn.split("-", region))
    return iam.PolicyStatement(
        sid="CloudFormationResponses",
        principals=[iam.AnyPrincipal()],
        actions=["s3:PutObject"],
        resources=[f"arn:{partition}:s3:::cloudformation-custom-resource-response-{compact}/*"],
    )


def account_bucket_statement(account: str) -> iam.PolicyStatement:
    """Every bucket of ``account`` (``aws:ResourceAccount``, the condition the VPC User Guide's
    "Gateway endpoints for Amazon S3" uses to keep an endpoint to one account's buckets)."""
    return iam.PolicyStatement(
        sid="BucketsOfThisAccount",
        principals=[iam.AnyPrincipal()],
        actions=["s3:*"],
        resources=["*"],
        conditions={"StringEquals": {"aws:ResourceAccount": account}},
    )


def restrict_to_account(endpoint: ec2.InterfaceVpcEndpoint, account: str) -> None:
    """Let only principals of ``account`` use ``endpoint`` (``aws:PrincipalAccount``): credentials
    of another account cannot carry data out through it."""
    endpoint.add_to_policy(
        iam.PolicyStatement(
            sid="PrincipalsOfThisAccount",
            principals=[iam.AnyPrincipal()],
            actions=["*"],
            resources=["*"],
            conditions={"StringEquals": {"aws:PrincipalAccount": account}},
        )
    )


DEFAULT_MAX_AZS = 2
# S3 User Guide, "General purpose bucket naming rules": 3-63 characters, lower-case letters,
# digits, dots and hyphens, beginning and ending with a letter or digit.
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def check_network_shape(v: Validator, *, max_azs: int, nat_gateways: int) -> None:
    """At least one AZ; 0 NAT gateways up to one per AZ (ec2.Vpc places at most one per public subnet)."""
    v.check(max_azs >= 1, "max_azs", max_azs, "1 or more availability zones")
    v.check(0 <= nat_gateways <= max(max_azs, 1), "nat_gateways", nat_gateways, f"0 to max_azs ({max_azs}): at most one per AZ")


def tag_for_emr(scope: Construct) -> None:
    """Tag ``scope`` and its children so that ``AmazonEMRServicePolicy_v2`` may act on them."""
    Tags.of(scope).add(EMR_MANAGED_POLICY_TAG, "true")


def allow_log_delivery(key: kms.IKey) -> None:
    """Let the log delivery service (VPC flow logs) write SSE-KMS objects with ``key`` for this account.

    VPC User Guide, "Flow logs ... Amazon S3", key policy for SSE-KMS: ``delivery.logs.amazonaws.com``
    with ``aws:SourceAccount`` the account and ``aws:SourceArn`` its log delivery sources
    (``arn:<partition>:logs:<region>:<account>:*``).
    """
    key.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal("delivery.logs.amazonaws.com")],
            actions=["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
            resources=["*"],
            conditions={
                "StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID},
                "ArnLike": {"aws:SourceArn": f"arn:{Aws.PARTITION}:logs:{Aws.REGION}:{Aws.ACCOUNT_ID}:*"},
            },
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

    - Endpoint policies: the S3 gateway endpoint reaches this account's buckets and the AWS-owned
      buckets EMR needs, and CloudFormation's custom-resource response bucket
      (``restrict_s3_endpoint``); interface endpoints serve principals of this account only.

    Several clusters can share it: ``EmrCluster(..., vpc=network.vpc, subnets=network.subnets)``.
    Public attributes: ``vpc``, ``subnets`` (the private subnets' selection), ``flow_logs_storage``,
    ``s3_endpoint``, ``interface_endpoints`` (name → endpoint).
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
        restrict_s3_endpoint: bool = True,
        s3_endpoint_bucket_names: Sequence[str] = (),
    ) -> None:
        """Create the VPC.

        :param flow_logs_bucket: Where VPC flow logs go. Default: the bucket of a new
            :class:`~cdk_emr.storage.EmrLogStorage` (attribute ``flow_logs_storage``).
        :param cidr: The VPC's range. Default: ``10.40.0.0/16``.
        :param max_azs: Availability Zones (one private subnet each). Default: 2.
        :param nat_gateways: Default: 1 (0: isolated subnets with interface endpoints).
        :param interface_endpoints: Default: only with ``nat_gateways=0``.
        :param restrict_default_security_group: Default: False.
        :param restrict_s3_endpoint: Give the S3 gateway endpoint a policy: the buckets of this
            account, the AWS-owned buckets EMR needs (:func:`emr_system_bucket_statements`) and
            ``s3_endpoint_bucket_names``; S3 calls from the subnets to any other bucket of the
            region are refused. Default: True (False: the endpoint reaches every bucket).
        :param s3_endpoint_bucket_names: Buckets of other accounts the nodes use (a partner's
            data, public data sets). Default: none.
        """
        super().__init__(scope, id)
        v = Validator(f"EmrNetwork {self.node.path}")
        check_network_shape(v, max_azs=max_azs, nat_gateways=nat_gateways)
        for i, name in enumerate(s3_endpoint_bucket_names):
            if not Token.is_unresolved(name):
                v.check(
                    _BUCKET_NAME.match(name) is not None,
                    f"s3_endpoint_bucket_names[{i}]",
                    name,
                    "an S3 bucket name: 3 to 63 lower-case letters, digits, dots and hyphens (not an ARN or s3:// URL)",
                )
        v.check(
            restrict_s3_endpoint or not s3_endpoint_bucket_names,
            "s3_endpoint_bucket_names",
            list(s3_endpoint_bucket_names),
            "empty with restrict_s3_endpoint=False (the endpoint already reaches every bucket)",
        )
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
            flow_logs={
                "All": ec2.FlowLogOptions(
                    destination=ec2.FlowLogDestination.to_s3(flow_logs_bucket),
                    traffic_type=ec2.FlowLogTrafficType.ALL,
                )
            },
        )
        self.subnets = ec2.SubnetSelection(subnet_type=private_type)
        self.s3_endpoint = self.vpc.add_gateway_endpoint("S3", service=ec2.GatewayVpcEndpointAwsService.S3)
        if restrict_s3_endpoint:
            stack = Stack.of(self)
            self.s3_endpoint.add_to_policy(account_bucket_statement(stack.account))
            for statement in emr_system_bucket_statements(stack.partition, stack.region):
                self.s3_endpoint.add_to_policy(statement)
            self.s3_endpoint.add_to_policy(cloudformation_response_statement(stack.partition, stack.region))
            if s3_endpoint_bucket_names:
                self.s3_endpoint.add_to_policy(
                    iam.PolicyStatement(
                        sid="AdditionalBuckets",
                        principals=[iam.AnyPrincipal()],
                        actions=["s3:*"],
                        resources=[
                            arn
                            for name in s3_endpoint_bucket_names
                            for arn in (f"arn:{stack.partition}:s3:::{name}", f"arn:{stack.partition}:s3:::{name}/*")
                        ],
                    )
                )
        self.interface_endpoints: dict[str, ec2.InterfaceVpcEndpoint] = {}
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
                endpoint = self.vpc.add_interface_endpoint(
                    name,
                    service=service,
                    subnets=self.subnets,
                    private_dns_enabled=True,
                    security_groups=[endpoints_group],
                    open=False,
                )
                restrict_to_account(endpoint, Stack.of(self).account)
                self.interface_endpoints[name] = endpoint
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
    :param allow_all_outbound: Keep the primary and core groups' default all-traffic egress.
        Default: True; False with :func:`restrict_egress` (``EmrCluster(restrict_egress=True)``).
    :param revoke_rules_on_delete: Revoke the rules between the groups when the stack deletes
        them (a Lambda-backed custom resource). Default: True; without it, deleting the stack
        fails with DependencyViolation once a cluster has used the groups.
    """

    cleanup: SecurityGroupRuleCleanup | None = None
    """The custom resource that revokes the rules between the groups on delete (or None)."""

    def __init__(
        self, scope: Construct, id: str, *, vpc: ec2.IVpc, allow_all_outbound: bool = True, revoke_rules_on_delete: bool = True
    ) -> None:
        super().__init__(scope, id)
        self.primary = ec2.SecurityGroup(
            self,
            "Primary",
            vpc=vpc,
            description="EMR-managed security group of the primary node(s)",
            allow_all_outbound=allow_all_outbound,
        )
        self.core = ec2.SecurityGroup(
            self,
            "Core",
            vpc=vpc,
            description="EMR-managed security group of the core and task nodes",
            allow_all_outbound=allow_all_outbound,
        )
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
            # its function and role are the stack's (SecurityGroupRuleCleanupProvider), outside these tags
            self.cleanup = SecurityGroupRuleCleanup(
                self.rules, "Cleanup", primary=self.primary, core=self.core, service_access=self.service_access
            )

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


# ----- egress restricted to the cluster, the VPC endpoints and S3 ---------------------------------

# EMR Management Guide, "Working with Amazon EMR-managed security groups": EMR adds the *inbound*
# rules a cluster needs to the managed groups, never outbound ones; the default outbound rule of the
# primary and core groups is all traffic to 0.0.0.0/0. Without it, the guide names what must stay:
# TCP 9443 from the primary group to the service-access group (private subnets, releases 7.x and
# earlier) and, for 8.0.0+, HTTPS 443 from the primary group to the service-access group.
SERVICE_ACCESS_PORTS = (9443, 443)
HTTPS = 443


def s3_prefix_list(scope: Construct, id: str) -> ec2.IPrefixList:
    """The AWS-managed prefix list of S3 in the stack's region (``com.amazonaws.<region>.s3``, the
    destinations of the S3 gateway endpoint's routes), looked up at synth time: the stack needs a
    concrete account and region (the value is kept in ``cdk.context.json``)."""
    return ec2.PrefixList.from_lookup(scope, id, prefix_list_name=f"com.amazonaws.{Stack.of(scope).region}.s3")


def restrict_egress(groups: EmrSecurityGroups, *, vpc_cidr: str, s3_prefix_list_id: str) -> list[ec2.CfnSecurityGroupEgress]:
    """Egress of groups made with ``allow_all_outbound=False``: the cluster's nodes among
    themselves, the service-access group (:data:`SERVICE_ACCESS_PORTS`), HTTPS to the VPC's range
    (interface endpoints, which answer on 443) and HTTPS to S3 (``s3_prefix_list_id``, through the
    gateway endpoint). Nothing else leaves the nodes: no internet through NAT, so bootstrap actions
    that download from the internet fail. The rules live under ``groups.rules``, which the cluster
    waits for."""
    rules: list[ec2.CfnSecurityGroupEgress] = []

    def egress(name: str, group: ec2.ISecurityGroup, description: str, **target: Any) -> None:
        rules.append(
            ec2.CfnSecurityGroupEgress(
                groups.rules, f"Egress{name}", group_id=group.security_group_id, description=description, **target
            )
        )

    members = {"Primary": groups.primary, "Core": groups.core}
    for source_name, source in members.items():
        for target_name, target in members.items():
            egress(
                f"{source_name}To{target_name}",
                source,
                f"All traffic to the cluster's {target_name.lower()} nodes",
                ip_protocol="-1",
                destination_security_group_id=target.security_group_id,
            )
        egress(
            f"{source_name}ToVpcHttps",
            source,
            "HTTPS to the VPC (interface endpoints)",
            ip_protocol="tcp",
            from_port=HTTPS,
            to_port=HTTPS,
            cidr_ip=vpc_cidr,
        )
        egress(
            f"{source_name}ToS3",
            source,
            "HTTPS to S3 through the gateway endpoint",
            ip_protocol="tcp",
            from_port=HTTPS,
            to_port=HTTPS,
            destination_prefix_list_id=s3_prefix_list_id,
        )
    for port in SERVICE_ACCESS_PORTS:
        egress(
            f"PrimaryToServiceAccess{port}",
            groups.primary,
            f"EMR service access (TCP {port})",
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            destination_security_group_id=groups.service_access.security_group_id,
        )
    return rules
