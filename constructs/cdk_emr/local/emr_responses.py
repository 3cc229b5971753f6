"""EMR API handlers of the emulation: moto's handlers plus the calls moto lacks.

EMR speaks JSON 1.1 (``X-Amz-Target: ElasticMapReduce.<Operation>``); moto dispatches an
operation to the method named after it in snake case, in-process and in server mode alike.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult, BaseResponse, EmptyResult
from moto.core.utils import camelcase_to_underscores, method_names_from_class
from moto.emr.exceptions import InvalidRequestException
from moto.emr.models import emr_backends
from moto.emr.responses import ElasticMapReduceResponse

from .emr_models import EmrEmulationBackend


class EmrEmulationResponse(ElasticMapReduceResponse):
    """Request handlers for the EMR emulation."""

    @property
    def backend(self) -> EmrEmulationBackend:
        return emr_backends[self.current_account][self.region]  # type: ignore[return-value]

    def get_region_from_url(self, request: Any, full_url: str) -> str:
        """The request's region: moto's EMR reads it only from an AWS host name
        (``elasticmapreduce.<region>.amazonaws.com``) and takes us-east-1 otherwise; behind a
        local endpoint the SigV4 credential scope names it, as moto reads it for other services."""
        for pattern in self.emr_region_regex:
            match = pattern.search(self.parsed_url.netloc)
            if match:
                return match.group(1)
        return BaseResponse.get_region_from_url(self, request, full_url)

    def call_action(self) -> Any:
        """Answer every request with EMR's shape: an unmodelled operation or an unexpected
        failure is an ``InvalidRequestException`` that says so, never an HTTP 500 (which
        clients retry)."""
        action = self._get_action()
        if action and camelcase_to_underscores(action) not in method_names_from_class(self.__class__):
            return self._error(InvalidRequestException(f"{action} is not modelled by the local EMR emulation."))
        try:
            return super().call_action()
        except (KeyError, TypeError, ValueError, AttributeError, NotImplementedError) as error:
            message = f"The local EMR emulation could not process {action}: {type(error).__name__}: {error}"
            return self._error(InvalidRequestException(message))

    def _error(self, error: Exception) -> Any:
        status, headers, body = self.serialized(ActionResult(error))
        headers, body = self._enrich_response(headers, body)
        return status, headers, body

    def _request(self) -> dict[str, Any]:
        """The request parameters as plain dictionaries with the API's key names."""
        params = self.params
        return params.original_dict() if hasattr(params, "original_dict") else dict(params)

    # --- clusters and steps ------------------------------------------------------------

    def run_job_flow(self) -> ActionResult:
        cluster = self.backend.create_cluster(self._request())
        return ActionResult({"JobFlowId": cluster.id, "ClusterArn": cluster.arn})

    def describe_step(self) -> ActionResult:
        step = self.backend.describe_step(self._get_param("ClusterId"), self._get_param("StepId"))
        return ActionResult({"Step": step})

    def list_instances(self) -> ActionResult:
        request = self._request()
        instances = self.backend.list_instances(
            request["ClusterId"],
            instance_group_id=request.get("InstanceGroupId"),
            instance_group_types=request.get("InstanceGroupTypes"),
            instance_fleet_id=request.get("InstanceFleetId"),
            instance_fleet_type=request.get("InstanceFleetType"),
            instance_states=request.get("InstanceStates"),
        )
        return ActionResult({"Instances": instances})

    def modify_instance_groups(self) -> ActionResult:
        request = self._request()
        changes = [
            {"instance_group_id": group["InstanceGroupId"], "instance_count": group.get("InstanceCount", 0)}
            for group in request.get("InstanceGroups", [])
        ]
        self.backend.modify_instance_groups(changes)
        return EmptyResult()

    def describe_release_label(self) -> ActionResult:
        return ActionResult(self.backend.describe_release_label(self._get_param("ReleaseLabel")))

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
