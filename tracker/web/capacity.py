"""How many requests the server works on at once, and what a request that must wait gets.

The server has ``workers`` slots and its database pool exactly as many connections. A request
takes a slot before it reaches a handler and gives it back when its response is sent; the store
functions it calls take at most one connection at a time, so a request that holds a slot never
waits for the pool. A request that waits ``wait`` seconds for a slot is answered
``503 Service Unavailable`` with ``Retry-After``, holding nothing: a burst queues for a bounded
time and then drains, and the server answers normally as soon as it has passed.

A pool checkout that still times out (a connection held elsewhere in the process) is answered
the same way by :func:`busy`, and its request's connections go back to the pool on the way out.
"""

from __future__ import annotations

import anyio
from jinja2 import Environment
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

#: Requests worked on at once by default; the database pool has as many connections.
WORKERS = 8
#: Seconds a request waits for a slot (or a pool connection) before it is answered 503.
WAIT_SECONDS = 10.0
#: What ``Retry-After`` tells a client refused with 503, in seconds.
RETRY_AFTER = 5

#: Paths served without a slot: they never touch the database.
FREE_PATHS = frozenset({"/style.css"})


def busy_page(templates: Environment) -> HTMLResponse:
    """The 503 page: rendered without the database (no account, no form)."""
    html = templates.get_template("error.html").render(
        title="Сервер занят",
        text="Сейчас слишком много запросов. Повторите попытку через несколько секунд.",
        account=None,
        csrf_field="",
        csrf_token="",
        message=None,
        errors=[],
    )
    return HTMLResponse(
        html,
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER), "Cache-Control": "no-store"},
    )


class Slots:
    """ASGI middleware: at most ``workers`` HTTP requests inside ``app`` at once."""

    def __init__(self, app: ASGIApp, *, workers: int, wait: float, templates: Environment) -> None:
        self.app = app
        self.workers = workers
        self.wait = wait
        self.templates = templates
        self._free: anyio.Semaphore | None = None

    @property
    def free(self) -> anyio.Semaphore:
        """The slots (made in the server's event loop on first use)."""
        if self._free is None:
            self._free = anyio.Semaphore(self.workers)
        return self._free

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in FREE_PATHS:
            await self.app(scope, receive, send)
            return
        free = self.free
        acquired = False
        with anyio.move_on_after(self.wait):
            await free.acquire()
            acquired = True
        if not acquired:
            await busy_page(self.templates)(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            free.release()


async def busy(request: Request, error: Exception) -> Response:
    """Exception handler for a pool checkout that timed out: the same 503 page."""
    templates: Environment = request.app.state.web.templates
    return busy_page(templates)
