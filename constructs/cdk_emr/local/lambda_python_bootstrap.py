"""The local stand-in for the AWS Lambda Python runtime interface, run as a script.

Loads the function's handler from the task root, calls it once with the event and a context
object and writes the outcome as JSON to a file (stdout and stderr stay the function's log).
Used by :mod:`cdk_emr.local.lambda_runtime`; imports nothing from cdk_emr.

Usage: ``python lambda_python_bootstrap.py <taskRoot> <handler> <eventFile> <resultFile> <contextJson>``;
the handler setting is ``<module path>.<function>`` (AWS Lambda Developer Guide, "Define Lambda
function handler in Python").
"""

from __future__ import annotations

import importlib
import json
import sys
import time
import traceback
from typing import Any


class LambdaContext:
    """The attributes of the Python runtime's context object that handlers read."""

    def __init__(self, fields: dict[str, Any], started: float) -> None:
        self.function_name = fields["functionName"]
        self.function_version = fields["functionVersion"]
        self.invoked_function_arn = fields["invokedFunctionArn"]
        self.memory_limit_in_mb = fields["memoryLimitInMB"]
        self.aws_request_id = fields["awsRequestId"]
        self.log_group_name = fields["logGroupName"]
        self.log_stream_name = fields["logStreamName"]
        self._deadline = started + fields["timeoutMillis"] / 1000

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def main(task_root: str, handler_setting: str, event_file: str, result_file: str, context_json: str) -> None:
    started = time.monotonic()
    try:
        module_path, _, function_name = handler_setting.rpartition(".")
        sys.path.insert(0, task_root)
        handler = getattr(importlib.import_module(module_path.replace("/", ".")), function_name)
        with open(event_file, encoding="utf-8") as stream:
            event = json.load(stream)
        outcome: dict[str, Any] = {"result": handler(event, LambdaContext(json.loads(context_json), started))}
    except Exception as error:  # the runtime reports any error as the invocation's error
        traceback.print_exc()
        outcome = {"errorType": type(error).__name__, "errorMessage": str(error)}
    with open(result_file, "w", encoding="utf-8") as stream:
        json.dump(outcome, stream, default=str)


if __name__ == "__main__":
    main(*sys.argv[1:6])
