"""``EmrDataLake``: raw and curated buckets, a Glue database, and optionally a Glue crawler.

The buckets follow :func:`cdk_emr.storage.secure_bucket` (SSE-KMS, TLS only, versioned,
access-logged, retained). The Glue database is the metastore database that Hive, Spark and
Trino/Presto use through ``Configuration.glue_data_catalog(...)``; :meth:`EmrDataLake.grant_cluster`
gives a cluster exactly what that needs: read raw, read-write curated, the database's tables.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from aws_cdk import Annotations, ArnFormat, Aws, Duration, Names, Stack
from aws_cdk import aws_glue as glue
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cdk_emr.encryption import create_emr_key
from cdk_emr.grants import GLUE_DATABASE_NAME, KMS_ENCRYPT_DECRYPT, GlueAccess, grant_bucket_read, grant_key
from cdk_emr.iam import ManagedPolicyRole
from cdk_emr.storage import access_logs_bucket as new_access_logs_bucket
from cdk_emr.storage import secure_bucket, use_bucket_policy_for_access_logs
from cdk_emr.typecheck import typed
from cdk_emr.validation import Validator

if TYPE_CHECKING:
    from cdk_emr.cluster import EmrCluster

CRON = re.compile(r"^cron\(\S+( \S+){5}\)$")
"""Glue database names that Hive, Spark and Trino all accept: lower case, digits, underscores."""

GLUE_TABLE_READ = (
    "glue:GetDatabase",
    "glue:GetTable",
    "glue:GetTables",
    "glue:GetPartition",
    "glue:GetPartitions",
    "glue:BatchGetPartition",
)
CRAWLER_TABLE_WRITE = (
    "glue:CreateTable",
    "glue:UpdateTable",
    "glue:BatchCreatePartition",
    "glue:UpdatePartition",
    "glue:BatchUpdatePartition",
)
CRAWLER_LOG_GROUP_ACTIONS = ("logs:CreateLogGroup", "logs:AssociateKmsKey", "logs:CreateLogStream", "logs:PutLogEvents")
DATA_LIFECYCLE = [
    s3.LifecycleRule(noncurrent_version_expiration=Duration.days(30)),
    s3.LifecycleRule(abort_incomplete_multipart_upload_after=Duration.days(7)),
]


@typed
class EmrDataLake(Construct):
    """Raw and curated buckets and their Glue database, with an optional crawler on raw.

    Attributes: ``raw_bucket``, ``curated_bucket``, ``database_name``, ``database`` (the
    ``CfnDatabase``), ``encryption_key``, ``access_logs_bucket``; with ``crawler=True`` also
    ``crawler`` (``CfnCrawler``), ``crawler_role`` and ``crawler_security_configuration``.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        database_name: str,
        encryption_key: kms.IKey | None = None,
        access_logs_bucket: s3.IBucket | None = None,
        crawler: bool = False,
        crawler_schedule: str | None = None,
    ) -> None:
        """Create the buckets and the database (and the crawler).

        :param database_name: The Glue database (lower case, digits, underscores; unique in
            the account and region).
        :param encryption_key: Key of both buckets (and the crawler's logs). Default: a new key.
        :param access_logs_bucket: Target of the buckets' S3 access logs. Default: a new one.
        :param crawler: Add a Glue crawler that catalogs the raw bucket into the database
            (tables prefixed ``raw_``), with encrypted logs. Default: False.
        :param crawler_schedule: A Glue cron expression, e.g. ``cron(0 1 * * ? *)``. Default: run on demand.
        """
        super().__init__(scope, id)
        v = Validator(f"EmrDataLake {self.node.path}")
        v.check(
            GLUE_DATABASE_NAME.match(database_name) is not None,
            "database_name",
            database_name,
            "1 to 255 lower-case letters, digits or underscores",
        )
        if crawler_schedule is not None:
            v.check(crawler, "crawler_schedule", crawler_schedule, "a schedule for the crawler: give crawler=True too")
            # AWS::Glue::Crawler Schedule.ScheduleExpression: "A cron expression ... For example, to run
            # something every day at 12:15 UTC, specify cron(15 12 * * ? *)" (six fields, Glue
            # "Time-based schedules for jobs and crawlers").
            v.check(
                CRON.match(crawler_schedule) is not None,
                "crawler_schedule",
                crawler_schedule,
                "a Glue cron expression of six fields, e.g. 'cron(0 1 * * ? *)'",
            )
        v.raise_if_any()
        use_bucket_policy_for_access_logs(self)
        self.database_name = database_name
        self.encryption_key = encryption_key or create_emr_key(self, "Key", description=f"Data lake {self.node.path}")
        self.access_logs_bucket = access_logs_bucket or new_access_logs_bucket(self, "AccessLogs")
        self.raw_bucket = self._bucket("Raw", "raw-bucket/")
        self.curated_bucket = self._bucket("Curated", "curated-bucket/")
        self.database = glue.CfnDatabase(
            self,
            "Database",
            catalog_id=Aws.ACCOUNT_ID,
            database_input=glue.CfnDatabase.DatabaseInputProperty(
                name=database_name,
                description=f"Tables of the data lake {self.node.path}",
                location_uri=self.curated_bucket.s3_url_for_object(),
            ),
        )
        self.crawler: glue.CfnCrawler | None = None
        self.crawler_role: ManagedPolicyRole | None = None
        self.crawler_security_configuration: glue.CfnSecurityConfiguration | None = None
        if crawler:
            self._crawler(crawler_schedule)

    def _bucket(self, id: str, log_prefix: str) -> s3.Bucket:
        return secure_bucket(
            self,
            id,
            encryption_key=self.encryption_key,
            server_access_logs_bucket=self.access_logs_bucket,
            server_access_logs_prefix=log_prefix,
            lifecycle_rules=DATA_LIFECYCLE,
        )

    @property
    def buckets(self) -> list[s3.IBucket]:
        """The raw and curated buckets."""
        return [self.raw_bucket, self.curated_bucket]

    def raw_uri(self, prefix: str = "") -> str:
        """``s3://<raw bucket>/<prefix>``."""
        return self.raw_bucket.s3_url_for_object(prefix)

    def curated_uri(self, prefix: str = "") -> str:
        """``s3://<curated bucket>/<prefix>``."""
        return self.curated_bucket.s3_url_for_object(prefix)

    # ----- grants ---------------------------------------------------------------------------

    def grant_cluster(self, cluster: EmrCluster, *, write_raw: bool = False) -> iam.Grant:
        """Let ``cluster`` read raw (and write it, with ``write_raw``), read and write curated,
        and use this lake's Glue database as its metastore.

        Spark's Hive client checks that the ``default`` database exists when it starts, so the
        cluster may also read (only read) the ``default`` database itself.
        """
        raw = cluster.grant_read_write_data(self.raw_bucket) if write_raw else cluster.grant_read_data(self.raw_bucket)
        grant = raw.combine(cluster.grant_read_write_data(self.curated_bucket))
        grant = grant.combine(cluster.grant_glue_catalog(database_names=[self.database_name], access=GlueAccess.READ_WRITE))
        stack = Stack.of(self)
        return grant.combine(
            iam.Grant.add_to_principal(
                grantee=cluster.instance_role,
                actions=["glue:GetDatabase"],
                resource_arns=[
                    stack.format_arn(service="glue", resource="catalog"),
                    stack.format_arn(service="glue", resource="database", resource_name="default"),
                ],
            )
        )

    # ----- crawler --------------------------------------------------------------------------

    def _crawler(self, schedule: str | None) -> None:
        """A crawler on the raw bucket, with a least-privilege role and encrypted logs."""
        stack = Stack.of(self)
        crawler_name = Names.unique_resource_name(self, max_length=200, separator="-") + "-raw"
        config_name = Names.unique_resource_name(self, max_length=200, separator="-") + "-crawler"
        self.crawler_security_configuration = glue.CfnSecurityConfiguration(
            self,
            "CrawlerSecurityConfiguration",
            name=config_name,
            encryption_configuration=glue.CfnSecurityConfiguration.EncryptionConfigurationProperty(
                cloud_watch_encryption=glue.CfnSecurityConfiguration.CloudWatchEncryptionProperty(
                    cloud_watch_encryption_mode="SSE-KMS", kms_key_arn=self.encryption_key.key_arn
                ),
                job_bookmarks_encryption=glue.CfnSecurityConfiguration.JobBookmarksEncryptionProperty(
                    job_bookmarks_encryption_mode="CSE-KMS", kms_key_arn=self.encryption_key.key_arn
                ),
                s3_encryptions=[
                    glue.CfnSecurityConfiguration.S3EncryptionProperty(
                        s3_encryption_mode="SSE-KMS", kms_key_arn=self.encryption_key.key_arn
                    )
                ],
            ),
        )
        role = ManagedPolicyRole(
            self,
            "CrawlerRole",
            assumed_by=iam.ServicePrincipal(
                "glue.amazonaws.com", conditions={"StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID}}
            ),
            description=f"Glue crawler of {self.node.path} (raw bucket into {self.database_name}, least privilege)",
        )
        self.crawler_role = role
        # Glue writes a crawler's logs, encrypted by its security configuration, to this group
        # and to a stream named after the crawler.
        log_group = f"/aws-glue/crawlers-role/{role.role_name}-{config_name}"
        log_group_arn = stack.format_arn(
            service="logs", resource="log-group", resource_name=log_group, arn_format=ArnFormat.COLON_RESOURCE_NAME
        )
        self._grant_crawler(role, log_group_arn, f"{log_group_arn}:log-stream:{crawler_name}")
        self._allow_logs_to_use_key(log_group_arn)
        self.crawler = glue.CfnCrawler(
            self,
            "Crawler",
            name=crawler_name,
            role=role.role_arn,
            database_name=self.database_name,
            table_prefix="raw_",
            crawler_security_configuration=config_name,
            schedule=glue.CfnCrawler.ScheduleProperty(schedule_expression=schedule) if schedule else None,
            targets=glue.CfnCrawler.TargetsProperty(
                s3_targets=[glue.CfnCrawler.S3TargetProperty(path=self.raw_bucket.s3_url_for_object())]
            ),
            schema_change_policy=glue.CfnCrawler.SchemaChangePolicyProperty(
                update_behavior="UPDATE_IN_DATABASE", delete_behavior="DEPRECATE_IN_DATABASE"
            ),
        )
        self.crawler.node.add_dependency(self.database, self.crawler_security_configuration)
        self.crawler.node.add_dependency(role.policy)

    def _grant_crawler(self, role: ManagedPolicyRole, log_group_arn: str, log_stream_arn: str) -> None:
        """Read raw; the database's tables and partitions; its own log group and stream; the key."""
        stack = Stack.of(self)
        grant_bucket_read(role, self.raw_bucket)
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=[*GLUE_TABLE_READ, *CRAWLER_TABLE_WRITE],
                resources=[
                    stack.format_arn(service="glue", resource="catalog"),
                    stack.format_arn(service="glue", resource="database", resource_name=self.database_name),
                    stack.format_arn(service="glue", resource="table", resource_name=f"{self.database_name}/*"),
                ],
            )
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(actions=list(CRAWLER_LOG_GROUP_ACTIONS), resources=[log_group_arn, log_stream_arn])
        )
        grant_key(role, self.encryption_key, KMS_ENCRYPT_DECRYPT)

    def _allow_logs_to_use_key(self, log_group_arn: str) -> None:
        """CloudWatch Logs encrypts the crawler's log group with the lake's key."""
        statement = iam.PolicyStatement(
            sid="AllowCloudWatchLogsForTheCrawlerLogGroup",
            principals=[iam.ServicePrincipal(f"logs.{Stack.of(self).region}.{Aws.URL_SUFFIX}")],
            actions=list(KMS_ENCRYPT_DECRYPT),
            resources=["*"],
            conditions={"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": log_group_arn}},
        )
        if not self.encryption_key.add_to_resource_policy(statement).statement_added:
            Annotations.of(self).add_warning_v2(
                "cdk-emr:crawlerLogKeyPolicy",
                "The data lake's KMS key is imported, so its key policy cannot be changed here: let "
                "logs.<region>.amazonaws.com use it for the crawler's log group (/aws-glue/crawlers-role/...), "
                "or the crawler cannot write its encrypted logs.",
            )
