"""One daemon per SQLite file; on PostgreSQL, advisory locks on a connection outside the pool."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from tracker.daemon.lock import (
    LOCK_CLASS,
    LOCK_KEYS,
    DbMutex,
    InstanceLock,
    instance_lock,
    lock_path,
)
from tracker.errors import StoreError
from tracker.store.db import make_engine, upgrade


def test_lock_file_sits_next_to_the_database(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    assert lock_path(engine) == tmp_path / "x.db.lock"
    assert lock_path(make_engine("sqlite:///:memory:")) is None
    assert lock_path(make_engine("postgresql://u@127.0.0.1:1/db")) is None


def test_second_lock_in_the_same_process_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "tracker.db.lock"
    with InstanceLock(path):
        with pytest.raises(StoreError) as refused:
            InstanceLock(path).acquire()
        message = str(refused.value)
        assert "another tracker daemon (pid " in message
        assert f"is already running on {tmp_path / 'tracker.db'}; SQLite allows one" in message
        assert "\n" not in message
    InstanceLock(path).acquire().release()  # free again once released


def test_second_daemon_on_sqlite_refuses_to_start_with_one_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = make_engine(url)
    upgrade(engine)
    held = instance_lock(engine)
    assert held is not None
    try:
        for args in (["run", "--once", "--now", "2022-10-03T10:00"], ["run"]):
            done = subprocess.run(
                [sys.executable, "-m", "tracker", *args],
                cwd=tmp_path,
                env={"TRACKER_DATABASE_URL": url, "PATH": "/usr/bin:/bin"},
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert done.returncode == 4, done.stderr
            lines = done.stderr.strip().splitlines()
            assert len(lines) == 1, done.stderr
            assert lines[0].startswith("tracker: error: another tracker daemon (pid ")
            assert "SQLite allows one (stop it first, or use PostgreSQL" in lines[0]
    finally:
        held.release()
        engine.dispose()


def _free(engine: Engine, name: str) -> bool:
    """Whether another session could take the advisory lock right now."""
    with engine.connect() as conn:
        taken = conn.execute(
            text("SELECT pg_try_advisory_lock(:c, :k)"), {"c": LOCK_CLASS, "k": LOCK_KEYS[name]}
        ).scalar()
        if taken:
            conn.execute(
                text("SELECT pg_advisory_unlock(:c, :k)"), {"c": LOCK_CLASS, "k": LOCK_KEYS[name]}
            )
        return bool(taken)


def test_postgres_mutex_holds_on_a_connection_outside_the_pool(postgres: object) -> None:
    from tracker.store.pgtemp import TempPostgres

    assert isinstance(postgres, TempPostgres)
    engine = make_engine(postgres.create_database())
    first, second = DbMutex(engine), DbMutex(engine)
    entered = threading.Event()
    try:
        with first.hold("plan"):
            assert not _free(engine, "plan")
            assert _free(engine, "sync")  # locks are per kind of work
            assert engine.pool.checkedout() == 0  # the lock's connection is not the pool's

            def waiter() -> None:
                with second.hold("plan"):
                    entered.set()

            thread = threading.Thread(target=waiter)
            thread.start()
            assert not entered.wait(0.5)  # blocked while the first holds it
        thread.join(30)
        assert entered.is_set()
        assert _free(engine, "plan")
    finally:
        first.close()
        second.close()
        engine.dispose()


def test_sqlite_mutex_is_a_thread_lock(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 't.db'}")
    mutex = DbMutex(engine)
    with mutex.hold("sync"):
        pass
    mutex.close()
