"""A readable summary of what a synthesized app would deploy: per stack, its resources and,
per EMR cluster, the settings that matter (release, applications, capacity, scaling,
termination, security, bootstrap actions, steps, logs) and what a security reviewer reads
first (:class:`ReviewSummary`: AMI, OS release, roles and instance profile, subnets, security
groups, security configuration, configurations, Kerberos realm)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdk_emr.facts.update_behaviour import CLUSTER
from cdk_emr.ops.template_clusters import FLEET, TASK, instance_nodes
from cdk_emr.ops.template_values import render_value
from cdk_emr.ops.templates import load_stack_templates

__all__ = ["ClusterSummary", "FleetSummary", "ReviewSummary", "StackSummary", "render_value", "summarize"]

Template = dict[str, Any]


@dataclass(frozen=True)
class FleetSummary:
    """One fleet or group: its role, instance types and on-demand/spot capacity."""

    role: str
    instance_types: tuple[str, ...]
    on_demand: Any
    spot: Any
    allocation_strategy: str | None = None


@dataclass(frozen=True)
class ReviewSummary:
    """What a security reviewer reads first. Template references show as ``<Ref X>``/``<X.Attr>``;
    ``None`` is "not set" (EMR's default: the Amazon Linux AMI of the release, no realm)."""

    custom_ami: str | None
    os_release: str | None
    service_role: str
    instance_profile: str
    subnets: tuple[str, ...]
    security_groups: dict[str, Any]
    security_configuration: str | None
    configurations: tuple[str, ...]
    kerberos_realm: str | None
    log_uri: str


@dataclass(frozen=True)
class ClusterSummary:
    """The deploy-relevant settings of one ``AWS::EMR::Cluster``."""

    logical_id: str
    name: str
    release_label: str
    applications: tuple[str, ...]
    fleets: tuple[FleetSummary, ...]
    managed_scaling: dict[str, Any] | None
    idle_timeout_seconds: Any
    termination_protected: Any
    keep_alive: Any
    security: dict[str, Any]
    bootstrap_actions: tuple[str, ...]
    steps: tuple[str, ...]
    log_uri: str
    review: ReviewSummary | None = None


@dataclass(frozen=True)
class StackSummary:
    """One stack: resource counts by type, clusters and outputs."""

    name: str
    resource_counts: dict[str, int]
    clusters: tuple[ClusterSummary, ...]
    outputs: tuple[str, ...] = field(default=())


def summarize(path: Path) -> list[StackSummary]:
    """Summaries of every stack in a template file or ``cdk.out`` directory, nested stacks included."""
    return [_stack(stack.name, stack.template) for stack in load_stack_templates(path, include_nested=True)]


def _stack(name: str, template: Template) -> StackSummary:
    resources = template.get("Resources", {})
    counts = Counter(r.get("Type", "?") for r in resources.values())
    clusters = tuple(
        _cluster(logical_id, resource.get("Properties", {}), resources)
        for logical_id, resource in resources.items()
        if resource.get("Type") == CLUSTER
    )
    outputs = tuple(sorted(template.get("Outputs", {})))
    return StackSummary(name, dict(sorted(counts.items())), clusters, outputs)


def _cluster(logical_id: str, props: dict[str, Any], resources: dict[str, Any]) -> ClusterSummary:
    instances = props.get("Instances", {})
    limits = (props.get("ManagedScalingPolicy") or {}).get("ComputeLimits")
    return ClusterSummary(
        logical_id=logical_id,
        name=render_value(props.get("Name", logical_id)),
        release_label=render_value(props.get("ReleaseLabel", "?")),
        applications=tuple(a.get("Name", "?") for a in props.get("Applications", [])),
        fleets=tuple(_fleets(instances)),
        managed_scaling=limits,
        idle_timeout_seconds=(props.get("AutoTerminationPolicy") or {}).get("IdleTimeout"),
        termination_protected=instances.get("TerminationProtected", False),
        keep_alive=instances.get("KeepJobFlowAliveWhenNoSteps", True),
        security=_security(props.get("SecurityConfiguration"), resources),
        bootstrap_actions=tuple(b.get("Name", "?") for b in props.get("BootstrapActions", [])),
        steps=tuple(s.get("Name", "?") for s in props.get("Steps", [])),
        log_uri=render_value(props.get("LogUri", "(none)")),
        review=_review(props),
    )


def _review(props: dict[str, Any]) -> ReviewSummary:
    """The reviewer's view of the AWS::EMR::Cluster properties (names as in the CloudFormation schema)."""
    instances = props.get("Instances", {})
    subnets = instances.get("Ec2SubnetIds") or ([instances["Ec2SubnetId"]] if "Ec2SubnetId" in instances else [])
    groups = {
        "primary": instances.get("EmrManagedMasterSecurityGroup"),
        "core": instances.get("EmrManagedSlaveSecurityGroup"),
        "service_access": instances.get("ServiceAccessSecurityGroup"),
        "additional_primary": instances.get("AdditionalMasterSecurityGroups"),
        "additional_core": instances.get("AdditionalSlaveSecurityGroups"),
    }
    kerberos = props.get("KerberosAttributes") or {}
    return ReviewSummary(
        custom_ami=_optional(props.get("CustomAmiId")),
        os_release=_optional(props.get("OSReleaseLabel")),
        service_role=render_value(props.get("ServiceRole", "(none)")),
        instance_profile=render_value(props.get("JobFlowRole", "(none)")),
        subnets=tuple(render_value(s) for s in subnets),
        security_groups={k: _rendered(v) for k, v in groups.items() if v},
        security_configuration=_optional(props.get("SecurityConfiguration")),
        configurations=tuple(_classifications(props.get("Configurations") or [])),
        kerberos_realm=_optional(kerberos.get("Realm")),
        log_uri=render_value(props.get("LogUri", "(none)")),
    )


def _optional(value: Any) -> str | None:
    return None if value is None else render_value(value)


def _rendered(value: Any) -> Any:
    return [render_value(v) for v in value] if isinstance(value, list) else render_value(value)


def _classifications(configurations: list[Any], parent: str = "") -> list[str]:
    """``classification (n properties)``, nested ones as ``parent/child``."""
    found: list[str] = []
    for configuration in configurations:
        name = f"{parent}{configuration.get('Classification', '?')}"
        count = len(configuration.get("ConfigurationProperties") or {})
        found.append(f"{name} ({count} properties)" if count else name)
        found += _classifications(configuration.get("Configurations") or [], f"{name}/")
    return found


def _fleets(instances: dict[str, Any]) -> list[FleetSummary]:
    summaries: list[FleetSummary] = []
    for node in instance_nodes(instances):
        role = f"{TASK} {node.index}" if node.role == TASK else node.role
        summaries.append((_fleet if node.kind == FLEET else _group)(role, node.raw))
    return summaries


def _fleet(role: str, fleet: dict[str, Any]) -> FleetSummary:
    spot_spec = (fleet.get("LaunchSpecifications") or {}).get("SpotSpecification") or {}
    return FleetSummary(
        role=role,
        instance_types=tuple(c.get("InstanceType", "?") for c in fleet.get("InstanceTypeConfigs", [])),
        on_demand=fleet.get("TargetOnDemandCapacity", 0),
        spot=fleet.get("TargetSpotCapacity", 0),
        allocation_strategy=spot_spec.get("AllocationStrategy"),
    )


def _group(role: str, group: dict[str, Any]) -> FleetSummary:
    spot = group.get("Market") == "SPOT"
    count = group.get("InstanceCount", 0)
    return FleetSummary(role, (group.get("InstanceType", "?"),), 0 if spot else count, count if spot else 0)


def _security(reference: Any, resources: dict[str, Any]) -> dict[str, Any]:
    """What the referenced security configuration turns on."""
    if reference is None:
        return {"configuration": None}
    target = reference.get("Ref") if isinstance(reference, dict) else None
    document = (resources.get(target, {}).get("Properties") or {}).get("SecurityConfiguration") if target else None
    if isinstance(document, str):
        document = json.loads(document)
    if not isinstance(document, dict):
        return {"configuration": render_value(reference)}
    encryption = document.get("EncryptionConfiguration", {})
    at_rest = encryption.get("AtRestEncryptionConfiguration", {})
    local = at_rest.get("LocalDiskEncryptionConfiguration") or {}
    imds = document.get("InstanceMetadataServiceConfiguration") or {}
    return {
        "configuration": render_value(reference),
        "s3": (at_rest.get("S3EncryptionConfiguration") or {}).get("EncryptionMode", "off"),
        "local_disk": local.get("EncryptionKeyProviderType", "off"),
        "ebs": bool(local.get("EnableEbsEncryption")),
        "in_transit": bool(encryption.get("EnableInTransitEncryption")),
        "imdsv2_required": imds.get("MinimumInstanceMetadataServiceVersion") == 2,
        "kerberos": "AuthenticationConfiguration" in document,
    }
