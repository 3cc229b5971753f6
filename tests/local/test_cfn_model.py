"""``CfnReferences``: ``Ref`` and ``Fn::GetAtt`` of the emulation's CloudFormation models."""

from __future__ import annotations

import pytest
from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

from cdk_emr.local.cloudwatch_cloudformation import CloudFormationAlarm
from cdk_emr.local.emr_models import EmulatedCluster, EmulatedStep, InstanceFleet
from cdk_emr.local.secrets_cloudformation import CloudFormationSecret


def test_ref_and_attributes_come_from_the_declared_instance_attributes() -> None:
    alarm = CloudFormationAlarm("high-cpu", "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:high-cpu")
    assert alarm.physical_resource_id == "high-cpu"
    assert alarm.get_cfn_attribute("Arn") == alarm.arn
    secret = CloudFormationSecret("arn:aws:secretsmanager:eu-west-1:123456789012:secret:kdc", "kdc")
    assert secret.physical_resource_id == secret.get_cfn_attribute("Id") == secret.arn


def test_only_declared_attributes_exist() -> None:
    assert CloudFormationAlarm.has_cfn_attr("Arn") and not CloudFormationAlarm.has_cfn_attr("Name")
    assert EmulatedCluster.has_cfn_attr("MasterPublicDNS") and EmulatedCluster.has_cfn_attr("Id")
    assert all(model.has_cfn_attr("Id") and not model.has_cfn_attr("Arn") for model in (EmulatedStep, InstanceFleet))
    with pytest.raises(UnformattedGetAttTemplateException):
        CloudFormationAlarm("a", "arn").get_cfn_attribute("Name")


def test_emulated_aws_installs_for_the_block_only_with_dummy_credentials() -> None:
    from cdk_emr.local import emulated_aws, is_installed

    with emulated_aws("eu-west-1") as session:
        assert is_installed()
        assert session.region_name == "eu-west-1"
        assert session.get_credentials().access_key == "testing"
        emr = session.client("emr")
        assert emr.list_clusters()["Clusters"] == []
    assert not is_installed()
