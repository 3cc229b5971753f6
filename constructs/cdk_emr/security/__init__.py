"""Security: the EMR security configuration (encryption at rest and in transit, IMDSv2, Kerberos)."""

from cdk_emr.security.certificates import GeneratedTlsCertificates
from cdk_emr.security.configuration import (
    CustomProvider,
    EmrFsIdentifierType,
    EmrFsRoleMapping,
    EmrSecurityConfiguration,
    RuntimeRoles,
    S3EncryptionMode,
    TlsCertificates,
)
from cdk_emr.security.kerberos import (
    CrossRealmTrust,
    Kerberos,
    KerberosProvider,
    default_realm,
    kdc_admin_password,
    ssm_reference,
)
from cdk_emr.security.replicated_kdc import ReplicatedKdc

__all__ = [
    "CrossRealmTrust",
    "CustomProvider",
    "EmrFsIdentifierType",
    "EmrFsRoleMapping",
    "EmrSecurityConfiguration",
    "GeneratedTlsCertificates",
    "Kerberos",
    "KerberosProvider",
    "ReplicatedKdc",
    "RuntimeRoles",
    "S3EncryptionMode",
    "TlsCertificates",
    "default_realm",
    "kdc_admin_password",
    "ssm_reference",
]
