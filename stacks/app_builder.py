"""Build the app's stacks (shared by app.py and the tests)."""

from __future__ import annotations

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks

from stacks.blueprints import select_blueprints
from stacks.kdc_stack import EmrKdcStack
from stacks.platform_stack import EmrPlatformStack
from stacks.profiles import get_profile


def build_app(app: cdk.App, *, profile_name: str | None, env: cdk.Environment, nag: bool = True) -> EmrPlatformStack:
    """Add the stacks for ``profile_name`` to ``app`` and, by default, the compliance packs.

    Profiles with an external KDC get a ``CdkEmr-<profile>-kdc`` stack (shared network and KDC
    cluster) that the platform stack depends on. The packs: cdk-nag's AwsSolutions, HIPAA
    Security and NIST 800-53 rev 5; any unacknowledged finding fails the synthesis.

    The context key ``blueprints`` (``all``, or names separated by commas; default none) adds
    the use-case blueprint stacks ``CdkEmr-Blueprint-*`` (see :mod:`stacks.blueprints`).
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
    add_blueprints(app, app.node.try_get_context("blueprints"), env=env)
    if nag:
        cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app), HIPAASecurityChecks(app), NIST80053R5Checks(app))
    return stack


def add_blueprints(app: cdk.App, names: str | None, *, env: cdk.Environment) -> list[cdk.Stack]:
    """Add the blueprint stacks named by ``names`` (the ``blueprints`` context value)."""
    return [
        blueprint.build(app, blueprint.stack_name, env=env, description=f"cdk-emr blueprint: {blueprint.description}")
        for blueprint in select_blueprints(names)
    ]
