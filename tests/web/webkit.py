"""Builders for the web tests: a pinned clock, seeded roadmaps and accounts, links, a client.

At :data:`NOW` (20 January 2023) the seed has, in «alpha» (Moscow): 1 due soon (1 February),
2 and 3 overdue (11 and 10 January), 4 open (31 March), 5 without dates; in «beta»
(Vladivostok): 1 overdue (12 January), 2 open (15 February). Петров П.П. does all but alpha:2
and beta:2, which МКУ ГИМЦ does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select
from starlette.applications import Starlette
from storekit import Syncer, act, roadmap

from tracker.config import Settings, default_settings
from tracker.store.changes import HistoryRow, history
from tracker.store.models import AccountRole
from tracker.store.tables import ACTIVITY as A
from tracker.store.tables import EXECUTOR as EX
from tracker.store.tables import OCCURRENCE as OC
from tracker.store.tables import ROADMAP as RM
from tracker.terms.model import Kind
from tracker.web.accounts import add_account
from tracker.web.app import create_app
from tracker.web.links import make_token
from tracker.web.signing import signing_secret

NOW = datetime(2023, 1, 20, 9, 0, tzinfo=UTC)
ADMIN = ("admin", "верный-пароль-1")
COORDINATOR = ("beta-coord", "верный-пароль-2")
PETROV = "Петров П.П."
GIMC = "МКУ ГИМЦ"


class Clock:
    """The app's clock: tests move it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class World:
    engine: Engine
    clock: Clock
    settings: Settings
    secret: str

    @classmethod
    def build(cls, engine: Engine, clock: Clock, settings: Settings | None = None) -> World:
        sync = Syncer(engine)
        sync(
            roadmap(
                "alpha",
                act("1", ("2023-01-01", "2023-02-01"), title="Создать рабочую группу"),
                act("2", (None, "2023-01-11"), responsible=(GIMC,), title="Провести семинар"),
                act("3", (None, "2023-01-10"), title="Утвердить положение"),
                act("4", (None, "2023-03-31"), title="Подготовить отчёт за квартал"),
                act("5", kind=Kind.UNSCHEDULED, title="Провести конкурс"),
            )
        )
        sync(
            roadmap(
                "beta",
                act("1", (None, "2023-01-12"), title="Назначить кураторов"),
                act("2", (None, "2023-02-15"), responsible=(GIMC,), title="Собрать заявки"),
                timezone="Asia/Vladivostok",
            )
        )
        settings = settings or default_settings()
        add_account(
            engine, ADMIN[0], ADMIN[1], role=AccountRole.ADMIN, name="Иванова И.И.", now=clock()
        )
        add_account(
            engine,
            COORDINATOR[0],
            COORDINATOR[1],
            role=AccountRole.COORDINATOR,
            roadmaps=["beta"],
            name="Сидорова С.С.",
            now=clock(),
        )
        return cls(engine, clock, settings, signing_secret(engine, settings.web, clock()))

    def app(self) -> Starlette:
        return create_app(self.settings, self.engine, clock=self.clock)

    def with_web(self, **changes: Any) -> Settings:
        return replace(self.settings, web=replace(self.settings.web, **changes))

    def occurrence(self, ref: str, due: date | None = None) -> int:
        slug, key = ref.split(":")
        statement = (
            select(OC.c.id)
            .select_from(OC.join(A, OC.c.activity_id == A.c.id).join(RM, A.c.roadmap_id == RM.c.id))
            .where(RM.c.slug == slug, A.c.key == key)
            .order_by(OC.c.due)
        )
        if due is not None:
            statement = statement.where(OC.c.due == due)
        with self.engine.connect() as conn:
            return int(conn.execute(statement).scalars().first() or 0)

    def executor_id(self, name: str) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(EX.c.id).where(EX.c.name == name)).scalar_one())

    def recipient(self, name: str = PETROV) -> str:
        return f"executor:{self.executor_id(name)}"

    def token(self, ref: str, name: str = PETROV, *, days: float = 60) -> str:
        expires = self.clock() + timedelta(days=days)
        return make_token(self.secret, self.occurrence(ref), self.recipient(name), expires)

    def link(self, ref: str, name: str = PETROV, *, days: float = 60) -> str:
        return f"/i/{self.token(ref, name, days=days)}"

    def row(self, ref: str) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(select(OC).where(OC.c.id == self.occurrence(ref))).one()

    def history(self, ref: str) -> list[HistoryRow]:
        return history(self.engine, ref)[1]


CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')


class Client:
    """The test client with the steps a person takes: open a page, fill a form, log in."""

    def __init__(self, http: Any, world: World) -> None:
        self.http = http
        self.world = world

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.http.get(path, follow_redirects=False, **kwargs)

    def post(self, path: str, data: dict[str, str], **kwargs: Any) -> Any:
        return self.http.post(path, data=data, follow_redirects=False, **kwargs)

    def token_on(self, path: str) -> str:
        page = self.http.get(path)
        assert page.status_code == 200, page.text
        found = CSRF.search(page.text)
        assert found, "no form token on " + path
        return found.group(1)

    def submit(self, page: str, action: str, **fields: str) -> Any:
        """Open ``page``, then post ``fields`` to ``action`` with the page's form token."""
        return self.post(action, {"csrf": self.token_on(page), **fields})

    def login(self, login: str, password: str) -> Any:
        return self.submit("/login", "/login", login=login, password=password, next="/board")
