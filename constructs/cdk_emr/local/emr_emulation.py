"""A faithful-enough local Amazon EMR: an extension of moto's EMR backend.

moto models EMR shallowly: a cluster created through CloudFormation loses most of its
properties and terminates at once, instance fleets are not modelled, steps never finish and
several calls are missing. :func:`install` extends moto's EMR backend, its handlers and its
CloudFormation models so that:

* every property of ``AWS::EMR::Cluster`` (and of RunJobFlow) is kept and described in the
  API's shape: applications, bootstrap actions, configurations, security configuration,
  subnets (``Ec2SubnetIds`` too), keep-alive, termination protection, step concurrency,
  EBS root volume, log encryption key, OS release label, tags, instance groups and fleets;
* instance fleets are modelled with their capacities (provisioned = target, at once) and
  ``AWS::EMR::InstanceFleetConfig`` adds task fleets; ``AWS::EMR::Step`` adds steps;
* managed scaling and auto-termination policies are stored (not enforced);
* clusters and steps follow a deterministic lifecycle (below);
* CloudFormation updates change the mutable properties (policies, tags, step concurrency,
  visibility, termination protection, fleet targets, group counts) in place and replace the
  cluster for any other change (refused while it is termination-protected);
* ``AWS::SecretsManager::Secret`` (a KDC admin password) and ``AWS::CloudWatch::Alarm`` (the
  monitoring construct's alarms) exist in CloudFormation, see
  :mod:`cdk_emr.local.secrets_cloudformation` and :mod:`cdk_emr.local.cloudwatch_cloudformation`;
  every Lambda-backed ``Custom::`` resource runs its function's real code in a subprocess
  (:mod:`cdk_emr.local.custom_resources`);
  Glue databases, security configurations and crawlers exist in CloudFormation
  (:mod:`cdk_emr.local.glue_cloudformation`);
* the missing calls exist: ListInstanceFleets, AddInstanceFleet, ModifyInstanceFleet,
  Get/Put/RemoveManagedScalingPolicy, Get/Put/RemoveAutoTerminationPolicy,
  ListSecurityConfigurations, CancelSteps, SetKeepJobFlowAliveWhenNoSteps;
  DescribeSecurityConfiguration returns JSON.

Lifecycle conventions:

* A new cluster is ready at once: RUNNING while it has pending or running steps, then
  WAITING when ``KeepJobFlowAliveWhenNoSteps`` is true, else TERMINATED
  (``ALL_STEPS_COMPLETED``). For ``AWS::EMR::Cluster`` keep-alive defaults to true.
* Steps are added PENDING. Each DescribeCluster, DescribeStep or ListSteps call on a cluster
  first advances it by one tick, unless nothing was read since steps were added, so every
  state is shown once. A tick ends RUNNING steps (COMPLETED or FAILED), then starts PENDING
  steps up to ``StepConcurrencyLevel``. One step alone reads PENDING, RUNNING, COMPLETED.
* A step FAILS when its jar or one of its arguments names a file whose name starts with
  ``fail`` (``s3://bucket/jobs/fail.py``, ``fail-job.jar``; see ``FAILING_STEP_PATTERN``).
  It gets ``FailureDetails``. Then TERMINATE_CLUSTER cancels the pending steps and ends the
  cluster TERMINATED_WITH_ERRORS (a termination-protected cluster stays up), CANCEL_AND_WAIT
  cancels the pending steps, CONTINUE goes on. With ``StepConcurrencyLevel`` above 1 these
  actions are ignored, as in EMR.
* TerminateJobFlows on a termination-protected cluster raises EMR's ValidationException.
* Requests are checked as EMR would: an unknown security configuration, fleets mixed with
  groups, a second primary or core fleet/group, a primary fleet of other than 1 or 3 nodes,
  too many instance types, StepConcurrencyLevel outside 1-256, CANCEL_AND_WAIT or
  TERMINATE_CLUSTER steps with concurrency, invalid scaling limits or idle timeout, or any
  change to an ended cluster raise ValidationException.

The extension is written against one moto release, :data:`SUPPORTED_MOTO_VERSION`, and
:func:`install` refuses any other; :func:`uninstall` restores moto's own EMR model.
"""

from __future__ import annotations

import threading
from typing import Any

import moto

SUPPORTED_MOTO_VERSION = "5.2.5"

_install_lock = threading.Lock()
# CloudFormation resource types the emulation replaced, with moto's models (None: unsupported).
_replaced_models: dict[str, Any] | None = None


class MotoVersionError(RuntimeError):
    """The installed moto is not the release the emulation extends."""


def check_moto_version(installed: str | None = None) -> None:
    """Raise :class:`MotoVersionError` unless moto (or ``installed``) is the supported release."""
    installed = installed or moto.__version__
    if installed != SUPPORTED_MOTO_VERSION:
        raise MotoVersionError(
            f"cdk_emr.local extends moto {SUPPORTED_MOTO_VERSION} but moto {installed} is "
            f"installed; install 'moto[server,cloudformation]=={SUPPORTED_MOTO_VERSION}' "
            "(the 'local' extra of cdk-emr)."
        )


def install() -> None:
    """Install the EMR emulation into moto; calling it again does nothing.

    Works for ``moto.mock_aws`` and for a moto server running in this process. EMR data
    created before the call is discarded.
    """
    check_moto_version()
    from moto.cloudformation import parsing
    from moto.emr.models import emr_backends

    from .cloudwatch_cloudformation import CloudFormationAlarm
    from .custom_resources import route_custom_types
    from .emr_models import CLOUDFORMATION_MODELS, EmrEmulationBackend
    from .glue_cloudformation import GLUE_MODELS
    from .secrets_cloudformation import CloudFormationSecret

    global _replaced_models
    with _install_lock:
        if _replaced_models is not None:
            return
        models = parsing.get_model_map()
        replacements = {
            model.cloudformation_type(): model for model in (*CLOUDFORMATION_MODELS, CloudFormationSecret, CloudFormationAlarm)
        }
        replacements.update({model.cloudformation_type(): model for model in GLUE_MODELS})  # Glue: EmrDataLake
        _replaced_models = {resource_type: models.get(resource_type) for resource_type in replacements}
        models.update(replacements)
        route_custom_types()  # moto sends every Custom:: type to Docker otherwise: run the function here
        emr_backends.backend = EmrEmulationBackend
        emr_backends.clear()


def uninstall() -> None:
    """Restore moto's own EMR backend and CloudFormation models; EMR data is discarded."""
    from moto.cloudformation import parsing
    from moto.emr.models import ElasticMapReduceBackend, emr_backends

    from .custom_resources import stop_routing_custom_types

    global _replaced_models
    with _install_lock:
        if _replaced_models is None:
            return
        models = parsing.get_model_map()
        for resource_type, model in _replaced_models.items():
            if model is None:
                models.pop(resource_type, None)
            else:
                models[resource_type] = model
        stop_routing_custom_types()
        emr_backends.backend = ElasticMapReduceBackend
        emr_backends.clear()
        _replaced_models = None


def is_installed() -> bool:
    """Whether the emulation is installed in this process."""
    return _replaced_models is not None
