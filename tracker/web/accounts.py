"""Board accounts: created, listed, re-passworded and disabled from the CLI; checked at login.

An admin sees and decides everything; a coordinator only the roadmaps listed on its account.
The account's ``name`` is what the history records as the actor of its decisions.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Row, insert, select, update
from sqlalchemy.exc import IntegrityError

from tracker.errors import InputError, UsageError
from tracker.store.models import AccountRole
from tracker.store.tables import ROADMAP as RM
from tracker.store.tables import WEB_ACCOUNT as WA
from tracker.web.passwords import DUMMY_HASH, MIN_LENGTH, hash_password, verify_password

LOGIN_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{1,63}")


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    login: str
    name: str
    role: AccountRole
    roadmaps: tuple[str, ...]
    created_at: datetime
    disabled_at: datetime | None
    stamp: str  # changes with the password: sessions made before a change stop working
    generation: int = 0  # in every session cookie; logout and a new password add one

    @property
    def is_admin(self) -> bool:
        return self.role is AccountRole.ADMIN

    def can_see(self, roadmap: str) -> bool:
        return self.is_admin or roadmap in self.roadmaps

    def visible(self, slugs: Sequence[str]) -> list[str]:
        """The roadmaps of ``slugs`` this account sees, in that order."""
        return [slug for slug in slugs if self.can_see(slug)]


def _stamp(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode("ascii")).hexdigest()[:16]


def _account(row: Row[Any]) -> Account:
    return Account(
        id=row.id,
        login=row.login,
        name=row.name,
        role=AccountRole(row.role),
        roadmaps=tuple(row.roadmaps or ()),
        created_at=row.created_at,
        disabled_at=row.disabled_at,
        stamp=_stamp(row.password_hash),
        generation=row.session_generation,
    )


def check_password_rules(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise UsageError(f"the password must have at least {MIN_LENGTH} characters")


def add_account(
    engine: Engine,
    login: str,
    password: str,
    *,
    role: AccountRole,
    roadmaps: Sequence[str] = (),
    name: str | None = None,
    now: datetime,
) -> Account:
    """Create an account; a coordinator needs at least one existing roadmap."""
    if not LOGIN_PATTERN.fullmatch(login):
        raise UsageError(
            f"bad login {login!r}", hint="2-64 characters: Latin letters, digits, . _ @ -"
        )
    check_password_rules(password)
    if role is AccountRole.COORDINATOR and not roadmaps:
        raise UsageError("a coordinator needs at least one --roadmap SLUG")
    slugs = list(dict.fromkeys(roadmaps))
    with engine.begin() as conn:
        known = set(conn.execute(select(RM.c.slug).where(RM.c.slug.in_(slugs))).scalars())
        missing = [slug for slug in slugs if slug not in known]
        if missing:
            raise InputError(
                "no roadmap " + ", ".join(map(repr, missing)), hint="see `tracker status`"
            )
        try:
            conn.execute(
                insert(WA).values(
                    login=login,
                    name=(name or login).strip(),
                    role=role.value,
                    roadmaps=slugs,
                    password_hash=hash_password(password),
                    created_at=now,
                )
            )
        except IntegrityError:
            raise InputError(f"an account {login!r} already exists") from None
    found = find_account(engine, login)
    assert found is not None
    return found


def find_account(engine: Engine, login: str) -> Account | None:
    with engine.connect() as conn:
        row = conn.execute(select(WA).where(WA.c.login == login)).first()
    return _account(row) if row else None


def get_account(engine: Engine, account_id: int) -> Account | None:
    with engine.connect() as conn:
        row = conn.execute(select(WA).where(WA.c.id == account_id)).first()
    return _account(row) if row else None


def list_accounts(engine: Engine) -> list[Account]:
    with engine.connect() as conn:
        return [_account(row) for row in conn.execute(select(WA).order_by(WA.c.login))]


def authenticate(engine: Engine, login: str, password: str) -> Account | None:
    """The enabled account whose password this is, else ``None`` (in about the same time)."""
    with engine.connect() as conn:
        row = conn.execute(select(WA).where(WA.c.login == login.strip())).first()
    if row is None:
        verify_password(password, DUMMY_HASH)
        return None
    if not verify_password(password, row.password_hash) or row.disabled_at is not None:
        return None
    return _account(row)


def set_password(engine: Engine, login: str, password: str) -> None:
    """Replace the password; the account's open sessions end."""
    check_password_rules(password)
    with engine.begin() as conn:
        done = conn.execute(
            update(WA)
            .where(WA.c.login == login)
            .values(
                password_hash=hash_password(password),
                session_generation=WA.c.session_generation + 1,
            )
        )
    if done.rowcount != 1:
        raise InputError(f"no account {login!r}", hint="see `tracker user list`")


def set_disabled(engine: Engine, login: str, at: datetime | None) -> None:
    """Disable the account at ``at`` (its sessions end), or enable it again with ``None``."""
    with engine.begin() as conn:
        done = conn.execute(update(WA).where(WA.c.login == login).values(disabled_at=at))
    if done.rowcount != 1:
        raise InputError(f"no account {login!r}", hint="see `tracker user list`")


def end_sessions(engine: Engine, account_id: int) -> None:
    """End every session of the account, server-side: a copied cookie stops working too."""
    with engine.begin() as conn:
        conn.execute(
            update(WA)
            .where(WA.c.id == account_id)
            .values(session_generation=WA.c.session_generation + 1)
        )
