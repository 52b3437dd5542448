"""Signed pause links (List-Unsubscribe, RFC 8058): one recipient address, an expiry. Pure.

A link is ``{base_url}/pause/{token}``; the token carries ``[address, expiry as Unix seconds]``
signed with HMAC-SHA256 (itsdangerous) under a salt of its own, so an item link's token is
never a pause token and the other way round. The page it opens pauses or resumes the reminders
of that address only, without a login.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer

from tracker.web.links import LinkError

SALT = "tracker.pause-link.v1"

#: How long a pause link in a message works: a message read months later still pauses.
PAUSE_LINK_DAYS = 180


class TamperedPauseLink(LinkError):
    """The token is not one tracker signed as a pause link."""


class ExpiredPauseLink(LinkError):
    """A genuine pause token past its expiry."""


@dataclass(frozen=True, slots=True)
class PauseClaim:
    address: str  # lower case
    expires_at: datetime  # aware, UTC, whole seconds


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=SALT, signer_kwargs={"digest_method": hashlib.sha256})


def make_pause_token(secret: str, address: str, expires_at: datetime) -> str:
    if expires_at.tzinfo is None:
        raise ValueError("expires_at must be an aware datetime")
    if not address.strip():
        raise ValueError("address must not be empty")
    token = _serializer(secret).dumps([address.strip().lower(), int(expires_at.timestamp())])
    assert isinstance(token, str)
    return token


def read_pause_token(secret: str, token: str, now: datetime) -> PauseClaim:
    """The claim of a pause token; :class:`TamperedPauseLink` or :class:`ExpiredPauseLink`."""
    try:
        payload = _serializer(secret).loads(token)
    except BadSignature:
        raise TamperedPauseLink("the pause link is not valid") from None
    if not (
        isinstance(payload, list)
        and len(payload) == 2
        and isinstance(payload[0], str)
        and isinstance(payload[1], int)
    ):
        raise TamperedPauseLink("the pause link is not valid")  # pragma: no cover - ours
    claim = PauseClaim(payload[0], datetime.fromtimestamp(payload[1], UTC))
    if now >= claim.expires_at:
        raise ExpiredPauseLink(f"the pause link expired at {claim.expires_at:%Y-%m-%d} UTC")
    return claim


def pause_url(base_url: str, secret: str, address: str, now: datetime) -> str:
    """The pause page of ``address``, valid :data:`PAUSE_LINK_DAYS` from ``now``."""
    expires = now.astimezone(UTC).replace(microsecond=0) + timedelta(days=PAUSE_LINK_DAYS)
    return f"{base_url.rstrip('/')}/pause/{make_pause_token(secret, address, expires)}"
