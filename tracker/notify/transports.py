"""Transports: an outbox row becomes an e-mail, delivered by SMTP or written as an ``.eml`` file.

Every failure is a :class:`~tracker.errors.SendError` that knows whether retrying can help:

- ``permanent``: the server refused this message for good (a 5xx reply to MAIL, RCPT or DATA;
  every recipient refused with 5xx; an address that cannot be sent to);
- temporary: 4xx replies, connection refused, timeouts, a connection dropped mid-message, and
  whatever stops a session before any message is discussed (greeting, EHLO, STARTTLS, TLS
  certificates, AUTH): those are the server's state or our configuration, not the message's
  fault, so the message waits and is tried again. :class:`ServerUnavailable` marks them: a send
  pass stops there instead of trying every other row against the same broken server.

A partial refusal (some recipients accepted, others refused) is a delivery: the message went
out, and :attr:`Delivery.refused` lists who did not get it. Retrying would send it twice to the
others, so it is not retried; the refusals are recorded with the row.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import socket
import ssl
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email import base64mime
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.policy import Compat32
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from tracker.errors import SendError

if TYPE_CHECKING:
    from aiosmtplib import SMTP

    from tracker.config import MailSettings, Settings, SmtpSettings
    from tracker.notify.outbox import OutboxRow


class ServerUnavailable(SendError):
    """A temporary failure of the server or of the session with it, not of one message."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message, permanent=False, hint=hint)


@dataclass(frozen=True, slots=True)
class Delivery:
    """A message handed over. ``refused``: address → reply, for recipients refused while
    others accepted. ``detail``: the file written, or the server's reply to DATA, for people."""

    refused: Mapping[str, str] = field(default_factory=dict)
    detail: str = ""


class Transport(Protocol):
    """Delivers messages; one instance serves one send pass, then is closed."""

    @property
    def concurrency(self) -> int:
        """How many messages it can usefully have in flight at once."""
        ...

    def describe(self) -> str:
        """Where messages go, for people: ``smtp mail.example.org:587 (STARTTLS, AUTH as …)``."""
        ...

    async def send(
        self, message: Message, *, sender: str, recipients: Sequence[str], day: date
    ) -> Delivery:
        """Deliver ``message`` to ``recipients``; ``day`` files it (the recipient's local day).
        Raises :class:`SendError`."""
        ...

    async def close(self) -> None:
        """Let go of connections; the transport can still be used afterwards."""
        ...


# --- the message --------------------------------------------------------------------------------


def build_message(
    *,
    sender: str,
    to_addrs: Sequence[str],
    subject: str,
    text: str,
    html: str,
    message_id: str,
    when: datetime,
    bulk: bool = False,
    unsubscribe: str | None = None,
) -> Message:
    """A multipart/alternative message (plain text and HTML, UTF-8) marked as automatic.

    Built with the ``compat32`` MIME classes: twenty times faster to build than
    :class:`email.message.EmailMessage` and twice as fast to serialise, for the same bytes a
    mail client reads.
    """
    for value in (sender, message_id, *to_addrs, unsubscribe or ""):
        if "\n" in value or "\r" in value:  # compat32 would write it as a header of its own
            raise ValueError(f"a line break in header value {value!r}")
    # A fixed boundary saves the generator's search for one; "_" never occurs in base64 bodies.
    tag = hashlib.sha256(message_id.encode("utf-8")).hexdigest()[:24]
    message = MIMEMultipart("alternative", boundary=f"=_tracker_{tag}")
    message["From"] = sender
    message["To"] = ", ".join(to_addrs)
    title = " ".join(subject.split())
    message["Subject"] = title if title.isascii() else Header(title, "utf-8")  # type: ignore[assignment]
    message["Date"] = format_datetime(when.astimezone(UTC))
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    if bulk:  # a digest: a list-like mailing, so filters and auto-responders treat it as one
        domain = message_id.strip("<>").rpartition("@")[2] or "tracker.invalid"
        message["List-Id"] = f"tracker digest <digest.{domain}>"
        message["Precedence"] = "bulk"
    if unsubscribe:  # the signed pause link; one-click POST pauses for 4 weeks (RFC 8058)
        message["List-Unsubscribe"] = f"<{unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    for body, subtype in ((text, "plain"), (html, "html")):
        message.attach(_text_part(body, subtype))
    return message


def _text_part(body: str, subtype: str) -> Message:
    """A UTF-8 text part in base64: the bytes of ``MIMEText(body, subtype, "utf-8")`` less its
    ``MIME-Version`` (a test compares them), without its charset machinery, a third of the
    time of building a message."""
    part = Message()
    part["Content-Type"] = f'text/{subtype}; charset="utf-8"'
    part["Content-Transfer-Encoding"] = "base64"
    part.set_payload(base64mime.body_encode(body.encode("utf-8")))
    return part


def message_for(row: OutboxRow, sender: str, when: datetime) -> Message:
    """The e-mail of an outbox row, sent at ``when``."""
    return build_message(
        sender=sender,
        to_addrs=row.to_addrs,
        subject=row.subject,
        text=row.text,
        html=row.html,
        message_id=row.message_id,
        when=when,
        bulk=row.kind == "digest",
        unsubscribe=row.list_unsubscribe,
    )


# --- files --------------------------------------------------------------------------------------


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_SWEPT: set[Path] = set()  # folders whose stale temporary files this process removed

#: A header value compat32 writes as it is: printable ASCII words, one space between them.
_PLAIN_VALUE = re.compile(r"[\x21-\x7e]+(?: [\x21-\x7e]+)*")


class _Wire(Compat32):
    """compat32, as messages are written to a file or the wire, without its header machinery
    where it changes nothing: compat32 passes every header value through
    :class:`email.header.Header`, a fifth of a send pass's time, while a short value of
    printable ASCII words comes out of it as it went in (a test compares the two). Every other
    value takes compat32's own way."""

    def _fold(self, name: str, value: object, sanitize: bool) -> str:
        if type(value) is str and _PLAIN_VALUE.fullmatch(value):
            room = self.max_line_length
            if not room or len(name) + 2 + len(value) <= room:
                return f"{name}: {value}{self.linesep}"
        return str(super()._fold(name, value, sanitize))  # type: ignore[misc]


_WIRE = _Wire(linesep="\r\n")


def wire_bytes(message: Message) -> bytes:
    """The message as sent and filed: compat32's bytes, CRLF line ends."""
    return message.as_bytes(policy=_WIRE)


class FileTransport:
    """Writes each message to ``<folder>/<YYYY-MM-DD>/<message-id>.eml``, atomically (temporary
    file + rename). Sending the same message again rewrites the same file.

    A writer killed between the two steps leaves a hidden temporary file; the first transport of
    a process over a folder removes those whose writer is gone (:func:`remove_stale_temporaries`).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        if self.folder not in _SWEPT:
            _SWEPT.add(self.folder)
            remove_stale_temporaries(self.folder)

    @property
    def concurrency(self) -> int:
        return 1

    def describe(self) -> str:
        return f"file {self.folder}/"

    def path_for(self, message_id: str, day: date) -> Path:
        name = _UNSAFE.sub("_", message_id.strip().strip("<>")) or "message"
        return self.folder / day.isoformat() / f"{name}.eml"

    async def send(
        self, message: Message, *, sender: str, recipients: Sequence[str], day: date
    ) -> Delivery:
        target = self.path_for(str(message["Message-ID"] or ""), day)
        try:
            write_atomically(target, wire_bytes(message))
        except OSError as error:
            raise ServerUnavailable(
                f"cannot write {target}: {error.strerror or error}", hint="check [mail] dir"
            ) from None
        return Delivery(detail=f"wrote {target}")

    async def close(self) -> None:
        return None


#: A temporary file of :func:`write_atomically`: ``.<host>.<pid>.<random>.tmp``; older
#: versions wrote ``.<random>.tmp``.
_TEMPORARY = re.compile(r"\.(?:(?P<host>[A-Za-z0-9_-]+)\.(?P<pid>\d+)\.)?[^.]+\.tmp")
#: A temporary file this old is stale whoever wrote it (a write takes milliseconds).
STALE_AFTER = 24 * 3600


def _host() -> str:
    return _UNSAFE.sub("_", socket.gethostname() or "localhost").replace(".", "_")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Remove the temporary files a killed writer left in ``folder``'s day folders: those of a
    process of this host that is gone, and any older than :data:`STALE_AFTER` seconds. Returns
    what was removed; a folder that cannot be read is left alone."""
    removed: list[Path] = []
    host = _host()
    try:
        days = [day for day in folder.iterdir() if day.is_dir()]
    except OSError:
        return removed
    for day in days:
        try:
            candidates = [entry for entry in os.scandir(day) if entry.name.startswith(".")]
        except OSError:
            continue
        for entry in candidates:
            found = _TEMPORARY.fullmatch(entry.name)
            if found is None or not entry.is_file(follow_symlinks=False):
                continue
            pid = found["pid"]
            mine_and_dead = found["host"] == host and pid is not None and not _alive(int(pid))
            try:
                old = time.time() - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER
                if mine_and_dead or old:
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
            except OSError:
                continue
    return removed


def write_atomically(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` so that readers see the old file or the whole new one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{_host()}.{os.getpid()}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# --- SMTP ---------------------------------------------------------------------------------------


class SmtpTransport:
    """aiosmtplib with STARTTLS or implicit TLS, AUTH, timeouts, and at most ``connections``
    connections, each kept open across the messages of a pass and reopened after a failure."""

    def __init__(self, settings: SmtpSettings, *, local_hostname: str | None = None) -> None:
        self.settings = settings
        self.local_hostname = local_hostname or socket.gethostname() or "localhost"
        self._slots = asyncio.Semaphore(settings.connections)
        self._idle: list[SMTP] = []
        self._tls: ssl.SSLContext | None = None

    @property
    def concurrency(self) -> int:
        return self.settings.connections

    def describe(self) -> str:
        smtp = self.settings
        mode = "TLS" if smtp.tls else "STARTTLS" if smtp.starttls else "plain"
        auth = f", AUTH as {smtp.username}" if smtp.username else ""
        return f"smtp {smtp.host}:{smtp.port} ({mode}{auth})"

    def _tls_context(self) -> ssl.SSLContext:
        if self._tls is None:
            context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
            if self.settings.ca_file:
                try:
                    context.load_verify_locations(cafile=self.settings.ca_file)
                except (OSError, ssl.SSLError) as error:
                    raise ServerUnavailable(
                        f"cannot read [smtp] ca_file {self.settings.ca_file}: {error}"
                    ) from None
            self._tls = context
        return self._tls

    def _client(self) -> SMTP:
        from aiosmtplib import SMTP

        smtp = self.settings
        secure = smtp.tls or smtp.starttls
        return SMTP(
            hostname=smtp.host,
            port=smtp.port,
            username=smtp.username or None,
            password=smtp.password if smtp.username else None,
            local_hostname=self.local_hostname,
            timeout=smtp.timeout,
            use_tls=smtp.tls,
            start_tls=smtp.starttls and not smtp.tls,
            tls_context=self._tls_context() if secure else None,
        )

    async def send(
        self, message: Message, *, sender: str, recipients: Sequence[str], day: date
    ) -> Delivery:
        async with self._slots:
            client = self._idle.pop() if self._idle else self._client()
            try:
                if not client.is_connected:
                    await client.connect()
                if sender.isascii() and all(address.isascii() for address in recipients):
                    refused, reply = await client.sendmail(  # the bytes made here, faster
                        sender, list(recipients), wire_bytes(message)
                    )
                else:  # aiosmtplib asks the server for SMTPUTF8 first
                    refused, reply = await client.send_message(
                        message, sender=sender, recipients=list(recipients)
                    )
            except asyncio.CancelledError:
                client.close()
                raise
            except Exception as error:
                client.close()
                raise classify(error, self.settings) from None
            self._idle.append(client)
        return Delivery(
            refused={address: f"{r.code} {r.message}" for address, r in refused.items()},
            detail=f"server reply: {reply}",
        )

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for client in idle:
            if not client.is_connected:
                continue
            try:
                await client.quit()
            except Exception:
                client.close()


def classify(error: BaseException, smtp: SmtpSettings) -> SendError:
    """The :class:`SendError` for what aiosmtplib (or the network) raised."""
    import aiosmtplib as a

    where = f"{smtp.host}:{smtp.port}"
    if isinstance(error, a.SMTPRecipientsRefused):
        codes = [refusal.code for refusal in error.recipients]
        detail = "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in error.recipients)
        return SendError(f"every recipient refused: {detail}", permanent=all(_is_5xx(codes)))
    if isinstance(error, a.SMTPAuthenticationError):
        return ServerUnavailable(
            f"{where} refused AUTH: {error.code} {error.message}",
            hint="check [smtp] username and password",
        )
    if isinstance(error, a.SMTPConnectResponseError | a.SMTPHeloError):
        return ServerUnavailable(f"{where} refused the session: {error.code} {error.message}")
    if isinstance(error, a.SMTPSenderRefused):
        return SendError(
            f"sender {error.sender} refused: {error.code} {error.message}",
            permanent=_is_5xx([error.code])[0],
            hint="check [mail] from",
        )
    if isinstance(error, a.SMTPResponseException):
        if error.code == 421:  # the server is closing the session: not about this message
            return ServerUnavailable(f"{where} is unavailable: {error.code} {error.message}")
        return SendError(f"{error.code} {error.message}", permanent=_is_5xx([error.code])[0])
    if isinstance(error, a.SMTPNotSupported):
        return ServerUnavailable(
            f"{where}: {error.message}", hint="check [smtp] starttls and tls for this server"
        )
    if _tls_failure(error):
        return ServerUnavailable(
            f"TLS with {where} failed: {_reason(error)}",
            hint="check [smtp] tls, starttls and ca_file",
        )
    if isinstance(error, a.SMTPConnectTimeoutError):
        return ServerUnavailable(
            f"no answer from {where} within {smtp.timeout:g} s", hint="check [smtp] host and port"
        )
    if isinstance(error, a.SMTPConnectError):
        return ServerUnavailable(
            f"cannot connect to {where}: {_network_reason(error)}",
            hint="check [smtp] host and port",
        )
    if isinstance(error, a.SMTPTimeoutError | TimeoutError):
        return ServerUnavailable(f"{where} stopped answering within {smtp.timeout:g} s")
    if isinstance(error, a.SMTPServerDisconnected | ConnectionError):
        return ServerUnavailable(f"{where} closed the connection: {_reason(error)}")
    if isinstance(error, a.SMTPException):  # e.g. AUTH asked for but not offered
        return ServerUnavailable(
            f"{where}: {_reason(error)}", hint="check [smtp] username, starttls and tls"
        )
    if isinstance(error, ValueError):  # an address aiosmtplib refuses to put on the wire
        return SendError(f"cannot send: {error}", permanent=True)
    if isinstance(error, OSError):
        return ServerUnavailable(f"network error with {where}: {_reason(error)}")
    return SendError(f"{type(error).__name__}: {_reason(error)}", permanent=False)


def _tls_failure(error: BaseException | None) -> bool:
    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, ssl.SSLError):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def _network_reason(error: BaseException) -> str:
    cause = error.__cause__ or error.__context__
    if isinstance(cause, ConnectionRefusedError):
        return "connection refused"
    if isinstance(cause, socket.gaierror):
        return f"unknown host ({cause.strerror or cause})"
    if isinstance(cause, OSError) and cause.strerror:
        return cause.strerror
    return _reason(error)


def _is_5xx(codes: Sequence[int]) -> list[bool]:
    return [500 <= code < 600 for code in codes]


def _reason(error: BaseException) -> str:
    text = " ".join(str(getattr(error, "message", "") or error).split())
    return text or type(error).__name__


# --- choosing ------------------------------------------------------------------------------------


def make_transport(settings: Settings) -> Transport:
    """The transport ``[mail] transport`` names: ``file`` (the default) or ``smtp``."""
    mail: MailSettings = settings.mail
    if mail.transport == "smtp":
        return SmtpTransport(settings.smtp)
    return FileTransport(mail.dir)
