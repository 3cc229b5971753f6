"""The typed API does not only exist: set, it renders. Two maximal clusters (fleets and groups),
an imported cluster given a step, a task fleet and a task group, and a named security
configuration together write every mapped property of the five EMR resource schemas."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk.assertions import Template

from cdk_emr import (
    AutoScalingPolicy,
    AutoTermination,
    BootstrapAction,
    CapacityReservationUsage,
    CommandStep,
    ComparisonOperator,
    Configuration,
    EbsVolume,
    EbsVolumeType,
    EmrCluster,
    EmrSecurityConfiguration,
    FleetResize,
    HiveStep,
    InstanceFleet,
    InstanceGroup,
    InstanceMarket,
    InstanceTypeConfig,
    JarStep,
    ManagedScaling,
    OnDemandAllocationStrategy,
    OnDemandOptions,
    RuntimeRoles,
    ScaleDownBehavior,
    ScalingMetricUnit,
    ScalingRule,
    ScalingStrategy,
    ScriptSource,
    ScriptStep,
    SparkStep,
    SpotAllocationStrategy,
    SpotOptions,
    coverage,
)
from cdk_emr.security import CrossRealmTrust, Kerberos

AMI = "ami-0123456789abcdef0"
ARN = "arn:aws:resource-groups:eu-west-1:123456789012:group/reserved"
NESTED = [
    Configuration("spark-defaults", {"spark.executor.memory": "4g"}),
    Configuration("hadoop-env", {}, [Configuration("export", {"JAVA_HOME": "/usr/lib/jvm/java-17"})]),
]
EBS = (EbsVolume(size_gib=100, volume_type=EbsVolumeType.GP3, iops=4000, throughput_mib=250),)


def _rule(name: str, adjustment: int) -> ScalingRule:
    return ScalingRule(
        name=name,
        description=f"{name} on pending containers",
        metric_name="ContainerPendingRatio",
        comparison=ComparisonOperator.GREATER_THAN,
        threshold=0.75,
        adjustment=adjustment,
        cool_down_seconds=300,
        unit=ScalingMetricUnit.COUNT,
    )


def _fleet(stack: cdk.Stack) -> None:
    on_demand = OnDemandOptions(
        allocation_strategy=OnDemandAllocationStrategy.PRIORITIZED,
        capacity_reservation_preference="open",
        usage_strategy=CapacityReservationUsage.USE_CAPACITY_RESERVATIONS_FIRST,
        capacity_reservation_resource_group_arn=ARN,
    )
    types = [
        InstanceTypeConfig(
            instance_type="m7g.xlarge", priority=0, configurations=NESTED, custom_ami=AMI, ebs_volumes=EBS, weighted_capacity=1
        ),
        InstanceTypeConfig(instance_type="m6g.xlarge", priority=1, bid_price_usd="0.2"),
        InstanceTypeConfig(instance_type="m5.xlarge", priority=2, bid_price_as_percentage_of_on_demand=60),
    ]
    trust = CrossRealmTrust(
        realm="AD.EXAMPLE.COM",
        domain="ad.example.com",
        admin_server="ad.example.com",
        kdc_server="ad.example.com",
        principal_password=secretsmanager.Secret(stack, "Trust"),
        ad_domain_join_user="joiner",
        ad_domain_join_password=secretsmanager.Secret(stack, "Join"),
    )
    EmrCluster(
        stack,
        "Fleets",
        cluster_name="fleets",
        configurations=NESTED,
        primary=InstanceFleet(instance_types=["m7g.xlarge"], target_on_demand_capacity=1, on_demand_options=on_demand),
        core=InstanceFleet(
            instance_types=types,
            target_on_demand_capacity=2,
            target_spot_capacity=2,
            spot=SpotOptions(allocation_strategy=SpotAllocationStrategy.CAPACITY_OPTIMIZED_PRIORITIZED, timeout_minutes=20),
            on_demand_options=on_demand,
            resize=FleetResize(
                spot_allocation_strategy=SpotAllocationStrategy.PRICE_CAPACITY_OPTIMIZED,
                spot_timeout_minutes=20,
                on_demand_options=on_demand,
                on_demand_timeout_minutes=20,
            ),
        ),
        task=[InstanceFleet.spot_fleet(["r7g.xlarge", "r6g.xlarge"], 2)],
        managed_scaling=ManagedScaling(
            min_capacity=4,
            max_capacity=20,
            max_on_demand_capacity=4,
            max_core_capacity=4,
            strategy=ScalingStrategy.ADVANCED,
            utilization_performance_index=50,
        ),
        auto_termination=AutoTermination(),
        termination_protection=True,
        spread_primary_nodes=True,
        step_concurrency_level=2,
        steps=[
            SparkStep(name="spark", script=ScriptSource.from_s3_uri("s3://my-bucket/job.py"), args=["--day", "1"]),
            HiveStep(name="hive", script=ScriptSource.from_s3_uri("s3://my-bucket/q.sql"), variables={"D": "1"}),
            ScriptStep(name="script", script=ScriptSource.from_s3_uri("s3://my-bucket/s.sh")),
            CommandStep(name="command", command=["echo", "1"]),
            JarStep(name="jar", jar=ScriptSource.from_s3_uri("s3://my-bucket/x.jar"), main_class="x.Main", properties={"k": "v"}),
        ],
        bootstrap_actions=[BootstrapAction(name="b", script=ScriptSource.from_s3_uri("s3://my-bucket/b.sh"), args=["x"])],
        kerberos=Kerberos.cluster_dedicated_kdc(cross_realm_trust=trust),
        custom_ami=AMI,
        custom_ami_key=kms.Key(stack, "AmiKey"),
        ebs_root_volume_size_gib=30,
        ebs_root_volume_iops=4000,
        ebs_root_volume_throughput_mib=250,
        scale_down_behavior=ScaleDownBehavior.TERMINATE_AT_TASK_COMPLETION,
        additional_info={"x": 1},
        key_pair="ops",
        additional_security_groups=[ec2.SecurityGroup.from_security_group_id(stack, "Sg", "sg-0123456789abcdef0")],
        log_encryption_key=kms.Key(stack, "LogKey"),
        tags={"team": "data"},
    )


def _groups(stack: cdk.Stack) -> None:
    EmrCluster(
        stack,
        "Groups",
        primary=InstanceGroup(instance_type="m7g.xlarge", configurations=NESTED, custom_ami=AMI, name="primary"),
        core=InstanceGroup(
            instance_type="m7g.xlarge",
            instance_count=2,
            auto_scaling=AutoScalingPolicy(min_capacity=2, max_capacity=6, rules=[_rule("out", 1), _rule("in", -1)]),
        ),
        task=[InstanceGroup(instance_type="r7g.xlarge", market=InstanceMarket.SPOT, bid_price_usd="0.1", ebs_volumes=EBS)],
        os_release_label="2.0.20220406.1",
    )


def _imported(stack: cdk.Stack) -> None:
    cluster = EmrCluster.from_cluster_attributes(
        stack, "Existing", cluster_id="j-2AXXXXXXGAPLF", instance_role=iam.Role.from_role_name(stack, "R", "EMR_EC2_DefaultRole")
    )
    cluster.add_step(
        "Step",
        JarStep(
            name="jar",
            jar=ScriptSource.from_s3_uri("s3://my-bucket/x.jar"),
            main_class="x.Main",
            args=["a"],
            properties={"k": "v"},
        ),
        log_bucket=s3.Bucket.from_bucket_name(stack, "Logs", "logs"),
        log_encryption_key=kms.Key(stack, "StepKey"),
    )
    cluster.add_task_fleet(
        "Fleet",
        InstanceFleet(
            name="extra",
            instance_types=[
                InstanceTypeConfig(
                    instance_type="c7g.xlarge",
                    priority=0,
                    configurations=NESTED,
                    custom_ami=AMI,
                    ebs_volumes=EBS,
                    bid_price_usd="0.1",
                ),
                InstanceTypeConfig(instance_type="c6g.xlarge", bid_price_as_percentage_of_on_demand=50, weighted_capacity=1),
            ],
            target_on_demand_capacity=1,
            target_spot_capacity=1,
            spot=SpotOptions(allocation_strategy=SpotAllocationStrategy.CAPACITY_OPTIMIZED_PRIORITIZED),
            on_demand_options=OnDemandOptions(
                capacity_reservation_preference="open",
                usage_strategy=CapacityReservationUsage.USE_CAPACITY_RESERVATIONS_FIRST,
                capacity_reservation_resource_group_arn=ARN,
            ),
            resize=FleetResize(
                spot_allocation_strategy=SpotAllocationStrategy.CAPACITY_OPTIMIZED,
                spot_timeout_minutes=30,
                on_demand_options=OnDemandOptions(
                    capacity_reservation_preference="open",
                    usage_strategy=CapacityReservationUsage.USE_CAPACITY_RESERVATIONS_FIRST,
                    capacity_reservation_resource_group_arn=ARN,
                ),
                on_demand_timeout_minutes=30,
            ),
        ),
    )
    cluster.add_task_group(
        "Group",
        InstanceGroup(
            name="extra",
            instance_type="m7g.xlarge",
            instance_count=2,
            market=InstanceMarket.SPOT,
            bid_price_usd="0.1",
            configurations=NESTED,
            custom_ami=AMI,
            ebs_volumes=EBS,
            auto_scaling=AutoScalingPolicy(min_capacity=1, max_capacity=4, rules=[_rule("out", 1)]),
        ),
    )
    EmrSecurityConfiguration(
        stack,
        "Named",
        encryption_key=kms.Key(stack, "ScKey"),
        security_configuration_name="named",
        runtime_roles=RuntimeRoles(lake_formation=True),
    )


def _rendered_paths(value: Any, path: str, out: set[str]) -> None:
    if isinstance(value, dict):
        if set(value) & {"Ref", "Fn::GetAtt", "Fn::Join", "Fn::FindInMap", "Fn::Select", "Fn::If"}:
            return
        for key, child in value.items():
            child_path = f"{path}.{key}" if path else key
            out.add(child_path)
            _rendered_paths(child, child_path, out)
    elif isinstance(value, list):
        for item in value:
            _rendered_paths(item, f"{path}[]", out)


@pytest.fixture(scope="module")
def rendered() -> dict[str, set[str]]:
    app = cdk.App()
    stack = cdk.Stack(app, "Surface", env=cdk.Environment(account="123456789012", region="eu-west-1"))
    _fleet(stack)
    _groups(stack)
    _imported(stack)
    template = Template.from_stack(stack)
    paths: dict[str, set[str]] = {}
    for resource_type in coverage.RESOURCE_TYPES:
        seen = paths.setdefault(resource_type, set())
        for resource in template.find_resources(resource_type).values():
            _rendered_paths(resource["Properties"], "", seen)
    return paths


# Opaque JSON (written whole, not walked), and the refused spot blocks.
NOT_RENDERED = {"SpotProvisioningSpecification.BlockDurationMinutes"}


def test_every_mapped_property_is_written_by_some_configuration(rendered: dict[str, set[str]]) -> None:
    keys_seen: set[str] = set()
    keys_all: dict[str, str] = {}
    for resource_type in coverage.RESOURCE_TYPES:
        for path, key in coverage.property_paths(resource_type):
            keys_all.setdefault(key, f"{resource_type} {path}")
            if path in rendered[resource_type]:
                keys_seen.add(key)
    # a key counts as written when one of its paths is (a fleet's InstanceTypeConfig.Priority
    # is the same property under primary, core and task)
    missing = {keys_all[k] for k in keys_all if k not in keys_seen and k not in coverage.OMISSIONS and k not in NOT_RENDERED}
    assert missing == set()
