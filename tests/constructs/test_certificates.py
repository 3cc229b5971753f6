"""GeneratedTlsCertificates: the custom resource, its function's least privilege and compliance,
no key material in cdk.out, and the handler itself (run with node against fakes)."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtensionOID, NameOID

from cdk_emr.compliance import acknowledge
from cdk_emr.encryption import create_emr_key
from cdk_emr.iam import ManagedPolicyRole
from cdk_emr.network import EmrNetwork
from cdk_emr.security import EmrSecurityConfiguration, GeneratedTlsCertificates
from cdk_emr.security.certificates import HANDLER_DIR, RESOURCE_TYPE
from cdk_emr.storage import access_logs_bucket, secure_bucket, use_bucket_policy_for_access_logs

ENV = cdk.Environment(account="123456789012", region="us-east-1")
PRIVATE_KEY = re.compile(rb"-----BEGIN [A-Z ]*PRIVATE KEY-----")
PEM_FILES = ["privateKey.pem", "certificateChain.pem", "trustedCertificates.pem"]
NODE = shutil.which("node")


@dataclass(frozen=True)
class Synthesized:
    outdir: Path
    template: dict[str, Any]
    reports: list[dict[str, Any]]

    def resources(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.template["Resources"].items() if v["Type"] == resource_type}

    def one(self, resource_type: str, containing: str = "") -> tuple[str, dict[str, Any]]:
        found = [(k, v) for k, v in self.resources(resource_type).items() if containing in k]
        assert len(found) == 1, found
        return found[0]


def synth(outdir: Path, build: Any) -> Synthesized:
    """Synthesize one stack under the app's three nag packs."""
    app = cdk.App(outdir=str(outdir))
    stack = cdk.Stack(app, "Tls", env=ENV)
    build(stack)
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app), HIPAASecurityChecks(app), NIST80053R5Checks(app))
    try:
        app.synth()
    except Exception as error:  # ValidationFailed: the report says what
        assert "ValidationFailed" in str(error), error
    template = json.loads((outdir / "Tls.template.json").read_text())
    reports = json.loads((outdir / "validation-report.json").read_text())["pluginReports"]
    return Synthesized(outdir, template, reports)


def data_bucket(stack: cdk.Stack) -> s3.Bucket:
    """A data bucket as the app makes it: SSE-KMS with the platform key, access-logged."""
    use_bucket_policy_for_access_logs(stack)
    key = create_emr_key(stack, "Key", description="platform key")
    logs = access_logs_bucket(stack, "AccessLogs")
    bucket = secure_bucket(stack, "Data", encryption_key=key, server_access_logs_bucket=logs, server_access_logs_prefix="data/")
    for single_region in (logs, bucket):
        for pack in ("HIPAA.Security", "NIST.800.53.R5"):
            acknowledge(single_region, f"{pack}::{pack}-S3BucketReplicationEnabled", "Test buckets stay in one region.")
    return bucket


@pytest.fixture(scope="module")
def default(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    def build(stack: cdk.Stack) -> None:
        certs = GeneratedTlsCertificates(stack, "Certs", bucket=data_bucket(stack))
        EmrSecurityConfiguration(
            stack, "SecurityConfiguration", encryption_key=certs.encryption_key, tls_certificates=certs.certificates
        )
        certs.grant_read(ManagedPolicyRole(stack, "Reader", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com")))

    return synth(tmp_path_factory.mktemp("tls-default"), build)


@pytest.fixture(scope="module")
def in_vpc(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    def build(stack: cdk.Stack) -> None:
        bucket = data_bucket(stack)
        network = EmrNetwork(stack, "Network", flow_logs_bucket=bucket)
        GeneratedTlsCertificates(stack, "Certs", bucket=bucket, vpc=network.vpc, reserved_concurrency=None)

    return synth(tmp_path_factory.mktemp("tls-vpc"), build)


# ----- the custom resource ------------------------------------------------------------------


def test_custom_resource_generates_into_the_bucket_with_its_key(default: Synthesized) -> None:
    _, resource = default.one(RESOURCE_TYPE)
    properties = resource["Properties"]
    key_id, _ = default.one("AWS::KMS::Key")
    bucket_id, _ = default.one("AWS::S3::Bucket", "Data")
    function_id, _ = default.one("AWS::Lambda::Function")
    assert properties == {
        "ServiceToken": {"Fn::GetAtt": [function_id, "Arn"]},
        "ServiceTimeout": "300",
        "BucketName": {"Ref": bucket_id},
        "KeyPrefix": "emr-tls/",
        "KmsKeyArn": {"Fn::GetAtt": [key_id, "Arn"]},
        "CommonName": "*.ec2.internal",
        "ValidityDays": "365",
        "KeySize": "2048",
        "Generation": "1",
    }


def test_custom_resource_waits_for_its_permissions_and_log_group(default: Synthesized) -> None:
    _, resource = default.one(RESOURCE_TYPE)
    policy_id, _ = default.one("AWS::IAM::ManagedPolicy", "Certs")
    log_group_id, _ = default.one("AWS::Logs::LogGroup")
    assert {policy_id, log_group_id} <= set(resource["DependsOn"])


def test_security_configuration_names_the_generated_object(default: Synthesized) -> None:
    resource_id, _ = default.one(RESOURCE_TYPE)
    _, configuration = default.one("AWS::EMR::SecurityConfiguration")
    encryption = configuration["Properties"]["SecurityConfiguration"]["EncryptionConfiguration"]
    assert encryption["EnableInTransitEncryption"] is True
    tls = encryption["InTransitEncryptionConfiguration"]["TLSCertificateConfiguration"]
    assert tls["CertificateProviderType"] == "PEM"
    bucket_id, _ = default.one("AWS::S3::Bucket", "Data")
    assert tls["S3Object"] == {"Fn::Join": ["", ["s3://", {"Ref": bucket_id}, "/", {"Fn::GetAtt": [resource_id, "ObjectKey"]}]]}


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("us-east-1", "*.ec2.internal"),
        ("eu-west-1", "*.eu-west-1.compute.internal"),
        ("ap-south-2", "*.ap-south-2.compute.internal"),
    ],
)
def test_default_common_name_is_the_regions_private_dns_wildcard(region: str, expected: str) -> None:
    stack = cdk.Stack(cdk.App(), "S", env=cdk.Environment(account="123456789012", region=region))
    assert GeneratedTlsCertificates(stack, "Certs", bucket=data_bucket(stack)).common_name == expected


def test_options_reach_the_resource() -> None:
    stack = cdk.Stack(cdk.App(), "S")  # environment-agnostic: common_name must be given
    certs = GeneratedTlsCertificates(
        stack,
        "Certs",
        bucket=data_bucket(stack),
        key_prefix="tls/prod/",
        common_name="*.eu-west-1.compute.internal",
        validity_days=730,
        key_size=4096,
        generation=3,
    )
    cdk.assertions.Template.from_stack(stack).has_resource_properties(
        RESOURCE_TYPE,
        {
            "KeyPrefix": "tls/prod/",
            "CommonName": "*.eu-west-1.compute.internal",
            "ValidityDays": "730",
            "KeySize": "4096",
            "Generation": "3",
        },
    )
    assert certs.key_prefix == "tls/prod/"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"key_size": 1024}, "key_size=1024"),
        ({"validity_days": 0}, "validity_days=0"),
        ({"validity_days": 3651}, "validity_days=3651"),
        (
            {"common_name": "ip-10-0-0-1.ec2.internal"},
            "common_name='ip-10-0-0-1.ec2.internal': a wildcard matching the nodes' private DNS names",
        ),
        ({"key_prefix": "emr-tls"}, "key_prefix='emr-tls': a prefix ending in '/'"),
        ({"generation": 0}, "generation=0"),
        ({"reserved_concurrency": 0}, "reserved_concurrency=0"),
    ],
)
def test_fails_if_an_option_is_invalid(kwargs: dict[str, Any], message: str) -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    with pytest.raises(ValueError, match=re.escape(message)):
        GeneratedTlsCertificates(stack, "Certs", bucket=data_bucket(stack), **kwargs)


def test_fails_if_the_bucket_has_no_kms_key() -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    with pytest.raises(ValueError, match="bucket='plain-bucket': an SSE-KMS bucket CDK knows the key of"):
        GeneratedTlsCertificates(stack, "Certs", bucket=s3.Bucket.from_bucket_name(stack, "B", "plain-bucket"))


def test_fails_without_common_name_in_a_stack_without_region() -> None:
    stack = cdk.Stack(cdk.App(), "S")
    with pytest.raises(ValueError, match="common_name=None: a name, e.g. '\\*.ec2.internal'"):
        GeneratedTlsCertificates(stack, "Certs", bucket=data_bucket(stack))


def test_an_encryption_key_makes_any_bucket_usable() -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    key = create_emr_key(stack, "Key", description="k")
    certs = GeneratedTlsCertificates(
        stack, "Certs", bucket=s3.Bucket.from_bucket_name(stack, "B", "plain-bucket"), encryption_key=key
    )
    assert certs.encryption_key is key and certs.log_encryption_key is key


def test_an_imported_log_key_gets_a_warning_naming_the_statement() -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    bucket = data_bucket(stack)
    imported = cdk.aws_kms.Key.from_key_arn(stack, "Imported", "arn:aws:kms:us-east-1:123456789012:key/abc")
    certs = GeneratedTlsCertificates(stack, "Certs", bucket=bucket, log_encryption_key=imported)
    warnings = cdk.assertions.Annotations.from_stack(stack).find_warning(
        f"/{certs.node.path}", cdk.assertions.Match.string_like_regexp("logs.<region>.amazonaws.com")
    )
    assert len(warnings) == 1


# ----- least privilege ----------------------------------------------------------------------


def via(service: str) -> dict[str, Any]:
    """The condition limiting a KMS permission to calls ``service`` makes for the role."""
    return {"StringEquals": {"kms:ViaService": {"Fn::Join": ["", [f"{service}.", {"Ref": "AWS::Region"}, ".amazonaws.com"]]}}}


def prefix_objects(synthesized: Synthesized) -> dict[str, Any]:
    bucket_id, _ = synthesized.one("AWS::S3::Bucket", "Data")
    return {"Fn::Join": ["", [{"Fn::GetAtt": [bucket_id, "Arn"]}, "/emr-tls/*"]]}


def test_role_may_only_put_and_retire_under_the_prefix_use_the_key_via_s3_and_sqs_and_write_its_logs(
    default: Synthesized,
) -> None:
    key_id, _ = default.one("AWS::KMS::Key")
    log_group_id, _ = default.one("AWS::Logs::LogGroup")
    queue_id, _ = default.one("AWS::SQS::Queue")
    role_id, role = default.one("AWS::IAM::Role", "Certs")
    _, policy = default.one("AWS::IAM::ManagedPolicy", "Certs")
    assert policy["Properties"]["Roles"] == [{"Ref": role_id}]
    key_arn = {"Fn::GetAtt": [key_id, "Arn"]}
    assert policy["Properties"]["PolicyDocument"]["Statement"] == [
        {
            "Action": ["s3:PutObject", "s3:DeleteObject"],
            "Effect": "Allow",
            "Resource": prefix_objects(default),
        },
        {"Action": "kms:GenerateDataKey", "Condition": via("s3"), "Effect": "Allow", "Resource": key_arn},
        {"Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Condition": via("sqs"), "Effect": "Allow", "Resource": key_arn},
        {
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Effect": "Allow",
            "Resource": {"Fn::GetAtt": [log_group_id, "Arn"]},
        },
        {"Action": "sqs:SendMessage", "Effect": "Allow", "Resource": {"Fn::GetAtt": [queue_id, "Arn"]}},
    ]
    assert "ManagedPolicyArns" not in role["Properties"] and "Policies" not in role["Properties"]
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"] == [
        {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}}
    ]
    assert default.resources("AWS::IAM::Policy") == {}  # nothing inline


def test_grant_read_lets_a_cluster_role_read_the_bundles_and_decrypt(default: Synthesized) -> None:
    key_id, _ = default.one("AWS::KMS::Key")
    _, policy = default.one("AWS::IAM::ManagedPolicy", "Reader")
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    objects = prefix_objects(default)
    assert {"Action": ["s3:GetObject", "s3:GetObjectVersion"], "Effect": "Allow", "Resource": objects} in statements
    assert {
        "Action": ["kms:Decrypt", "kms:DescribeKey"],
        "Effect": "Allow",
        "Resource": {"Fn::GetAtt": [key_id, "Arn"]},
    } in statements


# ----- the function -------------------------------------------------------------------------


def test_function_runs_on_the_latest_node_runtime_with_reserved_concurrency_and_a_dlq(default: Synthesized) -> None:
    _, function = default.one("AWS::Lambda::Function")
    properties = function["Properties"]
    log_group_id, _ = default.one("AWS::Logs::LogGroup")
    queue_id, _ = default.one("AWS::SQS::Queue")
    latest = max((r.name for r in lambda_.Runtime.ALL if re.fullmatch(r"nodejs\d+\.x", r.name)), key=lambda n: int(n[6:-2]))
    assert properties["Runtime"] == latest == "nodejs24.x"
    assert properties["Handler"] == "index.handler"
    assert properties["ReservedConcurrentExecutions"] == 1
    assert properties["LoggingConfig"] == {"LogGroup": {"Ref": log_group_id}}
    assert properties["DeadLetterConfig"] == {"TargetArn": {"Fn::GetAtt": [queue_id, "Arn"]}}
    assert "Environment" not in properties and "VpcConfig" not in properties


def test_log_group_and_dead_letter_queue_are_encrypted_and_the_key_lets_logs_in(default: Synthesized) -> None:
    key_id, key = default.one("AWS::KMS::Key")
    _, log_group = default.one("AWS::Logs::LogGroup")
    _, queue = default.one("AWS::SQS::Queue")
    assert log_group["Properties"]["KmsKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert log_group["Properties"]["RetentionInDays"] == 365
    assert log_group["DeletionPolicy"] == "Retain"
    name = log_group["Properties"]["LogGroupName"]["Fn::Join"][1]
    assert name[0].startswith("/cdk-emr/tls-certificates/Tls-Certs-")
    assert name[1] == {"Fn::Select": [2, {"Fn::Split": ["/", {"Ref": "AWS::StackId"}]}]}  # unique per stack
    assert queue["Properties"]["KmsMasterKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    [statement] = [
        s for s in key["Properties"]["KeyPolicy"]["Statement"] if s.get("Sid") == "AllowCloudWatchLogsForEmrTlsCertificates"
    ]
    assert statement["Principal"] == {"Service": {"Fn::Join": ["", ["logs.", {"Ref": "AWS::Region"}, ".amazonaws.com"]]}}
    scope = statement["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"]["Fn::Join"][1]
    assert scope[-1] == ":log-group:/cdk-emr/tls-certificates/*"


def test_in_a_vpc_the_function_uses_private_subnets_and_https_egress_only(in_vpc: Synthesized) -> None:
    _, function = in_vpc.one("AWS::Lambda::Function")
    vpc_config = function["Properties"]["VpcConfig"]
    assert all("Private" in subnet["Ref"] for subnet in vpc_config["SubnetIds"])
    [group_ref] = vpc_config["SecurityGroupIds"]
    group = in_vpc.template["Resources"][group_ref["Fn::GetAtt"][0]]
    assert group["Properties"]["SecurityGroupEgress"] == [
        {
            "CidrIp": "0.0.0.0/0",
            "Description": "HTTPS to S3 and CloudFormation",
            "FromPort": 443,
            "IpProtocol": "tcp",
            "ToPort": 443,
        }
    ]
    assert "SecurityGroupIngress" not in group["Properties"]
    _, role = in_vpc.one("AWS::IAM::Role", "Certs")
    assert "AWSLambdaVPCAccessExecutionRole" in json.dumps(role["Properties"]["ManagedPolicyArns"])
    assert "ReservedConcurrentExecutions" not in function["Properties"]


# ----- compliance ---------------------------------------------------------------------------


def acknowledged_on_the_construct(reports: list[dict[str, Any]]) -> set[str]:
    """Acknowledgements on GeneratedTlsCertificates' resources, except the scoped-wildcard IAM5
    of its role's managed policy (``ManagedPolicyRole`` acknowledges those)."""
    return {
        s["acknowledgedId"]
        for r in reports
        for s in r.get("suppressedViolations", [])
        if any("/Certs/" in c["constructPath"] for c in s["violatingConstructs"])
        and not s["acknowledgedId"].startswith(("AwsSolutions-IAM5[Resource::", "AwsSolutions::AwsSolutions-IAM5[Resource::"))
    }


def test_three_packs_find_nothing_unacknowledged(default: Synthesized) -> None:
    assert [v for r in default.reports for v in r["violations"]] == []
    assert acknowledged_on_the_construct(default.reports) == {
        "HIPAA.Security::HIPAA.Security-LambdaInsideVPC",
        "NIST.800.53.R5::NIST.800.53.R5-LambdaInsideVPC",
    }


def test_three_packs_find_nothing_unacknowledged_in_a_vpc_without_reserved_concurrency(in_vpc: Synthesized) -> None:
    assert [v for r in in_vpc.reports for v in r["violations"]] == []
    assert acknowledged_on_the_construct(in_vpc.reports) == {
        "AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]",
        "HIPAA.Security::HIPAA.Security-LambdaConcurrency",
        "NIST.800.53.R5::NIST.800.53.R5-LambdaConcurrency",
    }


# ----- no key material ----------------------------------------------------------------------


def test_no_private_key_anywhere_in_cdk_out(default: Synthesized) -> None:
    files = [p for p in default.outdir.rglob("*") if p.is_file()]
    assert any(p.name == "index.mjs" for p in files)
    for path in files:
        assert not PRIVATE_KEY.search(path.read_bytes()), path


def test_function_asset_is_the_handler_alone_and_holds_no_key_material(default: Synthesized) -> None:
    _, function = default.one("AWS::Lambda::Function")
    asset_hash = function["Properties"]["Code"]["S3Key"].removesuffix(".zip")
    asset = default.outdir / f"asset.{asset_hash}"
    assert sorted(p.name for p in asset.iterdir()) == ["index.mjs"]
    source = (asset / "index.mjs").read_text()
    assert source == (HANDLER_DIR / "index.mjs").read_text()
    assert "PRIVATE KEY" not in source and not re.search(r"MII[A-Za-z0-9+/]{60,}", source)  # no PEM/DER blob


# ----- the handler, with node -----------------------------------------------------------------

HANDLER_RUN = """
import { createHandler } from %(handler)s;
const puts = [], deletes = [], responses = [], logs = [];
const handler = createHandler({
  putObject: async (input) => { puts.push(input); },
  deleteObject: async (input) => { deletes.push(input); },
  respond: async (url, body) => { responses.push({ url, body }); },
  log: (line) => logs.push(line),
});
const props = { ServiceToken: "arn", BucketName: "data-bucket", KeyPrefix: "emr-tls/", KmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k",
                CommonName: "*.ec2.internal", ValidityDays: "365", KeySize: "2048", Generation: "1" };
const base = { StackId: "stack", RequestId: "r1", LogicalResourceId: "Certs", ResponseURL: "https://response", ResourceType: "Custom::EmrTlsCertificates" };
await handler({ ...base, RequestType: "Create", ResourceProperties: props });
const created = responses[0].body.PhysicalResourceId;
await handler({ ...base, RequestType: "Update", PhysicalResourceId: created, ResourceProperties: { ...props, Generation: "2" }, OldResourceProperties: props });
await handler({ ...base, RequestType: "Delete", PhysicalResourceId: created, ResourceProperties: props });
await handler({ ...base, RequestType: "Create", ResourceProperties: { ...props, KeySize: "1024" } });
const out = {
  puts: puts.map(({ Body, ...rest }) => ({ ...rest, Body: Buffer.from(Body).toString("base64") })),
  deletes, responses, logs,
};
process.stdout.write(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def handler_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if NODE is None:
        pytest.skip("node is not installed")
    script = tmp_path_factory.mktemp("handler") / "run.mjs"
    script.write_text(HANDLER_RUN % {"handler": json.dumps((HANDLER_DIR / "index.mjs").as_uri())})
    result = subprocess.run([NODE, str(script)], capture_output=True, text=True, timeout=60, check=True)
    return json.loads(result.stdout)


def bundle(put: dict[str, Any]) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(__import__("base64").b64decode(put["Body"]))) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def test_handler_writes_the_pem_zip_sse_kms_under_a_new_key(handler_run: dict[str, Any]) -> None:
    created, updated = handler_run["puts"]
    for put in (created, updated):
        assert {k: v for k, v in put.items() if k not in ("Key", "Body")} == {
            "Bucket": "data-bucket",
            "ContentType": "application/zip",
            "ServerSideEncryption": "aws:kms",
            "SSEKMSKeyId": "arn:aws:kms:us-east-1:123456789012:key/k",
            "BucketKeyEnabled": True,
        }
        assert re.fullmatch(r"emr-tls/\d{8}T\d{6}Z-[0-9a-f]{12}\.zip", put["Key"])
        assert list(bundle(put)) == PEM_FILES
    assert created["Key"] != updated["Key"]  # a new generation never overwrites a bundle in use


def test_handler_bundle_is_a_matching_key_and_self_signed_wildcard_certificate(handler_run: dict[str, Any]) -> None:
    files = bundle(handler_run["puts"][0])
    check_bundle(files, "*.ec2.internal", validity_days=365)


def check_bundle(files: dict[str, bytes], common_name: str, *, validity_days: int) -> x509.Certificate:
    """The PEM zip EMR expects: a key matching a self-signed wildcard certificate, also trusted."""
    key = serialization.load_pem_private_key(files["privateKey.pem"], password=None)
    certificate = x509.load_pem_x509_certificate(files["certificateChain.pem"])
    assert files["trustedCertificates.pem"] == files["certificateChain.pem"]
    assert files["privateKey.pem"].startswith(b"-----BEGIN PRIVATE KEY-----")  # PKCS#8, unencrypted, as openssl writes it
    assert key.key_size == 2048  # type: ignore[union-attr]
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    assert key.public_key().public_bytes(serialization.Encoding.DER, public) == certificate.public_key().public_bytes(
        serialization.Encoding.DER, public
    )
    [cn] = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    assert cn.value == common_name and certificate.issuer == certificate.subject
    certificate.verify_directly_issued_by(certificate)  # self-signed, sha256WithRSA
    assert certificate.signature_hash_algorithm is not None and certificate.signature_hash_algorithm.name == "sha256"
    san = certificate.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value
    assert san.get_values_for_type(x509.DNSName) == [common_name]  # type: ignore[attr-defined]
    basic = certificate.extensions.get_extension_for_oid(ExtensionOID.BASIC_CONSTRAINTS)
    assert basic.critical and basic.value.ca  # type: ignore[attr-defined]
    ski = certificate.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_KEY_IDENTIFIER).value
    aki = certificate.extensions.get_extension_for_oid(ExtensionOID.AUTHORITY_KEY_IDENTIFIER).value
    assert ski.digest == aki.key_identifier == x509.SubjectKeyIdentifier.from_public_key(key.public_key()).digest  # type: ignore[attr-defined]
    now = datetime.now(UTC)
    assert certificate.not_valid_before_utc <= now
    assert abs(certificate.not_valid_after_utc - (now + timedelta(days=validity_days))) < timedelta(minutes=5)
    assert certificate.version == x509.Version.v3 and certificate.serial_number > 0
    return certificate


def test_handler_answers_cloudformation_for_each_request(handler_run: dict[str, Any]) -> None:
    create, update, delete, failed = (r["body"] for r in handler_run["responses"])
    created_key, updated_key = (p["Key"] for p in handler_run["puts"])
    assert all(r["url"] == "https://response" for r in handler_run["responses"])
    common = {"StackId": "stack", "RequestId": "r1", "LogicalResourceId": "Certs"}
    assert {k: create[k] for k in common} == common
    assert create["Status"] == "SUCCESS" and create["PhysicalResourceId"] == created_key
    assert create["Data"]["ObjectKey"] == created_key and re.fullmatch(r"[0-9a-f]{64}", create["Data"]["CertificateSha256"])
    certificate = x509.load_pem_x509_certificate(bundle(handler_run["puts"][0])["certificateChain.pem"])
    assert create["Data"]["CertificateSha256"] == certificate.fingerprint(hashes.SHA256()).hex()
    assert update["Status"] == "SUCCESS" and update["PhysicalResourceId"] == updated_key != created_key
    # the replaced generation is retired: its bundle deleted, nothing written
    assert delete == {**common, "Status": "SUCCESS", "PhysicalResourceId": created_key, "Data": {"Retired": created_key}}
    assert handler_run["deletes"] == [{"Bucket": "data-bucket", "Key": created_key}]
    assert len(handler_run["puts"]) == 2
    assert failed["Status"] == "FAILED" and "KeySize=1024" in failed["Reason"]


def test_handler_logs_no_key_material(handler_run: dict[str, Any]) -> None:
    logs = "\n".join(handler_run["logs"])
    assert len(handler_run["logs"]) == 4
    assert "PRIVATE KEY" not in logs and "CERTIFICATE" not in logs and "MII" not in logs
    assert json.dumps(handler_run["responses"]).count("PRIVATE") == 0
