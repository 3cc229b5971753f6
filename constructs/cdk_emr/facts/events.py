"""EMR's EventBridge events: detail-types and sample events.

Sources: the EventBridge events reference, "Amazon EMR events" (every detail-type EMR sends,
source ``aws.emr``), and the EMR Management Guide, "Monitoring Amazon EMR events with
CloudWatch" (``emr-manage-cloudwatch-events``: for each event its state, severity, event type
and message) and "Responding to Amazon EMR cluster insufficient instance capacity events"
(event code ``EC2 provisioning - Insufficient Instance Capacity``, sent under the
``... Provisioning`` detail-types). The samples below follow the documented detail fields and
message texts, with this project's example ids; they are not copied from a live account.
Standard library only.
"""

from __future__ import annotations

from typing import Any, Final

SOURCE: Final = "aws.emr"

CLUSTER_STATE_CHANGE: Final = "EMR Cluster State Change"
STEP_STATUS_CHANGE: Final = "EMR Step Status Change"
AUTO_SCALING_POLICY_STATE_CHANGE: Final = "EMR Auto Scaling Policy State Change"
CONFIGURATION_ERROR: Final = "EMR Configuration Error"
UNHEALTHY_NODE_REPLACEMENT: Final = "EMR Unhealthy Node Replacement"
MANAGED_SCALING_ACTION: Final = "EMR Managed Scaling Action"

#: Instance fleet/group events that report capacity: state changes, resizes, provisioning
#: (insufficient capacity), status notifications and terminations (EventBridge reference).
FLEET_AND_GROUP_CAPACITY_EVENTS: Final = tuple(
    f"EMR Instance {kind} {event}"
    for kind in ("Fleet", "Group")
    for event in ("State Change", "Resize", "Provisioning", "Status Notification", "Termination")
)

#: Every detail-type of the capacity rule: the fleet/group events above and "EMR Unhealthy Node
#: Replacement". A core node that fails the NodeManager health checks is denylisted and, with
#: unhealthy node replacement on, terminated and replaced (EMR Management Guide, "Replacing
#: unhealthy nodes"): until then the cluster has less capacity than its target, so its WARN and
#: worse events are capacity problems. Not capacity: "EMR Configuration Error" (a configuration
#: EMR could not apply, not a shortage or loss of instances), "EMR Managed Scaling Action" and
#: "EMR Auto Scaling Policy State Change" (scaling decisions), "EMR Application Health State
#: Change", "EMR Instance Fleet/Group Cluster Start" and "EMR Instance Fleet Update".
CAPACITY_PROBLEM_EVENTS: Final = (*FLEET_AND_GROUP_CAPACITY_EVENTS, UNHEALTHY_NODE_REPLACEMENT)

#: EMR's documentation spells the warning severity both ways; INFO events are routine.
PROBLEM_SEVERITIES: Final = ("WARN", "WARNING", "ERROR", "CRITICAL")

EXAMPLE_CLUSTER_ID: Final = "j-2AXXXXXXGAPLF"


def sample_event(detail_type: str, detail: dict[str, Any]) -> dict[str, Any]:
    """An EventBridge event envelope from EMR (the shape EventBridge documents for every event)."""
    return {
        "version": "0",
        "id": "2f8147ab-8c48-47c6-b0b6-3ee23ec8d300",
        "detail-type": detail_type,
        "source": SOURCE,
        "account": "123456789012",
        "time": "2026-11-30T12:00:00Z",
        "region": "us-east-1",
        "resources": [],
        "detail": detail,
    }


#: Capacity problems EMR reports (Management Guide event tables), by a short name.
CAPACITY_PROBLEM_SAMPLES: Final[dict[str, dict[str, Any]]] = {
    "fleet insufficient capacity": sample_event(
        "EMR Instance Fleet Provisioning",
        {
            "severity": "WARN",
            "clusterId": EXAMPLE_CLUSTER_ID,
            "instanceFleetId": "if-1A2B3C4D5E6F",
            "instanceFleetType": "CORE",
            "provisioningState": "CREATING",
            "eventCode": "EC2 provisioning - Insufficient Instance Capacity",
            "message": f"We are not able to create your Amazon EMR cluster {EXAMPLE_CLUSTER_ID} (Development Cluster) for "
            "Instance Fleet if-1A2B3C4D5E6F as Amazon EC2 has insufficient Spot capacity for Instance type [m7g.xlarge] "
            "and insufficient On-Demand capacity for Instance type [m6g.xlarge] in Availability Zone [us-east-1a].",
        },
    ),
    "group insufficient capacity": sample_event(
        "EMR Instance Group Provisioning",
        {
            "severity": "WARN",
            "clusterId": EXAMPLE_CLUSTER_ID,
            "instanceGroupId": "ig-1A2B3C4D5E6F",
            "instanceGroupType": "TASK",
            "provisioningState": "RESIZING",
            "eventCode": "EC2 provisioning - Insufficient Instance Capacity",
            "message": f"We are not able to resize your Amazon EMR cluster {EXAMPLE_CLUSTER_ID} (Development Cluster) for "
            "Instance Group ig-1A2B3C4D5E6F as Amazon EC2 has insufficient On-Demand capacity for Instance type "
            "[m7g.xlarge] in Availability Zone [us-east-1a].",
        },
    ),
    "fleet status notification": sample_event(
        "EMR Instance Fleet Status Notification",
        {
            "severity": "WARN",
            "clusterId": EXAMPLE_CLUSTER_ID,
            "instanceFleetId": "if-1A2B3C4D5E6F",
            "message": "Amazon EMR could not provision Spot capacity for instance fleet if-1A2B3C4D5E6F within the provisioning "
            "timeout and switched to On-Demand capacity.",
        },
    ),
    "unhealthy core node": sample_event(
        UNHEALTHY_NODE_REPLACEMENT,
        {
            "severity": "WARN",
            "clusterId": EXAMPLE_CLUSTER_ID,
            "instanceGroupId": "ig-1A2B3C4D5E6F",
            "instanceId": "i-0123456789abcdef0",
            # paraphrased: the Management Guide's own sample was not retrievable offline
            "message": f"Amazon EMR has identified that core instance i-0123456789abcdef0 of cluster {EXAMPLE_CLUSTER_ID} "
            "(Development Cluster) is UNHEALTHY and will gracefully replace it.",
        },
    ),
    "group termination": sample_event(
        "EMR Instance Group Termination",
        {
            "severity": "ERROR",
            "clusterId": EXAMPLE_CLUSTER_ID,
            "instanceGroupId": "ig-1A2B3C4D5E6F",
            "message": "Amazon EMR terminated instances of instance group ig-1A2B3C4D5E6F because Amazon EC2 reclaimed Spot capacity.",
        },
    ),
}

#: A routine event of the same kinds (INFO): no notification expected.
ROUTINE_PROVISIONING_SAMPLE: Final = sample_event(
    "EMR Instance Fleet Provisioning",
    {
        "severity": "INFO",
        "clusterId": EXAMPLE_CLUSTER_ID,
        "instanceFleetId": "if-1A2B3C4D5E6F",
        "message": "Amazon EMR provisioned the requested capacity for instance fleet if-1A2B3C4D5E6F.",
    },
)
