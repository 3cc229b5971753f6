"""aws-cdk-lib conventions (issue 12): IEmrCluster and from_cluster_attributes, connections,
steps and task capacity added after launch, runtime-role trust, and shared foundation pieces."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_rds as rds
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Match, Template
from helpers import new_stack

from cdk_emr import (
    AutoScalingPolicy,
    ComparisonOperator,
    EmrCluster,
    EmrLogStorage,
    EmrMonitoring,
    EmrNetwork,
    EmrValidationError,
    IEmrCluster,
    InstanceFleet,
    InstanceGroup,
    JarStep,
    ScalingRule,
    ScriptSource,
    SparkStep,
    create_emr_key,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def imported() -> tuple[Template, IEmrCluster]:
    stack = new_stack()
    role = iam.Role.from_role_name(stack, "Role", "EMR_EC2_DefaultRole", mutable=True)
    group = ec2.SecurityGroup.from_security_group_id(stack, "Sg", "sg-0123456789abcdef0")
    cluster = EmrCluster.from_cluster_attributes(
        stack, "Existing", cluster_id="j-2AXXXXXXGAPLF", instance_role=role, security_groups=[group]
    )
    data = s3.Bucket.from_bucket_name(stack, "Data", "my-data")
    logs = s3.Bucket.from_bucket_name(stack, "StepLogs", "my-step-logs")
    cluster.grant_read_data(data, "raw/*")
    cluster.grant_add_steps(iam.Role(stack, "Operator", assumed_by=iam.AccountRootPrincipal()))
    cluster.add_step(
        "Nightly",
        SparkStep(name="nightly", script=ScriptSource.from_bucket(data, "jobs/nightly.py")),
        log_bucket=logs,
        log_prefix="nightly/",
    )
    cluster.add_step(
        "Streaming",
        JarStep(
            name="streaming",
            jar=ScriptSource.from_s3_uri("file:/usr/lib/hadoop-mapreduce/hadoop-streaming.jar"),
            properties={"a": "1"},
        ),
    )
    cluster.add_task_fleet("MoreSpot", InstanceFleet.spot_fleet(["r7g.xlarge", "r6g.xlarge"], 4))
    cluster.add_task_group("Workers", InstanceGroup(instance_type="m7g.xlarge", instance_count=2))
    EmrMonitoring(stack, "Alarms", cluster=cluster, auto_termination_enabled=False)
    return Template.from_stack(stack), cluster


def test_imported_cluster_is_an_iemrcluster(imported: tuple[Template, IEmrCluster]) -> None:
    _, cluster = imported
    assert isinstance(cluster, IEmrCluster)
    assert cluster.cluster_id == "j-2AXXXXXXGAPLF"


def test_step_on_an_imported_cluster(imported: tuple[Template, IEmrCluster]) -> None:
    template, _ = imported
    template.has_resource_properties(
        "AWS::EMR::Step",
        {
            "JobFlowId": "j-2AXXXXXXGAPLF",
            "Name": "nightly",
            "ActionOnFailure": "CONTINUE",
            "HadoopJarStep": Match.object_like({"Jar": "command-runner.jar"}),
            "LogUri": "s3://my-step-logs/nightly/",
        },
    )
    template.has_resource_properties(
        "AWS::EMR::Step",
        {"HadoopJarStep": Match.object_like({"StepProperties": [{"Key": "a", "Value": "1"}]})},
    )


def test_task_fleet_and_group_resources(imported: tuple[Template, IEmrCluster]) -> None:
    template, _ = imported
    template.has_resource_properties(
        "AWS::EMR::InstanceFleetConfig",
        {
            "ClusterId": "j-2AXXXXXXGAPLF",
            "InstanceFleetType": "TASK",
            "TargetSpotCapacity": 4,
            "InstanceTypeConfigs": Match.array_with([Match.object_like({"InstanceType": "r7g.xlarge"})]),
            "LaunchSpecifications": Match.object_like(
                {"SpotSpecification": Match.object_like({"AllocationStrategy": "price-capacity-optimized"})}
            ),
        },
    )
    template.has_resource_properties(
        "AWS::EMR::InstanceGroupConfig",
        {
            "JobFlowId": "j-2AXXXXXXGAPLF",
            "InstanceRole": "TASK",
            "InstanceType": "m7g.xlarge",
            "InstanceCount": 2,
            "Market": "ON_DEMAND",
            "EbsConfiguration": Match.object_like({"EbsOptimized": True}),
        },
    )


def test_grants_go_to_the_imported_role(imported: tuple[Template, IEmrCluster]) -> None:
    template, _ = imported
    policies = str(template.find_resources("AWS::IAM::Policy"))
    assert "EMR_EC2_DefaultRole" in policies
    assert "raw/*" in policies and "jobs/nightly.py" in policies and "nightly/*" in policies
    assert "elasticmapreduce:AddJobFlowSteps" in policies and "j-2AXXXXXXGAPLF" in policies


def test_monitoring_an_imported_cluster(imported: tuple[Template, IEmrCluster]) -> None:
    template, _ = imported
    alarms = template.find_resources("AWS::CloudWatch::Alarm")
    assert alarms
    assert all(
        {"Name": "JobFlowId", "Value": "j-2AXXXXXXGAPLF"} in a["Properties"].get("Dimensions", [])
        for a in alarms.values()
        if "Dimensions" in a["Properties"]
    )


def test_import_without_role_refuses_grants() -> None:
    stack = new_stack()
    cluster = EmrCluster.from_cluster_attributes(stack, "E", cluster_id="j-ABC")
    with pytest.raises(EmrValidationError, match="instance_role=None: grant_read_data"):
        cluster.grant_read_data(s3.Bucket(stack, "B"))
    with pytest.raises(EmrValidationError, match=r"cluster_id='cluster-1'"):
        EmrCluster.from_cluster_attributes(stack, "Bad", cluster_id="cluster-1")


def test_cluster_is_connectable() -> None:
    stack = new_stack()
    cluster = EmrCluster(stack, "C")
    database = rds.DatabaseInstance(
        stack,
        "Db",
        engine=rds.DatabaseInstanceEngine.postgres(version=rds.PostgresEngineVersion.VER_16),
        vpc=cluster.vpc,
    )
    database.connections.allow_default_port_from(cluster)
    template = Template.from_stack(stack)
    rules = [r["Properties"] for r in template.find_resources("AWS::EC2::SecurityGroupIngress").values()]
    for group in template.find_resources("AWS::EC2::SecurityGroup").values():
        rules += group["Properties"].get("SecurityGroupIngress", [])
    # the database's port is a token (Endpoint.Port) until deploy
    sources = [str(r.get("SourceSecurityGroupId")) for r in rules if "Endpoint.Port" in str(r.get("FromPort"))]
    assert len(sources) == 2  # from the primary and the core/task groups
    assert any("SecurityGroupsPrimary" in s for s in sources) and any("SecurityGroupsCore" in s for s in sources)
    assert isinstance(cluster, IEmrCluster)


def test_steps_and_task_capacity_on_a_built_cluster() -> None:
    stack = new_stack()
    rule = ScalingRule(name="r", metric_name="AppsPending", comparison=ComparisonOperator.GREATER_THAN, threshold=1, adjustment=1)
    cluster = EmrCluster(
        stack, "C", primary=InstanceGroup(instance_type="m7g.xlarge"), core=InstanceGroup(instance_type="m7g.xlarge")
    )
    with pytest.raises(EmrValidationError, match="add_task_fleet"):
        cluster.add_task_fleet("F", InstanceFleet.on_demand(["m7g.xlarge"]))
    with pytest.raises(EmrValidationError, match="auto_scaling_role"):
        cluster.add_task_group(
            "G",
            InstanceGroup(
                instance_type="m7g.xlarge", auto_scaling=AutoScalingPolicy(min_capacity=1, max_capacity=2, rules=[rule])
            ),
        )
    cluster.add_step("Later", SparkStep(name="later", script=ScriptSource.from_s3_uri("s3://my-bucket/later.py")))
    template = Template.from_stack(stack)
    [step] = template.find_resources("AWS::EMR::Step").values()
    assert "Ref" in step["Properties"]["JobFlowId"]


def test_trust_runtime_role() -> None:
    stack = new_stack()
    cluster = EmrCluster(stack, "C")
    runtime = iam.Role(stack, "TeamA", assumed_by=iam.AccountRootPrincipal())
    cluster.trust_runtime_role(runtime, propagate_source_identity=True)
    template = Template.from_stack(stack)
    roles = template.find_resources("AWS::IAM::Role")
    trust = next(r for k, r in roles.items() if k.startswith("TeamA"))["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert any(s.get("Action") == ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"] for s in trust)
    assert "sts:TagSession" in str(template.find_resources("AWS::IAM::ManagedPolicy"))


def test_foundation_pieces_have_defaults() -> None:
    stack = new_stack()
    key = create_emr_key(stack, "Key")
    logs = EmrLogStorage(stack, "Logs")
    network = EmrNetwork(stack, "Network")
    template = Template.from_stack(stack)
    assert isinstance(key, kms.Key) and logs.encryption_key is not None
    assert network.flow_logs_storage is not None
    template.has_resource_properties("AWS::KMS::Key", {"Description": "Amazon EMR: data, logs, local disks and EBS volumes"})
    template.has_resource_properties("AWS::EC2::FlowLog", {"LogDestinationType": "s3"})


def _shared_example() -> str:
    import re

    readme = (REPO / "README.md").read_text()
    [block] = [b for b in re.findall(r"```python\n(.*?)```", readme, re.S) if "EmrNetwork(" in b and "app.synth()" in b]
    return block


def test_readme_shared_foundation_shares_one_key_bucket_and_vpc() -> None:
    stacks: list[cdk.Stack] = []
    real_synth = cdk.App.synth

    def capture(app: cdk.App, *args: Any, **kwargs: Any) -> Any:
        stacks.extend(c for c in app.node.children if isinstance(c, cdk.Stack))
        return real_synth(app, *args, **kwargs)

    from unittest import mock

    with mock.patch.object(cdk.App, "synth", capture):
        exec(compile(_shared_example(), "README.md", "exec"), {})
    [stack] = stacks
    template = Template.from_stack(stack)
    assert len(template.find_resources("AWS::EMR::Cluster")) == 2
    assert len(template.find_resources("AWS::EC2::VPC")) == 1
    assert len(template.find_resources("AWS::KMS::Key")) == 1
    # the two clusters log to the one bucket
    uris = {str(c["Properties"]["LogUri"]) for c in template.find_resources("AWS::EMR::Cluster").values()}
    assert len(uris) == 1
