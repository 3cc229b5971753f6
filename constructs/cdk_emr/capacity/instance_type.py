"""Shape check for EC2 instance type names."""

from __future__ import annotations

import re

_INSTANCE_TYPE = re.compile(r"^[a-z][a-z0-9-]*\.(nano|micro|small|medium|large|metal|\d*xlarge|metal-\d+xl)$")


def is_instance_type(name: object) -> bool:
    """True when ``name`` looks like an EC2 instance type (``m7g.xlarge``, ``r5d.24xlarge``)."""
    return isinstance(name, str) and _INSTANCE_TYPE.match(name) is not None


INSTANCE_TYPE_RULE = "an EC2 instance type of the form 'family.size', e.g. 'm7g.xlarge'"
