"""A local AWS server shared by the conformance tests, driven by clients nobody here wrote:
the AWS CLI (``awscli`` from PyPI) and boto3's waiters and paginators."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from cdk_emr.local import LocalAws, lifecycle

FAST = 0.001  # a cluster starts in 0.42 s, a step runs 0.06 s
AWS_CLI = Path(sys.executable).parent / "aws"


class Cli:
    """Runs ``aws <args>`` against the local server; returns the exit code, JSON output and stderr."""

    def __init__(self, endpoint_url: str, config_dir: Path) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")} | {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": endpoint_url,  # also for the IAM calls of create-default-roles
            "AWS_CONFIG_FILE": str(config_dir / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(config_dir / "credentials"),
        }
        self.endpoint_url = endpoint_url

    def __call__(self, *args: str) -> tuple[int, Any, str]:
        done = subprocess.run(
            [str(AWS_CLI), *args, "--endpoint-url", self.endpoint_url, "--output", "json"],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        output = json.loads(done.stdout) if done.stdout.strip() else None
        return done.returncode, output, done.stderr


@pytest.fixture(scope="module")
def aws() -> Iterator[LocalAws]:
    with LocalAws(time_scale=FAST, aws_managed_policies=True) as server:
        yield server
    lifecycle.reset()


@pytest.fixture(scope="module")
def cli(aws: LocalAws, tmp_path_factory: pytest.TempPathFactory) -> Cli:
    if not AWS_CLI.exists():
        pytest.skip("the AWS CLI is not installed (make install)")
    return Cli(aws.endpoint_url, tmp_path_factory.mktemp("aws-config"))


@pytest.fixture(scope="module")
def emr(aws: LocalAws) -> Any:
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
    return session.client("emr", endpoint_url=aws.endpoint_url)
