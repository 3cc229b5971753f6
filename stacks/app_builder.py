"""Build the app's stacks (shared by app.py and the tests)."""

from __future__ import annotations

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from stacks.platform_stack import EmrPlatformStack
from stacks.profiles import get_profile


def build_app(app: cdk.App, *, profile_name: str | None, env: cdk.Environment, nag: bool = True) -> EmrPlatformStack:
    """Add the platform stack for ``profile_name`` to ``app`` and, by default, the nag pack."""
    profile = get_profile(profile_name)
    stack = EmrPlatformStack(
        app,
        f"CdkEmr-{profile.name}",
        profile=profile,
        env=env,
        description=f"cdk-emr EMR platform ({profile.name} profile)",
    )
    if nag:
        cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return stack
