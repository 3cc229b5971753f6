"""Security gates on the synthesized app, both profiles: cdk-nag and cfn-lint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cfnlint.api import ManualArgs, lint_file

IGNORED_CFN_LINT_RULES = {
    # The app's stacks have an explicit environment, so CDK writes the looked-up AZ names
    # (from cdk.json context) into the subnets; aws-cdk-lib's own CloudFormation validation
    # acknowledges W3010 on every such stack for the same reason.
    "W3010": "availability zones come from the explicit stack environment",
    # aws-cdk-lib's lambda.Function puts its role in DependsOn although it references it already
    # (the TLS certificate generator's function); the duplicate ordering is harmless.
    "W3005": "redundant DependsOn written by aws-cdk-lib's lambda.Function",
}


@pytest.fixture(scope="module", params=["dev", "batch", "prod"])
def synthesized(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    return request.getfixturevalue(f"{request.param}_app")


def test_cdk_nag_aws_solutions_has_no_unacknowledged_finding(synthesized) -> None:  # type: ignore[no-untyped-def]
    reports = json.loads((synthesized.outdir / "validation-report.json").read_text())["pluginReports"]
    assert "AwsSolutions" in {r["pluginName"] for r in reports}
    for plugin in reports:
        assert plugin["conclusion"] == "success", plugin["pluginName"]
        assert plugin["violations"] == [], plugin["pluginName"]


def test_every_acknowledgement_has_a_specific_reason(synthesized) -> None:  # type: ignore[no-untyped-def]
    reports = json.loads((synthesized.outdir / "validation-report.json").read_text())["pluginReports"]
    suppressed = [v for r in reports for v in r.get("suppressedViolations", [])]
    assert suppressed, "expected the known acknowledgements (IAM4 for the EMR v2 policy, EMR4)"
    for item in suppressed:
        assert len(item["reason"]) >= 40, item["ruleName"]
        where = item["acknowledgedAt"]
        assert where.split("/")[0] in synthesized.templates, f"acknowledged on the app, not a construct: {where}"


def test_cfn_lint_is_clean(synthesized) -> None:  # type: ignore[no-untyped-def]
    for stack in synthesized.templates:
        template = Path(synthesized.outdir) / f"{stack}.template.json"
        matches = lint_file(template, config=ManualArgs(regions=["us-east-1"], ignore_checks=list(IGNORED_CFN_LINT_RULES)))
        assert [str(m) for m in matches] == [], stack
