"""CloudFormation's delete order in the local AWS: which resources a resource depends on.

CloudFormation User Guide, "DependsOn attribute": a resource that names another with Ref,
Fn::GetAtt or Fn::Sub, or lists it in DependsOn, depends on it, and "resources are deleted in
the reverse order of their creation".
"""

from __future__ import annotations

from cdk_emr.local.stack_deletion import dependencies

TEMPLATE = {
    "Vpc": {"Type": "AWS::EC2::VPC"},
    "Group": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"VpcId": {"Ref": "Vpc"}}},
    "Cleanup": {
        "Type": "Custom::Cleanup",
        "Properties": {"GroupIds": [{"Fn::GetAtt": ["Group", "GroupId"]}], "Name": {"Fn::Sub": "${Vpc}-${AWS::Region}"}},
    },
    "Cluster": {"Type": "AWS::EMR::Cluster", "DependsOn": ["Cleanup"], "Properties": {"Group": {"Fn::GetAtt": "Group.GroupId"}}},
    "Rule": {"Type": "AWS::EC2::SecurityGroupIngress", "DependsOn": "Cleanup", "Properties": {"GroupId": {"Ref": "Group"}}},
    "Output": {
        "Type": "AWS::SSM::Parameter",
        "Properties": {"Value": {"Fn::Sub": ["${Id}", {"Id": {"Ref": "Cluster"}}]}, "Region": {"Ref": "AWS::Region"}},
    },
}


def test_each_resource_depends_on_what_it_names_or_lists() -> None:
    assert dependencies(TEMPLATE) == {
        "Vpc": set(),
        "Group": {"Vpc"},
        "Cleanup": {"Group", "Vpc"},  # Fn::GetAtt, and Fn::Sub's ${Vpc} (a pseudo parameter is no resource)
        "Cluster": {"Cleanup", "Group"},  # DependsOn list, Fn::GetAtt in its dotted form
        "Rule": {"Cleanup", "Group"},  # DependsOn as a string
        "Output": {"Cluster"},  # Fn::Sub's variable map
    }
