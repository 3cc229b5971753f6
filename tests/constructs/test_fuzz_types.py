"""Fuzzing types and shapes: any value for any parameter of the cluster and its value objects
either builds (and the cluster synthesizes a template cfn-lint accepts) or raises
EmrValidationError — never a raw Python, jsii or CloudFormation error.

Each parameter is drawn from its valid values or, now and then, from values of the wrong type or
shape: None, booleans, whole and fractional numbers, strings, a single object where a list is
expected, lists of the wrong items, a Duration for a number.
"""

from __future__ import annotations

import os
from typing import Any

import aws_cdk as cdk
from aws_cdk.assertions import Template
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from test_fuzz import lint_errors

from cdk_emr import (
    AutoTermination,
    BootstrapAction,
    CommandStep,
    Configuration,
    EbsVolume,
    EmrCluster,
    EmrValidationError,
    InstanceFleet,
    InstanceTypeConfig,
    ManagedScaling,
    ScriptSource,
    SparkStep,
    SpotOptions,
)

FUZZ = settings(
    max_examples=int(os.environ.get("CDK_EMR_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SCRIPT = ScriptSource.from_s3_uri("s3://my-bucket/jobs/job.py")

ODD: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=300),
    st.floats(min_value=-1, max_value=300, allow_nan=False),
    st.text(max_size=8),
    st.sampled_from(["emr-7.9.0", "Spark", "CONTINUE", "m7g.xlarge", "4", "true", "s3://my-bucket/x.py"]),
    st.lists(st.one_of(st.none(), st.integers(0, 5), st.text(max_size=4)), max_size=3),
    st.builds(lambda: cdk.Duration.hours(1)),
    st.builds(lambda: SCRIPT),
    st.builds(lambda: Configuration("spark-defaults", {"a": "b"})),
    st.builds(lambda: InstanceFleet.on_demand(["m7g.xlarge"], 1)),
)


def field(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly ``valid``, and a value of any type or shape one time in four."""
    return st.one_of(valid, valid, valid, ODD)


def _optional(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional={name: field(valid) for name, valid in fields.items()})


VALUE_OBJECTS: dict[type, st.SearchStrategy[dict[str, Any]]] = {
    InstanceTypeConfig: st.fixed_dictionaries(
        {"instance_type": field(st.sampled_from(["m7g.xlarge", "r7g.2xlarge"]))},
        optional={"weighted_capacity": field(st.integers(1, 8)), "ebs_volumes": field(st.just((EbsVolume(),)))},
    ),
    EbsVolume: _optional(
        size_gib=st.integers(1, 2000),
        volume_type=st.sampled_from(["gp3", "io1", "st1"]),
        iops=st.integers(100, 20000),
        throughput_mib=st.integers(100, 1100),
    ),
    SpotOptions: _optional(
        allocation_strategy=st.sampled_from(["price-capacity-optimized", "diversified"]), timeout_minutes=st.integers(1, 2000)
    ),
    ManagedScaling: st.fixed_dictionaries(
        {"min_capacity": field(st.integers(0, 10)), "max_capacity": field(st.integers(1, 40))},
        optional={"max_on_demand_capacity": field(st.integers(0, 10)), "max_core_capacity": field(st.integers(0, 10))},
    ),
    AutoTermination: _optional(
        idle_timeout=st.sampled_from([cdk.Duration.minutes(30), cdk.Duration.seconds(30), cdk.Duration.days(8)])
    ),
    SparkStep: st.fixed_dictionaries(
        {"name": field(st.just("job")), "script": field(st.just(SCRIPT))},
        optional={
            "args": field(st.lists(st.text(min_size=1, max_size=5), max_size=3)),
            "action_on_failure": field(st.sampled_from(["CONTINUE", "TERMINATE_CLUSTER"])),
        },
    ),
    CommandStep: st.fixed_dictionaries({"name": field(st.just("cmd")), "command": field(st.just(["spark-example", "SparkPi"]))}),
    BootstrapAction: st.fixed_dictionaries(
        {"name": field(st.just("setup")), "script": field(st.just(SCRIPT))},
        optional={"args": field(st.lists(st.text(max_size=4), max_size=2))},
    ),
}


@FUZZ
@given(data=st.data())
def test_any_arguments_to_a_value_object_build_it_or_raise_our_error(data: st.DataObject) -> None:
    cls = data.draw(st.sampled_from(sorted(VALUE_OBJECTS, key=lambda c: c.__name__)))
    kwargs = data.draw(VALUE_OBJECTS[cls])
    try:
        cls(**kwargs)
        event(f"{cls.__name__}: built")
    except EmrValidationError as error:
        assert error.violations and all(v.property for v in error.violations)
        event(f"{cls.__name__}: refused")


CLUSTER = _optional(
    release_label=st.sampled_from(["emr-7.14.0", "emr-7.0.0", "emr-6.15.0"]),
    applications=st.sampled_from([["Hadoop", "Spark"], ["Spark", "Hive"], ["Trino"]]),
    configurations=st.just(Configuration.glue_data_catalog()),
    core=st.one_of(st.none(), st.just(InstanceFleet.on_demand(["m7g.xlarge"], 2))),
    task=st.just([InstanceFleet.spot_fleet(["m7g.xlarge", "r7g.xlarge"], 2)]),
    managed_scaling=st.just(ManagedScaling(min_capacity=2, max_capacity=8)),
    auto_termination=st.one_of(st.none(), st.just(AutoTermination())),
    keep_alive=st.booleans(),
    termination_protection=st.booleans(),
    step_concurrency_level=st.integers(1, 300),
    steps=st.just([CommandStep(name="pi", command=["spark-example", "SparkPi"])]),
    ebs_root_volume_size_gib=st.integers(10, 120),
    nat_gateways=st.integers(-1, 3),
    tags=st.dictionaries(st.sampled_from(["team", "aws:x", "cost-center"]), st.text(max_size=5), max_size=2),
    unhealthy_node_replacement=st.booleans(),
)


@FUZZ
@given(kwargs=CLUSTER)
def test_any_arguments_to_the_cluster_synthesize_a_clean_template_or_raise_our_error(kwargs: dict[str, Any]) -> None:
    stack = cdk.Stack(cdk.App(), "S", env=cdk.Environment(account="123456789012", region="us-east-1"))
    try:
        EmrCluster(stack, "C", **kwargs)
    except EmrValidationError as error:
        assert error.violations and all(v.property for v in error.violations)
        event("refused")
        return
    template = Template.from_stack(stack).to_json()
    errors = [e for e in lint_errors(template) if " E" in e or e.startswith("E")]
    assert errors == [], kwargs
    event("synthesized, lint clean")
