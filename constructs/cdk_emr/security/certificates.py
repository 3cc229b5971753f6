"""``GeneratedTlsCertificates``: EMR's in-transit PEM zip, generated at deploy time.

A CloudFormation custom resource (``Custom::EmrTlsCertificates``) backed by a small Node.js
Lambda function generates an RSA key and a self-signed certificate for the nodes' wildcard DNS
name, and writes the zip EMR reads (``privateKey.pem``, ``certificateChain.pem``,
``trustedCertificates.pem``) to a bucket, SSE-KMS encrypted. The key exists only inside the
function and in that object: never in the repository, the template or ``cdk.out``.

The function uses nothing beyond its runtime: ``node:crypto`` (OpenSSL) generates the key and
signs the certificate, the handler lays out the certificate's fields and the zip, and the AWS
SDK of the runtime uploads it. Its code is one checked-in file shipped as an asset: no
bundler, no download, no Docker, the same asset hash on every machine.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Annotations, Aws, CustomResource, Duration, Fn, Names, RemovalPolicy, Stack, Token
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct, IDependable

from cdk_emr.compliance import acknowledge, skip_checkov
from cdk_emr.grants import KMS_DECRYPT, grant_bucket_read, grant_key
from cdk_emr.iam import ManagedPolicyRole
from cdk_emr.security.configuration import TlsCertificates
from cdk_emr.storage import check_whole_days
from cdk_emr.typecheck import typed
from cdk_emr.validation import Validator, invalid

RESOURCE_TYPE = "Custom::EmrTlsCertificates"
HANDLER_DIR = Path(__file__).resolve().parent / "tls_certificates_handler"
KEY_SIZES = (2048, 3072, 4096)
MAX_VALIDITY_DAYS = 3650
LOG_GROUP_PREFIX = "/cdk-emr/tls-certificates/"
LOGS_KEY_ACTIONS = ("kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*")
DEFAULT_SUPERSEDED_RETENTION = Duration.days(7)


def default_common_name(scope: Construct) -> str:
    """The wildcard EMR documents for the nodes' private DNS names: ``*.ec2.internal`` in
    us-east-1, else ``*.<region>.compute.internal``. Needs a stack with a concrete region."""
    region = Stack.of(scope).region
    if Token.is_unresolved(region):
        raise invalid(
            "GeneratedTlsCertificates",
            "common_name",
            None,
            "a name, e.g. '*.ec2.internal', for a stack without a concrete region",
        )
    return "*.ec2.internal" if region == "us-east-1" else f"*.{region}.compute.internal"


@typed
class GeneratedTlsCertificates(Construct):
    """A generated, self-signed certificate bundle for EMR in-transit encryption.

    ``certificates`` is the :class:`~cdk_emr.security.configuration.TlsCertificates` to give
    ``EmrSecurityConfiguration(tls_certificates=...)``; it names the object through the custom
    resource's ``ObjectKey`` attribute, so the security configuration depends on the
    generation (``resource`` is the dependable for anything else that must wait).

    Each generation writes a new object, ``<key_prefix><UTC time>-<random>.zip``: a bundle a
    cluster was launched with is never overwritten (nodes it adds later must get the same
    certificate). A generation happens when the resource is created or one of its properties
    changes (``generation`` exists to force one: increase it to rotate); the new object key
    changes the security configuration, which CloudFormation replaces, and with it the
    cluster.

    Superseded bundles do not stay (each holds a private key): when CloudFormation deletes
    the replaced resource (after the clusters using it) the function deletes its object, and
    a lifecycle rule on ``key_prefix`` of a bucket of this app expires every bundle when its
    certificate has expired (``validity_days``) and removes deleted bundles' versions after
    ``superseded_retention``. Give the bundles a prefix of their own (no other object under
    it). For a bucket imported here the rule cannot be added: a warning names it.

    Rotation (EMR does not renew certificates; a running cluster keeps the bundle it started
    with): increase ``generation`` and deploy, before ``not_after``. CloudFormation generates
    the new bundle, replaces the security configuration and the clusters that use it, then
    deletes the old ones and retires the old bundle. A cluster with termination protection
    cannot be terminated by CloudFormation: turn protection off first
    (``aws emr modify-cluster-attributes --cluster-id j-... --no-termination-protected``).

    The function: Node.js 24 on arm64, reserved concurrency ``reserved_concurrency`` (default
    1), a KMS-encrypted dead-letter queue (CloudFormation invokes it asynchronously), its own
    KMS-encrypted log group (``log_retention``), and a role whose managed policy allows only
    ``s3:PutObject`` under ``key_prefix`` and ``kms:GenerateDataKey`` on the bucket key (plus
    its logs and queue). With ``vpc`` it runs in that VPC's private subnets and reaches S3
    through a gateway endpoint or NAT (CloudFormation's response URL is in S3 too).

    :param bucket: Where the bundle goes; SSE-KMS with a customer-managed key (its own, or
        ``encryption_key``). The clusters' instance role must read it: :meth:`grant_read`.
    :param key_prefix: Prefix of the bundles' object keys. Default ``emr-tls/``.
    :param common_name: The certificate's CN (and DNS SAN). Default: see
        :func:`default_common_name`; EMR needs a wildcard matching the nodes' private DNS.
    :param validity_days: 1 to 3650. Default 365: EMR does not renew certificates, so plan a
        rotation (a new generation, hence a new cluster) before they expire.
    :param key_size: RSA modulus bits: 2048 (default), 3072 or 4096.
    :param encryption_key: The KMS key for the bundle. Default: the bucket's key.
    :param log_encryption_key: The KMS key of the function's log group and dead-letter queue.
        Default: ``encryption_key``. Its key policy gets a statement letting CloudWatch Logs
        use it for log groups under ``/cdk-emr/tls-certificates/`` only (an imported key cannot
        be changed here: a warning names the statement to add).
    :param log_retention: Retention of the function's logs. Default one year.
    :param reserved_concurrency: Reserved concurrent executions. Default 1. In an account whose
        concurrency limit leaves no room to reserve (new accounts), pass ``None``.
    :param vpc: Run the function in this VPC. Default: outside any VPC.
    :param vpc_subnets: Its subnets in ``vpc``. Default: the VPC's private subnets.
    :param generation: Increase to generate a new bundle (and so replace the clusters using it).
    :param retire_superseded: Delete a bundle when CloudFormation deletes its generation
        (replaced, or the stack deleted). Default: True; False keeps them until the lifecycle
        rule expires them with their certificate.
    :param superseded_retention: How long a deleted (superseded or expired) bundle stays
        recoverable as a noncurrent object version before S3 deletes it, in whole days.
        Default 7 days.

    Attributes: ``object_key``, ``certificate_sha256``, ``not_after`` (the certificate's
    expiry, ISO 8601 UTC: rotate before it), ``certificates``, ``lifecycle_rule`` (the rule
    added to the bucket, ``None`` for an imported bucket).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        bucket: s3.IBucket,
        key_prefix: str = "emr-tls/",
        common_name: str | None = None,
        validity_days: int = 365,
        key_size: int = 2048,
        encryption_key: kms.IKey | None = None,
        log_encryption_key: kms.IKey | None = None,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_YEAR,
        reserved_concurrency: int | None = 1,
        vpc: ec2.IVpc | None = None,
        vpc_subnets: ec2.SubnetSelection | None = None,
        generation: int = 1,
        superseded_retention: Duration = DEFAULT_SUPERSEDED_RETENTION,
        retire_superseded: bool = True,
    ) -> None:
        super().__init__(scope, id)
        self.bucket = bucket
        self.key_prefix = key_prefix
        self.common_name = common_name or default_common_name(self)
        self.encryption_key = encryption_key or bucket.encryption_key
        self._validate(validity_days, key_size, generation, reserved_concurrency, superseded_retention)
        assert self.encryption_key is not None
        log_key = log_encryption_key or self.encryption_key
        self.log_encryption_key = log_key

        self.role = ManagedPolicyRole(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Generates the EMR TLS certificate bundle of {self.node.path}",
        )
        # PutObject writes a generation; DeleteObject retires a superseded one (never elsewhere).
        self.role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["s3:PutObject", "s3:DeleteObject"] if retire_superseded else ["s3:PutObject"],
                resources=[bucket.arn_for_objects(f"{key_prefix}*")],
            )
        )
        self.role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["kms:GenerateDataKey"],
                resources=[self.encryption_key.key_arn],
                conditions={"StringEquals": {"kms:ViaService": f"s3.{Aws.REGION}.amazonaws.com"}},
            )
        )
        # Lambda sends failed events to the encrypted dead-letter queue with the function's role
        self.role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["kms:GenerateDataKey", "kms:Decrypt"],
                resources=[log_key.key_arn],
                conditions={"StringEquals": {"kms:ViaService": f"sqs.{Aws.REGION}.amazonaws.com"}},
            )
        )
        self.log_group = self._log_group(log_key, log_retention)
        self.log_group.grant_write(self.role)
        self.dead_letter_queue = sqs.Queue(
            self,
            "DeadLetterQueue",
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=log_key,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        self.security_group: ec2.SecurityGroup | None = None
        if vpc is not None:
            # AWSLambdaVPCAccessExecutionRole: CDK adds it only to roles it creates itself
            self.role.add_managed_policy(
                iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AWSLambdaVPCAccessExecutionRole")
            )
            self.security_group = ec2.SecurityGroup(
                self,
                "SecurityGroup",
                vpc=vpc,
                allow_all_outbound=False,
                description="EMR TLS certificate function: HTTPS out only (S3 and the CloudFormation response URL)",
            )
            self.security_group.add_egress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "HTTPS to S3 and CloudFormation")
        self.function = lambda_.Function(
            self,
            "Function",
            description=f"{RESOURCE_TYPE}: generates the EMR TLS certificate bundle (no key is logged)",
            runtime=lambda_.Runtime.NODEJS_24_X,
            architecture=lambda_.Architecture.ARM_64,
            handler="index.handler",
            code=lambda_.Code.from_asset(str(HANDLER_DIR), exclude=["*", "!index.mjs"]),
            role=self.role,
            memory_size=512,
            timeout=Duration.minutes(1),
            reserved_concurrent_executions=reserved_concurrency,
            log_group=self.log_group,
            dead_letter_queue=self.dead_letter_queue,
            vpc=vpc,
            vpc_subnets=vpc_subnets,
            security_groups=[self.security_group] if self.security_group else None,
        )
        self.resource = CustomResource(
            self,
            "Resource",
            resource_type=RESOURCE_TYPE,
            service_token=self.function.function_arn,
            service_timeout=Duration.minutes(5),
            properties={
                "BucketName": bucket.bucket_name,
                "KeyPrefix": key_prefix,
                "KmsKeyArn": self.encryption_key.key_arn,
                "CommonName": self.common_name,
                "ValidityDays": str(validity_days),
                "KeySize": str(key_size),
                "Generation": str(generation),
                # only when keeping: the default adds no property, so upgrading does not regenerate
                **({} if retire_superseded else {"RetainOnDelete": "true"}),
            },
        )
        # the function must be able to write its logs and the object before CloudFormation calls it
        self.resource.node.add_dependency(self.role.policy, self.log_group)
        self.object_key = self.resource.get_att_string("ObjectKey")
        self.certificate_sha256 = self.resource.get_att_string("CertificateSha256")
        self.not_after = self.resource.get_att_string("NotAfter")
        self.certificates = TlsCertificates(bucket, self.object_key)
        self.lifecycle_rule = self._expire_bundles(validity_days, superseded_retention)
        self._acknowledge_findings(vpc, reserved_concurrency)

    @property
    def dependable(self) -> IDependable:
        """What must exist before a cluster uses the bundle: the custom resource."""
        return self.resource

    def grant_read(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` (a cluster's instance role) read the bundles under ``key_prefix``."""
        grant = grant_bucket_read(grantee, self.bucket, f"{self.key_prefix}*")
        if self.bucket.encryption_key is None:  # grant_bucket_read covered the bucket's own key
            grant = grant.combine(grant_key(grantee, self.encryption_key, KMS_DECRYPT))
        return grant

    # ----- parts ------------------------------------------------------------------------------

    def _expire_bundles(self, validity_days: int, superseded_retention: Duration) -> s3.LifecycleRule | None:
        """The lifecycle rule on the bundles' prefix (S3 User Guide, "Lifecycle configuration
        elements": ``Expiration`` days after creation makes the current version noncurrent in a
        versioned bucket, ``NoncurrentVersionExpiration`` deletes noncurrent versions)."""
        rule = s3.LifecycleRule(
            id=f"ExpireTlsBundles{Names.unique_id(self)[-8:]}",
            prefix=self.key_prefix,
            expiration=Duration.days(validity_days),
            noncurrent_version_expiration=superseded_retention,
        )
        if isinstance(self.bucket, s3.Bucket):
            self.bucket.add_lifecycle_rule(
                id=rule.id,
                prefix=rule.prefix,
                expiration=rule.expiration,
                noncurrent_version_expiration=rule.noncurrent_version_expiration,
            )
            return rule
        Annotations.of(self).add_warning_v2(
            "cdk-emr:tlsBundleLifecycle",
            f"The bucket {self.bucket.node.path} is imported, so no lifecycle rule is added to it: expire the objects "
            f"under '{self.key_prefix}' after {validity_days} days (when the certificate expires) and their noncurrent "
            f"versions after {superseded_retention.to_days()} days, or old private keys stay in it.",
        )
        return None

    def _log_group(self, key: kms.IKey, retention: logs.RetentionDays) -> logs.LogGroup:
        """A KMS-encrypted log group whose name is unique to this stack (retained logs never
        block a later stack of the same name)."""
        stack_uuid = Fn.select(2, Fn.split("/", Aws.STACK_ID))
        name = f"{LOG_GROUP_PREFIX}{Names.unique_resource_name(self, max_length=64, separator='-')}-{stack_uuid}"
        statement = iam.PolicyStatement(
            sid="AllowCloudWatchLogsForEmrTlsCertificates",
            principals=[iam.ServicePrincipal(f"logs.{Aws.REGION}.amazonaws.com")],
            actions=list(LOGS_KEY_ACTIONS),
            resources=["*"],
            conditions={
                "ArnLike": {
                    "kms:EncryptionContext:aws:logs:arn": (
                        f"arn:{Aws.PARTITION}:logs:{Aws.REGION}:{Aws.ACCOUNT_ID}:log-group:{LOG_GROUP_PREFIX}*"
                    )
                }
            },
        )
        if not key.add_to_resource_policy(statement).statement_added:
            Annotations.of(self).add_warning_v2(
                "cdk-emr:tlsLogKeyPolicy",
                "The log group's KMS key is imported, so its key policy cannot be changed here: allow "
                f"logs.<region>.amazonaws.com {', '.join(LOGS_KEY_ACTIONS)} on it for log groups named "
                f"{LOG_GROUP_PREFIX}*, or the function's log group cannot be created.",
            )
        return logs.LogGroup(
            self,
            "Logs",
            log_group_name=name,
            encryption_key=key,
            retention=retention,
            removal_policy=RemovalPolicy.RETAIN,
        )

    def _validate(
        self,
        validity_days: int,
        key_size: int,
        generation: int,
        reserved_concurrency: int | None,
        superseded_retention: Duration,
    ) -> None:
        v = Validator(f"GeneratedTlsCertificates {self.node.path}")
        v.check(
            self.encryption_key is not None,
            "bucket",
            self.bucket.bucket_name if not Token.is_unresolved(self.bucket.bucket_name) else self.bucket.node.path,
            "an SSE-KMS bucket CDK knows the key of, or pass encryption_key (the bundle holds a private key)",
        )
        if not Token.is_unresolved(self.key_prefix) and self.key_prefix:
            v.check(self.key_prefix.endswith("/"), "key_prefix", self.key_prefix, "a prefix ending in '/', e.g. 'emr-tls/'")
        if not Token.is_unresolved(self.common_name):
            v.check(
                self.common_name.startswith("*."),
                "common_name",
                self.common_name,
                "a wildcard matching the nodes' private DNS names, e.g. '*.ec2.internal' or '*.eu-west-1.compute.internal'",
            )
        v.check(1 <= validity_days <= MAX_VALIDITY_DAYS, "validity_days", validity_days, f"1 to {MAX_VALIDITY_DAYS}")
        v.check(key_size in KEY_SIZES, "key_size", key_size, f"one of {', '.join(map(str, KEY_SIZES))}")
        v.check(generation >= 1, "generation", generation, "1 or more")
        check_whole_days(v, "superseded_retention", superseded_retention, "NoncurrentDays")
        if not Token.is_unresolved(self.key_prefix):
            v.check(
                self.key_prefix != "",
                "key_prefix",
                self.key_prefix,
                "a prefix of the bundles' own, e.g. 'emr-tls/': its lifecycle rule expires every object under it",
            )
        if reserved_concurrency is not None:
            v.check(reserved_concurrency >= 1, "reserved_concurrency", reserved_concurrency, "1 or more, or None")
        v.raise_if_any()

    def _acknowledge_findings(self, vpc: ec2.IVpc | None, reserved_concurrency: int | None) -> None:
        """Findings inherent to this function and its queue, on the narrowest construct."""
        function = self.function.node.default_child
        assert function is not None
        if vpc is None:
            outside_vpc = (
                "The function only calls S3 (a PutObject under the bundle prefix) and CloudFormation's S3 "
                "response URL, both over TLS with IAM authorization, and runs once per deployment; pass vpc= "
                "to run it in private subnets."
            )
            for pack in ("HIPAA.Security", "NIST.800.53.R5"):
                acknowledge(function, f"{pack}::{pack}-LambdaInsideVPC", outside_vpc)
            skip_checkov(function, "CKV_AWS_117", outside_vpc)
        else:
            acknowledge(
                self.role,
                "AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                "AWSLambdaVPCAccessExecutionRole]",
                "AWSLambdaVPCAccessExecutionRole is the policy AWS documents for Lambda functions in a VPC: it "
                "lets Lambda manage the function's network interfaces (EC2 requires Resource '*' for them).",
            )
        if reserved_concurrency is None:
            for pack in ("HIPAA.Security", "NIST.800.53.R5"):
                acknowledge(
                    function,
                    f"{pack}::{pack}-LambdaConcurrency",
                    "reserved_concurrency=None was chosen for an account whose concurrency limit leaves no room to "
                    "reserve; CloudFormation calls the function once per generation.",
                )
