"""Models of the EMR emulation, built on moto's ``moto.emr.models``.

* :class:`EmulatedCluster` keeps the whole RunJobFlow request (fleets, policies, subnets,
  applications, configurations...) and simulates the cluster and step lifecycle;
* :class:`InstanceFleet` models instance fleets and their capacities
  (``AWS::EMR::InstanceFleetConfig`` in CloudFormation);
* :class:`EmulatedStep` adds the RUNNING → COMPLETED/FAILED transitions
  (``AWS::EMR::Step`` in CloudFormation);
* :class:`EmrEmulationBackend` adds the missing API calls and request validation.

See :mod:`cdk_emr.local.emr_emulation` for the lifecycle conventions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.core.utils import utcnow
from moto.ec2.exceptions import InvalidSubnetIdError
from moto.emr.exceptions import InvalidRequestException, ValidationException
from moto.emr.models import (
    Application,
    BootstrapAction,
    Cluster,
    ElasticMapReduceBackend,
    SecurityConfiguration,
    Step,
    emr_backends,
)
from moto.emr.utils import random_id
from moto.utilities.utils import CamelToUnderscoresWalker

from cdk_emr.ops.run_job_flow import instance_fleet_config, run_job_flow_request, step_config

from .cfn_model import CfnReferences

#: A step fails when its jar or one of its arguments names a file whose name starts with
#: ``fail`` (``s3://bucket/jobs/fail.py``, ``fail-job.jar``...).
FAILING_STEP_PATTERN = re.compile(r"(?:^|/)fail[^/]*\.\w+$", re.IGNORECASE)

ACTIVE_STEP_STATES = frozenset({"PENDING", "RUNNING"})
ENDED_CLUSTER_STATES = frozenset({"TERMINATING", "TERMINATED", "TERMINATED_WITH_ERRORS"})
TERMINATING_ACTIONS = frozenset({"TERMINATE_CLUSTER", "TERMINATE_JOB_FLOW"})
SEQUENTIAL_ONLY_ACTIONS = TERMINATING_ACTIONS | {"CANCEL_AND_WAIT"}
FLEET_TYPES = ("MASTER", "CORE", "TASK")
CLUSTER_ENDED_MESSAGE = "A job flow that is shutting down, terminated, or finished may not be modified."
PROTECTED_MESSAGE = "Could not shut down one or more job flows since they are termination protected."


def as_bool(value: Any) -> bool:
    """Read a boolean that CloudFormation may pass as a string."""
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def backend_for(account_id: str, region_name: str) -> EmrEmulationBackend:
    """Return the emulation backend of an account and region."""
    backend = emr_backends[account_id][region_name]
    if not isinstance(backend, EmrEmulationBackend):
        raise RuntimeError("The EMR emulation is not installed: call cdk_emr.local.install().")
    return backend


class EmulatedStep(CfnReferences, Step, CloudFormationModel):
    """A step that moves PENDING → RUNNING → COMPLETED, FAILED or CANCELLED."""

    cfn_ref = "id"
    cfn_attributes = {"Id": "id"}

    def __init__(self, config: Mapping[str, Any], execution_role_arn: str | None = None) -> None:
        super().__init__(
            state="PENDING",
            name=config.get("Name", ""),
            hadoop_jar_step=dict(config.get("HadoopJarStep", {})),
            action_on_failure=config.get("ActionOnFailure", "TERMINATE_CLUSTER"),
        )
        self.main_class: str | None = self.hadoop_jar_step.get("MainClass")
        self.execution_role_arn = execution_role_arn
        self.state_change_reason: dict[str, str] = {}
        self.failure_details: dict[str, str] | None = None

    @property
    def config(self) -> dict[str, Any]:
        return {**super().config, "MainClass": self.main_class}

    @property
    def status(self) -> dict[str, Any]:
        return {
            "State": self.state,
            "StateChangeReason": self.state_change_reason,
            "FailureDetails": self.failure_details,
            "Timeline": {
                "CreationDateTime": self.creation_date_time,
                "StartDateTime": self.start_date_time,
                "EndDateTime": self.end_date_time,
            },
        }

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STEP_STATES

    @property
    def should_fail(self) -> bool:
        """Whether the step follows the failure convention (see FAILING_STEP_PATTERN)."""
        return any(FAILING_STEP_PATTERN.search(str(value)) for value in [self.jar, *self.args])

    def run(self) -> None:
        self.state = "RUNNING"
        self.start_date_time = utcnow()

    def finish(self, log_uri: str | None, cluster_id: str) -> None:
        """End a running step: FAILED when it follows the failure convention, else COMPLETED."""
        self.end_date_time = utcnow()  # type: ignore[assignment]  # moto types it None
        if not self.should_fail:
            self.state = "COMPLETED"
            return
        self.state = "FAILED"
        self.failure_details = {
            "Reason": "Unknown Error.",
            "Message": "The step failed (emulated: its jar or arguments name a 'fail*' file).",
        }
        if log_uri:
            self.failure_details["LogFile"] = f"{log_uri.rstrip('/')}/{cluster_id}/steps/{self.id}/stderr.gz"

    def cancel(self, message: str) -> None:
        self.state = "CANCELLED"
        self.state_change_reason = {"Message": message}
        self.end_date_time = utcnow()  # type: ignore[assignment]  # moto types it None

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::EMR::Step"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> EmulatedStep:
        properties = cloudformation_json["Properties"]
        backend = backend_for(account_id, region_name)
        config = step_config(properties)
        return backend.add_job_flow_steps(properties["JobFlowId"], [config])[0]


class InstanceFleet(CfnReferences, CloudFormationModel):
    """An instance fleet; provisioned capacity follows the targets immediately."""

    cfn_ref = "id"
    cfn_attributes = {"Id": "id"}

    def __init__(self, cluster_id: str, config: Mapping[str, Any]) -> None:
        self.id = f"if-{random_id()}"
        self.cluster_id = cluster_id
        self.name: str | None = config.get("Name")
        self.instance_fleet_type: str = config["InstanceFleetType"]
        self.launch_specifications: dict[str, Any] | None = config.get("LaunchSpecifications")
        self.target_on_demand_capacity = 0
        self.target_spot_capacity = 0
        self.instance_type_configs: list[dict[str, Any]] = []
        self.resize_specifications: dict[str, Any] | None = None
        self.context: str | None = None
        self.state = "RUNNING"
        self.creation_date_time = utcnow()
        self.ready_date_time: datetime | None = self.creation_date_time
        self.end_date_time: datetime | None = None
        self.configure(config)

    def configure(self, changes: Mapping[str, Any]) -> None:
        """Apply the mutable settings of an InstanceFleetConfig or InstanceFleetModifyConfig."""
        if "TargetOnDemandCapacity" in changes:
            self.target_on_demand_capacity = int(changes["TargetOnDemandCapacity"])
        if "TargetSpotCapacity" in changes:
            self.target_spot_capacity = int(changes["TargetSpotCapacity"])
        if "InstanceTypeConfigs" in changes:
            self.instance_type_configs = [dict(c) for c in changes["InstanceTypeConfigs"]]
        if "ResizeSpecifications" in changes:
            self.resize_specifications = changes["ResizeSpecifications"]
        if "Context" in changes:
            self.context = changes["Context"]

    @property
    def provisioned_on_demand_capacity(self) -> int:
        return self.target_on_demand_capacity if self.state == "RUNNING" else 0

    @property
    def provisioned_spot_capacity(self) -> int:
        return self.target_spot_capacity if self.state == "RUNNING" else 0

    @property
    def instance_type_specifications(self) -> list[dict[str, Any]]:
        return [_instance_type_specification(c) for c in self.instance_type_configs]

    @property
    def first_instance_type(self) -> str | None:
        return self.instance_type_configs[0].get("InstanceType") if self.instance_type_configs else None

    @property
    def status(self) -> dict[str, Any]:
        return {
            "State": self.state,
            "StateChangeReason": {},
            "Timeline": {
                "CreationDateTime": self.creation_date_time,
                "ReadyDateTime": self.ready_date_time,
                "EndDateTime": self.end_date_time,
            },
        }

    def terminate(self) -> None:
        self.state = "TERMINATED"
        self.end_date_time = utcnow()

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::EMR::InstanceFleetConfig"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> InstanceFleet:
        properties = cloudformation_json["Properties"]
        backend = backend_for(account_id, region_name)
        return backend.add_instance_fleet(properties["ClusterId"], instance_fleet_config(properties))

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: InstanceFleet,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> InstanceFleet:
        changes = instance_fleet_config(cloudformation_json["Properties"])
        backend = backend_for(account_id, region_name)
        backend.modify_instance_fleet(original_resource.cluster_id, {**changes, "InstanceFleetId": original_resource.id})
        return original_resource


class EmulatedCluster(CfnReferences, Cluster):
    """A cluster that keeps its whole RunJobFlow request and simulates its lifecycle.

    Build it with :meth:`EmrEmulationBackend.create_cluster`, which attaches fleets, groups
    and steps and then settles the state.
    """

    cfn_ref = "id"
    cfn_attributes = {"Id": "id", "MasterPublicDNS": "master_public_dns_name"}

    steps: list[EmulatedStep]  # type: ignore[assignment]

    def __init__(
        self,
        emr_backend: EmrEmulationBackend,
        request: Mapping[str, Any],
        instance_attrs: dict[str, Any],
    ) -> None:
        super().__init__(emr_backend, **_moto_cluster_arguments(request, instance_attrs))
        instances = request.get("Instances", {})
        self.request = dict(request)
        self.instance_collection_type = "INSTANCE_FLEET" if instances.get("InstanceFleets") else "INSTANCE_GROUP"
        self.instance_fleets: list[InstanceFleet] = []
        self.requested_ec2_subnet_ids: list[str] = _requested_subnets(instances)
        self.requested_ec2_availability_zones: list[str] = list(instances.get("Placement", {}).get("AvailabilityZones", []))
        self.log_encryption_kms_key_id: str | None = request.get("LogEncryptionKmsKeyId")
        self.os_release_label: str | None = request.get("OSReleaseLabel")
        self.scale_down_behavior: str | None = request.get("ScaleDownBehavior")
        self.placement_groups: list[dict[str, Any]] = list(request.get("PlacementGroupConfigs", []))
        self.unhealthy_node_replacement: bool | None = instances.get("UnhealthyNodeReplacement")
        self.managed_scaling_policy: dict[str, Any] | None = request.get("ManagedScalingPolicy")
        self.auto_termination_policy: dict[str, Any] | None = request.get("AutoTerminationPolicy")
        self.keep_job_flow_alive_when_no_steps = as_bool(instances.get("KeepJobFlowAliveWhenNoSteps", False))
        self.termination_protected = as_bool(instances.get("TerminationProtected", False))
        self.state_change_reason: dict[str, str] = {}
        self.bootstrap_actions = [_bootstrap_action(a) for a in request.get("BootstrapActions", [])]
        self.applications = [_application(app) for app in request.get("Applications") or [{"Name": "Hadoop"}]]
        self.add_tags({tag["Key"]: tag["Value"] for tag in request.get("Tags", [])})
        self._tick_due = False

    # --- lifecycle -------------------------------------------------------------------

    def run_bootstrap_actions(self) -> None:
        """Only record readiness: the state is settled once fleets and steps are attached."""
        self.state = "BOOTSTRAPPING"
        self.ready_datetime = utcnow()

    @property
    def has_ended(self) -> bool:
        return self.state in ENDED_CLUSTER_STATES

    def observe(self) -> None:
        """Count one read of the cluster: advance it unless its current state is still unseen."""
        if self._tick_due:
            self.advance()
        self._tick_due = True

    def advance(self) -> None:
        """Move every step by one transition: running steps end, pending steps start."""
        if self.has_ended:
            return
        for step in [s for s in self.steps if s.state == "RUNNING"]:
            step.finish(self.log_uri, self.id)
            if step.state == "FAILED":
                self._on_step_failure(step)
            if self.has_ended:
                return
        self._start_pending_steps()
        self.settle()

    def settle(self) -> None:
        """RUNNING while steps remain; then WAITING when kept alive, else TERMINATED."""
        if self.has_ended:
            return
        if any(step.is_active for step in self.steps):
            self.state = "RUNNING"
        elif self.keep_job_flow_alive_when_no_steps:
            self.state = "WAITING"
            self.state_change_reason = {"Message": "Cluster ready to run steps."}
        else:
            failed = any(step.state == "FAILED" for step in self.steps)
            message = "Steps completed with errors" if failed else "Steps completed"
            self.terminate(code="ALL_STEPS_COMPLETED", message=message)

    def terminate(
        self,
        state: str = "TERMINATED",
        code: str = "USER_REQUEST",
        message: str = "Terminated by user request",
    ) -> None:
        """End the cluster, its fleets, groups and unfinished steps (no-op once ended)."""
        if self.has_ended:
            return
        for step in self.steps:
            if step.is_active:
                step.cancel("Cancelled because the cluster terminated.")
        for fleet in self.instance_fleets:
            fleet.terminate()
        self.end_datetime = utcnow()
        for group in self.instance_groups:
            group.state = "TERMINATED"
            group.end_date_time = self.end_datetime
        self.state = state
        self.state_change_reason = {"Code": code, "Message": message}

    def _on_step_failure(self, step: EmulatedStep) -> None:
        # EMR ignores these actions when steps run concurrently.
        if self.step_concurrency_level > 1 or step.action_on_failure == "CONTINUE":
            return
        self._cancel_pending_steps(f"Cancelled after step {step.id} failed.")
        if step.action_on_failure in TERMINATING_ACTIONS and not self.termination_protected:
            self.terminate(
                state="TERMINATED_WITH_ERRORS",
                code="STEP_FAILURE",
                message=f"Shut down as step {step.id} failed",
            )

    def _cancel_pending_steps(self, message: str) -> None:
        for step in self.steps:
            if step.state == "PENDING":
                step.cancel(message)

    def _start_pending_steps(self) -> None:
        running = sum(1 for step in self.steps if step.state == "RUNNING")
        for step in self.steps:
            if running >= self.step_concurrency_level:
                return
            if step.state == "PENDING":
                step.run()
                running += 1

    # --- steps, fleets, attributes ---------------------------------------------------------

    def add_steps(  # type: ignore[override]
        self, steps: Sequence[Mapping[str, Any]], execution_role_arn: str | None = None
    ) -> list[EmulatedStep]:
        """Queue steps as PENDING; the next read shows them before they advance."""
        # CloudFormationModel's abstract methods are optional in moto: it skips missing ones.
        added = [EmulatedStep(config, execution_role_arn) for config in steps]  # type: ignore[abstract]
        self.steps.extend(added)
        if added:
            self._tick_due = False
        return added

    def attach_fleet(self, config: Mapping[str, Any]) -> InstanceFleet:
        """Add a fleet; three primary nodes force keep-alive and termination protection, as in EMR."""
        fleet = InstanceFleet(self.id, config)  # type: ignore[abstract]
        self.instance_fleets.append(fleet)
        if fleet.instance_fleet_type == "MASTER" and fleet.target_on_demand_capacity + fleet.target_spot_capacity == 3:
            self.keep_job_flow_alive_when_no_steps = True
            self.termination_protected = True
        return fleet

    def get_fleet(self, fleet_id: str) -> InstanceFleet:
        for fleet in self.instance_fleets:
            if fleet.id == fleet_id:
                return fleet
        raise InvalidRequestException(f"Instance fleet id '{fleet_id}' is not valid.")

    def fleet_of_type(self, fleet_type: str) -> InstanceFleet | None:
        return next((f for f in self.instance_fleets if f.instance_fleet_type == fleet_type), None)

    @property
    def status(self) -> dict[str, Any]:
        return {
            "State": self.state,
            "StateChangeReason": self.state_change_reason,
            "Timeline": {
                "CreationDateTime": self.creation_datetime,
                "ReadyDateTime": self.ready_datetime,
                "EndDateTime": self.end_datetime,
            },
        }

    @property
    def ec2_instance_attributes(self) -> dict[str, Any]:  # type: ignore[override]
        return {
            "Ec2KeyName": self.ec2_key_name,
            "Ec2SubnetId": self.ec2_subnet_id,
            "RequestedEc2SubnetIds": self.requested_ec2_subnet_ids,
            "Ec2AvailabilityZone": self.availability_zone,
            "RequestedEc2AvailabilityZones": self.requested_ec2_availability_zones,
            "IamInstanceProfile": self.role,
            "EmrManagedMasterSecurityGroup": self.master_security_group,
            "EmrManagedSlaveSecurityGroup": self.slave_security_group,
            "ServiceAccessSecurityGroup": self.service_access_security_group,
            "AdditionalMasterSecurityGroups": self.additional_master_security_groups,
            "AdditionalSlaveSecurityGroups": self.additional_slave_security_groups,
        }

    @property
    def master_instance_type(self) -> str | None:  # type: ignore[override]
        return self._instance_type("MASTER", self.master_instance_group_id)

    @property
    def slave_instance_type(self) -> str | None:  # type: ignore[override]
        return self._instance_type("CORE", self.core_instance_group_id)

    def _instance_type(self, fleet_type: str, group_id: str | None) -> str | None:
        if group_id:
            return self.emr_backend.instance_groups[group_id].instance_type
        fleet = self.fleet_of_type(fleet_type)
        return fleet.first_instance_type if fleet else None

    @property
    def master_public_dns_name(self) -> str:
        """moto's name for instance-group clusters, else a private name in the cluster's region."""
        if self.master_instance_group_id:
            return super().master_public_dns_name
        region = self.emr_backend.region_name
        domain = "ec2.internal" if region == "us-east-1" else f"{region}.compute.internal"
        return f"ip-10-0-0-10.{domain}"

    @property
    def instance_count(self) -> int:
        fleets = sum(f.provisioned_on_demand_capacity + f.provisioned_spot_capacity for f in self.instance_fleets)
        return fleets + sum(group.num_instances for group in self.instance_groups)

    # --- CloudFormation --------------------------------------------------------------

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> EmulatedCluster:
        request = run_job_flow_request(cloudformation_json["Properties"])
        return backend_for(account_id, region_name).create_cluster(request)

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: EmulatedCluster,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> EmulatedCluster:
        """Update mutable properties in place; any other change replaces the cluster."""
        request = run_job_flow_request(cloudformation_json["Properties"])
        if _replacement_view(request) == _replacement_view(original_resource.request):
            original_resource.update_in_place(request)
            return original_resource
        if original_resource.termination_protected:
            raise ValidationException(PROTECTED_MESSAGE)
        replacement = backend_for(account_id, region_name).create_cluster(request)
        original_resource.terminate()
        return replacement

    def update_in_place(self, request: Mapping[str, Any]) -> None:
        """Apply the properties CloudFormation updates without interruption."""
        instances = request.get("Instances", {})
        self.step_concurrency_level = int(request.get("StepConcurrencyLevel", 1))
        self.set_visibility(as_bool(request.get("VisibleToAllUsers", True)))
        self.managed_scaling_policy = request.get("ManagedScalingPolicy")
        self.auto_termination_policy = request.get("AutoTerminationPolicy")
        self.termination_protected = as_bool(instances.get("TerminationProtected", False))
        self._tags = {tag["Key"]: tag["Value"] for tag in request.get("Tags", [])}
        for fleet, config in zip(self.instance_fleets, instances.get("InstanceFleets", []), strict=False):
            fleet.configure(config)
        for group, config in zip(self.instance_groups, instances.get("InstanceGroups", []), strict=False):
            group.set_instance_count(int(config.get("InstanceCount", group.num_instances)))
        self.request = dict(request)


class EmrEmulationBackend(ElasticMapReduceBackend):
    """moto's EMR backend with fleets, policies, simulated steps and the missing calls."""

    clusters: dict[str, EmulatedCluster]  # type: ignore[assignment]

    def create_cluster(self, request: Mapping[str, Any]) -> EmulatedCluster:
        """Create a cluster from a RunJobFlow request (API shape, plain dictionaries)."""
        self._validate_cluster_request(request)
        instances = request.get("Instances", {})
        attributes = self._instance_attributes(instances)
        cluster = EmulatedCluster(self, request, attributes)  # type: ignore[abstract]
        for group in _instance_group_configs(instances):
            self._attach_group(cluster, group)
        for fleet in instances.get("InstanceFleets", []):
            cluster.attach_fleet(fleet)
        cluster.add_steps(request.get("Steps", []), request.get("StepExecutionRoleArn"))
        cluster.settle()
        return cluster

    def describe_cluster(self, cluster_id: str) -> EmulatedCluster:
        return super().describe_cluster(cluster_id)  # type: ignore[return-value]

    def observe(self, cluster_id: str) -> EmulatedCluster:
        """Return a cluster after counting one read of it (see EmulatedCluster.observe)."""
        cluster = self.describe_cluster(cluster_id)
        cluster.observe()
        return cluster

    def modifiable_cluster(self, cluster_id: str) -> EmulatedCluster:
        """Return a cluster that has not ended, else raise EMR's ValidationException."""
        cluster = self.describe_cluster(cluster_id)
        if cluster.has_ended:
            raise ValidationException(CLUSTER_ENDED_MESSAGE)
        return cluster

    # --- steps -----------------------------------------------------------------------

    def add_job_flow_steps(  # type: ignore[override]
        self,
        job_flow_id: str,
        steps: Sequence[Mapping[str, Any]],
        execution_role_arn: str | None = None,
    ) -> list[EmulatedStep]:
        cluster = self.modifiable_cluster(job_flow_id)
        _validate_steps(steps, cluster.step_concurrency_level)
        added = cluster.add_steps(steps, execution_role_arn)
        cluster.settle()
        return added

    def describe_step(self, cluster_id: str, step_id: str) -> EmulatedStep:
        for step in self.describe_cluster(cluster_id).steps:
            if step.id == step_id:
                return step
        raise InvalidRequestException(f"Step id '{step_id}' is not valid.")

    def cancel_steps(self, cluster_id: str, step_ids: Iterable[str]) -> list[dict[str, str]]:
        """Cancel pending or running steps; report each as SUBMITTED or FAILED like EMR."""
        cluster = self.describe_cluster(cluster_id)
        steps = {step.id: step for step in cluster.steps}
        results = []
        for step_id in step_ids:
            step = steps.get(step_id)
            if step is None or not step.is_active:
                reason = "Step is not pending or running." if step else "Step id is not valid."
                results.append({"StepId": step_id, "Status": "FAILED", "Reason": reason})
                continue
            step.cancel("Cancelled by user request.")
            results.append({"StepId": step_id, "Status": "SUBMITTED"})
        cluster.settle()
        return results

    def set_keep_job_flow_alive_when_no_steps(self, job_flow_ids: Iterable[str], value: bool) -> None:
        for cluster_id in job_flow_ids:
            cluster = self.describe_cluster(cluster_id)
            cluster.keep_job_flow_alive_when_no_steps = value
            cluster.settle()

    # --- instance fleets ---------------------------------------------------------------

    def list_instance_fleets(self, cluster_id: str) -> list[InstanceFleet]:
        return list(self.describe_cluster(cluster_id).instance_fleets)

    def add_instance_fleet(self, cluster_id: str, config: Mapping[str, Any]) -> InstanceFleet:
        """Add a task fleet to a running fleet cluster."""
        cluster = self.modifiable_cluster(cluster_id)
        if cluster.instance_collection_type != "INSTANCE_FLEET":
            raise ValidationException("Instance fleets can only be added to clusters that use instance fleets.")
        if config.get("InstanceFleetType") != "TASK":
            raise ValidationException("Only TASK instance fleets can be added to a cluster.")
        _validate_fleet(config)
        return cluster.attach_fleet(config)

    def modify_instance_fleet(self, cluster_id: str, changes: Mapping[str, Any]) -> None:
        """Change a fleet's targets (and instance types, resize specifications, context)."""
        fleet = self.modifiable_cluster(cluster_id).get_fleet(changes["InstanceFleetId"])
        current = {
            "TargetOnDemandCapacity": fleet.target_on_demand_capacity,
            "TargetSpotCapacity": fleet.target_spot_capacity,
        }
        targets = {key: int(changes[key]) for key in current if key in changes}
        if any(value < 0 for value in targets.values()):
            raise ValidationException("Target capacities must not be negative.")
        resized = any(value != current[key] for key, value in targets.items())
        if fleet.instance_fleet_type == "MASTER" and resized:
            raise ValidationException("The target capacity of the MASTER instance fleet cannot be modified.")
        fleet.configure(changes)

    # --- policies --------------------------------------------------------------------

    def put_managed_scaling_policy(self, cluster_id: str, policy: Mapping[str, Any]) -> None:
        _validate_managed_scaling(policy)
        self.describe_cluster(cluster_id).managed_scaling_policy = dict(policy)

    def get_managed_scaling_policy(self, cluster_id: str) -> dict[str, Any] | None:
        return self.describe_cluster(cluster_id).managed_scaling_policy

    def remove_managed_scaling_policy(self, cluster_id: str) -> None:
        self.describe_cluster(cluster_id).managed_scaling_policy = None

    def put_auto_termination_policy(self, cluster_id: str, policy: Mapping[str, Any]) -> None:
        _validate_auto_termination(policy)
        self.describe_cluster(cluster_id).auto_termination_policy = dict(policy)

    def get_auto_termination_policy(self, cluster_id: str) -> dict[str, Any] | None:
        return self.describe_cluster(cluster_id).auto_termination_policy

    def remove_auto_termination_policy(self, cluster_id: str) -> None:
        self.describe_cluster(cluster_id).auto_termination_policy = None

    # --- security configurations -----------------------------------------------------

    def create_security_configuration(self, name: str, security_configuration: str | Mapping[str, Any]) -> SecurityConfiguration:
        """Store the configuration as a JSON string (CloudFormation passes an object)."""
        if not isinstance(security_configuration, str):
            security_configuration = json.dumps(security_configuration)
        try:
            json.loads(security_configuration)
        except ValueError as error:
            raise InvalidRequestException(f"The security configuration is not valid JSON: {error}") from error
        return super().create_security_configuration(name, security_configuration)

    def list_security_configurations(self) -> list[SecurityConfiguration]:
        return list(self.security_configurations.values())

    # --- creation helpers ------------------------------------------------------------

    def _validate_cluster_request(self, request: Mapping[str, Any]) -> None:
        if request.get("ReleaseLabel") and request.get("AmiVersion"):
            raise ValidationException(
                "Only one AMI version and release label may be specified. "
                f"Provided AMI: {request['AmiVersion']}, release label: {request['ReleaseLabel']}."
            )
        instances = request.get("Instances", {})
        if instances.get("InstanceFleets") and instances.get("InstanceGroups"):
            raise ValidationException("Instance fleets and instance groups are mutually exclusive.")
        _validate_fleets(instances.get("InstanceFleets", []))
        _validate_one_primary_and_core(instances.get("InstanceGroups", []), "InstanceRole", "instance group")
        level = int(request.get("StepConcurrencyLevel", 1))
        if not 1 <= level <= 256:
            raise ValidationException("StepConcurrencyLevel must be between 1 and 256.")
        _validate_steps(request.get("Steps", []), level)
        if request.get("ManagedScalingPolicy"):
            _validate_managed_scaling(request["ManagedScalingPolicy"])
        if request.get("AutoTerminationPolicy"):
            _validate_auto_termination(request["AutoTerminationPolicy"])
        name = request.get("SecurityConfiguration")
        if name and name not in self.security_configurations:
            raise ValidationException(f"Security configuration '{name}' does not exist.")

    def _instance_attributes(self, instances: Mapping[str, Any]) -> dict[str, Any]:
        """Return the ``instance_attrs`` moto's Cluster reads, with its security groups set up."""
        subnets = _requested_subnets(instances)
        attributes = {
            "ec2_key_name": instances.get("Ec2KeyName"),
            "ec2_subnet_id": subnets[0] if subnets else None,
            "hadoop_version": instances.get("HadoopVersion"),
            "availability_zone": self._availability_zone(instances, subnets),
            "emr_managed_master_security_group": instances.get("EmrManagedMasterSecurityGroup"),
            "emr_managed_slave_security_group": instances.get("EmrManagedSlaveSecurityGroup"),
            "service_access_security_group": instances.get("ServiceAccessSecurityGroup"),
            "additional_master_security_groups": instances.get("AdditionalMasterSecurityGroups", []),
            "additional_slave_security_groups": instances.get("AdditionalSlaveSecurityGroups", []),
        }
        (
            attributes["emr_managed_master_security_group"],
            attributes["emr_managed_slave_security_group"],
            attributes["service_access_security_group"],
        ) = self._manage_security_groups(**attributes)
        return attributes

    def _availability_zone(self, instances: Mapping[str, Any], subnets: Sequence[str]) -> str:
        if subnets:
            try:
                return self.ec2_backend.get_subnet(subnets[0]).availability_zone
            except InvalidSubnetIdError:
                pass
        placement = instances.get("Placement", {})
        zones = placement.get("AvailabilityZones") or [placement.get("AvailabilityZone")]
        return zones[0] or f"{self.region_name}a"

    def _attach_group(self, cluster: EmulatedCluster, config: Mapping[str, Any]) -> None:
        ebs = config.get("EbsConfiguration")
        group = self.add_instance_groups(
            cluster.id,
            [
                {
                    "instance_count": int(config["InstanceCount"]),
                    "instance_role": config["InstanceRole"],
                    "instance_type": config["InstanceType"],
                    "market": config.get("Market", "ON_DEMAND"),
                    "name": config.get("Name"),
                    "bid_price": config.get("BidPrice"),
                    "ebs_configuration": CamelToUnderscoresWalker.parse_dict(ebs) if ebs else None,
                    "auto_scaling_policy": config.get("AutoScalingPolicy"),
                }
            ],
        )[0]
        api_fields = {  # InstanceGroup fields moto's model does not have
            "configurations": config.get("Configurations", []),
            "custom_ami_id": config.get("CustomAmiId"),
            "ebs_optimized": (ebs or {}).get("EbsOptimized"),
        }
        for name, value in api_fields.items():
            setattr(group, name, value)
        if group.num_instances:
            self.run_instances(
                cluster.id,
                {"instance_count": group.num_instances, "instance_type": group.instance_type},
                group,
            )


CLOUDFORMATION_MODELS: tuple[type[CloudFormationModel], ...] = (
    EmulatedCluster,
    InstanceFleet,
    EmulatedStep,
)


def _moto_cluster_arguments(request: Mapping[str, Any], instance_attrs: dict[str, Any]) -> dict[str, Any]:
    """Arguments for moto's Cluster constructor (fleets, groups and steps come later)."""
    ami_version = request.get("AmiVersion")
    return {
        "name": request["Name"],
        "log_uri": request.get("LogUri"),
        "job_flow_role": request.get("JobFlowRole"),
        "service_role": request.get("ServiceRole"),
        "steps": [],
        "instance_attrs": instance_attrs,
        "configurations": list(request.get("Configurations", [])),
        "visible_to_all_users": as_bool(request.get("VisibleToAllUsers", True)),
        "release_label": request.get("ReleaseLabel"),
        "requested_ami_version": ami_version,
        "running_ami_version": ami_version,
        "custom_ami_id": request.get("CustomAmiId"),
        "step_concurrency_level": int(request.get("StepConcurrencyLevel", 1)),
        "security_configuration": request.get("SecurityConfiguration"),
        "kerberos_attributes": request.get("KerberosAttributes", {}),
        "auto_scaling_role": request.get("AutoScalingRole"),
        "ebs_root_volume_size": request.get("EbsRootVolumeSize"),
        "ebs_root_volume_iops": request.get("EbsRootVolumeIops"),
        "ebs_root_volume_throughput": request.get("EbsRootVolumeThroughput"),
    }


def _requested_subnets(instances: Mapping[str, Any]) -> list[str]:
    if instances.get("Ec2SubnetIds"):
        return list(instances["Ec2SubnetIds"])
    return [instances["Ec2SubnetId"]] if instances.get("Ec2SubnetId") else []


def _instance_group_configs(instances: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Instance groups, including those implied by Master/SlaveInstanceType and InstanceCount."""
    if instances.get("InstanceGroups") or not instances.get("MasterInstanceType"):
        return list(instances.get("InstanceGroups", []))
    groups: list[Mapping[str, Any]] = [
        {
            "InstanceRole": "MASTER",
            "InstanceType": instances["MasterInstanceType"],
            "InstanceCount": 1,
        }
    ]
    core_count = int(instances.get("InstanceCount", 1)) - 1
    if core_count > 0:
        core_type = instances.get("SlaveInstanceType", instances["MasterInstanceType"])
        groups.append({"InstanceRole": "CORE", "InstanceType": core_type, "InstanceCount": core_count})
    return groups


def _bootstrap_action(config: Mapping[str, Any]) -> BootstrapAction:
    script = config.get("ScriptBootstrapAction", {})
    return BootstrapAction(
        name=config.get("Name", ""),
        script_bootstrap_action={"path": script.get("Path"), "args": script.get("Args", [])},
    )


def _application(config: Mapping[str, Any]) -> Application:
    return Application(
        name=config.get("Name", ""),
        version=config.get("Version", ""),
        args=config.get("Args", []),
        additional_info=config.get("AdditionalInfo", {}),
    )


def _instance_type_specification(config: Mapping[str, Any]) -> dict[str, Any]:
    """The InstanceTypeSpecification EMR reports for an InstanceTypeConfig."""
    ebs = config.get("EbsConfiguration", {})
    specification = {
        "InstanceType": config.get("InstanceType"),
        "WeightedCapacity": int(config.get("WeightedCapacity", 1)),
        "BidPrice": config.get("BidPrice"),
        "BidPriceAsPercentageOfOnDemandPrice": config.get("BidPriceAsPercentageOfOnDemandPrice"),
        "Configurations": config.get("Configurations"),
        "EbsBlockDevices": _ebs_block_devices(ebs.get("EbsBlockDeviceConfigs", [])),
        "EbsOptimized": ebs.get("EbsOptimized"),
        "CustomAmiId": config.get("CustomAmiId"),
        "Priority": config.get("Priority"),
    }
    if specification["BidPrice"] is None and specification["BidPriceAsPercentageOfOnDemandPrice"] is None:
        specification["BidPriceAsPercentageOfOnDemandPrice"] = 100.0
    return {key: value for key, value in specification.items() if value is not None}


def _ebs_block_devices(configs: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One device per volume (``VolumesPerInstance`` copies), named /dev/sdb, /dev/sdc..."""
    volumes = [dict(config["VolumeSpecification"]) for config in configs for _ in range(int(config.get("VolumesPerInstance", 1)))]
    return [{"VolumeSpecification": volume, "Device": f"/dev/sd{chr(ord('b') + index)}"} for index, volume in enumerate(volumes)]


def _replacement_view(request: Mapping[str, Any]) -> dict[str, Any]:
    """The request without the properties CloudFormation updates in place."""
    view = {
        key: value
        for key, value in request.items()
        if key
        not in {
            "AutoTerminationPolicy",
            "ManagedScalingPolicy",
            "StepConcurrencyLevel",
            "Tags",
            "VisibleToAllUsers",
        }
    }
    instances = {k: v for k, v in request.get("Instances", {}).items() if k != "TerminationProtected"}
    instances["InstanceFleets"] = [
        {k: v for k, v in fleet.items() if k not in {"TargetOnDemandCapacity", "TargetSpotCapacity"}}
        for fleet in instances.get("InstanceFleets", [])
    ]
    instances["InstanceGroups"] = [
        {k: v for k, v in group.items() if k not in {"InstanceCount", "AutoScalingPolicy"}}
        for group in instances.get("InstanceGroups", [])
    ]
    view["Instances"] = instances
    return view


def _validate_fleets(fleets: Sequence[Mapping[str, Any]]) -> None:
    for fleet in fleets:
        _validate_fleet(fleet)
    _validate_one_primary_and_core(fleets, "InstanceFleetType", "instance fleet")


def _validate_one_primary_and_core(items: Sequence[Mapping[str, Any]], type_key: str, kind: str) -> None:
    for node_type in ("MASTER", "CORE"):
        if sum(1 for item in items if item.get(type_key) == node_type) > 1:
            raise ValidationException(f"A cluster can have only one {node_type} {kind}.")


def _validate_fleet(fleet: Mapping[str, Any]) -> None:
    fleet_type = fleet.get("InstanceFleetType")
    if fleet_type not in FLEET_TYPES:
        raise ValidationException(f"Invalid InstanceFleetType: {fleet_type}.")
    type_configs = fleet.get("InstanceTypeConfigs", [])
    launch = fleet.get("LaunchSpecifications") or {}
    has_strategy = any(
        (launch.get(key) or {}).get("AllocationStrategy") for key in ("OnDemandSpecification", "SpotSpecification")
    )
    limit = 30 if has_strategy else 5
    if not 1 <= len(type_configs) <= limit:
        raise ValidationException(f"The {fleet_type} instance fleet needs between 1 and {limit} instance type configs.")
    capacity = int(fleet.get("TargetOnDemandCapacity", 0)) + int(fleet.get("TargetSpotCapacity", 0))
    if fleet_type == "MASTER" and capacity not in (1, 3):
        raise ValidationException("The MASTER instance fleet must have a target capacity of 1 or 3.")


def _validate_steps(steps: Sequence[Mapping[str, Any]], concurrency_level: int) -> None:
    if concurrency_level <= 1:
        return
    for step in steps:
        action = step.get("ActionOnFailure")
        if action in SEQUENTIAL_ONLY_ACTIONS:
            raise ValidationException(f"ActionOnFailure {action} is not valid when StepConcurrencyLevel is above 1.")


def _validate_managed_scaling(policy: Mapping[str, Any]) -> None:
    limits = policy.get("ComputeLimits", {})
    minimum, maximum = limits.get("MinimumCapacityUnits"), limits.get("MaximumCapacityUnits")
    if minimum is None or maximum is None or int(minimum) > int(maximum):
        raise ValidationException("ComputeLimits needs MinimumCapacityUnits less than or equal to MaximumCapacityUnits.")


def _validate_auto_termination(policy: Mapping[str, Any]) -> None:
    if not 60 <= int(policy.get("IdleTimeout", 3600)) <= 604800:
        raise ValidationException("IdleTimeout must be between 60 and 604800 seconds.")
