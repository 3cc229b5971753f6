"""The rest of the ``AWS::EMR::Cluster`` surface: custom AMI, root volume, scale-down,
additional info, OS release, key pair, auto-scaling role, log location.

:class:`~cdk_emr.cluster.EmrCluster` takes these as keyword arguments; this module validates
them (every rule cites its AWS source) and renders them. It keeps ``cluster.py`` about the
cluster's composition.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from aws_cdk import Annotations, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from cdk_emr.capacity import InstanceFleet, InstanceGroup, ManagedScaling
from cdk_emr.capacity.ami import CustomAmi, check_ami
from cdk_emr.compliance import acknowledge
from cdk_emr.release import Feature, ReleaseLabel, check_release_gate, feature_windows, supports
from cdk_emr.validation import Validator, is_token

Capacity = InstanceFleet | InstanceGroup


class ScaleDownBehavior(StrEnum):
    """How instances leave when a cluster scales in (botocore EMR model, ``ScaleDownBehavior``)."""

    TERMINATE_AT_TASK_COMPLETION = "TERMINATE_AT_TASK_COMPLETION"
    """Drain tasks first, then terminate, whatever the instance hour (releases 4.1.0+)."""
    TERMINATE_AT_INSTANCE_HOUR = "TERMINATE_AT_INSTANCE_HOUR"
    """Terminate at the instance-hour boundary (releases 5.1.0+, and their default)."""


# EBS User Guide, "General Purpose SSD volumes" (gp3): 3,000-16,000 IOPS, 125-1,000 MiB/s, at most
# 0.25 MiB/s per provisioned IOPS and 500 IOPS per GiB. EMR's root volume is gp3 on 6.15.0+ (the
# release that takes EbsRootVolumeIops/Throughput, see Feature.EBS_ROOT_VOLUME_IOPS_THROUGHPUT).
GP3_IOPS = (3000, 16000)
GP3_THROUGHPUT_MIB = (125, 1000)
GP3_MIB_PER_IOPS = 0.25
GP3_IOPS_PER_GIB = 500
# botocore EMR model, RunJobFlowInput.AdditionalInfo: XmlString of at most 10,280 characters.
ADDITIONAL_INFO_MAX_CHARS = 10_280
# Amazon Linux release labels as EMR lists them (ListReleaseLabels/"OSReleaseLabel" in the EMR
# Management Guide, e.g. "2.0.20220406.1" for Amazon Linux 2, "2023.3.20240219.0" for AL2023).
_OS_RELEASE_LABEL = re.compile(r"^\d+(\.\d+){2,3}$")
# EC2 CreateKeyPair: key names of up to 255 ASCII characters.
_KEY_NAME = re.compile(r"^[\x20-\x7e]{1,255}$")
# A key prefix for the LogUri: relative (no leading "/"), S3-safe printable characters.
_LOG_PREFIX = re.compile(r"^([!-~][ -~]*)?$")


def validate_options(
    v: Validator,
    release: ReleaseLabel,
    *,
    nodes: Sequence[tuple[str, Capacity]],
    managed_scaling: ManagedScaling | None,
    custom_ami: CustomAmi | None,
    os_release_label: str | None,
    ebs_root_volume_size_gib: int | None,
    ebs_root_volume_iops: int | None,
    ebs_root_volume_throughput_mib: int | None,
    scale_down_behavior: ScaleDownBehavior | None,
    additional_info: Mapping[str, Any] | None,
    log_prefix: str,
    key_pair: ec2.IKeyPair | str | None,
) -> None:
    """Record on ``v`` every broken rule of the options above."""
    check_ami(v, "custom_ami", custom_ami)
    per_type = [(prop, n) for prop, n in nodes if n.custom_amis]
    if custom_ami is not None or per_type:
        check_release_gate(
            v, release, Feature.CUSTOM_AMI, "custom_ami" if custom_ami is not None else f"{per_type[0][0]}.custom_ami"
        )
    if os_release_label is not None and not is_token(os_release_label):
        v.check(
            _OS_RELEASE_LABEL.match(os_release_label) is not None,
            "os_release_label",
            os_release_label,
            "an Amazon Linux release label such as '2.0.20220406.1' or '2023.3.20240219.0'",
        )
        # EMR API, RunJobFlow: OSReleaseLabel picks the Amazon Linux release of EMR's own AMI; a
        # custom AMI brings its own operating system.
        v.check(custom_ami is None, "os_release_label", os_release_label, "unset with custom_ami (the AMI fixes the OS)")
    _validate_root_volume(v, release, ebs_root_volume_size_gib, ebs_root_volume_iops, ebs_root_volume_throughput_mib)
    if scale_down_behavior == ScaleDownBehavior.TERMINATE_AT_INSTANCE_HOUR:
        v.check(
            supports(release, Feature.SCALE_DOWN_AT_INSTANCE_HOUR),
            "scale_down_behavior",
            scale_down_behavior.value,
            f"a release with {Feature.SCALE_DOWN_AT_INSTANCE_HOUR.value} "
            f"({feature_windows(Feature.SCALE_DOWN_AT_INSTANCE_HOUR)})",
        )
    if additional_info is not None:
        try:
            text = json.dumps(dict(additional_info))
        except (TypeError, ValueError):
            text = None
        v.check(text is not None, "additional_info", additional_info, "a JSON object (str keys, JSON values)")
        if text is not None:
            v.check(
                len(text) <= ADDITIONAL_INFO_MAX_CHARS,
                "additional_info",
                f"{len(text)} characters of JSON",
                f"at most {ADDITIONAL_INFO_MAX_CHARS} characters",
            )
    if not is_token(log_prefix):
        v.check(
            _LOG_PREFIX.match(log_prefix) is not None and not log_prefix.startswith("/"),
            "log_prefix",
            log_prefix,
            "a relative key prefix such as 'emr-logs/' (no leading '/'), or '' for the bucket root",
        )
    if isinstance(key_pair, str) and not is_token(key_pair):
        v.check(_KEY_NAME.match(key_pair) is not None, "key_pair", key_pair, "an EC2 key pair name of 1 to 255 ASCII characters")
    _validate_auto_scaling(v, nodes, managed_scaling)


def _validate_root_volume(
    v: Validator, release: ReleaseLabel, size: int | None, iops: int | None, throughput: int | None
) -> None:
    for prop, value, (low, high), unit in (
        ("ebs_root_volume_iops", iops, GP3_IOPS, "IOPS"),
        ("ebs_root_volume_throughput_mib", throughput, GP3_THROUGHPUT_MIB, "MiB/s"),
    ):
        if value is None:
            continue
        v.check(low <= value <= high, prop, value, f"{low} to {high} {unit} (gp3)")
        v.check(
            supports(release, Feature.EBS_ROOT_VOLUME_IOPS_THROUGHPUT),
            prop,
            release.label,
            f"a release with {Feature.EBS_ROOT_VOLUME_IOPS_THROUGHPUT.value} "
            f"({feature_windows(Feature.EBS_ROOT_VOLUME_IOPS_THROUGHPUT)})",
        )
    if throughput is not None:
        provisioned = iops if iops is not None else GP3_IOPS[0]
        v.check(
            throughput <= provisioned * GP3_MIB_PER_IOPS,
            "ebs_root_volume_throughput_mib",
            throughput,
            f"at most {GP3_MIB_PER_IOPS} MiB/s per IOPS: {provisioned * GP3_MIB_PER_IOPS:g} with {provisioned} IOPS",
        )
    if iops is not None and size is not None:
        v.check(
            iops <= size * GP3_IOPS_PER_GIB,
            "ebs_root_volume_iops",
            iops,
            f"at most {GP3_IOPS_PER_GIB} IOPS per GiB: {size * GP3_IOPS_PER_GIB} for a {size} GiB root volume",
        )


def _validate_auto_scaling(v: Validator, nodes: Sequence[tuple[str, Capacity]], managed_scaling: ManagedScaling | None) -> None:
    for prop, node in nodes:
        if not isinstance(node, InstanceGroup) or node.auto_scaling is None:
            continue
        # EMR API, AutoScalingPolicy: "for a core instance group or task instance group".
        v.check(prop != "primary", "primary.auto_scaling", "set", "only core and task instance groups scale automatically")
        # EMR Management Guide, "Using managed scaling": managed scaling and automatic scaling
        # (custom policies) cannot be used on the same cluster.
        v.check(
            managed_scaling is None,
            f"{prop}.auto_scaling",
            "set",
            "unset with managed_scaling (EMR uses one or the other)",
        )


def uses_auto_scaling(nodes: Sequence[Capacity]) -> bool:
    """True when any instance group has an automatic scaling policy."""
    return any(isinstance(n, InstanceGroup) and n.auto_scaling is not None for n in nodes)


def create_auto_scaling_role(scope: Construct, id: str) -> iam.Role:
    """The role automatic scaling uses, as EMR's default ``EMR_AutoScaling_DefaultRole``: trusted
    by EMR and Application Auto Scaling, on the AWS managed ``AmazonElasticMapReduceforAutoScalingRole``
    (EMR Management Guide, "Service role for automatic scaling in EMR (Auto Scaling role)")."""
    account = Stack.of(scope).account
    role = iam.Role(
        scope,
        id,
        assumed_by=iam.CompositePrincipal(
            iam.ServicePrincipal("elasticmapreduce.amazonaws.com", conditions={"StringEquals": {"aws:SourceAccount": account}}),
            iam.ServicePrincipal(
                "application-autoscaling.amazonaws.com", conditions={"StringEquals": {"aws:SourceAccount": account}}
            ),
        ),
        managed_policies=[
            iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AmazonElasticMapReduceforAutoScalingRole")
        ],
        description="Amazon EMR automatic scaling role (AmazonElasticMapReduceforAutoScalingRole)",
    )
    acknowledge(
        role,
        "AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
        "AmazonElasticMapReduceforAutoScalingRole]",
        "AmazonElasticMapReduceforAutoScalingRole is the policy AWS documents for EMR automatic scaling "
        "(CloudWatch alarms and instance-group resizes only).",
    )
    return role


# EBS User Guide, "Requirements for Amazon EBS encryption": a principal launching instances from an
# encrypted AMI or snapshot needs these actions on its key, CreateGrant only for AWS resources.
EBS_KEY_ACTIONS = ("kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncrypt*")


def grant_ami_key(grantee: iam.IGrantable, key: kms.IKey) -> None:
    """Let ``grantee`` (the service role, which launches the instances) use the key of an encrypted AMI."""
    key.grant(grantee, *EBS_KEY_ACTIONS)
    iam.Grant.add_to_principal(
        grantee=grantee,
        actions=["kms:CreateGrant"],
        resource_arns=[key.key_arn],
        conditions={"Bool": {"kms:GrantIsForAWSResource": True}},
    )


def resolve_ami(scope: Construct, v: Validator, ami: CustomAmi | None) -> str | None:
    """The AMI id for ``CustomAmiId``; an image must be a Linux image (EMR runs Amazon Linux)."""
    if ami is None or isinstance(ami, str):
        return ami
    image = ami.get_image(scope)
    v.check(
        image.os_type == ec2.OperatingSystemType.LINUX,
        "custom_ami",
        str(image.os_type),
        "a Linux image (EMR API, CustomAmiId: 'a custom Amazon EBS-backed Linux AMI')",
    )
    return image.image_id


def warn_about_custom_ami(scope: Construct, custom_ami: CustomAmi | None, custom_ami_key: kms.IKey | None) -> None:
    """Say what an AMI with encrypted snapshots needs when no key was given."""
    if custom_ami is not None and custom_ami_key is None:
        Annotations.of(scope).add_warning_v2(
            "cdk-emr:customAmiKey",
            "If the custom AMI's snapshots are encrypted with a customer-managed KMS key, pass custom_ami_key: "
            "the service role then gets the key permissions EC2 needs to launch from it (without them EMR "
            "cannot start the instances).",
        )


def warn_about_visibility(scope: Construct, visible_to_all_users: bool) -> None:
    """``VisibleToAllUsers=false`` no longer does anything (botocore EMR model, RunJobFlowInput)."""
    if not visible_to_all_users:
        Annotations.of(scope).add_warning_v2(
            "cdk-emr:visibleToAllUsers",
            "EMR no longer supports VisibleToAllUsers: 'Setting it to false now has no effect'; access is "
            "governed by IAM policies alone.",
        )


def key_pair_name(key_pair: ec2.IKeyPair | str | None) -> str | None:
    """The EC2 key name of ``key_pair``."""
    if key_pair is None or isinstance(key_pair, str):
        return key_pair
    return key_pair.key_pair_name
