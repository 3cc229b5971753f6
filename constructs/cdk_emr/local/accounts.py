"""Any account in the local AWS: an access key id ``LOCAL000<account>`` names the request's account.

moto keys its data by account and reads a request's account from the access key id, but only
from keys created in its own IAM (any other key means its default account, 123456789012); the
region already comes from each request. So that ``cdk bootstrap aws://111122223333/eu-west-1``
and ``cdk deploy`` of an app for another account work locally, the local AWS also reads the
account from a key of the form ``LOCAL000`` + the 12-digit account
(``AWS_ACCESS_KEY_ID=LOCAL000111122223333``: 20 characters, the shape moto parses out of a
request's signature), as moto's process-wide ``MOTO_ACCOUNT_ID`` would for one account. STS
GetCallerIdentity then answers that account, as the CDK CLI checks. Keys moto created keep
their own account.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

DEFAULT_ACCOUNT = "123456789012"
"""moto's default account, also the local account of env-agnostic stacks."""

_ACCOUNT_ID = re.compile(r"^\d{12}$")
_ACCOUNT_KEY = re.compile(r"^LOCAL000(?P<account>\d{12})$")
_lock = threading.Lock()
_original: Callable[[str], str] | None = None


def account_for(access_key: str) -> str:
    """The account a request with ``access_key`` belongs to."""
    assert _original is not None
    found = _original(access_key)
    named = _ACCOUNT_KEY.match(access_key or "")
    return named["account"] if found == DEFAULT_ACCOUNT and named else found


def install() -> None:
    """Let ``LOCAL000<account>`` access key ids name their account (idempotent)."""
    global _original
    from moto.iam import models

    with _lock:
        if _original is None:
            _original = models.get_account_id_from
            models.get_account_id_from = account_for


def uninstall() -> None:
    """Restore moto's own account lookup."""
    global _original
    from moto.iam import models

    with _lock:
        if _original is not None:
            models.get_account_id_from = _original
            _original = None


def access_key_for(account: str) -> str:
    """The dummy access key id that makes requests land in ``account`` (``testing`` for moto's default)."""
    return f"LOCAL000{account}" if _ACCOUNT_ID.match(account) and account != DEFAULT_ACCOUNT else "testing"
