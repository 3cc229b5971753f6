"""Checks of EC2 instance type names: the shape, and the size for the families we tabulate."""

from __future__ import annotations

import re

from cdk_emr.capacity.instance_specs import EMR_SIZES

_INSTANCE_TYPE = re.compile(r"^[a-z][a-z0-9-]*\.(nano|micro|small|medium|large|metal|\d*xlarge|metal-\d+xl)$")


def is_instance_type(name: object) -> bool:
    """True when ``name`` looks like an EC2 instance type (``m7g.xlarge``, ``r5d.24xlarge``)."""
    return isinstance(name, str) and _INSTANCE_TYPE.match(name) is not None


INSTANCE_TYPE_RULE = "an EC2 instance type of the form 'family.size', e.g. 'm7g.xlarge'"


def instance_type_problem(name: object) -> str | None:
    """What is wrong with ``name`` as an EMR instance type (the allowed values), or None.

    Names of families we do not tabulate are only checked for their shape.
    """
    if not is_instance_type(name):
        return INSTANCE_TYPE_RULE
    assert isinstance(name, str)
    family, size = name.split(".", 1)
    sizes = EMR_SIZES.get(family)
    if sizes is not None and size not in sizes:
        return f"a size EMR offers for {family}: {', '.join(sizes)}"
    return None
