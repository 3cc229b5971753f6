"""The EMR clusters of a CloudFormation template as the cost model reads them.

Each ``AWS::EMR::Cluster`` with its instance fleets or instance groups (the ``Instances``
properties ``MasterInstanceFleet``/``CoreInstanceFleet``/``TaskInstanceFleets`` or
``MasterInstanceGroup``/``CoreInstanceGroup``/``TaskInstanceGroups``), the separate
``AWS::EMR::InstanceFleetConfig``/``AWS::EMR::InstanceGroupConfig`` resources that ``Ref`` it
(``ClusterId``/``JobFlowId``), EBS volumes, a group's ``AutoScalingPolicy`` constraints and
``ManagedScalingPolicy.ComputeLimits`` with their defaults (CloudFormation User Guide,
``AWS::EMR::Cluster`` and its property types; the resource schemas in cfn-lint). Values go through
:class:`~cdk_emr.ops.template_values.ValueReader`: a ``Ref`` to a parameter reads its default.
:func:`instance_nodes` is the one walk over a cluster's fleets and groups (the summary uses it too).
Standard library only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from cdk_emr.facts.update_behaviour import CLUSTER, INSTANCE_FLEET_CONFIG, INSTANCE_GROUP_CONFIG
from cdk_emr.ops.template_values import ValueReader, condition_holds
from cdk_emr.ops.templates import TemplateLoadError

ON_DEMAND = "ON_DEMAND"
SPOT = "SPOT"
PRIMARY, CORE, TASK = "primary", "core", "task"
FLEET, GROUP = "fleet", "group"
UNIT_TYPES = ("InstanceFleetUnits", "Instances", "VCPU")
"""``ComputeLimits.UnitType`` values (AWS::EMR::Cluster ComputeLimits)."""


class ClusterReadError(TemplateLoadError):
    """A cluster whose fleets, groups or scaling limits cannot be read; the message names the field."""


@dataclass(frozen=True)
class Volume:
    """One ``EbsBlockDeviceConfigs`` entry."""

    size_gb: int
    volume_type: str
    count: int = 1
    iops: int | None = None
    throughput: int | None = None


@dataclass(frozen=True)
class TypeConfig:
    """One instance type a fleet may launch (a group has exactly one)."""

    instance_type: str
    weight: int = 1
    volumes: tuple[Volume, ...] = ()


@dataclass(frozen=True)
class NodeSpec:
    """A fleet or an instance group as declared."""

    name: str
    role: str  # primary | core | task
    kind: str  # fleet | group
    configs: tuple[TypeConfig, ...]
    on_demand: int  # declared units (fleet) or instances (group)
    spot: int
    markets: tuple[str, ...]
    autoscaling: tuple[int, int] | None = None  # a group's custom AutoScalingPolicy min/max


@dataclass(frozen=True)
class ComputeLimits:
    """``ManagedScalingPolicy.ComputeLimits``, defaults applied."""

    unit_type: str
    minimum: int
    maximum: int
    maximum_on_demand: int
    maximum_core: int


@dataclass(frozen=True)
class ClusterSpec:
    """An ``AWS::EMR::Cluster`` with the fleets or groups that belong to it."""

    stack: str
    logical_id: str
    name: str
    region: str
    nodes: tuple[NodeSpec, ...]
    limits: ComputeLimits | None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeclaredNode:
    """One fleet or group as written under a cluster's ``Instances``."""

    role: str  # primary | core | task
    kind: str  # fleet | group
    key: str  # the Instances property holding it
    index: int | None  # its place in a task list
    raw: Any

    @property
    def path(self) -> str:
        """``TaskInstanceFleets[1]``, ``CoreInstanceGroup``..."""
        return self.key if self.index is None else f"{self.key}[{self.index}]"


_NODE_KEYS = (
    (FLEET, "MasterInstanceFleet", "CoreInstanceFleet", "TaskInstanceFleets"),
    (GROUP, "MasterInstanceGroup", "CoreInstanceGroup", "TaskInstanceGroups"),
)


def _listed(raw: Any, where: str) -> list[Any]:
    return raw if isinstance(raw, list) else []


def instance_nodes(instances: Mapping[str, Any], tasks: Callable[[Any, str], list[Any]] = _listed) -> Iterator[DeclaredNode]:
    """The fleets, then the groups, of a cluster's ``Instances``: primary, core, each task.

    ``tasks(raw, key)`` reads a task list (default: the list as written, anything else is empty).
    """
    for kind, primary, core, task in _NODE_KEYS:
        for role, key in ((PRIMARY, primary), (CORE, core)):
            if key in instances:
                yield DeclaredNode(role, kind, key, None, instances[key])
        for index, raw in enumerate(tasks(instances.get(task), task)):
            yield DeclaredNode(TASK, kind, task, index, raw)


def parse_clusters(
    template: Mapping[str, Any],
    *,
    stack: str,
    region: str,
    error: type[Exception] = ClusterReadError,
) -> list[ClusterSpec]:
    """Every ``AWS::EMR::Cluster`` of a template, with its fleets/groups and scaling limits.

    ``error`` is the exception class raised for a value that cannot be read.
    """
    reader = ValueReader(template, stack, error=error, hint="give it a literal value to estimate this cluster")
    resources: Mapping[str, Any] = template.get("Resources") or {}
    extra, stack_notes = _separate_configs(resources, reader)
    deployed = [
        (logical_id, res)
        for logical_id, res in resources.items()
        if isinstance(res, dict) and res.get("Type") == CLUSTER and _deployed(template, logical_id, res, stack_notes)
    ]
    clusters = []
    for logical_id, res in deployed:
        props = reader.mapping(res.get("Properties"), f"{logical_id}.Properties")
        name = props.get("Name")
        clusters.append(
            ClusterSpec(
                stack=stack,
                logical_id=logical_id,
                name=name if isinstance(name, str) else logical_id,
                region=region,
                nodes=tuple(_cluster_nodes(props, reader, logical_id) + extra.get(logical_id, [])),
                limits=_limits(props, reader, logical_id),
                notes=tuple(stack_notes),
            )
        )
    return clusters


def _cluster_nodes(props: Mapping[str, Any], reader: ValueReader, logical_id: str) -> list[NodeSpec]:
    where = f"{logical_id}.Instances"
    instances = reader.mapping(props.get("Instances"), where)
    nodes = instance_nodes(instances, lambda raw, key: reader.sequence(raw, f"{where}.{key}"))
    return [(_fleet if n.kind == FLEET else _group)(n.raw, n.role, reader, f"{where}.{n.path}") for n in nodes]


# The property naming the cluster and the one naming the role, per separate resource type
# (AWS::EMR::InstanceFleetConfig: ClusterId, InstanceFleetType; AWS::EMR::InstanceGroupConfig:
# JobFlowId, InstanceRole; CloudFormation User Guide).
_SEPARATE_CONFIGS = {
    INSTANCE_FLEET_CONFIG: ("ClusterId", "InstanceFleetType"),
    INSTANCE_GROUP_CONFIG: ("JobFlowId", "InstanceRole"),
}


def _separate_configs(resources: Mapping[str, Any], reader: ValueReader) -> tuple[dict[str, list[NodeSpec]], list[str]]:
    """``InstanceFleetConfig`` / ``InstanceGroupConfig`` resources, by their cluster's id."""
    by_cluster: dict[str, list[NodeSpec]] = {}
    notes: list[str] = []
    for logical_id, res in resources.items():
        kind = res.get("Type") if isinstance(res, dict) else None
        if kind not in _SEPARATE_CONFIGS or not _deployed(reader.template, logical_id, res, notes):
            continue
        cluster_key, role_key = _SEPARATE_CONFIGS[kind]
        props = reader.mapping(res.get("Properties"), f"{logical_id}.Properties")
        target = props.get(cluster_key)
        cluster_id = target.get("Ref") if isinstance(target, dict) else None
        if not isinstance(cluster_id, str) or cluster_id not in resources:
            notes.append(f"{logical_id} skipped: its {cluster_key} is not a Ref to a cluster in the stack")
            continue
        role = reader.text(props.get(role_key), f"{logical_id}.{role_key}", "TASK").lower()
        role = PRIMARY if role == "master" else role
        build = _fleet if kind == INSTANCE_FLEET_CONFIG else _group
        by_cluster.setdefault(cluster_id, []).append(build(props, role, reader, logical_id))
    return by_cluster, notes


def _deployed(template: Mapping[str, Any], logical_id: str, resource: Mapping[str, Any], notes: list[str]) -> bool:
    """False (with a note) for a resource whose ``Condition`` is false under the parameters' defaults;
    a condition that cannot be decided offline counts as true."""
    name = resource.get("Condition")
    try:
        if name is None or condition_holds(template, name):
            return True
    except KeyError:
        return True
    notes.append(f"{logical_id} left out: its condition {name} is false with the parameters' defaults")
    return False


def _name(spec: Mapping[str, Any], default: str) -> str:
    name = spec.get("Name")
    return name if isinstance(name, str) else default


def _fleet(raw: Any, role: str, reader: ValueReader, where: str) -> NodeSpec:
    spec = reader.mapping(raw, where)
    at = f"{where}.InstanceTypeConfigs"
    configs = tuple(
        _type_config(c, reader, f"{at}[{i}]") for i, c in enumerate(reader.sequence(spec.get("InstanceTypeConfigs"), at))
    )
    if not configs:
        raise reader.fail(at, "is empty")
    return NodeSpec(
        name=_name(spec, role),
        role=role,
        kind=FLEET,
        configs=configs,
        on_demand=reader.integer(spec.get("TargetOnDemandCapacity"), f"{where}.TargetOnDemandCapacity", 0),
        spot=reader.integer(spec.get("TargetSpotCapacity"), f"{where}.TargetSpotCapacity", 0),
        markets=(ON_DEMAND, SPOT),
    )


def _type_config(raw: Any, reader: ValueReader, where: str) -> TypeConfig:
    spec = reader.mapping(raw, where)
    weight = reader.integer(spec.get("WeightedCapacity"), f"{where}.WeightedCapacity", 1)
    if weight < 1:
        raise reader.fail(f"{where}.WeightedCapacity", f"is {weight}; it must be at least 1")
    return TypeConfig(
        instance_type=reader.text(spec.get("InstanceType"), f"{where}.InstanceType"),
        weight=weight,
        volumes=_volumes(spec.get("EbsConfiguration"), reader, f"{where}.EbsConfiguration"),
    )


def _group(raw: Any, role: str, reader: ValueReader, where: str) -> NodeSpec:
    spec = reader.mapping(raw, where)
    market = reader.text(spec.get("Market"), f"{where}.Market", ON_DEMAND).upper()
    if market not in (ON_DEMAND, SPOT):
        raise reader.fail(f"{where}.Market", f"is {market!r}; expected ON_DEMAND or SPOT")
    count = reader.integer(spec.get("InstanceCount"), f"{where}.InstanceCount")
    config = TypeConfig(
        instance_type=reader.text(spec.get("InstanceType"), f"{where}.InstanceType"),
        volumes=_volumes(spec.get("EbsConfiguration"), reader, f"{where}.EbsConfiguration"),
    )
    return NodeSpec(
        name=_name(spec, role),
        role=role,
        kind=GROUP,
        configs=(config,),
        on_demand=count if market == ON_DEMAND else 0,
        spot=count if market == SPOT else 0,
        markets=(market,),
        autoscaling=_group_autoscaling(spec.get("AutoScalingPolicy"), reader, where),
    )


def _group_autoscaling(raw: Any, reader: ValueReader, where: str) -> tuple[int, int] | None:
    if not raw:
        return None
    at = f"{where}.AutoScalingPolicy.Constraints"
    policy = reader.mapping(raw, f"{where}.AutoScalingPolicy")
    constraints = reader.mapping(policy.get("Constraints"), at)
    low = reader.integer(constraints.get("MinCapacity"), f"{at}.MinCapacity")
    high = reader.integer(constraints.get("MaxCapacity"), f"{at}.MaxCapacity")
    if low > high:
        raise reader.fail(at, f"has MinCapacity {low} above MaxCapacity {high}")
    return low, high


def _volumes(raw: Any, reader: ValueReader, where: str) -> tuple[Volume, ...]:
    if not raw:
        return ()
    ebs = reader.mapping(raw, where)
    at = f"{where}.EbsBlockDeviceConfigs"
    return tuple(
        _volume(device, reader, f"{at}[{i}]") for i, device in enumerate(reader.sequence(ebs.get("EbsBlockDeviceConfigs"), at))
    )


def _volume(raw: Any, reader: ValueReader, where: str) -> Volume:
    device = reader.mapping(raw, where)
    at = f"{where}.VolumeSpecification"
    vs = reader.mapping(device.get("VolumeSpecification"), at)

    def optional(key: str) -> int | None:
        return None if vs.get(key) is None else reader.integer(vs[key], f"{at}.{key}")

    return Volume(
        size_gb=reader.integer(vs.get("SizeInGB"), f"{at}.SizeInGB"),
        volume_type=reader.text(vs.get("VolumeType"), f"{at}.VolumeType"),
        count=reader.integer(device.get("VolumesPerInstance"), f"{where}.VolumesPerInstance", 1),
        iops=optional("Iops"),
        throughput=optional("Throughput"),
    )


def _limits(props: Mapping[str, Any], reader: ValueReader, logical_id: str) -> ComputeLimits | None:
    if not props.get("ManagedScalingPolicy"):
        return None
    where = f"{logical_id}.ManagedScalingPolicy"
    policy = reader.mapping(props["ManagedScalingPolicy"], where)
    at = f"{where}.ComputeLimits"
    raw = reader.mapping(policy.get("ComputeLimits"), at)
    if not raw:
        return None
    unit_type = reader.text(raw.get("UnitType"), f"{at}.UnitType")
    if unit_type not in UNIT_TYPES:
        raise reader.fail(f"{at}.UnitType", f"is {unit_type!r}; expected one of {', '.join(UNIT_TYPES)}")
    low = reader.integer(raw.get("MinimumCapacityUnits"), f"{at}.MinimumCapacityUnits")
    high = reader.integer(raw.get("MaximumCapacityUnits"), f"{at}.MaximumCapacityUnits")
    if low > high:
        raise reader.fail(at, f"has MinimumCapacityUnits {low} above MaximumCapacityUnits {high}")

    def limit(key: str) -> int:
        return reader.integer(raw.get(key), f"{at}.{key}", high)

    return ComputeLimits(
        unit_type=unit_type,
        minimum=low,
        maximum=high,
        maximum_on_demand=limit("MaximumOnDemandCapacityUnits"),
        maximum_core=limit("MaximumCoreCapacityUnits"),
    )
