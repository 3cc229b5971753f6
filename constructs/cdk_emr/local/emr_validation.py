"""EMR's request checks in the local AWS: releases, applications, instance types, roles,
subnets, scaling limits and security-configuration documents.

Facts come from :mod:`cdk_emr.facts` and from the release data moto recorded from the live EMR
API (``ListReleaseLabels`` per region, ``ListSupportedInstanceTypes`` per release). Each check
raises moto's ``ValidationException`` (as EMR does for invalid RunJobFlow input) with a message
that names the value and what is allowed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from moto.emr.exceptions import InvalidRequestException, ValidationException

from cdk_emr.facts import limits, releases
from cdk_emr.facts import security_configuration as shape

ANY_INSTANCE_TYPE = None  # a release for which moto recorded no instance-type list


def validate_release(label: str | None, region: str, known_labels: Sequence[str]) -> None:
    """The release label must be one EMR offers in the region (moto's recorded list)."""
    if label is None:
        return
    if releases.parse_release_label(label) is None or label not in known_labels:
        raise ValidationException(
            f"The release label {label!r} is not valid in {region}: use a label that ListReleaseLabels returns, for example {known_labels[0]!r}."
        )


def validate_applications(applications: Iterable[Mapping[str, Any]], label: str | None) -> None:
    """Each application must exist and ship in the release (EMR Release Guide)."""
    version = releases.parse_release_label(label or "")
    by_lower = {name.lower(): name for name in releases.APPLICATION_NAMES}
    for application in applications:
        requested = str(application.get("Name", ""))
        name = by_lower.get(requested.lower())
        if name is None:
            raise ValidationException(
                f"Application {requested!r} is not valid: EMR offers {', '.join(releases.APPLICATION_NAMES)}."
            )
        if version is not None and not releases.ships(version, name):
            raise ValidationException(f"Application {name} is not available in release {label}.")


def canonical_application_name(name: str) -> str:
    """The spelling EMR reports (``spark`` -> ``Spark``)."""
    return {n.lower(): n for n in releases.APPLICATION_NAMES}.get(name.lower(), name)


def requested_instance_types(instances: Mapping[str, Any]) -> list[str]:
    """Every instance type a RunJobFlow ``Instances`` block asks for."""
    types = [instances.get("MasterInstanceType"), instances.get("SlaveInstanceType")]
    types += [group.get("InstanceType") for group in instances.get("InstanceGroups", [])]
    for fleet in instances.get("InstanceFleets", []):
        types += [config.get("InstanceType") for config in fleet.get("InstanceTypeConfigs", [])]
    return [t for t in types if t]


def validate_instance_types(types: Iterable[str], label: str | None, supported: Sequence[str] | None) -> None:
    """Each instance type must be one ListSupportedInstanceTypes lists for the release."""
    if supported is None:
        return
    for instance_type in types:
        if instance_type not in supported:
            raise ValidationException(f"Instance type {instance_type!r} is not supported by release {label}.")


def role_name(role: str) -> str:
    """``arn:aws:iam::123:role/path/Name`` or ``Name`` -> ``Name``."""
    return role.rsplit("/", 1)[-1]


def validate_roles(request: Mapping[str, Any], iam_backend: Any) -> None:
    """ServiceRole must be an IAM role and JobFlowRole an instance profile of this account."""
    service_role = request.get("ServiceRole")
    if service_role:
        try:
            iam_backend.get_role(role_name(service_role))
        except Exception:  # moto raises IAMNotFoundException
            raise ValidationException(f"Invalid ServiceRole: {service_role} is not an IAM role of this account.") from None
    profile = request.get("JobFlowRole")
    if profile:
        try:
            iam_backend.get_instance_profile(role_name(profile))
        except Exception:
            raise ValidationException(f"Invalid InstanceProfile: {profile}.") from None
    auto_scaling_role = request.get("AutoScalingRole")
    if auto_scaling_role:
        try:
            iam_backend.get_role(role_name(auto_scaling_role))
        except Exception:
            raise ValidationException(
                f"Invalid AutoScalingRole: {auto_scaling_role} is not an IAM role of this account."
            ) from None


def validate_subnets(subnets: Iterable[str], ec2_backend: Any) -> None:
    """Every requested subnet must exist in EC2."""
    for subnet in subnets:
        try:
            ec2_backend.get_subnet(subnet)
        except Exception:
            raise ValidationException(f"The subnet ID '{subnet}' does not exist.") from None


def validate_step_concurrency(level: Any) -> int:
    low, high = limits.STEP_CONCURRENCY_RANGE
    try:
        value = int(level)
    except (TypeError, ValueError):
        value = low - 1
    if not low <= value <= high:
        raise ValidationException(f"StepConcurrencyLevel {level!r} is not valid: it must be between {low} and {high}.")
    return value


def validate_managed_scaling(policy: Mapping[str, Any], collection_type: str) -> None:
    """ComputeLimits: a unit type of the cluster's kind, 1 <= min <= max, on-demand and core maxima <= max."""
    compute = policy.get("ComputeLimits") or {}
    unit_type = compute.get("UnitType")
    allowed = limits.FLEET_UNIT_TYPES if collection_type == "INSTANCE_FLEET" else limits.GROUP_UNIT_TYPES
    if unit_type not in limits.COMPUTE_LIMITS_UNIT_TYPES:
        raise ValidationException(
            f"UnitType {unit_type!r} is not valid: use one of {', '.join(limits.COMPUTE_LIMITS_UNIT_TYPES)}."
        )
    if unit_type not in allowed:
        kind = "instance fleets" if collection_type == "INSTANCE_FLEET" else "instance groups"
        raise ValidationException(f"UnitType {unit_type} cannot be used with {kind}: use {' or '.join(allowed)}.")
    try:
        minimum = int(compute["MinimumCapacityUnits"])
        maximum = int(compute["MaximumCapacityUnits"])
    except (KeyError, TypeError, ValueError):
        raise ValidationException("ComputeLimits needs MinimumCapacityUnits and MaximumCapacityUnits.") from None
    if not 1 <= minimum <= maximum:
        raise ValidationException(
            f"MinimumCapacityUnits ({minimum}) must be at least 1 and not above MaximumCapacityUnits ({maximum})."
        )
    for key in ("MaximumOnDemandCapacityUnits", "MaximumCoreCapacityUnits"):
        if compute.get(key) is not None and not 0 <= int(compute[key]) <= maximum:
            raise ValidationException(f"{key} ({compute[key]}) must not be above MaximumCapacityUnits ({maximum}).")


def validate_auto_termination(policy: Mapping[str, Any]) -> None:
    low, high = limits.IDLE_TIMEOUT_RANGE
    if not low <= int(policy.get("IdleTimeout", 3600)) <= high:
        raise ValidationException(f"IdleTimeout must be between {low} and {high} seconds.")


def security_configuration_document(value: str | Mapping[str, Any]) -> dict[str, Any]:
    """Parse and check a security configuration against its documented shape."""
    if isinstance(value, str):
        try:
            document = json.loads(value)
        except ValueError as error:
            raise InvalidRequestException(f"The security configuration is not valid JSON: {error}") from None
    else:
        document = dict(value)
    if not isinstance(document, dict) or not document:
        raise InvalidRequestException("The security configuration must be a JSON object with at least one section.")
    unknown = sorted(set(document) - set(shape.TOP_LEVEL_SECTIONS))
    if unknown:
        raise InvalidRequestException(
            f"Unknown section(s) {', '.join(unknown)} in the security configuration: allowed are {', '.join(shape.TOP_LEVEL_SECTIONS)}."
        )
    encryption = document.get("EncryptionConfiguration")
    if encryption is not None:
        _check_encryption(encryption)
    imds = document.get("InstanceMetadataServiceConfiguration")
    if imds is not None:
        _check_imds(imds)
    return document


def _check_encryption(encryption: Any) -> None:
    if not isinstance(encryption, dict):
        raise InvalidRequestException("EncryptionConfiguration must be an object.")
    for switch in shape.ENCRYPTION_SWITCHES:
        if not isinstance(encryption.get(switch), bool):
            raise InvalidRequestException(f"EncryptionConfiguration.{switch} is required and must be true or false.")
    if encryption["EnableAtRestEncryption"]:
        at_rest = encryption.get("AtRestEncryptionConfiguration")
        if not isinstance(at_rest, dict) or not at_rest:
            raise InvalidRequestException("EnableAtRestEncryption is true: AtRestEncryptionConfiguration is required.")
        s3 = at_rest.get("S3EncryptionConfiguration")
        if s3 is not None:
            mode = s3.get("EncryptionMode")
            if mode not in shape.S3_ENCRYPTION_MODES:
                raise InvalidRequestException(
                    f"S3 EncryptionMode {mode!r} is not valid: use one of {', '.join(shape.S3_ENCRYPTION_MODES)}."
                )
            if mode in shape.S3_MODES_WITH_KMS_KEY and not s3.get("AwsKmsKey"):
                raise InvalidRequestException(f"S3 EncryptionMode {mode} needs AwsKmsKey.")
        disk = at_rest.get("LocalDiskEncryptionConfiguration")
        if disk is not None:
            provider = disk.get("EncryptionKeyProviderType")
            if provider not in shape.LOCAL_DISK_KEY_PROVIDERS:
                raise InvalidRequestException(
                    f"EncryptionKeyProviderType {provider!r} is not valid: use one of {', '.join(shape.LOCAL_DISK_KEY_PROVIDERS)}."
                )
            if provider == "AwsKms" and not disk.get("AwsKmsKey"):
                raise InvalidRequestException("EncryptionKeyProviderType AwsKms needs AwsKmsKey.")
    if encryption["EnableInTransitEncryption"]:
        in_transit = encryption.get("InTransitEncryptionConfiguration")
        certificate = (in_transit or {}).get("TLSCertificateConfiguration") if isinstance(in_transit, dict) else None
        if not isinstance(certificate, dict):
            raise InvalidRequestException(
                "EnableInTransitEncryption is true: InTransitEncryptionConfiguration.TLSCertificateConfiguration is required."
            )
        provider = certificate.get("CertificateProviderType")
        if provider not in shape.TLS_CERTIFICATE_PROVIDERS:
            raise InvalidRequestException(
                f"CertificateProviderType {provider!r} is not valid: use one of {', '.join(shape.TLS_CERTIFICATE_PROVIDERS)}."
            )


def _check_imds(imds: Any) -> None:
    version = imds.get("MinimumInstanceMetadataServiceVersion") if isinstance(imds, dict) else None
    if version not in shape.IMDS_VERSIONS:
        raise InvalidRequestException(
            "InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion must be 1 or 2."
        )
    low, high = shape.IMDS_HOP_LIMIT_RANGE
    hops = imds.get("HttpPutResponseHopLimit", 1)
    if not isinstance(hops, int) or not low <= hops <= high:
        raise InvalidRequestException(f"HttpPutResponseHopLimit must be between {low} and {high}.")
