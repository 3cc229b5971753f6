"""Build the app's stacks (shared by app.py and the tests)."""

from __future__ import annotations

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks

from stacks.kdc_stack import EmrKdcStack
from stacks.platform_stack import EmrPlatformStack
from stacks.profiles import get_profile


def build_app(app: cdk.App, *, profile_name: str | None, env: cdk.Environment, nag: bool = True) -> EmrPlatformStack:
    """Add the stacks for ``profile_name`` to ``app`` and, by default, the compliance packs.

    Profiles with an external KDC get a ``CdkEmr-<profile>-kdc`` stack (shared network and KDC
    cluster) that the platform stack depends on. The packs: cdk-nag's AwsSolutions, HIPAA
    Security and NIST 800-53 rev 5; any unacknowledged finding fails the synthesis.
    """
    profile = get_profile(profile_name)
    kdc = None
    if profile.external_kdc:
        kdc = EmrKdcStack(
            app,
            f"CdkEmr-{profile.name}-kdc",
            profile=profile,
            env=env,
            description=f"cdk-emr shared network and KDC cluster ({profile.name} profile)",
        )
    stack = EmrPlatformStack(
        app,
        f"CdkEmr-{profile.name}",
        profile=profile,
        kdc=kdc,
        env=env,
        description=f"cdk-emr EMR platform ({profile.name} profile)",
    )
    if nag:
        cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app), HIPAASecurityChecks(app), NIST80053R5Checks(app))
    return stack
