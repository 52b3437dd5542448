"""The coordinator board behind a login: counts, filters, rows, CSV, history, requests."""

from __future__ import annotations

import io
import math
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tracker.errors import InputError, TrackerError
from tracker.store.changes import history
from tracker.store.models import RequestState
from tracker.store.requests import (
    approve_request,
    decline_request,
    get_request,
    list_requests,
)
from tracker.store.status import State, StatusQuery, status_rows
from tracker.web.accounts import Account, end_sessions
from tracker.web.board import (
    FILTER_LABELS,
    Filter,
    board_csv,
    board_rows,
    executor_lines,
    executor_names,
    roadmap_lines,
    roadmaps,
)
from tracker.web.board_discipline import discipline_context
from tracker.web.page_cache import data_version
from tracker.web.render import (
    FORM_TOKEN,
    checked_form,
    current_account,
    error_page,
    page,
    page_html,
    redirect,
    render_page,
    set_cookie,
    state,
    text_field,
)
from tracker.web.security import SESSION_COOKIE, Session, dump_session
from tracker.web.throttle import log_in

#: Rows the board shows at most; the CSV export has them all.
ROW_LIMIT = 300

MESSAGES = {
    "approved": "Срок перенесён, запрос одобрен.",
    "declined": "В переносе срока отказано.",
    "stale": "Запрос уже рассмотрен или мероприятие изменилось; обновите страницу.",
    "out": "Вы вышли.",
}


def _login_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return redirect("/login?" + urlencode({"next": target}))


def _safe_next(value: str) -> str:
    if value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/board"


# --- login ------------------------------------------------------------------------------------


def _login_page(
    request: Request, *, errors: list[str] | None = None, status: int = 200
) -> Response:
    next_url = _safe_next(request.query_params.get("next", "/board"))
    context = {
        "next": next_url,
        "errors": errors or [],
        "message": MESSAGES.get(request.query_params.get("m", "")),
        "login": "",
    }
    return page(request, "login.html", context, status=status)


def show_login(request: Request) -> Response:
    if current_account(request) is not None:
        return redirect("/board")
    return _login_page(request)


async def post_login(request: Request) -> Response:
    form = await checked_form(request)
    if not isinstance(form, FormData):
        return form
    web = state(request)
    login, password = text_field(form, "login"), form.get("password")
    account = None
    if login and isinstance(password, str) and password:
        address = request.client.host if request.client else "unknown"
        tried = await run_in_threadpool(log_in, web.engine, login, password, address, web.now())
        if tried.retry_after:
            return await run_in_threadpool(lambda: _throttled(request, tried.retry_after))
        account = tried.account
    if account is None:
        return await run_in_threadpool(
            lambda: _login_page(request, errors=["Неверный логин или пароль."], status=401)
        )
    session = Session(account.id, int(web.now().timestamp()), account.stamp, account.generation)
    response = redirect(_safe_next(text_field(form, "next") or "/board"))
    set_cookie(
        web,
        response,
        SESSION_COOKIE,
        dump_session(web.secret, session),
        max_age=web.settings.web.session_hours * 3600,
    )
    return response


def _throttled(request: Request, seconds: int) -> Response:
    wait = f"{seconds} с" if seconds < 120 else f"{math.ceil(seconds / 60)} мин"
    errors = [f"Слишком много неудачных попыток входа. Повторите через {wait}."]
    response = _login_page(request, errors=errors, status=429)
    response.headers["Retry-After"] = str(seconds)
    return response


async def post_logout(request: Request) -> Response:
    form = await checked_form(request)
    if not isinstance(form, FormData):
        return form
    account = await run_in_threadpool(current_account, request)
    if account is not None:  # the session ends server-side: a copied cookie stops working
        await run_in_threadpool(end_sessions, state(request).engine, account.id)
    response = redirect("/login?m=out")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def home(request: Request) -> Response:
    return redirect("/board" if current_account(request) else "/login")


# --- the board --------------------------------------------------------------------------------


class _Selection:
    """The board's filters as read from the query string, limited to what the account sees."""

    def __init__(self, request: Request, account: Account) -> None:
        web = state(request)
        params = request.query_params
        self.all_roadmaps = [
            (slug, title) for slug, title in roadmaps(web.engine) if account.can_see(slug)
        ]
        visible = [slug for slug, _title in self.all_roadmaps]
        self.roadmap = params.get("roadmap", "")
        self.forbidden = bool(self.roadmap) and self.roadmap not in visible
        self.slugs = [self.roadmap] if self.roadmap in visible else visible
        self.visible = visible
        self.executor = params.get("executor", "")
        try:
            self.state = Filter(params.get("state", Filter.OPEN.value))
        except ValueError:
            self.state = Filter.OPEN

    def query(self) -> str:
        values = {"roadmap": self.roadmap, "executor": self.executor, "state": self.state.value}
        return urlencode({key: value for key, value in values.items() if value})


def _board(request: Request, account: Account) -> Response | str:
    """The board's HTML (with :data:`FORM_TOKEN`), or the error page's response."""
    web = state(request)
    now = web.now()
    soon = web.settings.policy.due_soon_days
    chosen = _Selection(request, account)
    if chosen.forbidden:
        return error_page(request, 403, "Нет доступа", "Эта дорожная карта вам недоступна.")
    errors: list[str] = []
    try:
        rows = board_rows(
            web.engine,
            now,
            soon,
            chosen.slugs,
            state=chosen.state,
            executor=chosen.executor or None,
        )
    except InputError:
        rows = []
        errors.append(f"Исполнитель «{chosen.executor}» не найден.")
    context: dict[str, Any] = {
        "chosen": chosen,
        "filters": FILTER_LABELS,
        "roadmap_lines": roadmap_lines(web.engine, now, soon, chosen.visible),
        "executor_lines": executor_lines(web.engine, now, soon, chosen.slugs),
        "executors": executor_names(web.engine, chosen.visible),
        "requests": list_requests(web.engine, roadmaps=chosen.visible),
        "rows": rows[:ROW_LIMIT],
        "total": len(rows),
        "limit": ROW_LIMIT,
        "errors": errors,
        "message": MESSAGES.get(request.query_params.get("m", "")),
        "due_soon_days": soon,
        **discipline_context(web, chosen, request.query_params.get("sort", "")),
    }
    return render_page(request, "board.html", context, FORM_TOKEN)


def show_board(request: Request) -> Response:
    """The board, from this process's page cache when nothing it shows has changed since it
    was rendered (:mod:`tracker.web.page_cache`)."""
    account = current_account(request)
    if account is None:
        return _login_redirect(request)
    web = state(request)
    key = (
        account.role.value,
        account.roadmaps,
        account.name,
        request.url.query,
        web.now().replace(second=0, microsecond=0),
        data_version(web.engine),
    )
    html = web.pages.get(key)
    if html is None:
        built = _board(request, account)
        if isinstance(built, Response):
            return built
        web.pages.put(key, built)
        html = built
    return page_html(request, html)


def export_csv(request: Request) -> Response:
    account = current_account(request)
    if account is None:
        return _login_redirect(request)
    web = state(request)
    chosen = _Selection(request, account)
    if chosen.forbidden:
        return error_page(request, 403, "Нет доступа", "Эта дорожная карта вам недоступна.")
    try:
        rows = board_rows(
            web.engine,
            web.now(),
            web.settings.policy.due_soon_days,
            chosen.slugs,
            state=chosen.state,
            executor=chosen.executor or None,
        )
    except InputError:
        rows = []
    stream = io.StringIO()
    stream.write("\ufeff")  # so that spreadsheet programs read the Cyrillic as UTF-8
    board_csv(rows, stream)
    name = f"tracker-{chosen.state.value}-{web.now():%Y-%m-%d}.csv"
    return Response(
        stream.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def show_activity(request: Request) -> Response:
    account = current_account(request)
    if account is None:
        return _login_redirect(request)
    web = state(request)
    slug, key = request.path_params["roadmap"], request.path_params["key"]
    if not account.can_see(slug):
        return error_page(request, 403, "Нет доступа", "Эта дорожная карта вам недоступна.")
    try:
        target, events = history(web.engine, f"{slug}:{key}")
    except InputError:
        return error_page(request, 404, "Мероприятие не найдено", f"Нет мероприятия {slug}:{key}.")
    query = StatusQuery(
        now=web.now(),
        state=State.ALL,
        roadmap=slug,
        due_soon_days=web.settings.policy.due_soon_days,
    )
    occurrences = [
        row
        for row in status_rows(web.engine, query)
        if row.activity_id == target.activity_id and row.occurrence_id is not None
    ]
    context = {
        "target": target,
        "events": list(reversed(events)),
        "occurrences": occurrences,
        "executors": occurrences[0].executors if occurrences else (),
        "requests": list_requests(web.engine, state=None, activity_id=target.activity_id),
    }
    return page(request, "activity.html", context)


async def _decide(request: Request, approve: bool) -> Response:
    account = current_account(request)
    if account is None:
        return _login_redirect(request)
    form = await checked_form(request)
    if not isinstance(form, FormData):
        return form
    web = state(request)
    request_id = int(request.path_params["request_id"])
    try:
        found = await run_in_threadpool(get_request, web.engine, request_id)
    except InputError:
        return error_page(request, 404, "Запрос не найден", "Такого запроса на перенос срока нет.")
    if not account.can_see(found.roadmap):
        return error_page(request, 403, "Нет доступа", "Эта дорожная карта вам недоступна.")
    if found.state != RequestState.PENDING.value:
        return redirect("/board?m=stale#requests")
    try:
        if approve:
            await run_in_threadpool(
                lambda: approve_request(
                    web.engine,
                    request_id,
                    by=account.name,
                    now=web.now(),
                    shift=web.settings.policy.shift,
                )
            )
        else:
            comment = text_field(form, "comment")[:1000]
            await run_in_threadpool(
                lambda: decline_request(
                    web.engine, request_id, by=account.name, now=web.now(), comment=comment
                )
            )
    except TrackerError:
        return redirect("/board?m=stale#requests")
    return redirect(f"/board?m={'approved' if approve else 'declined'}#requests")


async def approve(request: Request) -> Response:
    return await _decide(request, approve=True)


async def decline(request: Request) -> Response:
    return await _decide(request, approve=False)


ROUTES = [
    Route("/", home, methods=["GET"]),
    Route("/login", show_login, methods=["GET"]),
    Route("/login", post_login, methods=["POST"]),
    Route("/logout", post_logout, methods=["POST"]),
    Route("/board", show_board, methods=["GET"]),
    Route("/board.csv", export_csv, methods=["GET"]),
    Route("/activity/{roadmap}/{key:path}", show_activity, methods=["GET"]),
    Route("/requests/{request_id:int}/approve", approve, methods=["POST"]),
    Route("/requests/{request_id:int}/decline", decline, methods=["POST"]),
]
