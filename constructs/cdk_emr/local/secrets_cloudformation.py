"""``AWS::SecretsManager::Secret`` for moto's CloudFormation (moto 5.2.5 has no model for it).

Stacks that keep a KDC admin password in Secrets Manager reference the secret (``Ref`` is its
ARN) from outputs, exports and dynamic references; without a model, moto drops the resource and
every reference to it fails. The secret value is the template's ``SecretString``, else a
password generated as ``GenerateSecretString`` asks (length, punctuation, spaces).
"""

from __future__ import annotations

import json
from typing import Any

from moto.core.common_models import CloudFormationModel

from .cfn_model import CfnReferences

DEFAULT_PASSWORD_LENGTH = 32


class CloudFormationSecret(CfnReferences, CloudFormationModel):
    """A Secrets Manager secret created by a CloudFormation stack."""

    cfn_ref = "arn"  # Ref of a secret is its ARN, and so is its Id
    cfn_attributes = {"Id": "arn"}

    def __init__(self, arn: str, name: str) -> None:
        self.arn = arn
        self.name = name

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SecretsManager::Secret"

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> CloudFormationSecret:
        from moto.secretsmanager.models import secretsmanager_backends

        properties = cloudformation_json.get("Properties", {})
        backend = secretsmanager_backends[account_id][region_name]
        created = backend.create_secret(
            name=properties.get("Name") or resource_name,
            secret_string=properties.get("SecretString") or _generate(properties.get("GenerateSecretString") or {}),
            secret_binary=None,
            description=properties.get("Description"),
            tags=properties.get("Tags"),
            kms_key_id=properties.get("KmsKeyId"),
            client_request_token=None,
            replica_regions=[],
            force_overwrite=False,
        )
        summary = json.loads(created)
        return cls(summary["ARN"], summary["Name"])


def _generate(spec: dict[str, Any]) -> str:
    """A password as ``GenerateSecretString`` describes it (moto's own generator)."""
    from moto.secretsmanager.utils import random_password

    password = random_password(
        password_length=int(spec.get("PasswordLength", DEFAULT_PASSWORD_LENGTH)),
        exclude_characters=spec.get("ExcludeCharacters", ""),
        exclude_numbers=_flag(spec, "ExcludeNumbers"),
        exclude_punctuation=_flag(spec, "ExcludePunctuation"),
        exclude_uppercase=_flag(spec, "ExcludeUppercase"),
        exclude_lowercase=_flag(spec, "ExcludeLowercase"),
        include_space=_flag(spec, "IncludeSpace"),
        require_each_included_type=_flag(spec, "RequireEachIncludedType", default=True),
    )
    template, key = spec.get("SecretStringTemplate"), spec.get("GenerateStringKey")
    if template and key:
        document = json.loads(template)
        document[key] = password
        return json.dumps(document)
    return password


def _flag(spec: dict[str, Any], name: str, default: bool = False) -> bool:
    value = spec.get(name, default)
    return value if isinstance(value, bool) else str(value).lower() == "true"
