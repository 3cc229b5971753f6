"""vCPU and memory of the instance types cdk-emr uses, and which of them are Graviton.

Two kinds of rows:

- **sourced**: the 22 types of ``shared/reference/prices.md`` (m5, m6g, m7g, r5, r6g, r7g, c5,
  c6g, c7g xlarge/2xlarge and a few 4xlarge, m6i.xlarge, r6i.xlarge), with the vCPU and memory
  of its sources S2 (EMR instance catalog, 2024-07-22) and S3 (Spot Instance Advisor data,
  2025-06-28), which agree;
- **derived**: the other sizes EMR offers for those families and for c6i, from two EC2 naming
  rules: an ``Nxlarge`` has 4·N vCPUs (xlarge 4, 2xlarge 8, 4xlarge 16, 8xlarge 32, 12xlarge 48,
  16xlarge 64, 24xlarge 96), and memory per vCPU is fixed per family class (m: 4 GiB, r: 8 GiB,
  c: 2 GiB).

Which sizes exist is EMR's own list (ListSupportedInstanceTypes for emr-7.14.0 in us-east-1, as
recorded in moto 5.2.5): EMR offers these families from xlarge up, so ``.large``, ``.medium`` and
``.metal`` are not rows. Memory is EC2's nominal figure (EMR reports slightly less usable memory).
A type that is not a row has no spec: lookups return None rather than guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from cdk_emr.typecheck import typed

SOURCED = "prices.md S2 (2024-07-22), S3 agrees"
DERIVED = "derived: Nxlarge = 4N vCPUs; m 4, r 8, c 2 GiB per vCPU"

# (vCPUs, GiB) as given by prices.md's sources S2 and S3.
_SOURCED_SPECS: dict[str, tuple[int, int]] = {
    "m5.xlarge": (4, 16),
    "m5.2xlarge": (8, 32),
    "m5.4xlarge": (16, 64),
    "m6g.xlarge": (4, 16),
    "m6g.2xlarge": (8, 32),
    "m7g.xlarge": (4, 16),
    "m7g.2xlarge": (8, 32),
    "m7g.4xlarge": (16, 64),
    "r5.xlarge": (4, 32),
    "r5.2xlarge": (8, 64),
    "r6g.xlarge": (4, 32),
    "r6g.2xlarge": (8, 64),
    "r7g.xlarge": (4, 32),
    "r7g.2xlarge": (8, 64),
    "c5.xlarge": (4, 8),
    "c5.2xlarge": (8, 16),
    "c6g.xlarge": (4, 8),
    "c6g.2xlarge": (8, 16),
    "c7g.xlarge": (4, 8),
    "c7g.2xlarge": (8, 16),
    "m6i.xlarge": (4, 16),
    "r6i.xlarge": (4, 32),
}

_GRAVITON_SIZES = ("xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge")
_GEN5_SIZES = ("xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge")
_GEN6I_SIZES = (*_GEN5_SIZES, "32xlarge")

# The sizes EMR offers per family (emr-7.14.0, us-east-1). c5 has 9xlarge and 18xlarge instead
# of 8xlarge and 16xlarge.
EMR_SIZES: dict[str, tuple[str, ...]] = {
    "m5": _GEN5_SIZES,
    "r5": _GEN5_SIZES,
    "c5": ("xlarge", "2xlarge", "4xlarge", "9xlarge", "12xlarge", "18xlarge", "24xlarge"),
    "m6i": _GEN6I_SIZES,
    "r6i": _GEN6I_SIZES,
    "c6i": _GEN6I_SIZES,
    **{family: _GRAVITON_SIZES for family in ("m6g", "r6g", "c6g", "m7g", "r7g", "c7g")},
}

_GIB_PER_VCPU = {"m": 4, "r": 8, "c": 2}
_SIZE = re.compile(r"^(\d*)xlarge$")
_GRAVITON_FAMILY = re.compile(r"^[a-z]+\d+g[a-z]*$")


@typed
@dataclass(frozen=True)
class InstanceSpec:
    """vCPUs and memory of one instance type, and where the figures come from."""

    instance_type: str
    vcpus: int
    memory_gib: int
    source: str

    @property
    def graviton(self) -> bool:
        """True for an AWS Graviton (arm64) type."""
        return is_graviton(self.instance_type)


def _size_vcpus(size: str) -> int:
    match = _SIZE.match(size)
    assert match is not None, size
    return 4 * int(match[1] or 1)


def _build() -> dict[str, InstanceSpec]:
    specs: dict[str, InstanceSpec] = {}
    for family, sizes in EMR_SIZES.items():
        for size in sizes:
            name, vcpus = f"{family}.{size}", _size_vcpus(size)
            specs[name] = InstanceSpec(name, vcpus, vcpus * _GIB_PER_VCPU[family[0]], DERIVED)
    for name, (vcpus, memory) in _SOURCED_SPECS.items():
        specs[name] = InstanceSpec(name, vcpus, memory, SOURCED)
    return specs


INSTANCE_SPECS: Mapping[str, InstanceSpec] = _build()
"""Every tabulated type, by name."""


@typed
def instance_spec(instance_type: str) -> InstanceSpec | None:
    """The spec of ``instance_type``, or None when it is not in the table."""
    return INSTANCE_SPECS.get(instance_type)


@typed
def vcpu_count(instance_type: str) -> int | None:
    """The vCPUs of ``instance_type``, or None when it is not in the table."""
    spec = INSTANCE_SPECS.get(instance_type)
    return spec.vcpus if spec else None


@typed
def is_graviton(instance_type: str) -> bool:
    """True when the family is Graviton: 'g' right after the generation (m7g, r6gd, c7gn, t4g).

    Judged from the name alone, so it also answers for types that are not in the table.
    """
    family = instance_type.split(".", 1)[0] if isinstance(instance_type, str) else ""
    return _GRAVITON_FAMILY.match(family) is not None
