"""Transports against real parts: .eml files on disk and aiosmtpd with STARTTLS, TLS and AUTH."""

from __future__ import annotations

import asyncio
import email
import email.policy
from datetime import date, timedelta
from email.mime.text import MIMEText
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from mailserver import PASSWORD, USERNAME, SmtpServer
from outboxkit import NOW, SENDER, message, queue, row, settings_from
from sqlalchemy import Engine

from tracker.config import Settings
from tracker.errors import SendError
from tracker.notify.outbox import make_message_id
from tracker.notify.send import SendReport, send_pass, send_test_now
from tracker.notify.transports import (
    _WIRE,
    FileTransport,
    ServerUnavailable,
    _text_part,
    build_message,
    make_transport,
    wire_bytes,
)

TEXT = "Здравствуйте, Иван Иванович!\n\nСрок мероприятия 2.3 — 31 мая 2024 г. Осталось 3 дня.\n"
HTML = "<p>Здравствуйте, Иван Иванович!</p><p>Срок мероприятия 2.3 — <b>31 мая 2024 г.</b></p>"


def _send(engine: Engine, settings: Settings, **kwargs: Any) -> SendReport:
    return asyncio.run(send_pass(engine, settings, NOW, worker="test", **kwargs))


# --- the message --------------------------------------------------------------------------------


def test_message_is_multipart_alternative_russian_and_automatic() -> None:
    built = build_message(
        sender=SENDER,
        to_addrs=["ivanov@example.org", "office@example.org"],
        subject="Напоминание: срок 31 мая 2024 г.",
        text=TEXT,
        html=HTML,
        message_id="<abc.tracker@tracker.example.org>",
        when=NOW,
    )
    parsed = email.message_from_bytes(built.as_bytes(), policy=email.policy.default)
    assert parsed["From"] == SENDER
    assert parsed["To"] == "ivanov@example.org, office@example.org"
    assert parsed["Subject"] == "Напоминание: срок 31 мая 2024 г."
    assert parsed["Message-ID"] == "<abc.tracker@tracker.example.org>"
    assert parsed["Date"] == "Mon, 20 May 2024 07:00:00 +0000"
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed.get_content_type() == "multipart/alternative"
    assert parsed.get_body(("plain",)).get_content() == TEXT  # type: ignore[union-attr]
    assert parsed.get_body(("html",)).get_content().strip() == HTML  # type: ignore[union-attr]
    assert parsed.get_body(("plain",)).get_content_charset() == "utf-8"  # type: ignore[union-attr]


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(["Subject", "To", "List-Unsubscribe", "X-A"]),
    value=st.text(st.characters(min_codepoint=9, max_codepoint=0x44F), max_size=120),
)
def test_wire_writes_every_header_as_compat32_does(name: str, value: str) -> None:
    """The fast way for plain short values gives compat32's very bytes, and every other value
    takes compat32's own way (its folding, its encoding, its errors)."""
    assume("\n" not in value and "\r" not in value)
    try:
        expected = email.policy.compat32.clone(linesep="\r\n").fold(name, value)
    except Exception as error:  # compat32 refuses some values: so must the wire
        with pytest.raises(type(error)):
            _WIRE.fold(name, value)
        return
    assert _WIRE.fold(name, value) == expected


@pytest.mark.parametrize("subtype", ["plain", "html"])
@pytest.mark.parametrize(
    "body", ["", TEXT, HTML * 40, "a\r\nb\n" * 3], ids=["empty", "text", "long", "crlf"]
)
def test_text_part_is_mimetext_less_its_mime_version(body: str, subtype: str) -> None:
    expected = MIMEText(body, subtype, "utf-8")
    del expected["MIME-Version"]
    made = _text_part(body, subtype)
    assert made.as_bytes(policy=_WIRE) == expected.as_bytes(policy=_WIRE)
    assert made.get_payload(decode=True) == body.encode("utf-8")


def test_a_message_on_the_wire_is_what_compat32_writes() -> None:
    built = build_message(
        sender=SENDER, to_addrs=["ivanov@example.org"] * 9, subject="Напоминание: " + "срок " * 20,
        text=TEXT, html=HTML, message_id="<abc.tracker@tracker.example.org>", when=NOW,
        bulk=True, unsubscribe="https://tracker.example.org/pause/" + "x" * 120,
    )  # fmt: skip
    assert wire_bytes(built) == built.as_bytes(policy=email.policy.compat32.clone(linesep="\r\n"))


# --- files --------------------------------------------------------------------------------------


def test_file_transport_writes_once_per_message_atomically(tmp_path: Path) -> None:
    transport = FileTransport(tmp_path / "outbox")
    built = build_message(
        sender=SENDER, to_addrs=["a@example.org"], subject="Тема", text=TEXT, html=HTML,
        message_id="<m1.tracker@tracker.example.org>", when=NOW,
    )  # fmt: skip
    day = date(2024, 5, 20)
    for _ in range(2):  # the same message twice: the same file, rewritten
        delivery = asyncio.run(
            transport.send(built, sender=SENDER, recipients=["a@example.org"], day=day)
        )
    files = sorted(p.relative_to(tmp_path) for p in (tmp_path / "outbox").rglob("*"))
    assert files == [
        Path("outbox/2024-05-20"),
        Path("outbox/2024-05-20/m1.tracker_tracker.example.org.eml"),
    ]
    written = tmp_path / "outbox/2024-05-20/m1.tracker_tracker.example.org.eml"
    assert delivery.detail == f"wrote {written}"
    parsed = email.message_from_bytes(written.read_bytes(), policy=email.policy.default)
    assert parsed["Subject"] == "Тема"


def test_file_transport_that_cannot_write_is_a_temporary_failure(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file where the folder should be")
    transport = FileTransport(tmp_path / "taken")
    built = build_message(
        sender=SENDER, to_addrs=["a@example.org"], subject="Тема", text=TEXT, html=HTML,
        message_id="<m1@x>", when=NOW,
    )  # fmt: skip
    with pytest.raises(ServerUnavailable, match=r"cannot write .*check \[mail\] dir"):
        asyncio.run(transport.send(built, sender=SENDER, recipients=["a@x.org"], day=NOW.date()))


def test_default_transport_sends_the_outbox_to_eml_files(engine: Engine, tmp_path: Path) -> None:
    settings = settings_from({"TRACKER_MAIL_DIR": str(tmp_path / "mail")}, tmp_path)
    assert make_transport(settings).describe() == f"file {tmp_path / 'mail'}/"
    ids = queue(engine, message("a", to=("a@example.org",)), message("b", to=("b@example.org",)))
    report = _send(engine, settings)
    assert report.sent == 2
    written = sorted((tmp_path / "mail" / "2024-05-20").glob("*.eml"))
    assert len(written) == 2
    sent_ids = {
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)["Message-ID"]
        for p in written
    }
    assert sent_ids == {row(engine, i).message_id for i in ids}
    assert not list((tmp_path / "mail").rglob("*.tmp"))


# --- configuration from the environment ---------------------------------------------------------


def test_mail_and_smtp_variables_reach_the_settings(tmp_path: Path) -> None:
    settings = settings_from(
        {
            "TRACKER_MAIL_TRANSPORT": "smtp",
            "TRACKER_MAIL_DIR": "/var/spool/tracker",
            "TRACKER_MAIL_FROM": "noreply@gov.example.org",
            "TRACKER_SMTP_HOST": "mail.gov.example.org",
            "TRACKER_SMTP_PORT": "465",
            "TRACKER_SMTP_STARTTLS": "false",
            "TRACKER_SMTP_TLS": "true",
            "TRACKER_SMTP_USERNAME": "robot",
            "TRACKER_SMTP_PASSWORD": "секрет",
            "TRACKER_MAIL_MAX_ATTEMPTS": "4",
        },
        tmp_path,
    )
    assert settings.mail.transport == "smtp"
    assert settings.mail.dir == Path("/var/spool/tracker")
    assert settings.mail.sender == "noreply@gov.example.org"
    assert settings.mail.max_attempts == 4
    smtp = settings.smtp
    assert (smtp.host, smtp.port, smtp.starttls, smtp.tls) == (
        "mail.gov.example.org",
        465,
        False,
        True,
    )
    assert (smtp.username, smtp.password) == ("robot", "секрет")
    assert (
        make_transport(settings).describe() == "smtp mail.gov.example.org:465 (TLS, AUTH as robot)"
    )


# --- SMTP ---------------------------------------------------------------------------------------


def test_starttls_and_auth_deliver_exact_recipients_subjects_and_bodies(
    engine: Engine, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    settings = settings_from(smtp_server.env(), tmp_path)
    queued = [
        message("one", to=("ivanov@example.org",), subject="Напоминание: срок 31 мая 2024 г.",
                text=TEXT, html=HTML),
        message("two", to=("petrova@example.org", "office@example.org"),
                subject="Срок истёк: мероприятие 1.2", text="Срок истёк.\n",
                html="<p>Срок истёк.</p>"),
    ]  # fmt: skip
    ids = queue(engine, *queued)
    report = _send(engine, settings)
    assert report.sent == 2
    got = sorted(smtp_server.received, key=lambda r: r.rcpt_tos)
    assert [r.rcpt_tos for r in got] == [
        ("ivanov@example.org",),
        ("petrova@example.org", "office@example.org"),
    ]
    for received, item, row_id in zip(got, queued, ids, strict=True):
        assert received.mail_from == SENDER
        assert received.login == USERNAME and received.tls
        assert received.message["Subject"] == item.subject
        assert received.message["To"] == ", ".join(item.to_addrs)
        assert received.message["Message-ID"] == make_message_id(item.key, SENDER)
        assert received.text == item.text
        assert received.html.strip() == item.html
        stored = row(engine, row_id)
        assert (stored.state, stored.attempts, stored.sent_at) == ("sent", 1, NOW)


def test_connections_are_reused_and_bounded(
    engine: Engine, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    settings = settings_from({**smtp_server.env(), "TRACKER_SMTP_CONNECTIONS": "2"}, tmp_path)
    queue(engine, *(message(f"m{i}", to=(f"u{i}@example.org",)) for i in range(12)))
    report = _send(engine, settings, chunk=5)
    assert report.sent == 12
    assert len(smtp_server.received) == 12
    assert 1 <= smtp_server.handler.sessions <= 2  # one AUTH per connection


def test_implicit_tls(engine: Engine, smtps_server: SmtpServer, tmp_path: Path) -> None:
    settings = settings_from(smtps_server.env(), tmp_path)
    queue(engine, message("a", to=("a@example.org",)))
    assert _send(engine, settings).sent == 1
    (received,) = smtps_server.received
    assert received.tls and received.login == USERNAME


SETUP_MISTAKES = {
    "wrong-password": (
        {"TRACKER_SMTP_PASSWORD": "wrong"},
        r"refused AUTH: 535 .*check \[smtp\] username and password",
    ),
    "untrusted-certificate": (
        {"TRACKER_SMTP_CA_FILE": ""},
        r"TLS with 127\.0\.0\.1:\d+ failed: .*check \[smtp\] tls, starttls and ca_file",
    ),
    "no-starttls": (
        {"TRACKER_SMTP_STARTTLS": "false"},
        r"AUTH extension is not supported .*check \[smtp\] username, starttls and tls",
    ),
    "nothing-listening": (
        {"TRACKER_SMTP_PORT": "1"},
        r"cannot connect to 127\.0\.0\.1:1: connection refused \(check \[smtp\] host and port\)",
    ),
}


@pytest.mark.parametrize(
    ("change", "error"), list(SETUP_MISTAKES.values()), ids=list(SETUP_MISTAKES)
)
def test_send_test_names_what_to_check(
    smtp_server: SmtpServer, tmp_path: Path, change: dict[str, str], error: str
) -> None:
    settings = settings_from({**smtp_server.env(), **change}, tmp_path)
    with pytest.raises(SendError, match=error) as caught:
        send_test_now(settings, "admin@example.org", NOW)
    assert "\n" not in str(caught.value)
    assert smtp_server.received == []


def test_send_test_delivers_one_message(smtp_server: SmtpServer, tmp_path: Path) -> None:
    settings = settings_from(smtp_server.env(), tmp_path)
    where = send_test_now(settings, "admin@example.org", NOW)
    assert where.startswith(f"smtp 127.0.0.1:{smtp_server.port} (STARTTLS, AUTH as {USERNAME})")
    (received,) = smtp_server.received
    assert received.rcpt_tos == ("admin@example.org",)
    assert received.message["Subject"] == "Проверка отправки почты"
    assert "проверочное письмо" in received.text


def test_server_down_stops_the_pass_and_gives_rows_back(engine: Engine, tmp_path: Path) -> None:
    settings = settings_from(
        {"TRACKER_MAIL_TRANSPORT": "smtp", "TRACKER_SMTP_HOST": "127.0.0.1",
         "TRACKER_SMTP_PORT": "1", "TRACKER_SMTP_STARTTLS": "false"},
        tmp_path,
    )  # fmt: skip
    ids = queue(engine, *(message(f"m{i}") for i in range(6)))
    report = _send(engine, settings)
    assert report.sent == 0 and report.retried >= 1
    assert "connection refused" in (report.halted or "")
    states = [row(engine, i) for i in ids]
    assert all(r.state == "pending" for r in states)
    tried = [r for r in states if r.attempts == 1]
    assert len(tried) == report.retried
    assert all(r.next_attempt_at == NOW + timedelta(minutes=1) for r in tried)
    assert all(r.attempts == 0 and r.claimed_by is None for r in states if r not in tried)
    assert PASSWORD not in str(report)


def test_file_transport_removes_what_a_killed_writer_left(tmp_path: Path) -> None:
    """Issue 17: a kill -9 between writing and renaming left a hidden .tmp for ever."""
    import os
    import signal
    import subprocess
    import sys
    import time

    day = tmp_path / "outbox" / "2024-05-20"
    day.mkdir(parents=True)
    writer = (
        "import os, sys, tempfile, time\n"
        "from tracker.notify.transports import _host\n"
        "handle, name = tempfile.mkstemp(dir=sys.argv[1], "
        "prefix=f'.{_host()}.{os.getpid()}.', suffix='.tmp')\n"
        "os.write(handle, b'From: half a message')\n"
        "print(name, flush=True)\n"
        "time.sleep(600)\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", writer, str(day)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    killed = Path(process.stdout.readline().strip())
    process.send_signal(signal.SIGKILL)
    process.wait()
    from tracker.notify.transports import _host

    alive = day / f".{_host()}.{os.getpid()}.abcd1234.tmp"  # a write in progress: ours
    old_legacy = day / ".k2j4h5g6.tmp"  # an older version's, two days old
    fresh_legacy = day / ".z9y8x7w6.tmp"  # an older version's, maybe being written
    other_host = day / ".elsewhere.4242.q1w2e3r4.tmp"  # another host's (a shared folder)
    delivered = day / "m1.tracker_tracker.example.org.eml"
    for path in (alive, old_legacy, fresh_legacy, other_host, delivered):
        path.write_bytes(b"x")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old_legacy, (two_days_ago, two_days_ago))

    FileTransport(tmp_path / "outbox")
    left = {path.name for path in day.iterdir()}
    assert killed.name not in left
    assert old_legacy.name not in left
    assert left == {alive.name, fresh_legacy.name, other_host.name, delivered.name}
