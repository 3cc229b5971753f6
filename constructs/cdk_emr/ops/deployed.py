"""The template a stack is deployed with, from CloudFormation (``GetTemplate``), for comparisons.

``GetTemplate`` with ``TemplateStage=Original`` returns the template as submitted (what
``cdk deploy`` uploaded), which is what a synthesized template is compared against
(CloudFormation API Reference, GetTemplate). boto3 answers a JSON template as a dictionary and
anything else (YAML) as text.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from cdk_emr.ops.operations import OperationError, aws_client, aws_errors


def deployed_template(
    stack: str, *, region: str | None = None, endpoint_url: str | None = None, cloudformation: Any = None
) -> dict[str, Any]:
    """The original template of the deployed ``stack``; :class:`OperationError` when there is none."""
    cloudformation = cloudformation or aws_client("cloudformation", region, endpoint_url)
    with aws_errors(region=cloudformation.meta.region_name):
        try:
            body = cloudformation.get_template(StackName=stack, TemplateStage="Original")["TemplateBody"]
        except ClientError as error:
            if "does not exist" not in error.response.get("Error", {}).get("Message", ""):
                raise
            raise OperationError(f"stack {stack} does not exist in {cloudformation.meta.region_name}") from None
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except json.JSONDecodeError:
            raise OperationError(f"the deployed template of {stack} is not JSON (YAML is not read here)") from None
    if not isinstance(body, dict):
        raise OperationError(f"the deployed template of {stack} is not a JSON object")
    return body


def save_deployed_template(stack: str, directory: Path | None = None, **where: Any) -> Path:
    """Write the deployed template of ``stack`` to ``STACK.template.json`` (in a new temporary
    directory unless ``directory``) and return its path, ready for the template comparisons."""
    directory = directory or Path(tempfile.mkdtemp(prefix="cdk-emr-deployed-"))
    path = directory / f"{stack}.template.json"
    path.write_text(json.dumps(deployed_template(stack, **where), indent=1))
    return path
