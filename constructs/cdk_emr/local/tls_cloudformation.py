"""``Custom::EmrTlsCertificates`` for moto's CloudFormation: the generated EMR TLS bundle, in-process.

On AWS the resource is a Lambda function (``cdk_emr.security.certificates``) that generates a
key and a self-signed certificate and writes EMR's PEM zip to S3. moto would invoke that
function in Docker, which a local run does not have; this model does the same work in-process
with ``cryptography`` (a dependency of moto) and puts the zip into moto's S3, SSE-KMS as the
function does. Like the function, each create or update writes a new object
(``<KeyPrefix><UTC time>-<random>.zip``, the physical id and ``ObjectKey``), and delete keeps it.

moto routes every ``Custom::`` type to its Lambda-invoking model before looking at its model
map; :func:`prefer_registered_custom_types` makes a model registered for a ``Custom::`` type win.
"""

from __future__ import annotations

import io
import secrets
import zipfile
from datetime import UTC, datetime, timedelta
from typing import Any

from moto.core.common_models import CloudFormationModel

from .cfn_model import CfnReferences

RESOURCE_TYPE = "Custom::EmrTlsCertificates"
FILES = ("privateKey.pem", "certificateChain.pem", "trustedCertificates.pem")
CLOCK_SKEW = timedelta(minutes=5)


class CloudFormationTlsCertificates(CfnReferences, CloudFormationModel):
    """A generated EMR TLS certificate bundle in S3, created by a CloudFormation stack."""

    cfn_ref = "object_key"  # the object key of the bundle, as the function returns it
    cfn_attributes = {"ObjectKey": "object_key", "CertificateSha256": "certificate_sha256", "NotAfter": "not_after"}

    def __init__(self, object_key: str, certificate_sha256: str, not_after: str) -> None:
        self.object_key = object_key
        self.certificate_sha256 = certificate_sha256
        self.not_after = not_after

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return RESOURCE_TYPE

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> CloudFormationTlsCertificates:
        return cls._generate(cloudformation_json.get("Properties", {}), account_id, region_name)

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
    ) -> CloudFormationTlsCertificates:
        """A property changed: a new bundle under a new key (the old one stays)."""
        return cls._generate(cloudformation_json.get("Properties", {}), account_id, region_name)

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
    ) -> None:
        """Retained, as on AWS: a cluster launched with the bundle may still add nodes."""

    @classmethod
    def _generate(cls, properties: dict[str, Any], account_id: str, region_name: str) -> CloudFormationTlsCertificates:
        from moto.awslambda.utils import get_backend as lambda_backend
        from moto.cloudformation.exceptions import ValidationError
        from moto.s3.models import s3_backends
        from moto.utilities.utils import get_partition

        token = properties.get("ServiceToken")
        try:
            lambda_backend(account_id, region_name).get_function(token)  # the function must exist
            now = datetime.now(UTC).replace(microsecond=0)
            body, sha256, not_after = generate_bundle(
                common_name=properties["CommonName"],
                validity_days=int(properties["ValidityDays"]),
                key_size=int(properties["KeySize"]),
                now=now,
            )
            key = f"{properties['KeyPrefix']}{now.strftime('%Y%m%dT%H%M%S')}Z-{secrets.token_hex(6)}.zip"
            s3_backends[account_id][get_partition(region_name)].put_object(
                properties["BucketName"],
                key,
                body,
                encryption="aws:kms",
                kms_key_id=properties["KmsKeyArn"],
                bucket_key_enabled=True,
            )
        except Exception as error:  # the stack fails with a CloudFormation error, as the function's FAILED would
            raise ValidationError(message=f"{RESOURCE_TYPE} (ServiceToken {token}): {type(error).__name__}: {error}") from error
        return cls(key, sha256, not_after)


def generate_bundle(*, common_name: str, validity_days: int, key_size: int, now: datetime) -> tuple[bytes, str, str]:
    """EMR's PEM zip for ``common_name`` as the function makes it; with the certificate's
    SHA-256 fingerprint and expiry (ISO 8601)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    key_id = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    not_after = now + timedelta(days=validity_days)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(key_id, critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(key_id), critical=False)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(common_name)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    certificate_pem = certificate.public_bytes(serialization.Encoding.PEM)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for filename, data in zip(FILES, (private_pem, certificate_pem, certificate_pem), strict=True):
            archive.writestr(filename, data)
    fingerprint = certificate.fingerprint(hashes.SHA256()).hex()
    return buffer.getvalue(), fingerprint, not_after.isoformat().replace("+00:00", "Z")


def prefer_registered_custom_types() -> None:
    """Make moto's CloudFormation use a model registered in its model map for a ``Custom::``
    type instead of its Lambda-invoking ``CustomModel``, while the emulation is installed.
    Idempotent; after :func:`cdk_emr.local.uninstall` moto's own routing applies again."""
    from moto.cloudformation import parsing

    from .emr_emulation import is_installed

    original = parsing.resource_class_from_type
    if getattr(original, "prefers_registered_custom_types", False):
        return

    def resource_class_from_type(resource_type: str) -> Any:
        if resource_type.startswith("Custom::") and is_installed():
            registered = parsing.get_model_map().get(resource_type)
            if registered is not None:
                return registered
        return original(resource_type)

    resource_class_from_type.prefers_registered_custom_types = True  # type: ignore[attr-defined]
    parsing.resource_class_from_type = resource_class_from_type
