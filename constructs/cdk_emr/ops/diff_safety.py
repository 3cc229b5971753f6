"""Replacement guard: which EMR changes between two synthesized templates replace a cluster.

CloudFormation updates some properties of an ``AWS::EMR::Cluster`` in place and replaces the
cluster for the rest: a new cluster is launched, and the HDFS data and running steps of the old
one are lost. :func:`compare_paths` loads two synthesized outputs (a template JSON file or a
``cdk.out`` directory each), pairs their stacks, compares the EMR resources by logical id and
classifies every changed property from :data:`cdk_emr.facts.update_behaviour.UPDATE_BEHAVIOURS`,
the one table of update behaviours, which the local AWS reads too.

Values are compared as written in the templates, so a change hidden behind a parameter (a ``Ref``
to a parameter whose default changed) is not seen, and a cluster that names its security
configuration by a literal string is not linked to that resource. Templates are loaded by
:mod:`cdk_emr.ops.templates`. Standard library only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from cdk_emr.facts.update_behaviour import (
    CLUSTER,
    INSTANCE_FLEET_CONFIG,
    INSTANCE_GROUP_CONFIG,
    SECURITY_CONFIGURATION,
    UNKNOWN_PROPERTY,
    UPDATE_BEHAVIOURS,
    Behaviour,
    PropertyPath,
    Rule,
    classify,
    leaf_changes,
)

# TemplateLoadError is re-exported: loading and pairing errors share it.
from cdk_emr.ops.template_values import referenced_ids
from cdk_emr.ops.templates import TemplateLoadError, load_stack_templates

TRACKED_TYPES: Final = (CLUSTER, INSTANCE_FLEET_CONFIG, INSTANCE_GROUP_CONFIG)

Template = Mapping[str, Any]
"""A CloudFormation template as parsed JSON."""

__all__ = [
    "CLUSTER",
    "INSTANCE_FLEET_CONFIG",
    "INSTANCE_GROUP_CONFIG",
    "SECURITY_CONFIGURATION",
    "TRACKED_TYPES",
    "UNKNOWN_PROPERTY",
    "UPDATE_BEHAVIOURS",
    "Behaviour",
    "Change",
    "PropertyPath",
    "Report",
    "Rule",
    "TemplateLoadError",
    "classify",
    "compare_paths",
    "compare_stacks",
    "compare_templates",
    "format_path",
    "load_stacks",
    "pair_stacks",
    "referenced_ids",
]


# --- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One classified change. ``path`` is ``""`` for a whole resource; ``None`` means absent."""

    stack: str
    logical_id: str
    resource_type: str
    path: str
    old: Any
    new: Any
    behaviour: Behaviour
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "stack": self.stack,
            "logical_id": self.logical_id,
            "resource_type": self.resource_type,
            "path": self.path,
            "old": self.old,
            "new": self.new,
            "behaviour": self.behaviour.value,
            "blocking": self.behaviour.blocking,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Report:
    """All classified changes between two synthesized outputs."""

    changes: tuple[Change, ...] = field(default_factory=tuple)

    @property
    def blocking(self) -> tuple[Change, ...]:
        """Changes that replace or delete a resource."""
        return tuple(change for change in self.changes if change.behaviour.blocking)

    @property
    def replaced_clusters(self) -> tuple[str, ...]:
        """``stack/logical-id`` of each cluster that is replaced or deleted."""
        ids = (f"{c.stack}/{c.logical_id}" for c in self.blocking if c.resource_type == CLUSTER)
        return tuple(dict.fromkeys(ids))

    def counts(self) -> dict[str, int]:
        """Number of changes per behaviour (every behaviour listed)."""
        return {b.value: sum(c.behaviour is b for c in self.changes) for b in Behaviour}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "summary": {
                "changes": len(self.changes),
                "blocking": len(self.blocking),
                "by_behaviour": self.counts(),
                "replaced_clusters": list(self.replaced_clusters),
            },
            "changes": [change.to_dict() for change in self.changes],
        }


# --- loading ----------------------------------------------------------------------------------


def load_stacks(path: Path) -> dict[str, Template]:
    """``{stack name: template}`` of a template file or a ``cdk.out`` directory.

    Loaded by :func:`cdk_emr.ops.templates.load_stack_templates` (stacks named by artifact id,
    nested stage assemblies and nested stacks (``PARENT/LOGICAL_ID``) included; a file is named
    after itself).
    """
    return {stack.name: stack.template for stack in load_stack_templates(path, include_nested=True)}


def pair_stacks(
    old: dict[str, Template], new: dict[str, Template], *, old_is_file: bool, new_is_file: bool
) -> tuple[dict[str, Template], dict[str, Template]]:
    """Give both sides the same stack names where a single template file is involved.

    Two directories pair by stack name. A single template on either side pairs with the other
    side's only stack, or else with its stack of the same name (the other stacks are left out).
    """
    if not (old_is_file or new_is_file) or old.keys() == new.keys():
        return old, new
    if len(old) == 1 and len(new) == 1:
        return {next(iter(new)): next(iter(old.values()))}, new
    single, many = (old, new) if old_is_file else (new, old)
    name = next(iter(single))
    if name not in many:
        raise TemplateLoadError(
            f"cannot pair the template {name} with a stack of the other side ({', '.join(many)}): "
            "name the file after one of them or pass two cdk.out directories"
        )
    return {name: old[name]}, {name: new[name]}


# --- comparing --------------------------------------------------------------------------------


def compare_paths(old_path: Path, new_path: Path) -> Report:
    """Load, pair and compare two synthesized outputs (template files or cdk.out directories)."""
    old, new = pair_stacks(
        load_stacks(old_path),
        load_stacks(new_path),
        old_is_file=old_path.is_file(),
        new_is_file=new_path.is_file(),
    )
    return compare_stacks(old, new)


def compare_stacks(old: Mapping[str, Template], new: Mapping[str, Template]) -> Report:
    """Compare stacks of the same name; a stack missing on one side counts as empty there."""
    changes: list[Change] = []
    for stack in dict.fromkeys([*old, *new]):
        found = compare_templates(old.get(stack, {}), new.get(stack, {}), stack)
        if stack not in new or stack not in old:
            side = "NEW" if stack not in new else "OLD"
            note = f"stack {stack} is absent from {side}"
            found = [replace(change, reason=f"{note}: {change.reason}") for change in found]
        changes.extend(found)
    return Report(tuple(sorted(changes, key=lambda c: (c.stack, c.logical_id, c.path))))


def compare_templates(old: Template, new: Template, stack: str = "template") -> list[Change]:
    """Classify every change to the EMR resources of one stack."""
    old_resources, new_resources = old.get("Resources", {}), new.get("Resources", {})
    changes: list[Change] = []
    for logical_id in dict.fromkeys([*old_resources, *new_resources]):
        before, after = old_resources.get(logical_id), new_resources.get(logical_id)
        old_type, new_type = _type(before), _type(after)
        if old_type in TRACKED_TYPES and old_type != new_type:
            changes.append(_removed(stack, logical_id, before, old_resources, new_resources))
        if new_type in TRACKED_TYPES and old_type != new_type:
            changes.append(_added(stack, logical_id, after))
        if old_type == new_type and old_type in TRACKED_TYPES:
            changes.extend(_modified(stack, logical_id, old_type, _properties(before), _properties(after)))
    changes.extend(_security_configuration_changes(stack, old_resources, new_resources))
    return changes


def _type(resource: Any) -> str | None:
    return resource.get("Type") if isinstance(resource, dict) else None


def _properties(resource: Any) -> dict[str, Any]:
    return resource.get("Properties", {}) if isinstance(resource, dict) else {}


def _of_type(resources: Mapping[str, Any], resource_type: str) -> set[str]:
    return {logical_id for logical_id, resource in resources.items() if _type(resource) == resource_type}


def _removed(stack: str, logical_id: str, resource: Any, old: Mapping[str, Any], new: Mapping[str, Any]) -> Change:
    resource_type = _type(resource) or ""
    if resource.get("DeletionPolicy") in ("Retain", "RetainExceptOnCreate"):
        behaviour = Behaviour.CONDITIONAL
        reason = "removed; DeletionPolicy Retain leaves it running, no longer managed"
    elif resource_type == CLUSTER:
        behaviour = Behaviour.DELETION
        reason = "cluster removed: CloudFormation deletes it (data loss: HDFS and running steps)"
    else:
        behaviour = Behaviour.DELETION
        reason = "task fleet/group removed: its nodes are terminated (no HDFS on task nodes)"
    renamed = sorted(_of_type(new, resource_type) - _of_type(old, resource_type))
    if renamed:
        reason += f"; renamed to {', '.join(renamed)}? a new logical id is a new resource"
    properties = _properties(resource)
    return Change(stack, logical_id, resource_type, "", properties, None, behaviour, reason)


def _added(stack: str, logical_id: str, resource: Any) -> Change:
    resource_type = _type(resource) or ""
    reason = f"new {'cluster' if resource_type == CLUSTER else 'task fleet/group'} created"
    properties = _properties(resource)
    creation = Behaviour.CREATION
    return Change(stack, logical_id, resource_type, "", None, properties, creation, reason)


def _modified(stack: str, logical_id: str, resource_type: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    changes = []
    for path, before, after in leaf_changes(old, new):
        rule = classify(resource_type, path)
        where = format_path(path)
        changes.append(Change(stack, logical_id, resource_type, where, before, after, rule.behaviour, rule.reason))
    return changes


def format_path(path: PropertyPath) -> str:
    """``("Instances", "TaskInstanceFleets", 0)`` -> ``Instances.TaskInstanceFleets[0]``."""
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else f".{key}" if text else str(key)
    return text


# --- security configurations ------------------------------------------------------------------


def _security_configuration_changes(stack: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Replace each cluster whose unchanged reference points at an edited security configuration."""
    both = _of_type(old, SECURITY_CONFIGURATION) & _of_type(new, SECURITY_CONFIGURATION)
    edited = {logical_id: list(leaf_changes(_properties(old[logical_id]), _properties(new[logical_id]))) for logical_id in both}
    rule = classify(SECURITY_CONFIGURATION, ("*",))
    changes = []
    for cluster in sorted(_of_type(old, CLUSTER) & _of_type(new, CLUSTER)):
        before = referenced_ids(_properties(old[cluster]).get("SecurityConfiguration"))
        after = referenced_ids(_properties(new[cluster]).get("SecurityConfiguration"))
        for logical_id in sorted(before & after):
            if diffs := edited.get(logical_id):
                paths = ", ".join(format_path(path) for path, _, _ in diffs[:3])
                more = ", …" if len(diffs) > 3 else ""
                edit = f"security configuration {logical_id} edited ({paths}{more})"
                reason = f"{edit}: {rule.reason}"
                _, before_value, after_value = diffs[0]
                changes.append(
                    Change(
                        stack,
                        cluster,
                        CLUSTER,
                        "SecurityConfiguration",
                        before_value,
                        after_value,
                        rule.behaviour,
                        reason,
                    )
                )
    return changes
