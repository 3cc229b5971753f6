"""The cost estimator's arithmetic, checked against figures computed by hand.

Prices used (price_data.json, us-east-1 unless said):
  EC2 On-Demand  m5.xlarge 0.192, r5.xlarge 0.252, c5.xlarge 0.170,
                 m5.2xlarge 0.384, c5.2xlarge 0.340
  EMR fee        m5.xlarge 0.048 (S6); every other type 25% of EC2: r5.xlarge 0.063,
                 c5.xlarge 0.0425, m5.2xlarge 0.096, c5.2xlarge 0.085
  Spot Advisor   m5.2xlarge 54%, c5.2xlarge 56%, c5.xlarge 56%
  EBS gp3        0.08 USD/GB-month, 0.005 USD/IOPS-month above 3,000; 730 hours a month
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cdk_emr.ops.cost import (
    CORE,
    ON_DEMAND,
    SPOT,
    TASK,
    TemplateError,
    estimate_path,
    estimate_template,
    load_stacks,
    split_capacity,
)
from cdk_emr.ops.pricing import (
    DEFAULT_PRICE_DATA,
    CostEstimateError,
    PriceBook,
    UnknownInstanceTypeError,
)

FIXTURES = Path(__file__).parent / "fixtures"

# Per instance-hour, worked out by hand:
EBS_32 = 32 * 0.08 / 730  # one 32 GB gp3 volume = 0.0035068493
PRIMARY_M5 = 0.192 + 0.048 + EBS_32  # 0.2435068493
CORE_M5 = 0.192 + 0.048 + 2 * 64 * 0.08 / 730  # two 64 GB volumes, 3,000 IOPS free: 0.2540273973
TASK_C5_SPOT = 0.340 * (1 - 0.56) + 0.085 + EBS_32  # 0.1496 + 0.085 + 0.0035068 = 0.2381068493
TASK_C5_OD = 0.340 + 0.085 + EBS_32  # 0.4285068493
TASK_M5_2XL_OD = 0.384 + 0.096 + EBS_32  # 0.4835068493


def template(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def one(tpl: dict, **options) -> object:
    (estimate,) = estimate_template(tpl, **options)
    return estimate


def fleet(estimate, name):
    return next(f for f in estimate.fleets if f.name == name)


# --- instance fleets, declared capacity ---------------------------------------------------------


def test_fleet_cluster_matches_hand_computed_cost():
    # Primary: 1 x m5.xlarge On-Demand                                       = 0.2435068493
    # Core:    2 units On-Demand; m5.xlarge 0.2540274/unit beats r5.xlarge 0.315
    #          -> 2 x m5.xlarge                                              = 0.5080547945
    # Task:    8 Spot units; per unit (weight 2) c5.2xlarge 0.2381068/2 = 0.1190534 beats
    #          m5.2xlarge (0.384 x 0.46 + 0.096 + 0.0035068)/2 = 0.1380734
    #          -> 4 x c5.2xlarge                                             = 0.9524273973
    # hourly = 0.2435068493 + 0.5080547945 + 0.9524273973                   = 1.7039890411
    # all On-Demand: task 8 units -> 4 x c5.2xlarge On-Demand = 1.7140273973 -> total 2.4655890411
    # saving = 1 - 1.7039890411 / 2.4655890411                              = 0.3088923...
    e = one(template("fleet_cluster.template.json"), stack="fleet")
    assert (e.stack, e.cluster, e.logical_id, e.region) == (
        "fleet",
        "analytics",
        "AnalyticsCluster",
        "us-east-1",
    )
    assert e.hourly_min == e.hourly_max == pytest.approx(1.7039890411)
    assert e.on_demand_equivalent_max == pytest.approx(2.4655890411)
    assert e.saving_max == pytest.approx(1 - 1.7039890411 / 2.4655890411)
    assert e.hourly_max == pytest.approx(PRIMARY_M5 + 2 * CORE_M5 + 4 * TASK_C5_SPOT)


def test_fleet_uses_the_cheapest_type_per_unit_in_each_market():
    task = fleet(one(template("fleet_cluster.template.json")), "Task")
    (spot,) = task.maximum.allocations
    assert (spot.cost.instance_type, spot.cost.market, spot.count, spot.units) == (
        "c5.2xlarge",
        SPOT,
        4,
        8,
    )
    assert spot.cost.ec2 == pytest.approx(0.1496)
    assert spot.cost.emr_fee == pytest.approx(0.085)  # the EMR fee is not discounted on Spot
    assert spot.cost.emr_fee_source.startswith("approximation")
    assert task.maximum.on_demand_equivalent == pytest.approx(4 * TASK_C5_OD)


def test_weighted_capacity_is_rounded_up_to_whole_instances():
    tpl = template("fleet_cluster.template.json")
    tpl["Resources"]["AnalyticsCluster"]["Properties"]["Instances"]["TaskInstanceFleets"][0]["TargetSpotCapacity"] = 5
    (spot,) = fleet(one(tpl), "Task").maximum.allocations
    assert (spot.count, spot.units) == (3, 5)  # weight 2: 5 units need 3 instances


# --- EBS ----------------------------------------------------------------------------------------


def test_ebs_is_priced_per_gb_month_and_extra_iops_over_730_hours():
    # core r5.xlarge: 100 GB gp3 at 4,000 IOPS = 100 x 0.08 + 1,000 x 0.005 = 13 USD/month
    #                 = 13 / 730 = 0.0178082 USD/h
    e = one(template("group_cluster.template.json"))
    (core,) = fleet(e, "Core").maximum.allocations
    assert core.cost.ebs == pytest.approx(13 / 730)
    (primary,) = fleet(e, "Primary").maximum.allocations
    assert primary.cost.ebs == 0


def test_non_gp3_volumes_are_left_out_with_a_note():
    tpl = template("group_cluster.template.json")
    core = tpl["Resources"]["BatchCluster"]["Properties"]["Instances"]["CoreInstanceGroup"]
    core["EbsConfiguration"]["EbsBlockDeviceConfigs"][0]["VolumeSpecification"]["VolumeType"] = "gp2"
    e = one(tpl)
    assert fleet(e, "Core").maximum.allocations[0].cost.ebs == 0
    assert any("gp2" in n and "not priced" in n for n in e.notes)


# --- instance groups ----------------------------------------------------------------------------


def test_group_cluster_matches_hand_computed_cost():
    # Primary: 1 x m5.xlarge On-Demand, no EBS                     = 0.24
    # Core:    3 x r5.xlarge On-Demand: 0.252 + 0.063 + 13/730 = 0.3328082192 each = 0.9984246575
    # Task (separate InstanceGroupConfig): 4 x c5.xlarge Spot:
    #          0.17 x 0.44 + 0.0425 = 0.1173 each                   = 0.4692
    # hourly = 1.7076246575; all On-Demand: task 4 x 0.2125 = 0.85 -> 2.0884246575
    e = one(template("group_cluster.template.json"), stack="groups")
    assert e.cluster == "BatchCluster"  # Name is an Fn::Join: the logical id stands in
    assert [(f.name, f.role, f.kind) for f in e.fleets] == [
        ("Primary", "primary", "group"),
        ("Core", "core", "group"),
        ("SpotTask", "task", "group"),
    ]
    assert e.hourly_max == e.hourly_min == pytest.approx(1.7076246575)
    assert e.on_demand_equivalent_max == pytest.approx(2.0884246575)
    task = fleet(e, "SpotTask").maximum
    assert (task.on_demand_instances, task.spot_instances) == (0, 4)


def test_group_custom_autoscaling_sets_min_and_max():
    tpl = template("group_cluster.template.json")
    core = tpl["Resources"]["BatchCluster"]["Properties"]["Instances"]["CoreInstanceGroup"]
    core["AutoScalingPolicy"] = {"Constraints": {"MinCapacity": 1, "MaxCapacity": 5}, "Rules": []}
    e = one(tpl)
    per_core = 0.252 + 0.063 + 13 / 730
    assert fleet(e, "Core").minimum.hourly == pytest.approx(1 * per_core)
    assert fleet(e, "Core").maximum.hourly == pytest.approx(5 * per_core)


# --- managed scaling ----------------------------------------------------------------------------


def with_scaling(tpl: dict, logical_id: str, **limits: object) -> dict:
    tpl = copy.deepcopy(tpl)
    tpl["Resources"][logical_id]["Properties"]["ManagedScalingPolicy"] = {"ComputeLimits": limits}
    return tpl


def test_managed_scaling_fleets_min_and_max():
    # limits 2..20 units, On-Demand <= 6, core <= 4; primary stays 1 x m5.xlarge (0.2435068493)
    # min (2):  core On-Demand 2 -> 2 x m5.xlarge = 0.5080547945; task 0
    #           hourly = 0.7515616438 = all On-Demand
    # max (20): core On-Demand 4 (core cap) -> 4 x m5.xlarge             = 1.0161095890
    #           task On-Demand 6 - 4 = 2 units -> 1 x c5.2xlarge OD       = 0.4285068493
    #           task Spot 14 units -> 7 x c5.2xlarge Spot                = 1.6667479452
    #           hourly = 0.2435068493 + 1.0161095890 + 0.4285068493 + 1.6667479452 = 3.3548712329
    #           all On-Demand: task 16 units -> 8 x c5.2xlarge = 3.4280547945 -> 4.6876712329
    tpl = with_scaling(
        template("fleet_cluster.template.json"),
        "AnalyticsCluster",
        UnitType="InstanceFleetUnits",
        MinimumCapacityUnits=2,
        MaximumCapacityUnits=20,
        MaximumOnDemandCapacityUnits=6,
        MaximumCoreCapacityUnits=4,
    )
    e = one(tpl)
    assert e.hourly_min == pytest.approx(0.7515616438)
    assert e.on_demand_equivalent_min == pytest.approx(0.7515616438)
    assert e.hourly_max == pytest.approx(3.3548712329)
    assert e.on_demand_equivalent_max == pytest.approx(4.6876712329)
    task = fleet(e, "Task").maximum
    assert (task.on_demand_instances, task.spot_instances) == (1, 7)
    assert fleet(e, "Task").minimum.allocations == ()
    assert e.limits.maximum_core == 4


@pytest.mark.parametrize(
    ("unit_type", "low", "high", "core_cap"),
    [("Instances", 2, 10, 3), ("VCPU", 8, 40, 12)],  # r5.xlarge and c5.xlarge have 4 vCPUs
)
def test_managed_scaling_groups_in_instances_or_vcpu(unit_type, low, high, core_cap):
    # On-Demand cap 5 instances (20 vCPU); core group is On-Demand, the task group Spot.
    # min: core 2 x r5.xlarge = 0.6656164384 + primary 0.24                 = 0.9056164384
    # max: core 3 (core cap) = 0.9984246575; task Spot 7 x 0.1173 = 0.8211; + 0.24 = 2.0595246575
    tpl = with_scaling(
        template("group_cluster.template.json"),
        "BatchCluster",
        UnitType=unit_type,
        MinimumCapacityUnits=low,
        MaximumCapacityUnits=high,
        MaximumOnDemandCapacityUnits=high // 2,
        MaximumCoreCapacityUnits=core_cap,
    )
    e = one(tpl)
    assert e.hourly_min == pytest.approx(0.9056164384)
    assert e.hourly_max == pytest.approx(2.0595246575)
    assert fleet(e, "SpotTask").maximum.spot_instances == 7


def test_capacity_that_fits_no_fleet_is_left_out_with_a_note():
    tpl = template("fleet_cluster.template.json")
    del tpl["Resources"]["AnalyticsCluster"]["Properties"]["Instances"]["TaskInstanceFleets"]
    tpl = with_scaling(
        tpl,
        "AnalyticsCluster",
        UnitType="InstanceFleetUnits",
        MinimumCapacityUnits=2,
        MaximumCapacityUnits=10,
        MaximumCoreCapacityUnits=4,
    )
    e = one(tpl)
    assert fleet(e, "Core").maximum.on_demand_instances == 4
    assert any("6 InstanceFleetUnits of the maximum capacity" in n for n in e.notes)


def test_extra_task_fleets_count_as_zero_under_managed_scaling():
    tpl = template("fleet_cluster.template.json")
    instances = tpl["Resources"]["AnalyticsCluster"]["Properties"]["Instances"]
    second = copy.deepcopy(instances["TaskInstanceFleets"][0]) | {"Name": "Task2"}
    instances["TaskInstanceFleets"].append(second)
    tpl = with_scaling(
        tpl,
        "AnalyticsCluster",
        UnitType="InstanceFleetUnits",
        MinimumCapacityUnits=2,
        MaximumCapacityUnits=10,
    )
    e = one(tpl)
    assert fleet(e, "Task2").maximum.hourly == 0
    assert any("'Task2' is counted as zero" in n for n in e.notes)


def test_split_capacity_follows_the_documented_example():
    # Management Guide: MaximumCoreCapacityUnits < MaximumOnDemandCapacityUnits -> core first up to
    # its limit, then task On-Demand up to the On-Demand limit, then task Spot.
    pools = [(CORE, ON_DEMAND), (CORE, SPOT), (TASK, ON_DEMAND), (TASK, SPOT)]
    placed, left = split_capacity(20, maximum_core=4, maximum_on_demand=6, pools=pools)
    assert placed == {(CORE, ON_DEMAND): 4, (CORE, SPOT): 0, (TASK, ON_DEMAND): 2, (TASK, SPOT): 14}
    assert left == 0
    placed, _ = split_capacity(20, maximum_core=10, maximum_on_demand=3, pools=pools)
    assert placed == {(CORE, ON_DEMAND): 3, (CORE, SPOT): 7, (TASK, ON_DEMAND): 0, (TASK, SPOT): 10}


@given(
    total=st.integers(0, 500),
    core=st.integers(0, 500),
    on_demand=st.integers(0, 500),
    pools=st.sets(st.sampled_from([(CORE, ON_DEMAND), (CORE, SPOT), (TASK, ON_DEMAND), (TASK, SPOT)])),
)
def test_split_capacity_never_breaks_a_limit_and_loses_nothing(total, core, on_demand, pools):
    placed, left = split_capacity(total, maximum_core=core, maximum_on_demand=on_demand, pools=pools)
    assert sum(placed.values()) + left == total
    assert min(placed.values(), default=0) >= 0 and left >= 0
    assert sum(u for (role, _), u in placed.items() if role == CORE) <= core
    assert sum(u for (_, market), u in placed.items() if market == ON_DEMAND) <= on_demand


# --- spot overrides -----------------------------------------------------------------------------


def test_spot_discount_overrides_the_spot_advisor_saving():
    # 70% off: c5.2xlarge 0.34 x 0.3 + 0.085 + 0.0035068 = 0.1905068493 -> 4 = 0.7620273973
    # hourly = 0.2435068493 + 0.5080547945 + 0.7620273973 = 1.5135890411
    e = one(template("fleet_cluster.template.json"), spot_discount=0.7)
    assert e.hourly_max == pytest.approx(1.5135890411)
    assert fleet(e, "Task").maximum.allocations[0].cost.ec2_basis == "spot discount 0.7"


def test_supplied_spot_price_is_used_and_can_change_the_type_chosen():
    # m5.2xlarge at 0.10: (0.10 + 0.096 + 0.0035068)/2 = 0.0997534/unit beats c5.2xlarge (0.1190534)
    # 4 x 0.1995068493 = 0.7980273973
    # hourly = 0.2435068493 + 0.5080547945 + 0.7980273973 = 1.5495890411
    e = one(template("fleet_cluster.template.json"), spot_prices={"m5.2xlarge": 0.10})
    (spot,) = fleet(e, "Task").maximum.allocations
    assert (spot.cost.instance_type, spot.cost.ec2, spot.cost.ec2_basis) == (
        "m5.2xlarge",
        0.10,
        "supplied spot price",
    )
    assert e.hourly_max == pytest.approx(1.5495890411)


def test_supplied_spot_price_wins_over_the_discount():
    # discount 0.7 would make c5.2xlarge 0.0952534/unit, but its supplied price 0.20 makes it
    # (0.20 + 0.085 + 0.0035068)/2 = 0.1442534; m5.2xlarge at 70% off:
    # (0.1152 + 0.096 + 0.0035068)/2 = 0.1073534 wins -> 4 x 0.2147068493 = 0.8588273973
    e = one(template("fleet_cluster.template.json"), spot_discount=0.7, spot_prices={"c5.2xlarge": 0.20})
    (spot,) = fleet(e, "Task").maximum.allocations
    assert spot.cost.instance_type == "m5.2xlarge"
    assert spot.hourly == pytest.approx(0.8588273973)


@pytest.mark.parametrize("options", [{"spot_discount": 1.5}, {"spot_prices": {"m5.xlarge": -1}}])
def test_spot_options_are_validated(options):
    with pytest.raises(ValueError):
        estimate_template(template("fleet_cluster.template.json"), **options)


# --- regions, cdk.out and errors ----------------------------------------------------------------


def test_region_changes_the_prices():
    # eu-west-1: m5.xlarge 0.214 + 0.0535 (approximated EMR fee); r5.xlarge 0.282 + 0.0705 + EBS,
    # where EBS is 100 GB x 0.088 + 1,000 extra IOPS x 0.0055 = 14.3 USD/month
    e = one(template("group_cluster.template.json"), region="eu-west-1")
    assert fleet(e, "Primary").maximum.hourly == pytest.approx(0.214 + 0.0535)
    assert fleet(e, "Core").maximum.hourly == pytest.approx(3 * (0.282 + 0.0705 + 14.3 / 730))
    assert "m5.xlarge" in e.approximated_emr_fees


def test_cdk_out_directory_reads_stacks_and_regions_from_the_manifest():
    stacks = load_stacks(FIXTURES / "assembly", region="us-east-1")
    assert [(s.name, s.region) for s in stacks] == [
        ("EmrPlatformStack", "eu-west-1"),
        ("AgnosticStack", "us-east-1"),
    ]
    estimates = estimate_path(FIXTURES / "assembly", region="us-east-1")
    assert [(e.stack, e.cluster, e.region) for e in estimates] == [
        ("EmrPlatformStack", "platform", "eu-west-1"),
        ("AgnosticStack", "SingleNode", "us-east-1"),
    ]
    # eu-west-1: 3 x m5.xlarge x (0.214 + 0.0535) = 0.8025; agnostic: 1 x (0.192 + 0.048) = 0.24
    assert estimates[0].hourly_max == pytest.approx(0.8025)
    assert estimates[1].hourly_max == pytest.approx(0.24)


def test_template_file_stack_name_is_the_file_stem():
    (e,) = estimate_path(FIXTURES / "fleet_cluster.template.json")
    assert e.stack == "fleet_cluster"


def test_directory_without_manifest_is_an_error(tmp_path):
    with pytest.raises(TemplateError, match=r"not a cdk\.out directory"):
        estimate_path(tmp_path)


def test_missing_path_is_an_error(tmp_path):
    with pytest.raises(TemplateError, match="no such file"):
        estimate_path(tmp_path / "nope.json")


def test_unresolvable_intrinsic_names_the_field():
    tpl = template("fleet_cluster.template.json")
    core = tpl["Resources"]["AnalyticsCluster"]["Properties"]["Instances"]["CoreInstanceFleet"]
    core["TargetOnDemandCapacity"] = {"Fn::GetAtt": ["Sizing", "CoreUnits"]}
    with pytest.raises(TemplateError, match=r"CoreInstanceFleet\.TargetOnDemandCapacity is .*Fn::GetAtt"):
        estimate_template(tpl)


def test_ref_to_a_parameter_with_a_default_is_resolved():
    tpl = template("fleet_cluster.template.json")
    tpl["Parameters"] = {"CoreUnits": {"Type": "Number", "Default": 3}}
    core = tpl["Resources"]["AnalyticsCluster"]["Properties"]["Instances"]["CoreInstanceFleet"]
    core["TargetOnDemandCapacity"] = {"Ref": "CoreUnits"}
    assert fleet(one(tpl), "Core").maximum.on_demand_instances == 3


def test_fn_if_takes_the_branch_its_condition_takes_with_the_defaults():
    tpl = template("fleet_cluster.template.json")
    tpl["Parameters"] = {"Env": {"Type": "String", "Default": "dev"}}
    tpl["Conditions"] = {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}}
    core = tpl["Resources"]["AnalyticsCluster"]["Properties"]["Instances"]["CoreInstanceFleet"]
    core["TargetOnDemandCapacity"] = {"Fn::If": ["IsProd", 10, 2]}  # Env is "dev": IsProd is false -> 2
    assert fleet(one(tpl), "Core").maximum.on_demand_instances == 2


def test_a_task_group_whose_condition_is_false_is_left_out_with_a_note():
    tpl = template("group_cluster.template.json")
    tpl["Parameters"] = {"WithTasks": {"Type": "String", "Default": "no"}}
    tpl["Conditions"] = {"TasksWanted": {"Fn::Equals": [{"Ref": "WithTasks"}, "yes"]}}
    tpl["Resources"]["BatchTaskGroup"]["Condition"] = "TasksWanted"
    e = one(tpl)
    assert [f.name for f in e.fleets] == ["Primary", "Core"]
    # hand computation above without the task group: 0.24 + 0.9984246575
    assert e.hourly_max == pytest.approx(1.2384246575)
    assert any("BatchTaskGroup left out" in n for n in e.notes)


def test_unknown_instance_type_is_a_clear_error():
    tpl = template("group_cluster.template.json")
    tpl["Resources"]["BatchTaskGroup"]["Properties"]["InstanceType"] = "x9.mega"
    with pytest.raises(UnknownInstanceTypeError, match=r"x9\.mega.*us-east-1"):
        estimate_template(tpl)


def test_to_dict_holds_the_documented_keys():
    d = one(template("fleet_cluster.template.json"), stack="s").to_dict()
    assert {"stack", "cluster", "hourly_min", "hourly_max", "on_demand_equivalent_max"} <= d.keys()
    assert d["fleets"][2]["max"]["instances"][0]["emr_fee_source"] == "approximation: 25% of EC2 (S6 ratio)"
    assert d["price_snapshot"] == "2026-07-20"
    json.dumps(d)  # serialisable


def _book_without(region: str, *, gp3: bool = True, saving_of: str | None = None) -> PriceBook:
    data = json.loads(DEFAULT_PRICE_DATA.read_text())
    if not gp3:
        data["regions"][region]["ebs_gp3"] = None
    if saving_of:
        data["regions"][region]["instances"][saving_of]["spot_saving"] = None
    return PriceBook(data)


def test_a_region_without_gp3_prices_leaves_ebs_out_with_a_note():
    e = one(template("group_cluster.template.json"), prices=_book_without("us-east-1", gp3=False))
    assert fleet(e, "Core").maximum.allocations[0].cost.ebs == 0
    assert any("no gp3 prices for the region" in n for n in e.notes)


def test_a_type_without_a_spot_saving_needs_a_discount_or_price():
    book = _book_without("us-east-1", saving_of="c5.xlarge")
    with pytest.raises(CostEstimateError, match=r"c5\.xlarge.*--spot-discount or --spot-price"):
        estimate_template(template("group_cluster.template.json"), prices=book)
    e = one(template("group_cluster.template.json"), prices=book, spot_discount=0.5)
    assert fleet(e, "SpotTask").maximum.allocations[0].cost.ec2 == pytest.approx(0.085)
