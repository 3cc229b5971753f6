"""A faithful-enough local Amazon EMR: an extension of moto's EMR backend.

moto models EMR shallowly: a cluster created through CloudFormation loses most of its
properties and terminates at once, instance fleets are not modelled, steps never finish and
several calls are missing. :func:`install` extends moto's EMR backend, its handlers and its
CloudFormation models so that:

* every property of ``AWS::EMR::Cluster`` (and of RunJobFlow) is kept and described in the
  API's shape: applications, bootstrap actions, configurations, security configuration,
  subnets (``Ec2SubnetIds`` too), keep-alive, termination protection, step concurrency,
  EBS root volume, log encryption key, OS release label, tags, instance groups and fleets;
* instance fleets are modelled with their capacities and instances, and
  ``AWS::EMR::InstanceFleetConfig`` adds task fleets; ``AWS::EMR::Step`` adds steps;
* managed scaling and auto-termination policies are stored (not enforced);
* clusters, fleets, groups and steps move through EMR's states with time
  (:mod:`cdk_emr.local.lifecycle`, time scale set by ``cdk-emr local serve --time-scale``);
* CloudFormation updates follow the one update-behaviour table
  (:mod:`cdk_emr.facts.update_behaviour`): in place, or a replacement that moves the attached
  ``InstanceFleetConfig``/``Step`` resources to the new cluster (refused while protected);
* ``AWS::SecretsManager::Secret`` (a KDC admin password) and ``AWS::CloudWatch::Alarm`` (the
  monitoring construct's alarms) exist in CloudFormation, see
  :mod:`cdk_emr.local.secrets_cloudformation` and :mod:`cdk_emr.local.cloudwatch_cloudformation`;
  every Lambda-backed ``Custom::`` resource runs its function's real code in a subprocess
  (:mod:`cdk_emr.local.custom_resources`);
  Glue databases, security configurations and crawlers exist in CloudFormation
  (:mod:`cdk_emr.local.glue_cloudformation`);
* the missing calls exist: ListInstanceFleets, AddInstanceFleet, ModifyInstanceFleet,
  Get/Put/RemoveManagedScalingPolicy, Get/Put/RemoveAutoTerminationPolicy,
  ListSecurityConfigurations, CancelSteps, SetKeepJobFlowAliveWhenNoSteps, DescribeReleaseLabel;
  DescribeSecurityConfiguration returns JSON; any other call is a clear InvalidRequestException;
* requests are checked as EMR does (:mod:`cdk_emr.local.emr_validation`): release labels,
  applications and instance types per release, roles and subnets that must exist, scaling
  limits, step concurrency, security-configuration shape; unknown ids are
  InvalidRequestException, changes to an ended cluster ValidationException.

Lifecycle conventions (durations are AWS-typical seconds times the time scale):

* A cluster is STARTING (300 s), BOOTSTRAPPING (120 s), then RUNNING while it has pending or
  running steps, then WAITING when ``KeepJobFlowAliveWhenNoSteps`` is true, else TERMINATING
  (``ALL_STEPS_COMPLETED``). TERMINATING lasts 60 s, then TERMINATED (or
  TERMINATED_WITH_ERRORS after a failed TERMINATE_CLUSTER step). For ``AWS::EMR::Cluster``
  keep-alive defaults to true.
* Steps are PENDING (at least 10 s) until the cluster runs and a slot of ``StepConcurrencyLevel`` is free,
  RUNNING for 60 s, then COMPLETED or FAILED, as the step runner
  (:class:`cdk_emr.local.lifecycle.TimedStepRunner`) decides: a step FAILS when its jar or an
  argument names a file whose name starts with ``fail`` (``FAILING_STEP_PATTERN``).
  TERMINATE_CLUSTER then cancels the pending steps and ends the cluster with errors (a
  termination-protected cluster stays up), CANCEL_AND_WAIT cancels the pending steps,
  CONTINUE goes on; with concurrency above 1 these actions are ignored, as in EMR.
* A fleet or group whose target changes is RESIZING for 120 s, then provisioned at the target.

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

    import cdk_emr.local.accounts as accounts
    import cdk_emr.local.cloudformation_lifecycle as cloudformation_lifecycle

    from .cloudwatch_cloudformation import CloudFormationAlarm
    from .custom_resources import route_custom_types
    from .elbv2_cloudformation import ELBV2_MODELS
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
        replacements.update({model.cloudformation_type(): model for model in ELBV2_MODELS})  # NLB: ReplicatedKdc
        _replaced_models = {resource_type: models.get(resource_type) for resource_type in replacements}
        models.update(replacements)
        route_custom_types()  # moto sends every Custom:: type to Docker otherwise: run the function here
        cloudformation_lifecycle.install()  # change-set updates, stack deletion, dynamic references
        accounts.install()  # a 12-digit access key id names the request's account
        emr_backends.backend = EmrEmulationBackend
        emr_backends.clear()


def uninstall() -> None:
    """Restore moto's own EMR backend and CloudFormation models; EMR data is discarded."""
    from moto.cloudformation import parsing
    from moto.emr.models import ElasticMapReduceBackend, emr_backends

    import cdk_emr.local.accounts as accounts
    import cdk_emr.local.cloudformation_lifecycle as cloudformation_lifecycle

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
        cloudformation_lifecycle.uninstall()
        accounts.uninstall()
        _replaced_models = None


def is_installed() -> bool:
    """Whether the emulation is installed in this process."""
    return _replaced_models is not None
