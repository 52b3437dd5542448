"""The web application: ``create_app(settings, engine, clock=...)`` → a Starlette ASGI app.

Routes:

* ``/i/{token}`` — the curator's page for one occurrence (signed link, no login);
* ``/login``, ``/logout``, ``/board``, ``/board.csv``, ``/activity/{roadmap}/{key}``,
  ``/requests/{id}/approve|decline`` — the coordinator board (login, roles);
* ``/feed/{secret}.ics`` — an executor's iCalendar feed;
* ``/style.css``.

The clock is injected: handlers ask ``clock()`` for "now" and never read the host's time, so
tests pin it. Pages are rendered on the server and need no JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from importlib.resources import files
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tracker.config import Settings
from tracker.web import pages_board, pages_feed, pages_item
from tracker.web.render import WebState, environment, error_page
from tracker.web.signing import signing_secret

HEADERS = [
    (b"content-security-policy", b"default-src 'none'; style-src 'self'; img-src 'self'; "
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


def create_app(settings: Settings, engine: Engine, *, clock: Callable[[], datetime]) -> Starlette:
    """The ASGI app over ``engine``; ``clock()`` returns the aware "now" every handler uses.

    The signing key is ``[web] secret`` or the one kept in the database (made now if absent).
    """
    web = WebState(
        settings=settings,
        engine=engine,
        clock=clock,
        secret=signing_secret(engine, settings.web, clock()),
        templates=environment(ZoneInfo(settings.policy.timezone)),
        zone=ZoneInfo(settings.policy.timezone),
    )
    routes = [
        *pages_item.ROUTES,
        *pages_board.ROUTES,
        *pages_feed.ROUTES,
        Route("/style.css", _style, methods=["GET"]),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_error})
    app.state.web = web
    app.add_middleware(SecurityHeaders)
    return app
