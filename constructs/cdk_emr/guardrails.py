"""Platform guardrails, checked when a cluster is added: budget, instance families, tags, prod rules.

Each broken rule is one :class:`~cdk_emr.validation.Violation` of a single
:class:`~cdk_emr.validation.EmrValidationError`, with the numbers: the cluster's maximum hourly
cost against the team's budget, the instance types outside the allowed families, the missing tag
keys, and in production the termination protection and the public subnets of the nodes.

The maximum hourly cost is the one ``cdk-emr cost`` reports (:mod:`cdk_emr.ops.cost`, standard
library only): the cluster's ``AWS::EMR::Cluster`` properties are priced as a one-resource
template with the packaged price snapshot, at the maximum capacity (managed-scaling limits, else
the declared targets).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aws_cdk import Stack, Token
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_emr as emr

from cdk_emr.cfn_shape import to_cloudformation
from cdk_emr.ops.cost import DEFAULT_REGION, ClusterEstimate, estimate_template
from cdk_emr.ops.pricing import CostEstimateError
from cdk_emr.typecheck import typed
from cdk_emr.validation import Validator


@typed
@dataclass(frozen=True, kw_only=True)
class ClusterFacts:
    """What the guardrails judge about one cluster, read from what the cluster will launch."""

    properties: emr.CfnClusterProps
    tags: Mapping[str, str]
    termination_protected: bool
    subnets: Sequence[ec2.ISubnet]
    public_subnets: Sequence[ec2.ISubnet]


def maximum_hourly_cost(properties: emr.CfnClusterProps, region: str) -> ClusterEstimate:
    """The cost estimate of ``properties`` (an ``AWS::EMR::Cluster``) in ``region``, as ``cdk-emr cost`` prices it."""
    template: dict[str, Any] = {
        "Resources": {"Cluster": {"Type": "AWS::EMR::Cluster", "Properties": to_cloudformation(properties)}}
    }
    [estimate] = estimate_template(template, stack="guardrail", region=region)
    return estimate


def pricing_region(stack: Stack) -> str:
    """The stack's region, or ``us-east-1`` for an environment-agnostic stack."""
    return DEFAULT_REGION if Token.is_unresolved(stack.region) else stack.region


def declared_instance_types(properties: emr.CfnClusterProps) -> list[str]:
    """The instance types named in the cluster's fleets or groups (every one, chosen or not)."""
    instances = to_cloudformation(properties.instances)
    found: list[str] = []
    for key in ("MasterInstanceFleet", "CoreInstanceFleet"):
        found += [c["InstanceType"] for c in (instances.get(key) or {}).get("InstanceTypeConfigs", [])]
    for fleet in instances.get("TaskInstanceFleets") or []:
        found += [c["InstanceType"] for c in fleet.get("InstanceTypeConfigs", [])]
    for key in ("MasterInstanceGroup", "CoreInstanceGroup"):
        if instances.get(key):
            found.append(instances[key]["InstanceType"])
    found += [g["InstanceType"] for g in instances.get("TaskInstanceGroups") or []]
    return list(dict.fromkeys(found))


def instance_family(instance_type: str) -> str:
    """``m7g.2xlarge`` -> ``m7g`` (EC2 User Guide, "Instance type naming conventions": family, generation, options, size)."""
    return instance_type.split(".", 1)[0]


def check_cluster(
    v: Validator,
    facts: ClusterFacts,
    *,
    region: str,
    max_hourly_usd: float | None,
    other_clusters_usd: float = 0.0,
    allowed_instance_families: Sequence[str] | None,
    required_tags: Sequence[str],
    production: bool,
) -> None:
    """Record every guardrail ``facts`` breaks in ``v``.

    ``other_clusters_usd``: the maximum hourly cost of the team's clusters added before this one
    (the budget covers them together).
    """
    if allowed_instance_families is not None:
        outside = [t for t in declared_instance_types(facts.properties) if instance_family(t) not in allowed_instance_families]
        v.check(
            not outside,
            "instance_types",
            outside,
            f"instance families {', '.join(allowed_instance_families)} only (the team's allowed_instance_families)",
        )
    if max_hourly_usd is not None:
        try:
            estimate = maximum_hourly_cost(facts.properties, region)
        except CostEstimateError as error:
            v.check(False, "max_hourly_usd", max_hourly_usd, f"a cluster the cost estimator can price: {error}")
        else:
            total = estimate.hourly_max + other_clusters_usd
            shown = f"{estimate.hourly_max:.4f} USD/h in {region} (prices of {estimate.price_snapshot})"
            if other_clusters_usd:
                shown += f" + {other_clusters_usd:.4f} USD/h of the team's other clusters = {total:.4f} USD/h"
            v.check(
                total <= max_hourly_usd,
                "maximum hourly cost",
                shown,
                f"at most the team's max_hourly_usd of {max_hourly_usd:g} USD/h: lower the maximum capacity "
                "(managed scaling), use smaller or spot types, or raise the budget",
            )
    missing = [key for key in required_tags if key not in facts.tags]
    v.check(not missing, "tags", sorted(facts.tags), f"every required tag key: missing {', '.join(missing)}")
    if production:
        v.check(
            facts.termination_protected,
            "termination_protection",
            False,
            "True in production (a protected cluster is not terminated by an API call or a stack update by mistake)",
        )
        public_ids = {_resolved(s) for s in facts.public_subnets}
        public = [s.node.path for s in facts.subnets if _resolved(s) in public_ids]
        v.check(
            not public,
            "subnets",
            public,
            "private subnets only in production (nodes in a public subnet are one security-group rule away from the internet)",
        )


def _resolved(subnet: ec2.ISubnet) -> str:
    """A subnet's id as a comparable string (``{"Ref": ...}`` for a subnet of this app)."""
    return json.dumps(Stack.of(subnet).resolve(subnet.subnet_id), sort_keys=True)
