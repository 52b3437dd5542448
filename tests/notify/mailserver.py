"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, STARTTLS or implicit TLS, AUTH, faults.

The certificate comes from a trustme CA written to ``ca.pem`` (give it to tracker as
``[smtp] ca_file``). The server requires STARTTLS and then AUTH with one login and password;
the implicit-TLS variant speaks TLS from the first byte and offers AUTH (aiosmtpd cannot tell
implicit TLS is TLS, so it cannot insist). A :class:`Faults` script makes it misbehave on
purpose: answer the next DATA or RCPT commands with a given reply, refuse some addresses, or
drop the connection after a message's content arrived but before it is acknowledged.
Everything accepted is kept in :attr:`SmtpServer.received`, envelope and parsed message.
"""

from __future__ import annotations

import email
import email.policy
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

HOST = "127.0.0.1"
USERNAME = "tracker"
PASSWORD = "пароль-s3cret"
#: A DATA reply that closes the connection instead of answering.
DROP = "drop"


@dataclass
class Faults:
    """What the server does wrong next. Lists are consumed one reply per command."""

    data: list[str] = field(default_factory=list)  # replies to the next DATA commands, or DROP
    rcpt: list[str] = field(default_factory=list)  # replies to the next RCPT commands
    refuse: dict[str, str] = field(default_factory=dict)  # address → reply, every time

    def clear(self) -> None:
        self.data.clear()
        self.rcpt.clear()
        self.refuse.clear()


@dataclass(frozen=True)
class Received:
    """One accepted message."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage
    login: str | None
    tls: bool

    @property
    def text(self) -> str:
        part = self.message.get_body(("plain",))
        assert part is not None
        return str(part.get_content())  # type: ignore[attr-defined]

    @property
    def html(self) -> str:
        part = self.message.get_body(("html",))
        assert part is not None
        return str(part.get_content())  # type: ignore[attr-defined]


class Handler:
    """aiosmtpd hooks: apply the fault script, keep what is accepted."""

    def __init__(self) -> None:
        self.faults = Faults()
        self.received: list[Received] = []
        self.commands: list[str] = []  # DATA and RCPT replies given, for assertions
        self.sessions = 0  # successful logins: one per connection
        self._lock = threading.Lock()

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == USERNAME.encode()
            and auth_data.password == PASSWORD.encode()
        )
        if ok:
            with self._lock:
                self.sessions += 1
        return AuthResult(success=ok, handled=False, auth_data=USERNAME if ok else None)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        with self._lock:
            reply = self.faults.refuse.get(address)
            if reply is None and self.faults.rcpt:
                reply = self.faults.rcpt.pop(0)
            self.commands.append(f"RCPT {address} {reply or '250'}")
        if reply is not None:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            reply = self.faults.data.pop(0) if self.faults.data else None
            self.commands.append(f"DATA {reply or '250'}")
        if reply == DROP:
            server.transport.close()
            return "250 never heard"
        if reply is not None:
            return reply
        raw = bytes(envelope.original_content or envelope.content).replace(b"\r\n", b"\n")
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        login = session.auth_data if session.authenticated else None
        with self._lock:
            self.received.append(
                Received(
                    envelope.mail_from,
                    tuple(envelope.rcpt_tos),
                    parsed,
                    login,
                    server.transport.get_extra_info("sslcontext") is not None,
                )
            )
        return "250 OK queued"


class _Controller(Controller):
    """A Controller that listens on a free port chosen by the OS."""

    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@dataclass
class SmtpServer:
    """A running server: where it listens, what it was told to do, what it received."""

    controller: Controller
    handler: Handler
    mode: str  # "starttls", "tls" or "plain"
    ca_file: Path | None

    @property
    def host(self) -> str:
        return HOST

    @property
    def port(self) -> int:
        return int(self.controller.port)

    @property
    def faults(self) -> Faults:
        return self.handler.faults

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def env(self) -> dict[str, str]:
        """``TRACKER_*`` variables that point tracker at this server."""
        env = {
            "TRACKER_MAIL_TRANSPORT": "smtp",
            "TRACKER_MAIL_FROM": "robot@tracker.example.org",
            "TRACKER_SMTP_HOST": self.host,
            "TRACKER_SMTP_PORT": str(self.port),
            "TRACKER_SMTP_STARTTLS": "true" if self.mode == "starttls" else "false",
            "TRACKER_SMTP_TLS": "true" if self.mode == "tls" else "false",
            "TRACKER_SMTP_TIMEOUT": "10",
        }
        if self.mode != "plain":
            env["TRACKER_SMTP_USERNAME"] = USERNAME
            env["TRACKER_SMTP_PASSWORD"] = PASSWORD
            env["TRACKER_SMTP_CA_FILE"] = str(self.ca_file)
        return env


def certificates(folder: Path) -> tuple[ssl.SSLContext, Path]:
    """A server TLS context for 127.0.0.1/localhost and the CA file that trusts it."""
    import trustme

    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert(HOST, "localhost").configure_cert(context)
    ca_file = folder / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    return context, ca_file


@contextmanager
def running(mode: str, folder: Path) -> Iterator[SmtpServer]:
    """A server in ``mode`` ("starttls": STARTTLS required, then AUTH; "tls": TLS from the
    first byte, then AUTH; "plain": neither), stopped on exit."""
    handler = Handler()
    kwargs: dict[str, Any] = {}
    ca_file: Path | None = None
    if mode in ("starttls", "tls"):
        context, ca_file = certificates(folder)
        kwargs.update(authenticator=handler.authenticate)
        if mode == "starttls":
            kwargs.update(
                tls_context=context,
                require_starttls=True,
                auth_required=True,
                auth_require_tls=True,
            )
        else:  # aiosmtpd cannot tell implicit TLS is TLS: it offers AUTH but cannot insist on it
            kwargs.update(ssl_context=context, auth_require_tls=False)
    elif mode != "plain":
        raise ValueError(f"unknown mode {mode!r}")
    controller = _Controller(handler, hostname=HOST, port=0, server_hostname="smtp.test", **kwargs)
    controller.start()
    try:
        yield SmtpServer(controller, handler, mode, ca_file)
    finally:
        controller.stop()
