"""Bad input fails at construction time with one clear error naming property, value and range."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from helpers import new_stack

from cdk_emr import (
    ActionOnFailure,
    Application,
    AutoTermination,
    CommandStep,
    Configuration,
    EbsVolume,
    EbsVolumeType,
    EmrCluster,
    EmrValidationError,
    InstanceFleet,
    InstanceGroup,
    InstanceMarket,
    InstanceTypeConfig,
    ManagedScaling,
    ReleaseLabel,
    ScalingStrategy,
    ScalingUnit,
    ScriptSource,
    SpotOptions,
)

TYPES_6 = ["m5.xlarge", "m5a.xlarge", "m6g.xlarge", "m7g.xlarge", "r5.xlarge", "c5.xlarge"]


def build(**kwargs: object) -> EmrCluster:
    return EmrCluster(new_stack(), "Cluster", **kwargs)  # type: ignore[arg-type]


# ----- value objects -----------------------------------------------------------------------


def test_fails_if_instance_type_is_malformed() -> None:
    with pytest.raises(EmrValidationError, match=r"instance_type='m5-xlarge'.*family\.size"):
        InstanceTypeConfig(instance_type="m5-xlarge")


def test_fails_if_fleet_lists_a_malformed_type() -> None:
    with pytest.raises(EmrValidationError, match=r"instance_types='M5.XLARGE'"):
        InstanceFleet(instance_types=["M5.XLARGE"], target_on_demand_capacity=1)


def test_fails_if_fleet_on_demand_and_spot_capacities_are_both_zero() -> None:
    with pytest.raises(EmrValidationError, match=r"target_on_demand_capacity \+ target_spot_capacity=\(0, 0\).*at least one"):
        InstanceFleet(instance_types=["m5.xlarge"])


def test_fails_if_capacity_is_negative() -> None:
    with pytest.raises(EmrValidationError, match=r"target_spot_capacity=-1: 0 or more"):
        InstanceFleet(instance_types=["m5.xlarge"], target_on_demand_capacity=1, target_spot_capacity=-1)


def test_fails_if_more_than_five_types_without_allocation_strategy() -> None:
    with pytest.raises(EmrValidationError, match=r"instance_types=6: 1 to 5 instance types \(30 with an allocation strategy\)"):
        InstanceFleet(instance_types=TYPES_6, target_on_demand_capacity=1)


def test_six_types_are_fine_with_an_allocation_strategy() -> None:
    fleet = InstanceFleet(instance_types=TYPES_6, target_spot_capacity=1)
    assert fleet.has_allocation_strategy and len(fleet.configs) == 6


def test_fails_if_more_than_thirty_types_even_with_a_strategy() -> None:
    types = [
        f"m{g}.{size}xlarge"
        for g in (5, 6)
        for size in ("", "2", "4", "8", "12", "16", "24", "32", "48", "10", "20", "3", "6", "9", "18", "36")
    ]
    with pytest.raises(EmrValidationError, match=r"instance_types=32: 1 to 30"):
        InstanceFleet(instance_types=types, target_spot_capacity=1)


def test_fails_if_a_type_is_listed_twice() -> None:
    with pytest.raises(EmrValidationError, match="each instance type at most once"):
        InstanceFleet(instance_types=["m5.xlarge", "m5.xlarge"], target_on_demand_capacity=1)


def test_fails_if_spot_timeout_is_out_of_range() -> None:
    with pytest.raises(EmrValidationError, match=r"timeout_minutes=3: 5 to 1440 minutes"):
        SpotOptions(timeout_minutes=3)


def test_fails_if_weighted_capacity_is_zero() -> None:
    with pytest.raises(EmrValidationError, match=r"weighted_capacity=0: 1 to 1000"):
        InstanceTypeConfig(instance_type="m5.xlarge", weighted_capacity=0)


def test_fails_if_scaling_minimum_exceeds_maximum() -> None:
    with pytest.raises(EmrValidationError, match=r"min_capacity=10: at most max_capacity \(4\)"):
        ManagedScaling(min_capacity=10, max_capacity=4)


def test_fails_if_scaling_on_demand_or_core_limit_exceeds_maximum() -> None:
    with pytest.raises(EmrValidationError) as error:
        ManagedScaling(min_capacity=1, max_capacity=4, max_on_demand_capacity=5, max_core_capacity=9)
    assert [v.property for v in error.value.violations] == ["max_on_demand_capacity", "max_core_capacity"]


@pytest.mark.parametrize("timeout", [cdk.Duration.seconds(59), cdk.Duration.days(8)])
def test_fails_if_idle_timeout_is_out_of_range(timeout: cdk.Duration) -> None:
    with pytest.raises(EmrValidationError, match=r"idle_timeout=.*60 to 604800 seconds"):
        AutoTermination(idle_timeout=timeout)


def test_fails_if_ebs_volume_is_out_of_range() -> None:
    with pytest.raises(EmrValidationError, match=r"size_gib=20: 125 to 16384 GiB for st1"):
        EbsVolume(size_gib=20, volume_type=EbsVolumeType.ST1)
    with pytest.raises(EmrValidationError, match=r"throughput_mib=2000: 125 to 1000"):
        EbsVolume(throughput_mib=2000)
    with pytest.raises(EmrValidationError, match=r"iops=None: required for io1"):
        EbsVolume(volume_type=EbsVolumeType.IO1)


def test_fails_if_release_label_is_malformed() -> None:
    with pytest.raises(ValueError, match=r"release_label='7.9.0': expected the form 'emr-X.Y.Z'"):
        ReleaseLabel.of("7.9.0")


def test_fails_if_configuration_value_is_not_a_string() -> None:
    with pytest.raises(EmrValidationError, match=r"properties\['spark.executor.instances'\]=4: expected a string, got int"):
        Configuration("spark-defaults", {"spark.executor.instances": 4})  # type: ignore[dict-item]


def test_fails_if_script_uri_is_not_s3() -> None:
    with pytest.raises(ValueError, match=r"uri='https://x/y.sh'"):
        ScriptSource.from_s3_uri("https://x/y.sh")


def test_fails_if_command_step_has_no_command() -> None:
    with pytest.raises(ValueError, match="command=\\[\\]"):
        CommandStep(name="nothing", command=[])


# ----- the cluster -------------------------------------------------------------------------


def test_fails_if_application_list_is_empty() -> None:
    with pytest.raises(EmrValidationError, match=r"applications=\[\]: at least one application"):
        build(applications=[])


def test_fails_if_primary_fleet_has_two_nodes() -> None:
    with pytest.raises(EmrValidationError, match=r"primary='2 node\(s\)': 1 node, or 3 on-demand nodes"):
        build(primary=InstanceFleet.on_demand(["m7g.xlarge"], 2))


def test_fails_if_multiple_primaries_use_spot_or_several_types() -> None:
    with pytest.raises(EmrValidationError) as error:
        build(
            primary=InstanceFleet(
                instance_types=["m7g.xlarge", "m6g.xlarge"], target_on_demand_capacity=1, target_spot_capacity=2
            ),
            core=InstanceFleet.on_demand(["m7g.xlarge"], 4),
            auto_termination=None,
        )
    assert {v.property for v in error.value.violations} == {"primary.target_spot_capacity", "primary.instance_types"}


def test_fails_if_multiple_primaries_on_a_release_without_them() -> None:
    with pytest.raises(
        EmrValidationError, match=r"release_label='emr-6.10.0': a release with multiple primary nodes with instance fleets"
    ):
        build(
            release_label=ReleaseLabel.of("emr-6.10.0"), primary=InstanceFleet.on_demand(["m5.xlarge"], 3), auto_termination=None
        )


def test_fails_if_multiple_primaries_run_hive_without_external_metastore() -> None:
    with pytest.raises(EmrValidationError, match=r"applications='Hive': with multiple primary nodes, an external metastore"):
        build(
            applications=[Application.HADOOP, Application.HIVE],
            primary=InstanceFleet.on_demand(["m7g.xlarge"], 3),
            auto_termination=None,
        )


def test_multiple_primaries_with_hive_on_glue_are_fine() -> None:
    cluster = build(
        applications=[Application.HADOOP, Application.HIVE],
        configurations=Configuration.glue_data_catalog(),
        primary=InstanceFleet.on_demand(["m7g.xlarge"], 3),
        core=InstanceFleet.on_demand(["m7g.xlarge"], 4),
        auto_termination=None,
    )
    assert cluster.primary.total_capacity == 3


def test_fails_if_multiple_primaries_run_a_step_that_terminates() -> None:
    with pytest.raises(EmrValidationError, match=r"action_on_failure='TERMINATE_CLUSTER': CONTINUE or CANCEL_AND_WAIT"):
        build(
            primary=InstanceFleet.on_demand(["m7g.xlarge"], 3),
            auto_termination=None,
            steps=[CommandStep(name="x", command=["ls"], action_on_failure=ActionOnFailure.TERMINATE_CLUSTER)],
        )


def test_fails_if_application_is_not_in_the_release() -> None:
    with pytest.raises(EmrValidationError, match=r"applications='Trino': Trino ships with emr-6.4.0 and later, not emr-6.2.0"):
        build(release_label=ReleaseLabel.of("emr-6.2.0"), applications=[Application.TRINO])
    with pytest.raises(EmrValidationError, match=r"Ganglia ships with emr-4.0.0 to emr-6.15.0, not emr-7.14.0"):
        build(applications=[Application.GANGLIA])


def test_fails_if_application_is_listed_twice() -> None:
    with pytest.raises(EmrValidationError, match="each application at most once"):
        build(applications=[Application.SPARK, Application.SPARK])


def test_fails_if_managed_scaling_or_auto_termination_predate_the_release() -> None:
    with pytest.raises(EmrValidationError) as error:
        build(release_label=ReleaseLabel.of("emr-5.29.0"), managed_scaling=ManagedScaling(min_capacity=1, max_capacity=4))
    messages = str(error.value)
    assert "managed_scaling='emr-5.29.0': a release supporting managed scaling (5.30.0 to 5.x, 6.1.0+)" in messages
    assert "auto_termination='emr-5.29.0'" in messages


def test_fails_if_fleets_and_groups_mix() -> None:
    with pytest.raises(EmrValidationError, match="all fleets or all groups"):
        build(core=InstanceGroup(instance_type="m5.xlarge"))


def test_fails_if_scaling_unit_does_not_match_the_capacity_kind() -> None:
    with pytest.raises(EmrValidationError, match=r"managed_scaling.unit='Instances': InstanceFleetUnits for instance fleets"):
        build(managed_scaling=ManagedScaling(min_capacity=1, max_capacity=4, unit=ScalingUnit.INSTANCES))


def test_fails_if_max_core_is_below_the_declared_core() -> None:
    with pytest.raises(EmrValidationError, match=r"max_core_capacity=1: at least the core capacity declared \(3"):
        build(
            core=InstanceFleet.on_demand(["m5.xlarge"], 3),
            managed_scaling=ManagedScaling(min_capacity=3, max_capacity=9, max_core_capacity=1),
        )


def test_fails_if_multiple_primary_groups_are_spot() -> None:
    with pytest.raises(EmrValidationError, match=r"primary.market='SPOT': ON_DEMAND"):
        build(
            primary=InstanceGroup(instance_type="m5.xlarge", instance_count=3, market=InstanceMarket.SPOT),
            core=InstanceGroup(instance_type="m5.xlarge", instance_count=4),
            auto_termination=None,
        )


def test_fails_if_step_concurrency_is_out_of_range_or_conflicts_with_steps() -> None:
    with pytest.raises(EmrValidationError, match=r"step_concurrency_level=300: 1 to 256"):
        build(step_concurrency_level=300)
    with pytest.raises(
        EmrValidationError, match=r"action_on_failure='CANCEL_AND_WAIT': CONTINUE when step_concurrency_level > 1"
    ):
        build(
            step_concurrency_level=2,
            steps=[CommandStep(name="x", command=["ls"], action_on_failure=ActionOnFailure.CANCEL_AND_WAIT)],
        )


def test_fails_if_root_volume_is_out_of_range() -> None:
    with pytest.raises(EmrValidationError, match=r"ebs_root_volume_size_gib=200: 15 to 100 GiB"):
        build(ebs_root_volume_size_gib=200)


def test_fails_if_cluster_would_terminate_at_once() -> None:
    with pytest.raises(EmrValidationError, match=r"keep_alive=False: True, or give steps"):
        build(keep_alive=False)


def test_fails_if_imdsv2_is_required_on_a_release_that_cannot_start_without_imdsv1() -> None:
    with pytest.raises(EmrValidationError, match=r"release_label='emr-6.1.0': a release that starts with IMDSv1 off"):
        build(release_label=ReleaseLabel.of("emr-6.1.0"), auto_termination=None)


def test_every_violation_is_reported_at_once() -> None:
    with pytest.raises(EmrValidationError) as error:
        build(applications=[], step_concurrency_level=0, ebs_root_volume_size_gib=1, keep_alive=False)
    assert len(error.value.violations) == 4
    assert "4 problems" in str(error.value)


def test_fails_if_placement_groups_predate_the_release() -> None:
    with pytest.raises(EmrValidationError, match=r"spread_primary_nodes=True: a release with placement groups \(5.23.0\+\)"):
        build(
            release_label=ReleaseLabel.of("emr-5.22.0"),
            spread_primary_nodes=True,
            auto_termination=None,
            primary=InstanceGroup(instance_type="m5.xlarge"),
            core=InstanceGroup(instance_type="m5.xlarge"),
        )


def test_fails_if_utilization_index_is_not_allowed_or_without_advanced_strategy() -> None:
    with pytest.raises(EmrValidationError) as error:
        ManagedScaling(min_capacity=1, max_capacity=4, utilization_performance_index=30)
    assert [str(v) for v in error.value.violations] == [
        "utilization_performance_index=30: 1, 25, 50, 75, 100",
        "utilization_performance_index=30: only with strategy=ScalingStrategy.ADVANCED",
    ]


def test_fails_if_advanced_scaling_predates_emr_7() -> None:
    with pytest.raises(
        EmrValidationError, match=r"managed_scaling.strategy='emr-6.15.0': a release with advanced managed scaling"
    ):
        build(
            release_label=ReleaseLabel.EMR_6_15_0,
            managed_scaling=ManagedScaling(min_capacity=1, max_capacity=4, strategy=ScalingStrategy.ADVANCED),
        )


def test_fails_if_a_fleet_type_is_newer_than_the_release() -> None:
    with pytest.raises(
        EmrValidationError,
        match=r"core.instance_types='m7g.xlarge': a family that emr-6.1.0 offers \(m7g: 5.36.1 to 5.x, 6.10.0\+\)",
    ):
        build(release_label=ReleaseLabel.of("emr-6.1.0"), auto_termination=None, core=InstanceFleet.on_demand(["m7g.xlarge"]))


def test_default_fleets_follow_the_release() -> None:
    cluster = build(release_label=ReleaseLabel.of("emr-6.5.0"))
    assert cluster.primary.instance_type_names == ("m6g.xlarge",)
    assert build().primary.instance_type_names == ("m7g.xlarge", "m6g.xlarge")


def test_fails_if_multiple_primaries_have_fewer_than_4_core_nodes_and_single_replication() -> None:
    with pytest.raises(EmrValidationError, match=r"core='1 unit\(s\), dfs.replication=None': .*at least 4 core nodes"):
        build(primary=InstanceFleet.on_demand(["m7g.xlarge"], 3), auto_termination=None)
    cluster = build(
        primary=InstanceFleet.on_demand(["m7g.xlarge"], 3),
        auto_termination=None,
        configurations=[Configuration("hdfs-site", {"dfs.replication": "2"})],
    )
    assert cluster.core is not None and cluster.core.total_capacity == 1
