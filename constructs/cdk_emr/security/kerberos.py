"""Kerberos authentication for EMR: a cluster-dedicated KDC or an external one.

The KDC admin password lives in Secrets Manager and reaches CloudFormation only as a dynamic
reference (``{{resolve:secretsmanager:...}}``), never as a literal. A cluster with a dedicated
KDC can serve other clusters as their external KDC (the documented "external KDC on a
different cluster" architecture), which is how clusters with several primary nodes, which
cannot run a dedicated KDC, are Kerberized.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from aws_cdk import RemovalPolicy, Stack, Token
from aws_cdk import aws_kms as kms
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from cdk_emr.typecheck import typed
from cdk_emr.validation import Validator, invalid

KDC_PORT = 88
KADMIN_PORT = 749
KPASSWD_PORT = 464
REALM_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9.-]*$")
"""A realm name: upper-case letters, digits, dots and dashes (Kerberos convention: the upper-case domain)."""
MAX_TICKET_LIFETIME_HOURS = 720


class KerberosProvider(StrEnum):
    """Where the cluster's KDC runs."""

    CLUSTER_DEDICATED_KDC = "ClusterDedicatedKdc"
    EXTERNAL_KDC = "ExternalKdc"


@typed
@dataclass(frozen=True, kw_only=True)
class CrossRealmTrust:
    """A one-way trust from a cluster-dedicated KDC to another realm (e.g. Active Directory).

    For an Active Directory domain also give ``ad_domain_join_user`` (a user allowed to join
    computers to the domain) and ``ad_domain_join_password``: EMR API, ``KerberosAttributes``:
    "Required only when establishing a cross-realm trust with an Active Directory domain".
    Default: none (a trust with another MIT KDC). Both reach the template only as the user name
    and a Secrets Manager dynamic reference.
    """

    realm: str
    domain: str
    admin_server: str
    kdc_server: str
    principal_password: secretsmanager.ISecret
    ad_domain_join_user: str | None = None
    ad_domain_join_password: secretsmanager.ISecret | None = None

    def __post_init__(self) -> None:
        v = Validator("CrossRealmTrust")
        v.check(
            (self.ad_domain_join_user is None) == (self.ad_domain_join_password is None),
            "ad_domain_join_user/ad_domain_join_password",
            "one of the two",
            "both (an Active Directory trust) or neither",
        )
        v.raise_if_any()


# EMR Management Guide, "External KDC" examples: "KdcServer": "MasterDNSOfKDCMaster:88",
# "AdminServer": "MasterDNSOfKDCMaster:749"; the cross-realm examples give bare host names.
_HOST_PORT = re.compile(
    r"^[A-Za-z0-9.-]+(:([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?$"
)


# A CloudFormation dynamic reference to an SSM String parameter (CloudFormation User Guide,
# "Using dynamic references to specify template values"): its value is taken as host:port.
SSM_DYNAMIC_REFERENCE = re.compile(r"^\{\{resolve:ssm:[A-Za-z0-9_.\-/]+(:[0-9]+)?\}\}$")
_PORT_SUFFIX = re.compile(r":[0-9]+$")


def ssm_reference(parameter_name: str) -> str:
    """``{{resolve:ssm:<parameter_name>}}``: CloudFormation puts the parameter's value in its place
    at deployment, so a stack can read another's value by name, without ``Fn::ImportValue``."""
    return f"{{{{resolve:ssm:{parameter_name}}}}}"


def _server_address(host: str | None, default_port: int) -> str:
    """``host:port``: the port given with the host (or the value of an SSM dynamic reference),
    else ``host:default_port``."""
    assert host is not None
    if SSM_DYNAMIC_REFERENCE.match(host) or _PORT_SUFFIX.search(host):
        return host
    return f"{host}:{default_port}"


def default_realm(scope: Construct) -> str:
    """The realm EMR documents for the stack's region: ``EC2.INTERNAL`` in us-east-1, else
    ``<REGION>.COMPUTE.INTERNAL``. Needs a stack with a concrete region."""
    region = Stack.of(scope).region
    if Token.is_unresolved(region):
        raise invalid("Kerberos", "realm", None, "a realm, e.g. 'EC2.INTERNAL', for a stack without a concrete region")
    return "EC2.INTERNAL" if region == "us-east-1" else f"{region.upper()}.COMPUTE.INTERNAL"


@typed
class Kerberos:
    """Kerberos settings for a security configuration and its clusters.

    - ``Kerberos.cluster_dedicated_kdc()``: the KDC runs on the primary node (single primary
      only). Default realm: the region's (see :func:`default_realm`); default admin password: a
      generated 32-character secret.
    - ``Kerberos.external_kdc(realm=..., kdc_server=..., admin_server=..., admin_password=...)``:
      the KDC runs elsewhere, e.g. on :attr:`cdk_emr.EmrCluster.primary_dns` of a KDC cluster.
    """

    def __init__(
        self,
        *,
        provider: KerberosProvider,
        realm: str | None = None,
        admin_password: secretsmanager.ISecret | None = None,
        ticket_lifetime_hours: int = 24,
        cross_realm_trust: CrossRealmTrust | None = None,
        kdc_server: str | None = None,
        admin_server: str | None = None,
    ) -> None:
        self.provider = provider
        self.realm = realm
        self.admin_password = admin_password
        self.ticket_lifetime_hours = ticket_lifetime_hours
        self.cross_realm_trust = cross_realm_trust
        self.kdc_server = kdc_server
        self.admin_server = admin_server
        self._validate()

    @staticmethod
    def cluster_dedicated_kdc(
        *,
        realm: str | None = None,
        admin_password: secretsmanager.ISecret | None = None,
        ticket_lifetime_hours: int = 24,
        cross_realm_trust: CrossRealmTrust | None = None,
    ) -> Kerberos:
        """A KDC on the cluster's primary node."""
        return Kerberos(
            provider=KerberosProvider.CLUSTER_DEDICATED_KDC,
            realm=realm,
            admin_password=admin_password,
            ticket_lifetime_hours=ticket_lifetime_hours,
            cross_realm_trust=cross_realm_trust,
        )

    @staticmethod
    def external_kdc(*, realm: str, kdc_server: str, admin_server: str, admin_password: secretsmanager.ISecret) -> Kerberos:
        """A KDC elsewhere: ``kdc_server``/``admin_server`` are host names, optionally with a port
        (``kdc.example.com:88``); without one the standard ports 88 and 749 are added. Either may
        be :func:`ssm_reference` of a parameter that holds ``host:port`` (another stack's KDC,
        read by name at deployment).

        Ticket lifetimes are the external KDC's own setting.
        """
        return Kerberos(
            provider=KerberosProvider.EXTERNAL_KDC,
            realm=realm,
            admin_password=admin_password,
            kdc_server=kdc_server,
            admin_server=admin_server,
        )

    @property
    def is_external(self) -> bool:
        """True for an external KDC."""
        return self.provider == KerberosProvider.EXTERNAL_KDC

    def _validate(self) -> None:
        v = Validator("Kerberos")
        if self.realm is not None and not Token.is_unresolved(self.realm):
            v.check(
                bool(REALM_PATTERN.match(self.realm)),
                "realm",
                self.realm,
                "upper-case letters, digits, dots and dashes, e.g. 'EC2.INTERNAL'",
            )
        v.check(
            1 <= self.ticket_lifetime_hours <= MAX_TICKET_LIFETIME_HOURS,
            "ticket_lifetime_hours",
            self.ticket_lifetime_hours,
            f"1 to {MAX_TICKET_LIFETIME_HOURS} hours",
        )
        if self.is_external:
            for prop in ("realm", "kdc_server", "admin_server", "admin_password"):
                v.check(getattr(self, prop) is not None, prop, None, "required with an external KDC")
            v.check(self.cross_realm_trust is None, "cross_realm_trust", "set", "only with a cluster-dedicated KDC")
            for prop in ("kdc_server", "admin_server"):
                address = getattr(self, prop)
                if isinstance(address, str) and not Token.is_unresolved(address) and not SSM_DYNAMIC_REFERENCE.match(address):
                    v.check(
                        _HOST_PORT.match(address) is not None,
                        prop,
                        address,
                        "a host name, optionally with a port from 1 to 65535 (e.g. 'kdc.example.com' or 'kdc.example.com:88')",
                    )
        v.raise_if_any()

    def document(self) -> dict[str, Any]:
        """The ``AuthenticationConfiguration`` part of the security configuration JSON."""
        if self.is_external:
            provider_config: dict[str, Any] = {
                "ExternalKdcConfiguration": {
                    "KdcServerType": "Single",
                    "AdminServer": _server_address(self.admin_server, KADMIN_PORT),
                    "KdcServer": _server_address(self.kdc_server, KDC_PORT),
                }
            }
        else:
            dedicated: dict[str, Any] = {"TicketLifetimeInHours": self.ticket_lifetime_hours}
            if self.cross_realm_trust is not None:
                trust = self.cross_realm_trust
                dedicated["CrossRealmTrustConfiguration"] = {
                    "Realm": trust.realm,
                    "Domain": trust.domain,
                    "AdminServer": trust.admin_server,
                    "KdcServer": trust.kdc_server,
                }
            provider_config = {"ClusterDedicatedKdcConfiguration": dedicated}
        return {"KerberosConfiguration": {"Provider": self.provider.value, **provider_config}}

    def admin_password_secret(self, scope: Construct, encryption_key: kms.IKey | None) -> secretsmanager.ISecret:
        """The admin password secret: the one given, else a generated one (retained)."""
        if self.admin_password is None:
            self.admin_password = kdc_admin_password(scope, "KdcAdminPassword", encryption_key=encryption_key)
        return self.admin_password


def kdc_admin_password(
    scope: Construct, id: str, *, encryption_key: kms.IKey | None, secret_name: str | None = None
) -> secretsmanager.Secret:
    """A generated 32-character KDC admin password, encrypted with ``encryption_key``, retained.

    ``secret_name`` (default: generated) lets other stacks reference it by name, without an export.
    """
    return unrotated_password(
        scope,
        id,
        description="KDC admin password of EMR clusters (read by EMR at launch)",
        encryption_key=encryption_key,
        secret_name=secret_name,
        why_not_rotated="EMR reads the KDC admin password only when a cluster launches and sets it in the KDC; a "
        "Secrets Manager rotation would change the secret but not the KDC's password, so automatic rotation would "
        "break kadmin.",
    )


def unrotated_password(
    scope: Construct,
    id: str,
    *,
    description: str,
    encryption_key: kms.IKey | None,
    why_not_rotated: str,
    secret_name: str | None = None,
) -> secretsmanager.Secret:
    """A generated 32-character password (letters and digits), retained, that must not rotate
    automatically: the three nag packs' rotation rules are acknowledged with ``why_not_rotated``."""
    from cdk_emr.compliance import acknowledge

    secret = secretsmanager.Secret(
        scope,
        id,
        description=description,
        secret_name=secret_name,
        encryption_key=encryption_key,
        generate_secret_string=secretsmanager.SecretStringGenerator(
            password_length=32, exclude_punctuation=True, include_space=False
        ),
        removal_policy=RemovalPolicy.RETAIN,
    )
    for rule in (
        "AwsSolutions::AwsSolutions-SMG4",
        "HIPAA.Security::HIPAA.Security-SecretsManagerRotationEnabled",
        "NIST.800.53.R5::NIST.800.53.R5-SecretsManagerRotationEnabled",
    ):
        acknowledge(secret, rule, why_not_rotated)
    return secret
