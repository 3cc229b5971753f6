"""CloudFormation dynamic references (``{{resolve:ssm:...}}``, ``{{resolve:secretsmanager:...}}``)
for moto's CloudFormation, which passes them through as literal text (moto 5.2.5).

CloudFormation puts the parameter's or secret's value in place of the reference when it creates
or updates the resource (CloudFormation User Guide, "Using dynamic references to specify
template values"): ``{{resolve:ssm:parameter-name[:version]}}`` and
``{{resolve:secretsmanager:secret-id:SecretString[:json-key[:version-stage[:version-id]]]}}``.
A reference to a parameter or secret that does not exist fails the stack operation, as it does
on AWS. ``ssm-secure`` references are left as they are (moto stores no SecureString to resolve
for the resources that accept them).

With it, a stack that reads another stack's value by name (the prod KDC's address, its admin
password) gets that value in the local AWS too, and a test can check it there.
"""

from __future__ import annotations

import json
import re
from typing import Any

from moto.cloudformation.exceptions import ValidationError

_SSM = re.compile(r"\{\{resolve:ssm:([A-Za-z0-9_.\-/]+)(?::([0-9]+))?\}\}")
_SECRETS = re.compile(r"\{\{resolve:secretsmanager:(.+?)\}\}")


def resolve(text: str, account_id: str, region_name: str) -> str:
    """``text`` with every ``ssm`` and ``secretsmanager`` dynamic reference replaced by its value."""
    if "{{resolve:" not in text:
        return text
    text = _SSM.sub(lambda m: _ssm_value(m.group(1), m.group(2), account_id, region_name), text)
    return _SECRETS.sub(lambda m: _secret_value(m.group(1), account_id, region_name), text)


def _ssm_value(name: str, version: str | None, account_id: str, region_name: str) -> str:
    from moto.ssm.models import ssm_backends

    parameter = ssm_backends[account_id][region_name].get_parameter(f"{name}:{version}" if version else name)
    if parameter is None:
        # CloudFormation's answer for a missing parameter of a dynamic reference
        raise ValidationError(message=f"Parameters: [ssm:{name}] cannot be found.")
    return str(parameter.value)


def _secret_value(reference: str, account_id: str, region_name: str) -> str:
    from moto.secretsmanager.exceptions import SecretNotFoundException
    from moto.secretsmanager.models import secretsmanager_backends

    # secret-id may be an ARN (with colons): the fields after it are SecretString and the optional ones.
    secret_id, _, rest = reference.partition(":SecretString")
    fields = rest.split(":")[1:] if rest else []
    json_key = fields[0] if len(fields) > 0 and fields[0] else None
    stage = fields[1] if len(fields) > 1 and fields[1] else None
    version = fields[2] if len(fields) > 2 and fields[2] else None
    try:
        value = secretsmanager_backends[account_id][region_name].get_secret_value(secret_id, version, stage)
    except SecretNotFoundException as error:
        raise ValidationError(message=f"Secrets Manager can't find the specified secret: {secret_id}") from error
    secret = value.get("SecretString") or ""
    return str(json.loads(secret)[json_key]) if json_key else secret


def patches() -> list[tuple[Any, str, Any]]:
    """``(owner, name, replacement)`` for :mod:`cdk_emr.local.cloudformation_lifecycle` to install:
    moto's ``clean_json``, which renders every property value, resolves the references it returns."""
    from moto.cloudformation import parsing

    original = parsing.__dict__["clean_json"]

    def clean_json(resource_json: Any, resources_map: Any) -> Any:
        cleaned = original(resource_json, resources_map)
        # moto evaluates conditions against a plain dict, which names no account: nothing to resolve there
        account_id, region_name = getattr(resources_map, "_account_id", None), getattr(resources_map, "_region_name", None)
        if isinstance(cleaned, str) and account_id and region_name:
            return resolve(cleaned, account_id, region_name)
        return cleaned

    return [(parsing, "clean_json", clean_json)]
