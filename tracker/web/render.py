"""What every page handler shares: the app's state, templates, cookies, form checks, errors."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape
from sqlalchemy import Engine
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from tracker.config import Settings
from tracker.render_dates import format_day
from tracker.store.status import EVENT_LABELS, LABELS
from tracker.web.accounts import Account, get_account
from tracker.web.page_cache import PageCache
from tracker.web.security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    SESSION_COOKIE,
    form_token,
    form_token_ok,
    load_session,
    new_nonce,
)

#: Russian names of history events, for the pages (the CLI's own).
EVENTS = EVENT_LABELS

ROLE_LABELS = {"admin": "администратор", "coordinator": "координатор"}
KIND_LABELS = {"person": "сотрудник", "organisation": "организация"}


@dataclass(frozen=True, slots=True)
class WebState:
    """What the handlers need, fixed when the app is made."""

    settings: Settings
    engine: Engine
    clock: Callable[[], datetime]
    secret: str
    templates: Environment
    zone: ZoneInfo  # for times shown on pages
    pages: PageCache = field(default_factory=PageCache)  # rendered boards of this process

    @property
    def secure_cookies(self) -> bool:
        return self.settings.web.base_url.startswith("https://")

    def now(self) -> datetime:
        return self.clock()


def state(request: Request) -> WebState:
    web = request.app.state.web
    assert isinstance(web, WebState)
    return web


_URL = re.compile(r"https?://[^\s<>\"']+")


def _linkify(text: str | None) -> Markup:
    """Escape ``text`` and turn http(s) addresses in it into links."""
    if not text:
        return Markup("")
    out: list[str] = []
    last = 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;)")
        out.append(str(escape(text[last : match.start()])))
        out.append(f'<a href="{escape(url)}" rel="noopener noreferrer nofollow">{escape(url)}</a>')
        last = match.start() + len(url)
    out.append(str(escape(text[last:])))
    return Markup("".join(out))


def _short(day: date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else "—"


def environment(zone: ZoneInfo) -> Environment:
    env = Environment(
        loader=PackageLoader("tracker.web", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["day"] = lambda d: format_day(d) if d else "—"
    env.filters["short"] = _short
    suffix = " МСК" if zone.key == "Europe/Moscow" else f" ({zone.key})"
    env.filters["when"] = lambda t: (
        t.astimezone(zone).strftime("%d.%m.%Y %H:%M") + suffix if t else "—"
    )
    env.filters["state_label"] = lambda s: LABELS.get(s, s)
    env.filters["event_label"] = lambda e: EVENTS.get(e, e)
    env.filters["linkify"] = _linkify
    env.globals["ROLE_LABELS"] = ROLE_LABELS
    env.globals["KIND_LABELS"] = KIND_LABELS
    env.globals["LABELS"] = LABELS
    return env


def current_account(request: Request) -> Account | None:
    """The logged-in, enabled account whose password has not changed since it logged in."""
    if "account" in request.scope.get("tracker", {}):
        found: Account | None = request.scope["tracker"]["account"]
        return found
    web = state(request)
    session = load_session(
        web.secret,
        request.cookies.get(SESSION_COOKIE),
        web.now(),
        web.settings.web.session_hours,
    )
    account = get_account(web.engine, session.account_id) if session else None
    if (
        account is not None
        and session is not None
        and (
            account.disabled_at is not None
            or account.stamp != session.stamp
            or account.generation != session.generation  # logged out: ended server-side
        )
    ):
        account = None
    request.scope.setdefault("tracker", {})["account"] = account
    return account


def _nonce(request: Request) -> tuple[str, bool]:
    """The visitor's CSRF nonce, and whether it is new (to be set as a cookie)."""
    nonce = request.cookies.get(CSRF_COOKIE, "")
    if re.fullmatch(r"[A-Za-z0-9_-]{32,64}", nonce):
        return nonce, False
    return new_nonce(), True


def set_cookie(web: WebState, response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=web.secure_cookies,
    )


def page(
    request: Request,
    template: str,
    context: Mapping[str, object] | None = None,
    *,
    status: int = 200,
) -> HTMLResponse:
    """Render a page; every page gets the account, a form token and the flash message."""
    return page_html(request, render_page(request, template, context, FORM_TOKEN), status=status)


#: Stands for the visitor's form token in a rendered page (as long as a real one, 64 hex
#: digits); :func:`page_html` puts the real one in, so a rendered page can be kept and served
#: to other visitors (:mod:`tracker.web.page_cache`).
FORM_TOKEN = secrets.token_hex(32)


def render_page(
    request: Request, template: str, context: Mapping[str, object] | None, token: str
) -> str:
    """The page's HTML with ``token`` as its form token."""
    web = state(request)
    values: dict[str, Any] = {
        "account": current_account(request),
        "csrf_field": CSRF_FIELD,
        "csrf_token": token,
        "message": None,
        "errors": [],
    }
    values.update(context or {})
    return web.templates.get_template(template).render(values)


def page_html(request: Request, html: str, *, status: int = 200) -> HTMLResponse:
    """The response for a page rendered with :data:`FORM_TOKEN`: the visitor's token put in."""
    web = state(request)
    nonce, fresh = _nonce(request)
    response = HTMLResponse(html.replace(FORM_TOKEN, form_token(web.secret, nonce)), status)
    response.headers["Cache-Control"] = "no-store"  # personal pages: never from a shared cache
    if fresh:
        set_cookie(web, response, CSRF_COOKIE, nonce, max_age=400 * 24 * 3600)
    return response


def error_page(request: Request, status: int, title: str, text: str) -> HTMLResponse:
    return page(request, "error.html", {"title": title, "text": text}, status=status)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


async def checked_form(request: Request) -> FormData | HTMLResponse:
    """The posted form if its CSRF token matches the visitor's cookie, else a refusal page."""
    web = state(request)
    form = await request.form()
    submitted = form.get(CSRF_FIELD)
    if not form_token_ok(
        web.secret,
        request.cookies.get(CSRF_COOKIE),
        submitted if isinstance(submitted, str) else None,
    ):
        return error_page(
            request,
            403,
            "Форма устарела",
            "Не удалось проверить, что форма отправлена с этой страницы. Обновите страницу "
            "и отправьте форму ещё раз. Если ошибка повторяется, разрешите в браузере "
            "cookie для этого сайта.",
        )
    return form


def text_field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""
