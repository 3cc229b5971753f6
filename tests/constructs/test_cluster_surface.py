"""The rest of the AWS::EMR::Cluster surface (issue 12): each option asserted on the template,
and each new rule with a validation test. Expected values come from the AWS sources cited."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk.assertions import Annotations, Match, Template
from helpers import cluster_properties, new_stack, security_document

from cdk_emr import (
    AdjustmentType,
    AutoScalingPolicy,
    BootstrapAction,
    ComparisonOperator,
    Configuration,
    EmrCluster,
    EmrSecurityConfiguration,
    EmrValidationError,
    FleetResize,
    InstanceFleet,
    InstanceGroup,
    InstanceMarket,
    InstanceTypeConfig,
    JarStep,
    OnDemandAllocationStrategy,
    OnDemandOptions,
    ReleaseLabel,
    RuntimeRoles,
    ScaleDownBehavior,
    ScalingRule,
    ScriptSource,
    SparkDeployMode,
    SparkStep,
    SpotAllocationStrategy,
    SpotOptions,
)
from cdk_emr.security import CrossRealmTrust, Kerberos

AMI = "ami-0123456789abcdef0"


@pytest.fixture(scope="module")
def fleets() -> tuple[Template, dict[str, Any], EmrCluster]:
    stack = new_stack()
    key = kms.Key(stack, "AmiKey")
    scripts = s3.Bucket(stack, "Scripts")
    cluster = EmrCluster(
        stack,
        "Cluster",
        max_azs=1,
        log_prefix="existing/emr/",
        custom_ami=ec2.MachineImage.generic_linux({"us-east-1": AMI}),
        custom_ami_key=key,
        ebs_root_volume_size_gib=32,
        ebs_root_volume_iops=6000,
        ebs_root_volume_throughput_mib=500,
        scale_down_behavior=ScaleDownBehavior.TERMINATE_AT_TASK_COMPLETION,
        additional_info={"instanceAwsClientConfiguration": {"proxyPort": 8099}},
        key_pair="ops-key",
        core=InstanceFleet(
            instance_types=[
                InstanceTypeConfig(
                    instance_type="m7g.xlarge",
                    priority=0,
                    configurations=[Configuration("yarn-site", {"yarn.nodemanager.resource.memory-mb": "12288"})],
                ),
                InstanceTypeConfig(instance_type="m6g.xlarge", priority=1, ebs_optimized=False),
            ],
            target_on_demand_capacity=2,
            on_demand_allocation_strategy=OnDemandAllocationStrategy.PRIORITIZED,
            resize=FleetResize(
                spot_allocation_strategy=SpotAllocationStrategy.CAPACITY_OPTIMIZED,
                spot_timeout_minutes=30,
                on_demand_options=OnDemandOptions(capacity_reservation_preference="none"),
                on_demand_timeout_minutes=60,
            ),
        ),
        task=[
            InstanceFleet.spot_fleet([InstanceTypeConfig(instance_type="r7g.xlarge", bid_price_usd="0.12", custom_ami=AMI)], 2)
        ],
        steps=[
            SparkStep(
                name="client", script=ScriptSource.from_bucket(scripts, "jobs/report.py"), deploy_mode=SparkDeployMode.CLIENT
            ),
            JarStep(
                name="streaming",
                jar=ScriptSource.from_s3_uri("file:/usr/lib/hadoop-mapreduce/hadoop-streaming.jar"),
                properties={"mapreduce.job.reduces": "2"},
            ),
        ],
        bootstrap_actions=[
            BootstrapAction(name="local", script=ScriptSource.from_s3_uri("file:/usr/share/aws/emr/scripts/setup.sh"))
        ],
    )
    template = Template.from_stack(stack)
    return template, cluster_properties(template), cluster


@pytest.fixture(scope="module")
def groups() -> tuple[Template, dict[str, Any], EmrCluster]:
    stack = new_stack()
    extra = ec2.SecurityGroup.from_security_group_id(stack, "Extra", "sg-0123456789abcdef0")
    cluster = EmrCluster(
        stack,
        "Cluster",
        primary=InstanceGroup(instance_type="m7g.xlarge"),
        core=InstanceGroup(
            instance_type="m7g.xlarge",
            instance_count=2,
            auto_scaling=AutoScalingPolicy(
                min_capacity=2,
                max_capacity=10,
                rules=[
                    ScalingRule(
                        name="ScaleOutOnMemory",
                        metric_name="YARNMemoryAvailablePercentage",
                        comparison=ComparisonOperator.LESS_THAN,
                        threshold=15,
                        adjustment=1,
                        cool_down_seconds=300,
                    ),
                    ScalingRule(
                        name="ScaleIn",
                        metric_name="YARNMemoryAvailablePercentage",
                        comparison=ComparisonOperator.GREATER_THAN,
                        threshold=75,
                        adjustment=-1,
                        adjustment_type=AdjustmentType.CHANGE_IN_CAPACITY,
                    ),
                ],
            ),
        ),
        task=[InstanceGroup(instance_type="r7g.xlarge", instance_count=1, market=InstanceMarket.SPOT, bid_price_usd="0.10")],
        additional_primary_security_groups=[extra],
        visible_to_all_users=False,
        os_release_label="2023.3.20240219.0",
    )
    template = Template.from_stack(stack)
    return template, cluster_properties(template), cluster


# ----- template assertions --------------------------------------------------------------------


def test_custom_ami_from_a_machine_image(fleets: tuple[Template, dict[str, Any], EmrCluster]) -> None:
    _, props, _ = fleets
    # generic_linux resolves through a region map: the template carries the lookup, not a literal.
    assert props["CustomAmiId"] != AMI and "Fn::FindInMap" in str(props["CustomAmiId"])


def test_encrypted_ami_key_lets_the_service_role_launch(fleets: tuple[Template, dict[str, Any], EmrCluster]) -> None:
    template, _, _ = fleets
    # EBS User Guide, "Requirements for Amazon EBS encryption": CreateGrant only for AWS resources.
    template.has_resource_properties(
        "AWS::IAM::ManagedPolicy",
        {
            "PolicyDocument": Match.object_like(
                {
                    "Statement": Match.array_with(
                        [
                            Match.object_like(
                                {
                                    "Action": "kms:CreateGrant",
                                    "Condition": {"Bool": {"kms:GrantIsForAWSResource": True}},
                                }
                            )
                        ]
                    )
                }
            )
        },
    )


def test_root_volume_iops_and_throughput(fleets: tuple[Template, dict[str, Any], EmrCluster]) -> None:
    _, props, _ = fleets
    assert (props["EbsRootVolumeSize"], props["EbsRootVolumeIops"], props["EbsRootVolumeThroughput"]) == (32, 6000, 500)


def test_scale_down_additional_info_and_key_pair(fleets: tuple[Template, dict[str, Any], EmrCluster]) -> None:
    _, props, _ = fleets
    assert props["ScaleDownBehavior"] == "TERMINATE_AT_TASK_COMPLETION"
    assert props["AdditionalInfo"] == {"instanceAwsClientConfiguration": {"proxyPort": 8099}}
    assert props["Instances"]["Ec2KeyName"] == "ops-key"


def test_log_prefix_is_kept(fleets: tuple[Template, dict[str, Any], EmrCluster]) -> None:
    template, props, cluster = fleets
    assert "existing/emr/" in str(props["LogUri"])
    assert cluster.log_prefix == "existing/emr/"
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {"LifecycleConfiguration": {"Rules": Match.array_with([Match.object_like({"Prefix": "existing/emr/"})])}},
    )


def test_one_az_gives_a_single_subnet_fleet_cluster(fleets: tuple[Template, dict[str, Any], EmrCluster]) -> None:
    _, props, _ = fleets
    assert len(props["Instances"]["Ec2SubnetIds"]) == 1


def test_priorities_and_per_type_configurations(fleets: tuple[Template, dict[str, Any], EmrCluster]) -> None:
    _, props, _ = fleets
    core = props["Instances"]["CoreInstanceFleet"]
    first, second = core["InstanceTypeConfigs"]
    assert (first["Priority"], second["Priority"]) == (0, 1)
    assert first["Configurations"] == [
        {"Classification": "yarn-site", "ConfigurationProperties": {"yarn.nodemanager.resource.memory-mb": "12288"}}
    ]
    assert second["EbsConfiguration"]["EbsOptimized"] is False
    assert core["LaunchSpecifications"]["OnDemandSpecification"]["AllocationStrategy"] == "prioritized"


def test_fleet_resize_specifications(fleets: tuple[Template, dict[str, Any], EmrCluster]) -> None:
    _, props, _ = fleets
    assert props["Instances"]["CoreInstanceFleet"]["ResizeSpecifications"] == {
        "SpotResizeSpecification": {"AllocationStrategy": "capacity-optimized", "TimeoutDurationMinutes": 30},
        "OnDemandResizeSpecification": {
            "AllocationStrategy": "lowest-price",
            "CapacityReservationOptions": {"CapacityReservationPreference": "none"},
            "TimeoutDurationMinutes": 60,
        },
    }


def test_bid_price_and_per_type_ami(fleets: tuple[Template, dict[str, Any], EmrCluster]) -> None:
    _, props, _ = fleets
    [config] = props["Instances"]["TaskInstanceFleets"][0]["InstanceTypeConfigs"]
    assert (config["BidPrice"], config["CustomAmiId"]) == ("0.12", AMI)


def test_client_mode_spark_step_keeps_the_read_grant(fleets: tuple[Template, dict[str, Any], EmrCluster]) -> None:
    template, props, _ = fleets
    args = props["Steps"][0]["HadoopJarStep"]["Args"]
    assert args[:3] == ["spark-submit", "--deploy-mode", "client"]
    template.has_resource_properties(
        "AWS::IAM::ManagedPolicy",
        {
            "PolicyDocument": Match.object_like(
                {
                    "Statement": Match.array_with(
                        [
                            Match.object_like(
                                {
                                    "Action": ["s3:GetObject", "s3:GetObjectVersion"],
                                    "Resource": {"Fn::Join": ["", [Match.any_value(), "/jobs/report.py"]]},
                                }
                            )
                        ]
                    )
                }
            )
        },
    )


def test_node_local_jar_and_step_properties(fleets: tuple[Template, dict[str, Any], EmrCluster]) -> None:
    _, props, _ = fleets
    jar_step = props["Steps"][1]["HadoopJarStep"]
    assert jar_step["Jar"] == "file:/usr/lib/hadoop-mapreduce/hadoop-streaming.jar"
    assert jar_step["StepProperties"] == [{"Key": "mapreduce.job.reduces", "Value": "2"}]
    assert props["BootstrapActions"][0]["ScriptBootstrapAction"]["Path"] == "file:/usr/share/aws/emr/scripts/setup.sh"


def test_custom_ami_without_key_warns(fleets: tuple[Template, dict[str, Any], EmrCluster]) -> None:
    stack = new_stack()
    EmrCluster(stack, "C", custom_ami=AMI)
    Annotations.from_stack(stack).has_warning("*", Match.string_like_regexp("custom_ami_key"))
    assert cluster_properties(Template.from_stack(stack))["CustomAmiId"] == AMI


def test_automatic_scaling_policy_and_role(groups: tuple[Template, dict[str, Any], EmrCluster]) -> None:
    template, props, cluster = groups
    policy = props["Instances"]["CoreInstanceGroup"]["AutoScalingPolicy"]
    assert policy["Constraints"] == {"MinCapacity": 2, "MaxCapacity": 10}
    out = policy["Rules"][0]
    assert out["Action"] == {
        "SimpleScalingPolicyConfiguration": {"ScalingAdjustment": 1, "AdjustmentType": "CHANGE_IN_CAPACITY", "CoolDown": 300}
    }
    # EMR Management Guide (custom automatic scaling): EMR's metrics every 300 s, namespace and
    # the ${emr.clusterId} dimension.
    assert out["Trigger"]["CloudWatchAlarmDefinition"] == {
        "ComparisonOperator": "LESS_THAN",
        "MetricName": "YARNMemoryAvailablePercentage",
        "Period": 300,
        "Threshold": 15,
        "EvaluationPeriods": 1,
        "Namespace": "AWS/ElasticMapReduce",
        "Statistic": "AVERAGE",
        "Dimensions": [{"Key": "JobFlowId", "Value": "${emr.clusterId}"}],
    }
    assert "AutoScalingRole" in str(props["AutoScalingRole"])
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "ManagedPolicyArns": Match.array_with(
                [
                    Match.object_like(
                        {
                            "Fn::Join": Match.array_with(
                                [Match.array_with([Match.string_like_regexp("AmazonElasticMapReduceforAutoScalingRole")])]
                            )
                        }
                    )
                ]
            )
        },
    )


def test_group_bid_price_groups_and_visibility(groups: tuple[Template, dict[str, Any], EmrCluster]) -> None:
    template, props, cluster = groups
    instances = props["Instances"]
    assert instances["TaskInstanceGroups"][0]["BidPrice"] == "0.10"
    assert instances["AdditionalMasterSecurityGroups"] == ["sg-0123456789abcdef0"]
    assert "AdditionalSlaveSecurityGroups" not in instances
    assert props["VisibleToAllUsers"] is False
    assert props["OSReleaseLabel"] == "2023.3.20240219.0"
    Annotations.from_stack(cdk.Stack.of(cluster)).has_warning("*", Match.string_like_regexp("VisibleToAllUsers"))


def test_single_subnet_from_a_list_of_subnets() -> None:
    stack = new_stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2)
    EmrCluster(stack, "C", vpc=vpc, subnets=[vpc.private_subnets[0]])
    props = cluster_properties(Template.from_stack(stack))
    assert len(props["Instances"]["Ec2SubnetIds"]) == 1


def test_security_configuration_name_runtime_roles_and_lake_formation() -> None:
    stack = new_stack()
    key = kms.Key(stack, "Key")
    sc = EmrSecurityConfiguration(
        stack,
        "Sc",
        encryption_key=key,
        security_configuration_name="analytics-runtime-roles",
        runtime_roles=RuntimeRoles(propagate_source_identity=True, lake_formation=True),
    )
    EmrCluster(stack, "C", security_configuration=sc)
    template = Template.from_stack(stack)
    template.has_resource_properties("AWS::EMR::SecurityConfiguration", {"Name": "analytics-runtime-roles"})
    # The shape of the AWS docs' runtime-roles example (CfnSecurityConfigurationProps example).
    assert security_document(template)["AuthorizationConfiguration"] == {
        "IAMConfiguration": {
            "EnableApplicationScopedIAMRole": True,
            "ApplicationScopedIAMRoleConfiguration": {"PropagateSourceIdentity": True},
        },
        "LakeFormationConfiguration": {"AuthorizedSessionTagValue": "Amazon EMR"},
    }


def test_kerberos_attributes_for_an_active_directory_trust() -> None:
    stack = cdk.Stack(cdk.App(), "K", env=cdk.Environment(region="eu-west-1"))
    join = secretsmanager.Secret(stack, "Join")
    trust = CrossRealmTrust(
        realm="AD.EXAMPLE.COM",
        domain="ad.example.com",
        admin_server="ad.example.com",
        kdc_server="ad.example.com",
        principal_password=secretsmanager.Secret(stack, "Trust"),
        ad_domain_join_user="joiner",
        ad_domain_join_password=join,
    )
    EmrCluster(stack, "C", kerberos=Kerberos.cluster_dedicated_kdc(cross_realm_trust=trust))
    attributes = cluster_properties(Template.from_stack(stack))["KerberosAttributes"]
    assert set(attributes) == {
        "Realm",
        "KdcAdminPassword",
        "CrossRealmTrustPrincipalPassword",
        "ADDomainJoinUser",
        "ADDomainJoinPassword",
    }
    assert attributes["ADDomainJoinUser"] == "joiner"
    assert "resolve:secretsmanager" in str(attributes["ADDomainJoinPassword"])


# ----- validation -----------------------------------------------------------------------------


def _violations(error: pytest.ExceptionInfo[EmrValidationError]) -> dict[str, str]:
    return {v.property: v.allowed for v in error.value.violations}


def test_spot_blocks_are_rejected_as_retired() -> None:
    with pytest.raises(EmrValidationError, match=r"block_duration_minutes=60: .*retired Spot blocks.*July 1, 2021"):
        SpotOptions(block_duration_minutes=60)


def test_priority_needs_a_prioritized_strategy_and_is_non_negative() -> None:
    with pytest.raises(EmrValidationError, match=r"priority=-1"):
        InstanceTypeConfig(instance_type="m7g.xlarge", priority=-1)
    with pytest.raises(EmrValidationError, match=r"instance_types.priority=\['m7g.xlarge'\]: only with"):
        InstanceFleet(instance_types=[InstanceTypeConfig(instance_type="m7g.xlarge", priority=0)], target_on_demand_capacity=1)


def test_bid_prices_are_positive_usd_and_exclusive() -> None:
    with pytest.raises(EmrValidationError) as error:
        InstanceTypeConfig(instance_type="m7g.xlarge", bid_price_usd="cheap", bid_price_as_percentage_of_on_demand=50)
    assert "a positive USD amount" in str(error.value) and "one spot price limit" in str(error.value)
    with pytest.raises(EmrValidationError, match=r"bid_price_usd='0.1': only with market=SPOT"):
        InstanceGroup(instance_type="m7g.xlarge", bid_price_usd="0.1")


def test_resize_timeouts_are_5_to_10080_minutes() -> None:
    with pytest.raises(EmrValidationError) as error:
        FleetResize(spot_timeout_minutes=4, on_demand_timeout_minutes=10_081)
    assert set(_violations(error)) == {"spot_timeout_minutes", "on_demand_timeout_minutes"}


def test_scaling_rule_ranges() -> None:
    with pytest.raises(EmrValidationError) as error:
        ScalingRule(
            name="bad",
            metric_name="AppsPending",
            comparison="ABOVE",
            threshold=-1,
            adjustment=0,
            evaluation_periods=0,
            period_seconds=45,
        )
    assert set(_violations(error)) == {"comparison", "threshold", "adjustment", "evaluation_periods", "period_seconds"}


def test_auto_scaling_policy_limits_and_count() -> None:
    rule = ScalingRule(name="r", metric_name="AppsPending", comparison=ComparisonOperator.GREATER_THAN, threshold=1, adjustment=1)
    with pytest.raises(EmrValidationError, match=r"min_capacity=5: at most max_capacity \(2\)"):
        AutoScalingPolicy(min_capacity=5, max_capacity=2, rules=[rule])
    with pytest.raises(EmrValidationError, match=r"instance_count=1: within auto_scaling's limits \(2 to 4\)"):
        InstanceGroup(instance_type="m7g.xlarge", auto_scaling=AutoScalingPolicy(min_capacity=2, max_capacity=4, rules=[rule]))


def test_cluster_options_collect_every_violation() -> None:
    rule = ScalingRule(name="r", metric_name="AppsPending", comparison=ComparisonOperator.GREATER_THAN, threshold=1, adjustment=1)
    with pytest.raises(EmrValidationError) as error:
        EmrCluster(
            new_stack(),
            "C",
            release_label=ReleaseLabel.of("emr-5.6.0"),
            applications=[],
            primary=InstanceGroup(
                instance_type="m5.xlarge", auto_scaling=AutoScalingPolicy(min_capacity=1, max_capacity=2, rules=[rule])
            ),
            core=InstanceGroup(instance_type="m5.xlarge"),
            custom_ami="ami-123",
            os_release_label="latest",
            ebs_root_volume_iops=2000,
            ebs_root_volume_throughput_mib=1200,
            additional_info={"x": object()},
            log_prefix="/logs/",
            key_pair="",
            max_azs=0,
        )
    found = _violations(error)
    assert {
        "applications",  # the cluster's own rules are in the same error
        "custom_ami",
        "os_release_label",
        "ebs_root_volume_iops",
        "ebs_root_volume_throughput_mib",
        "additional_info",
        "log_prefix",
        "key_pair",
        "max_azs",
        "primary.auto_scaling",
    } <= set(found)


def test_release_gates_of_new_properties() -> None:
    with pytest.raises(EmrValidationError) as error:
        EmrCluster(
            new_stack(),
            "C",
            release_label=ReleaseLabel.of("emr-6.14.0"),
            ebs_root_volume_iops=4000,
            security_configuration=None,
        )
    # botocore EMR model: EbsRootVolumeIops "Available in Amazon EMR releases 6.15.0 and later".
    assert "6.15.0+" in _violations(error)["ebs_root_volume_iops"]


def test_runtime_roles_need_emr_6_7_0() -> None:
    stack = new_stack()
    sc = EmrSecurityConfiguration(stack, "Sc", encryption_key=kms.Key(stack, "K"), runtime_roles=RuntimeRoles())
    with pytest.raises(EmrValidationError, match=r"security_configuration.runtime_roles='emr-6.6.0': .*6.7.0\+"):
        EmrCluster(stack, "C", release_label=ReleaseLabel.of("emr-6.6.0"), security_configuration=sc)


def test_managed_and_automatic_scaling_are_exclusive() -> None:
    from cdk_emr import ManagedScaling

    rule = ScalingRule(name="r", metric_name="AppsPending", comparison=ComparisonOperator.GREATER_THAN, threshold=1, adjustment=1)
    with pytest.raises(EmrValidationError, match=r"core.auto_scaling='set': unset with managed_scaling"):
        EmrCluster(
            new_stack(),
            "C",
            primary=InstanceGroup(instance_type="m7g.xlarge"),
            core=InstanceGroup(
                instance_type="m7g.xlarge", auto_scaling=AutoScalingPolicy(min_capacity=1, max_capacity=3, rules=[rule])
            ),
            managed_scaling=ManagedScaling(min_capacity=1, max_capacity=3),
        )


def test_script_uris_s3_objects_or_node_local_files() -> None:
    for bad in ("s3://bucket-only", "s3://bucket/dir/", "file:relative.sh", "file:/"):
        with pytest.raises(EmrValidationError):
            ScriptSource.from_s3_uri(bad)


def test_spark_deploy_mode_is_not_given_twice() -> None:
    with pytest.raises(EmrValidationError, match=r"spark_submit_args=.*without --deploy-mode"):
        SparkStep(name="x", script=ScriptSource.from_s3_uri("s3://my-bucket/x.py"), spark_submit_args=["--deploy-mode", "client"])


def test_runtime_roles_session_tag_and_security_configuration_name() -> None:
    with pytest.raises(EmrValidationError, match="lake_formation_session_tag"):
        RuntimeRoles(lake_formation=True, lake_formation_session_tag="bad\ttag")
    stack = new_stack()
    with pytest.raises(EmrValidationError, match="security_configuration_name"):
        EmrSecurityConfiguration(stack, "Sc", encryption_key=kms.Key(stack, "K"), security_configuration_name="x" * 257)


def test_ad_join_user_and_password_go_together() -> None:
    stack = new_stack()
    with pytest.raises(EmrValidationError, match="ad_domain_join_user/ad_domain_join_password"):
        CrossRealmTrust(
            realm="AD.EXAMPLE.COM",
            domain="ad.example.com",
            admin_server="ad",
            kdc_server="ad",
            principal_password=secretsmanager.Secret(stack, "T"),
            ad_domain_join_user="joiner",
        )


def test_windows_machine_image_is_rejected() -> None:
    stack = new_stack()
    image = ec2.MachineImage.generic_windows({"us-east-1": AMI})
    with pytest.raises(EmrValidationError, match="custom_ami=.*a Linux image"):
        EmrCluster(stack, "C", custom_ami=image)


def test_iam_role_unused_import_guard() -> None:
    assert iam.Role  # the module imports what the tests above use


def test_emrfs_role_mappings() -> None:
    from cdk_emr import EmrFsIdentifierType, EmrFsRoleMapping

    stack = new_stack()
    analysts = iam.Role(stack, "Analysts", assumed_by=iam.AccountRootPrincipal())
    sc = EmrSecurityConfiguration(
        stack,
        "Sc",
        encryption_key=kms.Key(stack, "K"),
        emrfs_role_mappings=[
            EmrFsRoleMapping(role=analysts, identifier_type=EmrFsIdentifierType.GROUP, identifiers=["analysts"]),
            EmrFsRoleMapping(role=analysts, identifier_type="Prefix", identifiers=["s3://curated/finance/"]),
        ],
    )
    EmrCluster(stack, "C", security_configuration=sc)
    template = Template.from_stack(stack)
    # EMR Management Guide, "Configure IAM roles for EMRFS requests to Amazon S3": RoleMappings of
    # Role, IdentifierType (User, Group, Prefix) and Identifiers.
    mappings = security_document(template)["AuthorizationConfiguration"]["EmrFsConfiguration"]["RoleMappings"]
    assert [(m["IdentifierType"], m["Identifiers"]) for m in mappings] == [
        ("Group", ["analysts"]),
        ("Prefix", ["s3://curated/finance/"]),
    ]
    trust = next(r for k, r in template.find_resources("AWS::IAM::Role").items() if k.startswith("Analysts"))
    assert "CInstanceRole" in str(trust["Properties"]["AssumeRolePolicyDocument"])


def test_emrfs_role_mapping_rules() -> None:
    from cdk_emr import EmrFsRoleMapping

    stack = new_stack()
    role = iam.Role(stack, "R", assumed_by=iam.AccountRootPrincipal())
    with pytest.raises(EmrValidationError) as error:
        EmrFsRoleMapping(role=role, identifier_type="Bucket", identifiers=[])
    assert set(_violations(error)) == {"identifier_type", "identifiers"}
    with pytest.raises(EmrValidationError, match=r"identifiers='curated/': an s3://"):
        EmrFsRoleMapping(role=role, identifier_type="Prefix", identifiers=["curated/"])
    mapping = EmrFsRoleMapping(role=role, identifier_type="User", identifiers=["alice"])
    sc = EmrSecurityConfiguration(stack, "Sc", encryption_key=kms.Key(stack, "K"), emrfs_role_mappings=[mapping])
    with pytest.raises(EmrValidationError, match=r"security_configuration.emrfs_role_mappings='emr-5.9.0': .*5.10.0\+"):
        EmrCluster(
            stack,
            "C",
            release_label=ReleaseLabel.of("emr-5.9.0"),
            security_configuration=sc,
            auto_termination=None,
            primary=InstanceGroup(instance_type="m4.xlarge"),
            core=InstanceGroup(instance_type="m4.xlarge"),
        )


def test_custom_key_and_certificate_providers() -> None:
    from cdk_emr import CustomProvider, S3EncryptionMode, TlsCertificates

    stack = new_stack()
    jars = s3.Bucket(stack, "Jars")
    sc = EmrSecurityConfiguration(
        stack,
        "Sc",
        encryption_key=kms.Key(stack, "K"),
        s3_encryption=S3EncryptionMode.CSE_CUSTOM,
        s3_key_provider=CustomProvider(jar=ScriptSource.from_bucket(jars, "s3.jar"), class_name="com.example.S3Keys"),
        local_disk_key_provider=CustomProvider(jar=ScriptSource.from_bucket(jars, "disk.jar"), class_name="com.example.DiskKeys"),
        ebs_encryption=False,
        tls_certificates=TlsCertificates.from_provider(
            CustomProvider(jar=ScriptSource.from_bucket(jars, "tls.jar"), class_name="com.example.Certificates")
        ),
    )
    EmrCluster(stack, "C", security_configuration=sc)
    template = Template.from_stack(stack)
    encryption = security_document(template)["EncryptionConfiguration"]
    # EMR Management Guide, "Create a security configuration": CSE-Custom and Custom providers name
    # the JAR (S3Object) and the class.
    s3_config = encryption["AtRestEncryptionConfiguration"]["S3EncryptionConfiguration"]
    assert (s3_config["EncryptionMode"], s3_config["EncryptionKeyProviderClass"]) == ("CSE-Custom", "com.example.S3Keys")
    disk = encryption["AtRestEncryptionConfiguration"]["LocalDiskEncryptionConfiguration"]
    assert (disk["EncryptionKeyProviderType"], disk["EncryptionKeyProviderClass"]) == ("Custom", "com.example.DiskKeys")
    tls = encryption["InTransitEncryptionConfiguration"]["TLSCertificateConfiguration"]
    assert (tls["CertificateProviderType"], tls["CertificateProviderClass"]) == ("Custom", "com.example.Certificates")
    assert encryption["EnableInTransitEncryption"] is True
    policies = str(template.find_resources("AWS::IAM::ManagedPolicy"))
    assert all(jar in policies for jar in ("/s3.jar", "/disk.jar", "/tls.jar"))


def test_custom_provider_rules() -> None:
    from cdk_emr import CustomProvider, S3EncryptionMode

    with pytest.raises(EmrValidationError, match="class_name='not a class'"):
        CustomProvider(jar=ScriptSource.from_s3_uri("s3://my-bucket/p.jar"), class_name="not a class")
    stack = new_stack()
    with pytest.raises(EmrValidationError) as error:
        EmrSecurityConfiguration(
            stack,
            "Sc",
            encryption_key=kms.Key(stack, "K"),
            s3_encryption=S3EncryptionMode.CSE_CUSTOM,
            local_disk_key_provider=CustomProvider(jar=ScriptSource.from_s3_uri("s3://my-bucket/p.jar"), class_name="a.B"),
        )
    assert set(_violations(error)) == {"s3_key_provider", "ebs_encryption"}
