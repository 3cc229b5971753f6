"""Build the app's stacks (shared by app.py and the tests)."""

from __future__ import annotations

import aws_cdk as cdk

from stacks.blueprints import select_blueprints
from stacks.platform_stack import EmrPlatformStack, EmrTeamsPlatformStack
from stacks.profiles import get_profile


def build_app(
    app: cdk.App, *, profile_name: str | None, env: cdk.Environment, nag: bool = True
) -> EmrPlatformStack | EmrTeamsPlatformStack:
    """Add the stacks for ``profile_name`` to ``app`` and, by default, the compliance packs.

    Profiles with an external KDC get a ``CdkEmr-<profile>-kdc`` stack (shared network and KDC
    cluster) that the platform stack depends on. Profiles with teams get an ``EmrTeamsPlatformStack``
    (an ``EmrPlatform`` with one cluster per team), the others an ``EmrPlatformStack``. The packs: cdk-nag's AwsSolutions, HIPAA
    Security and NIST 800-53 rev 5; any unacknowledged finding fails the synthesis.

    The context key ``blueprints`` (``all``, or names separated by commas; default none) adds
    the use-case blueprint stacks ``CdkEmr-Blueprint-*`` (see :mod:`stacks.blueprints`).
    """
    profile = get_profile(profile_name)
    kdc = None
    if profile.external_kdc:
        # Imported here: only profiles with an external KDC load the KDC's modules (load balancing).
        from stacks.kdc_stack import EmrKdcStack

        kdc = EmrKdcStack(
            app,
            f"CdkEmr-{profile.name}-kdc",
            profile=profile,
            env=env,
            description=f"cdk-emr shared network and KDC cluster ({profile.name} profile)",
        )
    stack_class = EmrTeamsPlatformStack if profile.teams else EmrPlatformStack
    stack = stack_class(
        app,
        f"CdkEmr-{profile.name}",
        profile=profile,
        kdc=kdc,
        env=env,
        description=f"cdk-emr EMR platform ({profile.name} profile)",
    )
    add_blueprints(app, app.node.try_get_context("blueprints"), env=env)
    if nag:
        add_compliance_packs(app)
    return stack


def add_compliance_packs(app: cdk.App) -> None:
    """cdk-nag's AwsSolutions, HIPAA Security and NIST 800-53 rev 5 packs on every stack of ``app``.

    cdk-nag is imported here, not at module level: loading it (Python module and ~320 JavaScript
    files in the jsii kernel) is part of what the packs cost, and an app built with ``nag=False``
    does not pay it (docs/performance.md).
    """
    from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks

    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app), HIPAASecurityChecks(app), NIST80053R5Checks(app))


def nag_from_context(value: object) -> bool:
    """Whether the compliance packs run, from the context key ``nag``: on unless it is ``off``.

    ``cdk synth -c nag=off`` is an inner-loop opt-out only; the default, ``make demo``, CI and the
    test suite run all three packs. Any other value than ``on``/``true``/``off``/``false`` is refused, so a typo
    cannot switch the checks off.
    """
    if value is None or value in ("on", "true", True):
        return True
    if value in ("off", "false", False):
        return False
    raise ValueError(f"nag={value!r}: use -c nag=on (the default) or -c nag=off (inner loop only, no compliance checks)")


def add_blueprints(app: cdk.App, names: str | None, *, env: cdk.Environment) -> list[cdk.Stack]:
    """Add the blueprint stacks named by ``names`` (the ``blueprints`` context value)."""
    return [
        blueprint.build(app, blueprint.stack_name, env=env, description=f"cdk-emr blueprint: {blueprint.description}")
        for blueprint in select_blueprints(names)
    ]
