"""EMR releases: label shape, the applications each release ships, their versions.

Which release labels exist per region and which instance types each release supports are EMR's
own lists, recorded from the live ``ListReleaseLabels`` and ``ListSupportedInstanceTypes`` by
moto (:data:`RECORDED_RELEASE_DATA`); the local AWS reads them from there rather than copying
145 releases here. Standard library only.
"""

from __future__ import annotations

import re
from typing import Final

Version = tuple[int, int, int]

#: "Release labels are in the form emr-x.x.x" (EMR Release Guide, "About Amazon EMR Releases").
RELEASE_LABEL_PATTERN: Final = re.compile(r"^emr-(\d+)\.(\d+)\.(\d+)$")

#: Where the per-region release labels and per-release instance types are recorded.
RECORDED_RELEASE_DATA: Final = (
    "moto 5.2.5, moto/emr/resources/release-labels-<region>.json.gz and "
    "instance-types-<release>.json.gz, written from the live EMR API by moto's scripts/emr_get_releases.py"
)


def parse_release_label(label: str) -> Version | None:
    """``emr-7.5.0`` -> ``(7, 5, 0)``; ``None`` for anything else."""
    match = RELEASE_LABEL_PATTERN.match(label or "")
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


#: Application names EMR accepts in ``Applications[].Name`` (EMR Release Guide, application
#: pages of the 5.x, 6.x and 7.x series; ``Presto`` became ``Trino`` (PrestoSQL) in 6.4.0).
APPLICATION_NAMES: Final = (
    "AmazonCloudWatchAgent",
    "Delta",
    "Flink",
    "Ganglia",
    "HBase",
    "HCatalog",
    "Hadoop",
    "Hive",
    "Hudi",
    "Hue",
    "Iceberg",
    "JupyterEnterpriseGateway",
    "JupyterHub",
    "Livy",
    "Oozie",
    "Phoenix",
    "Pig",
    "Presto",
    "Spark",
    "Sqoop",
    "Tez",
    "TensorFlow",
    "Trino",
    "Zeppelin",
    "ZooKeeper",
)

#: Releases that ship an application, as windows ``(first, last)`` with last ``None`` for "still
#: shipped" (``(5, 99, 99)``: the last 5.x); applications not listed ship in every release 5.x+.
#: Sources: the EMR Release Guide's "Application versions in Amazon EMR 4.x/5.x/6.x/7.x releases"
#: tables and each application's "release history" page: Flink, Pig and Sqoop are absent from
#: emr-6.0.x and back in 6.1.0; JupyterEnterpriseGateway from 5.32.0 and 6.2.0; TensorFlow from
#: 5.17.0 (still in 7.14.0); PrestoSQL from 6.1.0, named Trino from 6.4.0; "The last release of
#: Amazon EMR to include Ganglia was Amazon EMR 6.15.0"; Sqoop last in 5.36.2 and 7.4.0 ("The last
#: release to include Apache Sqoop was Amazon EMR Release 7.4"); AmazonCloudWatchAgent from 7.0.0;
#: Livy from 5.9.0; JupyterHub from 5.14.0.
APPLICATION_RELEASES: Final[dict[str, tuple[tuple[Version, Version | None], ...]]] = {
    "Trino": (((6, 4, 0), None),),
    "Flink": (((5, 1, 0), (5, 99, 99)), ((6, 1, 0), None)),
    "Pig": (((4, 0, 0), (5, 99, 99)), ((6, 1, 0), None)),
    "Livy": (((5, 9, 0), None),),
    "JupyterHub": (((5, 14, 0), None),),
    "JupyterEnterpriseGateway": (((5, 32, 0), (5, 99, 99)), ((6, 2, 0), None)),
    "TensorFlow": (((5, 17, 0), None),),
    "Ganglia": (((4, 0, 0), (6, 15, 0)),),
    "Sqoop": (((4, 4, 0), (5, 99, 99)), ((6, 1, 0), (7, 4, 0))),
    "AmazonCloudWatchAgent": (((7, 0, 0), None),),
}


def ships(release: Version, application: str) -> bool:
    """Whether a release includes an application (per :data:`APPLICATION_RELEASES`)."""
    if application not in APPLICATION_NAMES:
        return False
    windows = APPLICATION_RELEASES.get(application, (((4, 0, 0), None),))
    return any(release >= low and (high is None or release <= high) for low, high in windows)


#: Application versions per release, as far as recorded here (EMR Release Guide, "Application
#: versions in Amazon EMR 7.x releases" and the emr-7.1.0 release page). Other releases and
#: applications report no version in the local AWS.
APPLICATION_VERSIONS: Final[dict[str, dict[str, str]]] = {
    "emr-7.0.0": {
        "AmazonCloudWatchAgent": "1.300031.1-amzn-0",
        "Delta": "3.0.0",
        "Flink": "1.18.0-amzn-0",
        "HBase": "2.4.17-amzn-4",
        "HCatalog": "3.1.3-amzn-9",
        "Hadoop": "3.3.6-amzn-2",
        "Hive": "3.1.3-amzn-9",
    },
    "emr-7.1.0": {
        "AmazonCloudWatchAgent": "1.300032.2-amzn-0",
        "Delta": "3.0.0",
        "Flink": "1.18.1-amzn-0",
        "HBase": "2.4.17-amzn-5",
        "HCatalog": "3.1.3-amzn-10",
        "Hadoop": "3.3.6-amzn-3",
        "Hive": "3.1.3-amzn-10",
    },
    "emr-7.2.0": {
        "AmazonCloudWatchAgent": "1.300032.2-amzn-0",
        "Delta": "3.1.0",
        "Flink": "1.18.1-amzn-1",
        "HBase": "2.4.17-amzn-6",
        "HCatalog": "3.1.3-amzn-11",
        "Hadoop": "3.3.6-amzn-4",
        "Hive": "3.1.3-amzn-11",
    },
    "emr-7.3.0": {
        "AmazonCloudWatchAgent": "1.300032.2-amzn-0",
        "Delta": "3.2.0-amzn-0",
        "Flink": "1.18.1-amzn-2",
        "HBase": "2.4.17-amzn-7",
        "HCatalog": "3.1.3-amzn-12",
        "Hadoop": "3.3.6-amzn-5",
        "Hive": "3.1.3-amzn-12",
    },
    "emr-7.5.0": {"AmazonCloudWatchAgent": "1.300032.2-amzn-0", "Delta": "3.2.1-amzn-0", "Flink": "1.19.1-amzn-1"},
    "emr-7.9.0": {"AmazonCloudWatchAgent": "1.300032.2-amzn-0", "Delta": "3.3.0-amzn-1", "Flink": "1.20.0-amzn-3"},
    "emr-7.10.0": {"AmazonCloudWatchAgent": "1.300032.2-amzn-0", "Delta": "3.3.0-amzn-2", "Flink": "1.20.0-amzn-4"},
    "emr-7.12.0": {"AmazonCloudWatchAgent": "1.300032.2-amzn-0", "Delta": "3.3.2-amzn-1", "Flink": "1.20.0-amzn-6"},
}
