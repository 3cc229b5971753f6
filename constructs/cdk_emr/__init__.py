"""cdk-emr: production-grade Amazon EMR platforms as code on AWS CDK v2.

The public API is re-exported here, listed once in ``_EXPORTS`` (name → defining module);
``__all__`` is derived from it. Names load lazily (PEP 562 ``__getattr__``), so ``import cdk_emr``
(and the ``cdk-emr`` command, which lives in :mod:`cdk_emr.cli`) does not start the jsii runtime
until a construct is actually used. Type checkers see these names as ``Any`` here; import from
the defining module for precise types.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# The public API: each name and the module that defines it. Add a name here, nowhere else.
_EXPORTS: dict[str, str] = {
    "EmrCluster": "cdk_emr.cluster",
    "ReleaseLabel": "cdk_emr.release",
    "Application": "cdk_emr.release",
    "Feature": "cdk_emr.release",
    "EmrValidationError": "cdk_emr.validation",
    "Violation": "cdk_emr.validation",
    "InstanceFleet": "cdk_emr.capacity",
    "InstanceTypeConfig": "cdk_emr.capacity",
    "InstanceGroup": "cdk_emr.capacity",
    "InstanceMarket": "cdk_emr.capacity",
    "SpotOptions": "cdk_emr.capacity",
    "SpotAllocationStrategy": "cdk_emr.capacity",
    "SpotTimeoutAction": "cdk_emr.capacity",
    "OnDemandAllocationStrategy": "cdk_emr.capacity",
    "OnDemandOptions": "cdk_emr.capacity",
    "CapacityReservationPreference": "cdk_emr.capacity",
    "CapacityReservationUsage": "cdk_emr.capacity",
    "InstanceSpec": "cdk_emr.capacity",
    "instance_spec": "cdk_emr.capacity",
    "vcpu_count": "cdk_emr.capacity",
    "is_graviton": "cdk_emr.capacity",
    "graviton_first": "cdk_emr.capacity",
    "release_offers": "cdk_emr.capacity",
    "EbsVolume": "cdk_emr.capacity",
    "EbsVolumeType": "cdk_emr.capacity",
    "ManagedScaling": "cdk_emr.capacity",
    "ScalingUnit": "cdk_emr.capacity",
    "ScalingStrategy": "cdk_emr.capacity",
    "AutoTermination": "cdk_emr.capacity",
    "Configuration": "cdk_emr.workload",
    "BootstrapAction": "cdk_emr.workload",
    "ScriptSource": "cdk_emr.workload",
    "ActionOnFailure": "cdk_emr.workload",
    "Step": "cdk_emr.workload",
    "SparkStep": "cdk_emr.workload",
    "HiveStep": "cdk_emr.workload",
    "ScriptStep": "cdk_emr.workload",
    "CommandStep": "cdk_emr.workload",
    "JarStep": "cdk_emr.workload",
    "EmrSecurityConfiguration": "cdk_emr.security",
    "TlsCertificates": "cdk_emr.security",
    "S3EncryptionMode": "cdk_emr.security",
    "Kerberos": "cdk_emr.security",
    "KerberosProvider": "cdk_emr.security",
    "CrossRealmTrust": "cdk_emr.security",
    "GeneratedTlsCertificates": "cdk_emr.security",
    "EmrMonitoring": "cdk_emr.monitoring",
    "TransientClusterWorkflow": "cdk_emr.orchestration",
    "EmrAuditTrail": "cdk_emr.audit",
    "EmrBlockPublicAccess": "cdk_emr.audit",
    "EmrClusterMetrics": "cdk_emr.metrics",
    "EmrMetric": "cdk_emr.metrics",
    "EmrNetwork": "cdk_emr.network",
    "EmrSecurityGroups": "cdk_emr.network",
    "EmrServiceRole": "cdk_emr.iam",
    "EmrInstanceRole": "cdk_emr.iam",
    "ManagedPolicyRole": "cdk_emr.iam",
    "BroughtRole": "cdk_emr.iam",
    "ExistingSecurityGroups": "cdk_emr.existing_network",
    "EmrLogStorage": "cdk_emr.storage",
    "create_emr_key": "cdk_emr.encryption",
    "EmrDataLake": "cdk_emr.datalake",
    "connect_database": "cdk_emr.integrations",
    "connect_rds": "cdk_emr.integrations",
    "connect_redshift": "cdk_emr.integrations",
    "FleetResize": "cdk_emr.capacity",
    "AutoScalingPolicy": "cdk_emr.capacity",
    "ScalingRule": "cdk_emr.capacity",
    "AdjustmentType": "cdk_emr.capacity",
    "ComparisonOperator": "cdk_emr.capacity",
    "ScalingStatistic": "cdk_emr.capacity",
    "ScalingMetricUnit": "cdk_emr.capacity",
    "CustomAmi": "cdk_emr.capacity",
    "ScaleDownBehavior": "cdk_emr.cluster_options",
    "SparkDeployMode": "cdk_emr.workload",
    "RuntimeRoles": "cdk_emr.security",
    "IEmrCluster": "cdk_emr.cluster_interface",
    "EmrFsRoleMapping": "cdk_emr.security",
    "EmrFsIdentifierType": "cdk_emr.security",
    "CustomProvider": "cdk_emr.security",
    "ImportedEmrCluster": "cdk_emr.cluster_import",
    "EmrPlatform": "cdk_emr.platform",
    "EmrTeam": "cdk_emr.platform_team",
    "EmrKey": "cdk_emr.encryption",
    "EmrPlatformKeys": "cdk_emr.encryption",
    "KeyPurpose": "cdk_emr.encryption",
    "GlueAccess": "cdk_emr.grants",
    "ReplicatedKdc": "cdk_emr.security",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'cdk_emr' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
