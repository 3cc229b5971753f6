"""Fixtures for the local EMR emulation tests: dummy credentials and an in-process mock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from cdk_emr.local import install, uninstall

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


@pytest.fixture
def mocked_aws() -> Iterator[None]:
    """moto in-process, with the EMR emulation installed."""
    install()
    with mock_aws():
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
