"""Run a Lambda function's real code locally: the deployed zip, its handler, one event, a subprocess.

moto stores a function's code (the zip CloudFormation points it to) but would run it in Docker,
which a local run does not have. :func:`invoke` unpacks the zip into a fresh task root and runs
the handler with the machine's interpreter, as the Lambda runtime would:

* ``nodejs*`` runtimes with the ``node`` on ``PATH``, ``python*`` runtimes with this process's
  Python (its packages stand in for the runtime's: boto3). Other runtimes, container images and
  layers cannot run here: the invocation fails saying so.
* The environment is the function's variables plus Lambda's defined ones (AWS Lambda Developer
  Guide, "Defined runtime environment variables"), with dummy credentials and
  ``AWS_ENDPOINT_URL`` set to the local AWS, so the handler's SDK calls reach moto and nothing
  of the caller's environment (real credentials, profiles) leaks in.
* The AWS SDK for JavaScript v3 that the Node.js runtime provides is taken from a
  ``node_modules`` holding ``@aws-sdk/*`` (this project's ``package.json`` pins the clients our
  handlers use): the task root's parent links to it, so ``require`` and ``import`` both find it
  after the function's own modules, as on Lambda.
* Time-boxed: the function's ``Timeout`` plus Lambda's 10-second init phase, or less when the
  caller's deadline is nearer; then the process group is killed and the invocation times out.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdk_emr.local.accounts import access_key_for

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
NODE_BOOTSTRAP = HERE / "lambda_node_bootstrap.mjs"
PYTHON_BOOTSTRAP = HERE / "lambda_python_bootstrap.py"
DUMMY_CREDENTIAL = "testing"
# The Init phase (loading the code) may take up to 10 s besides the function's timeout
# (AWS Lambda Developer Guide, "Understanding the Lambda execution environment lifecycle").
INIT_SECONDS = 10
NODE_MODULES_VARIABLE = "CDK_EMR_LAMBDA_NODE_MODULES"
LOG_TAIL_CHARS = 2000


class LambdaRuntimeError(RuntimeError):
    """The function cannot run locally (runtime, packaging or interpreter missing)."""


@dataclass(frozen=True)
class LocalFunction:
    """What :func:`invoke` needs of a deployed function."""

    name: str
    arn: str
    runtime: str
    handler: str
    code: bytes = field(repr=False)
    region: str
    environment: Mapping[str, str] = field(default_factory=dict)
    timeout_seconds: int = 3
    memory_mb: int = 128
    layers: tuple[str, ...] = ()
    package_type: str = "Zip"

    @classmethod
    def from_moto(cls, function: Any) -> LocalFunction:
        """The function as moto's Lambda backend stores it."""
        return cls(
            name=function.function_name,
            arn=function.function_arn,
            runtime=function.run_time or "",
            handler=function.handler or "",
            code=getattr(function, "code_bytes", b"") or b"",
            region=function.region,
            environment={k: str(v) for k, v in (function.environment_vars or {}).items()},
            timeout_seconds=int(function.timeout or 3),
            memory_mb=int(function.memory_size or 128),
            layers=tuple(str(layer.get("Arn", layer)) for layer in function.layers or ()),
            package_type=function.package_type or "Zip",
        )


@dataclass(frozen=True)
class Invocation:
    """The outcome of one invocation."""

    result: Any = None
    error: str | None = None  # "<errorType>: <errorMessage>" when the handler failed or timed out
    logs: str = ""
    duration_seconds: float = 0.0
    timed_out: bool = False

    @property
    def log_tail(self) -> str:
        return self.logs[-LOG_TAIL_CHARS:]


def invoke(
    function: LocalFunction,
    event: Mapping[str, Any],
    *,
    endpoint_url: str,
    extra_environment: Mapping[str, str] | None = None,
    deadline_seconds: float | None = None,
    loopback_https_port: int | None = None,
) -> Invocation:
    """Run ``function``'s handler with ``event`` in a subprocess and return its outcome.

    ``endpoint_url`` is where its AWS SDK calls go; ``extra_environment`` adds variables (the
    trusted CA of a local response URL); ``deadline_seconds`` caps the run below the function's
    own time box; ``loopback_https_port`` receives HTTPS a Node.js handler sends to the loopback's
    port 443 (see ``lambda_node_bootstrap.mjs``). Raises :class:`LambdaRuntimeError` when the
    function cannot run here.
    """
    command_for = _command_for(function)
    request_id = str(uuid.uuid4())
    timeout_ms = function.timeout_seconds * 1000
    limit = function.timeout_seconds + INIT_SECONDS
    if deadline_seconds is not None:
        limit = min(limit, deadline_seconds)
    with tempfile.TemporaryDirectory(prefix=f"lambda-{function.name[:40]}-") as work:
        work_dir = Path(work)
        task_root = work_dir / "task"
        _unpack(function.code, task_root)
        _restore_inline_node_code(task_root, function)
        _link_runtime_node_modules(work_dir, function)
        event_file, result_file = work_dir / "event.json", work_dir / "result.json"
        event_file.write_text(json.dumps(event))
        context = {
            "functionName": function.name,
            "functionVersion": "$LATEST",
            "invokedFunctionArn": function.arn,
            "memoryLimitInMB": str(function.memory_mb),
            "awsRequestId": request_id,
            "logGroupName": f"/aws/lambda/{function.name}",
            "logStreamName": f"{time.strftime('%Y/%m/%d')}/[$LATEST]{request_id.replace('-', '')}",
            "timeoutMillis": timeout_ms,
        }
        command = [*command_for, str(task_root), function.handler, str(event_file), str(result_file), json.dumps(context)]
        if loopback_https_port is not None and function.runtime.startswith("nodejs"):
            command.append(str(loopback_https_port))
        environment = _environment(function, task_root, endpoint_url, context, extra_environment or {})
        started = time.monotonic()
        process = subprocess.Popen(
            command,
            cwd=task_root,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a timeout kills everything it started
        )
        timed_out = False
        try:
            output, _ = process.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
        duration = time.monotonic() - started
        logs = output.decode("utf-8", errors="replace")
        logger.debug("Lambda %s (%s) ran %.2fs:\n%s", function.name, function.runtime, duration, logs)
        if timed_out:
            message = f"Sandbox.Timedout: Task timed out after {limit:.2f} seconds"
            return Invocation(error=message, logs=logs, duration_seconds=duration, timed_out=True)
        if not result_file.exists():
            message = f"Runtime.ExitError: the runtime exited with code {process.returncode} before the handler returned"
            return Invocation(error=message, logs=logs, duration_seconds=duration)
        outcome = json.loads(result_file.read_text())
        if "errorType" in outcome:
            return Invocation(
                error=f"{outcome['errorType']}: {outcome.get('errorMessage', '')}", logs=logs, duration_seconds=duration
            )
        return Invocation(result=outcome.get("result"), logs=logs, duration_seconds=duration)


def _command_for(function: LocalFunction) -> list[str]:
    if function.package_type != "Zip":
        raise LambdaRuntimeError(
            f"function {function.name}: container images (PackageType {function.package_type}) cannot run locally"
        )
    if function.layers:
        raise LambdaRuntimeError(f"function {function.name}: layers ({', '.join(function.layers)}) cannot run locally")
    if not function.code:
        raise LambdaRuntimeError(f"function {function.name}: moto holds no code for it (inline code or a missing S3 object)")
    if function.runtime.startswith("nodejs"):
        node = shutil.which("node")
        if node is None:
            raise LambdaRuntimeError(f"function {function.name} ({function.runtime}) needs Node.js: no 'node' on PATH")
        return [node, str(NODE_BOOTSTRAP)]
    if function.runtime.startswith("python"):
        return [sys.executable, str(PYTHON_BOOTSTRAP)]
    raise LambdaRuntimeError(
        f"function {function.name}: runtime {function.runtime or '(none)'} cannot run locally (Node.js and Python only)"
    )


def _unpack(code: bytes, task_root: Path) -> None:
    import io

    task_root.mkdir()
    with zipfile.ZipFile(io.BytesIO(code)) as archive:
        archive.extractall(task_root)  # extractall drops absolute paths and '..' components


def _restore_inline_node_code(task_root: Path, function: LocalFunction) -> None:
    """moto zips inline code (CloudFormation's ``Code.ZipFile``) as ``index.py`` with its
    ``cfnresponse.py`` whatever the runtime; Lambda names Node.js inline code ``index.js``."""
    source, helper = task_root / "index.py", task_root / "cfnresponse.py"
    if function.runtime.startswith("nodejs") and {p.name for p in task_root.iterdir()} == {source.name, helper.name}:
        source.rename(task_root / "index.js")
        helper.unlink()


_MISSING_SDK = re.compile(r"(?:Cannot find (?:module|package)|Package|package with name) '?(@aws-sdk/[\w-]+)'?")


def missing_sdk_hint(text: str) -> str:
    """A sentence on how to provide the ``@aws-sdk/*`` package ``text`` says is missing, or ''."""
    match = _MISSING_SDK.search(text)
    if match is None:
        return ""
    return (
        f" Locally the Node.js runtime's AWS SDK is the node_modules that package.json pins: run `npm ci`, "
        f"add {match.group(1)} there, or set {NODE_MODULES_VARIABLE} to a node_modules holding it."
    )


def runtime_node_modules() -> Path | None:
    """The ``node_modules`` standing in for the Node.js runtime's AWS SDK: ``$CDK_EMR_LAMBDA_NODE_MODULES``,
    else the nearest ``node_modules/@aws-sdk`` above the working directory or this package."""
    configured = os.environ.get(NODE_MODULES_VARIABLE)
    if configured:
        return Path(configured)
    for start in (Path.cwd(), HERE):
        for directory in (start, *start.parents):
            if (directory / "node_modules" / "@aws-sdk").is_dir():
                return directory / "node_modules"
    return None


def _link_runtime_node_modules(work_dir: Path, function: LocalFunction) -> None:
    if not function.runtime.startswith("nodejs"):
        return
    modules = runtime_node_modules()
    if modules is not None:
        (work_dir / "node_modules").symlink_to(modules, target_is_directory=True)


def _environment(
    function: LocalFunction,
    task_root: Path,
    endpoint_url: str,
    context: Mapping[str, Any],
    extra: Mapping[str, str],
) -> dict[str, str]:
    """The function's variables, then Lambda's own (reserved: they win), pointed at the local AWS."""
    home = task_root.parent / "home"
    home.mkdir()
    return {
        **function.environment,
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
        "LAMBDA_TASK_ROOT": str(task_root),
        "_HANDLER": function.handler,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{function.runtime}",
        "AWS_LAMBDA_FUNCTION_NAME": function.name,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_mb),
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_LAMBDA_LOG_GROUP_NAME": str(context["logGroupName"]),
        "AWS_LAMBDA_LOG_STREAM_NAME": str(context["logStreamName"]),
        "AWS_REGION": function.region,
        "AWS_DEFAULT_REGION": function.region,
        "AWS_ACCESS_KEY_ID": access_key_for(function.arn.split(":")[4]),  # its calls stay in its account
        "AWS_SECRET_ACCESS_KEY": DUMMY_CREDENTIAL,
        "AWS_SESSION_TOKEN": DUMMY_CREDENTIAL,
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(home / "aws-config"),  # absent: no profile of the caller is read
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "aws-credentials"),
        "PYTHONDONTWRITEBYTECODE": "1",
        **extra,
    }
