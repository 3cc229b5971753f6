"""EmrDataLake: secure buckets, the Glue database and crawler, and least-privilege grants."""

from __future__ import annotations

import json
import re
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_kms as kms
from aws_cdk.assertions import Annotations, Match, Template
from blueprint_helpers import SynthesizedBlueprints, as_list, grants, statements

from cdk_emr import EmrCluster
from cdk_emr.datalake import EmrDataLake
from tests import sourced_actions as sourced

SPARK_ETL = "CdkEmr-Blueprint-SparkEtl"
INTERACTIVE = "CdkEmr-Blueprint-InteractiveAnalytics"
STREAMING = "CdkEmr-Blueprint-Streaming"
REGION_ACCOUNT = "us-east-1:123456789012"
CLUSTER_GLUE_ACTIONS = {
    "glue:GetDatabase",
    "glue:GetDatabases",
    "glue:CreateDatabase",
    "glue:GetTable",
    "glue:GetTables",
    "glue:CreateTable",
    "glue:UpdateTable",
    "glue:DeleteTable",
    "glue:GetPartition",
    "glue:GetPartitions",
    "glue:BatchGetPartition",
    "glue:CreatePartition",
    "glue:BatchCreatePartition",
    "glue:UpdatePartition",
    "glue:DeletePartition",
    "glue:BatchDeletePartition",
    "glue:GetUserDefinedFunction",
    "glue:GetUserDefinedFunctions",
}


def compact(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def logical_id(template: dict[str, Any], prefix: str, resource_type: str) -> str:
    [found] = [k for k, v in template["Resources"].items() if k.startswith(prefix) and v["Type"] == resource_type]
    return found


def bucket_arns(template: dict[str, Any], prefix: str) -> tuple[str, str]:
    """The bucket's ARN and its objects' ARN (``<arn>/*``) as compact JSON."""
    bucket = logical_id(template, prefix, "AWS::S3::Bucket")
    arn = {"Fn::GetAtt": [bucket, "Arn"]}
    return compact(arn), compact({"Fn::Join": ["", [arn, "/*"]]})


# cdk.json enables @aws-cdk/core:enablePartitionLiterals: in us-east-1 the partition is the literal "aws".
PARTITION = "aws"


def glue_arn(resource: str) -> str:
    return compact(f"arn:{PARTITION}:glue:{REGION_ACCOUNT}:{resource}")


def pairs(actions: Any, resources: list[str]) -> set[tuple[str, str]]:
    """``(action, resource)`` for each action (a name, or a sourced ``(action, operation)`` pair) and resource."""
    return {(a if isinstance(a, str) else a[0], r) for a in actions for r in resources}


def read_pairs(template: dict[str, Any], prefix: str) -> set[tuple[str, str]]:
    bucket, objects = bucket_arns(template, prefix)
    return pairs(sourced.S3_BUCKET_READ, [bucket]) | pairs(sourced.S3_OBJECT_READ, [objects])


def write_pairs(template: dict[str, Any], prefix: str) -> set[tuple[str, str]]:
    return pairs(sourced.S3_OBJECT_WRITE, [bucket_arns(template, prefix)[1]])


def lake_pairs(granted: set[tuple[str, str]], template: dict[str, Any]) -> set[tuple[str, str]]:
    """The granted pairs that concern the data lake's buckets or the Glue catalog."""
    lake = [logical_id(template, p, "AWS::S3::Bucket") for p in ("DataLakeRaw", "DataLakeCurated")]
    return {(a, r) for a, r in granted if any(f'"{b}"' in r for b in lake) or ":glue:" in r}


# ----- grants of the cluster (least privilege) --------------------------------------------------


def test_cluster_reads_raw_writes_curated_and_uses_only_its_database(blueprints: SynthesizedBlueprints) -> None:
    template = blueprints.template(SPARK_ETL)
    database = "cdk_emr_spark_etl"
    expected = (
        read_pairs(template, "DataLakeRaw")
        | read_pairs(template, "DataLakeCurated")
        | write_pairs(template, "DataLakeCurated")
        | pairs(
            CLUSTER_GLUE_ACTIONS,
            [
                glue_arn("catalog"),
                glue_arn(f"database/{database}"),
                glue_arn(f"table/{database}/*"),
                glue_arn(f"userDefinedFunction/{database}/*"),
            ],
        )
        | pairs(["glue:GetDatabase"], [glue_arn("database/default")])
    )
    assert lake_pairs(grants(template, "ClusterInstanceRolePolicy"), template) == expected


@pytest.mark.parametrize("stack", [SPARK_ETL, INTERACTIVE, STREAMING])
def test_no_policy_of_a_blueprint_has_a_wildcard_action_or_resource(blueprints: SynthesizedBlueprints, stack: str) -> None:
    for statement in statements(blueprints.template(stack), ""):
        assert not any("*" in action for action in as_list(statement["Action"])), statement
        assert "*" not in as_list(statement["Resource"]), statement


def test_the_streaming_cluster_may_only_consume_its_stream(blueprints: SynthesizedBlueprints) -> None:
    template = blueprints.template(STREAMING)
    stream = logical_id(template, "Events", "AWS::Kinesis::Stream")
    granted = grants(template, "ClusterInstanceRolePolicy")
    kinesis = {(a, r) for a, r in granted if a.startswith("kinesis:")}
    assert kinesis == pairs(sourced.KINESIS_READ, [compact({"Fn::GetAtt": [stream, "Arn"]})])


# ----- the crawler -----------------------------------------------------------------------------


def test_crawler_role_reads_raw_catalogs_its_database_and_logs_to_its_own_stream(blueprints: SynthesizedBlueprints) -> None:
    template = blueprints.template(INTERACTIVE)
    database = "cdk_emr_interactive_analytics"
    [crawler] = blueprints.resources(INTERACTIVE, "AWS::Glue::Crawler").values()
    [security] = blueprints.resources(INTERACTIVE, "AWS::Glue::SecurityConfiguration").values()
    role = logical_id(template, "DataLakeCrawlerRole", "AWS::IAM::Role")
    key = logical_id(template, "Key", "AWS::KMS::Key")
    log_group_arn = {
        "Fn::Join": [
            "",
            [
                f"arn:{PARTITION}:logs:{REGION_ACCOUNT}:log-group:/aws-glue/crawlers-role/",
                {"Ref": role},
                f"-{security['Properties']['Name']}",
            ],
        ]
    }
    log_stream_arn = {
        "Fn::Join": [
            "",
            [
                f"arn:{PARTITION}:logs:{REGION_ACCOUNT}:log-group:/aws-glue/crawlers-role/",
                {"Ref": role},
                f"-{security['Properties']['Name']}:log-stream:{crawler['Properties']['Name']}",
            ],
        ]
    }
    expected = (
        read_pairs(template, "DataLakeRaw")
        | pairs(sourced.KMS_ENCRYPT_DECRYPT, [compact({"Fn::GetAtt": [key, "Arn"]})])
        | pairs(
            sourced.GLUE_TABLE_READ + sourced.CRAWLER_TABLE_WRITE,
            [glue_arn("catalog"), glue_arn(f"database/{database}"), glue_arn(f"table/{database}/*")],
        )
        | pairs(sourced.CRAWLER_LOGS, [compact(log_group_arn), compact(log_stream_arn)])
    )
    assert grants(template, "DataLakeCrawlerRolePolicy") == expected
    trust = template["Resources"][role]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust == [
        {
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}},
            "Effect": "Allow",
            "Principal": {"Service": "glue.amazonaws.com"},
        }
    ]


def test_the_key_lets_cloudwatch_logs_encrypt_only_the_crawler_log_group(blueprints: SynthesizedBlueprints) -> None:
    template = blueprints.template(INTERACTIVE)
    key = logical_id(template, "Key", "AWS::KMS::Key")
    [statement] = [
        s
        for s in template["Resources"][key]["Properties"]["KeyPolicy"]["Statement"]
        if s.get("Sid") == "AllowCloudWatchLogsForTheCrawlerLogGroup"
    ]
    assert statement["Principal"] == {"Service": {"Fn::Join": ["", ["logs.us-east-1.", {"Ref": "AWS::URLSuffix"}]]}}
    condition = statement["Condition"]["ArnEquals"]["kms:EncryptionContext:aws:logs:arn"]
    assert "/aws-glue/crawlers-role/" in compact(condition)


# ----- EmrDataLake on its own ------------------------------------------------------------------


@pytest.fixture(scope="module")
def standalone() -> tuple[Template, cdk.Stack]:
    """A lake with its own key and access-log bucket, a scheduled crawler, and a cluster that may write raw."""
    stack = cdk.Stack(cdk.App(), "Lake", env=cdk.Environment(account="123456789012", region="us-east-1"))
    lake = EmrDataLake(stack, "Lake", database_name="sales", crawler=True, crawler_schedule="cron(0 1 * * ? *)")
    cluster = EmrCluster(stack, "Cluster")
    lake.grant_cluster(cluster, write_raw=True)
    return Template.from_stack(stack), stack


def test_buckets_are_encrypted_versioned_private_tls_only_logged_and_retained(standalone: tuple[Template, cdk.Stack]) -> None:
    template, _ = standalone
    data_buckets = template.find_resources(
        "AWS::S3::Bucket",
        {
            "Properties": {
                "BucketEncryption": {
                    "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]
                }
            }
        },
    )
    lake_buckets = {k: v for k, v in data_buckets.items() if k.startswith(("LakeRaw", "LakeCurated"))}
    assert len(lake_buckets) == 2
    for bucket in lake_buckets.values():
        props = bucket["Properties"]
        assert bucket["DeletionPolicy"] == "Retain"
        assert props["VersioningConfiguration"] == {"Status": "Enabled"}
        assert props["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        }
        assert "LakeAccessLogs" in compact(props["LoggingConfiguration"]["DestinationBucketName"])
    for policy in template.find_resources("AWS::S3::BucketPolicy").values():
        denies = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Deny"]
        assert any(s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for s in denies)
    template.resource_count_is("AWS::KMS::Key", 2)  # the lake's own key and the cluster's


def test_write_raw_adds_object_writes_on_raw(standalone: tuple[Template, cdk.Stack]) -> None:
    template, _ = standalone
    resolved = template.to_json()
    granted = grants(resolved, "ClusterInstanceRolePolicy")
    assert write_pairs(resolved, "LakeRaw") <= granted


def test_the_crawler_follows_its_schedule(standalone: tuple[Template, cdk.Stack]) -> None:
    template, _ = standalone
    template.has_resource_properties(
        "AWS::Glue::Crawler", {"DatabaseName": "sales", "Schedule": {"ScheduleExpression": "cron(0 1 * * ? *)"}}
    )
    template.has_resource_properties("AWS::Glue::Database", {"DatabaseInput": Match.object_like({"Name": "sales"})})


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"database_name": "Sales-DB"}, "database_name='Sales-DB'"),
        ({"database_name": ""}, "database_name=''"),
        (
            {"database_name": "ok", "crawler_schedule": "cron(0 1 * * ? *)"},
            "crawler_schedule='cron(0 1 * * ? *)': a schedule for the crawler",
        ),
        # AWS::Glue::Crawler Schedule: a cron expression, "cron(15 12 * * ? *)" (CloudFormation schema in cfn-lint)
        (
            {"database_name": "ok", "crawler": True, "crawler_schedule": "rate(1 day)"},
            "crawler_schedule='rate(1 day)': a Glue cron",
        ),
        (
            {"database_name": "ok", "crawler": True, "crawler_schedule": "0 1 * * ? *"},
            "crawler_schedule='0 1 * * ? *': a Glue cron",
        ),
    ],
)
def test_invalid_settings_are_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        EmrDataLake(cdk.Stack(cdk.App(), "S"), "Lake", **kwargs)


def test_an_imported_key_gets_a_warning_about_the_crawler_log_group() -> None:
    stack = cdk.Stack(cdk.App(), "S", env=cdk.Environment(account="123456789012", region="us-east-1"))
    key = kms.Key.from_key_arn(stack, "Key", "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555")
    EmrDataLake(stack, "Lake", database_name="imported", encryption_key=key, crawler=True)
    warnings = Annotations.from_stack(stack).find_warning("*", Match.string_like_regexp("crawler's log group"))
    assert len(warnings) == 1


def test_grants_name_kms_actions_for_reading_raw(blueprints: SynthesizedBlueprints) -> None:
    """Reading needs only decrypt; the cluster's own key grant covers writes to curated."""
    template = blueprints.template(SPARK_ETL)
    key = compact({"Fn::GetAtt": [logical_id(template, "Key", "AWS::KMS::Key"), "Arn"]})
    granted = grants(template, "ClusterInstanceRolePolicy")
    assert pairs(sourced.KMS_DECRYPT, [key]) <= granted
