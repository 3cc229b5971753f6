"""aws-cdk-lib property structs in CloudFormation's shape, through public attributes only.

``to_cloudformation(emr.CfnClusterProps(...))`` gives ``{"ReleaseLabel": ..., "Instances":
{"MasterInstanceFleet": ...}}`` with tokens left unresolved. It reads each struct's public
properties (never jsii's private ``_values`` or CDK's protected ``_render_properties``, which
change between aws-cdk-lib releases) and names them as CloudFormation does. The names are
checked against the resource schemas cfn-lint ships (``tests/constructs/test_coverage.py``).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Mapping
from typing import Any

# Property names whose CloudFormation spelling is not the plain PascalCase of the Python name.
_IRREGULAR = {
    "size_in_gb": "SizeInGB",
    "os_release_label": "OSReleaseLabel",
    "ad_domain_join_user": "ADDomainJoinUser",
    "ad_domain_join_password": "ADDomainJoinPassword",
    "master_public_dns": "MasterPublicDNS",
}
# Struct properties whose values are free-form maps or JSON: their keys are data, not names.
_OPAQUE = {"configuration_properties", "additional_info", "security_configuration"}


def cloudformation_name(python_name: str) -> str:
    """``ebs_root_volume_iops`` -> ``EbsRootVolumeIops`` (and the irregular few, ``SizeInGB``)."""
    return _IRREGULAR.get(python_name) or "".join(part[:1].upper() + part[1:] for part in python_name.split("_"))


@functools.cache
def _properties(cls: type) -> tuple[tuple[str, ...], bool]:
    """``cls``'s public property names (sorted, as ``inspect.getmembers`` lists them) and whether
    it has any property at all. Cached per class: a class's properties do not change, and the
    guardrails render the same few struct classes hundreds of times per synthesis."""
    members = [(name, member) for name, member in inspect.getmembers(cls) if isinstance(member, property)]
    return tuple(name for name, _ in members if not name.startswith("_")), bool(members)


def _is_struct(value: object) -> bool:
    return type(value).__module__.startswith("aws_cdk") and _properties(type(value))[1]


def to_cloudformation(value: Any) -> Any:
    """``value`` (a struct, list, map or scalar) in CloudFormation's shape; None fields dropped."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [to_cloudformation(v) for v in value]
    if isinstance(value, Mapping):
        return {k: to_cloudformation(v) for k, v in value.items()}
    if _is_struct(value):
        rendered: dict[str, Any] = {}
        for name in _properties(type(value))[0]:
            field = getattr(value, name)
            if field is None:
                continue
            rendered[cloudformation_name(name)] = field if name in _OPAQUE else to_cloudformation(field)
        return rendered
    return value  # tokens (IResolvable) and anything CloudFormation takes as it is
