"""``cdk_emr.local.lambda_runtime``: a function's zip runs in a subprocess as the Lambda runtime
would run it (AWS Lambda Developer Guide: handler naming, context object, defined environment
variables), with nothing of the caller's environment but PATH."""

from __future__ import annotations

import io
import os
import shutil
import zipfile

import pytest

from cdk_emr.local.lambda_runtime import LambdaRuntimeError, LocalFunction, invoke, missing_sdk_hint

ENDPOINT = "http://127.0.0.1:9"  # never called by these handlers
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")


def function(runtime: str, handler: str, files: dict[str, str], **overrides: object) -> LocalFunction:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    settings: dict = {
        "name": "probe",
        "arn": "arn:aws:lambda:eu-west-1:123456789012:function:probe",
        "runtime": runtime,
        "handler": handler,
        "code": buffer.getvalue(),
        "region": "eu-west-1",
        "environment": {"GREETING": "hello"},
        "timeout_seconds": 30,
        "memory_mb": 256,
    } | overrides
    return LocalFunction(**settings)  # type: ignore[arg-type]


ENV_HANDLER_JS = """
export const handler = async (event, context) => ({
  echo: event.value,
  env: Object.fromEntries(["GREETING", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE",
    "AWS_ENDPOINT_URL", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "_HANDLER", "LAMBDA_TASK_ROOT", "TZ"]
    .map((k) => [k, process.env[k] ?? null])),
  cwdIsTaskRoot: process.cwd() === process.env.LAMBDA_TASK_ROOT,
  context: { name: context.functionName, arn: context.invokedFunctionArn, memory: context.memoryLimitInMB,
             remaining: context.getRemainingTimeInMillis() },
});
"""


@needs_node
def test_a_node_handler_gets_the_event_the_context_and_lambdas_environment_only() -> None:
    callers = {"AWS_PROFILE": "someones-real-profile", "AWS_SECRET_ACCESS_KEY": "a-real-secret"}
    saved = {name: os.environ.get(name) for name in callers}
    os.environ.update(callers)  # not monkeypatch: restored before the fixtures' teardown reads it
    try:
        outcome = invoke(
            function("nodejs22.x", "app/main.handler", {"app/main.mjs": ENV_HANDLER_JS}), {"value": 42}, endpoint_url=ENDPOINT
        )
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    assert outcome.error is None, outcome.logs
    result = outcome.result
    assert result["echo"] == 42 and result["cwdIsTaskRoot"] is True
    env = result["env"]
    assert env["LAMBDA_TASK_ROOT"].endswith("/task")
    assert {k: v for k, v in env.items() if k != "LAMBDA_TASK_ROOT"} == {
        "GREETING": "hello",  # the function's own variable
        "AWS_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",  # never the caller's
        "AWS_PROFILE": None,
        "AWS_ENDPOINT_URL": ENDPOINT,
        "AWS_LAMBDA_FUNCTION_NAME": "probe",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
        "_HANDLER": "app/main.handler",
        "TZ": ":UTC",
    }
    context = result["context"]
    assert (context["name"], context["arn"], context["memory"]) == (
        "probe",
        "arn:aws:lambda:eu-west-1:123456789012:function:probe",
        "256",
    )
    assert 0 < context["remaining"] <= 30_000


@needs_node
def test_a_commonjs_handler_with_a_callback_and_the_runtimes_sdk() -> None:
    """CommonJS ``require`` of a client the Node.js runtime provides (pinned in package.json)."""
    code = """
const { S3Client } = require("@aws-sdk/client-s3");
exports.handler = (event, context, callback) => callback(null, { sdk: typeof S3Client, doubled: event.n * 2 });
"""
    outcome = invoke(function("nodejs22.x", "index.handler", {"index.js": code}), {"n": 21}, endpoint_url=ENDPOINT)
    assert outcome.error is None, outcome.logs
    assert outcome.result == {"sdk": "function", "doubled": 42}


@needs_node
def test_a_handler_error_is_the_invocations_error_with_its_log() -> None:
    code = 'export const handler = async () => { console.log("about to fail"); throw new TypeError("bad input"); };'
    outcome = invoke(function("nodejs22.x", "index.handler", {"index.mjs": code}), {}, endpoint_url=ENDPOINT)
    assert outcome.error == "TypeError: bad input" and outcome.result is None
    assert "about to fail" in outcome.logs


@needs_node
def test_a_missing_handler_export_is_reported_as_the_runtime_does() -> None:
    outcome = invoke(
        function("nodejs22.x", "index.nothing", {"index.mjs": "export const handler = 1;"}), {}, endpoint_url=ENDPOINT
    )
    assert outcome.error is not None and outcome.error.startswith("Runtime.HandlerNotFound")


@needs_node
def test_the_invocation_is_time_boxed() -> None:
    code = "export const handler = () => new Promise(() => setInterval(() => {}, 1000));"
    outcome = invoke(
        function("nodejs22.x", "index.handler", {"index.mjs": code}, timeout_seconds=1),
        {},
        endpoint_url=ENDPOINT,
        deadline_seconds=1.5,
    )
    assert outcome.timed_out and outcome.error == "Sandbox.Timedout: Task timed out after 1.50 seconds"
    assert outcome.duration_seconds < 5


def test_a_python_handler_runs_with_its_context() -> None:
    code = """
import os

def handler(event, context):
    return {"sum": sum(event["values"]), "name": context.function_name, "remaining": context.get_remaining_time_in_millis(),
            "greeting": os.environ["GREETING"], "region": os.environ["AWS_DEFAULT_REGION"]}
"""
    outcome = invoke(
        function("python3.12", "pkg.mod.handler", {"pkg/__init__.py": "", "pkg/mod.py": code}),
        {"values": [1, 2, 3]},
        endpoint_url=ENDPOINT,
    )
    assert outcome.error is None, outcome.logs
    assert {k: v for k, v in outcome.result.items() if k != "remaining"} == {
        "sum": 6,
        "name": "probe",
        "greeting": "hello",
        "region": "eu-west-1",
    }
    assert 0 < outcome.result["remaining"] <= 30_000


def test_a_python_handler_error_is_the_invocations_error() -> None:
    code = "def handler(event, context):\n    raise KeyError('Bucket')\n"
    outcome = invoke(function("python3.12", "index.handler", {"index.py": code}), {}, endpoint_url=ENDPOINT)
    assert outcome.error == "KeyError: 'Bucket'"
    assert "Traceback" in outcome.logs


@pytest.mark.parametrize(
    ("runtime", "overrides", "message"),
    [
        ("java21", {}, "runtime java21 cannot run locally"),
        ("python3.12", {"package_type": "Image"}, "container images"),
        ("python3.12", {"layers": ("arn:aws:lambda:eu-west-1:123456789012:layer:x:1",)}, "layers"),
        ("python3.12", {"code": b""}, "moto holds no code"),
    ],
)
def test_what_cannot_run_locally_is_refused_by_name(runtime: str, overrides: dict, message: str) -> None:
    with pytest.raises(LambdaRuntimeError, match=message):
        invoke(function(runtime, "index.handler", {"index.py": ""}, **overrides), {}, endpoint_url=ENDPOINT)


def test_a_handler_returning_nothing_succeeds_with_null() -> None:
    code = "def handler(event, context):\n    print('done')\n"
    outcome = invoke(function("python3.12", "index.handler", {"index.py": code}), {}, endpoint_url=ENDPOINT)
    assert (outcome.error, outcome.result, outcome.timed_out) == (None, None, False)
    assert outcome.logs.strip() == "done"


@needs_node
def test_a_client_the_runtime_sdk_lacks_is_named_with_how_to_add_it(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    empty = tmp_path / "node_modules"
    empty.mkdir()
    code = 'import { SFNClient } from "@aws-sdk/client-sfn";\nexport const handler = async () => typeof SFNClient;'
    monkeypatch.setenv("CDK_EMR_LAMBDA_NODE_MODULES", str(empty))
    outcome = invoke(function("nodejs22.x", "index.handler", {"index.mjs": code}), {}, endpoint_url=ENDPOINT)
    assert outcome.error is not None and "@aws-sdk/client-sfn" in outcome.error
    hint = missing_sdk_hint(outcome.error)
    assert "npm ci" in hint and "@aws-sdk/client-sfn" in hint and "CDK_EMR_LAMBDA_NODE_MODULES" in hint
    # aws-cdk-lib's AwsCustomResource handler words it its own way
    assert "@aws-sdk/client-sfn" in missing_sdk_hint("Package @aws-sdk/client-sfn does not exist.")
    assert missing_sdk_hint("AccessDenied: not allowed") == ""
