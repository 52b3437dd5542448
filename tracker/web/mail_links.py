"""Signed item links for the reminders, and the pause link of every message: the mail's
link maker.

Mail does not import the web layer; the daemon and the CLI build this link maker and pass it
to :func:`tracker.notify.remind.plan_pass`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine

from tracker.config import Settings
from tracker.web.pause_links import pause_url
from tracker.web.signing import item_link, signing_secret


class MailLinks:
    """A :class:`tracker.notify.compose.LinkMaker` that also makes the pause link
    (``List-Unsubscribe``) of a recipient address: :class:`tracker.notify.compose.PauseLinks`."""

    def __init__(
        self, settings: Settings, secret: str, clock: Callable[[], datetime] | None
    ) -> None:
        self._web = settings.web
        self._secret = secret
        self._clock = clock

    def _moment(self, now: datetime) -> datetime:
        return max(now, self._clock()) if self._clock is not None else now

    def __call__(self, occurrence_id: int, recipient_key: str, now: datetime) -> str | None:
        return item_link(self._web, self._secret, occurrence_id, recipient_key, self._moment(now))

    def pause(self, address: str, now: datetime) -> str | None:
        return pause_url(self._web.base_url, self._secret, address, self._moment(now))


def item_links(
    engine: Engine,
    settings: Settings,
    now: datetime,
    *,
    clock: Callable[[], datetime] | None = None,
) -> MailLinks:
    """Signed per-item, per-recipient links to the item's web page (valid ``[web] link_days``
    from the pass's ``now``). The signing key is looked up (or made at ``now``) here, once,
    before any pass opens its write transactions.

    ``clock`` (the real one) makes links of a pass run at a simulated moment in the past
    (`tracker run --once --now 2022-09-12T10:00`) valid from the real now, not expired already.
    """
    return MailLinks(settings, signing_secret(engine, settings.web, now), clock)
