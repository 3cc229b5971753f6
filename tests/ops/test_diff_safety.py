"""The replacement guard's logic: one test per class of change to an EMR cluster.

Templates are built as dicts: a small base template and a mutated copy per test.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cdk_emr.ops.diff_safety import (
    CLUSTER,
    INSTANCE_FLEET_CONFIG,
    INSTANCE_GROUP_CONFIG,
    SECURITY_CONFIGURATION,
    Behaviour,
    Change,
    Report,
    TemplateLoadError,
    classify,
    compare_paths,
    compare_stacks,
    format_path,
    load_stacks,
    referenced_ids,
)

Template = dict[str, Any]


def fleet_template() -> Template:
    """A platform stack: a security configuration and a fleet-based cluster referencing it."""
    return {
        "Resources": {
            "SecurityConfig": {
                "Type": SECURITY_CONFIGURATION,
                "Properties": {
                    "SecurityConfiguration": {
                        "EncryptionConfiguration": {
                            "EnableInTransitEncryption": False,
                            "EnableAtRestEncryption": True,
                            "AtRestEncryptionConfiguration": {
                                "LocalDiskEncryptionConfiguration": {
                                    "EncryptionKeyProviderType": "AwsKms",
                                    "AwsKmsKey": {"Fn::GetAtt": ["DataKey", "Arn"]},
                                }
                            },
                        }
                    }
                },
            },
            "Cluster": {
                "Type": CLUSTER,
                "Properties": {
                    "Name": "analytics",
                    "ReleaseLabel": "emr-7.9.0",
                    "Applications": [{"Name": "Spark"}, {"Name": "Hive"}],
                    "BootstrapActions": [
                        {
                            "Name": "install",
                            "ScriptBootstrapAction": {"Path": "s3://artifacts/install.sh"},
                        }
                    ],
                    "Configurations": [
                        {
                            "Classification": "spark-defaults",
                            "ConfigurationProperties": {"spark.dynamicAllocation.enabled": "true"},
                        }
                    ],
                    "Steps": [
                        {
                            "Name": "warm-up",
                            "ActionOnFailure": "CONTINUE",
                            "HadoopJarStep": {"Jar": "command-runner.jar", "Args": ["true"]},
                        }
                    ],
                    "JobFlowRole": {"Ref": "InstanceProfile"},
                    "ServiceRole": {"Fn::GetAtt": ["ServiceRole", "Arn"]},
                    "SecurityConfiguration": {"Ref": "SecurityConfig"},
                    "LogUri": "s3://logs/emr/",
                    "VisibleToAllUsers": True,
                    "StepConcurrencyLevel": 1,
                    "AutoTerminationPolicy": {"IdleTimeout": 3600},
                    "ManagedScalingPolicy": {
                        "ComputeLimits": {
                            "UnitType": "InstanceFleetUnits",
                            "MinimumCapacityUnits": 2,
                            "MaximumCapacityUnits": 20,
                            "MaximumCoreCapacityUnits": 4,
                        }
                    },
                    "Tags": [{"Key": "team", "Value": "data"}],
                    "Instances": {
                        "TerminationProtected": True,
                        "Ec2SubnetIds": ["subnet-aaaa"],
                        "EmrManagedMasterSecurityGroup": {"Fn::GetAtt": ["PrimarySg", "GroupId"]},
                        "MasterInstanceFleet": {
                            "Name": "primary",
                            "TargetOnDemandCapacity": 1,
                            "InstanceTypeConfigs": [{"InstanceType": "m7g.xlarge"}],
                        },
                        "CoreInstanceFleet": {
                            "Name": "core",
                            "TargetOnDemandCapacity": 2,
                            "TargetSpotCapacity": 0,
                            "InstanceTypeConfigs": [{"InstanceType": "r7g.2xlarge", "WeightedCapacity": 1}],
                        },
                        "TaskInstanceFleets": [
                            {
                                "Name": "task",
                                "TargetOnDemandCapacity": 0,
                                "TargetSpotCapacity": 4,
                                "InstanceTypeConfigs": [{"InstanceType": "m7g.2xlarge"}],
                            }
                        ],
                    },
                },
            },
            "LogBucket": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain"},
        }
    }


def group_template() -> Template:
    """A cluster built from uniform instance groups, plus an extra task group resource."""
    return {
        "Resources": {
            "Cluster": {
                "Type": CLUSTER,
                "Properties": {
                    "Name": "groups",
                    "ReleaseLabel": "emr-7.9.0",
                    "JobFlowRole": "profile",
                    "ServiceRole": "service",
                    "Instances": {
                        "Ec2SubnetId": "subnet-aaaa",
                        "MasterInstanceGroup": {"InstanceCount": 1, "InstanceType": "m7g.xlarge"},
                        "CoreInstanceGroup": {"InstanceCount": 2, "InstanceType": "r7g.2xlarge"},
                        "TaskInstanceGroups": [{"Name": "task", "InstanceCount": 2, "InstanceType": "m7g.2xlarge"}],
                    },
                },
            },
            "ExtraTasks": {
                "Type": INSTANCE_GROUP_CONFIG,
                "Properties": {
                    "JobFlowId": {"Ref": "Cluster"},
                    "InstanceRole": "TASK",
                    "InstanceCount": 1,
                    "InstanceType": "c7g.2xlarge",
                },
            },
        }
    }


def diff(mutate: Callable[[Template], None], base: Callable[[], Template] = fleet_template) -> Report:
    """Compare the base template with a copy changed by ``mutate``."""
    old = base()
    new = copy.deepcopy(old)
    mutate(new)
    return compare_stacks({"Platform": old}, {"Platform": new})


def cluster(template: Template, logical_id: str = "Cluster") -> dict[str, Any]:
    """The Properties of a resource (the cluster unless named)."""
    return template["Resources"][logical_id]["Properties"]


def instances(template: Template) -> dict[str, Any]:
    return cluster(template)["Instances"]


def only(report: Report) -> Change:
    assert len(report.changes) == 1, report.changes
    return report.changes[0]


# --- the done criteria --------------------------------------------------------------------------


def test_release_label_change_replaces_the_cluster() -> None:
    change = only(diff(lambda t: cluster(t).update(ReleaseLabel="emr-7.10.0")))

    assert (change.stack, change.logical_id, change.path) == ("Platform", "Cluster", "ReleaseLabel")
    assert (change.old, change.new) == ("emr-7.9.0", "emr-7.10.0")
    assert change.behaviour is Behaviour.REPLACEMENT
    assert "new cluster" in change.reason


def test_security_configuration_edit_replaces_the_referencing_cluster() -> None:
    def enable_in_transit(template: Template) -> None:
        document = cluster(template, "SecurityConfig")["SecurityConfiguration"]
        document["EncryptionConfiguration"]["EnableInTransitEncryption"] = True

    report = diff(enable_in_transit)

    change = only(report)
    assert (change.logical_id, change.resource_type) == ("Cluster", CLUSTER)
    assert change.path == "SecurityConfiguration"
    assert change.behaviour is Behaviour.REPLACEMENT
    assert "SecurityConfig edited" in change.reason
    assert "EncryptionConfiguration.EnableInTransitEncryption" in change.reason
    assert report.replaced_clusters == ("Platform/Cluster",)


def test_managed_scaling_change_is_in_place() -> None:
    def raise_maximum(template: Template) -> None:
        cluster(template)["ManagedScalingPolicy"]["ComputeLimits"]["MaximumCapacityUnits"] = 40

    report = diff(raise_maximum)

    change = only(report)
    assert change.path == "ManagedScalingPolicy.ComputeLimits.MaximumCapacityUnits"
    assert change.behaviour is Behaviour.NO_INTERRUPTION
    assert report.blocking == ()


# --- in place -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "path"),
    [
        ("AutoTerminationPolicy", {"IdleTimeout": 7200}, "AutoTerminationPolicy.IdleTimeout"),
        ("StepConcurrencyLevel", 10, "StepConcurrencyLevel"),
        ("Tags", [{"Key": "team", "Value": "platform"}], "Tags[0].Value"),
        ("VisibleToAllUsers", False, "VisibleToAllUsers"),
    ],
)
def test_mutable_cluster_settings_are_in_place(name: str, value: Any, path: str) -> None:
    change = only(diff(lambda t: cluster(t).update({name: value})))

    assert change.path == path
    assert change.behaviour is Behaviour.NO_INTERRUPTION


def test_added_tag_is_in_place() -> None:
    change = only(diff(lambda t: cluster(t)["Tags"].append({"Key": "cost-centre", "Value": "42"})))

    assert (change.path, change.behaviour) == ("Tags", Behaviour.NO_INTERRUPTION)


@pytest.mark.parametrize(
    ("fleet", "target"),
    [
        ("CoreInstanceFleet", "TargetOnDemandCapacity"),
        ("CoreInstanceFleet", "TargetSpotCapacity"),
    ],
)
def test_fleet_target_capacity_is_in_place(fleet: str, target: str) -> None:
    change = only(diff(lambda t: instances(t)[fleet].update({target: 6})))

    assert change.path == f"Instances.{fleet}.{target}"
    assert change.behaviour is Behaviour.NO_INTERRUPTION


def test_task_fleet_target_capacity_is_in_place() -> None:
    def scale_task_fleet(template: Template) -> None:
        instances(template)["TaskInstanceFleets"][0]["TargetSpotCapacity"] = 12

    change = only(diff(scale_task_fleet))

    assert change.path == "Instances.TaskInstanceFleets[0].TargetSpotCapacity"
    assert change.behaviour is Behaviour.NO_INTERRUPTION


def test_termination_protection_is_in_place() -> None:
    change = only(diff(lambda t: instances(t).update(TerminationProtected=False)))

    assert change.path == "Instances.TerminationProtected"
    assert change.behaviour is Behaviour.NO_INTERRUPTION


# --- replacement ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fleet", ["CoreInstanceFleet", "MasterInstanceFleet"])
def test_fleet_instance_types_are_a_replacement_risk(fleet: str) -> None:
    def change_type(template: Template) -> None:
        instances(template)[fleet]["InstanceTypeConfigs"][0]["InstanceType"] = "m8g.4xlarge"

    change = only(diff(change_type))

    assert change.path == f"Instances.{fleet}.InstanceTypeConfigs[0].InstanceType"
    assert change.behaviour is Behaviour.REPLACEMENT
    assert "replacement risk" in change.reason


def test_fleet_launch_specification_is_a_replacement_risk() -> None:
    spec = {"OnDemandSpecification": {"AllocationStrategy": "lowest-price"}}
    change = only(diff(lambda t: instances(t)["CoreInstanceFleet"].update(LaunchSpecifications=spec)))

    assert change.behaviour is Behaviour.REPLACEMENT
    assert "replacement risk" in change.reason


def test_primary_fleet_size_replaces_the_cluster() -> None:
    change = only(diff(lambda t: instances(t)["MasterInstanceFleet"].update(TargetOnDemandCapacity=3)))

    assert change.behaviour is Behaviour.REPLACEMENT
    assert "primary node count" in change.reason


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda i: i.update(Ec2SubnetIds=["subnet-bbbb"]), "Instances.Ec2SubnetIds[0]"),
        (lambda i: i.update(EmrManagedMasterSecurityGroup="sg-1234"), "Instances.EmrManagedMasterSecurityGroup"),
        (lambda i: i.update(Ec2KeyName="ops"), "Instances.Ec2KeyName"),
    ],
    ids=["subnet", "primary-security-group", "key-name"],
)
def test_network_settings_of_primary_and_core_nodes_replace_the_cluster(
    mutate: Callable[[dict[str, Any]], None], path: str
) -> None:
    change = only(diff(lambda t: mutate(instances(t))))

    assert change.path == path
    assert change.behaviour is Behaviour.REPLACEMENT


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (
            lambda c: c["BootstrapActions"][0]["ScriptBootstrapAction"].update(Path="s3://a/v2.sh"),
            "BootstrapActions[0].ScriptBootstrapAction.Path",
        ),
        (
            lambda c: c["Configurations"][0]["ConfigurationProperties"].update({"spark.executor.cores": "4"}),
            "Configurations[0].ConfigurationProperties.spark.executor.cores",
        ),
        (lambda c: c["Applications"].append({"Name": "Trino"}), "Applications"),
        (lambda c: c["Steps"][0].update(ActionOnFailure="CANCEL_AND_WAIT"), "Steps[0].ActionOnFailure"),
        (lambda c: c.update(LogUri="s3://other-logs/"), "LogUri"),
    ],
    ids=["bootstrap-actions", "configurations", "applications", "steps", "log-uri"],
)
def test_launch_settings_replace_the_cluster(mutate: Callable[[dict[str, Any]], None], path: str) -> None:
    change = only(diff(lambda t: mutate(cluster(t))))

    assert change.path == path
    assert change.behaviour is Behaviour.REPLACEMENT


def test_security_configuration_with_a_new_logical_id_replaces_the_cluster() -> None:
    def rename(template: Template) -> None:
        template["Resources"]["SecurityConfigV2"] = template["Resources"].pop("SecurityConfig")
        cluster(template)["SecurityConfiguration"] = {"Ref": "SecurityConfigV2"}

    change = only(diff(rename))

    assert (change.path, change.old, change.new) == (
        "SecurityConfiguration",
        {"Ref": "SecurityConfig"},
        {"Ref": "SecurityConfigV2"},
    )
    assert change.behaviour is Behaviour.REPLACEMENT


def test_security_configuration_edit_spares_clusters_that_do_not_reference_it() -> None:
    old = fleet_template()
    del cluster(old)["SecurityConfiguration"]
    new = copy.deepcopy(old)
    new["Resources"]["SecurityConfig"]["Properties"]["Name"] = "renamed"

    assert compare_stacks({"S": old}, {"S": new}).changes == ()


def test_unknown_property_is_assumed_to_replace() -> None:
    change = only(diff(lambda t: cluster(t).update(SomeFutureSetting=True)))

    assert change.behaviour is Behaviour.REPLACEMENT
    assert "not in the update-behaviour table" in change.reason


# --- conditional, added, removed ---------------------------------------------------------------


def test_adding_a_task_fleet_is_conditional_not_blocking() -> None:
    extra = {
        "Name": "task-2",
        "TargetSpotCapacity": 2,
        "InstanceTypeConfigs": [{"InstanceType": "c7g.4xlarge"}],
    }
    report = diff(lambda t: instances(t)["TaskInstanceFleets"].append(extra))

    change = only(report)
    assert change.path == "Instances.TaskInstanceFleets"
    assert change.behaviour is Behaviour.CONDITIONAL
    assert report.blocking == ()


def test_cluster_removed_is_data_loss() -> None:
    report = diff(lambda t: t["Resources"].pop("Cluster"))

    change = only(report)
    assert (change.logical_id, change.path, change.new) == ("Cluster", "", None)
    assert change.behaviour is Behaviour.DELETION
    assert "data loss" in change.reason
    assert report.replaced_clusters == ("Platform/Cluster",)


def test_cluster_removed_with_retain_policy_keeps_running() -> None:
    old = fleet_template()
    old["Resources"]["Cluster"]["DeletionPolicy"] = "Retain"
    new = copy.deepcopy(old)
    del new["Resources"]["Cluster"]

    change = only(compare_stacks({"S": old}, {"S": new}))
    assert change.behaviour is Behaviour.CONDITIONAL
    assert "Retain" in change.reason


def test_renamed_cluster_is_a_deletion_and_a_creation() -> None:
    report = diff(lambda t: t["Resources"].update(ClusterV2=t["Resources"].pop("Cluster")))

    removed, added = report.changes
    assert (removed.logical_id, removed.behaviour) == ("Cluster", Behaviour.DELETION)
    assert "renamed to ClusterV2?" in removed.reason
    assert (added.logical_id, added.behaviour) == ("ClusterV2", Behaviour.CREATION)


def test_new_cluster_is_a_creation_not_blocking() -> None:
    old = fleet_template()
    del old["Resources"]["Cluster"]

    report = compare_stacks({"S": old}, {"S": fleet_template()})

    assert [c.behaviour for c in report.changes] == [Behaviour.CREATION]
    assert report.blocking == ()


def test_no_change_reports_nothing() -> None:
    assert diff(lambda t: None).changes == ()


def test_changes_outside_emr_are_ignored() -> None:
    report = diff(lambda t: t["Resources"]["LogBucket"].update(Properties={"BucketName": "other"}))

    assert report.changes == ()


def test_stack_absent_from_new_deletes_its_clusters() -> None:
    report = compare_stacks({"Platform": fleet_template()}, {})

    change = only(report)
    assert change.behaviour is Behaviour.DELETION
    assert change.reason.startswith("stack Platform is absent from NEW")


# --- instance groups and fleet/group resources -------------------------------------------------


@pytest.mark.parametrize(
    ("mutate", "path", "behaviour"),
    [
        (
            lambda i: i["CoreInstanceGroup"].update(InstanceCount=5),
            "Instances.CoreInstanceGroup.InstanceCount",
            Behaviour.NO_INTERRUPTION,
        ),
        (
            lambda i: i["TaskInstanceGroups"][0].update(InstanceCount=8),
            "Instances.TaskInstanceGroups[0].InstanceCount",
            Behaviour.NO_INTERRUPTION,
        ),
        (
            lambda i: i["TaskInstanceGroups"][0].update(InstanceType="c7g.4xlarge"),
            "Instances.TaskInstanceGroups",
            Behaviour.CONDITIONAL,
        ),
        (
            lambda i: i["CoreInstanceGroup"].update(InstanceType="r7g.4xlarge"),
            "Instances.CoreInstanceGroup.InstanceType",
            Behaviour.REPLACEMENT,
        ),
        (
            lambda i: i["MasterInstanceGroup"].update(InstanceCount=3),
            "Instances.MasterInstanceGroup.InstanceCount",
            Behaviour.REPLACEMENT,
        ),
    ],
    ids=["core-count", "task-count", "task-type", "core-type", "primary-count"],
)
def test_instance_group_changes(mutate: Callable[[dict[str, Any]], None], path: str, behaviour: Behaviour) -> None:
    change = only(diff(lambda t: mutate(instances(t)), base=group_template))

    assert change.behaviour is behaviour
    assert change.path.startswith(path)


def test_instance_group_config_resource_count_is_in_place_and_type_replaces_the_group() -> None:
    def group(template: Template) -> dict[str, Any]:
        return cluster(template, "ExtraTasks")

    count = only(diff(lambda t: group(t).update(InstanceCount=4), base=group_template))
    kind = only(diff(lambda t: group(t).update(InstanceType="c7g.4xlarge"), base=group_template))

    assert count.resource_type == INSTANCE_GROUP_CONFIG
    assert count.behaviour is Behaviour.NO_INTERRUPTION
    assert kind.behaviour is Behaviour.REPLACEMENT
    assert "not the cluster" in kind.reason


def test_instance_fleet_config_resource() -> None:
    def with_fleet() -> Template:
        template = fleet_template()
        template["Resources"]["ExtraFleet"] = {
            "Type": INSTANCE_FLEET_CONFIG,
            "Properties": {
                "ClusterId": {"Ref": "Cluster"},
                "InstanceFleetType": "TASK",
                "TargetSpotCapacity": 2,
                "InstanceTypeConfigs": [{"InstanceType": "c7g.2xlarge"}],
            },
        }
        return template

    def fleet(template: Template) -> dict[str, Any]:
        return cluster(template, "ExtraFleet")

    more_types = {"InstanceType": "c8g.2xlarge"}
    target = only(diff(lambda t: fleet(t).update(TargetSpotCapacity=9), base=with_fleet))
    types = only(diff(lambda t: fleet(t)["InstanceTypeConfigs"].append(more_types), with_fleet))

    assert target.behaviour is Behaviour.NO_INTERRUPTION
    assert types.behaviour is Behaviour.REPLACEMENT
    assert "replacement risk" in types.reason


# --- table and helpers -------------------------------------------------------------------------


def test_most_specific_rule_wins() -> None:
    def behaviour(*path: str | int) -> Behaviour:
        return classify(CLUSTER, path).behaviour

    assert behaviour("Instances", "Ec2SubnetId") is Behaviour.REPLACEMENT
    assert behaviour("Instances", "TerminationProtected") is Behaviour.NO_INTERRUPTION
    assert behaviour("Instances", "TaskInstanceFleets", 3, "Name") is Behaviour.CONDITIONAL
    assert behaviour("Instances", "TaskInstanceFleets", 3, "TargetSpotCapacity") is (Behaviour.NO_INTERRUPTION)


def test_format_path() -> None:
    path = ("Instances", "TaskInstanceFleets", 0, "Name")

    assert format_path(path) == "Instances.TaskInstanceFleets[0].Name"
    assert format_path(()) == ""


def test_referenced_ids_follow_ref_getatt_and_sub() -> None:
    value = {
        "Fn::Join": ["", [{"Ref": "A"}, {"Fn::GetAtt": ["B", "Name"]}, {"Fn::GetAtt": "C.Name"}]],
        "x": {"Fn::Sub": "${D}-${E.Name}-${AWS::Region}-${!Literal}"},
    }

    assert referenced_ids(value) == {"A", "B", "C", "D", "E"}


# --- loading and pairing -----------------------------------------------------------------------


def write_json(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def write_cdk_out(directory: Path, stacks: dict[str, Template], nested: dict[str, Template] | None = None) -> Path:
    """A minimal cloud assembly: stacks by artifact id, optionally a nested stage assembly."""
    artifacts: dict[str, Any] = {"Tree": {"type": "cdk:tree", "properties": {"file": "tree.json"}}}
    for artifact_id, template in stacks.items():
        write_json(directory / f"{artifact_id}.template.json", template)
        artifacts[artifact_id] = {
            "type": "aws:cloudformation:stack",
            "properties": {"templateFile": f"{artifact_id}.template.json"},
        }
    if nested:
        write_cdk_out(directory / "assembly-Prod", nested)
        artifacts["assembly-Prod"] = {
            "type": "cdk:cloud-assembly",
            "properties": {"directoryName": "assembly-Prod"},
        }
    write_json(directory / "manifest.json", {"version": "55.0.0", "artifacts": artifacts})
    return directory


def test_load_cdk_out_pairs_stacks_by_artifact_id_including_stages(tmp_path: Path) -> None:
    stacks = load_stacks(
        write_cdk_out(tmp_path / "cdk.out", {"Platform": fleet_template()}, nested={"ProdPlatform1234": group_template()})
    )

    assert sorted(stacks) == ["Platform", "ProdPlatform1234"]


def test_load_directory_without_manifest_reads_template_files(tmp_path: Path) -> None:
    write_json(tmp_path / "out" / "Platform.template.json", fleet_template())

    assert list(load_stacks(tmp_path / "out")) == ["Platform"]


def test_compare_cdk_out_directories(tmp_path: Path) -> None:
    new = fleet_template()
    cluster(new)["ReleaseLabel"] = "emr-7.10.0"
    network: Template = {"Resources": {}}
    old_dir = write_cdk_out(tmp_path / "old", {"Platform": fleet_template(), "Network": network})
    new_dir = write_cdk_out(tmp_path / "new", {"Platform": new, "Network": network})

    change = only(compare_paths(old_dir, new_dir))

    assert (change.stack, change.path) == ("Platform", "ReleaseLabel")
    assert change.behaviour is Behaviour.REPLACEMENT


def test_two_template_files_pair_whatever_their_names(tmp_path: Path) -> None:
    new = fleet_template()
    cluster(new)["StepConcurrencyLevel"] = 5
    old_file = write_json(tmp_path / "before.json", fleet_template())
    new_file = write_json(tmp_path / "Platform.template.json", new)

    change = only(compare_paths(old_file, new_file))

    assert (change.stack, change.behaviour) == ("Platform", Behaviour.NO_INTERRUPTION)


def test_template_file_pairs_with_the_stack_of_its_name_in_a_directory(tmp_path: Path) -> None:
    old_file = write_json(tmp_path / "Platform.template.json", fleet_template())
    stacks = {"Platform": fleet_template(), "Other": group_template()}
    new_dir = write_cdk_out(tmp_path / "new", stacks)

    assert compare_paths(old_file, new_dir).changes == ()


def test_template_file_that_matches_no_stack_is_an_error(tmp_path: Path) -> None:
    old_file = write_json(tmp_path / "Mystery.template.json", fleet_template())
    stacks = {"Platform": fleet_template(), "Other": group_template()}
    new_dir = write_cdk_out(tmp_path / "new", stacks)

    with pytest.raises(TemplateLoadError, match="cannot pair the template Mystery"):
        compare_paths(old_file, new_dir)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Resources:\n  Cluster: {}\n", "is not JSON"),
        ('{"AWSTemplateFormatVersion": "2010-09-09"}', "has no Resources object"),
        ('{"Resources": {"Cluster": {"Properties": {}}}}', "resource Cluster has no Type"),
    ],
    ids=["yaml", "no-resources", "no-type"],
)
def test_bad_template_is_a_load_error(tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")

    with pytest.raises(TemplateLoadError, match=message):
        load_stacks(bad)


def test_directory_without_templates_is_a_load_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateLoadError, match="holds no stack templates"):
        load_stacks(tmp_path)
