"""CloudFormation's pre-signed response URL, locally: an HTTPS endpoint on 127.0.0.1 that keeps
the JSON a custom-resource handler PUTs to it.

On AWS, CloudFormation gives the handler a pre-signed ``https://`` S3 URL (``ResponseURL``) and
reads the response object the handler PUTs there. Handlers send it with ``https`` only (the
Node.js ``cfn-response`` module, aws-cdk-lib's provider entry points, this project's TLS
generator), so the local endpoint speaks TLS too: a certificate for ``localhost`` and
``127.0.0.1``, generated per process with ``cryptography`` (a moto dependency) and handed to the
handler's runtime as its trusted CA (``NODE_EXTRA_CA_CERTS``, ``SSL_CERT_FILE``). Each request
gets its own unguessable path; a PUT to any other path is refused.
"""

from __future__ import annotations

import atexit
import functools
import ipaddress
import secrets
import shutil
import ssl
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

_LOOPBACK = "127.0.0.1"
# The response body is at most 4096 bytes (AWS CloudFormation User Guide, "Custom resource
# response objects"); read a little more so that a too-long body is seen and refused, not cut.
MAX_BODY_BYTES = 64 * 1024


@dataclass(frozen=True)
class ResponseTarget:
    """Where one request's response goes: the URL to send and the CA file its client must trust."""

    url: str
    ca_file: Path


class ResponseEndpoint:
    """An HTTPS server on 127.0.0.1 receiving custom-resource responses, one URL per request."""

    def __init__(self) -> None:
        self._directory = Path(tempfile.mkdtemp(prefix="cdk-emr-cfn-response-"))
        self.ca_file, key_file = _self_signed_certificate(self._directory)
        self._lock = threading.Lock()
        self._expected: dict[str, threading.Event] = {}
        self._bodies: dict[str, bytes] = {}
        handler = functools.partial(_ResponseHandler, self)
        self._server = ThreadingHTTPServer((_LOOPBACK, 0), handler)
        self._server.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.ca_file, key_file)
        key_file.unlink()  # the context holds the key; only the (public) certificate stays on disk
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(target=self._server.serve_forever, name="cfn-response-url", daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def expect(self) -> tuple[str, ResponseTarget]:
        """A new response URL; returns its token (for :meth:`take`) and the target."""
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._expected[token] = threading.Event()
        # the loopback address, not "localhost": a client may resolve that to ::1 first
        return token, ResponseTarget(f"https://{_LOOPBACK}:{self.port}/cfn-response/{token}", self.ca_file)

    def take(self, token: str, timeout_seconds: float = 0) -> bytes | None:
        """The body PUT to the token's URL (waiting up to ``timeout_seconds``), or None; forgets the token."""
        with self._lock:
            event = self._expected.get(token)
        if event is not None:
            event.wait(timeout_seconds)
        with self._lock:
            self._expected.pop(token, None)
            return self._bodies.pop(token, None)

    def _receive(self, token: str, body: bytes) -> bool:
        with self._lock:
            event = self._expected.get(token)
            if event is None or event.is_set():
                return False
            self._bodies[token] = body
            event.set()
            return True

    def stop(self) -> None:
        """Stop serving and remove the certificate files."""
        self._server.shutdown()
        self._server.server_close()
        shutil.rmtree(self._directory, ignore_errors=True)


class _ResponseHandler(BaseHTTPRequestHandler):
    """Accepts one PUT per expected token, answers 200 as S3 does; anything else is 403/405."""

    def __init__(self, endpoint: ResponseEndpoint, *args: Any, **kwargs: Any) -> None:
        self.endpoint = endpoint
        super().__init__(*args, **kwargs)

    def do_PUT(self) -> None:  # noqa: N802 (http.server's naming)
        length = min(int(self.headers.get("Content-Length") or 0), MAX_BODY_BYTES)
        body = self.rfile.read(length)
        token = self.path.split("?", 1)[0].removeprefix("/cfn-response/")
        accepted = self.endpoint._receive(token, body)
        self.send_response(200 if accepted else 403)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802
        self.send_response(405)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: no line per request."""


def _self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A key and a self-signed certificate for ``localhost`` and 127.0.0.1 (PEM files)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=7))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(_LOOPBACK))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    certificate_file = directory / "response-url-ca.pem"
    key_file = directory / "response-url-key.pem"
    certificate_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_file.chmod(0o600)
    return certificate_file, key_file


_endpoint: ResponseEndpoint | None = None
_endpoint_lock = threading.Lock()


def response_endpoint() -> ResponseEndpoint:
    """This process's response endpoint, started on first use."""
    global _endpoint
    with _endpoint_lock:
        if _endpoint is None:
            _endpoint = ResponseEndpoint()
            atexit.register(_endpoint.stop)
        return _endpoint
