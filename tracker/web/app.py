"""The web application: ``create_app(settings, engine, clock=...)`` → a Starlette ASGI app.

Routes:

* ``/i/{token}`` — the curator's page for one occurrence (signed link, no login);
* ``/login``, ``/logout``, ``/board``, ``/board.csv``, ``/activity/{roadmap}/{key}``,
  ``/requests/{id}/approve|decline`` — the coordinator board (login, roles);
* ``/pause/{token}`` — a recipient pauses or resumes reminders (the signed List-Unsubscribe
  link of every message, no login);
* ``/feed/{secret}.ics`` — an executor's iCalendar feed;
* ``/admin/import``, ``/admin/people``, ``/admin/roadmap/{slug}`` — admins import and correct
  plans and keep the people directory (the import page's live phrase check is the only script);
* ``/style.css``.

The clock is injected: handlers ask ``clock()`` for "now" and never read the host's time, so
tests pin it. Pages are rendered on the server and need no JavaScript.

The app works on at most ``workers`` requests at once over a database pool of its own with
exactly as many connections (:mod:`tracker.web.capacity`); a request that waits too long is
answered 503 with ``Retry-After``. The pool is closed when the server stops.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from importlib.resources import files
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tracker.config import Settings
from tracker.store.db import make_engine
from tracker.web import (
    admin_import,
    admin_people,
    pages_board,
    pages_feed,
    pages_item,
    pages_pause,
    pages_report,
)
from tracker.web.admin_drafts import Drafts
from tracker.web.capacity import WAIT_SECONDS, WORKERS, Slots, busy
from tracker.web.render import WebState, environment, error_page
from tracker.web.signing import signing_secret

HEADERS = [
    (b"content-security-policy", b"default-src 'none'; style-src 'self'; img-src 'self'; "
     b"script-src 'self'; connect-src 'self'; "
     b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    (b"referrer-policy", b"no-referrer"),  # item links carry tokens: never pass them on
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"x-robots-tag", b"noindex, nofollow"),
]  # fmt: skip


class SecurityHeaders:
    """Adds the headers above to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


def _style(request: Request) -> Response:
    css = files("tracker.web").joinpath("templates/style.css").read_text(encoding="utf-8")
    return Response(css, media_type="text/css", headers={"Cache-Control": "max-age=3600"})


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if error.status_code == 404:
        return error_page(
            request, 404, "Страница не найдена", "Такой страницы нет. Проверьте адрес."
        )
    if error.status_code == 405:
        return error_page(request, 405, "Действие недоступно", "Так эту страницу открыть нельзя.")
    return error_page(
        request, error.status_code, "Запрос не выполнен", "Проверьте адрес и повторите попытку."
    )


def create_app(
    settings: Settings,
    engine: Engine,
    *,
    clock: Callable[[], datetime],
    workers: int = WORKERS,
    wait: float = WAIT_SECONDS,
    drafts: Path | None = None,
) -> Starlette:
    """The ASGI app over ``engine``'s database; ``clock()`` returns the aware "now" every
    handler uses. It serves ``workers`` requests at once over a pool of its own of exactly
    ``workers`` connections; a request waits ``wait`` seconds at most, then gets 503. Admin
    import drafts are kept in the folder ``drafts`` (shared by server processes), or in memory.

    The signing key is ``[web] secret`` or the one kept in the database (made now if absent).
    """
    pooled = make_engine(
        engine.url.render_as_string(hide_password=False),
        timeout=settings.database.timeout,
        pool_size=workers,
        pool_timeout=wait,
    )

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        pooled.dispose()

    web = WebState(
        settings=settings,
        engine=pooled,
        clock=clock,
        secret=signing_secret(engine, settings.web, clock()),
        templates=environment(ZoneInfo(settings.policy.timezone)),
        zone=ZoneInfo(settings.policy.timezone),
    )
    routes = [
        *pages_item.ROUTES,
        *pages_pause.ROUTES,
        *pages_report.ROUTES,
        *pages_board.ROUTES,
        *pages_feed.ROUTES,
        *admin_import.ROUTES,
        *admin_people.ROUTES,
        Route("/style.css", _style, methods=["GET"]),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: _http_error, PoolTimeout: busy},
        lifespan=lifespan,
    )
    app.state.web = web
    app.state.admin_drafts = Drafts(drafts)
    app.add_middleware(Slots, workers=workers, wait=wait, templates=web.templates)
    app.add_middleware(SecurityHeaders)
    return app
