#!/usr/bin/env python3
"""The cdk-emr CDK app: one EMR platform stack, sized by the ``profile`` context key.

    cdk synth                      # dev profile
    cdk synth -c profile=prod      # HA, locked-down profile
    cdk synth -c account=111122223333 -c region=eu-west-1

Account and region come from the context keys ``account``/``region``, else from the CDK CLI's
``CDK_DEFAULT_ACCOUNT``/``CDK_DEFAULT_REGION``, else the embedded local AWS's account
``123456789012`` in ``us-east-1`` (whose availability zones are in cdk.json, so synthesis needs
no AWS account and no network). cdk-nag's AwsSolutions, HIPAA Security and NIST 800-53 R5 packs
check every synthesis; ``-c nag=off`` skips them for a faster inner loop (never in CI or the demo).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "constructs"))

import aws_cdk as cdk  # noqa: E402

from stacks.app_builder import build_app, nag_from_context  # noqa: E402

LOCAL_ACCOUNT = "123456789012"
LOCAL_REGION = "us-east-1"


def main() -> None:
    app = cdk.App()
    account = app.node.try_get_context("account") or os.environ.get("CDK_DEFAULT_ACCOUNT") or LOCAL_ACCOUNT
    region = app.node.try_get_context("region") or os.environ.get("CDK_DEFAULT_REGION") or LOCAL_REGION
    nag = nag_from_context(app.node.try_get_context("nag"))
    if not nag:
        print("cdk-emr: -c nag=off: the compliance packs did NOT check this synthesis (inner loop only)", file=sys.stderr)
    build_app(app, profile_name=app.node.try_get_context("profile"), env=cdk.Environment(account=account, region=region), nag=nag)
    app.synth()


if __name__ == "__main__":
    main()
