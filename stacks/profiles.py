"""Environment profiles as plain data: the same platform, sized and locked down per environment.

Select one with the CDK context key ``profile`` (``cdk synth -c profile=prod``); ``dev`` when
absent. Profiles hold only plain values, so they can be read, diffed and tested without CDK.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FleetSpec:
    """A fleet as data: instance types (first is preferred) and on-demand/spot units."""

    instance_types: tuple[str, ...]
    on_demand: int = 0
    spot: int = 0


@dataclass(frozen=True)
class ScalingSpec:
    """Managed-scaling limits in fleet units."""

    minimum: int
    maximum: int
    maximum_on_demand: int
    maximum_core: int


@dataclass(frozen=True)
class TeamSpec:
    """A team of a multi-team platform and its cluster: budget, instance families, Glue databases."""

    name: str
    cluster_name: str
    primary: FleetSpec
    core: FleetSpec
    task: tuple[FleetSpec, ...]
    scaling: ScalingSpec
    max_hourly_usd: float
    allowed_instance_families: tuple[str, ...]
    glue_databases: tuple[str, ...]
    cost_center: str


@dataclass(frozen=True)
class Profile:
    """Everything that differs between environments."""

    name: str
    release_label: str
    applications: tuple[str, ...]
    primary: FleetSpec
    core: FleetSpec
    task: tuple[FleetSpec, ...]
    scaling: ScalingSpec | None
    idle_timeout_minutes: int | None
    termination_protection: bool
    nat_gateways: int
    interface_endpoints: bool
    glue_catalog: bool
    external_kdc: bool
    """Kerberos through the KDC stack's cluster (required with 3 primaries), else a dedicated KDC."""
    python_packages: tuple[str, ...] = field(default=())
    teams: tuple[TeamSpec, ...] = field(default=())
    """With teams: an EmrPlatform (shared foundation) with one cluster per team, instead of one cluster."""


GRAVITON_GENERAL = ("m7g.xlarge", "m6g.xlarge")
GRAVITON_FAMILIES = ("m7g", "m6g", "r7g", "r6g", "c7g", "c6g")
PROD_PRIMARY = FleetSpec(("m7g.2xlarge",), on_demand=3)
PROD_CORE = FleetSpec(("m7g.2xlarge", "m6g.2xlarge", "r7g.2xlarge"), on_demand=4)
PROD_TASK = (FleetSpec(("m7g.2xlarge", "m6g.2xlarge", "r7g.2xlarge", "r6g.2xlarge", "c7g.2xlarge", "c6g.2xlarge"), spot=4),)
PROD_SCALING = ScalingSpec(minimum=8, maximum=40, maximum_on_demand=4, maximum_core=4)
PROD_TEAMS = (
    # The long-running HA cluster: 8.84 USD/h at maximum capacity (cdk-emr cost), budget 10.
    TeamSpec(
        name="analytics",
        cluster_name="cdk-emr-prod-analytics",
        primary=PROD_PRIMARY,
        core=PROD_CORE,
        task=PROD_TASK,
        scaling=PROD_SCALING,
        max_hourly_usd=10.0,
        allowed_instance_families=GRAVITON_FAMILIES,
        glue_databases=("analytics",),
        cost_center="cc-analytics",
    ),
    # Feature engineering: memory-optimized, one primary node, spot task capacity; budget 3.
    TeamSpec(
        name="ml",
        cluster_name="cdk-emr-prod-ml",
        primary=FleetSpec(GRAVITON_GENERAL, on_demand=1),
        core=FleetSpec(("r7g.xlarge", "r6g.xlarge"), on_demand=2),
        task=(FleetSpec(("r7g.2xlarge", "r6g.2xlarge", "m7g.2xlarge"), spot=2),),
        scaling=ScalingSpec(minimum=2, maximum=10, maximum_on_demand=2, maximum_core=2),
        max_hourly_usd=3.0,
        allowed_instance_families=("r7g", "r6g", "m7g", "m6g"),
        glue_databases=("ml_features",),
        cost_center="cc-ml",
    ),
)

PROFILES: dict[str, Profile] = {
    "dev": Profile(
        name="dev",
        release_label="emr-7.14.0",
        applications=("Hadoop", "Spark", "Livy"),
        primary=FleetSpec(GRAVITON_GENERAL, on_demand=1),
        core=FleetSpec(GRAVITON_GENERAL, on_demand=1),
        task=(FleetSpec(("m7g.xlarge", "m6g.xlarge", "c7g.xlarge", "r7g.xlarge"), spot=1),),
        scaling=ScalingSpec(minimum=2, maximum=6, maximum_on_demand=1, maximum_core=1),
        idle_timeout_minutes=60,
        termination_protection=False,
        nat_gateways=1,
        interface_endpoints=False,
        glue_catalog=True,
        external_kdc=False,
        python_packages=("pyarrow==17.0.0",),
    ),
    "batch": Profile(
        # Fault-tolerant batch: core on spot too (cdk-emr warns about HDFS), data in S3, cheap.
        name="batch",
        release_label="emr-7.14.0",
        applications=("Hadoop", "Spark"),
        primary=FleetSpec(GRAVITON_GENERAL, on_demand=1),
        core=FleetSpec(("m7g.xlarge", "m6g.xlarge", "r7g.xlarge", "r6g.xlarge"), spot=2),
        task=(FleetSpec(("m7g.2xlarge", "m6g.2xlarge", "c7g.2xlarge", "r7g.2xlarge", "r6g.2xlarge"), spot=4),),
        scaling=ScalingSpec(minimum=2, maximum=24, maximum_on_demand=0, maximum_core=4),
        idle_timeout_minutes=15,
        termination_protection=False,
        nat_gateways=1,
        interface_endpoints=False,
        glue_catalog=True,
        external_kdc=False,
        python_packages=("pyarrow==17.0.0",),
    ),
    "prod": Profile(
        name="prod",
        release_label="emr-7.14.0",
        applications=("Hadoop", "Spark", "Hive", "Livy"),
        primary=PROD_PRIMARY,
        core=PROD_CORE,
        task=PROD_TASK,
        scaling=PROD_SCALING,
        idle_timeout_minutes=None,
        termination_protection=True,
        nat_gateways=2,
        interface_endpoints=True,
        glue_catalog=True,
        external_kdc=True,
        python_packages=("pyarrow==17.0.0",),
        teams=PROD_TEAMS,
    ),
}


def get_profile(name: str | None) -> Profile:
    """The profile called ``name`` (``dev`` when None); a clear error for unknown names."""
    key = name or "dev"
    if key not in PROFILES:
        raise ValueError(f"profile={key!r}: choose one of {', '.join(sorted(PROFILES))} (cdk synth -c profile=NAME)")
    return PROFILES[key]
