"""checkov (CloudFormation framework) on every synthesized profile: zero failed checks.

checkov has no EMR checks but covers the S3, KMS, IAM, security group, logs and secrets
resources. A skip is written into the resource's metadata with its reason
(``cdk_emr.compliance.skip_checkov``). checkov lives in its own venv (it pins an older boto3).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHECKOV = REPO / ".venv-checkov" / "bin" / "checkov"

pytestmark = pytest.mark.skipif(not CHECKOV.exists(), reason="checkov is not installed: run `make install`")


@pytest.fixture(scope="module", params=["dev", "batch", "prod"])
def report(request: pytest.FixtureRequest) -> dict:  # type: ignore[type-arg]
    app = request.getfixturevalue(f"{request.param}_app")
    done = subprocess.run(
        [
            str(CHECKOV),
            "-d",
            str(app.outdir),
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
    assert done.stdout, done.stderr[-2000:]
    result = json.loads(done.stdout)
    return result[0] if isinstance(result, list) else result


def test_checkov_finds_no_failed_check(report: dict) -> None:  # type: ignore[type-arg]
    failed = [(c["check_id"], c["resource"]) for c in report["results"]["failed_checks"]]
    assert failed == []
    assert report["summary"]["passed"] > 50


def test_every_skip_has_a_reason(report: dict) -> None:  # type: ignore[type-arg]
    for check in report["results"]["skipped_checks"]:
        assert len(check["check_result"].get("suppress_comment", "")) > 20, check["check_id"]
