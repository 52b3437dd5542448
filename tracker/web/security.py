"""Login sessions and form tokens: signed, and timed by the app's clock, not the host's.

* Session cookie ``tracker_session``: ``[account id, issued at (Unix s), password stamp,
  session generation]`` signed with the web secret. It lasts ``[web] session_hours`` by the
  injected clock, and ends early, server-side, when the account's session generation moves on
  (logout, a new password) or the account is disabled (checked on every request): a copied
  cookie stops working with the session it was copied from.
* Form tokens (CSRF), signed double submit: a random nonce in the ``tracker_csrf`` cookie, and
  in every form the HMAC of that nonce under the web secret. A page elsewhere can neither read
  the cookie nor compute the HMAC, so it cannot forge a form. Cookies are ``HttpOnly``,
  ``SameSite=Lax``, and ``Secure`` when ``[web] base_url`` is https.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from itsdangerous import BadSignature, URLSafeSerializer

SESSION_COOKIE = "tracker_session"
CSRF_COOKIE = "tracker_csrf"
CSRF_FIELD = "csrf"
SESSION_SALT = "tracker.session.v1"


@dataclass(frozen=True, slots=True)
class Session:
    account_id: int
    issued: int  # Unix seconds, by the app's clock
    stamp: str  # the account's password stamp when it logged in
    generation: int = 0  # the account's session generation when it logged in


def dump_session(secret: str, session: Session) -> str:
    value = URLSafeSerializer(secret, salt=SESSION_SALT).dumps(
        [session.account_id, session.issued, session.stamp, session.generation]
    )
    assert isinstance(value, str)
    return value


def load_session(secret: str, value: str | None, now: datetime, hours: int) -> Session | None:
    """The session in a cookie, or ``None`` when absent, forged or older than ``hours``."""
    if not value:
        return None
    try:
        payload = URLSafeSerializer(secret, salt=SESSION_SALT).loads(value)
    except BadSignature:
        return None
    if not (isinstance(payload, list) and len(payload) == 4):
        return None  # signed by us, but before sessions had a generation: logged out
    account_id, issued, stamp, generation = payload
    if not all(isinstance(value, int) for value in (account_id, issued, generation)):
        return None  # pragma: no cover - signed by us, so shaped
    if not isinstance(stamp, str):
        return None  # pragma: no cover
    age = now.timestamp() - issued
    if age < -300 or age >= hours * 3600:
        return None
    return Session(account_id, issued, stamp, generation)


def new_nonce() -> str:
    return secrets.token_urlsafe(32)


def form_token(secret: str, nonce: str) -> str:
    """The value every form carries for the nonce in the visitor's cookie."""
    key = hashlib.sha256(f"tracker.csrf.v1:{secret}".encode()).digest()
    return hmac.new(key, nonce.encode(), hashlib.sha256).hexdigest()


def form_token_ok(secret: str, nonce: str | None, submitted: str | None) -> bool:
    if not nonce or not submitted:
        return False
    return hmac.compare_digest(form_token(secret, nonce), submitted)
