"""EMR release labels, applications, and the one table of version gates.

``ReleaseLabel`` is enum-like: well-known releases are class attributes, and
``ReleaseLabel.of("emr-7.9.0")`` accepts any label of the right shape, so users are never
blocked by a release we did not list. Feature and application gates live in the tables at the
bottom of this module; validation code asks :func:`supports` and :func:`application_min_release`.
"""

from __future__ import annotations

import re
from enum import Enum, StrEnum
from typing import ClassVar

from cdk_emr.facts.releases import APPLICATION_RELEASES
from cdk_emr.typecheck import register_string_form, typed
from cdk_emr.validation import EmrValidationError, Validator, Violation

_LABEL = re.compile(r"^emr-(\d+)\.(\d+)\.(\d+)$")

Version = tuple[int, int, int]


@typed
class ReleaseLabel:
    """An Amazon EMR release label such as ``emr-7.9.0``.

    Use a class attribute (``ReleaseLabel.EMR_7_9_0``, ``ReleaseLabel.LATEST``) or
    ``ReleaseLabel.of("emr-6.15.0")``. A malformed label raises ``ValueError`` at once.
    """

    EMR_6_15_0: ClassVar[ReleaseLabel]
    EMR_7_0_0: ClassVar[ReleaseLabel]
    EMR_7_5_0: ClassVar[ReleaseLabel]
    EMR_7_9_0: ClassVar[ReleaseLabel]
    EMR_7_12_0: ClassVar[ReleaseLabel]
    EMR_7_13_0: ClassVar[ReleaseLabel]
    EMR_7_14_0: ClassVar[ReleaseLabel]
    LATEST: ClassVar[ReleaseLabel]
    """The release cdk-emr is tested with and defaults to."""

    def __init__(self, label: str) -> None:
        match = _LABEL.match(label)
        if match is None:
            raise EmrValidationError(
                "ReleaseLabel", [Violation("release_label", label, "expected the form 'emr-X.Y.Z', for example 'emr-7.9.0'")]
            )
        self.label = label
        self.version: Version = (int(match[1]), int(match[2]), int(match[3]))

    @staticmethod
    def of(label: str) -> ReleaseLabel:
        """A release label from its string form, e.g. ``ReleaseLabel.of("emr-7.9.0")``."""
        return ReleaseLabel(label)

    @property
    def major(self) -> int:
        """The major version (7 for emr-7.9.0)."""
        return self.version[0]

    def at_least(self, version: Version) -> bool:
        """True when this release is ``version`` or newer."""
        return self.version >= version

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ReleaseLabel) and other.label == self.label

    def __hash__(self) -> int:
        return hash(self.label)

    def __repr__(self) -> str:
        return f"ReleaseLabel({self.label!r})"

    def __str__(self) -> str:
        return self.label


ReleaseLabel.EMR_6_15_0 = ReleaseLabel("emr-6.15.0")
ReleaseLabel.EMR_7_0_0 = ReleaseLabel("emr-7.0.0")
ReleaseLabel.EMR_7_5_0 = ReleaseLabel("emr-7.5.0")
ReleaseLabel.EMR_7_9_0 = ReleaseLabel("emr-7.9.0")
ReleaseLabel.EMR_7_12_0 = ReleaseLabel("emr-7.12.0")
ReleaseLabel.EMR_7_13_0 = ReleaseLabel("emr-7.13.0")
ReleaseLabel.EMR_7_14_0 = ReleaseLabel("emr-7.14.0")
ReleaseLabel.LATEST = ReleaseLabel.EMR_7_14_0
register_string_form(ReleaseLabel, ReleaseLabel.of, "emr-7.9.0")


class Application(StrEnum):
    """Applications EMR installs, spelled as the ``Applications`` property expects."""

    HADOOP = "Hadoop"
    SPARK = "Spark"
    HIVE = "Hive"
    HBASE = "HBase"
    FLINK = "Flink"
    PRESTO = "Presto"
    TRINO = "Trino"
    LIVY = "Livy"
    JUPYTER_HUB = "JupyterHub"
    JUPYTER_ENTERPRISE_GATEWAY = "JupyterEnterpriseGateway"
    ZEPPELIN = "Zeppelin"
    HUE = "Hue"
    TEZ = "Tez"
    OOZIE = "Oozie"
    PIG = "Pig"
    SQOOP = "Sqoop"
    ZOOKEEPER = "ZooKeeper"
    PHOENIX = "Phoenix"
    HCATALOG = "HCatalog"
    TENSORFLOW = "TensorFlow"
    GANGLIA = "Ganglia"
    CLOUDWATCH_AGENT = "AmazonCloudWatchAgent"


class Feature(Enum):
    """Cluster features whose availability depends on the release."""

    INSTANCE_FLEETS = "instance fleets"
    MANAGED_SCALING = "managed scaling"
    AUTO_TERMINATION = "auto-termination"
    MULTI_PRIMARY_FLEETS = "multiple primary nodes with instance fleets"
    MULTI_PRIMARY_GROUPS = "multiple primary nodes with instance groups"
    KERBEROS = "Kerberos authentication"
    IMDSV2_ONLY = "IMDSv2-only instance metadata"
    RUNTIME_ROLES = "runtime roles"
    PLACEMENT_GROUPS = "placement groups"
    LOG_ENCRYPTION_KMS = "log encryption with a KMS key"
    M5_R5_C5_INSTANCES = "m5, r5 and c5 instances"
    M6I_R6I_C6I_INSTANCES = "m6i, r6i and c6i instances"
    M6G_INSTANCES = "Graviton2 m6g instances"
    C6G_R6G_INSTANCES = "Graviton2 c6g and r6g instances"
    C7G_INSTANCES = "Graviton3 c7g instances"
    M7G_R7G_INSTANCES = "Graviton3 m7g and r7g instances"
    FLEET_ALLOCATION_STRATEGIES = "instance fleet allocation strategies"
    ADVANCED_SCALING = "advanced managed scaling (strategy and utilization index)"
    CUSTOM_AMI = "custom AMIs"
    EBS_ROOT_VOLUME_IOPS_THROUGHPUT = "EBS root volume IOPS and throughput"
    SCALE_DOWN_AT_INSTANCE_HOUR = "scale-down at the instance-hour boundary"
    EMRFS_ROLE_MAPPINGS = "IAM roles for EMRFS requests"


# A rule is a list of (from, to) release windows, to=None meaning "and later"; a release
# supports the feature when it falls in one window. Source: ../shared/reference/emr-facts.md
# (AWS EMR Management Guide, November 2026).
_Window = tuple[Version, Version | None]
_FEATURE_WINDOWS: dict[Feature, list[_Window]] = {
    Feature.INSTANCE_FLEETS: [((4, 8, 0), (4, 99, 99)), ((5, 1, 0), None)],
    Feature.MANAGED_SCALING: [((5, 30, 0), (5, 99, 99)), ((6, 1, 0), None)],
    Feature.AUTO_TERMINATION: [((5, 30, 0), (5, 99, 99)), ((6, 1, 0), None)],
    Feature.MULTI_PRIMARY_FLEETS: [
        ((5, 36, 1), (5, 36, 2)),
        ((6, 8, 1), (6, 8, 1)),
        ((6, 9, 1), (6, 9, 1)),
        ((6, 10, 1), (6, 10, 1)),
        ((6, 11, 1), (6, 11, 1)),
        ((6, 12, 0), None),
    ],
    Feature.MULTI_PRIMARY_GROUPS: [((5, 23, 0), None)],
    Feature.KERBEROS: [((5, 10, 0), None)],
    Feature.IMDSV2_ONLY: [
        ((5, 23, 1), (5, 23, 1)),
        ((5, 27, 1), (5, 27, 1)),
        ((5, 32, 0), (5, 99, 99)),
        ((6, 2, 0), None),
    ],
    Feature.RUNTIME_ROLES: [((6, 7, 0), None)],
    Feature.PLACEMENT_GROUPS: [((5, 23, 0), None)],
    Feature.LOG_ENCRYPTION_KMS: [((5, 30, 0), None)],
    # Instance families: the releases for which EMR's ListSupportedInstanceTypes (us-east-1)
    # lists the family, as recorded in moto 5.2.5 (moto/emr/resources/instance-types-emr-*.json,
    # written from the live API by moto's scripts/emr_get_releases.py). For example emr-6.7.0
    # lists c7g but not m7g/r7g, and 6.10.0 is the first 6.x release to list m7g and r7g.
    Feature.M5_R5_C5_INSTANCES: [((5, 13, 0), None)],
    Feature.M6I_R6I_C6I_INSTANCES: [((5, 35, 0), (5, 99, 99)), ((6, 6, 0), None)],
    Feature.M6G_INSTANCES: [((5, 30, 0), (5, 99, 99)), ((6, 1, 0), None)],
    Feature.C6G_R6G_INSTANCES: [((5, 31, 0), (5, 99, 99)), ((6, 1, 0), None)],
    Feature.C7G_INSTANCES: [((5, 36, 1), (5, 99, 99)), ((6, 7, 0), None)],
    Feature.M7G_R7G_INSTANCES: [((5, 36, 1), (5, 99, 99)), ((6, 10, 0), None)],
    # EMR API reference, InstanceFleetProvisioningSpecifications: "On-Demand and Spot instance
    # allocation strategies are available in Amazon EMR releases 5.12.1 and later."
    Feature.FLEET_ALLOCATION_STRATEGIES: [((5, 12, 1), None)],
    Feature.ADVANCED_SCALING: [((7, 0, 0), None)],
    # botocore EMR model, RunJobFlowInput: CustomAmiId "Available only in Amazon EMR releases 5.7.0
    # and later"; EbsRootVolumeIops/Throughput "Available in Amazon EMR releases 6.15.0 and later";
    # ScaleDownBehavior TERMINATE_AT_INSTANCE_HOUR "only available with Amazon EMR 5.1.0 and later".
    Feature.CUSTOM_AMI: [((5, 7, 0), None)],
    Feature.EBS_ROOT_VOLUME_IOPS_THROUGHPUT: [((6, 15, 0), None)],
    Feature.SCALE_DOWN_AT_INSTANCE_HOUR: [((5, 1, 0), None)],
    # EMR Management Guide, "Configure IAM roles for EMRFS requests to Amazon S3": "supported in
    # Amazon EMR versions 5.10.0 and later".
    Feature.EMRFS_ROLE_MAPPINGS: [((5, 10, 0), None)],
}

# Releases that ship each application: one home, cdk_emr.facts.releases (sources cited there).
_APPLICATION_RELEASES: dict[Application, list[_Window]] = {
    Application(name): list(windows) for name, windows in APPLICATION_RELEASES.items() if name in {a.value for a in Application}
}


def supports(release: ReleaseLabel, feature: Feature) -> bool:
    """True when ``release`` supports ``feature`` according to the gate table."""
    return _in_windows(release.version, _FEATURE_WINDOWS[feature])


def feature_windows(feature: Feature) -> str:
    """The releases supporting ``feature``, in words, for error messages."""
    return _windows_in_words(_FEATURE_WINDOWS[feature])


def _in_windows(version: Version, windows: list[_Window]) -> bool:
    return any(version >= low and (high is None or version <= high) for low, high in windows)


def _windows_in_words(windows: list[_Window]) -> str:
    parts = []
    for low, high in windows:
        lo = ".".join(map(str, low))
        if high is None:
            parts.append(f"{lo}+")
        elif high == low:
            parts.append(lo)
        elif high[1:] == (99, 99):
            parts.append(f"{lo} to {high[0]}.x")
        else:
            parts.append(f"{lo} to {'.'.join(map(str, high))}")
    return ", ".join(parts)


def ships(release: ReleaseLabel, app: Application) -> bool:
    """True when ``release`` includes ``app``."""
    windows = _APPLICATION_RELEASES.get(app)
    return windows is None or _in_windows(release.version, windows)


def application_releases(app: Application) -> str:
    """The releases that ship ``app``, in words, for error messages (``emr-6.4.0 and later``)."""
    parts = []
    for low, high in _APPLICATION_RELEASES.get(app, [((4, 0, 0), None)]):
        lo = "emr-" + ".".join(map(str, low))
        if high is None:
            parts.append(f"{lo} and later")
        elif high[1:] == (99, 99):
            parts.append(f"{lo} to the last emr-{high[0]}.x")
        else:
            parts.append(f"{lo} to emr-{'.'.join(map(str, high))}")
    return ", ".join(parts)


def check_release_gate(v: Validator, release: ReleaseLabel, feature: Feature, prop: str) -> bool:
    """Record on ``v`` that ``prop`` needs ``feature``, unless ``release`` supports it:
    ``prop='emr-5.29.0': a release with <feature> (<the releases that have it>)``."""
    return v.check(
        supports(release, feature), prop, release.label, f"a release with {feature.value} ({feature_windows(feature)})"
    )
