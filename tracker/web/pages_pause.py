"""The pause page: a recipient pauses or resumes reminders, opened by the signed link that
every message carries as ``List-Unsubscribe`` (no login; the token names the address).

* ``GET /pause/{token}`` — the page: the address, whether it is paused, a form to pause for
  1, 2 or 4 weeks or until resumed (the weekly digest too, if asked), and one to resume;
* ``POST /pause/{token}`` — the forms (CSRF checked), or the mail client's one-click
  unsubscribe (RFC 8058: the body ``List-Unsubscribe=One-Click``, no cookies), which pauses
  reminders for 4 weeks.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from tracker.store.pauses import pause_of, resume, set_pause
from tracker.web.pause_links import (
    ExpiredPauseLink,
    PauseClaim,
    TamperedPauseLink,
    read_pause_token,
)
from tracker.web.render import checked_form, error_page, page, redirect, state, text_field

#: Form value → (label, weeks; None: until resumed).
SPANS: dict[str, tuple[str, int | None]] = {
    "1": ("на 1 неделю", 1),
    "2": ("на 2 недели", 2),
    "4": ("на 4 недели", 4),
    "until-resumed": ("пока я не возобновлю", None),
}
ONE_CLICK_WEEKS = 4

MESSAGES = {
    "paused": "Напоминания приостановлены.",
    "resumed": "Напоминания возобновлены.",
}


def _claim(request: Request) -> PauseClaim | Response:
    web = state(request)
    try:
        return read_pause_token(web.secret, request.path_params["token"], web.now())
    except ExpiredPauseLink:
        return error_page(
            request,
            410,
            "Срок действия ссылки истёк",
            "Эта ссылка для приостановки напоминаний больше не действует. Откройте ссылку "
            "из последнего письма или обратитесь к координатору дорожной карты.",
        )
    except TamperedPauseLink:
        return error_page(
            request,
            403,
            "Ссылка недействительна",
            "Эта ссылка повреждена или изменена. Скопируйте её из письма полностью.",
        )


def _render(request: Request, claim: PauseClaim, errors: list[str] | None = None) -> Response:
    web = state(request)
    context = {
        "token": request.path_params["token"],
        "address": claim.address,
        "pause": pause_of(web.engine, claim.address, web.now()),
        "spans": SPANS,
        "errors": errors or [],
        "message": MESSAGES.get(request.query_params.get("m", "")),
    }
    return page(request, "pause.html", context, status=400 if errors else 200)


async def show_pause(request: Request) -> Response:
    claim = _claim(request)
    if isinstance(claim, Response):
        return claim
    return await run_in_threadpool(_render, request, claim)


def _until(now: datetime, weeks: int | None) -> datetime | None:
    return None if weeks is None else now + timedelta(weeks=weeks)


async def post_pause(request: Request) -> Response:
    claim = _claim(request)
    if isinstance(claim, Response):
        return claim
    web = state(request)
    raw = await request.form()
    if raw.get("List-Unsubscribe") == "One-Click":  # RFC 8058: a mail client, no cookies
        now = web.now()
        await run_in_threadpool(
            lambda: set_pause(
                web.engine, claim.address, until=_until(now, ONE_CLICK_WEEKS), digests=False,
                now=now,
            )
        )  # fmt: skip
        return PlainTextResponse("Напоминания приостановлены на 4 недели.")
    form = await checked_form(request)
    if not isinstance(form, FormData):
        return form
    action = text_field(form, "do")
    if action == "resume":
        await run_in_threadpool(resume, web.engine, claim.address)
        return redirect(f"/pause/{request.path_params['token']}?m=resumed")
    span = SPANS.get(text_field(form, "span"))
    if action != "pause" or span is None:
        return await run_in_threadpool(
            _render, request, claim, ["Выберите, на какой срок приостановить напоминания."]
        )
    now = web.now()
    digests = text_field(form, "digests") == "yes"
    await run_in_threadpool(
        lambda: set_pause(
            web.engine, claim.address, until=_until(now, span[1]), digests=digests, now=now
        )
    )
    return redirect(f"/pause/{request.path_params['token']}?m=paused")


ROUTES = [
    Route("/pause/{token}", show_pause, methods=["GET"]),
    Route("/pause/{token}", post_pause, methods=["POST"]),
]
