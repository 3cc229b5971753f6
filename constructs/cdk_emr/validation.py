"""Construction-time validation: collect every violated rule, then raise one clear error.

Each rule names the property, the value it was given and what is allowed, so that a user fixes
every problem in one pass. Values that are CDK tokens (unresolved until deploy) are skipped by
the callers: they cannot be judged at synth time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Violation:
    """One broken rule: which property, the value it had, and what is allowed."""

    property: str
    value: Any
    allowed: str

    def __str__(self) -> str:
        return f"{self.property}={self.value!r}: {self.allowed}"


class EmrValidationError(ValueError):
    """Raised at construction time when a configuration breaks one or more rules."""

    def __init__(self, subject: str, violations: list[Violation]) -> None:
        self.subject = subject
        self.violations = list(violations)
        lines = "\n".join(f"  - {v}" for v in self.violations)
        plural = "s" if len(self.violations) != 1 else ""
        super().__init__(f"Invalid {subject} ({len(self.violations)} problem{plural}):\n{lines}")


@dataclass
class Validator:
    """Accumulates violations for one subject and raises them together.

    Use ``check(condition, prop, value, allowed)``: a false condition records a violation.
    Nested validators (a fleet inside a cluster) can ``merge`` into a parent with a prefix.
    """

    subject: str
    violations: list[Violation] = field(default_factory=list)

    def check(self, ok: bool, prop: str, value: Any, allowed: str) -> bool:
        """Record a violation unless ``ok``; return ``ok`` so callers can chain checks."""
        if not ok:
            self.violations.append(Violation(prop, value, allowed))
        return ok

    def merge(self, other: Validator, prefix: str) -> None:
        """Adopt another validator's violations, with ``prefix.`` before each property."""
        for v in other.violations:
            self.violations.append(Violation(f"{prefix}.{v.property}", v.value, v.allowed))

    def raise_if_any(self) -> None:
        """Raise :class:`EmrValidationError` listing every violation, if there is any."""
        if self.violations:
            raise EmrValidationError(self.subject, self.violations)


# An SNS email endpoint: one address with a domain (SNS Subscribe, Protocol "email").
_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")


def check_email_addresses(v: Validator, prop: str, addresses: Sequence[str]) -> None:
    """Each item one email address (SNS refuses the subscription of anything else at deploy)."""
    for i, address in enumerate(addresses):
        if not is_token(address):
            v.check(_EMAIL.match(address) is not None, f"{prop}[{i}]", address, "an email address such as 'team@example.com'")
    v.check(len(set(addresses)) == len(addresses), prop, list(addresses), "each address once (one subscription each)")


def invalid(subject: str, prop: str, value: Any, allowed: str) -> EmrValidationError:
    """One broken rule as an error to raise: ``raise invalid("EmrCluster S/C", "port", 0, "1 to 65535")``."""
    return EmrValidationError(subject, [Violation(prop, value, allowed)])


def is_token(value: Any) -> bool:
    """True when ``value`` is a CDK token that only resolves at deploy time.

    Imported lazily so that the operations half of the package never loads aws_cdk.
    """
    if value is None:
        return False
    from aws_cdk import Token

    return bool(Token.is_unresolved(value))
