"""The five blueprints synthesized once per test session (worker), with the three nag packs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from blueprint_helpers import SynthesizedBlueprints, synth_blueprints  # noqa: E402


@pytest.fixture(scope="session")
def blueprints(tmp_path_factory: pytest.TempPathFactory) -> SynthesizedBlueprints:
    """Every blueprint, synthesized once per session (worker)."""
    return synth_blueprints(tmp_path_factory.mktemp("cdk.out-blueprints"))
