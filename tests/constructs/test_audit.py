"""Account guardrails: the CloudTrail trail and EMR block public access, with the three nag packs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks

from cdk_emr.audit import EmrAuditTrail, EmrBlockPublicAccess


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> tuple[Template, Path]:
    outdir = tmp_path_factory.mktemp("audit")
    app = cdk.App(outdir=str(outdir))
    stack = cdk.Stack(app, "Audit", env=cdk.Environment(account="123456789012", region="us-east-1"))
    EmrAuditTrail(stack, "Trail")
    EmrBlockPublicAccess(stack, "BlockPublicAccess", permitted_public_ports=[22])
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app), HIPAASecurityChecks(app), NIST80053R5Checks(app))
    app.synth()
    return Template.from_stack(stack), outdir


def test_trail_validates_encrypts_and_covers_every_region(synthesized: tuple[Template, Path]) -> None:
    template, _ = synthesized
    template.has_resource_properties(
        "AWS::CloudTrail::Trail",
        {
            "EnableLogFileValidation": True,
            "IsMultiRegionTrail": True,
            "IncludeGlobalServiceEvents": True,
            "KMSKeyId": Match.any_value(),
            "CloudWatchLogsLogGroupArn": Match.any_value(),
        },
    )
    template.has_resource(
        "AWS::Logs::LogGroup",
        {"DeletionPolicy": "Retain", "Properties": Match.object_like({"KmsKeyId": Match.any_value(), "RetentionInDays": 365})},
    )
    buckets = template.find_resources("AWS::S3::Bucket")
    assert len(buckets) == 2 and all(b["DeletionPolicy"] == "Retain" for b in buckets.values())


def test_block_public_access_call_and_its_least_privilege_role(synthesized: tuple[Template, Path]) -> None:
    template, _ = synthesized
    [resource] = template.find_resources("Custom::AWS").values()
    create = json.dumps(resource["Properties"]["Create"])
    assert "putBlockPublicAccessConfiguration" in create and '\\"MinRange\\":22' in create
    statements: list[dict[str, Any]] = [
        s
        for name, p in template.find_resources("AWS::IAM::ManagedPolicy").items()
        if name.startswith("BlockPublicAccessRolePolicy")
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]
    assert {"Action": "elasticmapreduce:PutBlockPublicAccessConfiguration", "Effect": "Allow", "Resource": "*"} in statements
    inline = template.find_resources("AWS::IAM::Policy")
    assert list(inline) == ["TrailLogsRoleDefaultPolicyA93A7F06"], "only CloudTrail's own log-delivery role is inline"


def test_three_nag_packs_have_no_unacknowledged_finding(synthesized: tuple[Template, Path]) -> None:
    _, outdir = synthesized
    plugins = json.loads((outdir / "validation-report.json").read_text())["pluginReports"]
    assert {"AwsSolutions", "HIPAA.Security", "NIST.800.53.R5"} <= {p["pluginName"] for p in plugins}
    assert all(p["violations"] == [] for p in plugins)
    acknowledged = [v for p in plugins for v in p.get("suppressedViolations", [])]
    assert acknowledged and all(len(v["reason"]) > 40 for v in acknowledged)


def test_fails_on_a_port_out_of_range() -> None:
    with pytest.raises(ValueError, match=r"permitted_public_ports\[0\]=70000: a port, 0 to 65535"):
        EmrBlockPublicAccess(cdk.Stack(cdk.App(), "S"), "Bpa", permitted_public_ports=[70000])
