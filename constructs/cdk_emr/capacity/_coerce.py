"""Accept an enum member or its string value, and report anything else as a violation."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from cdk_emr.validation import Validator

E = TypeVar("E", bound=StrEnum)


def coerce_enum(v: Validator, prop: str, enum: type[E], value: object) -> E | None:
    """``value`` as a member of ``enum`` (``"open"`` works as well as the member), else None.

    A value that is neither is recorded on ``v`` with the allowed values.
    """
    if isinstance(value, enum):
        return value
    try:
        return enum(value)
    except ValueError:
        v.check(False, prop, value, "one of " + ", ".join(repr(m.value) for m in enum))
        return None
