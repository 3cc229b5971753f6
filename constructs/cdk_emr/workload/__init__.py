"""Workload: application configurations, bootstrap actions, steps, and where their scripts live."""

from cdk_emr.workload.bootstrap import BootstrapAction
from cdk_emr.workload.configuration import Configuration
from cdk_emr.workload.source import ScriptSource
from cdk_emr.workload.steps import (
    ActionOnFailure,
    CommandStep,
    HiveStep,
    JarStep,
    ScriptStep,
    SparkDeployMode,
    SparkStep,
    Step,
)

__all__ = [
    "ActionOnFailure",
    "BootstrapAction",
    "CommandStep",
    "Configuration",
    "HiveStep",
    "JarStep",
    "ScriptSource",
    "ScriptStep",
    "SparkDeployMode",
    "SparkStep",
    "Step",
]
