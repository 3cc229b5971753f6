"""Account-level guardrails for EMR: a CloudTrail trail and EMR block public access.

Both are account/region settings, not per-cluster ones: deploy them once (for example in a
separate "account baseline" stack), not with every cluster.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import ArnFormat, Duration, RemovalPolicy, Stack
from aws_cdk import aws_cloudtrail as cloudtrail
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import custom_resources as cr
from constructs import Construct

from cdk_emr.compliance import acknowledge, flatten_reference
from cdk_emr.encryption import create_emr_key
from cdk_emr.iam import ManagedPolicyRole
from cdk_emr.storage import access_logs_bucket, secure_bucket, use_bucket_policy_for_access_logs
from cdk_emr.typecheck import typed
from cdk_emr.validation import Validator

LOG_DELIVERY_PACKS = ("HIPAA.Security", "NIST.800.53.R5")
DEFAULT_TRAIL_RETENTION = Duration.days(3650)


@typed
class EmrAuditTrail(Construct):
    """A multi-region CloudTrail trail of the account's API calls (EMR's included).

    Log files are validated (digest files), encrypted with a rotating KMS key, stored in a
    retained, versioned, access-logged bucket, and copied to a KMS-encrypted CloudWatch Logs
    group kept for ``log_retention``. Default: a new key and new buckets.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        encryption_key: kms.IKey | None = None,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_YEAR,
        bucket_retention: Duration = DEFAULT_TRAIL_RETENTION,
    ) -> None:
        super().__init__(scope, id)
        use_bucket_policy_for_access_logs(self)
        self.encryption_key = encryption_key or create_emr_key(self, "Key", description="CloudTrail audit trail")
        self._allow_trail_services(self.encryption_key)
        self.access_logs_bucket = access_logs_bucket(self, "AccessLogs")
        self.bucket = secure_bucket(
            self,
            "Bucket",
            encryption_key=self.encryption_key,
            server_access_logs_bucket=self.access_logs_bucket,
            server_access_logs_prefix="trail-bucket/",
            lifecycle_rules=[s3.LifecycleRule(expiration=bucket_retention, noncurrent_version_expiration=Duration.days(30))],
        )
        self.log_group = logs.LogGroup(
            self, "Logs", encryption_key=self.encryption_key, retention=log_retention, removal_policy=RemovalPolicy.RETAIN
        )
        self.trail = cloudtrail.Trail(
            self,
            "Trail",
            bucket=self.bucket,
            encryption_key=self.encryption_key,
            enable_file_validation=True,
            is_multi_region_trail=True,
            include_global_service_events=True,
            send_to_cloud_watch_logs=True,
            cloud_watch_log_group=self.log_group,
        )
        self._acknowledge_findings()

    @staticmethod
    def _allow_trail_services(key: kms.IKey) -> None:
        region = Stack.of(key).region
        key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal(f"logs.{region}.amazonaws.com")],
                actions=["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
                resources=["*"],
                conditions={
                    "ArnLike": {
                        "kms:EncryptionContext:aws:logs:arn": Stack.of(key).format_arn(
                            service="logs", resource="log-group", resource_name="*", arn_format=ArnFormat.COLON_RESOURCE_NAME
                        )
                    }
                },
            )
        )

    def _acknowledge_findings(self) -> None:
        role = self.trail.node.try_find_child("LogsRole")
        if role is not None:
            policy = role.node.try_find_child("DefaultPolicy")
            for pack in LOG_DELIVERY_PACKS:
                acknowledge(
                    policy or role,
                    f"{pack}::{pack}-IAMNoInlinePolicy",
                    "CloudTrail's CloudWatch Logs delivery role is created by aws-cdk-lib's Trail with an inline policy "
                    "limited to logs:CreateLogStream/PutLogEvents on this trail's log group.",
                )
        for bucket in (self.access_logs_bucket, self.bucket):
            for pack in LOG_DELIVERY_PACKS:
                acknowledge(
                    bucket,
                    f"{pack}::{pack}-S3BucketReplicationEnabled",
                    "The audit trail is multi-region already; replicating its bucket to another region is a separate "
                    "disaster-recovery decision with its own cost.",
                )


CUSTOM_RESOURCE_FUNCTION_ID = "AWS679f53fac002430cb0da5b7982bd2287"
"""The construct id aws-cdk-lib gives the singleton function behind every ``AwsCustomResource``."""


@typed
class EmrBlockPublicAccess(Construct):
    """EMR block public access for the account and region (there is no CloudFormation resource).

    A custom resource calls ``emr:PutBlockPublicAccessConfiguration`` on create and update:
    clusters whose security groups allow inbound traffic from 0.0.0.0/0 or ::/0 are refused,
    except on ``permitted_public_ports`` (default: none, stricter than AWS's default of port 22).
    Deleting the construct leaves the setting in place. Give ``vpc`` to run the custom resource's
    function in its private subnets (it needs a route to the EMR API). The local AWS runs the
    function's real code too (:mod:`cdk_emr.local.custom_resources`).
    """

    def __init__(
        self, scope: Construct, id: str, *, permitted_public_ports: Sequence[int] = (), vpc: ec2.IVpc | None = None
    ) -> None:
        super().__init__(scope, id)
        v = Validator(f"EmrBlockPublicAccess {self.node.path}")
        for i, port in enumerate(permitted_public_ports):
            v.check(0 <= port <= 65535, f"permitted_public_ports[{i}]", port, "a port, 0 to 65535")
        v.raise_if_any()
        call = cr.AwsSdkCall(
            service="EMR",
            action="putBlockPublicAccessConfiguration",
            parameters={
                "BlockPublicAccessConfiguration": {
                    "BlockPublicSecurityGroupRules": True,
                    "PermittedPublicSecurityGroupRuleRanges": [{"MinRange": p, "MaxRange": p} for p in permitted_public_ports],
                }
            },
            physical_resource_id=cr.PhysicalResourceId.of(f"emr-block-public-access-{Stack.of(self).region}"),
        )
        self.role = ManagedPolicyRole(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Sets EMR block public access for the account",
        )
        self.role.add_to_principal_policy(
            iam.PolicyStatement(actions=["elasticmapreduce:PutBlockPublicAccessConfiguration"], resources=["*"])
        )
        self._lambda_logs_arn = Stack.of(self).format_arn(
            service="logs", resource="log-group", resource_name="/aws/lambda/*", arn_format=ArnFormat.COLON_RESOURCE_NAME
        )
        self.role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], resources=[self._lambda_logs_arn]
            )
        )
        if vpc is not None:
            self.role.add_managed_policy(
                iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AWSLambdaVPCAccessExecutionRole")
            )
        self.resource = cr.AwsCustomResource(
            self,
            "Resource",
            on_create=call,
            on_update=call,
            role=self.role,
            vpc=vpc,
            install_latest_aws_sdk=False,
        )
        self._acknowledge_findings(vpc is not None)

    def _acknowledge_findings(self, in_vpc: bool) -> None:
        acknowledge(
            self.role.policy,
            "AwsSolutions::AwsSolutions-IAM5[Resource::*]",
            "emr:PutBlockPublicAccessConfiguration is an account-level action that supports no resource ARN.",
        )
        logs_arn = flatten_reference(Stack.of(self).resolve(self._lambda_logs_arn))
        acknowledge(
            self.role.policy,
            f"AwsSolutions::AwsSolutions-IAM5[Resource::{logs_arn}]",
            "The custom resource's function gets its name (and so its log group) from CloudFormation at deploy time; "
            "the role may only write log streams under /aws/lambda/.",
        )
        function = Stack.of(self).node.try_find_child(CUSTOM_RESOURCE_FUNCTION_ID)
        if function is None:
            return
        reasons = {
            "LambdaConcurrency": "CloudFormation invokes this custom-resource handler once per deploy; nothing else can.",
            "LambdaDLQ": "CloudFormation invokes custom-resource handlers synchronously; a dead-letter queue only "
            "receives failed asynchronous invocations, and a failure already fails the deployment.",
        }
        if not in_vpc:
            reasons["LambdaInsideVPC"] = (
                "The handler only calls the EMR API once per deploy and touches no data; pass vpc=... to run it in "
                "private subnets."
            )
        for pack in LOG_DELIVERY_PACKS:
            for rule, reason in reasons.items():
                acknowledge(function, f"{pack}::{pack}-{rule}", reason)
