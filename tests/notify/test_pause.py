"""Paused recipients (the List-Unsubscribe pause link) over a quarter of a seed roadmap on a
real SMTP server, on SQLite and PostgreSQL: no reminders during the pause, reminders after it;
a coordinator's digest goes on unless paused explicitly; every message carries the signed
pause link of its recipient (RFC 8058 headers)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from mailserver import SmtpServer
from sqlalchemy import Engine, select
from test_remind import WEB_SECRET, moments, settings_for, synced

from tracker.notify.outbox import KEY_COLUMNS, read_stored
from tracker.notify.remind import plan_pass
from tracker.notify.send import send_now
from tracker.notify.transports import build_message
from tracker.store.pauses import resume, set_pause
from tracker.store.tables import OUTBOX
from tracker.web.mail_links import item_links
from tracker.web.pause_links import read_pause_token

DEPUTY = "deputy@ilovlya.example.org"  # an executor: overdue notices every month
DIRECTOR = "director@ilovlya.example.org"  # the coordinator: digests, escalations, reminders
START = datetime(2022, 7, 1, 7, 0, tzinfo=UTC)
END = datetime(2022, 9, 30, 7, 0, tzinfo=UTC)
DEPUTY_BACK = START + timedelta(weeks=4)  # a pause of 4 weeks
DIRECTOR_BACK = datetime(2022, 8, 15, 7, 0, tzinfo=UTC)  # until resumed, resumed then


def test_pause_holds_reminders_back_and_they_come_after(
    engine: Engine, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    synced(engine, tmp_path, "ilovlya")
    settings = settings_for(tmp_path, **smtp_server.env())
    set_pause(engine, DEPUTY, until=DEPUTY_BACK, digests=False, now=START)
    set_pause(engine, "Director@Ilovlya.example.org", until=None, digests=False, now=START)
    links = item_links(engine, settings, START)
    paused_seen = 0
    for now in moments(START, END, timedelta(days=1)):
        if now >= DIRECTOR_BACK:
            resume(engine, DIRECTOR)
        report = plan_pass(engine, settings, now, link_maker=links)
        paused_seen += report.paused
        assert send_now(engine, settings, now).failed == 0
    assert paused_seen > 0
    with engine.connect() as conn:
        rows = conn.execute(select(OUTBOX.c.kind, OUTBOX.c.to_addrs, OUTBOX.c.created_at)).all()
        keys = [read_stored(row).key for row in conn.execute(select(*KEY_COLUMNS))]
    sent: dict[tuple[str, bool], list[datetime]] = defaultdict(list)
    for row in rows:
        sent[(row.to_addrs[0], row.kind == "digest")].append(row.created_at)
    deputy = sorted(sent[(DEPUTY, False)])
    assert deputy and deputy[0] >= DEPUTY_BACK  # nothing during the pause, reminders after
    director = sorted(sent[(DIRECTOR, False)])
    assert director and director[0] >= DIRECTOR_BACK
    digests = sorted(sent[(DIRECTOR, True)])
    assert digests and digests[0] < DIRECTOR_BACK  # the digest was not paused
    assert len(keys) == len(set(keys))  # each stage made once
    # every message, reminder or digest, carries its recipient's signed pause link
    received = smtp_server.received
    assert len(received) == len(rows)
    kinds = set()
    for message in received:
        header = str(message.message["List-Unsubscribe"]).strip()  # folded: a long line
        assert header.startswith("<") and header.endswith(">"), header
        url = header[1:-1]
        assert "/pause/" in url
        claim = read_pause_token(WEB_SECRET, url.rpartition("/")[2], END)
        assert claim.address == message.rcpt_tos[0]
        assert message.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        kinds.add(message.message["Precedence"] or "single")
    assert kinds == {"bulk", "single"}  # digests and reminders both


def _message(unsubscribe: str | None) -> object:
    return build_message(
        sender="tracker@example.org", to_addrs=["a@example.org"], subject="Тема", text="т",
        html="<p>т</p>", message_id="<1@example.org>", when=START, unsubscribe=unsubscribe,
    )  # fmt: skip


def test_headers_only_with_a_link_and_never_a_line_break() -> None:
    with_link = _message("https://t.example/pause/abc")
    assert with_link["List-Unsubscribe"] == "<https://t.example/pause/abc>"  # type: ignore[index]
    assert with_link["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"  # type: ignore[index]
    assert with_link["Auto-Submitted"] == "auto-generated"  # type: ignore[index]
    without = _message(None)
    assert without["List-Unsubscribe"] is None  # type: ignore[index]
    with pytest.raises(ValueError, match="line break"):
        _message("https://t.example/pause/abc\r\nBcc: x@example.org")
