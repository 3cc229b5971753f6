"""``EmrSecurityConfiguration``: encryption at rest and in transit, and IMDSv2, for a cluster.

The JSON follows the shape AWS documents (keys under ``EncryptionConfiguration``). Every
property of ``AWS::EMR::SecurityConfiguration`` is immutable: changing it creates a new one and
replaces the clusters that use it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from aws_cdk import Annotations
from aws_cdk import aws_emr as emr
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cdk_emr.security.kerberos import Kerberos
from cdk_emr.typecheck import typed
from cdk_emr.validation import Validator


class S3EncryptionMode(StrEnum):
    """How EMRFS encrypts objects it writes to S3."""

    SSE_KMS = "SSE-KMS"
    SSE_S3 = "SSE-S3"


@typed
class TlsCertificates:
    """Certificates for in-transit encryption: a PEM zip in S3.

    The zip holds ``privateKey.pem`` and ``certificateChain.pem`` (and ``trustedCertificates.pem``
    for certificates no Java trust store knows), for a wildcard name such as
    ``*.ec2.internal`` (us-east-1) or ``*.<region>.compute.internal``. The private key never
    enters the template: only the zip's S3 location does.
    """

    def __init__(self, bucket: s3.IBucket, key: str) -> None:
        self.bucket = bucket
        self.key = key

    @staticmethod
    def from_pem_zip(bucket: s3.IBucket, key: str) -> TlsCertificates:
        """A PEM zip uploaded to ``bucket`` under ``key``."""
        return TlsCertificates(bucket, key)

    @property
    def s3_uri(self) -> str:
        """The zip's ``s3://`` URI."""
        return self.bucket.s3_url_for_object(self.key)


@typed
class EmrSecurityConfiguration(Construct):
    """An EMR security configuration with secure defaults.

    Defaults: S3 objects SSE-KMS with ``encryption_key``; local disks (and EBS volumes) encrypted
    with the same key; IMDSv2 required with a hop limit of 1. In-transit TLS is on when
    ``tls_certificates`` is given; without it a warning is added to the construct. Kerberos
    authentication is on when ``kerberos`` is given (the cluster then gets the matching
    ``KerberosAttributes``).
    ``name`` is the value clusters reference (CloudFormation generates it).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        encryption_key: kms.IKey,
        s3_encryption: S3EncryptionMode = S3EncryptionMode.SSE_KMS,
        local_disk_encryption: bool = True,
        ebs_encryption: bool | None = None,
        tls_certificates: TlsCertificates | None = None,
        require_imdsv2: bool = True,
        kerberos: Kerberos | None = None,
    ) -> None:
        super().__init__(scope, id)
        if ebs_encryption is None:
            ebs_encryption = local_disk_encryption
        v = Validator(f"EmrSecurityConfiguration {self.node.path}")
        v.check(
            not ebs_encryption or local_disk_encryption,
            "ebs_encryption",
            True,
            "False unless local_disk_encryption=True (EBS encryption uses the local-disk KMS provider)",
        )
        v.raise_if_any()
        self.encryption_key = encryption_key
        self.tls_certificates = tls_certificates
        self.require_imdsv2 = require_imdsv2
        self.local_disk_encryption = local_disk_encryption
        self.ebs_encryption = ebs_encryption
        self.kerberos = kerberos
        self.document = self._document(s3_encryption)
        self.resource = emr.CfnSecurityConfiguration(self, "Resource", security_configuration=self.document)
        self.name = self.resource.ref
        if not local_disk_encryption:
            Annotations.of(self).add_warning_v2(
                "cdk-emr:noLocalDiskEncryption",
                "Local disk and EBS encryption are off: HDFS blocks, shuffle and spill data sit unencrypted on the nodes.",
            )
        if not require_imdsv2:
            Annotations.of(self).add_warning_v2(
                "cdk-emr:imdsV1Allowed",
                "IMDSv1 is allowed: a server-side request forgery on a node can read the instance role's credentials.",
            )
        if tls_certificates is None:
            Annotations.of(self).add_warning_v2(
                "cdk-emr:noInTransitEncryption",
                "In-transit encryption is off: pass tls_certificates=TlsCertificates.from_pem_zip(...) to enable TLS between nodes.",
            )

    def _document(self, s3_encryption: S3EncryptionMode) -> dict[str, Any]:
        s3_config: dict[str, Any] = {"EncryptionMode": s3_encryption.value}
        if s3_encryption == S3EncryptionMode.SSE_KMS:
            s3_config["AwsKmsKey"] = self.encryption_key.key_arn
        at_rest: dict[str, Any] = {"S3EncryptionConfiguration": s3_config}
        if self.local_disk_encryption:
            at_rest["LocalDiskEncryptionConfiguration"] = {
                "EncryptionKeyProviderType": "AwsKms",
                "AwsKmsKey": self.encryption_key.key_arn,
                "EnableEbsEncryption": self.ebs_encryption,
            }
        encryption: dict[str, Any] = {
            "EnableAtRestEncryption": True,
            "EnableInTransitEncryption": self.tls_certificates is not None,
            "AtRestEncryptionConfiguration": at_rest,
        }
        if self.tls_certificates is not None:
            encryption["InTransitEncryptionConfiguration"] = {
                "TLSCertificateConfiguration": {
                    "CertificateProviderType": "PEM",
                    "S3Object": self.tls_certificates.s3_uri,
                }
            }
        document: dict[str, Any] = {"EncryptionConfiguration": encryption}
        if self.kerberos is not None:
            document["AuthenticationConfiguration"] = self.kerberos.document()
        if self.require_imdsv2:
            document["InstanceMetadataServiceConfiguration"] = {
                "MinimumInstanceMetadataServiceVersion": 2,
                "HttpPutResponseHopLimit": 1,
            }
        return document
