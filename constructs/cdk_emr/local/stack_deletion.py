"""Stack deletion in the local AWS in CloudFormation's order, and a failed delete as on AWS.

moto 5.2.5 deletes a stack's resources in passes in no particular order, retrying what failed
until nothing more goes; a delete AWS would refuse (a resource deleted before one that still
needs it) could succeed locally, and a failure answered ``DeleteStack`` with the resource's
error and lost the stack. :func:`patches` (installed with
:mod:`cdk_emr.local.cloudformation_lifecycle`) makes it behave as CloudFormation documents:

* resources are deleted in the reverse order of their dependencies ("DependsOn attribute":
  "resources are deleted in the reverse order of their creation"): a resource goes only once
  nothing left in the stack depends on it, through ``DependsOn``, ``Ref``, ``Fn::GetAtt`` or
  ``Fn::Sub``; each gets ``DELETE_IN_PROGRESS`` and ``DELETE_COMPLETE`` events;
* resources with ``DeletionPolicy`` ``Retain`` (or ``RetainExceptOnCreate``) are kept
  ("DeletionPolicy attribute") and get ``DELETE_SKIPPED``;
* a resource that fails gets ``DELETE_FAILED`` with its error; what depends on nothing failed
  is still deleted, what it needs is kept; the stack ends ``DELETE_FAILED`` with
  CloudFormation's reason ("The following resource(s) failed to delete: [...]"), ``DeleteStack``
  itself succeeds and a second ``DeleteStack`` retries what is left.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

RETAINED = ("Retain", "RetainExceptOnCreate")
_SUB_REFERENCE = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.[^}]*)?\}")


def references(value: Any) -> Iterator[str]:
    """Logical ids ``value`` (a resource's JSON) names with Ref, Fn::GetAtt or Fn::Sub."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "Ref" and isinstance(item, str):
                yield item
            elif key == "Fn::GetAtt":
                target = item[0] if isinstance(item, list) else str(item).split(".")[0]
                yield str(target)
            elif key == "Fn::Sub":
                template = item[0] if isinstance(item, list) else item
                if isinstance(template, str):
                    yield from _SUB_REFERENCE.findall(template)
                if isinstance(item, list) and len(item) > 1:
                    yield from references(item[1])
            else:
                yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)


def dependencies(resources: dict[str, Any]) -> dict[str, set[str]]:
    """For each logical id, the other resources of ``resources`` it depends on."""
    found = {}
    for logical_id, resource in resources.items():
        depends_on = resource.get("DependsOn", [])
        named = {depends_on} if isinstance(depends_on, str) else set(depends_on)
        named |= set(references({key: value for key, value in resource.items() if key != "DependsOn"}))
        found[logical_id] = {name for name in named if name in resources and name != logical_id}
    return found


def _delete_in_order(self: Any) -> None:
    """``ResourceMap.delete``: CloudFormation's order; raise the first error after the rest."""
    resources: dict[str, Any] = self._resource_json_map
    needs = dependencies(resources)
    remaining = {logical_id for logical_id, resource in resources.items() if resource.get("DeletionPolicy") not in RETAINED}
    failed: dict[str, Exception] = {}
    while True:
        ready = sorted(
            logical_id
            for logical_id in remaining - set(failed)
            if not any(logical_id in needs[other] for other in remaining if other != logical_id)
        )
        if not ready:
            break
        for logical_id in ready:
            parsed = self._parsed_resources.get(logical_id)
            try:
                if parsed is not None and not isinstance(parsed, str):
                    self._delete_resource(parsed, resources[logical_id])
                    self._parsed_resources.pop(logical_id, None)
            except Exception as error:  # moto's per-service exceptions share no base class
                failed[logical_id] = error
            else:
                remaining.discard(logical_id)
                self.deleted_in_order = [*getattr(self, "deleted_in_order", []), logical_id]
    if failed:
        self.delete_failures = failed
        raise next(iter(failed.values()))


def _deleting_stack(original: Any) -> Any:
    def delete_stack(self: Any, name_or_stack_id: str) -> None:
        stack = next((s for s in self.stacks.values() if name_or_stack_id in (s.name, s.stack_id)), None)
        if stack is None:
            return original(self, name_or_stack_id)
        resources = stack.resource_map
        physical_ids = {
            logical_id: str(getattr(parsed, "physical_resource_id", "") or "")
            for logical_id, parsed in resources._parsed_resources.items()
            if logical_id in resources._resource_json_map and not isinstance(parsed, str)
        }
        resources.deleted_in_order, resources.delete_failures = [], {}
        try:
            original(self, stack.stack_id)  # by id: moto's by-name branch calls delete_stack again
            error = None
        except Exception as raised:
            error = raised
        for logical_id in resources.deleted_in_order:
            for status in ("DELETE_IN_PROGRESS", "DELETE_COMPLETE"):
                _event(stack, logical_id, physical_ids.get(logical_id, ""), status)
        if error is None:
            for logical_id, resource in resources._resource_json_map.items():
                if resource.get("DeletionPolicy") in RETAINED:
                    _event(stack, logical_id, physical_ids.get(logical_id, ""), "DELETE_SKIPPED")
            return None
        failures: dict[str, Exception] = resources.delete_failures
        if not failures:
            raise error
        for logical_id, failure in failures.items():
            code = str(getattr(failure, "code", "") or getattr(failure, "error_type", "") or type(failure).__name__)
            message = str(getattr(failure, "message", "") or failure)
            _event(stack, logical_id, physical_ids.get(logical_id, ""), "DELETE_FAILED", f"{message} (Error Code: {code})")
        reason = f"The following resource(s) failed to delete: [{', '.join(sorted(failures))}]. "
        stack._add_stack_event("DELETE_FAILED", resource_status_reason=reason)
        stack.status = "DELETE_FAILED"
        stack.stack_status_reason = reason
        self.stacks[stack.stack_id] = stack  # CloudFormation keeps the stack; DeleteStack retries
        return None

    return delete_stack


def _event(stack: Any, logical_id: str, physical_id: str, status: str, reason: str | None = None) -> None:
    from moto.cloudformation.models import Event

    stack.events.append(
        Event(
            stack_id=stack.stack_id,
            stack_name=stack.name,
            logical_resource_id=logical_id,
            physical_resource_id=physical_id,
            resource_type=stack.resource_map._resource_json_map.get(logical_id, {}).get("Type"),
            resource_status=status,
            resource_status_reason=reason,
            resource_properties=None,
        )
    )


def patches() -> list[tuple[Any, str, Any]]:
    """``(owner, name, replacement)`` for :mod:`cdk_emr.local.cloudformation_lifecycle` to install."""
    from moto.cloudformation.models import CloudFormationBackend
    from moto.cloudformation.parsing import ResourceMap

    return [
        (ResourceMap, "delete", _delete_in_order),
        (CloudFormationBackend, "delete_stack", _deleting_stack(CloudFormationBackend.__dict__["delete_stack"])),
    ]
