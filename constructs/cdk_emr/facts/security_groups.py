"""The rules EMR adds between its managed security groups at launch (private subnets).

Source: EMR Management Guide, "Working with Amazon EMR-managed security groups": the tables of
ElasticMapReduce-Master-Private and ElasticMapReduce-Slave-Private (all ICMP-IPv4, all TCP and
all UDP from the primary group and from the core/task group; TCP 8443 from the service-access
group) and of ElasticMapReduce-ServiceAccess (inbound TCP 9443 from the primary group, "required
for EMR clusters with Amazon EMR release 5.30.0 and later"; outbound TCP 8443 to the primary and
to the core/task group). "Unless specifically stated otherwise, each rule for default EMR-managed
security groups is also added to custom EMR-managed security groups that you specify."
Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Final


class ManagedGroup(Enum):
    """The three EMR-managed security groups of a cluster in a private subnet."""

    PRIMARY = "primary"
    CORE = "core"
    SERVICE_ACCESS = "service_access"


@dataclass(frozen=True)
class ManagedRule:
    """One rule EMR adds: on ``group``, ``direction`` (``ingress``/``egress``), ``protocol``
    and ports, with ``peer`` as the source (ingress) or destination (egress)."""

    group: ManagedGroup
    direction: str
    protocol: str
    from_port: int
    to_port: int
    peer: ManagedGroup


_NODES = (ManagedGroup.PRIMARY, ManagedGroup.CORE)
_ALL_TRAFFIC = (("tcp", 0, 65535), ("udp", 0, 65535), ("icmp", -1, -1))

#: Every rule EMR adds between the managed groups (17 rules).
RULES_BETWEEN_MANAGED_GROUPS: Final[tuple[ManagedRule, ...]] = (
    *(
        ManagedRule(group, "ingress", protocol, low, high, peer)
        for group in _NODES
        for peer in _NODES
        for protocol, low, high in _ALL_TRAFFIC
    ),
    *(ManagedRule(group, "ingress", "tcp", 8443, 8443, ManagedGroup.SERVICE_ACCESS) for group in _NODES),
    ManagedRule(ManagedGroup.SERVICE_ACCESS, "ingress", "tcp", 9443, 9443, ManagedGroup.PRIMARY),
    *(ManagedRule(ManagedGroup.SERVICE_ACCESS, "egress", "tcp", 8443, 8443, peer) for peer in _NODES),
)
