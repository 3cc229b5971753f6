"""EmrCluster options: each one asserted on the synthesized template."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Annotations, Match, Template
from helpers import cluster_properties, new_stack

from cdk_emr import (
    ActionOnFailure,
    Application,
    AutoTermination,
    BootstrapAction,
    CommandStep,
    Configuration,
    EbsVolume,
    EmrCluster,
    HiveStep,
    InstanceFleet,
    InstanceGroup,
    InstanceMarket,
    InstanceTypeConfig,
    JarStep,
    ManagedScaling,
    ReleaseLabel,
    ScalingStrategy,
    ScriptSource,
    ScriptStep,
    SparkStep,
    SpotOptions,
    SpotTimeoutAction,
)

REPO = Path(__file__).resolve().parents[2]
BOOTSTRAP = str(REPO / "bootstrap_actions" / "install-python-packages.sh")


@pytest.fixture(scope="module")
def rich() -> tuple[Template, dict[str, Any], EmrCluster]:
    stack = new_stack()
    scripts = s3.Bucket.from_bucket_name(stack, "Scripts", "my-scripts")
    data = s3.Bucket(stack, "Data")
    cluster = EmrCluster(
        stack,
        "Cluster",
        cluster_name="analytics",
        release_label=ReleaseLabel.of("emr-7.9.0"),
        applications=[Application.HADOOP, Application.SPARK, Application.HIVE, Application.TRINO],
        configurations=[
            Configuration.spark_defaults({"spark.executor.memory": "4g"}),
            *Configuration.glue_data_catalog(trino=True),
        ],
        core=InstanceFleet.on_demand(["r7g.2xlarge"], 2),
        task=[
            InstanceFleet(
                instance_types=[
                    InstanceTypeConfig(instance_type="m7g.2xlarge", weighted_capacity=2),
                    InstanceTypeConfig(
                        instance_type="m7g.4xlarge",
                        weighted_capacity=4,
                        ebs_volumes=(EbsVolume(size_gib=200, volumes_per_instance=2),),
                    ),
                    "c7g.2xlarge",
                ],
                target_spot_capacity=8,
                spot=SpotOptions(timeout_action=SpotTimeoutAction.TERMINATE_CLUSTER, timeout_minutes=30),
            )
        ],
        managed_scaling=ManagedScaling(min_capacity=4, max_capacity=20, max_on_demand_capacity=2, max_core_capacity=2),
        auto_termination=AutoTermination(idle_timeout=cdk.Duration.minutes(30)),
        termination_protection=True,
        step_concurrency_level=4,
        ebs_root_volume_size_gib=32,
        bootstrap_actions=[
            BootstrapAction(name="Python packages", script=ScriptSource.from_asset(BOOTSTRAP), args=["pandas==2.2.3"])
        ],
        steps=[
            SparkStep(
                name="etl",
                script=ScriptSource.from_bucket(scripts, "jobs/etl.py"),
                args=["--day", "2026-11-24"],
                spark_submit_args=["--conf", "spark.x=1"],
            ),
            HiveStep(name="report", script=ScriptSource.from_s3_uri("s3://my-scripts/report.q"), variables={"DAY": "2026-11-24"}),
            ScriptStep(name="tidy", script=ScriptSource.from_bucket(scripts, "tidy.sh"), args=["-v"]),
            CommandStep(name="pi", command=["spark-example", "SparkPi", "10"]),
            JarStep(name="jar", jar=ScriptSource.from_bucket(scripts, "app.jar"), main_class="com.example.Main"),
        ],
        tags={"team": "data"},
    )
    cluster.grant_read_write_data(data, "curated/*")
    template = Template.from_stack(stack)
    return template, cluster_properties(template), cluster


def test_release_and_applications(rich: tuple[Template, dict[str, Any], EmrCluster]) -> None:
    _, props, _ = rich
    assert props["Name"] == "analytics"
    assert props["ReleaseLabel"] == "emr-7.9.0"
    assert [a["Name"] for a in props["Applications"]] == ["Hadoop", "Spark", "Hive", "Trino"]


def test_configurations_render_with_glue_catalog(rich: tuple[Template, dict[str, Any], EmrCluster]) -> None:
    _, props, _ = rich
    by_name = {c["Classification"]: c.get("ConfigurationProperties") for c in props["Configurations"]}
    assert by_name["spark-defaults"] == {"spark.executor.memory": "4g"}
    factory = "com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory"
    assert by_name["hive-site"] == {"hive.metastore.client.factory.class": factory}
    assert by_name["spark-hive-site"] == {"hive.metastore.client.factory.class": factory}
    assert by_name["trino-connector-hive"] == {"hive.metastore": "glue"}


def test_spot_task_fleet_with_weights_and_price_capacity_optimized(rich: tuple[Template, dict[str, Any], EmrCluster]) -> None:
    _, props, _ = rich
    task = props["Instances"]["TaskInstanceFleets"][0]
    assert (task["TargetOnDemandCapacity"], task["TargetSpotCapacity"]) == (0, 8)
    assert [(c["InstanceType"], c["WeightedCapacity"]) for c in task["InstanceTypeConfigs"]] == [
        ("m7g.2xlarge", 2),
        ("m7g.4xlarge", 4),
        ("c7g.2xlarge", 1),
    ]
    assert task["InstanceTypeConfigs"][1]["EbsConfiguration"]["EbsBlockDeviceConfigs"][0] == {
        "VolumeSpecification": {"SizeInGB": 200, "VolumeType": "gp3"},
        "VolumesPerInstance": 2,
    }
    assert task["LaunchSpecifications"] == {
        "SpotSpecification": {
            "AllocationStrategy": "price-capacity-optimized",
            "TimeoutAction": "TERMINATE_CLUSTER",
            "TimeoutDurationMinutes": 30,
        },
        "OnDemandSpecification": {"AllocationStrategy": "lowest-price"},
    }


def test_managed_scaling_in_fleet_units(rich: tuple[Template, dict[str, Any], EmrCluster]) -> None:
    _, props, _ = rich
    assert props["ManagedScalingPolicy"] == {
        "ComputeLimits": {
            "UnitType": "InstanceFleetUnits",
            "MinimumCapacityUnits": 4,
            "MaximumCapacityUnits": 20,
            "MaximumOnDemandCapacityUnits": 2,
            "MaximumCoreCapacityUnits": 2,
        }
    }


def test_termination_step_concurrency_and_root_volume(rich: tuple[Template, dict[str, Any], EmrCluster]) -> None:
    _, props, _ = rich
    assert props["AutoTerminationPolicy"] == {"IdleTimeout": 1800}
    assert props["Instances"]["TerminationProtected"] is True
    assert props["StepConcurrencyLevel"] == 4
    assert props["EbsRootVolumeSize"] == 32
    assert props["Tags"] == [  # CloudFormation tags, sorted by key
        {"Key": "for-use-with-amazon-emr-managed-policies", "Value": "true"},
        {"Key": "team", "Value": "data"},
    ]


def test_bootstrap_action_is_an_uploaded_asset(rich: tuple[Template, dict[str, Any], EmrCluster]) -> None:
    _, props, _ = rich
    [action] = props["BootstrapActions"]
    assert action["Name"] == "Python packages"
    assert action["ScriptBootstrapAction"]["Args"] == ["pandas==2.2.3"]
    path = action["ScriptBootstrapAction"]["Path"]["Fn::Sub"]
    assert path.startswith("s3://cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}/") and path.endswith(".sh")


def test_steps_render_as_typed(rich: tuple[Template, dict[str, Any], EmrCluster]) -> None:
    _, props, _ = rich
    steps = {s["Name"]: s for s in props["Steps"]}
    assert all(s["ActionOnFailure"] == "CONTINUE" for s in steps.values())
    assert steps["etl"]["HadoopJarStep"] == {
        "Jar": "command-runner.jar",
        "Args": [
            "spark-submit",
            "--deploy-mode",
            "cluster",
            "--conf",
            "spark.x=1",
            "s3://my-scripts/jobs/etl.py",
            "--day",
            "2026-11-24",
        ],
    }
    assert steps["report"]["HadoopJarStep"]["Args"] == [
        "hive-script",
        "--run-hive-script",
        "--args",
        "-f",
        "s3://my-scripts/report.q",
        "-d",
        "DAY=2026-11-24",
    ]
    assert steps["tidy"]["HadoopJarStep"]["Jar"] == {
        "Fn::Join": ["", ["s3://", {"Ref": "AWS::Region"}, ".elasticmapreduce/libs/script-runner/script-runner.jar"]]
    }
    assert steps["tidy"]["HadoopJarStep"]["Args"] == ["s3://my-scripts/tidy.sh", "-v"]
    assert steps["pi"]["HadoopJarStep"] == {"Jar": "command-runner.jar", "Args": ["spark-example", "SparkPi", "10"]}
    assert steps["jar"]["HadoopJarStep"] == {"Jar": "s3://my-scripts/app.jar", "Args": [], "MainClass": "com.example.Main"}


def test_instance_role_reads_exactly_its_scripts_and_writes_its_data_prefix(
    rich: tuple[Template, dict[str, Any], EmrCluster],
) -> None:
    template, _, _ = rich
    statements = [
        s
        for p in template.find_resources("AWS::IAM::ManagedPolicy").values()
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]
    resources = [str(s["Resource"]) for s in statements]
    assert any("my-scripts/jobs/etl.py" in r for r in resources)
    assert any("my-scripts/tidy.sh" in r for r in resources)
    assert any("/curated/*" in r for r in resources)
    assert not any(r.endswith("my-scripts/*']]}") for r in resources)
    write = [s for s in statements if "s3:PutObject" in s["Action"]]
    assert write and all("s3:*" not in s["Action"] for s in write)


def test_non_yarn_apps_with_auto_termination_get_a_warning(rich: tuple[Template, dict[str, Any], EmrCluster]) -> None:
    _, _, cluster = rich
    warnings = Annotations.from_stack(cdk.Stack.of(cluster)).find_warning("*", Match.string_like_regexp("Trino"))
    assert warnings


def test_grant_add_steps_scopes_to_the_cluster() -> None:
    stack = new_stack()
    cluster = EmrCluster(stack, "Cluster")
    user = iam.Role(stack, "Operator", assumed_by=iam.AccountRootPrincipal())
    cluster.grant_add_steps(user)
    Template.from_stack(stack).has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": [
                    Match.object_like(
                        {
                            "Action": Match.array_with(["elasticmapreduce:AddJobFlowSteps"]),
                            "Resource": {
                                "Fn::Join": ["", Match.array_with([":cluster/", {"Ref": Match.string_like_regexp("Cluster")}])]
                            },
                        }
                    )
                ],
                "Version": "2012-10-17",
            },
        },
    )


def test_bring_your_own_vpc_roles_key_and_bucket() -> None:
    stack = new_stack()
    vpc = ec2.Vpc(stack, "MyVpc", max_azs=2)
    key = kms.Key(stack, "MyKey", enable_key_rotation=True)
    bucket = s3.Bucket(stack, "MyLogs", encryption_key=key)
    service_role = iam.Role(stack, "MyServiceRole", assumed_by=iam.ServicePrincipal("elasticmapreduce.amazonaws.com"))
    instance_role = iam.Role(stack, "MyInstanceRole", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
    cluster = EmrCluster(
        stack,
        "Cluster",
        vpc=vpc,
        encryption_key=key,
        log_bucket=bucket,
        service_role=service_role,
        instance_role=instance_role,
    )
    template = Template.from_stack(stack)
    props = cluster_properties(template)
    template.resource_count_is("AWS::EC2::VPC", 1)
    template.resource_count_is("AWS::KMS::Key", 1)
    template.resource_count_is("AWS::S3::Bucket", 1)
    assert props["ServiceRole"] == {"Fn::GetAtt": [stack.get_logical_id(service_role.node.default_child), "Arn"]}
    template.has_resource_properties(
        "AWS::IAM::InstanceProfile", {"Roles": [{"Ref": stack.get_logical_id(instance_role.node.default_child)}]}
    )
    assert cluster.network is None and cluster.log_storage is None


def test_instance_groups_are_the_alternative_to_fleets() -> None:
    stack = new_stack()
    EmrCluster(
        stack,
        "Cluster",
        primary=InstanceGroup(instance_type="m5.xlarge"),
        core=InstanceGroup(instance_type="r5.xlarge", instance_count=3),
        task=[InstanceGroup(instance_type="c5.xlarge", instance_count=2, market=InstanceMarket.SPOT)],
        managed_scaling=ManagedScaling(min_capacity=3, max_capacity=10),
    )
    props = cluster_properties(Template.from_stack(stack))
    instances = props["Instances"]
    assert "Ec2SubnetId" in instances and "Ec2SubnetIds" not in instances
    assert instances["MasterInstanceGroup"]["InstanceType"] == "m5.xlarge"
    assert instances["CoreInstanceGroup"]["InstanceCount"] == 3
    assert instances["TaskInstanceGroups"][0]["Market"] == "SPOT"
    assert props["ManagedScalingPolicy"]["ComputeLimits"]["UnitType"] == "Instances"


def test_multiple_primary_nodes_force_termination_protection() -> None:
    stack = new_stack()
    cluster = EmrCluster(
        stack,
        "Cluster",
        primary=InstanceFleet.on_demand(["m7g.2xlarge"], 3),
        core=InstanceFleet.on_demand(["m7g.2xlarge"], 4),
        auto_termination=None,
        steps=[CommandStep(name="pi", command=["spark-example", "SparkPi"], action_on_failure=ActionOnFailure.CANCEL_AND_WAIT)],
    )
    props = cluster_properties(Template.from_stack(stack))
    assert props["Instances"]["TerminationProtected"] is True
    assert props["Instances"]["MasterInstanceFleet"]["TargetOnDemandCapacity"] == 3
    assert cluster.primary.total_capacity == 3


def test_no_nat_means_isolated_subnets_and_interface_endpoints() -> None:
    stack = new_stack()
    EmrCluster(stack, "Cluster", nat_gateways=0)
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::EC2::NatGateway", 0)
    endpoints = template.find_resources("AWS::EC2::VPCEndpoint", {"Properties": {"VpcEndpointType": "Interface"}})
    assert len(endpoints) == 7
    template.has_resource_properties(
        "AWS::EC2::SecurityGroup",
        {"SecurityGroupIngress": [Match.object_like({"CidrIp": "10.40.0.0/16", "FromPort": 443, "ToPort": 443})]},
    )


def test_three_primaries_are_spread_across_racks_by_default() -> None:
    stack = new_stack()
    EmrCluster(
        stack,
        "Cluster",
        primary=InstanceFleet.on_demand(["m7g.2xlarge"], 3),
        core=InstanceFleet.on_demand(["m7g.2xlarge"], 4),
        auto_termination=None,
    )
    props = cluster_properties(Template.from_stack(stack))
    assert props["PlacementGroupConfigs"] == [{"InstanceRole": "MASTER", "PlacementStrategy": "SPREAD"}]
    assert props["Instances"]["UnhealthyNodeReplacement"] is True


def test_single_primary_has_no_placement_group_unless_asked() -> None:
    stack = new_stack()
    EmrCluster(stack, "Default")
    EmrCluster(stack, "Spread", spread_primary_nodes=True)
    clusters = {k: v["Properties"] for k, v in Template.from_stack(stack).find_resources("AWS::EMR::Cluster").items()}
    assert [("PlacementGroupConfigs" in p) for p in clusters.values()] == [False, True]


def test_spot_core_nodes_get_an_hdfs_warning() -> None:
    stack = new_stack()
    EmrCluster(stack, "Batch", core=InstanceFleet.spot_fleet(["m7g.xlarge", "m6g.xlarge"], 2))
    warnings = Annotations.from_stack(stack).find_warning("*", Match.string_like_regexp("HDFS blocks on a reclaimed core node"))
    assert len(warnings) == 1


def test_advanced_scaling_strategy_and_utilization_index() -> None:
    stack = new_stack()
    EmrCluster(
        stack,
        "Cluster",
        managed_scaling=ManagedScaling(
            min_capacity=1, max_capacity=8, strategy=ScalingStrategy.ADVANCED, utilization_performance_index=25
        ),
    )
    policy = cluster_properties(Template.from_stack(stack))["ManagedScalingPolicy"]
    assert (policy["ScalingStrategy"], policy["UtilizationPerformanceIndex"]) == ("ADVANCED", 25)


def test_every_cluster_carries_the_tag_the_emr_v2_policy_requires() -> None:
    stack = new_stack()
    EmrCluster(stack, "Cluster", tags={"team": "data"})
    tags = cluster_properties(Template.from_stack(stack))["Tags"]
    assert {"Key": "for-use-with-amazon-emr-managed-policies", "Value": "true"} in tags
    assert {"Key": "team", "Value": "data"} in tags


def test_a_security_configuration_you_bring_lends_its_key_to_the_roles() -> None:
    from cdk_emr import EmrSecurityConfiguration

    stack = new_stack()
    key = kms.Key(stack, "TheirKey", enable_key_rotation=True)
    configuration = EmrSecurityConfiguration(stack, "Theirs", encryption_key=key)
    cluster = EmrCluster(stack, "Cluster", security_configuration=configuration)
    assert cluster.encryption_key is key
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::KMS::Key", 1)
    key_id = stack.get_logical_id(key.node.default_child)
    service = [
        p for n, p in template.find_resources("AWS::IAM::ManagedPolicy").items() if n.startswith("ClusterServiceRolePolicy")
    ]
    assert key_id in str(service) and "kms:CreateGrant" in str(service)


def test_additional_security_groups_are_tagged_for_the_v2_policy() -> None:
    stack = new_stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2)
    extra = ec2.SecurityGroup(stack, "Extra", vpc=vpc)
    EmrCluster(stack, "Cluster", vpc=vpc, additional_security_groups=[extra])
    group = Template.from_stack(stack).find_resources("AWS::EC2::SecurityGroup")[stack.get_logical_id(extra.node.default_child)]
    assert {"Key": "for-use-with-amazon-emr-managed-policies", "Value": "true"} in group["Properties"]["Tags"]
