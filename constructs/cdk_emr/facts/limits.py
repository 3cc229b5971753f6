"""EMR's API limits and enumerations that requests are checked against.

Sources: botocore's EMR service model (``botocore/data/emr/2009-03-31/service-2.json``, the
enum shapes named below) and the EMR API reference / Management Guide pages named per fact
(summarised in ``shared/reference/emr-facts.md``). Standard library only.
"""

from __future__ import annotations

from typing import Final

#: RunJobFlow / ModifyCluster ``StepConcurrencyLevel``: "from 1 to 256" (EMR API reference, RunJobFlow).
STEP_CONCURRENCY_RANGE: Final = (1, 256)

#: botocore shape ``ComputeLimitsUnitType``.
COMPUTE_LIMITS_UNIT_TYPES: Final = ("InstanceFleetUnits", "Instances", "VCPU")
#: Management Guide, "Using managed scaling": InstanceFleetUnits for instance fleets; Instances or VCPU for groups.
FLEET_UNIT_TYPES: Final = ("InstanceFleetUnits",)
GROUP_UNIT_TYPES: Final = ("Instances", "VCPU")

#: AutoTerminationPolicy ``IdleTimeout`` in seconds (EMR API reference, AutoTerminationPolicy).
IDLE_TIMEOUT_RANGE: Final = (60, 604800)

#: Instance types per fleet: 5, or 30 with an allocation strategy (Management Guide, "Instance fleets").
FLEET_INSTANCE_TYPES: Final = 5
FLEET_INSTANCE_TYPES_WITH_ALLOCATION_STRATEGY: Final = 30
#: The primary fleet/group has 1 node, or 3 for multiple primary nodes (Management Guide).
PRIMARY_NODE_COUNTS: Final = (1, 3)

#: botocore enums ``ClusterState``, ``StepState``, ``InstanceFleetState``, ``InstanceGroupState``.
CLUSTER_STATES: Final = ("STARTING", "BOOTSTRAPPING", "RUNNING", "WAITING", "TERMINATING", "TERMINATED", "TERMINATED_WITH_ERRORS")
STEP_STATES: Final = ("PENDING", "CANCEL_PENDING", "RUNNING", "COMPLETED", "CANCELLED", "FAILED", "INTERRUPTED")
INSTANCE_FLEET_STATES: Final = (
    "PROVISIONING",
    "BOOTSTRAPPING",
    "RUNNING",
    "RESIZING",
    "RECONFIGURING",
    "SUSPENDED",
    "TERMINATING",
    "TERMINATED",
)
#: botocore enum ``ClusterStateChangeReasonCode``.
CLUSTER_STATE_CHANGE_REASON_CODES: Final = (
    "INTERNAL_ERROR",
    "VALIDATION_ERROR",
    "INSTANCE_FAILURE",
    "INSTANCE_FLEET_TIMEOUT",
    "BOOTSTRAP_FAILURE",
    "USER_REQUEST",
    "STEP_FAILURE",
    "ALL_STEPS_COMPLETED",
)
#: botocore: the only exception shapes of the EMR API (plus ``ValidationException``, which EMR
#: returns for invalid RunJobFlow requests, e.g. "The supplied ami version is invalid.").
EXCEPTION_CODES: Final = ("InternalServerError", "InternalServerException", "InvalidRequestException")
