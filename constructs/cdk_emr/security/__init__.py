"""Security: the EMR security configuration (encryption at rest and in transit, IMDSv2, Kerberos)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from cdk_emr.security.replicated_kdc import ReplicatedKdc


def __getattr__(name: str) -> Any:
    """``ReplicatedKdc`` loads on first use: it needs aws-cdk-lib's Elastic Load Balancing modules,
    which a platform with a cluster-dedicated KDC never uses (docs/performance.md)."""
    if name == "ReplicatedKdc":
        from cdk_emr.security.replicated_kdc import ReplicatedKdc

        globals()[name] = ReplicatedKdc
        return ReplicatedKdc
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


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
