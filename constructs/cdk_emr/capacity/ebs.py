"""EBS volumes attached to cluster nodes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from aws_cdk import aws_emr as emr

from cdk_emr.capacity._coerce import coerce_enum
from cdk_emr.typecheck import typed
from cdk_emr.validation import Validator


class EbsVolumeType(StrEnum):
    """EBS volume types EMR can attach."""

    GP3 = "gp3"
    GP2 = "gp2"
    IO1 = "io1"
    ST1 = "st1"
    SC1 = "sc1"
    STANDARD = "standard"


_SIZE_LIMITS_GIB = {
    EbsVolumeType.GP3: (1, 16384),
    EbsVolumeType.GP2: (1, 16384),
    EbsVolumeType.IO1: (4, 16384),
    EbsVolumeType.ST1: (125, 16384),
    EbsVolumeType.SC1: (125, 16384),
    EbsVolumeType.STANDARD: (1, 1024),
}

GP3_BASELINE_IOPS = 3000
GP3_MAX_MIB_PER_IOPS = 0.25
# (lowest IOPS, highest IOPS, highest IOPS per GiB) by type (EC2 User Guide, "Amazon EBS volume types")
_IOPS_LIMITS = {EbsVolumeType.GP3: (3000, 16000, 500), EbsVolumeType.IO1: (100, 64000, 50)}


@typed
@dataclass(frozen=True, kw_only=True)
class EbsVolume:
    """EBS volumes of one shape on every instance of a type.

    Default: one 64 GiB gp3 volume (gp3's baseline 3,000 IOPS and 125 MiB/s).
    """

    size_gib: int = 64
    volume_type: EbsVolumeType = EbsVolumeType.GP3
    volumes_per_instance: int = 1
    iops: int | None = None
    """Provisioned IOPS (gp3: 3,000-16,000; io1: required). Default: the type's baseline."""
    throughput_mib: int | None = None
    """gp3 throughput in MiB/s (125-1,000). Default: 125."""

    def __post_init__(self) -> None:
        v = Validator("EbsVolume")
        volume_type = coerce_enum(v, "volume_type", EbsVolumeType, self.volume_type)
        if volume_type is None:
            v.raise_if_any()
        object.__setattr__(self, "volume_type", volume_type)
        low, high = _SIZE_LIMITS_GIB[self.volume_type]
        v.check(low <= self.size_gib <= high, "size_gib", self.size_gib, f"{low} to {high} GiB for {self.volume_type.value}")
        v.check(1 <= self.volumes_per_instance <= 24, "volumes_per_instance", self.volumes_per_instance, "1 to 24")
        # Amazon EBS volume types (EC2 User Guide): gp3 3,000-16,000 IOPS with at most 500 IOPS per
        # GiB, 125-1,000 MiB/s with at most 0.25 MiB/s per provisioned IOPS (EMR's
        # VolumeSpecification documents Throughput 125-1000, gp3 only); io1 100-64,000 IOPS with
        # at most 50 IOPS per GiB, IOPS required.
        iops = self.iops
        if self.throughput_mib is not None:
            v.check(self.volume_type == EbsVolumeType.GP3, "throughput_mib", self.throughput_mib, "only for gp3 volumes")
            v.check(125 <= self.throughput_mib <= 1000, "throughput_mib", self.throughput_mib, "125 to 1000 MiB/s")
            if self.volume_type == EbsVolumeType.GP3:
                provisioned = iops if iops is not None else GP3_BASELINE_IOPS
                v.check(
                    self.throughput_mib <= provisioned * GP3_MAX_MIB_PER_IOPS,
                    "throughput_mib",
                    self.throughput_mib,
                    f"at most 0.25 MiB/s per provisioned IOPS ({provisioned * GP3_MAX_MIB_PER_IOPS:g} MiB/s at {provisioned} IOPS): raise iops",
                )
        if iops is not None:
            v.check(self.volume_type in (EbsVolumeType.GP3, EbsVolumeType.IO1), "iops", iops, "only for gp3 and io1 volumes")
            limits = _IOPS_LIMITS.get(self.volume_type)
            if limits is not None:
                low, high, per_gib = limits
                kind = self.volume_type.value
                v.check(low <= iops <= high, "iops", iops, f"{low} to {high} for {kind}")
                ceiling = per_gib * self.size_gib
                if self.volume_type == EbsVolumeType.GP3:
                    ceiling = max(ceiling, GP3_BASELINE_IOPS)  # every gp3 volume has its 3,000 IOPS baseline
                v.check(
                    iops <= ceiling,
                    "iops",
                    iops,
                    f"at most {per_gib} IOPS per GiB for {kind} ({ceiling} for {self.size_gib} GiB): raise size_gib",
                )
        elif self.volume_type == EbsVolumeType.IO1:
            v.check(False, "iops", None, "required for io1 volumes")
        v.raise_if_any()

    def _render(self) -> emr.CfnCluster.EbsBlockDeviceConfigProperty:
        return emr.CfnCluster.EbsBlockDeviceConfigProperty(
            volume_specification=emr.CfnCluster.VolumeSpecificationProperty(
                size_in_gb=self.size_gib,
                volume_type=self.volume_type.value,
                iops=self.iops,
                throughput=self.throughput_mib,
            ),
            volumes_per_instance=self.volumes_per_instance,
        )


def render_ebs(volumes: tuple[EbsVolume, ...], *, ebs_optimized: bool = True) -> emr.CfnCluster.EbsConfigurationProperty | None:
    """The ``EbsConfiguration`` for a list of volumes (None when there are none)."""
    if not volumes:
        return None
    return emr.CfnCluster.EbsConfigurationProperty(
        ebs_block_device_configs=[v._render() for v in volumes], ebs_optimized=ebs_optimized
    )
