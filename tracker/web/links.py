"""Signed item links: one occurrence, one recipient, an expiry. Pure: no clock, no I/O.

A link is ``{base_url}/i/{token}``; the token carries ``[occurrence id, recipient key, expiry
as Unix seconds]`` signed with HMAC-SHA256 (itsdangerous). The page it opens acts on that
occurrence only, in the recipient's name. A token whose signature does not match is
:class:`TamperedLink`; a genuine one past its expiry is :class:`ExpiredLink` (which still says
what it was for, so the page can name the item).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer

from tracker.errors import InputError

SALT = "tracker.item-link.v1"


class LinkError(InputError):
    """An item link that cannot be used."""


class TamperedLink(LinkError):
    """The token is not one tracker signed (edited, truncated, or signed with another key)."""


class ExpiredLink(LinkError):
    """A genuine token past its expiry."""

    def __init__(self, message: str, claim: LinkClaim) -> None:
        super().__init__(message)
        self.claim = claim


@dataclass(frozen=True, slots=True)
class LinkClaim:
    """What a valid token grants: this occurrence, for this recipient, until then."""

    occurrence_id: int
    recipient_key: str  # "executor:<id>" or "address:<email>"
    expires_at: datetime  # aware, UTC, whole seconds


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=SALT, signer_kwargs={"digest_method": hashlib.sha256})


def make_token(secret: str, occurrence_id: int, recipient_key: str, expires_at: datetime) -> str:
    """A URL-safe token for ``occurrence_id`` and ``recipient_key``, valid before ``expires_at``."""
    if expires_at.tzinfo is None:
        raise ValueError("expires_at must be an aware datetime")
    if not recipient_key:
        raise ValueError("recipient_key must not be empty")
    payload = [int(occurrence_id), recipient_key, int(expires_at.timestamp())]
    token = _serializer(secret).dumps(payload)
    assert isinstance(token, str)
    return token


def read_token(secret: str, token: str, now: datetime) -> LinkClaim:
    """The claim of a token; :class:`TamperedLink` or :class:`ExpiredLink` when it is unusable."""
    try:
        payload = _serializer(secret).loads(token)
    except BadSignature:
        raise TamperedLink("the link is not valid") from None
    if (
        not isinstance(payload, list)
        or len(payload) != 3
        or not all(isinstance(item, t) for item, t in zip(payload, (int, str, int), strict=True))
    ):
        raise TamperedLink("the link is not valid")  # pragma: no cover - signed by us, so shaped
    claim = LinkClaim(payload[0], payload[1], datetime.fromtimestamp(payload[2], UTC))
    if now >= claim.expires_at:
        raise ExpiredLink(f"the link expired at {claim.expires_at:%Y-%m-%d %H:%M} UTC", claim)
    return claim


def item_url(base_url: str, token: str) -> str:
    """The page a token opens: ``{base_url}/i/{token}``."""
    return f"{base_url.rstrip('/')}/i/{token}"


def link_expiry(now: datetime, days: int) -> datetime:
    """When a link made at ``now`` stops working: ``days`` later (``[web] link_days``)."""
    return now.astimezone(UTC).replace(microsecond=0) + timedelta(days=days)
