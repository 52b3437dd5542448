"""The curator's page: one occurrence, opened by a signed link, no login.

The link's token names the occurrence and the recipient; the page acts on nothing else, and
records every change in the recipient's name through the store's functions.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tracker.errors import TrackerError
from tracker.store.models import Status
from tracker.store.requests import add_note, pending_request, request_extension, set_status
from tracker.web.item import ItemView, load_item, occurrence_notes, recipient_name
from tracker.web.links import ExpiredLink, LinkClaim, TamperedLink, read_token
from tracker.web.render import checked_form, error_page, page, redirect, state, text_field

COMMENT_LIMIT = 2000
REASON_LIMIT = 1000
REPORT_LIMIT = 500
_REPORT = re.compile(r"https?://[^\s<>\"']+")

MESSAGES = {
    "done": "Спасибо! Мероприятие отмечено как выполненное.",
    "started": "Отмечено: мероприятие в работе.",
    "note": "Комментарий сохранён.",
    "requested": "Запрос на перенос срока отправлен координатору. О решении вам сообщат.",
}

STALE = "Не удалось сохранить: мероприятие только что изменилось. Обновите страницу."


def _claim(request: Request) -> LinkClaim | Response:
    web = state(request)
    token = request.path_params["token"]
    try:
        return read_token(web.secret, token, web.now())
    except ExpiredLink as expired:
        item = load_item(web.engine, expired.claim.occurrence_id, web.now(), 0)
        what = f" на мероприятие {item.number} «{item.title}»" if item else ""
        return error_page(
            request,
            410,
            "Срок действия ссылки истёк",
            f"Ссылка{what} больше не действует. Откройте ссылку из последнего напоминания "
            "или обратитесь к координатору дорожной карты.",
        )
    except TamperedLink:
        return error_page(
            request,
            403,
            "Ссылка недействительна",
            "Эта ссылка повреждена или изменена. Скопируйте её из письма полностью или "
            "откройте письмо и нажмите на ссылку ещё раз.",
        )


def _render(
    request: Request,
    claim: LinkClaim,
    *,
    errors: list[str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    web = state(request)
    now = web.now()
    item = load_item(web.engine, claim.occurrence_id, now, web.settings.policy.due_soon_days)
    if item is None:
        return error_page(
            request,
            404,
            "Мероприятие не найдено",
            "Мероприятия, на которое ведёт ссылка, больше нет. Обратитесь к координатору.",
        )
    current = item.extended_due or item.due
    context: dict[str, Any] = {
        "token": request.path_params["token"],
        "item": item,
        "recipient": recipient_name(web.engine, claim.recipient_key),
        "pending": pending_request(web.engine, item.occurrence_id),
        "notes": occurrence_notes(web.engine, item.occurrence_id)[:20],
        "errors": errors or [],
        "values": values or {},
        "message": MESSAGES.get(request.query_params.get("m", "")),
        "today": item.today.isoformat(),
        "min_new_due": max(current + timedelta(days=1), item.today).isoformat(),
        "expires_at": claim.expires_at,
    }
    return page(request, "item.html", context, status=status)


async def show_item(request: Request) -> Response:
    claim = await run_in_threadpool(_claim, request)  # an expired link looks its item up
    if isinstance(claim, Response):
        return claim
    return await run_in_threadpool(_render, request, claim)


def _comment(form: FormData, errors: list[str]) -> str:
    """The comment and the report link of a form as one history comment."""
    comment = text_field(form, "comment")
    report = text_field(form, "report")
    if len(comment) > COMMENT_LIMIT:
        errors.append(f"Комментарий длиннее {COMMENT_LIMIT} знаков; сократите его.")
    if report and (len(report) > REPORT_LIMIT or not _REPORT.fullmatch(report)):
        errors.append("Ссылка на отчёт должна начинаться с https:// или http://.")
    parts = [comment] if comment else []
    if report:
        parts.append(f"Отчёт: {report}")
    return "\n".join(parts)


def _day(form: FormData, name: str) -> date | None:
    try:
        return date.fromisoformat(text_field(form, name))
    except ValueError:
        return None


def _values(form: FormData) -> dict[str, str]:
    return {key: value for key, value in form.items() if isinstance(value, str)}


async def _posted(request: Request) -> tuple[LinkClaim, FormData, ItemView] | Response:
    claim = await run_in_threadpool(_claim, request)  # an expired link looks its item up
    if isinstance(claim, Response):
        return claim
    form = await checked_form(request)
    if not isinstance(form, FormData):
        return form
    web = state(request)
    item = await run_in_threadpool(
        load_item, web.engine, claim.occurrence_id, web.now(), web.settings.policy.due_soon_days
    )
    if item is None:
        return await run_in_threadpool(_render, request, claim)
    return claim, form, item


async def post_status(request: Request) -> Response:
    posted = await _posted(request)
    if isinstance(posted, Response):
        return posted
    claim, form, item = posted
    web = state(request)
    errors: list[str] = []
    to = text_field(form, "to")
    if to not in (Status.DONE.value, Status.IN_PROGRESS.value):
        errors.append("Выберите: «Выполнено» или «В работе».")
    comment = _comment(form, errors)
    completed_on: date | None = None
    if to == Status.DONE.value:
        completed_on = (
            _day(form, "completed_on") if text_field(form, "completed_on") else item.today
        )
        if completed_on is None:
            errors.append("Укажите дату выполнения в виде ДД.ММ.ГГГГ.")
        elif completed_on > item.today:
            errors.append("Дата выполнения не может быть позже сегодняшнего дня.")
    if item.archived:
        errors.append("Мероприятие исключено из дорожной карты; отметки больше не принимаются.")
    elif not item.is_open:
        errors.append(f"Мероприятие уже в состоянии «{item.state_label}»; изменить его нельзя.")
    elif to == Status.IN_PROGRESS.value and not item.can_start:
        errors.append("Мероприятие уже отмечено как начатое.")
    if errors:
        return await run_in_threadpool(
            _render, request, claim, errors=errors, values=_values(form), status=400
        )
    actor = await run_in_threadpool(recipient_name, web.engine, claim.recipient_key)
    try:
        await run_in_threadpool(
            lambda: set_status(
                web.engine,
                item.occurrence_id,
                Status(to),
                now=web.now(),
                actor=actor,
                comment=comment or None,
                completed_on=completed_on,
            )
        )
    except TrackerError:
        return await run_in_threadpool(
            _render, request, claim, errors=[STALE], values=_values(form), status=409
        )
    flag = "done" if to == Status.DONE.value else "started"
    return redirect(f"/i/{request.path_params['token']}?m={flag}")


async def post_note(request: Request) -> Response:
    posted = await _posted(request)
    if isinstance(posted, Response):
        return posted
    claim, form, item = posted
    web = state(request)
    errors: list[str] = []
    comment = _comment(form, errors)
    if not comment and not errors:
        errors.append("Напишите комментарий или вставьте ссылку на отчёт.")
    if item.archived:
        errors.append("Мероприятие исключено из дорожной карты; комментарии больше не принимаются.")
    if errors:
        return await run_in_threadpool(
            _render, request, claim, errors=errors, values=_values(form), status=400
        )
    actor = await run_in_threadpool(recipient_name, web.engine, claim.recipient_key)
    await run_in_threadpool(
        lambda: add_note(
            web.engine, item.occurrence_id, actor=actor, comment=comment, now=web.now()
        )
    )
    return redirect(f"/i/{request.path_params['token']}?m=note")


async def post_extension(request: Request) -> Response:
    posted = await _posted(request)
    if isinstance(posted, Response):
        return posted
    claim, form, item = posted
    web = state(request)
    errors: list[str] = []
    new_due = _day(form, "new_due")
    reason = text_field(form, "reason")
    current = item.extended_due or item.due
    if new_due is None:
        errors.append("Укажите новый срок в виде ДД.ММ.ГГГГ.")
    elif new_due <= current:
        errors.append(f"Новый срок должен быть позже текущего ({current:%d.%m.%Y}).")
    elif new_due < item.today:
        errors.append("Новый срок не может быть в прошлом.")
    elif new_due > max(current, item.today) + timedelta(days=366):  # long overdue: from today
        errors.append("Перенос больше чем на год запрашивается у координатора напрямую.")
    if not reason:
        errors.append("Укажите причину переноса срока.")
    elif len(reason) > REASON_LIMIT:
        errors.append(f"Причина длиннее {REASON_LIMIT} знаков; сократите её.")
    if not item.is_open:
        errors.append("Перенести срок можно только у невыполненного мероприятия.")
    elif await run_in_threadpool(pending_request, web.engine, item.occurrence_id):
        errors.append("Запрос на перенос срока уже отправлен и ждёт решения координатора.")
    if errors or new_due is None:
        return await run_in_threadpool(
            _render, request, claim, errors=errors, values=_values(form), status=400
        )
    actor = await run_in_threadpool(recipient_name, web.engine, claim.recipient_key)
    try:
        await run_in_threadpool(
            lambda: request_extension(
                web.engine,
                item.occurrence_id,
                new_due=new_due,
                reason=reason,
                requested_by=actor,
                recipient_key=claim.recipient_key,
                now=web.now(),
            )
        )
    except TrackerError:
        return await run_in_threadpool(
            _render, request, claim, errors=[STALE], values=_values(form), status=409
        )
    return redirect(f"/i/{request.path_params['token']}?m=requested")


ROUTES = [
    Route("/i/{token}", show_item, methods=["GET"]),
    Route("/i/{token}/status", post_status, methods=["POST"]),
    Route("/i/{token}/note", post_note, methods=["POST"]),
    Route("/i/{token}/extension", post_extension, methods=["POST"]),
]
