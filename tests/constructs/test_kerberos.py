"""Kerberos: cluster-dedicated and external KDCs, the admin password as a dynamic reference."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk.assertions import Match, Template
from helpers import cluster_properties, security_document

from cdk_emr import EmrCluster, EmrValidationError, InstanceFleet, Kerberos, KerberosProvider, ReleaseLabel

ENV = cdk.Environment(account="123456789012", region="eu-west-1")


def stack() -> cdk.Stack:
    return cdk.Stack(
        cdk.App(context={"availability-zones:account=123456789012:region=eu-west-1": ["eu-west-1a", "eu-west-1b"]}), "S", env=ENV
    )


@pytest.fixture(scope="module")
def kdc() -> tuple[Template, EmrCluster]:
    s = stack()
    clients = ec2.SecurityGroup(s, "Clients", vpc=ec2.Vpc(s, "Other", max_azs=2))
    cluster = EmrCluster(
        s, "Kdc", core=None, auto_termination=None, kerberos=Kerberos.cluster_dedicated_kdc(ticket_lifetime_hours=10)
    )
    cluster.allow_kdc_clients(clients)
    return Template.from_stack(s), cluster


def test_dedicated_kdc_goes_into_the_security_configuration(kdc: tuple[Template, EmrCluster]) -> None:
    template, _ = kdc
    assert security_document(template)["AuthenticationConfiguration"] == {
        "KerberosConfiguration": {
            "Provider": "ClusterDedicatedKdc",
            "ClusterDedicatedKdcConfiguration": {"TicketLifetimeInHours": 10},
        }
    }


def test_admin_password_is_a_generated_secret_passed_as_a_dynamic_reference(kdc: tuple[Template, EmrCluster]) -> None:
    template, cluster = kdc
    attributes: dict[str, Any] = cluster_properties(template)["KerberosAttributes"]
    assert attributes["Realm"] == "EU-WEST-1.COMPUTE.INTERNAL" == cluster.kerberos_realm
    password = attributes["KdcAdminPassword"]["Fn::Join"][1]
    assert password[0] == "{{resolve:secretsmanager:" and password[-1] == ":SecretString:::}}"
    template.has_resource(
        "AWS::SecretsManager::Secret",
        {
            "DeletionPolicy": "Retain",
            "Properties": Match.object_like(
                {
                    "GenerateSecretString": {"ExcludePunctuation": True, "IncludeSpace": False, "PasswordLength": 32},
                    "KmsKeyId": Match.any_value(),
                }
            ),
        },
    )


def test_kdc_clients_reach_kdc_kpasswd_and_kadmin_ports(kdc: tuple[Template, EmrCluster]) -> None:
    template, _ = kdc
    rules = {
        (r["Properties"]["IpProtocol"], r["Properties"]["FromPort"])
        for r in template.find_resources("AWS::EC2::SecurityGroupIngress").values()
    }
    assert rules == {("tcp", 88), ("udp", 88), ("tcp", 464), ("udp", 464), ("tcp", 749)}


def test_cluster_is_created_after_its_security_group_rules(kdc: tuple[Template, EmrCluster]) -> None:
    template, _ = kdc
    [cluster] = template.find_resources("AWS::EMR::Cluster").values()
    ingress = set(template.find_resources("AWS::EC2::SecurityGroupIngress"))
    assert ingress <= set(cluster["DependsOn"])


def test_external_kdc_points_at_another_clusters_primary() -> None:
    s = stack()
    secret = secretsmanager.Secret(s, "Password")
    cluster = EmrCluster(
        s,
        "Ha",
        primary=InstanceFleet.on_demand(["m7g.2xlarge"], 3),
        core=InstanceFleet.on_demand(["m7g.2xlarge"], 4),
        auto_termination=None,
        kerberos=Kerberos.external_kdc(
            realm="EC2.INTERNAL",
            kdc_server="ip-10-0-0-1.ec2.internal",
            admin_server="ip-10-0-0-1.ec2.internal",
            admin_password=secret,
        ),
    )
    template = Template.from_stack(s)
    assert security_document(template)["AuthenticationConfiguration"]["KerberosConfiguration"] == {
        "Provider": "ExternalKdc",
        "ExternalKdcConfiguration": {
            "KdcServerType": "Single",
            "AdminServer": "ip-10-0-0-1.ec2.internal:749",
            "KdcServer": "ip-10-0-0-1.ec2.internal:88",
        },
    }
    assert cluster_properties(template)["KerberosAttributes"]["Realm"] == "EC2.INTERNAL"
    template.resource_count_is("AWS::SecretsManager::Secret", 1)
    with pytest.raises(ValueError, match="this cluster has no KDC of its own"):
        cluster.allow_kdc_clients(cluster.security_groups.core)


def test_fails_if_multiple_primaries_use_a_dedicated_kdc() -> None:
    with pytest.raises(EmrValidationError, match=r"kerberos='ClusterDedicatedKdc': ExternalKdc with multiple primary nodes"):
        EmrCluster(
            stack(),
            "C",
            primary=InstanceFleet.on_demand(["m7g.2xlarge"], 3),
            core=InstanceFleet.on_demand(["m7g.2xlarge"], 4),
            auto_termination=None,
            kerberos=Kerberos.cluster_dedicated_kdc(),
        )


def test_fails_if_release_predates_kerberos() -> None:
    with pytest.raises(
        EmrValidationError, match=r"release_label='emr-5.9.0': a release with Kerberos authentication \(5.10.0\+\)"
    ):
        EmrCluster(
            stack(),
            "C",
            release_label=ReleaseLabel.of("emr-5.9.0"),
            auto_termination=None,
            primary=InstanceFleet.on_demand(["m4.xlarge"]),
            core=InstanceFleet.on_demand(["m4.xlarge"]),
            kerberos=Kerberos.cluster_dedicated_kdc(),
        )


def test_fails_on_bad_kerberos_settings() -> None:
    with pytest.raises(EmrValidationError) as error:
        Kerberos(provider=KerberosProvider.EXTERNAL_KDC, realm="ec2.internal", ticket_lifetime_hours=0)
    assert {v.property for v in error.value.violations} == {
        "realm",
        "ticket_lifetime_hours",
        "kdc_server",
        "admin_server",
        "admin_password",
    }


def test_realm_needs_a_concrete_region() -> None:
    with pytest.raises(ValueError, match="realm=None: a realm, e.g. 'EC2.INTERNAL'"):
        EmrCluster(cdk.Stack(cdk.App(), "Agnostic"), "C", kerberos=Kerberos.cluster_dedicated_kdc())


@pytest.mark.parametrize(
    ("props", "warning"),
    [
        ({"local_disk_encryption": False}, "Local disk and EBS encryption are off"),
        ({"require_imdsv2": False}, "IMDSv1 is allowed"),
        ({}, "In-transit encryption is off"),
    ],
)
def test_an_insecure_security_configuration_is_visibly_warned_about(props: dict[str, Any], warning: str) -> None:
    from aws_cdk import aws_kms as kms
    from aws_cdk.assertions import Annotations

    from cdk_emr import EmrSecurityConfiguration

    s = stack()
    EmrSecurityConfiguration(s, "Insecure", encryption_key=kms.Key(s, "Key"), **props)
    assert Annotations.from_stack(s).find_warning("*", Match.string_like_regexp(warning))


def test_ebs_encryption_without_local_disk_encryption_is_refused() -> None:
    from aws_cdk import aws_kms as kms

    from cdk_emr import EmrSecurityConfiguration

    s = stack()
    with pytest.raises(EmrValidationError, match=r"ebs_encryption=True: False unless local_disk_encryption=True"):
        EmrSecurityConfiguration(s, "Bad", encryption_key=kms.Key(s, "Key"), local_disk_encryption=False, ebs_encryption=True)
    quiet = EmrSecurityConfiguration(s, "NoDisk", encryption_key=kms.Key(s, "Key2"), local_disk_encryption=False)
    assert quiet.ebs_encryption is False  # follows local_disk_encryption


def test_cross_realm_trust_sends_its_principal_password() -> None:
    from cdk_emr import CrossRealmTrust

    s = stack()
    trust = CrossRealmTrust(
        realm="AD.EXAMPLE.COM",
        domain="ad.example.com",
        admin_server="ad.example.com",
        kdc_server="ad.example.com",
        principal_password=secretsmanager.Secret(s, "TrustPassword"),
    )
    EmrCluster(s, "C", kerberos=Kerberos.cluster_dedicated_kdc(cross_realm_trust=trust))
    attributes = cluster_properties(Template.from_stack(s))["KerberosAttributes"]
    parts = attributes["CrossRealmTrustPrincipalPassword"]["Fn::Join"][1]
    assert parts[0] == "{{resolve:secretsmanager:" and "TrustPassword" in str(parts[1])
