"""Models of the EMR emulation, built on moto's ``moto.emr.models``.

* :class:`EmulatedCluster` keeps the whole RunJobFlow request (fleets, policies, subnets,
  applications, configurations...) and moves through EMR's states with time
  (:mod:`cdk_emr.local.lifecycle`);
* :class:`InstanceFleet` models instance fleets, their capacities and instances
  (``AWS::EMR::InstanceFleetConfig`` in CloudFormation);
* :class:`EmulatedStep` runs PENDING → RUNNING → COMPLETED/FAILED/CANCELLED through the step
  runner (``AWS::EMR::Step`` in CloudFormation);
* :class:`EmrEmulationBackend` adds the missing API calls and EMR's request validation
  (:mod:`cdk_emr.local.emr_validation`).

See :mod:`cdk_emr.local.emr_emulation` for the lifecycle conventions.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.ec2.exceptions import InvalidSubnetIdError
from moto.emr.exceptions import InvalidCluster, InvalidRequestException, ValidationException
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

import cdk_emr.local.emr_validation as checks
from cdk_emr.facts import releases
from cdk_emr.facts.update_behaviour import CLUSTER, replacing_paths
from cdk_emr.ops.run_job_flow import instance_fleet_config, run_job_flow_request, step_config

from .cfn_model import CfnReferences
from .lifecycle import FAILING_STEP_PATTERN, LIFECYCLE, StepResult

__all__ = ["FAILING_STEP_PATTERN"]

ACTIVE_STEP_STATES = frozenset({"PENDING", "RUNNING"})
ENDED_CLUSTER_STATES = frozenset({"TERMINATING", "TERMINATED", "TERMINATED_WITH_ERRORS"})
TERMINATING_ACTIONS = frozenset({"TERMINATE_CLUSTER", "TERMINATE_JOB_FLOW"})
SEQUENTIAL_ONLY_ACTIONS = TERMINATING_ACTIONS | {"CANCEL_AND_WAIT"}
FLEET_TYPES = ("MASTER", "CORE", "TASK")
CLUSTER_ENDED_MESSAGE = "A job flow that is shutting down, terminated, or finished may not be modified."
PROTECTED_MESSAGE = "Could not shut down one or more job flows since they are termination protected."
#: Node (fleet/group/instance) state for each cluster state.
NODE_STATES = {
    "STARTING": "PROVISIONING",
    "BOOTSTRAPPING": "BOOTSTRAPPING",
    "RUNNING": "RUNNING",
    "WAITING": "RUNNING",
    "TERMINATING": "TERMINATING",
    "TERMINATED": "TERMINATED",
    "TERMINATED_WITH_ERRORS": "TERMINATED",
}


class _Clusters(dict):  # type: ignore[type-arg]
    """moto's ``clusters`` dict: an unknown id is EMR's InvalidRequestException, never a KeyError."""

    def __missing__(self, cluster_id: str) -> Any:
        raise InvalidCluster(cluster_id)


class _InstanceGroups(dict):  # type: ignore[type-arg]
    """moto's ``instance_groups`` dict: an unknown id is EMR's InvalidRequestException."""

    def __missing__(self, group_id: str) -> Any:
        raise InvalidRequestException(f"Instance group id '{group_id}' is not valid.")


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
    """A step that moves PENDING → RUNNING → COMPLETED, FAILED or CANCELLED with time."""

    cfn_ref = "id"
    cfn_attributes = {"Id": "id"}

    def __init__(self, config: Mapping[str, Any], execution_role_arn: str | None = None) -> None:
        super().__init__(
            state="PENDING",
            name=config.get("Name", ""),
            hadoop_jar_step=dict(config.get("HadoopJarStep", {})),
            action_on_failure=config.get("ActionOnFailure", "TERMINATE_CLUSTER"),
        )
        self.creation_date_time = LIFECYCLE.now()
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

    def run(self, at: datetime) -> None:
        self.state = "RUNNING"
        self.start_date_time = at

    def end(self, result: StepResult) -> None:
        """Record the runner's result: COMPLETED, or FAILED with EMR's FailureDetails."""
        self.state = result.state
        self.end_date_time = result.ended_at  # type: ignore[assignment]  # moto types it None
        self.failure_details = result.failure_details

    def cancel(self, message: str, at: datetime) -> None:
        if self.state == "RUNNING":
            LIFECYCLE.step_runner.cancel(self)  # a step that really runs is stopped
        self.state = "CANCELLED"
        self.state_change_reason = {"Message": message}
        self.end_date_time = at  # type: ignore[assignment]  # moto types it None

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
        step = backend.add_job_flow_steps(properties["JobFlowId"], [step_config(properties)])[0]
        backend.describe_cluster(properties["JobFlowId"]).dependents.append(step)
        return step

    def move_to(self, cluster: EmulatedCluster) -> None:
        """CloudFormation replaced this step's cluster: the step is added anew to the new one."""
        for previous in cluster.emr_backend.clusters.values():
            if self in previous.steps:
                previous.steps.remove(self)
        self.id = f"s-{random_id()}"
        self.state, self.state_change_reason, self.failure_details = "PENDING", {}, None
        self.creation_date_time, self.start_date_time, self.end_date_time = LIFECYCLE.now(), None, None
        cluster.steps.append(self)
        cluster.dependents.append(self)


def _ec2_instance_id() -> str:
    return f"i-{random_id(17).lower()}"


class InstanceFleet(CfnReferences, CloudFormationModel):
    """An instance fleet: PROVISIONING with its cluster, then RUNNING; RESIZING for a while
    after its targets change, then provisioned at the new targets."""

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
        self.provisioned_on_demand_capacity = 0
        self.provisioned_spot_capacity = 0
        self.instance_type_configs: list[dict[str, Any]] = []
        self.resize_specifications: dict[str, Any] | None = None
        self.context: str | None = None
        self.state = "PROVISIONING"
        self.state_change_reason: dict[str, str] = {}
        self.resize_until: datetime | None = None
        self.creation_date_time = LIFECYCLE.now()
        self.ready_date_time: datetime | None = None
        self.end_date_time: datetime | None = None
        self.instances: list[dict[str, Any]] = []
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
        if self.state == "RUNNING" and self._targets_changed:
            self.state = "RESIZING"
            self.state_change_reason = {"Message": "A resize operation is in progress."}
            self.resize_until = LIFECYCLE.now() + LIFECYCLE.duration("resizing")

    @property
    def _targets_changed(self) -> bool:
        return (self.target_on_demand_capacity, self.target_spot_capacity) != (
            self.provisioned_on_demand_capacity,
            self.provisioned_spot_capacity,
        )

    def follow_cluster(self, cluster_state: str, at: datetime) -> None:
        """Move with the cluster: provision when it runs, terminate when it ends."""
        node_state = NODE_STATES[cluster_state]
        if node_state == "RUNNING" and self.state in ("PROVISIONING", "BOOTSTRAPPING"):
            self.ready_date_time = at
            self._provision(at)
        elif node_state in ("PROVISIONING", "BOOTSTRAPPING", "TERMINATING") or (
            node_state == "TERMINATED" and self.state != "TERMINATED"
        ):
            self.state = node_state
            if node_state == "TERMINATED":
                self.end_date_time = at
                self.provisioned_on_demand_capacity = self.provisioned_spot_capacity = 0
                for instance in self.instances:
                    instance["Status"]["State"] = "TERMINATED"
                    instance["Status"]["Timeline"]["EndDateTime"] = at

    def finish_resize(self, now: datetime) -> bool:
        """End a resize whose time has come; return whether it did."""
        if self.state not in ("RESIZING", "PROVISIONING") or self.resize_until is None or self.resize_until > now:
            return False
        self._provision(self.resize_until)
        return True

    def _provision(self, at: datetime) -> None:
        self.state = "RUNNING"
        self.state_change_reason = {}
        self.resize_until = None
        self.provisioned_on_demand_capacity = self.target_on_demand_capacity
        self.provisioned_spot_capacity = self.target_spot_capacity
        live = [i for i in self.instances if i["Status"]["State"] != "TERMINATED"]
        for market, capacity in (("ON_DEMAND", self.target_on_demand_capacity), ("SPOT", self.target_spot_capacity)):
            config = self.instance_type_configs[0] if self.instance_type_configs else {}
            weight = max(int(config.get("WeightedCapacity", 1)), 1)
            wanted = math.ceil(capacity / weight)
            mine = [i for i in live if i["Market"] == market]
            for instance in mine[wanted:]:
                instance["Status"]["State"] = "TERMINATED"
                instance["Status"]["Timeline"]["EndDateTime"] = at
            for _ in range(wanted - len(mine)):
                self.instances.append(_instance_record(config.get("InstanceType", ""), market, at, fleet_id=self.id))

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
            "StateChangeReason": self.state_change_reason,
            "Timeline": {
                "CreationDateTime": self.creation_date_time,
                "ReadyDateTime": self.ready_date_time,
                "EndDateTime": self.end_date_time,
            },
        }

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
        fleet = backend.add_instance_fleet(properties["ClusterId"], instance_fleet_config(properties))
        backend.describe_cluster(properties["ClusterId"]).dependents.append(fleet)
        return fleet

    def move_to(self, cluster: EmulatedCluster) -> None:
        """CloudFormation replaced this fleet's cluster: the fleet is created anew on the new one."""
        previous = cluster.emr_backend.clusters.get(self.cluster_id)
        if previous is not None and self in previous.instance_fleets:
            previous.instance_fleets.remove(self)
        self.id, self.cluster_id = f"if-{random_id()}", cluster.id
        self.state, self.instances = "PROVISIONING", []
        self.provisioned_on_demand_capacity = self.provisioned_spot_capacity = 0
        self.creation_date_time, self.ready_date_time, self.end_date_time = LIFECYCLE.now(), None, None
        cluster.instance_fleets.append(self)
        cluster.dependents.append(self)
        if cluster.state in ("RUNNING", "WAITING"):
            self.resize_until = LIFECYCLE.now() + LIFECYCLE.duration("resizing")

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
    and steps. :meth:`refresh` brings its state up to the lifecycle clock; every read does.
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
        self.state_change_reason: dict[str, str] = {"Message": "Provisioning Amazon EC2 capacity"}
        self.bootstrap_actions = [_bootstrap_action(a) for a in request.get("BootstrapActions", [])]
        self.applications = [_application(app, self.release_label) for app in request.get("Applications") or [{"Name": "Hadoop"}]]
        self.add_tags({tag["Key"]: tag["Value"] for tag in request.get("Tags", [])})
        self.cfn_properties: dict[str, Any] | None = None
        self.dependents: list[Any] = []  # CloudFormation resources attached to this cluster
        self._final_state = "TERMINATED"
        now = LIFECYCLE.now()
        self.creation_datetime = self.start_datetime = now
        self.ready_datetime = None
        self.state_entered_at = now
        self._cursor = now

    # --- lifecycle -------------------------------------------------------------------

    def start_cluster(self) -> None:
        self.state = "STARTING"

    def run_bootstrap_actions(self) -> None:
        """moto's constructor calls this: the cluster stays STARTING until time moves it."""
        self.state = "STARTING"
        self.state_change_reason = {"Message": "Provisioning Amazon EC2 capacity"}

    @property
    def has_ended(self) -> bool:
        return self.state in ENDED_CLUSTER_STATES

    def refresh(self) -> None:
        """Apply every transition due by now, in the order they happened."""
        now = LIFECYCLE.now()
        while self._next_transition(now):
            pass

    def _enter(self, state: str, at: datetime, reason: dict[str, str]) -> None:
        self.state, self.state_entered_at, self._cursor = state, at, at
        self.state_change_reason = reason
        for fleet in self.instance_fleets:
            fleet.follow_cluster(state, at)
        for group in self.instance_groups:
            _group_follows_cluster(group, state, at, self.emr_backend)

    def _next_transition(self, now: datetime) -> bool:
        state = self.state
        if state == "STARTING":
            at = self.state_entered_at + LIFECYCLE.duration("starting")
            if at > now:
                return False
            self._enter("BOOTSTRAPPING", at, {"Message": "Running bootstrap actions"})
            return True
        if state == "BOOTSTRAPPING":
            at = self.state_entered_at + LIFECYCLE.duration("bootstrapping")
            if at > now:
                return False
            self.ready_datetime = at
            self._enter("RUNNING", at, {"Message": "Running step" if self.steps else "Cluster ready"})
            return True
        if state == "TERMINATING":
            at = self.state_entered_at + LIFECYCLE.duration("terminating")
            if at > now:
                return False
            self.end_datetime = at
            self._enter(self._final_state, at, self.state_change_reason)
            return True
        if state in ("RUNNING", "WAITING"):
            return self._next_work_transition(now)
        return False

    def _next_work_transition(self, now: datetime) -> bool:
        """Resizes end, running steps end, pending steps start, then RUNNING/WAITING settles."""
        if any(fleet.finish_resize(now) for fleet in self.instance_fleets):
            return True
        if any(_finish_group_resize(group, now) for group in self.instance_groups):
            return True
        runner = LIFECYCLE.step_runner
        results = [(result, step) for step in self.steps if step.state == "RUNNING" and (result := runner.poll(step, self, now))]
        if results:
            result, step = min(results, key=lambda pair: pair[0].ended_at)
            step.end(result)
            self._cursor = max(self._cursor, result.ended_at)
            if step.state == "FAILED":
                self._on_step_failure(step, result.ended_at)
            return True
        running = sum(1 for step in self.steps if step.state == "RUNNING")
        pending = next((step for step in self.steps if step.state == "PENDING"), None)
        if pending is not None and running < self.step_concurrency_level:
            at = max(self._cursor, pending.creation_date_time + LIFECYCLE.duration("step_pending"))
            if at > now:
                return False
            pending.run(at)
            runner.start(pending, self, at)
            if self.state != "RUNNING":
                self._enter("RUNNING", at, {"Message": "Running step"})
            return True
        if self.state == "RUNNING" and not any(step.is_active for step in self.steps):
            if self.keep_job_flow_alive_when_no_steps:
                message = "Cluster ready after last step completed." if self.steps else "Cluster ready to run steps."
                self._enter("WAITING", self._cursor, {"Message": message})
            else:
                failed = any(step.state == "FAILED" for step in self.steps)
                message = "Steps completed with errors" if failed else "Steps completed"
                self.begin_termination(self._cursor, code="ALL_STEPS_COMPLETED", message=message)
            return True
        return False

    def terminate(
        self,
        state: str = "TERMINATED",
        code: str = "USER_REQUEST",
        message: str = "Terminated by user request",
    ) -> None:
        """Start shutting down now (TERMINATING, then ``state``); no-op once ended."""
        self.refresh()
        self.begin_termination(LIFECYCLE.now(), state=state, code=code, message=message)
        self.refresh()

    def begin_termination(
        self,
        at: datetime,
        state: str = "TERMINATED",
        code: str = "USER_REQUEST",
        message: str = "Terminated by user request",
    ) -> None:
        if self.has_ended:
            return
        for step in self.steps:
            if step.is_active:
                step.cancel("Cancelled because the cluster terminated.", at)
        self._final_state = state
        self._enter("TERMINATING", at, {"Code": code, "Message": message})

    def _on_step_failure(self, step: EmulatedStep, at: datetime) -> None:
        # EMR ignores these actions when steps run concurrently.
        if self.step_concurrency_level > 1 or step.action_on_failure == "CONTINUE":
            return
        for other in self.steps:
            if other.state == "PENDING":
                other.cancel(f"Cancelled after step {step.id} failed.", at)
        if step.action_on_failure in TERMINATING_ACTIONS and not self.termination_protected:
            self.begin_termination(
                at, state="TERMINATED_WITH_ERRORS", code="STEP_FAILURE", message=f"Shut down as step {step.id} failed"
            )

    # --- steps, fleets, attributes ---------------------------------------------------------

    def add_steps(  # type: ignore[override]
        self, steps: Sequence[Mapping[str, Any]], execution_role_arn: str | None = None
    ) -> list[EmulatedStep]:
        """Queue steps as PENDING; they start when the cluster runs and a slot is free."""
        # CloudFormationModel's abstract methods are optional in moto: it skips missing ones.
        added = [EmulatedStep(config, execution_role_arn) for config in steps]  # type: ignore[abstract]
        self.steps.extend(added)
        return added

    def attach_fleet(self, config: Mapping[str, Any]) -> InstanceFleet:
        """Add a fleet; three primary nodes force keep-alive and termination protection, as in EMR.

        A fleet added to a running cluster is PROVISIONING for the time of a resize."""
        fleet = InstanceFleet(self.id, config)  # type: ignore[abstract]
        self.instance_fleets.append(fleet)
        if self.state in ("RUNNING", "WAITING"):
            fleet.resize_until = LIFECYCLE.now() + LIFECYCLE.duration("resizing")
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
    def cluster_arn(self) -> str:
        """``ClusterSummary.ClusterArn``."""
        return self.arn

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
        """The requested instance count (targets of fleets, counts of groups)."""
        fleets = sum(f.target_on_demand_capacity + f.target_spot_capacity for f in self.instance_fleets)
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
        properties = cloudformation_json["Properties"]
        cluster = backend_for(account_id, region_name).create_cluster(run_job_flow_request(properties))
        cluster.cfn_properties = json.loads(json.dumps(properties, default=str))
        return cluster

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: EmulatedCluster,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> EmulatedCluster:
        """In place unless the update-behaviour table says a changed property replaces the cluster.

        A replacement creates the new cluster, moves the CloudFormation resources attached to the
        old one (``InstanceFleetConfig``, ``Step``: CloudFormation replaces them, as their
        cluster id is create-only) and then terminates the old cluster.
        """
        properties = json.loads(json.dumps(cloudformation_json["Properties"], default=str))
        request = run_job_flow_request(properties)
        if not replacing_paths(CLUSTER, original_resource.cfn_properties or {}, properties):
            original_resource.update_in_place(request)
            original_resource.cfn_properties = properties
            return original_resource
        if original_resource.termination_protected:
            raise ValidationException(PROTECTED_MESSAGE)
        backend = backend_for(account_id, region_name)
        replacement = backend.create_cluster(request)
        replacement.cfn_properties = properties
        for dependent in original_resource.dependents:
            dependent.move_to(replacement)
        original_resource.dependents = []
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
        self.refresh()
        for fleet, config in zip(self.instance_fleets, instances.get("InstanceFleets", []), strict=False):
            fleet.configure(config)
        for group, config in zip(self.instance_groups, instances.get("InstanceGroups", []), strict=False):
            _resize_group(group, int(config.get("InstanceCount", group.num_instances)))
        self.request = dict(request)


class EmrEmulationBackend(ElasticMapReduceBackend):
    """moto's EMR backend with fleets, policies, timed lifecycles, validation and the missing calls."""

    clusters: dict[str, EmulatedCluster]  # type: ignore[assignment]

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.clusters = _Clusters()
        self.instance_groups = _InstanceGroups()

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
        self.clusters[cluster.id] = cluster
        cluster.refresh()
        return cluster

    def describe_cluster(self, cluster_id: str) -> EmulatedCluster:
        """The cluster, brought up to date with the lifecycle clock."""
        cluster: EmulatedCluster = super().describe_cluster(cluster_id)  # type: ignore[assignment]
        cluster.refresh()
        return cluster

    def list_clusters(self, *args: Any, **kwargs: Any) -> list[Cluster]:
        for cluster in self.clusters.values():
            cluster.refresh()
        return super().list_clusters(*args, **kwargs)

    def describe_job_flows(self, *args: Any, **kwargs: Any) -> list[Cluster]:
        for cluster in self.clusters.values():
            cluster.refresh()
        return super().describe_job_flows(*args, **kwargs)

    def modifiable_cluster(self, cluster_id: str) -> EmulatedCluster:
        """Return a cluster that has not ended, else raise EMR's ValidationException."""
        cluster = self.describe_cluster(cluster_id)
        if cluster.has_ended:
            raise ValidationException(CLUSTER_ENDED_MESSAGE)
        return cluster

    def terminate_job_flows(self, job_flow_ids: list[str]) -> list[Cluster]:
        clusters = [self.describe_cluster(job_flow_id) for job_flow_id in job_flow_ids]
        if any(cluster.termination_protected for cluster in clusters):
            raise ValidationException(PROTECTED_MESSAGE)
        for cluster in clusters:
            cluster.terminate()
        return list(clusters)

    def set_termination_protection(self, job_flow_ids: list[str], value: bool) -> None:
        for job_flow_id in job_flow_ids:
            self.modifiable_cluster(job_flow_id).set_termination_protection(value)

    def set_visible_to_all_users(self, job_flow_ids: list[str], visible_to_all_users: bool) -> None:
        for job_flow_id in job_flow_ids:
            self.describe_cluster(job_flow_id).set_visibility(visible_to_all_users)

    def modify_cluster(self, cluster_id: str, step_concurrency_level: int) -> Cluster:
        cluster = self.modifiable_cluster(cluster_id)
        cluster.step_concurrency_level = checks.validate_step_concurrency(step_concurrency_level)
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
        cluster.refresh()
        return added

    def describe_step(self, cluster_id: str, step_id: str) -> EmulatedStep:
        for step in self.describe_cluster(cluster_id).steps:
            if step.id == step_id:
                return step
        raise InvalidRequestException(f"Step id '{step_id}' is not valid.")

    def list_steps(self, cluster_id: str, step_ids: list[str] | None = None, step_states: list[str] | None = None) -> list[Step]:
        """Steps in reverse order of submission, as ListSteps documents."""
        steps = list(reversed(self.describe_cluster(cluster_id).steps))
        if step_ids:
            steps = [s for s in steps if s.id in step_ids]
        if step_states:
            steps = [s for s in steps if s.state in step_states]
        return steps

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
            step.cancel("Cancelled by user request.", LIFECYCLE.now())
            results.append({"StepId": step_id, "Status": "SUBMITTED"})
        cluster.refresh()
        return results

    def set_keep_job_flow_alive_when_no_steps(self, job_flow_ids: Iterable[str], value: bool) -> None:
        for cluster_id in job_flow_ids:
            cluster = self.modifiable_cluster(cluster_id)
            cluster.keep_job_flow_alive_when_no_steps = value
            if not value and cluster.state == "WAITING":
                cluster.begin_termination(LIFECYCLE.now(), code="ALL_STEPS_COMPLETED", message="Steps completed")
            cluster.refresh()

    # --- instance groups and instances ---------------------------------------------------

    def modify_instance_groups(self, instance_groups: list[dict[str, Any]]) -> None:
        """Resize groups (RESIZING, then RUNNING at the new count); a MASTER group cannot be resized."""
        for change in instance_groups:
            group = self.instance_groups[change["instance_group_id"]]
            self.modifiable_cluster(group.cluster_id)
            count = int(change["instance_count"])
            if group.role == "MASTER" and count != group.num_instances:
                raise ValidationException("The instance count of a MASTER instance group cannot be modified.")
            if count < 0:
                raise ValidationException("InstanceCount must not be negative.")
            _resize_group(group, count)

    def list_instances(  # type: ignore[override]
        self,
        cluster_id: str,
        instance_group_id: str | None = None,
        instance_group_types: list[str] | None = None,
        instance_fleet_id: str | None = None,
        instance_fleet_type: str | None = None,
        instance_states: list[str] | None = None,
    ) -> list[dict[str, Any]]:
        """EMR ``Instance`` records of the cluster's groups and fleets, filtered as ListInstances."""
        cluster = self.describe_cluster(cluster_id)
        records: list[tuple[str, dict[str, Any]]] = []
        for group in cluster.instance_groups:
            if (instance_group_id and group.id != instance_group_id) or (
                instance_group_types and group.role not in instance_group_types
            ):
                continue
            records += [(group.role, record) for record in getattr(group, "instance_records", [])]
        if not (instance_group_id or instance_group_types):
            for fleet in cluster.instance_fleets:
                if (instance_fleet_id and fleet.id != instance_fleet_id) or (
                    instance_fleet_type and fleet.instance_fleet_type != instance_fleet_type
                ):
                    continue
                records += [(fleet.instance_fleet_type, record) for record in fleet.instances]
        found = [record for _, record in records]
        if instance_states:
            found = [record for record in found if record["Status"]["State"] in instance_states]
        return found

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
        cluster = self.modifiable_cluster(cluster_id)
        checks.validate_managed_scaling(policy, cluster.instance_collection_type)
        cluster.managed_scaling_policy = dict(policy)

    def get_managed_scaling_policy(self, cluster_id: str) -> dict[str, Any] | None:
        return self.describe_cluster(cluster_id).managed_scaling_policy

    def remove_managed_scaling_policy(self, cluster_id: str) -> None:
        self.modifiable_cluster(cluster_id).managed_scaling_policy = None

    def put_auto_termination_policy(self, cluster_id: str, policy: Mapping[str, Any]) -> None:
        cluster = self.modifiable_cluster(cluster_id)
        checks.validate_auto_termination(policy)
        cluster.auto_termination_policy = dict(policy)

    def get_auto_termination_policy(self, cluster_id: str) -> dict[str, Any] | None:
        return self.describe_cluster(cluster_id).auto_termination_policy

    def remove_auto_termination_policy(self, cluster_id: str) -> None:
        self.modifiable_cluster(cluster_id).auto_termination_policy = None

    # --- security configurations -----------------------------------------------------

    def create_security_configuration(self, name: str, security_configuration: str | Mapping[str, Any]) -> SecurityConfiguration:
        """Check the documented shape, refuse a duplicate name, store the JSON string."""
        document = checks.security_configuration_document(security_configuration)
        if name in self.security_configurations:
            raise InvalidRequestException(f"SecurityConfiguration with name '{name}' already exists.")
        return super().create_security_configuration(name, json.dumps(document))

    def delete_security_configuration(self, name: str) -> None:
        """Refuse while a cluster that has not terminated uses it."""
        self.get_security_configuration(name)
        users = [c.id for c in self.clusters.values() if c.security_configuration == name and (c.refresh() or not c.has_ended)]
        if users:
            raise InvalidRequestException(
                f"Security configuration '{name}' cannot be deleted because it is in use by active clusters: {', '.join(users)}."
            )
        super().delete_security_configuration(name)

    def get_security_configuration(self, name: str) -> SecurityConfiguration:
        if name not in self.security_configurations:
            raise InvalidRequestException(f"Security configuration with name '{name}' does not exist.")
        return super().get_security_configuration(name)

    def list_security_configurations(self) -> list[SecurityConfiguration]:
        return list(self.security_configurations.values())

    # --- releases ----------------------------------------------------------------------

    def supported_instance_types(self, release_label: str | None) -> list[str] | None:
        """ListSupportedInstanceTypes' names for a release (moto's recording), or None if unrecorded."""
        if not release_label:
            return None
        try:
            return list(self._get_instance_type_names(release_label))
        except Exception:  # moto recorded no list for this release
            return None

    def describe_release_label(self, release_label: str | None) -> dict[str, Any]:
        """DescribeReleaseLabel: the applications a release ships (with versions where recorded)."""
        labels = self._release_labels
        if not release_label:
            release_label = labels[0]
        checks.validate_release(release_label, self.region_name, labels)
        version = releases.parse_release_label(release_label)
        versions = releases.APPLICATION_VERSIONS.get(release_label, {})
        applications = [
            {"Name": name, **({"Version": versions[name]} if name in versions else {})}
            for name in releases.APPLICATION_NAMES
            if version is not None and releases.ships(version, name)
        ]
        return {"ReleaseLabel": release_label, "Applications": applications, "AvailableOSReleases": []}

    # --- creation helpers ------------------------------------------------------------

    def _validate_cluster_request(self, request: Mapping[str, Any]) -> None:
        if request.get("ReleaseLabel") and request.get("AmiVersion"):
            raise ValidationException(
                "Only one AMI version and release label may be specified. "
                f"Provided AMI: {request['AmiVersion']}, release label: {request['ReleaseLabel']}."
            )
        label = request.get("ReleaseLabel")
        checks.validate_release(label, self.region_name, self._release_labels)
        checks.validate_applications(request.get("Applications", []), label)
        instances = request.get("Instances", {})
        if instances.get("InstanceFleets") and instances.get("InstanceGroups"):
            raise ValidationException("Instance fleets and instance groups are mutually exclusive.")
        checks.validate_instance_types(checks.requested_instance_types(instances), label, self.supported_instance_types(label))
        checks.validate_roles(request, _iam_backend(self.account_id))
        checks.validate_subnets(_requested_subnets(instances), self.ec2_backend)
        _validate_fleets(instances.get("InstanceFleets", []))
        _validate_one_primary_and_core(instances.get("InstanceGroups", []), "InstanceRole", "instance group")
        level = checks.validate_step_concurrency(request.get("StepConcurrencyLevel", 1))
        _validate_steps(request.get("Steps", []), level)
        collection = "INSTANCE_FLEET" if instances.get("InstanceFleets") else "INSTANCE_GROUP"
        if request.get("ManagedScalingPolicy"):
            checks.validate_managed_scaling(request["ManagedScalingPolicy"], collection)
        if request.get("AutoTerminationPolicy"):
            checks.validate_auto_termination(request["AutoTerminationPolicy"])
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
                    "instance_group_id": f"ig-{random_id()}",
                }
            ],
        )[0]
        group.state = "PROVISIONING"
        group.ready_date_time = None
        group.instance_records = []
        group.resize_until = None
        api_fields = {  # InstanceGroup fields moto's model does not have
            "configurations": config.get("Configurations", []),
            "custom_ami_id": config.get("CustomAmiId"),
            "ebs_optimized": (ebs or {}).get("EbsOptimized"),
        }
        for name, value in api_fields.items():
            setattr(group, name, value)


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


def _iam_backend(account_id: str) -> Any:
    from moto.iam.models import iam_backends

    return iam_backends[account_id]["global"]


def _group_follows_cluster(group: Any, cluster_state: str, at: datetime, backend: EmrEmulationBackend) -> None:
    """An instance group moves with its cluster, like a fleet; its instances with it."""
    node_state = NODE_STATES[cluster_state]
    if node_state == "RUNNING" and group.state in ("PROVISIONING", "BOOTSTRAPPING"):
        group.ready_date_time = at
        _provision_group(group, at)
    elif node_state in ("PROVISIONING", "BOOTSTRAPPING", "TERMINATING") or (
        node_state == "TERMINATED" and group.state != "TERMINATED"
    ):
        group.state = node_state
        if node_state == "TERMINATED":
            group.end_date_time = at
            for record in group.instance_records:
                record["Status"]["State"] = "TERMINATED"
                record["Status"]["Timeline"]["EndDateTime"] = at


def _provision_group(group: Any, at: datetime) -> None:
    group.state, group.resize_until = "RUNNING", None
    live = [r for r in group.instance_records if r["Status"]["State"] != "TERMINATED"]
    for record in live[group.num_instances :]:
        record["Status"]["State"] = "TERMINATED"
        record["Status"]["Timeline"]["EndDateTime"] = at
    for _ in range(group.num_instances - len(live)):
        group.instance_records.append(_instance_record(group.instance_type, group.market, at, group_id=group.id))


def _resize_group(group: Any, count: int) -> None:
    """Set a group's requested count; a running group is RESIZING for a while."""
    if count == group.num_instances:
        return
    group.set_instance_count(count)
    if group.state == "RUNNING":
        group.state = "RESIZING"
        group.resize_until = LIFECYCLE.now() + LIFECYCLE.duration("resizing")


def _finish_group_resize(group: Any, now: datetime) -> bool:
    if group.state != "RESIZING" or group.resize_until is None or group.resize_until > now:
        return False
    _provision_group(group, group.resize_until)
    return True


def _bootstrap_action(config: Mapping[str, Any]) -> BootstrapAction:
    script = config.get("ScriptBootstrapAction", {})
    return BootstrapAction(
        name=config.get("Name", ""),
        script_bootstrap_action={"path": script.get("Path"), "args": script.get("Args", [])},
    )


def _application(config: Mapping[str, Any], release_label: str | None) -> Application:
    """An application as EMR reports it: canonical name, and its version where recorded."""
    name = checks.canonical_application_name(str(config.get("Name", "")))
    return Application(
        name=name,
        version=releases.APPLICATION_VERSIONS.get(release_label or "", {}).get(name, config.get("Version", "")),
        args=config.get("Args", []),
        additional_info=config.get("AdditionalInfo", {}),
    )


def _instance_record(instance_type: str, market: str, at: datetime, *, fleet_id: str = "", group_id: str = "") -> dict[str, Any]:
    """One EMR ``Instance`` (ListInstances) with a private address in 10.0.0.0/16."""
    number = int(random_id(4), 36) % 65000 + 10
    address = f"10.0.{number // 250}.{number % 250 + 4}"
    record: dict[str, Any] = {
        "Id": f"ci-{random_id()}",
        "Ec2InstanceId": _ec2_instance_id(),
        "PrivateIpAddress": address,
        "PrivateDnsName": f"ip-{address.replace('.', '-')}.ec2.internal",
        "Status": {"State": "RUNNING", "StateChangeReason": {}, "Timeline": {"CreationDateTime": at, "ReadyDateTime": at}},
        "Market": market,
        "InstanceType": instance_type,
        "EbsVolumes": [],
    }
    if fleet_id:
        record["InstanceFleetId"] = fleet_id
    if group_id:
        record["InstanceGroupId"] = group_id
    return record


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
