"""Bad input never passes and never confuses: each plausible mistake is one EmrValidationError
naming the property, the value and what is allowed (issue: "Bad input never passes").

Expected limits come from the sources cited beside each test, not from cdk_emr's constants."""

from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk.assertions import Annotations, Match, Template
from helpers import cluster_properties, security_document

from cdk_emr import (
    ActionOnFailure,
    Application,
    AutoTermination,
    BootstrapAction,
    CommandStep,
    Configuration,
    EbsVolume,
    EmrCluster,
    EmrMonitoring,
    EmrNetwork,
    EmrSecurityConfiguration,
    EmrValidationError,
    InstanceFleet,
    InstanceGroup,
    InstanceTypeConfig,
    Kerberos,
    ManagedScaling,
    ScriptSource,
    SparkStep,
)

ENV = cdk.Environment(account="123456789012", region="us-east-1")
SCRIPT = ScriptSource.from_s3_uri("s3://my-bucket/jobs/job.py")


def stack(name: str = "S") -> cdk.Stack:
    return cdk.Stack(cdk.App(), name, env=ENV)


def problems(error: pytest.ExceptionInfo[EmrValidationError]) -> dict[str, str]:
    return {v.property: f"{v.value!r}: {v.allowed}" for v in error.value.violations}


# ----- types at the boundary ---------------------------------------------------------------------


def test_a_release_label_string_is_parsed_like_release_label_of() -> None:
    s = stack()
    EmrCluster(s, "C", release_label="emr-7.9.0")  # type: ignore[arg-type]
    assert cluster_properties(Template.from_stack(s))["ReleaseLabel"] == "emr-7.9.0"


def test_application_and_action_strings_are_their_enum_values() -> None:
    s = stack()
    step = CommandStep(name="pi", command=["spark-example", "SparkPi"], action_on_failure="CANCEL_AND_WAIT")  # type: ignore[arg-type]
    assert step.action_on_failure is ActionOnFailure.CANCEL_AND_WAIT
    EmrCluster(s, "C", applications=["Hadoop", "Spark"], steps=[step])  # type: ignore[list-item]
    assert cluster_properties(Template.from_stack(s))["Applications"] == [{"Name": "Hadoop"}, {"Name": "Spark"}]


def test_wrong_types_name_the_parameter_value_type_and_expected_type() -> None:
    with pytest.raises(EmrValidationError) as raised:
        EmrCluster(
            stack(),
            "C",
            release_label=7,  # type: ignore[arg-type]
            applications=None,  # type: ignore[arg-type]
            auto_termination=cdk.Duration.hours(1),  # type: ignore[arg-type]
            termination_protection="false",  # type: ignore[arg-type]
            primary=[InstanceFleet.on_demand(["m7g.xlarge"], 1)],  # type: ignore[arg-type]
            task=InstanceFleet.spot_fleet(["m7g.xlarge"], 1),  # type: ignore[arg-type]
            steps=SparkStep(name="s", script=SCRIPT),  # type: ignore[arg-type]
            configurations=Configuration("spark-defaults", {}),  # type: ignore[arg-type]
        )
    found = problems(raised)
    assert set(found) == {
        "release_label",
        "applications",
        "auto_termination",
        "termination_protection",
        "primary",
        "task",
        "steps",
        "configurations",
    }
    assert found["release_label"].startswith("7: expected ReleaseLabel (or a string such as 'emr-7.9.0')")
    assert found["release_label"].endswith("got int")
    assert (
        found["applications"]
        == "None: expected a list of Application (or its value: 'Hadoop', 'Spark', 'Hive', 'HBase', 'Flink', 'Presto', ...), got None"
    )
    assert "expected AutoTermination or None, got aws_cdk.Duration" in found["auto_termination"]
    assert found["termination_protection"] == "'false': expected True or False, got str"
    assert "a single value is not a list" in found["task"] and "a single value is not a list" in found["steps"]
    assert "got list" in found["primary"]


def test_a_string_is_never_split_into_list_items() -> None:
    with pytest.raises(EmrValidationError, match=r"args='--verbose': expected a list of a string, e.g. \['--verbose'\]"):
        SparkStep(name="s", script=SCRIPT, args="--verbose")  # type: ignore[arg-type]
    with pytest.raises(EmrValidationError, match=r"args='pandas': expected a list"):
        BootstrapAction(name="b", script=SCRIPT, args="pandas")  # type: ignore[arg-type]
    s = stack()
    cluster = EmrCluster(s, "C")
    with pytest.raises(EmrValidationError, match=r"database_names='analytics': expected a list of a string"):
        cluster.grant_glue_catalog(database_names="analytics")  # type: ignore[arg-type]
    with pytest.raises(EmrValidationError, match=r"notification_emails='a@b.c': expected a list"):
        EmrMonitoring(s, "M", cluster=cluster, auto_termination_enabled=True, notification_emails="a@b.c")  # type: ignore[arg-type]


def test_numbers_are_whole_where_cloudformation_wants_integers() -> None:
    # AWS::EMR::Cluster InstanceTypeConfig.WeightedCapacity and fleet targets are Integer
    # (CloudFormation resource schema); "4" and 2.5 are not.
    with pytest.raises(EmrValidationError) as raised:
        InstanceTypeConfig(instance_type="m7g.xlarge", weighted_capacity=2.5)  # type: ignore[arg-type]
    assert problems(raised) == {"weighted_capacity": "2.5: expected an int (a whole number), got float"}
    with pytest.raises(EmrValidationError, match=r"capacity='4': expected an int, got str"):
        InstanceFleet.on_demand(["m7g.xlarge"], "4")  # type: ignore[arg-type]
    with pytest.raises(EmrValidationError, match=r"min_capacity='4': expected an int, got str"):
        ManagedScaling(min_capacity="4", max_capacity=10)  # type: ignore[arg-type]
    with pytest.raises(EmrValidationError, match=r"weighted_capacity=True: expected an int, got bool"):
        InstanceTypeConfig(instance_type="m7g.xlarge", weighted_capacity=True)


def test_every_item_of_a_nested_list_is_checked_with_its_path() -> None:
    with pytest.raises(EmrValidationError) as raised:
        InstanceFleet(instance_types=["m7g.xlarge", 3, "m6g.xlarge", None], target_on_demand_capacity=1)  # type: ignore[list-item]
    assert set(problems(raised)) == {"instance_types[1]", "instance_types[3]"}


def test_a_token_passes_where_a_number_is_expected() -> None:
    s = stack()
    units = cdk.CfnParameter(s, "Units", type="Number").value_as_number
    fleet = InstanceFleet.on_demand(["m7g.xlarge"], 1)
    EmrCluster(s, "C", step_concurrency_level=units, primary=fleet)  # type: ignore[arg-type]
    assert cluster_properties(Template.from_stack(s))["StepConcurrencyLevel"] == {"Ref": "Units"}


# ----- applications and releases ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("app", "release", "why"),
    [
        # Application versions in Amazon EMR 6.x releases: Flink, Pig, Sqoop absent from 6.0.0/6.0.1.
        (Application.FLINK, "emr-6.0.0", "Flink"),
        (Application.PIG, "emr-6.0.0", "Pig"),
        # JupyterEnterpriseGateway: from 5.32.0 on 5.x and 6.2.0 on 6.x.
        (Application.JUPYTER_ENTERPRISE_GATEWAY, "emr-6.1.0", "JupyterEnterpriseGateway"),
        (Application.JUPYTER_ENTERPRISE_GATEWAY, "emr-5.31.0", "JupyterEnterpriseGateway"),
        # TensorFlow release history: first in emr-5.17.0.
        (Application.TENSORFLOW, "emr-5.16.0", "TensorFlow"),
    ],
)
def test_fails_if_the_release_does_not_ship_the_application(app: Application, release: str, why: str) -> None:
    with pytest.raises(EmrValidationError, match=rf"applications='{why}': {why} ships with .*, not {release}"):
        EmrCluster(stack(), "C", release_label=release, applications=[Application.HADOOP, app], auto_termination=None)  # type: ignore[arg-type]


def test_flink_is_back_in_emr_6_1_0() -> None:
    with pytest.raises(EmrValidationError) as raised:  # 6.1.0 still fails the IMDSv2 gate, only that one
        EmrCluster(stack(), "C", release_label="emr-6.1.0", applications=[Application.FLINK], auto_termination=None)  # type: ignore[arg-type]
    assert set(problems(raised)) == {"release_label"}


def test_fails_if_presto_and_trino_are_installed_together() -> None:
    # EMR Release Guide, "Installing PrestoDB and Trino": "you cannot install both on a single cluster".
    with pytest.raises(EmrValidationError, match=r"Presto or Trino, not both"):
        EmrCluster(stack(), "C", applications=[Application.PRESTO, Application.TRINO])


def test_old_release_reports_every_rule_at_once() -> None:
    # emr-5.29.0: auto-termination needs 5.30.0+, IMDSv2-only needs 5.32.0+ (EMR Management Guide).
    with pytest.raises(EmrValidationError) as raised:
        EmrCluster(stack(), "C", release_label="emr-5.29.0")  # type: ignore[arg-type]
    found = problems(raised)
    assert "auto_termination" in found
    assert "release_label" in found and "require_imdsv2=False" in found["release_label"]
    assert "EmrSecurityConfiguration(" in found["release_label"]


def test_a_release_newer_than_the_library_is_accepted_with_a_warning() -> None:
    s = stack()
    EmrCluster(s, "C", release_label="emr-7.99.0")  # type: ignore[arg-type]
    assert cluster_properties(Template.from_stack(s))["ReleaseLabel"] == "emr-7.99.0"
    warnings = Annotations.from_stack(s).find_warning(
        "*", Match.string_like_regexp("emr-7.99.0 is newer than the newest release")
    )
    assert warnings and "emr-7.14.0" in json.dumps(warnings[0].entry.data)


# ----- steps, scripts, tags ----------------------------------------------------------------------


def test_fails_with_more_than_256_steps_at_launch() -> None:
    # RunJobFlow (EMR API reference): "A maximum of 256 steps are allowed in each job flow."
    steps = [CommandStep(name=f"s{i}", command=["true"]) for i in range(257)]
    with pytest.raises(EmrValidationError, match=r"steps='257 steps': at most 256 steps at launch"):
        EmrCluster(stack(), "C", steps=steps)


@pytest.mark.parametrize("uri", ["s3://", "s3://my-bucket", "s3://my-bucket/", "s3://my-bucket/jobs/", "s3://My_Bucket/job.py"])
def test_fails_if_a_script_uri_is_not_one_object(uri: str) -> None:
    with pytest.raises(EmrValidationError, match="uri="):
        ScriptSource.from_s3_uri(uri)


def test_fails_if_a_script_asset_is_a_directory(tmp_path: Path) -> None:
    with pytest.raises(EmrValidationError, match=r"an existing file \(a directory would be shipped as a zip archive\)"):
        ScriptSource.from_asset(str(tmp_path))


def test_repeated_spark_submit_options_render_as_unique_args() -> None:
    # The AWS::EMR::Cluster schema gives a step's Args uniqueItems: true; spark-submit reads
    # "--conf=k=v" as --conf k=v (Apache Spark SparkSubmitOptionParser, "(--[^=]+)=(.+)").
    s = stack()
    step = SparkStep(
        name="s", script=SCRIPT, spark_submit_args=["--conf", "spark.a=1", "--conf", "spark.b=2", "--num-executors", "2"]
    )
    EmrCluster(s, "C", steps=[step])
    args = cluster_properties(Template.from_stack(s))["Steps"][0]["HadoopJarStep"]["Args"]
    assert args == [
        "spark-submit",
        "--deploy-mode",
        "cluster",
        "--conf=spark.a=1",
        "--conf=spark.b=2",
        "--num-executors",
        "2",
        "s3://my-bucket/jobs/job.py",
    ]
    assert len(set(args)) == len(args)


@pytest.mark.parametrize(
    ("tags", "prop"),
    [
        # EMR Management Guide, "Tag restrictions": "Do not use the aws: prefix"; EC2's limits:
        # keys up to 128 characters, values up to 256.
        ({"aws:team": "x"}, "tags['aws:team']"),
        ({"k" * 129: "x"}, f"tags['{'k' * 129}']"),
        ({"team": "v" * 257}, "tags['team']"),
        ({"": "x"}, "tags['']"),
    ],
)
def test_fails_on_tags_aws_refuses(tags: dict[str, str], prop: str) -> None:
    with pytest.raises(EmrValidationError) as raised:
        EmrCluster(stack(), "C", tags=tags)
    assert prop in problems(raised)


# ----- network -----------------------------------------------------------------------------------


def _public_only_vpc(s: cdk.Stack) -> ec2.Vpc:
    return ec2.Vpc(
        s,
        "Public",
        max_azs=2,
        nat_gateways=0,
        subnet_configuration=[ec2.SubnetConfiguration(name="P", subnet_type=ec2.SubnetType.PUBLIC)],
    )


@pytest.mark.parametrize("capacity", ["fleet", "group"])
def test_fails_if_the_vpc_has_no_private_subnet_to_choose(capacity: str) -> None:
    s = stack()
    node = InstanceFleet.on_demand(["m7g.xlarge"], 1) if capacity == "fleet" else InstanceGroup(instance_type="m7g.xlarge")
    with pytest.raises(EmrValidationError, match=r"subnets='no subnet selected': at least one subnet"):
        EmrCluster(s, "C", vpc=_public_only_vpc(s), primary=node, core=node)


def test_public_subnets_can_be_chosen_explicitly() -> None:
    s = stack()
    EmrCluster(s, "C", vpc=_public_only_vpc(s), subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC))
    assert len(cluster_properties(Template.from_stack(s))["Instances"]["Ec2SubnetIds"]) == 2


def test_fails_if_an_additional_security_group_is_in_another_vpc() -> None:
    s = stack()
    network = EmrNetwork(s, "Net", flow_logs_bucket=s3.Bucket(s, "Flow"))
    other = ec2.Vpc(s, "Other", max_azs=1)
    group = ec2.SecurityGroup(s, "Elsewhere", vpc=other)
    with pytest.raises(
        EmrValidationError, match=r"additional_security_groups\[0\]='S/Elsewhere': a security group of the cluster's VPC"
    ):
        EmrCluster(s, "C", vpc=network.vpc, additional_security_groups=[group])


def test_fails_on_a_negative_number_of_nat_gateways() -> None:
    with pytest.raises(EmrValidationError, match=r"nat_gateways=-1: 0 to max_azs"):
        EmrCluster(stack(), "C", nat_gateways=-1)


# ----- security ----------------------------------------------------------------------------------


def test_an_external_kdc_with_a_port_keeps_it() -> None:
    # EMR Management Guide, External KDC example: "KdcServer": "MasterDNSOfKDCMaster:88".
    s = stack()
    password = secretsmanager.Secret(s, "P")
    kerberos = Kerberos.external_kdc(
        realm="EC2.INTERNAL", kdc_server="kdc.internal:88", admin_server="kdc.internal", admin_password=password
    )
    EmrCluster(s, "C", kerberos=kerberos)
    document = security_document(Template.from_stack(s))
    external = document["AuthenticationConfiguration"]["KerberosConfiguration"]["ExternalKdcConfiguration"]
    assert external["KdcServer"] == "kdc.internal:88" and external["AdminServer"] == "kdc.internal:749"


def test_fails_on_a_kdc_port_out_of_range() -> None:
    password = secretsmanager.Secret(stack(), "P")
    with pytest.raises(EmrValidationError, match=r"kdc_server='kdc:70000': a host name, optionally with a port"):
        Kerberos.external_kdc(realm="EC2.INTERNAL", kdc_server="kdc:70000", admin_server="kdc", admin_password=password)


def test_fails_if_kerberos_is_given_beside_a_security_configuration() -> None:
    s = stack()
    key = kms.Key(s, "K")
    configuration = EmrSecurityConfiguration(s, "Sc", encryption_key=key)
    with pytest.raises(
        EmrValidationError, match=r"kerberos='set with security_configuration': unset when you give security_configuration"
    ):
        EmrCluster(s, "C", security_configuration=configuration, kerberos=Kerberos.cluster_dedicated_kdc())


def test_roles_can_use_the_security_configurations_own_key() -> None:
    s = stack()
    logs_key, data_key = kms.Key(s, "LogsKey"), kms.Key(s, "DataKey")
    configuration = EmrSecurityConfiguration(s, "Sc", encryption_key=data_key)
    EmrCluster(s, "C", encryption_key=logs_key, security_configuration=configuration)
    template = Template.from_stack(s)
    policies = json.dumps(template.find_resources("AWS::IAM::ManagedPolicy"))
    keys = template.find_resources("AWS::KMS::Key")
    for key in ("LogsKey", "DataKey"):
        logical_id = next(k for k in keys if k.startswith(key))
        assert json.dumps({"Fn::GetAtt": [logical_id, "Arn"]}) in policies


# ----- storage and EBS ----------------------------------------------------------------------------


def test_fails_on_log_retention_shorter_than_a_day() -> None:
    # S3 LifecycleExpiration Days: a non-zero positive integer.
    with pytest.raises(EmrValidationError, match=r"log_retention='0 days': whole days, at least 1"):
        EmrCluster(stack(), "C", log_retention=cdk.Duration.days(0))


@pytest.mark.parametrize(
    ("volume", "prop", "allowed"),
    [
        # EC2 User Guide, EBS volume types: gp3 at most 0.25 MiB/s per provisioned IOPS (3,000 baseline).
        ({"throughput_mib": 1000}, "throughput_mib", "at most 0.25 MiB/s per provisioned IOPS (750 MiB/s at 3000 IOPS)"),
        # gp3: at most 500 IOPS per GiB: 10 GiB allows 5,000.
        ({"size_gib": 10, "iops": 6000}, "iops", "at most 500 IOPS per GiB for gp3 (5000 for 10 GiB)"),
        # io1: at most 50 IOPS per GiB: 64 GiB allows 3,200.
        ({"volume_type": "io1", "size_gib": 64, "iops": 5000}, "iops", "at most 50 IOPS per GiB for io1 (3200 for 64 GiB)"),
    ],
)
def test_fails_on_ebs_ratios_ebs_refuses(volume: dict[str, object], prop: str, allowed: str) -> None:
    with pytest.raises(EmrValidationError) as raised:
        EbsVolume(**volume)  # type: ignore[arg-type]
    assert allowed in problems(raised)[prop]


def test_ebs_ratios_at_their_limits_pass() -> None:
    EbsVolume(throughput_mib=1000, iops=4000)
    EbsVolume(volume_type="io1", size_gib=64, iops=3200)  # type: ignore[arg-type]
    EbsVolume(size_gib=1, iops=3000)  # the gp3 baseline holds for any size


# ----- monitoring -----------------------------------------------------------------------------


def test_fails_on_alarm_windows_and_thresholds_cloudwatch_refuses() -> None:
    # PutMetricAlarm Period: "For alarms with a period of less than one hour (3,600 seconds), the
    # total evaluation period can't be longer than one day (86,400 seconds)."
    s = stack()
    cluster = EmrCluster(s, "C", auto_termination=None)
    with pytest.raises(EmrValidationError) as raised:
        EmrMonitoring(
            s,
            "M",
            cluster=cluster,
            auto_termination_enabled=False,
            idle_duration=cdk.Duration.hours(25),
            hdfs_utilization_threshold_percent=150,
            unhealthy_nodes_duration=cdk.Duration.seconds(90),
        )
    found = problems(raised)
    assert (
        found["idle_duration"]
        == "'1500 minutes': at most 1 day (1440 minutes): CloudWatch evaluates 5-minute periods over at most 86,400 seconds"
    )
    assert found["hdfs_utilization_threshold_percent"] == "150: a percentage, above 0 and at most 100"
    assert "a multiple of 5 minutes" in found["unhealthy_nodes_duration"]


def test_a_one_day_idle_window_is_accepted() -> None:
    s = stack()
    EmrMonitoring(
        s,
        "M",
        cluster=EmrCluster(s, "C", auto_termination=None),
        auto_termination_enabled=False,
        idle_duration=cdk.Duration.days(1),
    )


def test_auto_termination_durations_are_typed() -> None:
    with pytest.raises(
        EmrValidationError, match=r"idle_timeout=3600: expected aws_cdk.Duration|idle_timeout=3600: expected Duration"
    ):
        AutoTermination(idle_timeout=3600)  # type: ignore[arg-type]


def test_fails_on_notification_addresses_sns_refuses() -> None:
    # SNS Subscribe, Protocol "email": the endpoint is one email address.
    s = stack()
    cluster = EmrCluster(s, "C")
    with pytest.raises(EmrValidationError) as raised:
        EmrMonitoring(
            s, "M", cluster=cluster, auto_termination_enabled=True, notification_emails=["ops@example.com", "ops", "a@b.c; d@e.f"]
        )
    assert set(problems(raised)) == {"notification_emails[1]", "notification_emails[2]"}


def test_a_value_object_reports_its_value_rules_beside_a_type_problem() -> None:
    # Spot timeout: TimeoutDurationMinutes 5 to 1440 (EMR API reference, SpotProvisioningSpecification).
    from cdk_emr import SpotOptions

    with pytest.raises(EmrValidationError) as raised:
        SpotOptions(allocation_strategy="cheapest", timeout_minutes=2)  # type: ignore[arg-type]
    assert set(problems(raised)) == {"allocation_strategy", "timeout_minutes"}


def test_fails_on_glue_database_names_glue_refuses() -> None:
    # AWS Glue Data Catalog database names: lower-case letters, digits and underscores, 1 to 255.
    cluster = EmrCluster(stack(), "C")
    with pytest.raises(EmrValidationError) as raised:
        cluster.grant_glue_catalog(database_names=["sales", "Sales-DB", ""])
    assert set(problems(raised)) == {"database_names[1]", "database_names[2]"}
    with pytest.raises(EmrValidationError, match=r"database_names=\[\]: at least one database name"):
        cluster.grant_glue_catalog(database_names=[])
