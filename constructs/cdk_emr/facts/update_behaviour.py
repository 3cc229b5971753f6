"""The one table of CloudFormation update behaviours for ``AWS::EMR::*`` resources.

Read by ``cdk-emr diff-safety`` (:mod:`cdk_emr.ops.diff_safety`) and by the local AWS
(:mod:`cdk_emr.local.emr_models`), so both decide "in place or replacement" alike.

Sources:

* the ``createOnlyProperties`` of the ``AWS::EMR::Cluster``, ``AWS::EMR::InstanceFleetConfig``,
  ``AWS::EMR::InstanceGroupConfig`` and ``AWS::EMR::SecurityConfiguration`` resource schemas
  shipped in cfn-lint (``cfnlint/data/schemas/providers/us_east_1/aws-emr-*.json``), which a
  test cross-checks against this table;
* the CloudFormation reference pages of those resources ("Update requires: ...") for the
  nested ``Instances`` paths the schemas do not list (``shared/reference/emr-facts.md``,
  "CloudFormation update behaviour of AWS::EMR::Cluster").

Patterns are dotted property paths; ``*`` matches any single key or list index. The most
specific pattern wins (more segments, then fewer wildcards). A path no pattern matches is a
replacement (:data:`UNKNOWN_PROPERTY`). Standard library only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

CLUSTER: Final = "AWS::EMR::Cluster"
SECURITY_CONFIGURATION: Final = "AWS::EMR::SecurityConfiguration"
INSTANCE_FLEET_CONFIG: Final = "AWS::EMR::InstanceFleetConfig"
INSTANCE_GROUP_CONFIG: Final = "AWS::EMR::InstanceGroupConfig"
STEP: Final = "AWS::EMR::Step"

PropertyPath = tuple[str | int, ...]
"""A path into a resource's ``Properties``: keys and list indexes."""


class Behaviour(StrEnum):
    """What CloudFormation does with a change.

    The table uses the first three; ``CREATION`` and ``DELETION`` describe a resource that
    appears in or disappears from the template.
    """

    REPLACEMENT = "replacement"
    CONDITIONAL = "conditional"
    NO_INTERRUPTION = "no-interruption"
    CREATION = "creation"
    DELETION = "deletion"

    @property
    def blocking(self) -> bool:
        """Whether the change replaces or deletes a resource (diff-safety fails on it)."""
        return self in (Behaviour.REPLACEMENT, Behaviour.DELETION)


@dataclass(frozen=True)
class Rule:
    """One row of the update-behaviour table."""

    behaviour: Behaviour
    reason: str


_NEW_CLUSTER = "set at launch: CloudFormation creates a new cluster (HDFS data and running steps lost)"
_SECURITY_CONFIGURATION = (
    "set at launch: pointing the cluster at another security configuration (a renamed logical id "
    "included) creates a new cluster (HDFS data and running steps lost)"
)
_IN_PLACE = "updated in place, no interruption"
_INSTANCES = (
    "instances are set at launch (subnets, security groups, key name, primary and core nodes): "
    "CloudFormation creates a new cluster (HDFS data and running steps lost)"
)
_FLEET_RISK = (
    "replacement risk: current docs say no interruption, the older resource spec says immutable; "
    "treated as a replacement of the cluster"
)
_PRIMARY_SIZE = "the primary node count is fixed at launch (1, or 3 for multi-primary): a new cluster (inference)"
_TASK_NODES = (
    "task fleets/groups update conditionally: adding, removing or reshaping them may replace task "
    "nodes (they hold no HDFS data); review before deploying"
)
_TASK_FLEET_RESOURCE = (
    "CloudFormation replaces the task fleet/group resource, not the cluster: its nodes and their "
    "running containers go (task nodes hold no HDFS data)"
)
_TASK_FLEET_RISK = (
    "replacement risk: current docs say no interruption, the older resource spec says immutable; "
    "treated as a replacement of the task fleet (not the cluster)"
)
_IMMUTABLE_SECURITY_CONFIGURATION = (
    "every property of AWS::EMR::SecurityConfiguration is immutable: a new one is created and "
    "each cluster referencing it is replaced (HDFS data and running steps lost; inference)"
)


def _rules(*groups: tuple[Behaviour, str, tuple[str, ...]]) -> dict[str, Rule]:
    """Expand ``(behaviour, reason, patterns)`` groups into ``pattern -> Rule``."""
    return {pattern: Rule(behaviour, reason) for behaviour, reason, patterns in groups for pattern in patterns}


def _fleet_paths(fleet: str, *names: str) -> tuple[str, ...]:
    return tuple(f"Instances.{fleet}.{name}" for name in names)


_TARGETS = ("TargetOnDemandCapacity", "TargetSpotCapacity")
_FLEET_SHAPE = ("InstanceTypeConfigs", "LaunchSpecifications", "Name")
_GROUP_MUTABLE = ("InstanceCount", "AutoScalingPolicy")

_R, _C, _N = Behaviour.REPLACEMENT, Behaviour.CONDITIONAL, Behaviour.NO_INTERRUPTION

#: The createOnlyProperties of AWS::EMR::Cluster in cfn-lint's schema (cross-checked by a test).
CLUSTER_CREATE_ONLY: Final = (
    "AdditionalInfo",
    "Applications",
    "AutoScalingRole",
    "BootstrapActions",
    "Configurations",
    "CustomAmiId",
    "EbsRootVolumeIops",
    "EbsRootVolumeSize",
    "EbsRootVolumeThroughput",
    "JobFlowRole",
    "KerberosAttributes",
    "LogEncryptionKmsKeyId",
    "LogUri",
    "Name",
    "OSReleaseLabel",
    "PlacementGroupConfigs",
    "ReleaseLabel",
    "ScaleDownBehavior",
    "ServiceRole",
    "Steps",
)

UPDATE_BEHAVIOURS: Final[Mapping[str, Mapping[str, Rule]]] = {
    CLUSTER: _rules(
        (_R, _NEW_CLUSTER, CLUSTER_CREATE_ONLY),
        (_R, _SECURITY_CONFIGURATION, ("SecurityConfiguration",)),
        (
            _N,
            _IN_PLACE,
            ("AutoTerminationPolicy", "ManagedScalingPolicy", "StepConcurrencyLevel", "Tags", "VisibleToAllUsers"),
        ),
        (_R, _INSTANCES, ("Instances", "Instances.*")),
        (_N, _IN_PLACE, ("Instances.TerminationProtected",)),
        (_N, _IN_PLACE, _fleet_paths("CoreInstanceFleet", *_TARGETS)),
        (_R, _FLEET_RISK, _fleet_paths("CoreInstanceFleet", *_FLEET_SHAPE)),
        (_R, _FLEET_RISK, _fleet_paths("MasterInstanceFleet", *_FLEET_SHAPE)),
        (_R, _PRIMARY_SIZE, _fleet_paths("MasterInstanceFleet", *_TARGETS)),
        (_R, _PRIMARY_SIZE, _fleet_paths("MasterInstanceGroup", "InstanceCount")),
        (_N, _IN_PLACE, _fleet_paths("CoreInstanceGroup", *_GROUP_MUTABLE)),
        (_C, _TASK_NODES, ("Instances.TaskInstanceFleets", "Instances.TaskInstanceGroups")),
        (_N, _IN_PLACE, _fleet_paths("TaskInstanceFleets.*", *_TARGETS)),
        (_N, _IN_PLACE, _fleet_paths("TaskInstanceGroups.*", *_GROUP_MUTABLE)),
    ),
    SECURITY_CONFIGURATION: _rules((_R, _IMMUTABLE_SECURITY_CONFIGURATION, ("*",))),
    INSTANCE_FLEET_CONFIG: _rules(
        (_R, _TASK_FLEET_RESOURCE, ("*",)),
        (_R, _TASK_FLEET_RISK, _FLEET_SHAPE),
        (_N, _IN_PLACE, (*_TARGETS, "ResizeSpecifications")),
    ),
    INSTANCE_GROUP_CONFIG: _rules(
        (_R, _TASK_FLEET_RESOURCE, ("*",)),
        (_N, _IN_PLACE, _GROUP_MUTABLE),
    ),
    STEP: _rules((_R, "every property of AWS::EMR::Step is create-only: a new step is added", ("*",))),
}

#: Where this table is stricter than the schemas' ``createOnlyProperties``, and why.
SCHEMA_DEVIATIONS: Final[Mapping[tuple[str, str], str]] = {
    (CLUSTER, "Instances"): (
        "Instances is not create-only as a whole, but the CloudFormation reference says each nested "
        "property except the task fleets/groups, fleet targets, group counts and TerminationProtected "
        "requires replacement; the table lists those nested paths"
    ),
    (INSTANCE_FLEET_CONFIG, "InstanceTypeConfigs"): _TASK_FLEET_RISK,
}

UNKNOWN_PROPERTY: Final = Rule(
    Behaviour.REPLACEMENT,
    "not in the update-behaviour table: assumed to replace (check the CloudFormation reference)",
)


def classify(resource_type: str, path: PropertyPath) -> Rule:
    """Return the most specific update-behaviour rule for a changed property path."""
    best, best_rank = UNKNOWN_PROPERTY, (0, 0)
    for pattern, rule in UPDATE_BEHAVIOURS.get(resource_type, {}).items():
        parts = pattern.split(".")
        if len(parts) > len(path):
            continue
        if all(part in ("*", str(key)) for part, key in zip(parts, path, strict=False)):
            rank = (len(parts), -parts.count("*"))
            if rank > best_rank:
                best, best_rank = rule, rank
    return best


INTRINSIC_FUNCTIONS: Final = (
    "Base64",
    "Cidr",
    "FindInMap",
    "GetAtt",
    "GetAZs",
    "If",
    "ImportValue",
    "Join",
    "Select",
    "Split",
    "Sub",
    "Transform",
    "ToJsonString",
    "Length",
    "And",
    "Equals",
    "Not",
    "Or",
)
"""The ``Fn::`` intrinsic functions (CloudFormation User Guide, "Intrinsic function reference"),
by the name their short YAML form ``!Name`` takes."""

INTRINSIC_KEYS: Final = frozenset({"Ref", "Condition"}) | {f"Fn::{name}" for name in INTRINSIC_FUNCTIONS}
"""The keys of a one-key object that make it an intrinsic function (``{"Condition": name}`` is an operand of ``Fn::And``/``Fn::Or``/``Fn::Not``)."""


def is_intrinsic(value: Any) -> bool:
    """Whether ``value`` is one CloudFormation intrinsic function (``{"Ref": ...}``...)."""
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in INTRINSIC_KEYS


def leaf_changes(old: Any, new: Any, path: PropertyPath = ()) -> Iterator[tuple[PropertyPath, Any, Any]]:
    """Yield ``(path, old, new)`` for each smallest differing value (``None`` = absent).

    Objects are compared key by key, lists of the same length item by item; a list whose length
    changed, an intrinsic function and a scalar are compared whole.
    """
    if old == new:
        return
    objects = isinstance(old, dict) and isinstance(new, dict)
    if objects and not (is_intrinsic(old) or is_intrinsic(new)):
        for key in dict.fromkeys([*old, *new]):
            yield from leaf_changes(old.get(key), new.get(key), (*path, key))
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (before, after) in enumerate(zip(old, new, strict=False)):
            yield from leaf_changes(before, after, (*path, index))
    else:
        yield path, old, new


def replacing_paths(resource_type: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[PropertyPath]:
    """The changed property paths of a resource that make CloudFormation replace it."""
    return [path for path, _, _ in leaf_changes(dict(old), dict(new)) if classify(resource_type, path).behaviour.blocking]
