"""The local AWS inside this process, for tests: moto's ``mock_aws`` with the EMR emulation."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import boto3

import cdk_emr.local.lifecycle as lifecycle
from cdk_emr.local.emr_emulation import install, uninstall

DUMMY_ACCESS_KEY = "testing"


@contextmanager
def emulated_aws(region_name: str = "us-east-1", time_scale: float = 0.0) -> Iterator[boto3.Session]:
    """Run the block against moto in-process with the EMR emulation installed.

    Yields a session with dummy credentials of its own, so no real credentials are read or
    used; on exit the emulation is removed and moto's own EMR model restored. ``time_scale``
    0 (the default) lets every EMR state pass at once; see :mod:`cdk_emr.local.lifecycle`.
    """
    install()
    lifecycle.configure(time_scale=time_scale)
    try:
        from moto import mock_aws

        with mock_aws():
            yield boto3.Session(
                aws_access_key_id=DUMMY_ACCESS_KEY, aws_secret_access_key=DUMMY_ACCESS_KEY, region_name=region_name
            )
    finally:
        lifecycle.reset()
        uninstall()
