"""A throwaway PostgreSQL server for tests and benchmarks: initdb + pg_ctl in a temp folder.

It listens on 127.0.0.1 on a free port, trusts local connections, and is removed by
:meth:`TempPostgres.stop`. Running as root, the server runs as the ``postgres`` user (Debian's
packages create it); the binaries are found on PATH or under ``/usr/lib/postgresql/*/bin``.
Not used by tracker itself.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server could be started here; the message says why."""


def find_bindir() -> Path | None:
    """The folder with ``initdb`` and ``pg_ctl``: PATH first, then the newest Debian version."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).parent
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    for folder in reversed(candidates):
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class TempPostgres:
    """A running throwaway server; :meth:`url` gives SQLAlchemy URLs for its databases."""

    bindir: Path
    root: Path
    port: int
    user: str | None  # the OS user the server runs as, when we are root
    _databases: int = field(default=0, repr=False)

    @property
    def datadir(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.user is not None:
            command = ["runuser", "-u", self.user, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)

    @classmethod
    def start(cls, *, durable: bool = False) -> TempPostgres:
        """Start a server; ``durable=False`` turns fsync off, as tests want."""
        bindir = find_bindir()
        if bindir is None:
            raise PostgresUnavailable(
                "no PostgreSQL binaries (initdb, pg_ctl) on PATH or under /usr/lib/postgresql",
            )
        user: str | None = None
        root = Path(tempfile.mkdtemp(prefix="tracker-pg-"))
        if os.geteuid() == 0:
            try:
                account = pwd.getpwnam("postgres")
            except KeyError:
                shutil.rmtree(root, ignore_errors=True)
                raise PostgresUnavailable("running as root and there is no postgres user") from None
            user = "postgres"
            os.chown(root, account.pw_uid, account.pw_gid)
        server = cls(bindir=bindir, root=root, port=_free_port(), user=user)
        try:
            server._init_and_start(durable)
        except BaseException:
            server.stop()
            raise
        return server

    def _init_and_start(self, durable: bool) -> None:
        result = self._run(
            "initdb", "-D", str(self.datadir), "-U", "postgres", "--auth=trust",
            "-E", "UTF8", "--no-locale", "--no-instructions",
        )  # fmt: skip
        if result.returncode != 0:
            raise PostgresUnavailable(f"initdb failed: {result.stderr.strip()[-500:]}")
        options = [
            f"-p {self.port}",
            "-c listen_addresses=127.0.0.1",
            f"-c unix_socket_directories={self.root}",
            "-c max_connections=200",
        ]
        if not durable:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        result = self._run(
            "pg_ctl", "-D", str(self.datadir), "-l", str(self.root / "server.log"),
            "-o", " ".join(options), "-w", "-t", "60", "start",
        )  # fmt: skip
        if result.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-500:] if log.exists() else ""
            raise PostgresUnavailable(f"pg_ctl start failed: {result.stderr.strip()} {tail}")

    def create_database(self, name: str | None = None) -> str:
        """Create a fresh database; returns its URL."""
        import psycopg

        if name is None:
            self._databases += 1
            name = f"t{os.getpid()}_{self._databases}"
        dsn = f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        if (self.datadir / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
