"""The security gates on what the app's profiles do not use: a cluster whose egress is restricted
to its own nodes, the VPC endpoints and S3, with Glue grants, monitoring and a generated TLS bundle
in a bucket of its own. cdk-nag (AwsSolutions, HIPAA, NIST 800-53 R5), cfn-lint and checkov."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_s3 as s3
from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks
from cfnlint.api import ManualArgs, lint_file

from cdk_emr import EmrCluster, EmrMonitoring, EmrSecurityConfiguration, GlueAccess, Kerberos
from cdk_emr.compliance import acknowledge
from cdk_emr.encryption import create_emr_key
from cdk_emr.security import GeneratedTlsCertificates
from cdk_emr.storage import access_logs_bucket, secure_bucket, use_bucket_policy_for_access_logs

REPO = Path(__file__).resolve().parents[2]
CHECKOV = REPO / ".venv-checkov" / "bin" / "checkov"
STACK = "Hardened"
ACCOUNT, REGION = "123456789012", "us-east-1"
PREFIX_LIST_LOOKUP = (
    f"cc-api-provider:account={ACCOUNT}:expectedMatchCount=exactly-one:propertiesToReturn.0=PrefixListId:"
    f"propertyMatch.PrefixListName=com.amazonaws.{REGION}.s3:region={REGION}:typeName=AWS$:$:EC2$:$:PrefixList"
)


@pytest.fixture(scope="module")
def outdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hardened")
    app = cdk.App(
        outdir=str(out),
        context={"@aws-cdk/core:enablePartitionLiterals": True, PREFIX_LIST_LOOKUP: [{"PrefixListId": "pl-63a5400a"}]},
    )
    stack = cdk.Stack(app, STACK, env=cdk.Environment(account=ACCOUNT, region=REGION))
    use_bucket_policy_for_access_logs(stack)
    key = create_emr_key(stack, "Key")
    certificates = secure_bucket(
        stack,
        "Certificates",
        encryption_key=key,
        server_access_logs_bucket=access_logs_bucket(stack, "AccessLogs"),
        server_access_logs_prefix="certificates/",
    )
    tls = GeneratedTlsCertificates(stack, "Tls", bucket=certificates, validity_days=90)
    configuration = EmrSecurityConfiguration(
        stack,
        "SecurityConfiguration",
        encryption_key=key,
        tls_certificates=tls.certificates,
        kerberos=Kerberos.cluster_dedicated_kdc(),
    )
    cluster = EmrCluster(
        stack, "Cluster", nat_gateways=0, restrict_egress=True, security_configuration=configuration, encryption_key=key
    )
    tls.grant_read(cluster.instance_role)
    cluster.grant_glue_catalog(database_names=["default"])
    cluster.grant_glue_catalog(database_names=["sales"], access=GlueAccess.READ_WRITE)
    EmrMonitoring(stack, "Monitoring", cluster=cluster, auto_termination_enabled=True)
    for bucket in [c for c in stack.node.find_all() if isinstance(c, s3.CfnBucket)]:
        for pack in ("HIPAA.Security", "NIST.800.53.R5"):
            acknowledge(
                bucket,
                f"{pack}::{pack}-S3BucketReplicationEnabled",
                "Cross-region replication is a disaster-recovery choice of the app (stacks/choices.py), not of these constructs.",
            )
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app), HIPAASecurityChecks(app), NIST80053R5Checks(app))
    try:
        app.synth()
    except RuntimeError as error:  # the findings are in validation-report.json, asserted below
        assert "ValidationFailed" in str(error)
    return out


def test_cdk_nag_packs_have_no_unacknowledged_finding(outdir: Path) -> None:
    reports = json.loads((outdir / "validation-report.json").read_text())["pluginReports"]
    assert {r["pluginName"] for r in reports} >= {"AwsSolutions", "HIPAA.Security", "NIST.800.53.R5"}
    assert [(r["pluginName"], v["ruleName"]) for r in reports for v in r["violations"]] == []
    for item in (v for r in reports for v in r.get("suppressedViolations", [])):
        assert len(item["reason"]) >= 40, item["ruleName"]


def test_cfn_lint_is_clean(outdir: Path) -> None:
    matches = lint_file(outdir / f"{STACK}.template.json", config=ManualArgs(regions=[REGION], ignore_checks=["W3010", "W3005"]))
    assert [str(m) for m in matches] == []


@pytest.mark.skipif(not CHECKOV.exists(), reason="checkov is not installed: run `make install`")
def test_checkov_finds_no_failed_check(outdir: Path) -> None:
    done = subprocess.run(
        [
            str(CHECKOV),
            "-f",
            str(outdir / f"{STACK}.template.json"),
            "--framework",
            "cloudformation",
            "--skip-download",
            "-o",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    result = json.loads(done.stdout)
    report = result[0] if isinstance(result, list) else result
    assert [(c["check_id"], c["resource"]) for c in report["results"]["failed_checks"]] == []
