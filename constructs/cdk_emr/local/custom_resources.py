"""Lambda-backed custom resources in moto's CloudFormation, run with the function's real code.

moto sends every ``Custom::`` resource to its own model, which invokes the function in Docker and
completes the resource later, when the response arrives; a local run has no Docker, and an
attribute read before then is empty. :class:`LambdaBackedCustomResource` does what
CloudFormation does, synchronously: it builds the request (AWS CloudFormation User Guide,
"Custom resource request objects"), runs the ``ServiceToken`` function's deployed code with it
(:mod:`cdk_emr.local.lambda_runtime`; its AWS calls reach this moto), and reads the response the
handler PUTs to the pre-signed ``ResponseURL`` (:mod:`cdk_emr.local.response_url`):

* ``SUCCESS``: ``Ref`` is the returned ``PhysicalResourceId`` and ``Fn::GetAtt`` reads ``Data``;
  an update that returns a new physical id is a replacement, so the old one gets a ``Delete``
  ("Custom resource response objects"); a missing attribute fails as on AWS.
* ``FAILED``, no response, a timeout, or a response CloudFormation would refuse: the stack
  operation fails with CloudFormation's message and the handler's ``Reason`` (or its error and
  log tail).

Property values reach the handler as strings, as CloudFormation sends them (numbers and booleans
stringified: aws-cloudformation/cloudformation-coverage-roadmap#1037). The time box is the
resource's ``ServiceTimeout`` (1-3600 s, default 3600) and the function's own timeout.
:func:`route_custom_types` (called by :func:`cdk_emr.local.install`) makes moto use this model
for every custom resource; :func:`stop_routing_custom_types` (:func:`cdk_emr.local.uninstall`) undoes it.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping
from typing import Any

from moto.core.common_models import CloudFormationModel

from .lambda_runtime import LambdaRuntimeError, LocalFunction, invoke, missing_sdk_hint

logger = logging.getLogger(__name__)

RESOURCE_TYPE = "AWS::CloudFormation::CustomResource"
CUSTOM_PREFIX = "Custom::"
# ServiceTimeout: "between 1 and 3600 seconds. Default: 3600 seconds" (CloudFormation User Guide,
# "Custom resource request and response reference", template setup).
DEFAULT_SERVICE_TIMEOUT_SECONDS = 3600
# "The total size of the response body can't exceed 4096 bytes" ("Custom resource response objects").
MAX_RESPONSE_BYTES = 4096
NO_RESPONSE = "CloudFormation did not receive a response from your Custom Resource."


def _error(message: str) -> Exception:
    from moto.cloudformation.exceptions import ValidationError

    return ValidationError(message=message)


def as_cloudformation_sends(value: Any) -> Any:
    """``value`` with every number and boolean as the string CloudFormation sends a handler."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, Mapping):
        return {key: as_cloudformation_sends(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_cloudformation_sends(item) for item in value]
    return value


class LambdaBackedCustomResource(CloudFormationModel):
    """A custom resource whose ``ServiceToken`` is a Lambda function in moto."""

    def __init__(
        self,
        *,
        stack_id: str,
        logical_id: str,
        resource_type: str,
        properties: Mapping[str, Any],
        physical_resource_id: str,
        data: Mapping[str, Any],
        account_id: str,
        region_name: str,
        function: Any = None,
    ) -> None:
        self.stack_id = stack_id
        self.logical_id = logical_id
        self.resource_type = resource_type
        self.properties = dict(properties)
        self._physical_resource_id = physical_resource_id
        self.data = dict(data)
        self.account_id = account_id
        self.region_name = region_name
        self.function = function  # moto's function as last invoked: Delete may come after moto deleted it

    @property
    def physical_resource_id(self) -> str:
        return self._physical_resource_id

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return RESOURCE_TYPE

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return True  # the handler's Data decides, at deploy time

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name not in self.data:
            raise _error(
                f"CustomResource attribute error: Vendor response doesn't contain {attribute_name} attribute in object "
                f"{self.stack_id}|{self.logical_id}|{self.physical_resource_id}"
            )
        return self.data[attribute_name]

    def is_created(self) -> bool:
        return True

    # ----- CloudFormation's life cycle ---------------------------------------------------------

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> LambdaBackedCustomResource:
        properties = cloudformation_json.get("Properties", {})
        request = _Request(account_id, region_name, kwargs["StackId"], kwargs["LogicalId"], kwargs["ResourceType"])
        physical_id, data = request.send("Create", properties)
        return cls._answered(request, properties, physical_id, data)

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls,
        original_resource: LambdaBackedCustomResource,
        new_resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
    ) -> LambdaBackedCustomResource:
        properties = cloudformation_json.get("Properties", {})
        if properties.get("ServiceToken") != original_resource.properties.get("ServiceToken"):
            raise _error("Modifying service token is not allowed.")
        request = _Request(
            account_id, region_name, original_resource.stack_id, original_resource.logical_id, original_resource.resource_type
        )
        physical_id, data = request.send(
            "Update",
            properties,
            physical_resource_id=original_resource.physical_resource_id,
            old_properties=original_resource.properties,
        )
        if physical_id != original_resource.physical_resource_id:
            original_resource.delete(account_id, region_name, cleanup=True)  # a replacement: the old one goes
        return cls._answered(request, properties, physical_id, data)

    @classmethod
    def _answered(
        cls, request: _Request, properties: dict[str, Any], physical_id: str, data: dict[str, Any]
    ) -> LambdaBackedCustomResource:
        """The resource as the handler's response left it."""
        return cls(
            stack_id=request.stack_id,
            logical_id=request.logical_id,
            resource_type=request.resource_type,
            properties=properties,
            physical_resource_id=physical_id,
            data=data,
            account_id=request.account_id,
            region_name=request.region_name,
            function=request.function,
        )

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
    ) -> None:
        """Not used: moto deletes through :meth:`delete`, which knows the request's fields."""

    def delete(self, account_id: str, region_name: str, *, cleanup: bool = False) -> None:
        """Send ``Delete``. After a replacement (``cleanup``) a failure is only logged, as
        CloudFormation's cleanup phase does not fail the update."""
        request = _Request(account_id, region_name, self.stack_id, self.logical_id, self.resource_type)
        # moto deletes a stack's resources out of dependency order: the function may be gone
        # already, where CloudFormation would delete it after this resource. Its code is still here.
        request.function = self.function
        try:
            request.send("Delete", self.properties, physical_resource_id=self.physical_resource_id)
        except Exception as error:
            if not cleanup:
                raise
            logger.warning("%s: Delete of the replaced resource %s failed: %s", self.logical_id, self.physical_resource_id, error)


class _Request:
    """One request to a custom resource's function, and the response it PUTs."""

    def __init__(self, account_id: str, region_name: str, stack_id: str, logical_id: str, resource_type: str) -> None:
        self.account_id = account_id
        self.region_name = region_name
        self.stack_id = stack_id
        self.logical_id = logical_id
        self.resource_type = resource_type
        self.request_id = str(uuid.uuid4())
        self.function: Any = None  # moto's LambdaFunction, once looked up

    def send(
        self,
        request_type: str,
        properties: Mapping[str, Any],
        *,
        physical_resource_id: str | None = None,
        old_properties: Mapping[str, Any] | None = None,
    ) -> tuple[str, dict[str, Any]]:
        """Run the function with the request; the response's physical id and ``Data``, or raise."""
        from .response_url import response_endpoint
        from .sdk_endpoint import sdk_endpoint_url

        service_token = str(properties.get("ServiceToken", ""))
        function = self.function = self._function(service_token, request_type)
        endpoint = response_endpoint()
        token, target = endpoint.expect()
        event: dict[str, Any] = {
            "RequestType": request_type,
            "ServiceToken": service_token,
            "ResponseURL": target.url,
            "StackId": self.stack_id,
            "RequestId": self.request_id,
            "LogicalResourceId": self.logical_id,
            "ResourceType": self.resource_type,
            "ResourceProperties": as_cloudformation_sends(properties),
        }
        if physical_resource_id is not None:
            event["PhysicalResourceId"] = physical_resource_id
        if old_properties is not None:
            event["OldResourceProperties"] = as_cloudformation_sends(old_properties)
        ca = str(target.ca_file)
        try:
            invocation = invoke(
                LocalFunction.from_moto(function),
                event,
                endpoint_url=sdk_endpoint_url(),
                extra_environment={"NODE_EXTRA_CA_CERTS": ca, "SSL_CERT_FILE": ca, "REQUESTS_CA_BUNDLE": ca},
                deadline_seconds=_service_timeout(properties),
                loopback_https_port=endpoint.port,
            )
        except LambdaRuntimeError as error:
            endpoint.take(token)
            raise _error(f"{self._what(request_type)}: {error}") from error
        body = endpoint.take(token)
        _save_logs(function, invocation.logs)
        logger.info(
            "%s %s: function %s ran %.2fs%s",
            request_type,
            self.logical_id,
            function.function_name,
            invocation.duration_seconds,
            f" ({invocation.error})" if invocation.error else "",
        )
        if body is None:
            detail = (
                f"the function ended with {invocation.error}" if invocation.error else "the function returned without responding"
            )
            raise _error(
                f"{self._what(request_type)}: {NO_RESPONSE} Locally: {detail}, RequestId {self.request_id}."
                f"{missing_sdk_hint(invocation.logs)} Log tail:\n{invocation.log_tail}"
            )
        return self._read(body, request_type)

    def _function(self, service_token: str, request_type: str) -> Any:
        from moto.awslambda.utils import get_backend as lambda_backend

        if ":sns:" in service_token:
            raise _error(f"{self._what(request_type)}: SNS-backed custom resources ({service_token}) cannot run locally")
        try:
            return lambda_backend(self.account_id, self.region_name).get_function(service_token)
        except Exception as error:
            if request_type == "Delete" and self.function is not None:
                return self.function
            raise _error(f"{self._what(request_type)} (ServiceToken {service_token}): {error}") from error

    def _read(self, body: bytes, request_type: str) -> tuple[str, dict[str, Any]]:
        """The response as CloudFormation reads it ("Custom resource response objects")."""
        if len(body) > MAX_RESPONSE_BYTES:
            raise _error(f"{self._what(request_type)}: Response object is too long.")
        try:
            response = json.loads(body)
        except ValueError as error:
            raise _error(f"{self._what(request_type)}: Invalid response object: not JSON ({error})") from error
        mismatched = [
            name
            for name, expected in (
                ("StackId", self.stack_id),
                ("RequestId", self.request_id),
                ("LogicalResourceId", self.logical_id),
            )
            if response.get(name) != expected
        ]
        if mismatched:
            raise _error(f"{self._what(request_type)}: Invalid response object: {', '.join(mismatched)} not those of the request")
        status = response.get("Status")
        if status == "FAILED":
            raise _error(
                f"{self._what(request_type)}: Received response status [FAILED] from custom resource. "
                f"Message returned: {response.get('Reason', '')} (RequestId: {self.request_id})"
                f"{missing_sdk_hint(str(response.get('Reason', '')))}"
            )
        if status != "SUCCESS":
            raise _error(f"{self._what(request_type)}: Invalid response object: Status {status!r}, not SUCCESS or FAILED")
        physical_id = response.get("PhysicalResourceId")
        if not isinstance(physical_id, str) or not physical_id:
            raise _error(f"{self._what(request_type)}: Invalid PhysicalResourceId")
        data = response.get("Data") or {}
        if not isinstance(data, dict):
            raise _error(f"{self._what(request_type)}: Invalid response object: Data is not a JSON object")
        return physical_id, data

    def _what(self, request_type: str) -> str:
        return f"{self.resource_type} {self.logical_id} ({request_type})"


def _save_logs(function: Any, logs: str) -> None:
    """The handler's output in CloudWatch Logs (``/aws/lambda/<function>``), as Lambda writes it."""
    try:
        function.logs_backend.ensure_log_group(function.logs_group_name)
        function.save_logs(logs)
    except Exception as error:  # logs are a convenience: never fail the resource for them
        logger.debug("could not save the logs of %s: %s", function.function_name, error)


def _service_timeout(properties: Mapping[str, Any]) -> float:
    try:
        seconds = float(properties.get("ServiceTimeout", DEFAULT_SERVICE_TIMEOUT_SECONDS))
    except (TypeError, ValueError):
        return DEFAULT_SERVICE_TIMEOUT_SECONDS
    return seconds if 1 <= seconds <= DEFAULT_SERVICE_TIMEOUT_SECONDS else DEFAULT_SERVICE_TIMEOUT_SECONDS


_routing = False


def route_custom_types() -> None:
    """Make moto's CloudFormation give every ``Custom::`` type and ``AWS::CloudFormation::CustomResource``
    to :class:`LambdaBackedCustomResource` instead of its Docker-invoking ``CustomModel``, until
    :func:`stop_routing_custom_types`. Idempotent."""
    from moto.cloudformation import parsing

    global _routing
    _routing = True
    original = parsing.resource_class_from_type
    if getattr(original, "routes_custom_types", False):
        return

    def resource_class_from_type(resource_type: str) -> Any:
        if resource_type.startswith(CUSTOM_PREFIX) or resource_type == RESOURCE_TYPE:
            if _routing:
                return LambdaBackedCustomResource
            if resource_type == RESOURCE_TYPE:
                return None  # moto models no AWS::CloudFormation::CustomResource of its own
        return original(resource_type)

    resource_class_from_type.routes_custom_types = True  # type: ignore[attr-defined]
    parsing.resource_class_from_type = resource_class_from_type


def stop_routing_custom_types() -> None:
    """moto's own routing of custom resources again."""
    global _routing
    _routing = False
