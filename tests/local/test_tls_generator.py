"""``Custom::EmrTlsCertificates`` in the local AWS: a stack with GeneratedTlsCertificates deploys
into moto, the function's Node.js code (the asset that runs on AWS) generates the bundle, and
EMR's PEM zip is left in S3; a new generation (the documented rotation) retires the old bundle."""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtensionOID, NameOID

from cdk_emr.local import install, uninstall
from cdk_emr.local.custom_resources import LambdaBackedCustomResource
from cdk_emr.local.deploy import deploy_stack

STACK = "TlsLocal"
RESOURCE_TYPE = "Custom::EmrTlsCertificates"  # the type the construct gives its custom resource
PEM_FILES = ["privateKey.pem", "certificateChain.pem", "trustedCertificates.pem"]
OBJECT_KEY = re.compile(r"emr-tls/\d{8}T\d{6}Z-[0-9a-f]{12}\.zip")

pytestmark = pytest.mark.filterwarnings("ignore:Tried to parse AWS..SQS..QueuePolicy:UserWarning")  # moto has no model for it


def synth(outdir: Path, generation: int) -> Path:
    """A stack with a KMS bucket, the generated bundle and a security configuration using it."""
    import aws_cdk as cdk
    from aws_cdk import aws_s3 as s3

    from cdk_emr.encryption import create_emr_key
    from cdk_emr.security import EmrSecurityConfiguration, GeneratedTlsCertificates

    app = cdk.App(outdir=str(outdir))
    stack = cdk.Stack(app, STACK, env=cdk.Environment(account="123456789012", region="us-east-1"))
    key = create_emr_key(stack, "Key", description="platform key")
    bucket = s3.Bucket(
        stack, "Data", encryption=s3.BucketEncryption.KMS, encryption_key=key, bucket_key_enabled=True, versioned=True
    )
    certs = GeneratedTlsCertificates(stack, "Tls", bucket=bucket, generation=generation)
    configuration = EmrSecurityConfiguration(
        stack, "SecurityConfiguration", encryption_key=key, tls_certificates=certs.certificates
    )
    cdk.CfnOutput(stack, "BucketName", value=bucket.bucket_name)
    cdk.CfnOutput(stack, "KeyArn", value=key.key_arn)
    cdk.CfnOutput(stack, "ObjectKey", value=certs.object_key)
    cdk.CfnOutput(stack, "CertificateSha256", value=certs.certificate_sha256)
    cdk.CfnOutput(stack, "SecurityConfigurationName", value=configuration.name)
    app.synth()
    return outdir


@pytest.fixture(scope="module")
def cdk_out(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """The app, and the same app with ``generation=2`` (the one property that changes)."""
    first = synth(tmp_path_factory.mktemp("tls-1"), generation=1)
    second = tmp_path_factory.mktemp("tls-2")
    shutil.copytree(first, second, dirs_exist_ok=True)
    template_path = second / f"{STACK}.template.json"
    template = json.loads(template_path.read_text())
    [resource] = [r for r in template["Resources"].values() if r["Type"] == RESOURCE_TYPE]
    assert resource["Properties"]["Generation"] == "1"
    resource["Properties"]["Generation"] = "2"
    template_path.write_text(json.dumps(template))
    return {1: first, 2: second}


def read_bundle(s3: Any, bucket: str, key: str) -> tuple[dict[str, Any], dict[str, bytes]]:
    response = s3.get_object(Bucket=bucket, Key=key)
    with zipfile.ZipFile(io.BytesIO(response["Body"].read())) as archive:
        return response, {name: archive.read(name) for name in archive.namelist()}


def test_stack_deploys_and_leaves_the_pem_zip_encrypted_in_s3(mocked_aws: None, cdk_out: dict[int, Path]) -> None:
    session = boto3.Session(region_name="us-east-1")
    stack = deploy_stack(cdk_out[1], STACK, session=session)
    assert stack.status == "CREATE_COMPLETE"
    outputs = stack.outputs
    assert OBJECT_KEY.fullmatch(outputs["ObjectKey"])
    resources = session.client("cloudformation").describe_stack_resources(StackName=STACK)["StackResources"]
    [resource] = [r for r in resources if r.get("ResourceType") == RESOURCE_TYPE]
    assert resource["PhysicalResourceId"] == outputs["ObjectKey"]

    s3 = session.client("s3")
    response, files = read_bundle(s3, outputs["BucketName"], outputs["ObjectKey"])
    assert response["ServerSideEncryption"] == "aws:kms" and response["SSEKMSKeyId"] == outputs["KeyArn"]
    assert list(files) == PEM_FILES
    key = serialization.load_pem_private_key(files["privateKey.pem"], password=None)
    certificate = x509.load_pem_x509_certificate(files["certificateChain.pem"])
    assert files["trustedCertificates.pem"] == files["certificateChain.pem"]
    assert certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "*.ec2.internal"
    san = certificate.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value
    assert san.get_values_for_type(x509.DNSName) == ["*.ec2.internal"]  # type: ignore[attr-defined]
    spki = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert key.public_key().public_bytes(*spki) == certificate.public_key().public_bytes(*spki)
    certificate.verify_directly_issued_by(certificate)
    assert outputs["CertificateSha256"] == certificate.fingerprint(certificate.signature_hash_algorithm).hex()  # type: ignore[arg-type]

    # the function's own log line, as Lambda keeps it: the outcome and fingerprint, never the key
    [function] = [r["PhysicalResourceId"] for r in resources if r.get("ResourceType") == "AWS::Lambda::Function"]
    events = session.client("logs").filter_log_events(logGroupName=f"/aws/lambda/{function}")["events"]
    logged = [json.loads(e["message"]) for e in events if e["message"].startswith("{")]
    assert logged == [
        {
            "requestType": "Create",
            "logicalResourceId": resource["LogicalResourceId"],
            "status": "SUCCESS",
            "physicalResourceId": outputs["ObjectKey"],
            "certificateSha256": outputs["CertificateSha256"],
        }
    ]
    assert not any("PRIVATE KEY" in e["message"] for e in events)

    emr = session.client("emr")
    document = json.loads(emr.describe_security_configuration(Name=outputs["SecurityConfigurationName"])["SecurityConfiguration"])
    tls = document["EncryptionConfiguration"]["InTransitEncryptionConfiguration"]["TLSCertificateConfiguration"]
    assert tls == {"CertificateProviderType": "PEM", "S3Object": f"s3://{outputs['BucketName']}/{outputs['ObjectKey']}"}


def test_a_new_generation_writes_a_new_object_and_retires_the_old(mocked_aws: None, cdk_out: dict[int, Path]) -> None:
    """The rotation a user runs (increase ``generation``, deploy): CloudFormation replaces the
    custom resource and the security configuration, then sends Delete for the old bundle, which
    the function deletes: in the versioned bucket it stays a noncurrent version (recoverable until
    the lifecycle rule expires it) behind a delete marker."""
    session = boto3.Session(region_name="us-east-1")
    first = deploy_stack(cdk_out[1], STACK, session=session).outputs
    s3 = session.client("s3")
    # moto's AWS::S3::Bucket drops VersioningConfiguration: set what the template asks for.
    s3.put_bucket_versioning(Bucket=first["BucketName"], VersioningConfiguration={"Status": "Enabled"})
    second = deploy_stack(cdk_out[2], STACK, session=session)
    assert second.status == "UPDATE_COMPLETE"
    bucket, old_key, new_key = first["BucketName"], first["ObjectKey"], second.outputs["ObjectKey"]
    assert OBJECT_KEY.fullmatch(new_key) and new_key != old_key
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="emr-tls/")["Contents"]]
    assert keys == [new_key]  # only the bundle in use is current
    versions = s3.list_object_versions(Bucket=bucket, Prefix=old_key)
    assert [m["IsLatest"] for m in versions["DeleteMarkers"]] == [True]
    assert [v["IsLatest"] for v in versions["Versions"]] == [False]
    assert second.outputs["CertificateSha256"] != first["CertificateSha256"]
    # The lifecycle rule that expires retired versions is a template assertion
    # (tests/constructs/test_hardening.py): moto's AWS::S3::Bucket drops LifecycleConfiguration.


def test_the_function_must_exist(mocked_aws: None) -> None:
    """A token naming no function fails the stack, as CloudFormation would."""
    session = boto3.Session(region_name="us-east-1")
    session.client("s3").create_bucket(Bucket="data-bucket")
    template = {
        "Resources": {
            "Tls": {
                "Type": RESOURCE_TYPE,
                "Properties": {
                    "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:missing",
                    "BucketName": "data-bucket",
                    "KeyPrefix": "emr-tls/",
                    "KmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/k",
                    "CommonName": "*.ec2.internal",
                    "ValidityDays": "30",
                    "KeySize": "2048",
                },
            }
        }
    }
    cloudformation = session.client("cloudformation")
    with pytest.raises(ClientError, match="Function not found.*missing"):
        cloudformation.create_stack(StackName="Broken", TemplateBody=json.dumps(template))
    assert "Contents" not in session.client("s3").list_objects_v2(Bucket="data-bucket")


def test_install_routes_every_custom_type_to_the_local_lambda_model() -> None:
    from moto.cloudformation import parsing
    from moto.cloudformation.custom_model import CustomModel

    uninstall()
    assert parsing.resource_class_from_type(RESOURCE_TYPE) is CustomModel
    install()
    assert parsing.resource_class_from_type(RESOURCE_TYPE) is LambdaBackedCustomResource
    assert parsing.resource_class_from_type("Custom::Other") is LambdaBackedCustomResource
    assert parsing.resource_class_from_type("AWS::CloudFormation::CustomResource") is LambdaBackedCustomResource
    uninstall()
    assert parsing.resource_class_from_type(RESOURCE_TYPE) is CustomModel
