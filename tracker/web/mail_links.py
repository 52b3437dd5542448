"""Signed item links for the reminders: the mail's link maker.

Mail does not import the web layer; the daemon and the CLI build this link maker and pass it
to :func:`tracker.notify.remind.plan_pass`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine

from tracker.config import Settings
from tracker.notify.compose import LinkMaker
from tracker.web.signing import item_link, signing_secret


def item_links(
    engine: Engine,
    settings: Settings,
    now: datetime,
    *,
    clock: Callable[[], datetime] | None = None,
) -> LinkMaker:
    """Signed per-item, per-recipient links to the item's web page (valid ``[web] link_days``
    from the pass's ``now``). The signing key is looked up (or made at ``now``) here, once,
    before any pass opens its write transactions.

    ``clock`` (the real one) makes links of a pass run at a simulated moment in the past
    (`tracker run --once --now 2022-09-12T10:00`) valid from the real now, not expired already.
    """
    secret = signing_secret(engine, settings.web, now)
    web = settings.web

    def make(occurrence_id: int, recipient_key: str, now: datetime) -> str | None:
        moment = max(now, clock()) if clock is not None else now
        return item_link(web, secret, occurrence_id, recipient_key, moment)

    return make
