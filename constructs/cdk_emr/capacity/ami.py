"""Custom AMIs: an ``ec2.IMachineImage`` or an AMI id, for the cluster or one instance type.

EMR API reference, RunJobFlow ``CustomAmiId``: "Available only in Amazon EMR releases 5.7.0 and
later. The ID of a custom Amazon EBS-backed Linux AMI". Hardened AMIs are the norm in regulated
companies; :class:`~cdk_emr.cluster.EmrCluster` handles what an encrypted AMI needs (see its
``custom_ami_key``).
"""

from __future__ import annotations

import re

from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from cdk_emr.validation import Validator, invalid, is_token

CustomAmi = ec2.IMachineImage | str
"""An AMI: an ``ec2.IMachineImage`` (``ec2.MachineImage.lookup(...)``, ``generic_linux(...)``) or an id."""

# EC2 resource ids: "ami-" and 8 or 17 hexadecimal characters (EC2 User Guide, "Resource IDs").
_AMI_ID = re.compile(r"^ami-([0-9a-f]{8}|[0-9a-f]{17})$")
AMI_ID_RULE = "an AMI id 'ami-' + 8 or 17 hex characters, or an ec2.IMachineImage"


def check_ami(v: Validator, prop: str, ami: CustomAmi | None) -> None:
    """Record on ``v`` an AMI id of the wrong shape (images and tokens are judged at deploy)."""
    if ami is None or not isinstance(ami, str) or is_token(ami):
        return
    v.check(_AMI_ID.match(ami) is not None, prop, ami, AMI_ID_RULE)


def custom_ami_id(scope: Construct | None, ami: CustomAmi | None) -> str | None:
    """The AMI id of ``ami`` (an image is resolved in ``scope``'s stack), or None."""
    if ami is None or isinstance(ami, str):
        return ami
    if scope is None:
        raise invalid("custom_ami", "scope", None, "a construct scope to resolve an ec2.IMachineImage in")
    return ami.get_image(scope).image_id
