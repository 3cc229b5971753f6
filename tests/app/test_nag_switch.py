"""The inner-loop switch for the compliance packs: on unless explicitly ``off``; typos refused."""

from __future__ import annotations

import pytest

from stacks.app_builder import nag_from_context


@pytest.mark.parametrize("value", [None, "on", "true", True])
def test_packs_run_by_default_and_when_on(value: object) -> None:
    assert nag_from_context(value) is True


@pytest.mark.parametrize("value", ["off", "false", False])
def test_packs_are_skipped_only_when_off(value: object) -> None:
    assert nag_from_context(value) is False


@pytest.mark.parametrize("value", ["of", "no", "0", "", "False"])
def test_any_other_value_is_refused(value: object) -> None:
    with pytest.raises(ValueError, match="nag="):
        nag_from_context(value)
