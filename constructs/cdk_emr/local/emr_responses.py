"""EMR API handlers of the emulation: moto's handlers plus the calls moto lacks.

EMR speaks JSON 1.1 (``X-Amz-Target: ElasticMapReduce.<Operation>``); moto dispatches an
operation to the method named after it in snake case, in-process and in server mode alike.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.emr.models import emr_backends
from moto.emr.responses import ElasticMapReduceResponse

from .emr_models import EmrEmulationBackend


class EmrEmulationResponse(ElasticMapReduceResponse):
    """Request handlers for the EMR emulation."""

    @property
    def backend(self) -> EmrEmulationBackend:
        return emr_backends[self.current_account][self.region]  # type: ignore[return-value]

    def _request(self) -> dict[str, Any]:
        """The request parameters as plain dictionaries with the API's key names."""
        params = self.params
        return params.original_dict() if hasattr(params, "original_dict") else dict(params)

    # --- clusters and steps ------------------------------------------------------------

    def run_job_flow(self) -> ActionResult:
        cluster = self.backend.create_cluster(self._request())
        return ActionResult({"JobFlowId": cluster.id, "ClusterArn": cluster.arn})

    def describe_cluster(self) -> ActionResult:
        self.backend.observe(self._get_param("ClusterId"))
        return super().describe_cluster()

    def describe_step(self) -> ActionResult:
        self.backend.observe(self._get_param("ClusterId"))
        return super().describe_step()

    def list_steps(self) -> ActionResult:
        self.backend.observe(self._get_param("ClusterId"))
        return super().list_steps()

    def add_job_flow_steps(self) -> ActionResult:
        request = self._request()
        steps = self.backend.add_job_flow_steps(request["JobFlowId"], request.get("Steps", []), request.get("ExecutionRoleArn"))
        return ActionResult({"StepIds": [step.id for step in steps]})

    def cancel_steps(self) -> ActionResult:
        results = self.backend.cancel_steps(self._get_param("ClusterId"), self._get_param("StepIds", []))
        return ActionResult({"CancelStepsInfoList": results})

    def set_keep_job_flow_alive_when_no_steps(self) -> ActionResult:
        self.backend.set_keep_job_flow_alive_when_no_steps(
            self._get_param("JobFlowIds", []),
            self._get_bool_param("KeepJobFlowAliveWhenNoSteps", False),
        )
        return EmptyResult()

    # --- instance fleets ---------------------------------------------------------------

    def list_instance_fleets(self) -> ActionResult:
        fleets = self.backend.list_instance_fleets(self._get_param("ClusterId"))
        return ActionResult({"InstanceFleets": fleets})

    def add_instance_fleet(self) -> ActionResult:
        request = self._request()
        cluster = self.backend.describe_cluster(request["ClusterId"])
        fleet = self.backend.add_instance_fleet(cluster.id, request["InstanceFleet"])
        return ActionResult({"ClusterId": cluster.id, "InstanceFleetId": fleet.id, "ClusterArn": cluster.arn})

    def modify_instance_fleet(self) -> ActionResult:
        request = self._request()
        self.backend.modify_instance_fleet(request["ClusterId"], request["InstanceFleet"])
        return EmptyResult()

    # --- policies ----------------------------------------------------------------------

    def put_managed_scaling_policy(self) -> ActionResult:
        request = self._request()
        self.backend.put_managed_scaling_policy(request["ClusterId"], request["ManagedScalingPolicy"])
        return EmptyResult()

    def get_managed_scaling_policy(self) -> ActionResult:
        policy = self.backend.get_managed_scaling_policy(self._get_param("ClusterId"))
        return ActionResult({"ManagedScalingPolicy": policy})

    def remove_managed_scaling_policy(self) -> ActionResult:
        self.backend.remove_managed_scaling_policy(self._get_param("ClusterId"))
        return EmptyResult()

    def put_auto_termination_policy(self) -> ActionResult:
        request = self._request()
        self.backend.put_auto_termination_policy(request["ClusterId"], request.get("AutoTerminationPolicy", {}))
        return EmptyResult()

    def get_auto_termination_policy(self) -> ActionResult:
        policy = self.backend.get_auto_termination_policy(self._get_param("ClusterId"))
        return ActionResult({"AutoTerminationPolicy": policy})

    def remove_auto_termination_policy(self) -> ActionResult:
        self.backend.remove_auto_termination_policy(self._get_param("ClusterId"))
        return EmptyResult()

    # --- security configurations -------------------------------------------------------

    def list_security_configurations(self) -> ActionResult:
        configurations = self.backend.list_security_configurations()
        return ActionResult({"SecurityConfigurations": configurations})
