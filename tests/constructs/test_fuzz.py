"""Fuzzing the validators: a random configuration either synthesizes a template cfn-lint accepts,
or fails with our clear error (``property=value: allowed``) — never a jsii or CloudFormation trace.

Each example is plain data (so a failure prints readably), built into value objects and an
``EmrCluster`` inside the check. Every field has plausible values (which may still break cross-field rules: a primary of 3
nodes with several types, Hive on 3 primaries without the Glue catalog, an old release) and
invalid ones; ``broken=True`` draws each field from its invalid values now and then.
"""

from __future__ import annotations

import json
import os
import traceback
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template
from cfnlint.api import ManualArgs, lint
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from cdk_emr import (
    ActionOnFailure,
    Application,
    AutoTermination,
    CommandStep,
    Configuration,
    EbsVolume,
    EmrCluster,
    InstanceFleet,
    InstanceGroup,
    InstanceTypeConfig,
    ManagedScaling,
    OnDemandOptions,
    ReleaseLabel,
    ScalingUnit,
    SpotOptions,
)
from cdk_emr.capacity.instance_specs import INSTANCE_SPECS

FUZZ = settings(
    max_examples=int(os.environ.get("CDK_EMR_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
LINT_ALL = os.environ.get("CDK_EMR_FUZZ_LINT_ALL") == "1"
"""Lint every synthesized example (for long local runs: ``CDK_EMR_FUZZ_EXAMPLES=2000``)."""
LINT = ManualArgs(regions=["us-east-1"], ignore_checks=["W3010"])
GROUP_ARN = "arn:aws:resource-groups:us-east-1:123456789012:group/reservations"

VALID_TYPES = sorted(INSTANCE_SPECS)
INVALID_TYPES = ["M5.XLARGE", "m5-xlarge", "m5.", "xlarge", "m7g.24xlarge", "c5.8xlarge", "m5.large", "m6g.medium"]
RECENT_RELEASES = ["emr-7.14.0", "emr-7.9.0", "emr-7.0.0", "emr-6.15.0", "emr-6.12.0"]
OLD_RELEASES = [
    "emr-6.10.0",
    "emr-6.7.0",
    "emr-6.1.0",
    "emr-6.0.0",
    "emr-5.36.1",
    "emr-5.30.0",
    "emr-5.23.0",
    "emr-5.0.0",
    "emr-4.8.0",
]
MALFORMED_RELEASES = ["emr-7.14", "7.14.0", "emr-7.x.0", "EMR-7.14.0", "", "emr-7.14.0-beta"]
SPOT_STRATEGIES = [
    "price-capacity-optimized",
    "capacity-optimized",
    "capacity-optimized-prioritized",
    "lowest-price",
    "diversified",
]


BREAK_ODDS = 20
"""With ``broken``, each field is drawn from its invalid values once in this many draws."""


def _field(valid: st.SearchStrategy[Any], invalid: st.SearchStrategy[Any], broken: bool) -> st.SearchStrategy[Any]:
    """``valid``, or with ``broken`` now and then ``invalid`` (so most examples break 0-2 rules)."""
    if not broken:
        return valid
    return st.integers(0, BREAK_ODDS - 1).flatmap(lambda i: invalid if i == BREAK_ODDS // 2 else valid)


def _one_of(valid: list[Any], invalid: list[Any], broken: bool) -> st.SearchStrategy[Any]:
    return _field(st.sampled_from(valid), st.sampled_from(invalid), broken)


def instance_types(broken: bool) -> st.SearchStrategy[str]:
    return _one_of(VALID_TYPES, INVALID_TYPES, broken)


def ebs(broken: bool) -> st.SearchStrategy[dict[str, Any] | None]:
    valid = st.fixed_dictionaries(
        {"size_gib": st.integers(125, 1024), "volume_type": st.sampled_from(["gp3", "gp2", "st1"]), "iops": st.none()}
    )
    invalid = st.fixed_dictionaries(
        {
            "size_gib": st.integers(-1, 17000),
            "volume_type": st.sampled_from(["gp3", "gp2", "st1", "sc1", "io1", "standard", "gp4"]),
            "iops": st.none() | st.integers(0, 20000),
        }
    )
    return st.none() | _field(valid, invalid, broken)


def type_configs(broken: bool, *, weights: bool = True) -> st.SearchStrategy[list[dict[str, Any]]]:
    item = st.fixed_dictionaries(
        {
            "type": instance_types(broken),
            "weight": _field(st.none() | st.integers(1, 8) if weights else st.none(), st.sampled_from([0, -1, 1001, 3]), broken),
            "bid": _field(st.none() | st.floats(1, 100), st.sampled_from([0.0, -5.0, 1000.5]), broken),
            "ebs": ebs(broken),
        }
    )
    valid = st.lists(item, min_size=1, max_size=5, unique_by=lambda i: i["type"])
    return _field(valid, st.lists(item, max_size=7), broken)


def spot_options(broken: bool) -> st.SearchStrategy[dict[str, Any] | None]:
    return st.none() | st.fixed_dictionaries(
        {
            "allocation_strategy": _one_of(SPOT_STRATEGIES, ["cheapest"], broken),
            "timeout_action": _one_of(["SWITCH_TO_ON_DEMAND", "TERMINATE_CLUSTER"], ["RETRY"], broken),
            "timeout_minutes": _field(st.integers(5, 1440), st.sampled_from([0, 4, 1441]), broken),
        }
    )


@st.composite
def on_demand_options(draw: st.DrawFn, broken: bool) -> dict[str, Any] | None:
    if draw(st.booleans()):
        return None
    preference = draw(st.none() | _one_of(["open", "none"], ["closed"], broken))
    refused = preference == "none" and not draw(_field(st.just(False), st.just(True), broken))
    return {
        "allocation_strategy": draw(_one_of(["lowest-price", "prioritized"], ["cheapest"], broken)),
        "capacity_reservation_preference": preference,
        "usage_strategy": None if refused else draw(st.none() | st.just("use-capacity-reservations-first")),
        "capacity_reservation_resource_group_arn": None
        if refused
        else draw(st.none() | _one_of([GROUP_ARN], ["arn:aws:ec2:x"], broken)),
    }


@st.composite
def capacities(draw: st.DrawFn, broken: bool, primary: bool) -> tuple[int, int]:
    if primary:
        valid = st.sampled_from([(1, 0), (1, 0), (3, 0), (0, 1)])
    else:
        valid = st.integers(0, 12).flatmap(lambda od: st.tuples(st.just(od), st.integers(0 if od else 1, 12)))
    return draw(_field(valid, st.tuples(st.integers(-1, 4), st.integers(-1, 4)), broken))


@st.composite
def fleets(draw: st.DrawFn, broken: bool, *, primary: bool = False) -> dict[str, Any]:
    by_vcpu = draw(_field(st.just(False), st.just(True), broken) if primary else st.booleans())
    on_demand, spot = draw(capacities(broken, primary))
    return {
        "configs": draw(type_configs(broken, weights=not (primary or by_vcpu))),
        "on_demand": on_demand,
        "spot": spot,
        "spot_options": draw(spot_options(broken)),
        "on_demand_options": draw(on_demand_options(broken)),
        "by_vcpu": by_vcpu,
    }


def groups(broken: bool, *, primary: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    count = st.sampled_from([1, 1, 3]) if primary else st.integers(1, 6)
    return st.fixed_dictionaries(
        {
            "type": instance_types(broken),
            "count": _field(count, st.sampled_from([-1, 0, 2, 4]), broken),
            "market": _one_of(["ON_DEMAND", "ON_DEMAND", "ON_DEMAND", "SPOT"], ["RESERVED"], broken),
        }
    )


def scaling(broken: bool) -> st.SearchStrategy[dict[str, Any] | None]:
    valid = st.fixed_dictionaries(
        {
            "min_capacity": st.integers(1, 12),
            "max_capacity": st.integers(12, 60),
            "max_on_demand_capacity": st.none() | st.integers(0, 12),
            "max_core_capacity": st.none() | st.integers(0, 12),
            "unit": st.none(),
        }
    )
    invalid = st.fixed_dictionaries(
        {
            "min_capacity": st.integers(-1, 12),
            "max_capacity": st.integers(-1, 60),
            "max_on_demand_capacity": st.none() | st.integers(-1, 70),
            "max_core_capacity": st.none() | st.integers(-1, 70),
            "unit": st.none() | st.sampled_from([u.value for u in ScalingUnit] + ["vCPU"]),
        }
    )
    return st.none() | _field(valid, invalid, broken)


@st.composite
def cluster_specs(draw: st.DrawFn, broken: bool) -> dict[str, Any]:
    kind = draw(_one_of(["fleets", "fleets", "groups"], ["mixed"], broken))
    node = fleets if kind == "fleets" else groups
    applications = st.sampled_from([a.value for a in Application])
    return {
        "kind": kind,
        "primary": draw(fleets(broken, primary=True) if kind != "groups" else groups(broken, primary=True)),
        "core": draw(_field(node(broken), st.none(), broken)),
        "task": draw(st.lists(node(broken), max_size=2)),
        "release": draw(_one_of(RECENT_RELEASES + OLD_RELEASES, MALFORMED_RELEASES, broken)),
        "applications": draw(
            _field(st.lists(applications, min_size=1, max_size=4, unique=True), st.lists(applications, max_size=4), broken)
        ),
        "glue": draw(st.booleans()),
        "scaling": draw(scaling(broken)),
        "idle_seconds": draw(st.none() | _field(st.integers(60, 604_800), st.sampled_from([0, 59, 604_801, 10**6]), broken)),
        "keep_alive": draw(_field(st.just(True), st.just(False), broken)),
        "step_concurrency_level": draw(_one_of([1, 1, 2, 10, 256], [0, -1, 257], broken)),
        "steps": draw(st.lists(_one_of(["CONTINUE"], ["CANCEL_AND_WAIT", "TERMINATE_CLUSTER"], broken), max_size=3)),
        "lint": draw(st.booleans()),
    }


# ----- building the objects from plain data --------------------------------------------------------


def _ebs(spec: dict[str, Any] | None) -> tuple[EbsVolume, ...]:
    return (EbsVolume(),) if spec is None else (EbsVolume(**spec),)


def _config(spec: dict[str, Any]) -> InstanceTypeConfig | str:
    if spec["weight"] is None and spec["bid"] is None and spec["ebs"] is None:
        return spec["type"]
    return InstanceTypeConfig(
        instance_type=spec["type"],
        weighted_capacity=spec["weight"] or 1,
        bid_price_as_percentage_of_on_demand=spec["bid"],
        ebs_volumes=_ebs(spec["ebs"]),
    )


def _fleet(spec: dict[str, Any]) -> InstanceFleet:
    types = [_config(c) for c in spec["configs"]]
    spot = SpotOptions(**spec["spot_options"]) if spec["spot_options"] else None
    on_demand = OnDemandOptions(**spec["on_demand_options"]) if spec["on_demand_options"] else None
    if spec["by_vcpu"]:
        return InstanceFleet.by_vcpu(
            types, on_demand_vcpus=spec["on_demand"], spot_vcpus=spec["spot"], spot=spot, on_demand_options=on_demand
        )
    return InstanceFleet(
        instance_types=types,
        target_on_demand_capacity=spec["on_demand"],
        target_spot_capacity=spec["spot"],
        spot=spot,
        on_demand_options=on_demand,
    )


def _group(spec: dict[str, Any]) -> InstanceGroup:
    return InstanceGroup(instance_type=spec["type"], instance_count=spec["count"], market=spec["market"])


def _node(spec: dict[str, Any]) -> InstanceFleet | InstanceGroup:
    return _fleet(spec) if "configs" in spec else _group(spec)


def build(spec: dict[str, Any]) -> cdk.Stack:
    """The stack of one example's ``EmrCluster`` (raises on invalid configuration)."""
    stack = cdk.Stack(cdk.App(), "S")
    idle = spec["idle_seconds"]
    EmrCluster(
        stack,
        "C",
        release_label=ReleaseLabel.of(spec["release"]),
        applications=[Application(a) for a in spec["applications"]],
        configurations=Configuration.glue_data_catalog() if spec["glue"] else (),
        primary=_node(spec["primary"]),
        core=_node(spec["core"]) if spec["core"] else None,
        task=[_node(t) for t in spec["task"]],
        managed_scaling=ManagedScaling(**spec["scaling"]) if spec["scaling"] else None,
        auto_termination=AutoTermination(idle_timeout=cdk.Duration.seconds(idle)) if idle is not None else None,
        keep_alive=spec["keep_alive"],
        step_concurrency_level=spec["step_concurrency_level"],
        steps=[
            CommandStep(name=f"step{i}", command=["spark-example", "SparkPi"], action_on_failure=ActionOnFailure(a))
            for i, a in enumerate(spec["steps"])
        ],
    )
    return stack


# ----- the property --------------------------------------------------------------------------------


def assert_clear_error(error: ValueError) -> None:
    """Our error: raised by cdk_emr code, naming ``property=value: allowed``."""
    raised_in = traceback.extract_tb(error.__traceback__)[-1].filename
    assert "/cdk_emr/" in raised_in, f"ValueError from {raised_in}: {error}"
    message = str(error)
    assert "=" in message and ":" in message, message


def lint_errors(template: dict[str, Any]) -> list[str]:
    """cfn-lint findings (all but W3010) on the EMR cluster or anywhere else in the template."""
    return [str(m)[:300] for m in lint(json.dumps(template), config=LINT)]


def check(spec: dict[str, Any]) -> str:
    """Build ``spec``; return 'invalid', 'synthesized' or 'linted', or fail the test."""
    try:
        stack = build(spec)
    except ValueError as error:  # EmrValidationError is a ValueError
        assert_clear_error(error)
        return "invalid"
    template = Template.from_stack(stack).to_json()
    assert len([r for r in template["Resources"].values() if r["Type"] == "AWS::EMR::Cluster"]) == 1
    if not (spec["lint"] or LINT_ALL):
        return "synthesized"
    assert lint_errors(template) == [], spec
    return "linted"


VALID_EXAMPLE: dict[str, Any] = {
    "kind": "fleets",
    "primary": {"configs": [], "on_demand": 1, "spot": 0, "spot_options": None, "on_demand_options": None, "by_vcpu": False},
    "core": {
        "configs": [{"type": "m7g.2xlarge", "weight": None, "bid": None, "ebs": None}],
        "on_demand": 8,
        "spot": 16,
        "spot_options": {
            "allocation_strategy": "capacity-optimized",
            "timeout_action": "TERMINATE_CLUSTER",
            "timeout_minutes": 30,
        },
        "on_demand_options": {
            "allocation_strategy": "prioritized",
            "capacity_reservation_preference": "open",
            "usage_strategy": "use-capacity-reservations-first",
            "capacity_reservation_resource_group_arn": GROUP_ARN,
        },
        "by_vcpu": True,
    },
    "task": [],
    "release": "emr-7.14.0",
    "applications": ["Hadoop", "Spark"],
    "glue": False,
    "scaling": {"min_capacity": 8, "max_capacity": 64, "max_on_demand_capacity": 8, "max_core_capacity": 24, "unit": None},
    "idle_seconds": 3600,
    "keep_alive": True,
    "step_concurrency_level": 2,
    "steps": ["CONTINUE"],
    "lint": True,
}
VALID_EXAMPLE["primary"]["configs"] = [{"type": "m7g.xlarge", "weight": None, "bid": None, "ebs": None}]


@FUZZ
@given(spec=cluster_specs(broken=True))
@example(spec=VALID_EXAMPLE)
def test_any_configuration_fails_clearly_or_synthesizes_a_clean_template(spec: dict[str, Any]) -> None:
    event(check(spec))


@FUZZ
@given(spec=cluster_specs(broken=False))
def test_plausible_configurations_fail_clearly_or_synthesize_a_clean_template(spec: dict[str, Any]) -> None:
    event(check(spec))


def test_the_valid_example_is_linted_clean() -> None:
    assert check(VALID_EXAMPLE) == "linted"


def test_fails_if_a_fleet_lists_a_family_the_release_does_not_offer() -> None:
    spec = {**VALID_EXAMPLE, "release": "emr-6.5.0", "scaling": None}
    with pytest.raises(ValueError, match=r"m7g"):
        build(spec)
