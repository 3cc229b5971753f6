"""Helpers for construct tests: a fresh stack, and the cluster's properties from a template."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk.assertions import Template


def new_stack(name: str = "Test") -> cdk.Stack:
    """An environment-agnostic stack in a new app."""
    return cdk.Stack(cdk.App(), name)


def cluster_properties(template: Template) -> dict[str, Any]:
    """The properties of the only ``AWS::EMR::Cluster`` in ``template``."""
    clusters = template.find_resources("AWS::EMR::Cluster")
    assert len(clusters) == 1, clusters
    return next(iter(clusters.values()))["Properties"]


def security_document(template: Template) -> dict[str, Any]:
    """The JSON document of the only ``AWS::EMR::SecurityConfiguration``."""
    configs = template.find_resources("AWS::EMR::SecurityConfiguration")
    assert len(configs) == 1, configs
    return next(iter(configs.values()))["Properties"]["SecurityConfiguration"]
