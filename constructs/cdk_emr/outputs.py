"""The stack outputs cdk-emr publishes and its operations read (standard library only)."""

from __future__ import annotations

CLUSTER_ID_OUTPUT_DESCRIPTION = "EMR cluster id (j-...)"
"""The description of the output ``EmrCluster`` publishes its id under (``<description> of <path>``):
``cdk-emr status STACK`` finds a stack's cluster by it."""
