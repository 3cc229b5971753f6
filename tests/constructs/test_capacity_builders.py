"""Fleet builders: instance specs, vCPU weights, Graviton-first lists, capacity reservations."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

import pytest
from aws_cdk.assertions import Template
from helpers import cluster_properties, new_stack

from cdk_emr import (
    CapacityReservationPreference,
    CapacityReservationUsage,
    EbsVolume,
    EmrCluster,
    EmrValidationError,
    InstanceFleet,
    InstanceGroup,
    InstanceTypeConfig,
    ManagedScaling,
    OnDemandAllocationStrategy,
    OnDemandOptions,
    ReleaseLabel,
    SpotAllocationStrategy,
    SpotOptions,
    graviton_first,
    instance_spec,
    is_graviton,
    release_offers,
    vcpu_count,
)
from cdk_emr.capacity import check_release_support
from cdk_emr.capacity.instance_specs import EMR_SIZES, INSTANCE_SPECS, SOURCED
from cdk_emr.validation import Validator

GROUP_ARN = "arn:aws:resource-groups:us-east-1:123456789012:group/emr-reservations"

# ----- instance specs --------------------------------------------------------------------------


def test_the_22_priced_types_carry_their_sourced_figures() -> None:
    sourced = {name: (s.vcpus, s.memory_gib) for name, s in INSTANCE_SPECS.items() if s.source == SOURCED}
    assert len(sourced) == 22
    assert sourced["m5.xlarge"] == (4, 16) and sourced["r7g.2xlarge"] == (8, 64) and sourced["c6g.xlarge"] == (4, 8)


def test_derived_rows_follow_the_size_and_family_rules() -> None:
    for name, spec in INSTANCE_SPECS.items():
        size = name.split(".", 1)[1]
        assert spec.vcpus == 4 * int(size.removesuffix("xlarge") or 1), name
        assert spec.memory_gib == spec.vcpus * {"m": 4, "r": 8, "c": 2}[name[0]], name


def test_lookups_answer_none_for_types_not_in_the_table() -> None:
    assert vcpu_count("m7g.2xlarge") == 8
    assert instance_spec("c5.9xlarge") is not None and instance_spec("c5.9xlarge").memory_gib == 72  # type: ignore[union-attr]
    assert vcpu_count("x2gd.xlarge") is None and instance_spec("m7g.24xlarge") is None and vcpu_count("m5.large") is None


@pytest.mark.parametrize("name", ["m7g.xlarge", "r6gd.2xlarge", "c7gn.4xlarge", "t4g.small", "x2gd.xlarge", "g5g.xlarge"])
def test_graviton_families_have_g_after_the_generation(name: str) -> None:
    assert is_graviton(name)
    assert instance_spec(name) is None or instance_spec(name).graviton  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["m5.xlarge", "m6i.xlarge", "g5.xlarge", "g4dn.xlarge", "m5zn.large", "c6a.xlarge", "bad"])
def test_other_families_are_not_graviton(name: str) -> None:
    assert not is_graviton(name)


# EMR's own answers (ListSupportedInstanceTypes per release, us-east-1) as recorded by moto, and
# cfn-lint's per-region EMR instance types: the table must agree with both.


def _moto_resources() -> Path:
    moto = pytest.importorskip("moto")
    return Path(moto.__file__).parent / "emr" / "resources"


def _moto_json(name: str) -> Any:
    return json.loads(gzip.open(_moto_resources() / name).read())


def test_table_agrees_with_emrs_instance_catalog() -> None:
    catalog = _moto_json("instance_types.json.gz")
    offered = set(_moto_json("instance-types-emr-7.14.0.json.gz"))
    for name, spec in INSTANCE_SPECS.items():
        assert name in offered, name
        assert catalog[name]["VCPU"] == spec.vcpus, name
        assert abs(catalog[name]["MemoryGB"] - spec.memory_gib) <= 0.08 * spec.memory_gib, name  # EMR reports usable memory
    for family, sizes in EMR_SIZES.items():
        assert {t.split(".", 1)[1] for t in offered if t.split(".", 1)[0] == family} == set(sizes), family
    assert all(is_graviton(name) == (item["Architecture"] == "AARCH64") for name, item in catalog.items())


def test_release_gates_agree_with_emrs_answer_for_every_release() -> None:
    for path in sorted(_moto_resources().glob("instance-types-emr-*.json.gz")):
        match = re.fullmatch(r"instance-types-(emr-\d+\.\d+\.\d+)\.json\.gz", path.name)
        if match is None:  # previews, betas, EMR Spark releases
            continue
        release, offered = ReleaseLabel.of(match[1]), {t.split(".", 1)[0] for t in _moto_json(path.name)}
        for family in EMR_SIZES:
            assert release_offers(release, f"{family}.xlarge") == (family in offered), (release, family)


def test_table_agrees_with_cfn_lints_emr_instance_types() -> None:
    import cfnlint.data.schemas.extensions.aws_emr_cluster as data

    regions = json.loads((Path(data.__file__).parent / "instancetypeconfig_instancetype_enum.json").read_text())
    assert set(INSTANCE_SPECS) <= set(regions["us-east-1"]["enum"])
    anywhere = {name for region in regions.values() if isinstance(region, dict) for name in region.get("enum", [])}
    for family, sizes in EMR_SIZES.items():  # no region offers a size the table lacks
        assert {t.split(".", 1)[1] for t in anywhere if t.split(".", 1)[0] == family} == set(sizes), family


def test_fails_if_a_tabulated_family_has_a_size_emr_does_not_offer() -> None:
    with pytest.raises(EmrValidationError, match=r"instance_type='m7g.24xlarge': a size EMR offers for m7g: xlarge, 2xlarge"):
        InstanceTypeConfig(instance_type="m7g.24xlarge")
    with pytest.raises(EmrValidationError, match=r"instance_type='c5.8xlarge': a size EMR offers for c5: .*9xlarge"):
        InstanceGroup(instance_type="c5.8xlarge")
    with pytest.raises(EmrValidationError, match=r"instance_types='m5.large': a size EMR offers for m5"):
        InstanceFleet.on_demand(["m5.xlarge", "m5.large"])


# ----- vCPU-weighted fleets ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def weighted() -> dict[str, Any]:
    stack = new_stack()
    EmrCluster(
        stack,
        "Cluster",
        core=InstanceFleet.by_vcpu(["m7g.2xlarge", "m7g.4xlarge", "r7g.2xlarge"], on_demand_vcpus=16),
        task=[
            InstanceFleet.by_vcpu(
                ["c7g.4xlarge", InstanceTypeConfig(instance_type="m7gd.4xlarge", weighted_capacity=16)],
                spot_vcpus=64,
                on_demand_options=OnDemandOptions(
                    capacity_reservation_preference="open",
                    usage_strategy=CapacityReservationUsage.USE_CAPACITY_RESERVATIONS_FIRST,
                    capacity_reservation_resource_group_arn=GROUP_ARN,
                ),
            ),
            InstanceFleet.on_demand(
                ["m7g.xlarge"], 1, options=OnDemandOptions(capacity_reservation_preference=CapacityReservationPreference.NONE)
            ),
            InstanceFleet(
                instance_types=["m6g.xlarge"], target_on_demand_capacity=1, on_demand_allocation_strategy="prioritized"
            ),
        ],
        managed_scaling=ManagedScaling(min_capacity=16, max_capacity=256, max_core_capacity=16),
    )
    return cluster_properties(Template.from_stack(stack))["Instances"]


def test_by_vcpu_weighs_each_type_by_its_vcpus(weighted: dict[str, Any]) -> None:
    core = weighted["CoreInstanceFleet"]
    assert [(c["InstanceType"], c["WeightedCapacity"]) for c in core["InstanceTypeConfigs"]] == [
        ("m7g.2xlarge", 8),
        ("m7g.4xlarge", 16),
        ("r7g.2xlarge", 8),
    ]
    assert core["TargetOnDemandCapacity"] == 16 and core["TargetSpotCapacity"] == 0


def test_by_vcpu_keeps_an_explicit_weight_for_a_type_it_does_not_know(weighted: dict[str, Any]) -> None:
    task = weighted["TaskInstanceFleets"][0]
    assert [(c["InstanceType"], c["WeightedCapacity"]) for c in task["InstanceTypeConfigs"]] == [
        ("c7g.4xlarge", 16),
        ("m7gd.4xlarge", 16),
    ]
    assert task["TargetSpotCapacity"] == 64
    assert task["LaunchSpecifications"]["SpotSpecification"]["AllocationStrategy"] == "price-capacity-optimized"


def test_capacity_reservations_render_under_the_on_demand_specification(weighted: dict[str, Any]) -> None:
    first, second, third = (t["LaunchSpecifications"]["OnDemandSpecification"] for t in weighted["TaskInstanceFleets"])
    assert first == {
        "AllocationStrategy": "lowest-price",
        "CapacityReservationOptions": {
            "CapacityReservationPreference": "open",
            "UsageStrategy": "use-capacity-reservations-first",
            "CapacityReservationResourceGroupArn": GROUP_ARN,
        },
    }
    assert second == {
        "AllocationStrategy": "lowest-price",
        "CapacityReservationOptions": {"CapacityReservationPreference": "none"},
    }
    assert third == {"AllocationStrategy": "prioritized"}


def test_a_fleet_without_a_strategy_has_no_launch_specifications(weighted: dict[str, Any]) -> None:
    assert "LaunchSpecifications" not in weighted["MasterInstanceFleet"]


def test_fails_if_by_vcpu_gets_a_type_without_a_known_vcpu_count() -> None:
    with pytest.raises(EmrValidationError) as error:
        InstanceFleet.by_vcpu(["m7g.xlarge", "x2gd.xlarge", "z1d.xlarge"], spot_vcpus=8)
    message = str(error.value)
    assert "2 problems" in message
    assert "instance_types='x2gd.xlarge': a type with a known vCPU count" in message
    assert "InstanceTypeConfig(instance_type='z1d.xlarge', weighted_capacity=<its vCPUs>)" in message


def test_fails_if_by_vcpu_capacities_are_wrong_naming_the_vcpu_arguments() -> None:
    with pytest.raises(EmrValidationError) as error:
        InstanceFleet.by_vcpu(["m7g.xlarge", "bad name"], on_demand_vcpus=-4)
    message = str(error.value)
    assert "instance_types='bad name': an EC2 instance type" in message
    assert "on_demand_vcpus=-4: 0 or more vCPUs" in message
    assert "on_demand_vcpus + spot_vcpus=(-4, 0): at least one of the two above 0" in message


def test_fails_if_by_vcpu_gets_a_config_whose_weight_is_not_its_vcpus() -> None:
    with pytest.raises(EmrValidationError, match=r"weighted_capacity='m7g.xlarge=3': 4 \(the vCPUs of m7g.xlarge\)"):
        InstanceFleet.by_vcpu([InstanceTypeConfig(instance_type="m7g.xlarge", weighted_capacity=3)], spot_vcpus=8)


def test_by_vcpu_sets_the_weight_of_a_known_config_and_keeps_its_volumes() -> None:
    volumes = (EbsVolume(size_gib=200),)
    fleet = InstanceFleet.by_vcpu([InstanceTypeConfig(instance_type="r7g.4xlarge", ebs_volumes=volumes)], spot_vcpus=32)
    assert fleet.configs[0].weighted_capacity == 16 and fleet.configs[0].ebs_volumes == volumes


# ----- Graviton-first lists ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("release", "size", "families", "expected"),
    [
        ("emr-7.14.0", "xlarge", ("m",), ["m7g.xlarge", "m6g.xlarge"]),
        (
            "emr-7.0.0",
            "2xlarge",
            ("m", "r", "c"),
            ["m7g.2xlarge", "m6g.2xlarge", "r7g.2xlarge", "r6g.2xlarge", "c7g.2xlarge", "c6g.2xlarge"],
        ),
        ("emr-6.10.0", "4xlarge", ("r",), ["r7g.4xlarge", "r6g.4xlarge"]),
        ("emr-6.7.0", "xlarge", ("m", "c"), ["m6g.xlarge", "c7g.xlarge", "c6g.xlarge"]),
        ("emr-6.5.0", "2xlarge", ("m", "r"), ["m6g.2xlarge", "r6g.2xlarge"]),
        ("emr-5.36.1", "xlarge", ("m",), ["m7g.xlarge", "m6g.xlarge"]),
        ("emr-5.30.0", "xlarge", ("m", "c"), ["m6g.xlarge"]),
        ("emr-6.0.0", "xlarge", ("m", "c"), ["m5.xlarge", "c5.xlarge"]),
        ("emr-6.6.0", "24xlarge", ("m",), ["m6i.24xlarge", "m5.24xlarge"]),
        ("emr-5.29.0", "9xlarge", ("m", "c"), ["c5.9xlarge"]),
    ],
)
def test_graviton_first_lists_what_the_release_offers(
    release: str, size: str, families: tuple[str, ...], expected: list[str]
) -> None:
    assert graviton_first(size, families=families, release=ReleaseLabel.of(release)) == expected


def test_graviton_first_lists_are_never_mixed_architecture() -> None:
    releases = ["emr-5.12.1", "emr-5.13.0", "emr-5.30.0", "emr-5.35.0", "emr-6.0.0", "emr-6.6.0", "emr-6.9.0", "emr-7.14.0"]
    for release in map(ReleaseLabel.of, releases):
        for size in {s for sizes in EMR_SIZES.values() for s in sizes}:
            try:
                types = graviton_first(size, families=("m", "r", "c"), release=release)
            except EmrValidationError:
                continue
            assert len({is_graviton(t) for t in types}) == 1, (release, size, types)
            assert all(release_offers(release, t) for t in types)


def test_graviton_first_feeds_a_fleet() -> None:
    fleet = InstanceFleet.by_vcpu(graviton_first("2xlarge", families=("m", "r", "c")), spot_vcpus=64)
    assert [c.weighted_capacity for c in fleet.configs] == [8] * 6


def test_fails_if_graviton_first_finds_nothing_or_gets_unknown_families() -> None:
    with pytest.raises(EmrValidationError, match=r"size='xlarge': a size that emr-5.12.0 offers in m families"):
        graviton_first(release=ReleaseLabel.of("emr-5.12.0"))
    with pytest.raises(EmrValidationError, match=r"size='large'"):
        graviton_first("large")
    with pytest.raises(EmrValidationError, match=r"families=\('m', 'x'\): one or more distinct classes"):
        graviton_first(families=("m", "x"))


# ----- option objects ----------------------------------------------------------------------------


def test_enum_options_accept_their_string_values() -> None:
    spot = SpotOptions(allocation_strategy="capacity-optimized", timeout_action="TERMINATE_CLUSTER")  # type: ignore[arg-type]
    assert spot.allocation_strategy is SpotAllocationStrategy.CAPACITY_OPTIMIZED
    options = OnDemandOptions(allocation_strategy="prioritized", capacity_reservation_preference="none")  # type: ignore[arg-type]
    assert options.allocation_strategy is OnDemandAllocationStrategy.PRIORITIZED
    assert options.capacity_reservation_preference is CapacityReservationPreference.NONE


def test_fails_if_an_enum_option_is_not_one_of_its_values() -> None:
    with pytest.raises(EmrValidationError, match=r"allocation_strategy='cheapest': one of 'price-capacity-optimized'"):
        SpotOptions(allocation_strategy="cheapest")  # type: ignore[arg-type]
    with pytest.raises(EmrValidationError, match=r"market='RESERVED': one of 'ON_DEMAND', 'SPOT'"):
        InstanceGroup(instance_type="m5.xlarge", market="RESERVED")  # type: ignore[arg-type]
    with pytest.raises(EmrValidationError, match=r"volume_type='gp4': one of 'gp3'"):
        EbsVolume(volume_type="gp4")  # type: ignore[arg-type]
    with pytest.raises(EmrValidationError, match=r"unit='vCPU': one of"):
        ManagedScaling(min_capacity=1, max_capacity=2, unit="vCPU")  # type: ignore[arg-type]


def test_fails_if_reservations_are_used_while_refused() -> None:
    with pytest.raises(EmrValidationError) as error:
        OnDemandOptions(
            capacity_reservation_preference="none",  # type: ignore[arg-type]
            usage_strategy="use-capacity-reservations-first",  # type: ignore[arg-type]
            capacity_reservation_resource_group_arn=GROUP_ARN,
        )
    message = str(error.value)
    assert "usage_strategy='use-capacity-reservations-first'" in message
    assert "capacity_reservation_resource_group_arn='arn:aws:resource-groups" in message
    assert message.count("unset with capacity_reservation_preference='none'") == 2


def test_fails_if_the_resource_group_arn_is_not_one() -> None:
    with pytest.raises(
        EmrValidationError, match=r"capacity_reservation_resource_group_arn='arn:aws:ec2:.*': a resource group ARN"
    ):
        OnDemandOptions(capacity_reservation_resource_group_arn="arn:aws:ec2:us-east-1:123456789012:capacity-reservation/cr-1")


def test_fails_if_both_on_demand_strategy_forms_are_given() -> None:
    with pytest.raises(EmrValidationError, match=r"on_demand_allocation_strategy='prioritized': unset when on_demand_options"):
        InstanceFleet(
            instance_types=["m7g.xlarge"],
            target_on_demand_capacity=1,
            on_demand_allocation_strategy=OnDemandAllocationStrategy.PRIORITIZED,
            on_demand_options=OnDemandOptions(),
        )


def test_fails_if_instance_types_is_a_string() -> None:
    with pytest.raises(
        EmrValidationError,
        match=r"instance_types='m7g.xlarge': expected a list of .*\['m7g.xlarge'\] — a string is not split into items, got str",
    ):
        InstanceFleet(instance_types="m7g.xlarge", target_on_demand_capacity=1)


# ----- release support (the cross-check EmrCluster runs per node) ---------------------------------


def test_release_support_names_each_family_the_release_lacks() -> None:
    v = Validator("EmrCluster S/C")
    fleet = InstanceFleet.spot_fleet(["m7g.xlarge", "c7g.xlarge", "m6g.xlarge", "x2gd.xlarge"], 2)
    check_release_support(v, "task[0]", fleet, ReleaseLabel.of("emr-6.7.0"))
    assert [str(x) for x in v.violations] == [
        "task[0].instance_types='m7g.xlarge': a family that emr-6.7.0 offers (m7g: 5.36.1 to 5.x, 6.10.0+)"
    ]


def test_release_support_passes_what_the_release_offers() -> None:
    v = Validator("EmrCluster S/C")
    check_release_support(v, "core", InstanceFleet.by_vcpu(graviton_first("2xlarge"), spot_vcpus=16), ReleaseLabel.LATEST)
    check_release_support(v, "primary", InstanceGroup(instance_type="m5.xlarge"), ReleaseLabel.of("emr-5.13.0"))
    assert v.violations == []


def test_release_support_rejects_allocation_strategies_before_5_12_1() -> None:
    v = Validator("EmrCluster S/C")
    release = ReleaseLabel.of("emr-5.12.0")
    check_release_support(v, "core", InstanceFleet.on_demand(["c4.xlarge"], 2), release)
    check_release_support(v, "task[0]", InstanceFleet.spot_fleet(["c4.xlarge"], 2), release)
    assert [str(x) for x in v.violations] == [
        "task[0].spot/on_demand_options='emr-5.12.0': a release with instance fleet allocation strategies (5.12.1+), "
        "or an on-demand fleet without options"
    ]
