"""The security findings of issue #17, fixed: who may do what on which Glue database, logs the
nodes cannot delete, grant management only for AWS resources, source conditions on every
service-principal statement, endpoint policies, and the TLS bundle's lifecycle.

Expected values are written out by hand from AWS's documentation, cited per section, never
taken from the constructs' constants.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Annotations, Match, Template

from cdk_emr import EmrCluster, EmrMonitoring, EmrValidationError, GlueAccess
from cdk_emr.encryption import create_emr_key
from cdk_emr.grants import grant_glue_databases
from cdk_emr.network import EmrNetwork
from cdk_emr.security import GeneratedTlsCertificates
from cdk_emr.security.certificates import HANDLER_DIR

ACCOUNT, REGION = "111122223333", "eu-west-1"
ENV = cdk.Environment(account=ACCOUNT, region=REGION)
# As the app's cdk.json: ARNs of a stack in a known region carry the literal partition.
CONTEXT = {"@aws-cdk/core:enablePartitionLiterals": True}
NODE = shutil.which("node")


def glue(resource: str) -> str:
    return f"arn:aws:glue:{REGION}:{ACCOUNT}:{resource}"


# Glue Developer Guide, "Specifying AWS Glue resource ARNs": a table call is authorized on the
# catalog, the database and the table; functions are userDefinedFunction/<database>/<name>.
def database_arns(name: str) -> list[str]:
    return [glue("catalog"), glue(f"database/{name}"), glue(f"table/{name}/*"), glue(f"userDefinedFunction/{name}/*")]


# What Hive's and Spark's Glue metastore client call (Glue API reference, "Catalog objects"):
# reading the catalog, and changing tables and partitions.
GLUE_READ = {
    "glue:GetDatabase",
    "glue:GetDatabases",
    "glue:GetTable",
    "glue:GetTables",
    "glue:GetPartition",
    "glue:GetPartitions",
    "glue:BatchGetPartition",
    "glue:GetUserDefinedFunction",
    "glue:GetUserDefinedFunctions",
}
GLUE_WRITE = {
    "glue:CreateDatabase",
    "glue:CreateTable",
    "glue:UpdateTable",
    "glue:DeleteTable",
    "glue:CreatePartition",
    "glue:BatchCreatePartition",
    "glue:UpdatePartition",
    "glue:DeletePartition",
    "glue:BatchDeletePartition",
}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


class Synth:
    """One synthesized stack with its template as a dict."""

    def __init__(self, stack: cdk.Stack) -> None:
        self.stack = stack
        self.template = Template.from_stack(stack)
        self.json = self.template.to_json()

    def resources(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.json["Resources"].items() if v["Type"] == resource_type}

    def logical_id(self, construct: Any) -> str:
        return self.stack.resolve(construct.node.default_child.logical_id)  # type: ignore[no-any-return]

    def policy_pairs(self, policy_prefix: str) -> set[tuple[str, str]]:
        """(action, resource) pairs of the managed policies whose logical id starts with the prefix."""
        pairs: set[tuple[str, str]] = set()
        for name, policy in self.resources("AWS::IAM::ManagedPolicy").items():
            if not name.startswith(policy_prefix):
                continue
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
                for action in as_list(statement["Action"]):
                    for resource in as_list(statement["Resource"]):
                        pairs.add((action, json.dumps(resource, sort_keys=True) if not isinstance(resource, str) else resource))
        return pairs

    def statements(self, policy_prefix: str) -> list[dict[str, Any]]:
        found = []
        for name, policy in self.resources("AWS::IAM::ManagedPolicy").items():
            if name.startswith(policy_prefix):
                found += policy["Properties"]["PolicyDocument"]["Statement"]
        return found


@pytest.fixture(scope="module")
def platform() -> Synth:
    """A cluster with interface endpoints, Glue grants, monitoring, a team role and a TLS bundle."""
    stack = cdk.Stack(cdk.App(context=CONTEXT), "Hardened", env=ENV)
    cluster = EmrCluster(stack, "Cluster", interface_endpoints=True)
    cluster.grant_glue_catalog(database_names=["default"])
    cluster.grant_glue_catalog(database_names=["sales"], access=GlueAccess.READ_WRITE)
    team = iam.Role(stack, "TeamRole", assumed_by=iam.AccountRootPrincipal())
    grant_glue_databases(team, database_names=["marketing"], access=GlueAccess.READ_WRITE)
    EmrMonitoring(stack, "Monitoring", cluster=cluster, auto_termination_enabled=True)
    key = create_emr_key(stack, "TlsKey")
    bucket = s3.Bucket(stack, "Certificates", encryption_key=key, versioned=True, enforce_ssl=True)
    GeneratedTlsCertificates(stack, "Tls", bucket=bucket, validity_days=90)
    return Synth(stack)


# ----- 1. Glue: access by database, no write on default --------------------------------------


def test_instance_role_reads_default_and_owns_only_its_database(platform: Synth) -> None:
    glue_pairs = {(a, r) for a, r in platform.policy_pairs("ClusterInstanceRolePolicy") if a.startswith("glue:")}
    expected = {(a, r) for a in GLUE_READ for r in database_arns("default")} | {
        (a, r) for a in GLUE_READ | GLUE_WRITE for r in database_arns("sales")
    }
    assert glue_pairs == expected


def test_no_role_may_change_or_delete_anything_in_default(platform: Synth) -> None:
    default = set(database_arns("default")[1:])  # the catalog ARN alone names no database
    for policy in platform.resources("AWS::IAM::ManagedPolicy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            writes = set(as_list(statement["Action"])) & GLUE_WRITE
            assert not (writes and default & set(as_list(statement["Resource"]))), statement
    for policy in platform.resources("AWS::IAM::Policy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            assert not (set(as_list(statement["Action"])) & GLUE_WRITE and default & set(as_list(statement["Resource"])))


def test_a_team_role_owns_its_database_and_the_cluster_cannot_touch_it(platform: Synth) -> None:
    [policy] = [p for n, p in platform.resources("AWS::IAM::Policy").items() if n.startswith("TeamRole")]
    pairs = {
        (a, r)
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        for a in as_list(s["Action"])
        for r in as_list(s["Resource"])
    }
    assert pairs == {(a, r) for a in GLUE_READ | GLUE_WRITE for r in database_arns("marketing")}
    instance = platform.policy_pairs("ClusterInstanceRolePolicy")
    assert not {r for _, r in instance} & set(database_arns("marketing")[1:])


@pytest.mark.parametrize("names", [["default"], ["*"], ["sales", "default"]])
def test_write_access_to_a_shared_database_is_refused(names: list[str]) -> None:
    stack = cdk.Stack(cdk.App(context=CONTEXT), "Refused", env=ENV)
    cluster = EmrCluster(stack, "Cluster")
    with pytest.raises(EmrValidationError) as raised:
        cluster.grant_glue_catalog(database_names=names, access=GlueAccess.READ_WRITE)
    shared = [i for i, n in enumerate(names) if n in ("default", "*")]
    assert [v.property for v in raised.value.violations] == [f"database_names[{i}]" for i in shared]
    assert "GlueAccess.READ" in str(raised.value)


def test_a_grantee_that_is_no_construct_needs_a_scope() -> None:
    with pytest.raises(EmrValidationError, match="scope=None: a construct"):
        grant_glue_databases(iam.AccountRootPrincipal(), database_names=["sales"])


# ----- 5. logs the nodes cannot delete; grants only for AWS resources --------------------------

# EMR Management Guide, "Sample policies for private subnets that access Amazon S3": logging
# needs s3:Put* on the log bucket; nothing reads or deletes there.


def test_instance_role_may_only_upload_to_the_log_prefix(platform: Synth) -> None:
    [bucket] = [n for n in platform.resources("AWS::S3::Bucket") if n.startswith("ClusterLogsBucket")]
    log_objects = json.dumps({"Fn::Join": ["", [{"Fn::GetAtt": [bucket, "Arn"]}, "/emr-logs/*"]]}, sort_keys=True)
    on_logs = {a for a, r in platform.policy_pairs("ClusterInstanceRolePolicy") if r == log_objects}
    assert on_logs == {"s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"}
    assert not any(a == "s3:DeleteObject" and bucket in r for a, r in platform.policy_pairs("ClusterInstanceRolePolicy"))


def test_grant_management_only_for_aws_resources(platform: Synth) -> None:
    """KMS Developer Guide, default key policy ("Allows key users to use the KMS key with AWS
    services"): CreateGrant, ListGrants and RevokeGrant with Bool kms:GrantIsForAWSResource true."""
    grant_actions = {"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"}
    seen = set()
    for policy in platform.resources("AWS::IAM::ManagedPolicy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            actions = set(as_list(statement["Action"]))
            if actions & grant_actions:
                assert statement.get("Condition") == {"Bool": {"kms:GrantIsForAWSResource": True}}, statement
                seen |= actions & grant_actions
    service = {a for a, _ in platform.policy_pairs("ClusterServiceRolePolicy")}
    assert grant_actions <= service and seen == grant_actions


def test_visible_to_all_users_stays_true(platform: Synth) -> None:
    """EMR API reference, RunJobFlow: VisibleToAllUsers "is no longer supported ... Setting it to
    false now has no effect"; access is governed by IAM (see EmrCluster's docstring)."""
    [cluster] = platform.resources("AWS::EMR::Cluster").values()
    assert cluster["Properties"]["VisibleToAllUsers"] is True


# ----- 3. source conditions on every service-principal statement -------------------------------

# IAM User Guide, "The confused deputy problem": aws:SourceArn / aws:SourceAccount. CloudWatch Logs'
# key policy is bound by kms:EncryptionContext:aws:logs:arn instead (CloudWatch Logs User Guide,
# "Encrypt log data in CloudWatch Logs using AWS KMS").
SOURCE_KEYS = {"aws:SourceAccount", "aws:SourceArn", "kms:EncryptionContext:aws:logs:arn"}


def policy_documents(synth: Synth) -> list[tuple[str, dict[str, Any]]]:
    """Every resource policy of the template (not the roles' trust policies)."""
    documents = []
    for name, resource in synth.json["Resources"].items():
        props = resource.get("Properties", {})
        for key in ("PolicyDocument", "KeyPolicy"):
            if key in props and resource["Type"] not in ("AWS::IAM::ManagedPolicy", "AWS::IAM::Policy"):
                documents.append((name, props[key]))
    return documents


def test_every_service_principal_statement_names_its_source(platform: Synth) -> None:
    checked = []
    for name, document in policy_documents(platform):
        for statement in document["Statement"]:
            principal = statement.get("Principal", {})
            if statement["Effect"] != "Allow" or not isinstance(principal, dict) or "Service" not in principal:
                continue
            keys = {k for condition in statement.get("Condition", {}).values() for k in condition}
            assert keys & SOURCE_KEYS, (name, statement)
            service = principal["Service"]
            checked.append(service if isinstance(service, str) else "logs.<region>.amazonaws.com")
    # the flow-log key, the access-log bucket, the topic and its key (alarms and rules each), the TLS log key
    assert sorted(checked) == sorted(
        [
            "delivery.logs.amazonaws.com",
            "logging.s3.amazonaws.com",
            "cloudwatch.amazonaws.com",
            "events.amazonaws.com",
            "cloudwatch.amazonaws.com",
            "events.amazonaws.com",
            "logs.<region>.amazonaws.com",
        ]
    )


def test_flow_log_delivery_may_use_the_key_for_this_accounts_logs_only(platform: Synth) -> None:
    """VPC User Guide, flow logs to Amazon S3 with SSE-KMS: the key policy's statement for
    delivery.logs.amazonaws.com, limited by aws:SourceAccount and aws:SourceArn."""
    [key] = [k for n, k in platform.resources("AWS::KMS::Key").items() if n.startswith("ClusterKey")]
    [statement] = [
        s for s in key["Properties"]["KeyPolicy"]["Statement"] if s.get("Principal") == {"Service": "delivery.logs.amazonaws.com"}
    ]
    assert statement["Condition"] == {
        "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
        "ArnLike": {
            "aws:SourceArn": {
                "Fn::Join": [
                    "",
                    ["arn:", {"Ref": "AWS::Partition"}, ":logs:", {"Ref": "AWS::Region"}, ":", {"Ref": "AWS::AccountId"}, ":*"],
                ]
            }
        },
    }


def test_topic_policy_names_the_rules_and_the_alarms_of_this_account(platform: Synth) -> None:
    rules = sorted(platform.resources("AWS::Events::Rule"))
    [policy] = platform.resources("AWS::SNS::TopicPolicy").values()
    statements = {s.get("Sid"): s for s in policy["Properties"]["PolicyDocument"]["Statement"]}
    events = statements["AllowEventBridgeToPublish"]
    assert events["Principal"] == {"Service": "events.amazonaws.com"} and events["Action"] == "sns:Publish"
    assert events["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT}
    assert sorted(a["Fn::GetAtt"][0] for a in events["Condition"]["ArnEquals"]["aws:SourceArn"]) == rules
    alarms = statements["AllowCloudWatchAlarmsToPublish"]
    assert alarms["Condition"] == {
        "ArnLike": {"aws:SourceArn": f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:*"},
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
    }


def test_topic_key_serves_alarms_and_rules_of_this_account_only(platform: Synth) -> None:
    [topic] = platform.resources("AWS::SNS::Topic").values()
    key_id = topic["Properties"]["KmsMasterKeyId"]["Fn::GetAtt"][0]
    statements = platform.json["Resources"][key_id]["Properties"]["KeyPolicy"]["Statement"]
    services = {
        s["Principal"]["Service"]: s for s in statements if isinstance(s.get("Principal"), dict) and "Service" in s["Principal"]
    }
    assert set(services) == {"cloudwatch.amazonaws.com", "events.amazonaws.com"}
    assert services["cloudwatch.amazonaws.com"]["Condition"]["ArnLike"] == {
        "aws:SourceArn": f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:*"
    }
    assert services["events.amazonaws.com"]["Condition"]["ArnLike"] == {
        "aws:SourceArn": f"arn:aws:events:{REGION}:{ACCOUNT}:rule/*"
    }
    for statement in services.values():
        assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT}
        assert sorted(statement["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey*"]


# ----- 4. endpoint policies ---------------------------------------------------------------------


def system_buckets(region: str, logs: str, instance_data: list[str]) -> list[dict[str, Any]]:
    """The statements the EMR Management Guide's "Sample policies for private subnets that access
    Amazon S3" lists, written out for ``region``, plus script-runner's ``<region>.elasticmapreduce``."""
    return [
        {
            "Sid": "AmazonLinuxRepositories",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "s3:GetObject",
            "Resource": [
                f"arn:aws:s3:::packages.{region}.amazonaws.com/*",
                f"arn:aws:s3:::repo.{region}.amazonaws.com/*",
                f"arn:aws:s3:::amazonlinux.{region}.amazonaws.com/*",
                f"arn:aws:s3:::amazonlinux-2-repos-{region}/*",
                f"arn:aws:s3:::al2023-repos-{region}-de612dc2/*",
            ],
        },
        {
            "Sid": "EmrRepositories",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "s3:GetObject",
            "Resource": [
                f"arn:aws:s3:::repo.{region}.emr.amazonaws.com/*",
                *[f"arn:aws:s3:::{b}/*" for b in instance_data],
                f"arn:aws:s3:::{region}.elasticmapreduce/*",
            ],
        },
        {
            "Sid": "EmrSystemLogs",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "s3:Put*",
            "Resource": f"arn:aws:s3:::{logs}/*",
        },
        {
            "Sid": "EmrApplicationHistory",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": ["s3:Put*", "s3:Get*", "s3:Create*", "s3:Abort*", "s3:List*"],
            "Resource": f"arn:aws:s3:::prod.{region}.appinfo.src/*",
        },
    ]


WITHOUT_DASHES = {"eu-west-1": "euwest1", "us-east-1": "useast1", "ap-southeast-2": "apsoutheast2"}


def account_buckets(account: str) -> dict[str, Any]:
    return {
        "Sid": "BucketsOfThisAccount",
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": "s3:*",
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:ResourceAccount": account}},
    }


def gateway_policy(synth: Synth) -> dict[str, Any] | None:
    [endpoint] = [
        e for e in synth.resources("AWS::EC2::VPCEndpoint").values() if e["Properties"].get("VpcEndpointType") != "Interface"
    ]
    return endpoint["Properties"].get("PolicyDocument")  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("region", "logs", "instance_data"),
    [
        (
            "eu-west-1",
            "aws157-logs-prod-eu-west-1",
            ["aws157-instance-data-0-prod-eu-west-1", "aws157-instance-data-1-prod-eu-west-1"],
        ),
        ("us-east-1", "aws157-logs-prod", ["aws157-instance-data-0-prod-us-east-1", "aws157-instance-data-1-prod-us-east-1"]),
        (
            "ap-southeast-2",
            "aws157-logs-prod-ap-southeast-2",
            ["aws157-instance-data-bucket-0-prod-ap-southeast-2", "aws157-instance-data-bucket-1-prod-ap-southeast-2"],
        ),
    ],
)
def test_s3_gateway_endpoint_reaches_this_accounts_buckets_and_what_emr_needs(
    region: str, logs: str, instance_data: list[str]
) -> None:
    stack = cdk.Stack(cdk.App(context=CONTEXT), "Network", env=cdk.Environment(account=ACCOUNT, region=region))
    EmrNetwork(stack, "Network", nat_gateways=0, max_azs=1)
    policy = gateway_policy(Synth(stack))
    # CloudFormation User Guide, "Setting up VPC endpoints for AWS CloudFormation": custom resources
    # in the VPC answer to cloudformation-custom-resource-response-<region without dashes>.
    responses = {
        "Sid": "CloudFormationResponses",
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": "s3:PutObject",
        "Resource": f"arn:aws:s3:::cloudformation-custom-resource-response-{WITHOUT_DASHES[region]}/*",
    }
    assert policy == {
        "Version": "2012-10-17",
        "Statement": [account_buckets(ACCOUNT), *system_buckets(region, logs, instance_data), responses],
    }


def test_buckets_of_other_accounts_are_added_by_name_and_the_policy_can_be_left_open() -> None:
    stack = cdk.Stack(cdk.App(context=CONTEXT), "Network", env=ENV)
    EmrNetwork(stack, "Partner", max_azs=1, s3_endpoint_bucket_names=["partner-data"])
    EmrNetwork(stack, "Open", max_azs=1, restrict_s3_endpoint=False)
    endpoints = {n: e["Properties"] for n, e in Synth(stack).resources("AWS::EC2::VPCEndpoint").items()}
    [partner] = [p for n, p in endpoints.items() if n.startswith("Partner")]
    assert partner["PolicyDocument"]["Statement"][-1] == {
        "Sid": "AdditionalBuckets",
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": "s3:*",
        "Resource": ["arn:aws:s3:::partner-data", "arn:aws:s3:::partner-data/*"],
    }
    [open_endpoint] = [p for n, p in endpoints.items() if n.startswith("Open")]
    assert "PolicyDocument" not in open_endpoint


def test_bad_bucket_names_for_the_endpoint_are_refused() -> None:
    stack = cdk.Stack(cdk.App(context=CONTEXT), "Network", env=ENV)
    with pytest.raises(EmrValidationError) as raised:
        EmrNetwork(stack, "Network", s3_endpoint_bucket_names=["s3://data", "Data_Lake", "ok-bucket"])
    assert [v.property for v in raised.value.violations] == ["s3_endpoint_bucket_names[0]", "s3_endpoint_bucket_names[1]"]
    with pytest.raises(EmrValidationError, match="s3_endpoint_bucket_names.*restrict_s3_endpoint=False"):
        EmrNetwork(stack, "Open", restrict_s3_endpoint=False, s3_endpoint_bucket_names=["partner-data"])


def test_every_interface_endpoint_serves_this_account_only(platform: Synth) -> None:
    """AWS PrivateLink Guide, "Control access to VPC endpoints using endpoint policies"."""
    interfaces = [
        e["Properties"]
        for e in platform.resources("AWS::EC2::VPCEndpoint").values()
        if e["Properties"].get("VpcEndpointType") == "Interface"
    ]
    assert len(interfaces) == 7  # EMR, STS, KMS, CloudWatch Logs and metrics, Secrets Manager, Glue
    for endpoint in interfaces:
        assert endpoint["PolicyDocument"] == {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "PrincipalsOfThisAccount",
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": "*",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}},
                }
            ],
        }


# ----- 2. the TLS bundle: its own prefix, expired, retired ---------------------------------------


def test_bundles_expire_with_their_certificate_and_retired_versions_after_a_week(platform: Synth) -> None:
    """S3 User Guide, "Lifecycle configuration elements": Expiration days make the current version
    noncurrent (a versioned bucket), NoncurrentVersionExpiration deletes it."""
    [bucket] = [b for n, b in platform.resources("AWS::S3::Bucket").items() if n.startswith("Certificates")]
    rules = bucket["Properties"]["LifecycleConfiguration"]["Rules"]
    assert [{k: v for k, v in r.items() if k != "Id"} for r in rules] == [
        {"Prefix": "emr-tls/", "ExpirationInDays": 90, "NoncurrentVersionExpiration": {"NoncurrentDays": 7}, "Status": "Enabled"}
    ]


def test_the_generator_may_write_and_retire_bundles_only_under_its_prefix(platform: Synth) -> None:
    [bucket] = [n for n in platform.resources("AWS::S3::Bucket") if n.startswith("Certificates")]
    pairs = {(a, r) for a, r in platform.policy_pairs("TlsRolePolicy") if a.startswith("s3:")}
    objects = json.dumps({"Fn::Join": ["", [{"Fn::GetAtt": [bucket, "Arn"]}, "/emr-tls/*"]]}, sort_keys=True)
    assert pairs == {("s3:PutObject", objects), ("s3:DeleteObject", objects)}
    [resource] = platform.resources("Custom::EmrTlsCertificates").values()
    assert "RetainOnDelete" not in resource["Properties"]  # retiring adds no property: upgrading regenerates nothing


def test_bundles_can_be_kept_until_they_expire() -> None:
    stack = cdk.Stack(cdk.App(context=CONTEXT), "Kept", env=ENV)
    bucket = s3.Bucket(stack, "Certificates", encryption_key=create_emr_key(stack, "Key"), versioned=True)
    GeneratedTlsCertificates(stack, "Tls", bucket=bucket, retire_superseded=False)
    synth = Synth(stack)
    [resource] = synth.resources("Custom::EmrTlsCertificates").values()
    assert resource["Properties"]["RetainOnDelete"] == "true"
    assert {a for a, _ in synth.policy_pairs("TlsRolePolicy") if a.startswith("s3:")} == {"s3:PutObject"}


def test_an_imported_bucket_gets_a_warning_naming_the_rule() -> None:
    stack = cdk.Stack(cdk.App(context=CONTEXT), "Imported", env=ENV)
    key = create_emr_key(stack, "Key")
    bucket = s3.Bucket.from_bucket_attributes(stack, "Corp", bucket_name="corp-certificates", encryption_key=key)
    certs = GeneratedTlsCertificates(stack, "Tls", bucket=bucket, validity_days=30)
    assert certs.lifecycle_rule is None
    Annotations.from_stack(stack).has_warning(
        "/Imported/Tls", Match.string_like_regexp("expire the objects under 'emr-tls/' after 30 days.*after 7 days")
    )


def test_retention_and_prefix_are_validated() -> None:
    stack = cdk.Stack(cdk.App(context=CONTEXT), "Bad", env=ENV)
    bucket = s3.Bucket(stack, "B", encryption_key=create_emr_key(stack, "Key"))
    with pytest.raises(EmrValidationError) as raised:
        GeneratedTlsCertificates(stack, "Tls", bucket=bucket, key_prefix="", superseded_retention=Duration.hours(12))
    assert {v.property for v in raised.value.violations} == {"key_prefix", "superseded_retention"}


HANDLER_DELETE = """
import { createHandler } from %(handler)s;
const deletes = [], responses = [];
const run = (deleteObject) => createHandler({
  putObject: async () => { throw new Error("no put on Delete"); },
  deleteObject,
  respond: async (url, body) => { responses.push(body); },
  log: () => {},
});
const ok = run(async (input) => { deletes.push(input); });
const props = { BucketName: "certs", KeyPrefix: "emr-tls/", KmsKeyArn: "k", CommonName: "*.ec2.internal",
                ValidityDays: "90", KeySize: "2048" };
const base = { StackId: "s", RequestId: "r", LogicalResourceId: "Tls", ResponseURL: "https://response", RequestType: "Delete" };
await ok({ ...base, PhysicalResourceId: "emr-tls/20261203T120000Z-0123456789ab.zip", ResourceProperties: props });
await ok({ ...base, PhysicalResourceId: "emr-logs/j-1/node.zip", ResourceProperties: props });
await ok({ ...base, PhysicalResourceId: "failed-r", ResourceProperties: props });
await ok({ ...base, PhysicalResourceId: "emr-tls/20261203T120000Z-0123456789ab.zip", ResourceProperties: { ...props, RetainOnDelete: "true" } });
await run(async () => { const e = new Error("denied"); e.name = "AccessDenied"; throw e; })(
  { ...base, PhysicalResourceId: "emr-tls/20261203T120000Z-0123456789ab.zip", ResourceProperties: props });
process.stdout.write(JSON.stringify({ deletes, responses }));
"""


def test_delete_retires_only_the_bundle_it_wrote_and_never_fails_the_stack(tmp_path: Path) -> None:
    if NODE is None:
        pytest.skip("node is not installed")
    script = tmp_path / "delete.mjs"
    script.write_text(HANDLER_DELETE % {"handler": json.dumps((HANDLER_DIR / "index.mjs").as_uri())})
    out = json.loads(subprocess.run([NODE, str(script)], capture_output=True, text=True, timeout=60, check=True).stdout)
    assert out["deletes"] == [{"Bucket": "certs", "Key": "emr-tls/20261203T120000Z-0123456789ab.zip"}]
    assert [r["Status"] for r in out["responses"]] == ["SUCCESS"] * 5
    assert out["responses"][0]["Data"] == {"Retired": "emr-tls/20261203T120000Z-0123456789ab.zip"}
    assert [r.get("Data") for r in out["responses"][1:4]] == [None, None, None]
    assert out["responses"][4]["Data"] == {"RetireFailed": "emr-tls/20261203T120000Z-0123456789ab.zip: AccessDenied: denied"}


# ----- 4. egress restricted to the cluster, the endpoints and S3 --------------------------------

PREFIX_LIST_LOOKUP = (
    "cc-api-provider:account=111122223333:expectedMatchCount=exactly-one:propertiesToReturn.0=PrefixListId:"
    "propertyMatch.PrefixListName=com.amazonaws.eu-west-1.s3:region=eu-west-1:typeName=AWS$:$:EC2$:$:PrefixList"
)
S3_PREFIX_LIST = "pl-0a1b2c3d4e5f60718"  # what the lookup of com.amazonaws.eu-west-1.s3 answered (cdk.context.json)


@pytest.fixture(scope="module")
def egress() -> Synth:
    stack = cdk.Stack(cdk.App(context={**CONTEXT, PREFIX_LIST_LOOKUP: [{"PrefixListId": S3_PREFIX_LIST}]}), "Egress", env=ENV)
    EmrCluster(stack, "Cluster", nat_gateways=0, restrict_egress=True)
    return Synth(stack)


def test_restricted_groups_lose_the_open_outbound_rule(egress: Synth) -> None:
    groups = {n: g["Properties"] for n, g in egress.resources("AWS::EC2::SecurityGroup").items() if "SecurityGroups" in n}
    for name, group in groups.items():
        for rule in group.get("SecurityGroupEgress", []):
            assert rule.get("CidrIp") != "0.0.0.0/0", (name, rule)


def test_egress_goes_to_the_cluster_the_service_access_group_the_vpc_and_s3_only(egress: Synth) -> None:
    """EMR Management Guide, "Working with Amazon EMR-managed security groups": EMR adds inbound
    rules only; without the default outbound rule the primary group needs TCP 9443 (and 443 for
    8.0.0+) to the service-access group. Interface endpoints answer HTTPS in the VPC; S3 is
    reached through the gateway endpoint's prefix list."""
    ids = {
        role: next(n for n in egress.resources("AWS::EC2::SecurityGroup") if n.startswith(f"ClusterSecurityGroups{role}"))
        for role in ("Primary", "Core", "ServiceAccess")
    }
    [vpc] = egress.resources("AWS::EC2::VPC")
    found = set()
    for rule in egress.resources("AWS::EC2::SecurityGroupEgress").values():
        p = rule["Properties"]
        source = p["GroupId"]["Fn::GetAtt"][0]
        if "DestinationSecurityGroupId" in p:
            target = p["DestinationSecurityGroupId"]["Fn::GetAtt"][0]
        elif "DestinationPrefixListId" in p:
            target = p["DestinationPrefixListId"]
        else:
            target = json.dumps(p["CidrIp"])
        found.add((source, p["IpProtocol"], p.get("FromPort"), p.get("ToPort"), target))
    primary, core, access = ids["Primary"], ids["Core"], ids["ServiceAccess"]
    vpc_range = json.dumps({"Fn::GetAtt": [vpc, "CidrBlock"]})
    assert found == {
        (primary, "-1", None, None, primary),
        (primary, "-1", None, None, core),
        (core, "-1", None, None, primary),
        (core, "-1", None, None, core),
        (primary, "tcp", 443, 443, vpc_range),
        (core, "tcp", 443, 443, vpc_range),
        (primary, "tcp", 443, 443, S3_PREFIX_LIST),
        (core, "tcp", 443, 443, S3_PREFIX_LIST),
        (primary, "tcp", 9443, 9443, access),
        (primary, "tcp", 443, 443, access),
    }


def test_the_cluster_waits_for_its_egress_rules(egress: Synth) -> None:
    [cluster] = egress.resources("AWS::EMR::Cluster").values()
    rules = set(egress.resources("AWS::EC2::SecurityGroupEgress"))
    assert rules <= set(cluster["DependsOn"])


def test_restricted_egress_needs_groups_of_its_own_and_a_known_region() -> None:
    from aws_cdk import aws_ec2 as ec2

    from cdk_emr import ExistingSecurityGroups

    stack = cdk.Stack(cdk.App(context=CONTEXT), "Brought", env=ENV)
    vpc = ec2.Vpc(stack, "Vpc", max_azs=1)
    brought = ExistingSecurityGroups(**{r: ec2.SecurityGroup(stack, r, vpc=vpc) for r in ("primary", "core", "service_access")})
    with pytest.raises(EmrValidationError) as raised:
        EmrCluster(stack, "Cluster", vpc=vpc, existing_security_groups=brought, restrict_egress=True)
    assert "restrict_egress" in [v.property for v in raised.value.violations]
    agnostic = cdk.Stack(cdk.App(), "Agnostic")
    with pytest.raises(EmrValidationError) as raised:
        EmrCluster(agnostic, "Cluster", restrict_egress=True)
    assert [v.property for v in raised.value.violations] == ["s3_prefix_list"]
    imported = ec2.Vpc.from_vpc_attributes(
        stack, "Imported", vpc_id="vpc-0a1b2c3d4e5f60718", availability_zones=["eu-west-1a"], private_subnet_ids=["subnet-1"]
    )
    with pytest.raises(EmrValidationError) as raised:
        EmrCluster(
            stack,
            "NoCidr",
            vpc=imported,
            restrict_egress=True,
            s3_prefix_list=ec2.PrefixList.from_prefix_list_id(stack, "Pl", S3_PREFIX_LIST),
        )
    assert [v.property for v in raised.value.violations] == ["vpc"]
    given = ec2.PrefixList.from_prefix_list_id(agnostic, "S3", S3_PREFIX_LIST)
    EmrCluster(agnostic, "Given", restrict_egress=True, s3_prefix_list=given)  # a prefix list given: no lookup


def test_a_stack_without_a_region_names_the_response_bucket_at_deploy_time() -> None:
    stack = cdk.Stack(cdk.App(context=CONTEXT), "Agnostic")
    EmrNetwork(stack, "Network", max_azs=1)
    [responses] = [s for s in gateway_policy(Synth(stack))["Statement"] if s["Sid"] == "CloudFormationResponses"]  # type: ignore[index]
    region_without_dashes = {"Fn::Join": ["", {"Fn::Split": ["-", {"Ref": "AWS::Region"}]}]}
    assert responses["Resource"] == {
        "Fn::Join": [
            "",
            ["arn:", {"Ref": "AWS::Partition"}, ":s3:::cloudformation-custom-resource-response-", region_without_dashes, "/*"],
        ]
    }
