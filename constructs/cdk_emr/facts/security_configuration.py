"""The documented shape of an EMR security configuration (the JSON of CreateSecurityConfiguration).

Source: EMR Management Guide, "Create a security configuration with the AWS CLI"
(``emr-create-security-configuration``) and "Specifying Amazon EMR encryption options": the
top-level sections, the encryption switches and the allowed modes and provider types below.
Standard library only.
"""

from __future__ import annotations

from typing import Final

TOP_LEVEL_SECTIONS: Final = (
    "EncryptionConfiguration",
    "AuthenticationConfiguration",
    "AuthorizationConfiguration",
    "InstanceMetadataServiceConfiguration",
)
#: ``EncryptionConfiguration`` must say both, as booleans.
ENCRYPTION_SWITCHES: Final = ("EnableInTransitEncryption", "EnableAtRestEncryption")
#: ``AtRestEncryptionConfiguration.S3EncryptionConfiguration.EncryptionMode``.
S3_ENCRYPTION_MODES: Final = ("SSE-S3", "SSE-KMS", "CSE-KMS", "CSE-Custom")
#: Modes that need ``AwsKmsKey``.
S3_MODES_WITH_KMS_KEY: Final = ("SSE-KMS", "CSE-KMS")
#: ``AtRestEncryptionConfiguration.LocalDiskEncryptionConfiguration.EncryptionKeyProviderType``.
LOCAL_DISK_KEY_PROVIDERS: Final = ("AwsKms", "Custom")
#: ``InTransitEncryptionConfiguration.TLSCertificateConfiguration.CertificateProviderType``.
TLS_CERTIFICATE_PROVIDERS: Final = ("PEM", "Custom")
#: ``InstanceMetadataServiceConfiguration``: IMDSv2 and the PUT response hop limit 1-64.
IMDS_VERSIONS: Final = (1, 2)
IMDS_HOP_LIMIT_RANGE: Final = (1, 64)
