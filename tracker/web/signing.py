"""The key that signs item links, sessions and form tokens, and the one call the reminders use.

``[web] secret`` (or ``TRACKER_WEB_SECRET``) wins. When it is empty, a random key is generated
on first use and kept in the database (table ``web_key``), so every process that shares the
database — the daemon that writes the e-mails and the web server that opens their links —
signs with the same key without anyone configuring it.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError

from tracker.config import WebSettings
from tracker.store.tables import WEB_KEY
from tracker.web.links import item_url, link_expiry, make_token

SIGNING_KEY = "signing"


def signing_secret(engine: Engine, web: WebSettings, now: datetime) -> str:
    """``[web] secret``, else the key stored in the database (made at ``now`` if absent)."""
    if web.secret:
        return web.secret
    with engine.connect() as conn:
        found = conn.execute(select(WEB_KEY.c.value).where(WEB_KEY.c.name == SIGNING_KEY)).first()
    if found is not None:
        return str(found.value)
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(WEB_KEY).values(
                    name=SIGNING_KEY, value=secrets.token_urlsafe(48), created_at=now
                )
            )
    except IntegrityError:
        pass  # another process made it first: use theirs
    with engine.connect() as conn:
        return str(
            conn.execute(select(WEB_KEY.c.value).where(WEB_KEY.c.name == SIGNING_KEY)).scalar_one()
        )


def item_link(
    web: WebSettings, secret: str, occurrence_id: int, recipient_key: str, now: datetime
) -> str:
    """The page for one occurrence and one recipient, valid ``[web] link_days`` from ``now``."""
    token = make_token(secret, occurrence_id, recipient_key, link_expiry(now, web.link_days))
    return item_url(web.base_url, token)
