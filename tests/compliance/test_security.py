"""Security properties of the synthesized app that a reviewer checks first."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

PRIVATE_KEY = re.compile(rb"-----BEGIN [A-Z ]*PRIVATE KEY-----")


@pytest.fixture(scope="module", params=["dev", "prod"])
def synthesized(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    return request.getfixturevalue(f"{request.param}_app")


def statements(template: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for resource in template["Resources"].values():
        document = resource["Properties"].get("PolicyDocument") if resource["Type"].startswith("AWS::IAM::") else None
        found += (document or {}).get("Statement", [])
    return found


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_the_three_nag_packs_ran(synthesized) -> None:  # type: ignore[no-untyped-def]
    reports = json.loads((synthesized.outdir / "validation-report.json").read_text())["pluginReports"]
    assert {"AwsSolutions", "HIPAA.Security", "NIST.800.53.R5"} <= {r["pluginName"] for r in reports}
    assert all(r["violations"] == [] for r in reports)


def test_no_private_key_or_password_anywhere_in_cdk_out(synthesized) -> None:  # type: ignore[no-untyped-def]
    for path in Path(synthesized.outdir).rglob("*"):
        if path.is_file():
            assert not PRIVATE_KEY.search(path.read_bytes()), path


def test_kdc_admin_passwords_are_dynamic_references(synthesized) -> None:  # type: ignore[no-untyped-def]
    clusters = synthesized.all_resources("AWS::EMR::Cluster").values()
    assert clusters
    for cluster in clusters:
        password = cluster["Properties"]["KerberosAttributes"]["KdcAdminPassword"]
        # a secret of the stack (Fn::Join with its ARN) or one read by name (a plain string)
        parts = password["Fn::Join"][1] if isinstance(password, dict) else [password]
        assert parts[0].startswith("{{resolve:secretsmanager:") and parts[-1].endswith(":SecretString:::}}")


def test_no_wildcard_action_or_resource_for_s3_and_kms(synthesized) -> None:  # type: ignore[no-untyped-def]
    for template in synthesized.templates.values():
        for statement in statements(template):
            actions = as_list(statement["Action"])
            assert "*" not in actions and not any(a in ("s3:*", "kms:*") for a in actions), statement
            if any(a.startswith(("s3:", "kms:")) for a in actions):
                assert "*" not in as_list(statement["Resource"]), statement


def test_every_cluster_is_kerberized_and_encrypted(synthesized) -> None:  # type: ignore[no-untyped-def]
    configurations = synthesized.all_resources("AWS::EMR::SecurityConfiguration").values()
    for configuration in configurations:
        document = configuration["Properties"]["SecurityConfiguration"]
        assert "KerberosConfiguration" in document["AuthenticationConfiguration"]
        assert document["EncryptionConfiguration"]["EnableAtRestEncryption"] is True
        assert document["InstanceMetadataServiceConfiguration"]["MinimumInstanceMetadataServiceVersion"] == 2


def test_prod_uses_the_kdc_stacks_replicated_kdc_by_name(prod_app) -> None:  # type: ignore[no-untyped-def]
    configurations = prod_app.resources("AWS::EMR::SecurityConfiguration").values()
    assert len(configurations) == 3  # the platform's (shared clusters) and one per team
    for configuration in configurations:
        kerberos = configuration["Properties"]["SecurityConfiguration"]["AuthenticationConfiguration"]["KerberosConfiguration"]
        assert kerberos["Provider"] == "ExternalKdc"
        # read by name at deployment (SSM dynamic reference), not imported: the KDC stays replaceable
        assert kerberos["ExternalKdcConfiguration"]["KdcServer"].startswith("{{resolve:ssm:")
    for cluster in prod_app.resources("AWS::EMR::Cluster").values():
        assert "Fn::ImportValue" not in json.dumps(cluster["Properties"]["KerberosAttributes"])
