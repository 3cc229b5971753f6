"""A running cluster ``j-...`` read from the EMR API as ``AWS::EMR::Cluster`` properties.

DescribeCluster, ListInstanceFleets or ListInstanceGroups, ListBootstrapActions,
GetManagedScalingPolicy, GetAutoTerminationPolicy, DescribeSecurityConfiguration and ListSteps
(botocore's EMR service model, ``botocore/data/emr/2009-03-31/service-2.json``) give the
cluster's configuration; it is put in the CloudFormation shape (``AWS::EMR::Cluster`` resource
schema) that :mod:`cdk_emr.ops.codegen_model` writes code for. boto3 only.

Steps: the cluster's steps in :data:`STEP_STATES` become its ``Steps``, in the order they were
submitted (ListSteps answers newest first). A step cancelled before it ran (CANCEL_PENDING,
CANCELLED) was withdrawn, so it is no part of the cluster's work and is left out; the generated
module's docstring counts both. The new cluster runs its steps at launch, as CloudFormation's
``Steps`` do. EMR does not say which steps came with RunJobFlow and which were added later.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from cdk_emr.ops.codegen_read import CLUSTER_TYPE, ClusterSource
from cdk_emr.ops.operations import aws_errors, emr_client

_ROLES = {"MASTER": "Master", "CORE": "Core"}

STEP_STATES = ("PENDING", "RUNNING", "COMPLETED", "FAILED", "INTERRUPTED")
"""The ListSteps states (EMR API ``StepState``) of the steps codegen keeps."""


def read_api_cluster(
    cluster_id: str,
    *,
    region: str | None = None,
    endpoint_url: str | None = None,
    password_secrets: dict[str, str] | None = None,
) -> ClusterSource:
    """The cluster ``cluster_id`` as a :class:`ClusterSource` (raises :class:`OperationError`).

    ``password_secrets`` names, by ``KerberosAttributes`` key (``KdcAdminPassword``,
    ``CrossRealmTrustPrincipalPassword``, ``ADDomainJoinPassword``), the Secrets Manager secret
    (name or ARN) that holds each password: EMR never returns them.
    """
    emr = emr_client(region, endpoint_url)
    with aws_errors(cluster_id=cluster_id, region=region):
        cluster = emr.describe_cluster(ClusterId=cluster_id)["Cluster"]
        if cluster.get("InstanceCollectionType") == "INSTANCE_FLEET":
            nodes = _pages(emr, "list_instance_fleets", "InstanceFleets", ClusterId=cluster_id)
        else:
            nodes = _pages(emr, "list_instance_groups", "InstanceGroups", ClusterId=cluster_id)
        actions = _pages(emr, "list_bootstrap_actions", "BootstrapActions", ClusterId=cluster_id)
        scaling = emr.get_managed_scaling_policy(ClusterId=cluster_id).get("ManagedScalingPolicy")
        termination = emr.get_auto_termination_policy(ClusterId=cluster_id).get("AutoTerminationPolicy")
        steps = _pages(emr, "list_steps", "Steps", ClusterId=cluster_id, StepStates=list(STEP_STATES))
        documents = {}
        if cluster.get("SecurityConfiguration"):
            name = cluster["SecurityConfiguration"]
            text = emr.describe_security_configuration(Name=name)["SecurityConfiguration"]
            documents[name] = json.loads(text)
    properties = cluster_properties(cluster, nodes, actions, scaling, termination)
    if steps:
        properties["Steps"] = [_step(step) for step in reversed(steps)]
    if "KerberosAttributes" in properties:
        for key, secret in (password_secrets or {}).items():
            properties["KerberosAttributes"][key] = f"{{{{resolve:secretsmanager:{secret}}}}}"
    template = {"Resources": {_logical_id(cluster): {"Type": CLUSTER_TYPE, "Properties": properties}}}
    arn = str(cluster.get("ClusterArn", "")).split(":")  # arn:PARTITION:elasticmapreduce:REGION:ACCOUNT:cluster/ID
    environment = (arn[4], arn[3]) if len(arn) > 5 and arn[3] and arn[4] else None
    origin = f"EMR cluster {cluster_id}"
    return ClusterSource(_logical_id(cluster), properties, template, origin, environment, security_configurations=documents)


def _step(step: dict[str, Any]) -> dict[str, Any]:
    """A ListSteps ``StepSummary`` as a CloudFormation ``StepConfig``."""
    config = step.get("Config") or {}
    jar: dict[str, Any] = {"Jar": config["Jar"]}
    if config.get("MainClass"):
        jar["MainClass"] = config["MainClass"]
    if config.get("Args"):
        jar["Args"] = list(config["Args"])
    if config.get("Properties"):
        jar["StepProperties"] = [{"Key": k, "Value": v} for k, v in config["Properties"].items()]
    result: dict[str, Any] = {"Name": step["Name"], "HadoopJarStep": jar}
    if step.get("ActionOnFailure"):
        result["ActionOnFailure"] = step["ActionOnFailure"]
    return result


def _pages(emr: Any, operation: str, key: str, **kwargs: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for page in emr.get_paginator(operation).paginate(**kwargs):
        items += page.get(key, [])
    return items


def _logical_id(cluster: dict[str, Any]) -> str:
    words = "".join(c if c.isalnum() else " " for c in cluster.get("Name", "")).split()
    name = "".join(w[:1].upper() + w[1:] for w in words)
    return name if name[:1].isalpha() else f"Cluster{name}"


def cluster_properties(
    cluster: dict[str, Any],
    nodes: list[dict[str, Any]],
    actions: list[dict[str, Any]],
    scaling: dict[str, Any] | None,
    termination: dict[str, Any] | None,
) -> dict[str, Any]:
    """DescribeCluster and the List/Get calls' results as ``AWS::EMR::Cluster`` properties."""
    p: dict[str, Any] = {"Name": cluster["Name"]}
    for key in (
        "ReleaseLabel",
        "ServiceRole",
        "AutoScalingRole",
        "SecurityConfiguration",
        "LogUri",
        "LogEncryptionKmsKeyId",
        "CustomAmiId",
        "EbsRootVolumeSize",
        "EbsRootVolumeIops",
        "EbsRootVolumeThroughput",
        "OSReleaseLabel",
        "ScaleDownBehavior",
        "StepConcurrencyLevel",
        "VisibleToAllUsers",
    ):
        if cluster.get(key) not in (None, ""):
            p[key] = cluster[key]
    if cluster.get("Applications"):
        p["Applications"] = [{"Name": a["Name"]} for a in cluster["Applications"]]
    if cluster.get("Configurations"):
        p["Configurations"] = _configurations(cluster["Configurations"])
    if cluster.get("Tags"):
        p["Tags"] = [{"Key": t["Key"], "Value": t.get("Value", "")} for t in cluster["Tags"]]
    kerberos = cluster.get("KerberosAttributes") or {}
    if kerberos.get("Realm"):  # the passwords are never returned (EMR API, KerberosAttributes)
        p["KerberosAttributes"] = {k: kerberos[k] for k in ("Realm", "ADDomainJoinUser") if kerberos.get(k)}
    if cluster.get("PlacementGroups"):
        p["PlacementGroupConfigs"] = cluster["PlacementGroups"]
    attributes = cluster.get("Ec2InstanceAttributes") or {}
    if attributes.get("IamInstanceProfile"):
        p["JobFlowRole"] = attributes["IamInstanceProfile"]
    p["Instances"] = _instances(cluster, attributes, nodes)
    if actions:
        p["BootstrapActions"] = [
            {
                "Name": a["Name"],
                "ScriptBootstrapAction": {"Path": a["ScriptPath"], **({"Args": a["Args"]} if a.get("Args") else {})},
            }
            for a in actions
        ]
    if scaling and scaling.get("ComputeLimits"):
        p["ManagedScalingPolicy"] = scaling
    if termination and termination.get("IdleTimeout"):
        p["AutoTerminationPolicy"] = {"IdleTimeout": termination["IdleTimeout"]}
    return p


def _configurations(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    result = []
    for item in items:
        config: dict[str, Any] = {"Classification": item["Classification"]}
        if item.get("Properties"):
            config["ConfigurationProperties"] = item["Properties"]
        if item.get("Configurations"):
            config["Configurations"] = _configurations(item["Configurations"])
        result.append(config)
    return result


def _instances(cluster: dict[str, Any], attributes: dict[str, Any], nodes: list[dict[str, Any]]) -> dict[str, Any]:
    instances: dict[str, Any] = {}
    fleets = cluster.get("InstanceCollectionType") == "INSTANCE_FLEET"
    for node in nodes:
        role = node.get("InstanceFleetType" if fleets else "InstanceGroupType")
        config = _fleet(node) if fleets else _group(node)
        kind = "InstanceFleet" if fleets else "InstanceGroup"
        if role in _ROLES:
            instances[f"{_ROLES[role]}{kind}"] = config
        else:
            instances.setdefault(f"Task{kind}s", []).append(config)
    instances["TerminationProtected"] = bool(cluster.get("TerminationProtected"))
    instances["KeepJobFlowAliveWhenNoSteps"] = not cluster.get("AutoTerminate", False)
    if "UnhealthyNodeReplacement" in cluster:
        instances["UnhealthyNodeReplacement"] = bool(cluster["UnhealthyNodeReplacement"])
    if attributes.get("Ec2KeyName"):
        instances["Ec2KeyName"] = attributes["Ec2KeyName"]
    subnets = attributes.get("RequestedEc2SubnetIds") or ([attributes["Ec2SubnetId"]] if attributes.get("Ec2SubnetId") else [])
    if subnets:
        instances["Ec2SubnetIds" if fleets else "Ec2SubnetId"] = subnets if fleets else subnets[0]
    for key in ("EmrManagedMasterSecurityGroup", "EmrManagedSlaveSecurityGroup", "ServiceAccessSecurityGroup"):
        if attributes.get(key):
            instances[key] = attributes[key]
    for key in ("AdditionalMasterSecurityGroups", "AdditionalSlaveSecurityGroups"):
        if attributes.get(key):
            instances[key] = attributes[key]
    return instances


def _ebs(devices: list[dict[str, Any]], optimized: bool | None) -> dict[str, Any] | None:
    """EbsBlockDevices (one entry per attached volume) back to EbsBlockDeviceConfigs."""
    counts = Counter(tuple(sorted(d["VolumeSpecification"].items())) for d in devices)
    if not counts:
        return {"EbsOptimized": optimized} if optimized is not None else None
    configs = [{"VolumeSpecification": dict(spec), "VolumesPerInstance": n} for spec, n in counts.items()]
    return {"EbsBlockDeviceConfigs": configs, **({"EbsOptimized": optimized} if optimized is not None else {})}


def _group(group: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = {
        "InstanceCount": group.get("RequestedInstanceCount", 0),
        "InstanceType": group["InstanceType"],
        "Market": group.get("Market", "ON_DEMAND"),
    }
    for key in ("Name", "BidPrice", "CustomAmiId"):
        if group.get(key):
            config[key] = group[key]
    if group.get("Configurations"):
        config["Configurations"] = _configurations(group["Configurations"])
    ebs = _ebs(group.get("EbsBlockDevices") or [], group.get("EbsOptimized"))
    if ebs:
        config["EbsConfiguration"] = ebs
    if group.get("AutoScalingPolicy"):
        config["AutoScalingPolicy"] = group["AutoScalingPolicy"]
    return config


def _fleet(fleet: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = {
        "TargetOnDemandCapacity": fleet.get("TargetOnDemandCapacity", 0),
        "TargetSpotCapacity": fleet.get("TargetSpotCapacity", 0),
        "InstanceTypeConfigs": [_type_config(t) for t in fleet.get("InstanceTypeSpecifications", [])],
    }
    if fleet.get("Name"):
        config["Name"] = fleet["Name"]
    if fleet.get("LaunchSpecifications"):
        config["LaunchSpecifications"] = fleet["LaunchSpecifications"]
    if fleet.get("ResizeSpecifications"):
        config["ResizeSpecifications"] = fleet["ResizeSpecifications"]
    return config


def _type_config(spec: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = {"InstanceType": spec["InstanceType"]}
    for key in ("WeightedCapacity", "BidPrice", "BidPriceAsPercentageOfOnDemandPrice", "CustomAmiId", "Priority"):
        if spec.get(key) is not None:
            config[key] = spec[key]
    if spec.get("Configurations"):
        config["Configurations"] = _configurations(spec["Configurations"])
    ebs = _ebs(spec.get("EbsBlockDevices") or [], spec.get("EbsOptimized"))
    if ebs:
        config["EbsConfiguration"] = ebs
    return config
