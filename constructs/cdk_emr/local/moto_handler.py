"""moto's HTTP request handler without werkzeug's log line per request (the local server and
the Lambda SDK endpoint both serve with it)."""

from __future__ import annotations

import functools
from typing import Any


@functools.cache
def quiet_request_handler() -> type:
    """moto's request handler without werkzeug's line per request."""
    from moto.moto_server.werkzeug_app import MotoRequestHandler

    class QuietRequestHandler(MotoRequestHandler):
        def log_request(self, *args: Any, **kwargs: Any) -> None:
            """Do not log requests."""

    return QuietRequestHandler
