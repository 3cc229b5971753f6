"""``SecurityGroupRuleCleanup``: stacks that created EMR-managed security groups delete cleanly.

At launch EMR adds rules to the EMR-managed groups that reference each other (EMR Management
Guide, "Working with Amazon EMR-managed security groups": the primary and core/task groups
allow all TCP, UDP and ICMP from each other and from themselves and TCP 8443 from the
service-access group, which allows TCP 9443 from the primary group and sends TCP 8443 to both).
Those rules are not in the template, and EC2 refuses to delete a group that another group's
rule references (DependencyViolation), so deleting the stack fails on AWS. Terraform's
``aws_security_group`` has ``revoke_rules_on_delete`` for exactly this EMR case.

This construct is CloudFormation's equivalent: a custom resource
(``Custom::EmrSecurityGroupRuleCleanup``) whose properties name the groups, so CloudFormation
creates it after them and deletes it before them; the cluster depends on it, so it is deleted
after the cluster. On ``Delete`` its Python function revokes the rules EMR documents between the
groups (:data:`cdk_emr.facts.security_groups.RULES_BETWEEN_MANAGED_GROUPS`, passed as the
``Rules`` property with the group ids), skipping any that is not there, and nothing else (rules
to CIDR ranges, prefix lists or other groups never block the delete and go with their group).
Naming the rules instead of describing the groups keeps the function's permissions to the revoke
actions: EC2's Describe actions have no resource-level permissions. The handler is one
checked-in file (``security_group_cleanup_handler/index.py``) shipped as an asset.

One function serves every cluster of a stack (:class:`SecurityGroupRuleCleanupProvider`, the
stack's singleton, like aws-cdk-lib's ``SingletonFunction``): each cluster adds only its custom
resource, so that a stack of many clusters stays under CloudFormation's 500 resources (a function
per cluster made five resources per cluster). Its revoke permission is therefore not a list of
group ARNs, which for 50 clusters would exceed a managed policy's 6,144 characters, but the security
groups of the stack's account and region that carry both EMR's
``for-use-with-amazon-emr-managed-policies=true`` tag and CloudFormation's
``aws:cloudformation:stack-id`` tag of this stack (CloudFormation User Guide, "Resource tag": the
stack-level tags CloudFormation adds): the tag condition of EMR's own ``ManageSecurityGroups``
statement in ``AmazonEMRServicePolicy_v2``, narrowed to the revoke actions and to this stack's groups.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Arn, ArnComponents, Aws, CustomResource, Duration, RemovalPolicy, Stack, Tags
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from cdk_emr.compliance import acknowledge, flatten_reference, skip_checkov
from cdk_emr.facts.security_groups import RULES_BETWEEN_MANAGED_GROUPS, ManagedGroup, ManagedRule
from cdk_emr.iam import EMR_MANAGED_POLICY_TAG, ManagedPolicyRole
from cdk_emr.typecheck import typed

RESOURCE_TYPE = "Custom::EmrSecurityGroupRuleCleanup"
HANDLER_DIR = Path(__file__).resolve().parent / "security_group_cleanup_handler"
REVOKE_ACTIONS = ("ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress")
PROVIDER_ID = "EmrSecurityGroupRuleCleanupProvider"
#: The tag CloudFormation adds to the resources of a stack (CloudFormation User Guide, "Resource tag").
STACK_ID_TAG = "aws:cloudformation:stack-id"


@typed
class SecurityGroupRuleCleanupProvider(Construct):
    """The function behind every :class:`SecurityGroupRuleCleanup` of a stack.

    Python 3.14 on arm64, outside any VPC (it calls only the EC2 API and CloudFormation's
    response URL), its own log group, and a role whose managed policy allows
    ``ec2:RevokeSecurityGroupIngress``/``Egress`` on the security groups of the stack's account
    and region that this stack created (CloudFormation's ``aws:cloudformation:stack-id`` tag) and
    that are tagged ``for-use-with-amazon-emr-managed-policies=true`` (the groups
    :class:`~cdk_emr.network.EmrSecurityGroups` creates carry it), and writing its logs; nothing
    else. Get the stack's one with :meth:`of`.

    :param log_retention: Retention of the function's logs. Default one year.
    """

    def __init__(self, scope: Construct, id: str, *, log_retention: logs.RetentionDays = logs.RetentionDays.ONE_YEAR) -> None:
        super().__init__(scope, id)
        self.role = ManagedPolicyRole(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Revokes the rules EMR added between its managed security groups before CloudFormation deletes them",
        )
        self.role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=list(REVOKE_ACTIONS),
                resources=[self.groups_arn],
                conditions={
                    "StringEquals": {
                        f"aws:ResourceTag/{EMR_MANAGED_POLICY_TAG}": "true",
                        f"aws:ResourceTag/{STACK_ID_TAG}": Aws.STACK_ID,
                    }
                },
            )
        )
        # Deleted with the stack; a failed cleanup fails the delete first, so its logs stay.
        self.log_group = logs.LogGroup(self, "Logs", retention=log_retention, removal_policy=RemovalPolicy.DESTROY)
        self.log_group.grant_write(self.role)
        self.function = lambda_.Function(
            self,
            "Function",
            description=f"{RESOURCE_TYPE}: revokes the rules EMR added between its managed security groups",
            runtime=lambda_.Runtime.PYTHON_3_14,
            architecture=lambda_.Architecture.ARM_64,
            handler="index.handler",
            code=lambda_.Code.from_asset(str(HANDLER_DIR), exclude=["*", "!index.py"]),
            role=self.role,
            memory_size=256,
            timeout=Duration.minutes(2),
            log_group=self.log_group,
        )
        Tags.of(self).remove(EMR_MANAGED_POLICY_TAG)  # only what EMR acts on carries the tag
        self._acknowledge_findings()

    @classmethod
    def of(cls, scope: Construct) -> SecurityGroupRuleCleanupProvider:
        """The provider of ``scope``'s stack, created on first use."""
        stack = Stack.of(scope)
        existing = stack.node.try_find_child(PROVIDER_ID)
        return existing if isinstance(existing, cls) else cls(stack, PROVIDER_ID)

    @property
    def groups_arn(self) -> str:
        """``arn:${Partition}:ec2:${Region}:${Account}:security-group/*``: the groups it may revoke on."""
        return Arn.format(ArnComponents(service="ec2", resource="security-group", resource_name="*"), Stack.of(self))

    def _acknowledge_findings(self) -> None:
        """Findings inherent to a function that runs once per cluster, when it is deleted."""
        function = self.function.node.default_child
        assert function is not None
        once = (
            "CloudFormation invokes this function only when a cleanup custom resource is created, updated or deleted, "
            "and waits for its answer: a failure shows as the resource's DELETE_FAILED reason with the log stream."
        )
        outside_vpc = (
            "The function calls only the EC2 API (revoke on the clusters' security groups) and "
            "CloudFormation's S3 response URL, over TLS with IAM authorization; in the VPC it would need NAT or an "
            "EC2 endpoint, and its network interfaces would hold up the deletion of the VPC it cleans up."
        )
        no_reservation = (
            "Reserved concurrency would make every cluster's stack fail in accounts whose concurrency limit leaves "
            "no room to reserve (new accounts); the function runs once per cluster deletion."
        )
        plain_logs = (
            "The log group holds only security group ids, rule counts and EC2 errors (no data, no secrets); "
            "CloudWatch Logs encrypts it at rest with its own keys."
        )
        tagged_groups = (
            "Revoke only, on the security groups of this stack (aws:cloudformation:stack-id tag) tagged "
            "for-use-with-amazon-emr-managed-policies=true (the condition AmazonEMRServicePolicy_v2 puts on EMR's own "
            "security-group actions): one function serves every cluster of the stack, and listing their groups' ARNs "
            "would outgrow a managed policy's 6,144 characters."
        )
        for pack in ("HIPAA.Security", "NIST.800.53.R5"):
            acknowledge(function, f"{pack}::{pack}-LambdaDLQ", once)
            acknowledge(function, f"{pack}::{pack}-LambdaInsideVPC", outside_vpc)
            acknowledge(function, f"{pack}::{pack}-LambdaConcurrency", no_reservation)
            acknowledge(self.log_group, f"{pack}::{pack}-CloudWatchLogGroupEncrypted", plain_logs)
        groups = flatten_reference(Stack.of(self).resolve(self.groups_arn))
        acknowledge(self.role.policy, f"AwsSolutions::AwsSolutions-IAM5[Resource::{groups}]", tagged_groups)
        skip_checkov(function, "CKV_AWS_116", once)
        skip_checkov(function, "CKV_AWS_117", outside_vpc)
        skip_checkov(function, "CKV_AWS_115", no_reservation)
        skip_checkov(self.log_group, "CKV_AWS_158", plain_logs)
        # lambda.Function makes itself depend on its role (which its Role GetAtt already does: cfn-lint
        # W3005) and on the role's policy, which creating this function does not need (no queue, no
        # VPC); every cleanup custom resource depends on the policy itself, so it outlives their calls.
        function.add_deletion_override("DependsOn")


@typed
class SecurityGroupRuleCleanup(Construct):
    """Revokes the rules between ``groups`` when CloudFormation deletes them.

    Make whatever adds such rules (the EMR cluster) depend on :attr:`resource`, so that
    CloudFormation deletes it first; :class:`~cdk_emr.network.EmrSecurityGroups` does this for
    its groups (the cluster depends on ``EmrSecurityGroups.rules``, which holds this construct).
    The custom resource is this construct's only resource: its function is the stack's
    :class:`SecurityGroupRuleCleanupProvider`.

    :param primary: The EMR-managed group of the primary node(s).
    :param core: The EMR-managed group of the core and task nodes.
    :param service_access: The service-access group.
    :param provider: The function that revokes. Default: the stack's
        :meth:`SecurityGroupRuleCleanupProvider.of`. It revokes only on groups this stack created
        that carry the ``for-use-with-amazon-emr-managed-policies=true`` tag; on other groups the
        delete fails with EC2's UnauthorizedOperation.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        primary: ec2.ISecurityGroup,
        core: ec2.ISecurityGroup,
        service_access: ec2.ISecurityGroup,
        provider: SecurityGroupRuleCleanupProvider | None = None,
    ) -> None:
        super().__init__(scope, id)
        self.groups = {ManagedGroup.PRIMARY: primary, ManagedGroup.CORE: core, ManagedGroup.SERVICE_ACCESS: service_access}
        self.provider = provider or SecurityGroupRuleCleanupProvider.of(self)
        ids = {role: group.security_group_id for role, group in self.groups.items()}  # one jsii call each
        self.resource = CustomResource(
            self,
            "Resource",
            resource_type=RESOURCE_TYPE,
            service_token=self.provider.function.function_arn,
            service_timeout=Duration.minutes(5),
            properties={
                "GroupIds": list(ids.values()),
                "Rules": [_rule(rule, ids) for rule in RULES_BETWEEN_MANAGED_GROUPS],
            },
        )
        # the function must be able to revoke and log when CloudFormation calls it on delete
        self.resource.node.add_dependency(self.provider.role.policy, self.provider.log_group)


def _rule(rule: ManagedRule, ids: dict[ManagedGroup, str]) -> dict[str, object]:
    """The custom resource's description of one documented rule, with the groups' ids."""
    return {
        "GroupId": ids[rule.group],
        "Direction": rule.direction,
        "IpProtocol": rule.protocol,
        "FromPort": rule.from_port,
        "ToPort": rule.to_port,
        "PeerGroupId": ids[rule.peer],
    }
