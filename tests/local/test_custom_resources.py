"""Lambda-backed custom resources in the local AWS: the function's code runs in a subprocess with
CloudFormation's request and its response decides the stack, as the CloudFormation User Guide's
"Custom resource request objects" and "Custom resource response objects" describe."""

from __future__ import annotations

import io
import json
import shutil
import time
import zipfile
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from cdk_emr.local.custom_resources import as_cloudformation_sends

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")

# A Node.js handler written for these tests: it echoes what it received into Data and answers
# with an HTTPS PUT to the ResponseURL, as the cfn-response module does.
NODE_HANDLER = """
import { request } from "node:https";
export async function handler(event, context) {
  const p = event.ResourceProperties;
  if (p.Mode === "throw") throw new Error("boom before responding");
  if (p.Mode === "hang") await new Promise((resolve) => setTimeout(resolve, 600000));
  const failed = p.Mode === "fail";
  const body = JSON.stringify({
    Status: failed ? "FAILED" : "SUCCESS",
    Reason: failed ? "the handler says no" : undefined,
    PhysicalResourceId: `probe-${p.Name}`,
    StackId: event.StackId,
    RequestId: p.Mode === "wrong-id" ? "another-request" : event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: p.Mode === "big" ? { Blob: "x".repeat(5000) } : {
      RequestType: event.RequestType,
      ResourceType: event.ResourceType,
      Count: p.Count, CountType: typeof p.Count, Flag: p.Flag, NestedType: typeof p.Nested.Inner,
      ResponseProtocol: new URL(event.ResponseURL).protocol,
      FunctionName: context.functionName,
      Region: process.env.AWS_REGION,
      RequestIdMatches: String(event.RequestId === context.awsRequestId || event.RequestId.length > 0),
    },
  });
  await new Promise((resolve, reject) => {
    const req = request(event.ResponseURL, { method: "PUT", headers: { "content-type": "", "content-length": Buffer.byteLength(body) } },
      (res) => { res.resume(); res.on("end", resolve); });
    req.on("error", reject);
    req.end(body);
  });
}
"""

# A Python handler written for these tests: it records each request in S3 with boto3 (so its AWS
# calls must reach the local AWS) and answers with urllib. Its physical id follows ``Name``, so
# changing ``Name`` is a replacement.
PYTHON_HANDLER = """
import json
import urllib.request

import boto3


def handler(event, context):
    props = event["ResourceProperties"]
    old = event.get("PhysicalResourceId", "none")
    boto3.client("s3").put_object(Bucket=props["Bucket"], Key=f"requests/{event['RequestType']}/{old}", Body=json.dumps(event))
    body = json.dumps({
        "Status": "SUCCESS",
        "PhysicalResourceId": props["Name"],
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
        "Data": {"Greeting": "hello " + props["Name"]},
    }).encode()
    request = urllib.request.Request(event["ResponseURL"], data=body, method="PUT", headers={"Content-Type": ""})
    urllib.request.urlopen(request, timeout=10).close()
"""


def zipped(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def create_function(
    session: boto3.Session, name: str, runtime: str, handler: str, files: dict[str, str], timeout: int = 30
) -> str:
    iam = session.client("iam")
    trust = {"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    role = iam.create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    function = session.client("lambda").create_function(
        FunctionName=name, Runtime=runtime, Role=role, Handler=handler, Code={"ZipFile": zipped(files)}, Timeout=timeout
    )
    return function["FunctionArn"]


def probe_template(service_token: str, outputs: dict[str, Any] | None = None, **properties: Any) -> str:
    resource = {"Type": "Custom::Probe", "Properties": {"ServiceToken": service_token, **properties}}
    template: dict[str, Any] = {"Resources": {"Probe": resource}}
    if outputs:
        template["Outputs"] = {key: {"Value": value} for key, value in outputs.items()}
    return json.dumps(template)


@pytest.fixture
def session(mocked_aws: None) -> boto3.Session:
    return boto3.Session(region_name="us-east-1")


@pytest.fixture
def node_function(session: boto3.Session) -> str:
    return create_function(session, "probe-node", "nodejs22.x", "index.handler", {"index.mjs": NODE_HANDLER})


def outputs_of(cloudformation: Any, stack: str) -> dict[str, str]:
    described = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}


def test_the_handler_gets_cloudformations_request_and_its_response_completes_the_stack(
    session: boto3.Session, node_function: str
) -> None:
    attributes = [
        "RequestType",
        "ResourceType",
        "Count",
        "CountType",
        "Flag",
        "NestedType",
        "ResponseProtocol",
        "FunctionName",
        "Region",
    ]
    outputs = {"Ref": {"Ref": "Probe"}} | {name: {"Fn::GetAtt": ["Probe", name]} for name in attributes}
    cloudformation = session.client("cloudformation")
    template = probe_template(node_function, outputs, Name="one", Count=5, Flag=True, Nested={"Inner": 1})
    cloudformation.create_stack(StackName="Probe", TemplateBody=template)

    assert cloudformation.describe_stacks(StackName="Probe")["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
    assert outputs_of(cloudformation, "Probe") == {
        "Ref": "probe-one",  # Ref is the PhysicalResourceId the handler returned
        "RequestType": "Create",
        "ResourceType": "Custom::Probe",
        "Count": "5",  # CloudFormation sends numbers and booleans as strings, nested ones too
        "CountType": "string",
        "Flag": "true",
        "NestedType": "string",
        "ResponseProtocol": "https:",  # a pre-signed S3 URL on AWS
        "FunctionName": "probe-node",
        "Region": "us-east-1",
    }


def test_a_failed_response_fails_the_stack_with_the_handlers_reason(session: boto3.Session, node_function: str) -> None:
    with pytest.raises(
        ClientError, match=r"Received response status \[FAILED\] from custom resource\. Message returned: the handler says no"
    ):
        session.client("cloudformation").create_stack(
            StackName="Probe", TemplateBody=probe_template(node_function, Name="x", Mode="fail", Nested={})
        )


def test_a_handler_error_without_a_response_fails_the_stack_with_the_error(session: boto3.Session, node_function: str) -> None:
    with pytest.raises(ClientError, match=r"did not receive a response.*Error: boom before responding"):
        session.client("cloudformation").create_stack(
            StackName="Probe", TemplateBody=probe_template(node_function, Name="x", Mode="throw", Nested={})
        )


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("wrong-id", "Invalid response object: RequestId not those of the request"),
        ("big", "Response object is too long"),  # the body is limited to 4096 bytes
    ],
)
def test_a_response_cloudformation_would_refuse_fails_the_stack(
    session: boto3.Session, node_function: str, mode: str, message: str
) -> None:
    with pytest.raises(ClientError, match=message):
        session.client("cloudformation").create_stack(
            StackName="Probe", TemplateBody=probe_template(node_function, Name="x", Mode=mode, Nested={})
        )


def test_the_service_timeout_time_boxes_the_handler(session: boto3.Session, node_function: str) -> None:
    started = time.monotonic()
    template = probe_template(node_function, Name="x", Mode="hang", Nested={}, ServiceTimeout="2")
    with pytest.raises(ClientError, match=r"did not receive a response.*Task timed out after 2\.00 seconds"):
        session.client("cloudformation").create_stack(StackName="Probe", TemplateBody=template)
    assert time.monotonic() - started < 10  # the function's own box is 30 s + 10 s init


def test_an_attribute_missing_from_data_fails_as_on_aws(session: boto3.Session, node_function: str) -> None:
    template = json.loads(probe_template(node_function, Name="x", Nested={}))
    template["Resources"]["Reader"] = {
        "Type": "AWS::SSM::Parameter",
        "Properties": {"Type": "String", "Value": {"Fn::GetAtt": ["Probe", "Missing"]}},
    }
    with pytest.raises(ClientError, match="CustomResource attribute error: Vendor response doesn't contain Missing attribute"):
        session.client("cloudformation").create_stack(StackName="Probe", TemplateBody=json.dumps(template))


def test_python_handler_update_replacement_and_delete(session: boto3.Session) -> None:
    """Update sends the old physical id; a new one is a replacement, so the old one gets Delete;
    deleting the stack sends Delete for the current one. The handler's boto3 calls reach moto."""
    token = create_function(session, "probe-python", "python3.12", "index.handler", {"index.py": PYTHON_HANDLER})
    s3 = session.client("s3")
    s3.create_bucket(Bucket="requests")
    cloudformation = session.client("cloudformation")
    outputs = {"Greeting": {"Fn::GetAtt": ["Probe", "Greeting"]}}

    cloudformation.create_stack(StackName="Probe", TemplateBody=probe_template(token, outputs, Bucket="requests", Name="a"))
    assert outputs_of(cloudformation, "Probe") == {"Greeting": "hello a"}
    cloudformation.update_stack(StackName="Probe", TemplateBody=probe_template(token, outputs, Bucket="requests", Name="b"))
    assert outputs_of(cloudformation, "Probe") == {"Greeting": "hello b"}
    cloudformation.delete_stack(StackName="Probe")

    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="requests")["Contents"])
    assert keys == ["requests/Create/none", "requests/Delete/a", "requests/Delete/b", "requests/Update/a"]
    update = json.loads(s3.get_object(Bucket="requests", Key="requests/Update/a")["Body"].read())
    assert update["OldResourceProperties"]["Name"] == "a" and update["ResourceProperties"]["Name"] == "b"
    assert update["RequestType"] == "Update" and update["LogicalResourceId"] == "Probe"


def test_a_runtime_that_cannot_run_locally_fails_the_stack_saying_so(session: boto3.Session) -> None:
    token = create_function(session, "probe-java", "java21", "example.Handler::handleRequest", {"Handler.class": ""})
    with pytest.raises(ClientError, match="runtime java21 cannot run locally"):
        session.client("cloudformation").create_stack(StackName="Probe", TemplateBody=probe_template(token, Name="x"))


def test_changing_the_service_token_is_refused(session: boto3.Session, node_function: str) -> None:
    other = create_function(session, "probe-node-2", "nodejs22.x", "index.handler", {"index.mjs": NODE_HANDLER})
    cloudformation = session.client("cloudformation")
    cloudformation.create_stack(StackName="Probe", TemplateBody=probe_template(node_function, Name="x", Nested={}))
    with pytest.raises(ClientError, match="Modifying service token is not allowed"):
        cloudformation.update_stack(StackName="Probe", TemplateBody=probe_template(other, Name="x", Nested={}))


def test_properties_are_sent_as_strings() -> None:
    sent = as_cloudformation_sends({"A": 1, "B": True, "C": False, "D": 2.5, "E": [3, {"F": None}], "G": "text"})
    assert sent == {"A": "1", "B": "true", "C": "false", "D": "2.5", "E": ["3", {"F": None}], "G": "text"}


INLINE_NODE = """
const https = require("https");
exports.handler = async (event) => {
  const body = JSON.stringify({ Status: "SUCCESS", PhysicalResourceId: "inline-node", StackId: event.StackId,
    RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId, Data: { Runtime: "node" } });
  await new Promise((resolve, reject) => {
    const req = https.request(event.ResponseURL, { method: "PUT", headers: { "content-length": Buffer.byteLength(body) } },
      (res) => { res.resume(); res.on("end", resolve); });
    req.on("error", reject);
    req.end(body);
  });
};
"""

INLINE_PYTHON = """
import cfnresponse


def handler(event, context):
    cfnresponse.send(event, context, cfnresponse.SUCCESS, {"Runtime": "python"}, "inline-python")
"""


@pytest.mark.parametrize(
    ("runtime", "code", "expected"), [("nodejs22.x", INLINE_NODE, "node"), ("python3.12", INLINE_PYTHON, "python")]
)
def test_inline_code_in_the_template_runs(session: boto3.Session, runtime: str, code: str, expected: str) -> None:
    """``Code.ZipFile`` functions created by the same stack; Python's may use the cfnresponse
    module CloudFormation provides for inline code."""
    trust = {"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    template = {
        "Resources": {
            "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": trust}},
            "Function": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Runtime": runtime,
                    "Handler": "index.handler",
                    "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                    "Code": {"ZipFile": code},
                    "Timeout": 30,
                },
            },
            "Probe": {"Type": "Custom::Inline", "Properties": {"ServiceToken": {"Fn::GetAtt": ["Function", "Arn"]}}},
        },
        "Outputs": {"Runtime": {"Value": {"Fn::GetAtt": ["Probe", "Runtime"]}}, "Id": {"Value": {"Ref": "Probe"}}},
    }
    cloudformation = session.client("cloudformation")
    cloudformation.create_stack(StackName="Inline", TemplateBody=json.dumps(template), Capabilities=["CAPABILITY_IAM"])
    assert outputs_of(cloudformation, "Inline") == {"Runtime": expected, "Id": f"inline-{expected}"}
