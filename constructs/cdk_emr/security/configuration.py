"""``EmrSecurityConfiguration``: encryption at rest and in transit, and IMDSv2, for a cluster.

The JSON follows the shape AWS documents (keys under ``EncryptionConfiguration``). Every
property of ``AWS::EMR::SecurityConfiguration`` is immutable: changing it creates a new one and
replaces the clusters that use it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from aws_cdk import Annotations
from aws_cdk import aws_emr as emr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cdk_emr.facts.security_configuration import S3_MODES_WITH_KMS_KEY
from cdk_emr.security.kerberos import Kerberos
from cdk_emr.typecheck import typed
from cdk_emr.validation import Validator, is_token
from cdk_emr.workload.source import BoundSource, ScriptSource

# EMR Management Guide, "Runtime roles for Amazon EMR steps": the documented session tag value
# with which EMR calls Lake Formation for a runtime role.
LAKE_FORMATION_SESSION_TAG = "Amazon EMR"
# IAM session tag values: up to 256 characters of letters, digits, spaces and _ . : / = + - @.
_SESSION_TAG_VALUE = re.compile(r"^[\w .:/=+\-@]{1,256}$")
# CloudFormation AWS::EMR::SecurityConfiguration Name: up to 10280 characters; EMR names are
# shown and referenced by clusters, so we keep to the API's 1-256 printable characters.
_NAME = re.compile(r"^[\x20-\x7e]{1,256}$")


class S3EncryptionMode(StrEnum):
    """How EMRFS encrypts objects it writes to S3."""

    SSE_KMS = "SSE-KMS"
    SSE_S3 = "SSE-S3"
    CSE_KMS = "CSE-KMS"
    """Client-side: EMRFS encrypts with the KMS key before upload (the instance role uses the key)."""
    CSE_CUSTOM = "CSE-Custom"
    """Client-side with your own key provider class (``s3_key_provider``)."""


@typed
@dataclass(frozen=True, kw_only=True)
class CustomProvider:
    """A Java class in a JAR on S3 that EMR calls for keys or certificates: ``S3Object`` and
    ``EncryptionKeyProviderClass``/``CertificateProviderClass`` in the security configuration
    (EMR Management Guide, "Providing keys for encrypting data at rest" and "Providing
    certificates for encrypting data in transit"). The instance role may read the JAR."""

    jar: ScriptSource
    class_name: str

    def __post_init__(self) -> None:
        v = Validator("CustomProvider")
        # A fully qualified Java class name (Java Language Specification, identifiers and packages).
        v.check(
            is_token(self.class_name) or re.match(r"^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$", self.class_name) is not None,
            "class_name",
            self.class_name,
            "a fully qualified Java class name, e.g. 'com.example.emr.KeyProvider'",
        )
        v.raise_if_any()

    def _bind(self, scope: Construct, id: str) -> BoundSource:
        bound = self.jar.bind(scope, id)
        v = Validator("CustomProvider")
        v.check(is_token(bound.s3_uri) or bound.s3_uri.startswith("s3://"), "jar", bound.s3_uri, "a JAR in S3 (S3Object)")
        v.raise_if_any()
        return bound


class EmrFsIdentifierType(StrEnum):
    """What an EMRFS role mapping matches: Hadoop users, Hadoop groups, or S3 prefixes."""

    USER = "User"
    GROUP = "Group"
    PREFIX = "Prefix"


@typed
@dataclass(frozen=True, kw_only=True)
class EmrFsRoleMapping:
    """EMRFS assumes ``role`` for S3 requests of these users, groups or ``s3://`` prefixes
    (EMR Management Guide, "Configure IAM roles for EMRFS requests to Amazon S3", emr-5.10.0+).

    The cluster's instance role may assume ``role``, and a ``role`` this app owns trusts it.
    """

    role: iam.IRole
    identifier_type: EmrFsIdentifierType
    identifiers: tuple[str, ...]

    def __post_init__(self) -> None:
        from cdk_emr.capacity._coerce import coerce_enum

        v = Validator("EmrFsRoleMapping")
        kind = coerce_enum(v, "identifier_type", EmrFsIdentifierType, self.identifier_type)
        object.__setattr__(self, "identifier_type", kind or self.identifier_type)
        object.__setattr__(self, "identifiers", tuple(self.identifiers))
        v.check(len(self.identifiers) >= 1, "identifiers", [], "at least one user, group or s3:// prefix")
        if kind == EmrFsIdentifierType.PREFIX:
            for prefix in self.identifiers:
                if not is_token(prefix):
                    v.check(
                        prefix.startswith("s3://") and len(prefix) > 5, "identifiers", prefix, "an s3://bucket[/prefix] location"
                    )
        v.raise_if_any()

    def document(self) -> dict[str, Any]:
        """One entry of ``EmrFsConfiguration.RoleMappings``."""
        return {"Role": self.role.role_arn, "IdentifierType": self.identifier_type.value, "Identifiers": list(self.identifiers)}


@typed
@dataclass(frozen=True, kw_only=True)
class RuntimeRoles:
    """Runtime roles for steps: each step may run as its own IAM role (``ExecutionRoleArn``).

    Renders the security configuration's ``AuthorizationConfiguration``:
    ``IAMConfiguration.EnableApplicationScopedIAMRole`` (runtime roles, EMR 6.7.0+),
    ``ApplicationScopedIAMRoleConfiguration.PropagateSourceIdentity`` (the caller's identity in
    CloudTrail, default off) and, with ``lake_formation=True``, ``LakeFormationConfiguration``
    with ``AuthorizedSessionTagValue`` (default ``"Amazon EMR"``, the documented value) so that
    Lake Formation enforces table permissions for the runtime role. A runtime role must trust
    the cluster's instance role (``sts:AssumeRole``, ``sts:TagSession``; ``sts:SetSourceIdentity``
    with source identity): see :meth:`cdk_emr.EmrCluster.trust_runtime_role`.
    """

    propagate_source_identity: bool = False
    lake_formation: bool = False
    lake_formation_session_tag: str = LAKE_FORMATION_SESSION_TAG

    def __post_init__(self) -> None:
        v = Validator("RuntimeRoles")
        tag = self.lake_formation_session_tag
        if not is_token(tag):
            v.check(
                isinstance(tag, str) and _SESSION_TAG_VALUE.match(tag) is not None,
                "lake_formation_session_tag",
                tag,
                "1 to 256 characters: letters, digits, spaces and _ . : / = + - @ (an IAM session tag value)",
            )
        v.raise_if_any()

    def document(self) -> dict[str, Any]:
        """The ``AuthorizationConfiguration`` part of the security configuration JSON."""
        iam_config: dict[str, Any] = {"EnableApplicationScopedIAMRole": True}
        if self.propagate_source_identity:
            iam_config["ApplicationScopedIAMRoleConfiguration"] = {"PropagateSourceIdentity": True}
        document: dict[str, Any] = {"IAMConfiguration": iam_config}
        if self.lake_formation:
            document["LakeFormationConfiguration"] = {"AuthorizedSessionTagValue": self.lake_formation_session_tag}
        return document


@typed
class TlsCertificates:
    """Certificates for in-transit encryption: a PEM zip in S3.

    The zip holds ``privateKey.pem`` and ``certificateChain.pem`` (and ``trustedCertificates.pem``
    for certificates no Java trust store knows), for a wildcard name such as
    ``*.ec2.internal`` (us-east-1) or ``*.<region>.compute.internal``. The private key never
    enters the template: only the zip's S3 location does.
    """

    def __init__(
        self, bucket: s3.IBucket | None = None, key: str | None = None, *, provider: CustomProvider | None = None
    ) -> None:
        self.bucket = bucket
        self.key = key
        self.provider = provider
        v = Validator("TlsCertificates")
        v.check(
            (bucket is not None and key is not None) != (provider is not None),
            "bucket/key/provider",
            None,
            "a PEM zip (bucket and key) or a provider",
        )
        v.raise_if_any()

    @staticmethod
    def from_provider(provider: CustomProvider) -> TlsCertificates:
        """Certificates from your own provider class (``CertificateProviderType: Custom``)."""
        return TlsCertificates(provider=provider)

    @staticmethod
    def from_pem_zip(bucket: s3.IBucket, key: str) -> TlsCertificates:
        """A PEM zip uploaded to ``bucket`` under ``key``."""
        return TlsCertificates(bucket, key)

    @property
    def s3_uri(self) -> str:
        """The zip's ``s3://`` URI (PEM certificates only)."""
        assert self.bucket is not None and self.key is not None, "a provider's certificates have no zip"
        return self.bucket.s3_url_for_object(self.key)


@typed
class EmrSecurityConfiguration(Construct):
    """An EMR security configuration with secure defaults.

    Defaults: S3 objects SSE-KMS with ``encryption_key``; local disks (and EBS volumes) encrypted
    with the same key; IMDSv2 required with a hop limit of 1. In-transit TLS is on when
    ``tls_certificates`` is given; without it a warning is added to the construct. Kerberos
    authentication is on when ``kerberos`` is given (the cluster then gets the matching
    ``KerberosAttributes``). Runtime roles for steps (and Lake Formation) are on when
    ``runtime_roles`` is given.
    ``name`` is the value clusters reference: ``security_configuration_name`` when given (at most
    256 printable characters), else one CloudFormation generates.
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
        runtime_roles: RuntimeRoles | None = None,
        security_configuration_name: str | None = None,
        emrfs_role_mappings: Sequence[EmrFsRoleMapping] = (),
        s3_key_provider: CustomProvider | None = None,
        local_disk_key_provider: CustomProvider | None = None,
        s3_encryption_key: kms.IKey | None = None,
    ) -> None:
        """Create the security configuration.

        :param encryption_key: The KMS key for S3 (SSE-KMS/CSE-KMS), local disks and EBS.
        :param s3_encryption: Default: ``S3EncryptionMode.SSE_KMS`` with ``encryption_key``.
        :param local_disk_encryption: Default: True (AwsKms with ``encryption_key``).
        :param ebs_encryption: Default: the value of ``local_disk_encryption``.
        :param tls_certificates: Default: none (in-transit encryption off, with a warning).
        :param require_imdsv2: Default: True (hop limit 1).
        :param kerberos: Default: no Kerberos.
        :param runtime_roles: Runtime roles for steps and Lake Formation. Default: none (every
            step runs as the instance role).
        :param security_configuration_name: Default: a name CloudFormation generates.
        :param emrfs_role_mappings: IAM roles EMRFS assumes per user, group or S3 prefix
            (``AuthorizationConfiguration.EmrFsConfiguration``). Default: none (the instance role).
        :param s3_key_provider: The key provider for ``S3EncryptionMode.CSE_CUSTOM`` (required with it).
        :param local_disk_key_provider: A custom key provider for local disks instead of
            ``encryption_key`` (no EBS encryption then: that needs AwsKms). Default: none.
        :param s3_encryption_key: The KMS key for S3 (SSE-KMS/CSE-KMS) when it differs from the
            local-disk and EBS key: the jobs' (runtime) roles use it, while the cluster's roles
            only get ``encryption_key``. Default: ``encryption_key``.
        """
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
        v.check(
            (s3_encryption == S3EncryptionMode.CSE_CUSTOM) == (s3_key_provider is not None),
            "s3_key_provider",
            "set" if s3_key_provider else None,
            "given exactly when s3_encryption=S3EncryptionMode.CSE_CUSTOM",
        )
        if local_disk_key_provider is not None:
            v.check(local_disk_encryption, "local_disk_key_provider", "set", "only with local_disk_encryption=True")
            # EMR Management Guide, local disk encryption: EBS encryption needs the AwsKms provider.
            v.check(
                not ebs_encryption,
                "ebs_encryption",
                True,
                "False with a custom local-disk key provider (EBS encryption needs AwsKms)",
            )
        name = security_configuration_name
        if name is not None and not is_token(name):
            v.check(_NAME.match(name) is not None, "security_configuration_name", name, "1 to 256 printable characters")
        v.raise_if_any()
        self.runtime_roles = runtime_roles
        self.emrfs_role_mappings = tuple(emrfs_role_mappings)
        self.s3_encryption = s3_encryption
        self.provider_sources: list[BoundSource] = []
        """The provider JARs the cluster's instance role must read."""
        self._s3_provider = self._bind(s3_key_provider, "S3KeyProvider")
        self._disk_provider = self._bind(local_disk_key_provider, "LocalDiskKeyProvider")
        self._tls_provider = (
            self._bind(tls_certificates.provider, "CertificateProvider")
            if tls_certificates is not None and tls_certificates.provider is not None
            else None
        )
        self.encryption_key = encryption_key
        self.s3_encryption_key = s3_encryption_key or encryption_key
        self.tls_certificates = tls_certificates
        self.require_imdsv2 = require_imdsv2
        self.local_disk_encryption = local_disk_encryption
        self.ebs_encryption = ebs_encryption
        self.kerberos = kerberos
        self.document = self._document(s3_encryption)
        self.resource = emr.CfnSecurityConfiguration(self, "Resource", security_configuration=self.document, name=name)
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

    @staticmethod
    def from_security_configuration_name(
        scope: Construct,
        id: str,
        security_configuration_name: str,
        *,
        encryption_key: kms.IKey,
        kerberos: Kerberos | None = None,
        require_imdsv2: bool = False,
    ) -> EmrSecurityConfiguration:
        """An existing security configuration, referenced by its name and not recreated.

        Its JSON cannot be read at synthesis, so say what a cluster must know of it:

        :param security_configuration_name: The name clusters reference (``SecurityConfiguration``).
        :param encryption_key: The KMS key it encrypts S3 data, local disks and EBS with: the
            cluster's roles are granted its use, and a cluster given no ``encryption_key`` uses it too.
        :param kerberos: Its Kerberos settings, when it has them: the cluster's ``KerberosAttributes``
            (realm and passwords) come from them. Default: no Kerberos.
        :param require_imdsv2: Whether it requires IMDSv2 (the cluster then checks that its release
            starts with IMDSv1 off). Default: False (not checked).
        """
        return _ImportedSecurityConfiguration(
            scope,
            id,
            security_configuration_name,
            encryption_key=encryption_key,
            kerberos=kerberos,
            require_imdsv2=require_imdsv2,
        )

    def _bind(self, provider: CustomProvider | None, id: str) -> tuple[CustomProvider, str] | None:
        if provider is None:
            return None
        bound = provider._bind(self, id)
        self.provider_sources.append(bound)
        return provider, bound.s3_uri

    def _document(self, s3_encryption: S3EncryptionMode) -> dict[str, Any]:
        s3_config: dict[str, Any] = {"EncryptionMode": s3_encryption.value}
        if s3_encryption.value in S3_MODES_WITH_KMS_KEY:
            s3_config["AwsKmsKey"] = self.s3_encryption_key.key_arn
        if self._s3_provider is not None:
            provider, uri = self._s3_provider
            s3_config.update({"S3Object": uri, "EncryptionKeyProviderClass": provider.class_name})
        at_rest: dict[str, Any] = {"S3EncryptionConfiguration": s3_config}
        if self.local_disk_encryption and self._disk_provider is not None:
            provider, uri = self._disk_provider
            at_rest["LocalDiskEncryptionConfiguration"] = {
                "EncryptionKeyProviderType": "Custom",
                "S3Object": uri,
                "EncryptionKeyProviderClass": provider.class_name,
            }
        elif self.local_disk_encryption:
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
        if self._tls_provider is not None:
            provider, uri = self._tls_provider
            encryption["InTransitEncryptionConfiguration"] = {
                "TLSCertificateConfiguration": {
                    "CertificateProviderType": "Custom",
                    "S3Object": uri,
                    "CertificateProviderClass": provider.class_name,
                }
            }
        elif self.tls_certificates is not None:
            encryption["InTransitEncryptionConfiguration"] = {
                "TLSCertificateConfiguration": {
                    "CertificateProviderType": "PEM",
                    "S3Object": self.tls_certificates.s3_uri,
                }
            }
        document: dict[str, Any] = {"EncryptionConfiguration": encryption}
        if self.kerberos is not None:
            document["AuthenticationConfiguration"] = self.kerberos.document()
        authorization: dict[str, Any] = self.runtime_roles.document() if self.runtime_roles is not None else {}
        if self.emrfs_role_mappings:
            authorization["EmrFsConfiguration"] = {"RoleMappings": [m.document() for m in self.emrfs_role_mappings]}
        if authorization:
            document["AuthorizationConfiguration"] = authorization
        if self.require_imdsv2:
            document["InstanceMetadataServiceConfiguration"] = {
                "MinimumInstanceMetadataServiceVersion": 2,
                "HttpPutResponseHopLimit": 1,
            }
        return document


class _ImportedSecurityConfiguration(EmrSecurityConfiguration):
    """A security configuration that exists already: only its name reaches the template."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        name: str,
        *,
        encryption_key: kms.IKey,
        kerberos: Kerberos | None,
        require_imdsv2: bool,
    ) -> None:
        Construct.__init__(self, scope, id)
        if not is_token(name):
            v = Validator(f"EmrSecurityConfiguration {self.node.path}")
            v.check(_NAME.match(name) is not None, "security_configuration_name", name, "1 to 256 printable characters")
            v.raise_if_any()
        self.name = name
        self.encryption_key = encryption_key
        self.kerberos = kerberos
        self.require_imdsv2 = require_imdsv2
        self.runtime_roles = None
        self.emrfs_role_mappings = ()
        self.provider_sources = []
        self.tls_certificates = None
        # Unknown here: no finding of the cluster is acknowledged on the strength of these.
        self.local_disk_encryption = False
        self.ebs_encryption = False
        self.document = None
        self.resource = None
