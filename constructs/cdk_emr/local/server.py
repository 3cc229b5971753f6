"""A moto server with the EMR emulation, on a free port of 127.0.0.1.

The server runs in a thread of this process, so the emulation installed here applies to it.
Clients use ``http://localhost:PORT``: moto reads the bucket of a CloudFormation
``TemplateURL`` from the URL path only when the host is ``localhost``, so deploying with the
cdk CLI against ``http://127.0.0.1:PORT`` fails with "The specified bucket does not exist".
"""

from __future__ import annotations

import threading
import urllib.request
from types import TracebackType
from typing import Any

from .accounts import DEFAULT_ACCOUNT
from .emr_emulation import install
from .lifecycle import TimedStepRunner, configure
from .moto_handler import quiet_request_handler
from .step_commands import StepSettings

_LOOPBACK = "127.0.0.1"
_SHUTDOWN_POLL_SECONDS = 0.05


class LocalAws:
    """A moto server with the EMR emulation installed, usable as a context manager.

    ``with LocalAws() as aws: boto3.client("emr", endpoint_url=aws.endpoint_url, ...)``.
    The server starts with empty state and stops when the block exits, including on
    Ctrl-C and on errors.
    """

    def __init__(
        self,
        port: int = 0,
        region_name: str = "us-east-1",
        log_requests: bool = False,
        time_scale: float | None = None,
        aws_managed_policies: bool = False,
        run_steps: bool = False,
        step_settings: StepSettings | None = None,
    ) -> None:
        """``port=0`` picks a free port; ``time_scale`` sets how fast EMR states pass
        (:mod:`cdk_emr.local.lifecycle`, default :data:`~cdk_emr.local.lifecycle.DEFAULT_TIME_SCALE`);
        ``aws_managed_policies`` loads AWS's managed IAM policies (``aws emr create-default-roles``
        attaches them; loading takes a few seconds per account). ``run_steps`` runs EMR steps for
        real when Java and pyspark are present (:mod:`cdk_emr.local.step_execution`, with
        ``step_settings``), else emulates them; :attr:`step_execution` then says which."""
        self.region_name = region_name
        self.account = DEFAULT_ACCOUNT
        """The account the demo's commands act as (a 12-digit access key id names it, see
        :mod:`cdk_emr.local.accounts`); any client may use another."""
        self.time_scale = time_scale
        self.aws_managed_policies = aws_managed_policies
        self._previous_iam_config: Any = None
        self.log_requests = log_requests
        self._requested_port = port
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self.run_steps = run_steps
        self.step_settings = step_settings or StepSettings()
        self.step_runner: Any = None
        self.step_execution = "Steps are emulated (they complete by convention)."
        """What happens to steps: run for real (with what), or emulated (and what is missing)."""

    @property
    def port(self) -> int:
        """The port the server listens on (RuntimeError when it is not running)."""
        if self._server is None:
            raise RuntimeError("The local AWS server is not running.")
        return int(self._server.port)

    @property
    def endpoint_url(self) -> str:
        """``http://localhost:PORT``, for boto3's ``endpoint_url`` or ``AWS_ENDPOINT_URL``."""
        return f"http://localhost:{self.port}"

    @property
    def running(self) -> bool:
        """Whether the server thread is serving."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> LocalAws:
        """Install the emulation, start the server and reset moto's state."""
        if self.running:
            return self
        install()
        if self.time_scale is not None:
            configure(time_scale=self.time_scale)
        if self.aws_managed_policies:
            from moto import settings

            self._previous_iam_config = settings.default_user_config.get("iam")
            settings.default_user_config["iam"] = {**(self._previous_iam_config or {}), "load_aws_managed_policies": True}
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        handler = MotoRequestHandler if self.log_requests else quiet_request_handler()
        self._server = make_server(
            _LOOPBACK,
            self._requested_port,
            DomainDispatcherApplication(create_backend_app),
            threaded=True,
            request_handler=handler,
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": _SHUTDOWN_POLL_SECONDS},
            name=f"local-aws-{self.port}",
            daemon=True,
        )
        self._thread.start()
        try:
            self.reset()
            if self.run_steps:
                self._install_step_runner()
        except BaseException:
            self.stop()
            raise
        return self

    def _install_step_runner(self) -> None:
        from .spark_toolchain import find_spark_toolchain
        from .step_execution import LocalStepRunner

        self.step_runner = LocalStepRunner(self.endpoint_url, find_spark_toolchain(), self.step_settings)
        configure(step_runner=self.step_runner)
        self.step_runner.start_ticking()
        self.step_execution = self.step_runner.describe()

    def reset(self) -> None:
        """Drop every resource moto holds in this process (all services, ``mock_aws`` too);
        steps running for real are killed."""
        if self.step_runner is not None:
            self.step_runner.shutdown()
        request = urllib.request.Request(f"http://{_LOOPBACK}:{self.port}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=10):
            pass

    def stop(self) -> None:
        """Stop the server and free its port; safe to call more than once."""
        server, thread = self._server, self._thread
        self._server, self._thread = None, None
        if server is None:
            return
        if self.step_runner is not None:
            self.step_runner.close()
            configure(step_runner=TimedStepRunner())
            self.step_runner = None
        if self.aws_managed_policies:
            from moto import settings

            settings.default_user_config["iam"] = self._previous_iam_config or {}
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=10)

    def client(self, service_name: str, **kwargs: Any) -> Any:
        """A boto3 client for this server (credentials come from the usual chain)."""
        import boto3

        kwargs.setdefault("region_name", self.region_name)
        return boto3.client(service_name, endpoint_url=self.endpoint_url, **kwargs)

    def __enter__(self) -> LocalAws:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
