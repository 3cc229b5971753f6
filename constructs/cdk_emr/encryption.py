"""KMS keys for EMR: one general key (:func:`create_emr_key`), or one key per purpose with a
least-privilege key policy (:class:`EmrKey`, :class:`EmrPlatformKeys`)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from cdk_emr.typecheck import typed

DEFAULT_KEY_DESCRIPTION = "Amazon EMR: data, logs, local disks and EBS volumes"

KEY_ADMINISTRATION = (
    "kms:DescribeKey",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListKeyPolicies",
    "kms:ListKeyRotations",
    "kms:ListResourceTags",
    "kms:ListGrants",
    "kms:PutKeyPolicy",
    "kms:UpdateKeyDescription",
    "kms:EnableKey",
    "kms:DisableKey",
    "kms:EnableKeyRotation",
    "kms:DisableKeyRotation",
    "kms:RotateKeyOnDemand",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:CreateAlias",
    "kms:UpdateAlias",
    "kms:DeleteAlias",
    "kms:RevokeGrant",
    "kms:RetireGrant",
    "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion",
)
"""What the account's IAM policies may grant on an :class:`EmrKey`: administration, named one by one
(AWS KMS Developer Guide, "Allows key administrators to administer the KMS key"), without any
cryptographic operation and without ``kms:CreateGrant`` (a grant could hand out ``kms:Decrypt``)."""


# Every key of this package: rotated yearly, and kept when its stack is deleted (what it
# encrypted stays readable).
_KEY_LIFECYCLE: dict[str, Any] = {
    "enable_key_rotation": True,
    "rotation_period": Duration.days(365),
    "removal_policy": RemovalPolicy.RETAIN,
}


@typed
def create_emr_key(scope: Construct, id: str, *, description: str = DEFAULT_KEY_DESCRIPTION) -> kms.Key:
    """A customer-managed symmetric KMS key with yearly rotation, retained on stack deletion.

    Share one between clusters by passing it as their ``encryption_key`` (and to
    :class:`~cdk_emr.storage.EmrLogStorage`). Deleting a key makes everything encrypted with it
    unreadable, so the key is kept (and scheduled for deletion only by hand) whatever happens
    to the stack. Its policy is aws-cdk-lib's default (the account may grant any use through IAM);
    :class:`EmrKey` names every user in the key policy instead.

    :param description: The key's description. Default: "Amazon EMR: data, logs, local disks and EBS volumes".
    """
    return kms.Key(
        scope,
        id,
        description=description,
        **_KEY_LIFECYCLE,
    )


class KeyPurpose(StrEnum):
    """What an :class:`EmrKey` encrypts (one key per purpose: a role able to decrypt one kind
    of data cannot decrypt the others)."""

    DATA = "data"
    """S3 data that jobs write through EMRFS (the security configuration's S3 key) and data buckets."""
    DISKS = "disks"
    """The nodes' local disks and EBS volumes (the instance role and, for EBS, the service role)."""
    LOGS = "logs"
    """EMR logs, VPC flow logs, the log groups and dead-letter queues of the platform's functions."""
    SECRETS = "secrets"
    """The TLS certificate bundle (its private key) and the KDC admin password."""


@typed
class EmrKey(kms.Key):
    """A KMS key whose key policy names every principal that may use it, and for what.

    The policy starts with one statement: the account (its IAM policies) may *administer* the key
    (:data:`KEY_ADMINISTRATION`), never encrypt or decrypt with it. Every ``grant*`` on the key
    (``key.grant_decrypt(role)``, a bucket's ``grant_read``, a cluster's grants) adds a key-policy
    statement naming that principal with exactly those actions, besides the principal's IAM
    statement. So the key policy is the complete, reviewable list of who may decrypt: an IAM
    policy elsewhere in the account that allows ``kms:Decrypt`` on ``*`` gains nothing (AWS KMS
    Developer Guide, "Key policies": without a key-policy statement allowing the account, IAM
    policies alone do not give access to a KMS key). Yearly rotation, retained on stack deletion.
    """

    def __init__(self, scope: Construct, id: str, *, purpose: KeyPurpose, description: str) -> None:
        """:param purpose: What the key encrypts. :param description: The key's description."""
        policy = iam.PolicyDocument(
            statements=[
                iam.PolicyStatement(
                    sid="KeyAdministrationByTheAccount",
                    principals=[iam.AccountRootPrincipal()],
                    actions=list(KEY_ADMINISTRATION),
                    resources=["*"],
                )
            ]
        )
        super().__init__(
            scope,
            id,
            description=description,
            policy=policy,
            **_KEY_LIFECYCLE,
        )
        self.purpose = purpose

    def grant(self, grantee: iam.IGrantable, *actions: str) -> iam.Grant:
        """Let ``grantee`` use the key for ``actions``: a key-policy statement naming it, plus its IAM statement."""
        return iam.Grant.add_to_principal_and_resource(
            grantee=grantee,
            actions=list(actions),
            resource_arns=[self.key_arn],
            resource=self,
            resource_self_arns=["*"],
        )


@typed
class EmrPlatformKeys(Construct):
    """One :class:`EmrKey` per purpose for a platform: ``data``, ``disks``, ``logs``, ``secrets``."""

    def __init__(self, scope: Construct, id: str, *, name: str) -> None:
        """:param name: Names the platform in the keys' descriptions."""
        super().__init__(scope, id)
        self.data = EmrKey(self, "Data", purpose=KeyPurpose.DATA, description=f"{name}: S3 data written by jobs (EMRFS)")
        self.disks = EmrKey(self, "Disks", purpose=KeyPurpose.DISKS, description=f"{name}: node local disks and EBS volumes")
        self.logs = EmrKey(self, "Logs", purpose=KeyPurpose.LOGS, description=f"{name}: EMR logs, flow logs, function logs")
        self.secrets = EmrKey(
            self, "Secrets", purpose=KeyPurpose.SECRETS, description=f"{name}: TLS certificate bundle, KDC admin password"
        )

    def by_purpose(self) -> dict[KeyPurpose, EmrKey]:
        """The keys by :class:`KeyPurpose`."""
        return {key.purpose: key for key in (self.data, self.disks, self.logs, self.secrets)}
