"""The AWS endpoint a locally run Lambda handler calls: this process's moto, over HTTP on 127.0.0.1.

A handler runs in a subprocess (:mod:`cdk_emr.local.lambda_runtime`), so its AWS SDK calls need
an HTTP endpoint. moto keeps its state in this process (``mock_aws`` in a test, or the
:class:`~cdk_emr.local.server.LocalAws` server), so a second moto server in this process, started
on first use and never reset, serves the same backends: what the handler writes, the stack and
the test see. The handler is given ``http://127.0.0.1:PORT`` (an IP address, so the AWS SDKs
address S3 buckets by path: ``<bucket>.localhost`` does not resolve).
"""

from __future__ import annotations

import atexit
import threading

from .moto_handler import quiet_request_handler

_LOOPBACK = "127.0.0.1"
_POLL_SECONDS = 0.05


class SdkEndpoint:
    """A moto server over this process's backends; never resets them."""

    def __init__(self) -> None:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
        from werkzeug.serving import make_server

        self._server = make_server(
            _LOOPBACK, 0, DomainDispatcherApplication(create_backend_app), threaded=True, request_handler=quiet_request_handler()
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": _POLL_SECONDS}, name="lambda-sdk-endpoint", daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://{_LOOPBACK}:{self._server.port}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


_endpoint: SdkEndpoint | None = None
_lock = threading.Lock()


def sdk_endpoint_url() -> str:
    """``http://127.0.0.1:PORT`` of this process's endpoint, started on first use."""
    global _endpoint
    with _lock:
        if _endpoint is None:
            _endpoint = SdkEndpoint()
            atexit.register(_endpoint.stop)
        return _endpoint.url
