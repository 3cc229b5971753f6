"""KMS keys for EMR data, logs, local disks and EBS volumes."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_kms as kms
from constructs import Construct

from cdk_emr.typecheck import typed

DEFAULT_KEY_DESCRIPTION = "Amazon EMR: data, logs, local disks and EBS volumes"


@typed
def create_emr_key(scope: Construct, id: str, *, description: str = DEFAULT_KEY_DESCRIPTION) -> kms.Key:
    """A customer-managed symmetric KMS key with yearly rotation, retained on stack deletion.

    Share one between clusters by passing it as their ``encryption_key`` (and to
    :class:`~cdk_emr.storage.EmrLogStorage`). Deleting a key makes everything encrypted with it
    unreadable, so the key is kept (and scheduled for deletion only by hand) whatever happens
    to the stack.

    :param description: The key's description. Default: "Amazon EMR: data, logs, local disks and EBS volumes".
    """
    return kms.Key(
        scope,
        id,
        description=description,
        enable_key_rotation=True,
        rotation_period=Duration.days(365),
        removal_policy=RemovalPolicy.RETAIN,
    )
