"""Fixtures for the local EMR emulation tests: dummy credentials and an in-process mock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from cdk_emr.local import install, lifecycle, uninstall

REGION = "us-east-1"


@pytest.fixture(autouse=True)
def aws_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Dummy credentials; no profile, config file or endpoint from the environment."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": str(tmp_path / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "aws-credentials"),
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_EMR"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def restore_moto() -> Iterator[None]:
    """Leave moto's own EMR model in place for tests outside this directory."""
    yield
    uninstall()


#: The roles EMR's create-default-roles makes; clusters in these tests name them.
SERVICE_ROLE = "EMR_DefaultRole"
INSTANCE_PROFILE = "EMR_EC2_DefaultRole"


@pytest.fixture
def clock() -> Iterator[lifecycle.ManualClock]:
    """Time that moves only when a test says so, at the AWS durations (time scale 1)."""
    manual = lifecycle.ManualClock()
    lifecycle.configure(clock=manual, time_scale=1.0)
    yield manual
    lifecycle.reset()


@pytest.fixture
def mocked_aws(clock: lifecycle.ManualClock) -> Iterator[None]:
    """moto in-process, with the EMR emulation installed and EMR's default roles in IAM."""
    install()
    with mock_aws():
        iam = boto3.client("iam", region_name=REGION)
        for role in (SERVICE_ROLE, INSTANCE_PROFILE):
            iam.create_role(RoleName=role, AssumeRolePolicyDocument="{}")
        iam.create_instance_profile(InstanceProfileName=INSTANCE_PROFILE)
        iam.add_role_to_instance_profile(InstanceProfileName=INSTANCE_PROFILE, RoleName=INSTANCE_PROFILE)
        yield


@pytest.fixture
def emr(mocked_aws: None) -> Any:
    return boto3.client("emr", region_name=REGION)


@pytest.fixture
def cloudformation(mocked_aws: None) -> Any:
    return boto3.client("cloudformation", region_name=REGION)


@pytest.fixture
def ec2(mocked_aws: None) -> Any:
    return boto3.client("ec2", region_name=REGION)
