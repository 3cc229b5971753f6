"""Security: the EMR security configuration (encryption at rest and in transit, IMDSv2)."""

from cdk_emr.security.configuration import EmrSecurityConfiguration, S3EncryptionMode, TlsCertificates

__all__ = ["EmrSecurityConfiguration", "S3EncryptionMode", "TlsCertificates"]
