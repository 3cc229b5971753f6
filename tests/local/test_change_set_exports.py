"""Stacks created through change sets (``cdk deploy``) export their outputs: a second stack's
``Fn::ImportValue`` resolves, as on CloudFormation (moto registered exports only for CreateStack)."""

from __future__ import annotations

import json
from typing import Any


def _deploy(cloudformation: Any, name: str, template: dict[str, Any]) -> dict[str, Any]:
    cloudformation.create_change_set(
        StackName=name, ChangeSetName="cdk-deploy-change-set", ChangeSetType="CREATE", TemplateBody=json.dumps(template)
    )
    cloudformation.execute_change_set(StackName=name, ChangeSetName="cdk-deploy-change-set")
    return cloudformation.describe_stacks(StackName=name)["Stacks"][0]


def test_an_export_of_a_change_set_stack_is_importable_by_the_next(cloudformation: Any) -> None:
    network = {
        "Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "shared"}}},
        "Outputs": {"QueueArn": {"Value": {"Fn::GetAtt": ["Queue", "Arn"]}, "Export": {"Name": "Network:QueueArn"}}},
    }
    assert _deploy(cloudformation, "Network", network)["StackStatus"] == "CREATE_COMPLETE"
    exports = {e["Name"]: e["Value"] for e in cloudformation.list_exports()["Exports"]}
    assert exports["Network:QueueArn"].endswith(":shared")
    consumer = {
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "consumer"}}},
        "Outputs": {"Imported": {"Value": {"Fn::ImportValue": "Network:QueueArn"}}},
    }
    stack = _deploy(cloudformation, "Consumer", consumer)
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    assert {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}["Imported"] == exports["Network:QueueArn"]
