"""CloudFormation's life cycle in the local AWS: change-set updates and stack deletion.

``cdk deploy`` (default method: change sets) and ``cdk destroy`` need three things moto 5.2.5
lacks; :func:`install` patches them in and :func:`uninstall` restores moto:

* ``DescribeChangeSet`` / ``DeleteChangeSet`` of an unknown change set answer CloudFormation's
  ``ChangeSetNotFound`` error ("ChangeSet [name] does not exist"), which the CDK CLI expects
  before it creates ``cdk-deploy-change-set`` for an update (moto raised a stack error or an
  unbound-variable error, so every second ``cdk deploy`` failed);
* a stack created or updated through a change set gets its outputs (moto kept the outputs of
  the empty template the change set started from, so ``cdk deploy`` printed none), and its
  ``Fn::ImportValue`` sees the region's exports (moto gave a change set's stack none: "No export
  named ... found.", so the prod platform stack could not deploy after its KDC stack);
* ``DescribeChangeSet``, ``DeleteChangeSet`` and ``ExecuteChangeSet`` find the change set of the
  ``StackName`` given (moto took the first of that name in any stack: with two stacks, the CDK
  CLI's second ``cdk deploy`` waited forever for another stack's ``cdk-deploy-change-set`` to go);
* a change set without changes whose parameters keep their previous values (``UsePreviousValue``,
  as the CDK CLI sends for a stack with SSM-typed parameters, e.g. an AMI) is created ``FAILED``
  ("The submitted information didn't contain changes"), as CloudFormation does (moto refused the
  request, "No updates are to be performed.", or compared the resolved values with the parameter
  names and updated every resource using them; ``cdk deploy`` of the unchanged prod KDC stack hung);
* an update that keeps an SSM-typed parameter (``UsePreviousValue``, as the CDK CLI does for
  ``BootstrapVersion``) keeps its resolved value (moto looked the value up as a parameter
  name and failed with an AttributeError, an HTTP 500);
* deleting an ``AWS::IAM::Role`` detaches its managed policies first, as CloudFormation does
  (moto refused: "must detach all policies first");
* deleting an ``AWS::EC2::VPC`` first removes what the stack created in it and moto's
  CloudFormation models do not delete: NAT gateways (and their network interfaces), gateway
  endpoints, route tables and internet-gateway attachments. Security groups are not touched:
  a group still referenced by another group's rule keeps the VPC, as on AWS
  (DependencyViolation);
* deleting a resource that is already gone (``...NotFound``) counts as deleted, as in
  CloudFormation.

The table also installs the patches of :mod:`.ec2_security_groups` (DependencyViolation),
:mod:`.stack_deletion` (reverse dependency order) and :mod:`.dynamic_references`
(``{{resolve:ssm:...}}`` and ``{{resolve:secretsmanager:...}}``).
"""

from __future__ import annotations

import threading
from typing import Any

from moto.cloudformation.exceptions import CloudFormationError

_lock = threading.Lock()
_originals: dict[tuple[Any, str], Any] = {}


class ChangeSetNotFound(CloudFormationError):
    """CloudFormation's error for an unknown change set (API reference: ChangeSetNotFoundException)."""

    code = "ChangeSetNotFound"

    def __init__(self, name: str) -> None:
        super().__init__(f"ChangeSet [{name}] does not exist")


def _known_change_set(backend: Any, name: str) -> bool:
    return name in backend.change_sets or any(cs.change_set_name == name for cs in backend.change_sets.values())


def _describe_change_set(self: Any, change_set_name: str) -> Any:
    if not _known_change_set(self, change_set_name):
        raise ChangeSetNotFound(change_set_name)
    return _originals[(type(self), "describe_change_set")](self, change_set_name)


def _delete_change_set(self: Any, change_set_name: str) -> None:
    if not _known_change_set(self, change_set_name):
        raise ChangeSetNotFound(change_set_name)
    _originals[(type(self), "delete_change_set")](self, change_set_name)


def _delete_role(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> None:
    from moto.iam.models import iam_backends
    from moto.utilities.utils import get_partition

    backend = iam_backends[account_id][get_partition(region_name)]
    for role in list(backend.roles.values()):
        if role.name == resource_name:
            for arn in list(role.managed_policies):
                backend.detach_role_policy(arn, role.name)
    _originals[(cls, "delete_from_cloudformation_json")].__func__(
        cls, resource_name, cloudformation_json, account_id, region_name
    )


def _delete_vpc(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> None:
    from moto.ec2.models import ec2_backends

    ec2 = ec2_backends[account_id][region_name]
    for nat in list(ec2.nat_gateways.values()):
        if nat.vpc_id == resource_name:
            ec2.delete_nat_gateway(nat.id)
    for endpoint in list(ec2.vpc_end_points.values()):
        if endpoint.vpc_id == resource_name:
            ec2.delete_vpc_endpoints([endpoint.id])
    for table in list(ec2.route_tables.values()):
        if table.vpc_id == resource_name and table.main_association_id is None:
            for association in list(table.associations):
                ec2.disassociate_route_table(association)
            ec2.delete_route_table(table.id)
    for gateway in list(ec2.internet_gateways.values()):
        if gateway.vpc is not None and gateway.vpc.id == resource_name:
            ec2.detach_internet_gateway(gateway.id, resource_name)
    for interface in list(ec2.enis.values()):
        if interface.subnet is None or interface.subnet.vpc_id == resource_name:
            if interface.instance is None:
                ec2.delete_network_interface(interface.id)
    _originals[(cls, "delete_from_cloudformation_json")].__func__(
        cls, resource_name, cloudformation_json, account_id, region_name
    )


def _parse_ssm_parameter(self: Any, value: str, value_type: str) -> Any:
    from moto.ssm.models import ssm_backends

    if ssm_backends[self._account_id][self._region_name].get_parameter(value) is None:
        return value  # already resolved: a previous value kept by the update
    return _originals[(type(self), "parse_ssm_parameter")](self, value, value_type)


def _scoped_change_set(response: Any) -> str:
    """The key of the change set ``ChangeSetName`` names in ``StackName`` (moto looked names up
    across every stack, so the CDK CLI, which names every stack's change set
    ``cdk-deploy-change-set``, deleted or waited on another stack's)."""
    name, stack = response._get_param("ChangeSetName"), response._get_param("StackName")
    change_sets = response.cloudformation_backend.change_sets
    if name in change_sets or not stack:
        return str(name)
    for key, change_set in change_sets.items():
        if change_set.change_set_name == name and stack in (change_set.stack_name, change_set.stack_id):
            return str(key)
    raise ChangeSetNotFound(name)


def _describe_change_set_response(self: Any) -> Any:
    from moto.core.responses import ActionResult

    return ActionResult(self.cloudformation_backend.describe_change_set(change_set_name=_scoped_change_set(self)))


def _delete_change_set_response(self: Any) -> Any:
    from moto.core.responses import EmptyResult

    self.cloudformation_backend.delete_change_set(change_set_name=_scoped_change_set(self))
    return EmptyResult()


def _execute_change_set_response(self: Any) -> Any:
    from moto.core.responses import EmptyResult

    self.cloudformation_backend.execute_change_set(
        change_set_name=_scoped_change_set(self), stack_name=self._get_param("StackName")
    )
    return EmptyResult()


def _validate_different_update(self: Any, incoming_params: Any, stack_body: str, old_stack: Any) -> None:
    if self._get_action() == "CreateChangeSet":
        return  # CloudFormation makes the change set, FAILED: "The submitted information didn't contain changes..."
    _originals[(type(self), "_validate_different_update")](self, incoming_params, stack_body, old_stack)


def _has_parameters(self: Any, other_parameters: dict[str, Any]) -> bool:
    if _originals[(type(self), "has_parameters")](self, other_parameters):
        return True
    # UsePreviousValue hands back the resolved value (an SSM-typed parameter's, too): unchanged
    resolved = self.stack_parameters
    return set(other_parameters) == set(resolved) and all(resolved[k] == v for k, v in other_parameters.items())


def _apply_change_set(self: Any) -> None:
    from moto.cloudformation.models import cloudformation_backends

    stack = self.stack
    exports = cloudformation_backends[stack.account_id][stack.region_name].exports
    # Fn::ImportValue sees the region's exports, as in CreateStack (moto gave a change set's stack none)
    stack.cross_stack_resources = stack.resource_map.cross_stack_resources = exports
    _originals[(type(self), "apply")](self)
    stack.template = self.template
    stack._parse_template()
    stack.output_map = stack._create_output_map()
    # the stack's exports, as CreateStack registers them
    for export in stack.exports:
        exports[export.name] = export


def _delete_resource(self: Any, parsed_resource: Any, resource_json: Any) -> None:
    try:
        _originals[(type(self), "_delete_resource")](self, parsed_resource, resource_json)
    except Exception as error:  # moto's per-service exceptions share no base class
        code = str(getattr(error, "code", "") or getattr(error, "error_type", ""))
        if not (code.endswith("NotFound") or code.endswith("NotFoundException")):
            raise


def _patches() -> list[tuple[Any, str, Any]]:
    from moto.cloudformation.models import ChangeSet, CloudFormationBackend, Stack
    from moto.cloudformation.parsing import ResourceMap
    from moto.cloudformation.responses import CloudFormationResponse
    from moto.ec2.models.vpcs import VPC
    from moto.iam.models import Role

    from .dynamic_references import patches as dynamic_reference_patches
    from .ec2_security_groups import patches as security_group_patches
    from .stack_deletion import patches as stack_deletion_patches

    return [
        (CloudFormationBackend, "describe_change_set", _describe_change_set),
        (CloudFormationBackend, "delete_change_set", _delete_change_set),
        (ResourceMap, "parse_ssm_parameter", _parse_ssm_parameter),
        (CloudFormationResponse, "_validate_different_update", _validate_different_update),
        (CloudFormationResponse, "describe_change_set", _describe_change_set_response),
        (CloudFormationResponse, "delete_change_set", _delete_change_set_response),
        (CloudFormationResponse, "execute_change_set", _execute_change_set_response),
        (Stack, "has_parameters", _has_parameters),
        (ChangeSet, "apply", _apply_change_set),
        (ResourceMap, "_delete_resource", _delete_resource),
        (Role, "delete_from_cloudformation_json", classmethod(_delete_role)),
        (VPC, "delete_from_cloudformation_json", classmethod(_delete_vpc)),
        *security_group_patches(),  # a group another group references refuses deletion (DependencyViolation)
        *stack_deletion_patches(),  # deletes in reverse dependency order; a failed delete is DELETE_FAILED
        *dynamic_reference_patches(),  # {{resolve:ssm:...}} and {{resolve:secretsmanager:...}}
    ]


def install() -> None:
    """Patch moto's CloudFormation, IAM and EC2 models (idempotent)."""
    with _lock:
        if _originals:
            return
        for owner, name, replacement in _patches():
            _originals[(owner, name)] = owner.__dict__[name]
            setattr(owner, name, replacement)


def uninstall() -> None:
    """Restore moto's own methods."""
    with _lock:
        for (owner, name), original in _originals.items():
            setattr(owner, name, original)
        _originals.clear()
