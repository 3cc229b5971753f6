"""Local AWS for cdk-emr: moto with a faithful-enough EMR emulation.

:func:`install` extends moto's EMR backend (for ``moto.mock_aws`` in this process) and
:func:`uninstall` restores moto's own;
:func:`emulated_aws` runs a block against both in-process, for tests;
:class:`LocalAws` runs a moto server with the emulation on ``http://localhost:PORT``.
See :mod:`cdk_emr.local.emr_emulation` for what the emulation adds and its conventions.
Nothing here imports ``aws_cdk``.
"""

from cdk_emr.local.emr_emulation import (
    SUPPORTED_MOTO_VERSION,
    MotoVersionError,
    check_moto_version,
    install,
    is_installed,
    uninstall,
)
from cdk_emr.local.in_process import emulated_aws
from cdk_emr.local.server import LocalAws

__all__ = [
    "SUPPORTED_MOTO_VERSION",
    "LocalAws",
    "MotoVersionError",
    "check_moto_version",
    "emulated_aws",
    "install",
    "is_installed",
    "uninstall",
]
