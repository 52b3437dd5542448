"""The admins' people directory page: list, add, edit, import a CSV/XLSX list, export CSV.

The directory is the executors file (``[schedules] executors``); every change goes through
:mod:`tracker.store.people` (the same functions as `tracker people …`) and is then synced into
the database as `tracker sync` does, so reminders reach a new address at once.
"""

from __future__ import annotations

from datetime import datetime

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tracker.errors import TrackerError
from tracker.store.people import (
    PersonFields,
    add_people,
    edit_person,
    export_people,
    find_person,
    import_people,
    list_people,
    read_people,
    split_list,
)
from tracker.store.sync import sync_executors
from tracker.web.accounts import Account
from tracker.web.admin_common import admin_or_refusal
from tracker.web.render import WebState, checked_form, page, redirect, state, text_field

MESSAGES = {
    "added": "Человек добавлен в справочник.",
    "edited": "Запись справочника изменена.",
    "imported": "Список загружен в справочник.",
}


def _fields(form: FormData) -> PersonFields:
    return PersonFields(
        name=text_field(form, "name"),
        emails=split_list(text_field(form, "emails").replace(",", ";")),
        organisation=text_field(form, "organisation"),
        role=text_field(form, "role"),
        aliases=split_list(text_field(form, "aliases")),
        kind="organisation" if text_field(form, "kind") == "organisation" else "person",
    )


def _sync(web: WebState, now: datetime) -> None:
    path = web.settings.schedules.executors_path
    sync_executors(web.engine, list_people(path), now)


def _page(request: Request, errors: list[str] | None = None, status: int = 200,
          message: str | None = None) -> Response:  # fmt: skip
    web = state(request)
    try:
        people = list_people(web.settings.schedules.executors_path)
    except TrackerError as error:
        people, errors = [], [*(errors or []), str(error)]
    edit = request.query_params.get("edit", "")
    context = {
        "people": people,
        "editing": find_person(people, edit) if edit else None,
        "limit_mb": web.settings.web.upload_mb,
        "file": web.settings.schedules.executors_path.name,
        "errors": errors or [],
        "message": message or MESSAGES.get(request.query_params.get("m", "")),
    }
    return page(request, "admin_people.html", context, status=status)


def show_people(request: Request) -> Response:
    account = admin_or_refusal(request)
    if not isinstance(account, Account):
        return account
    return _page(request)


async def _change(request: Request, message: str) -> Response:
    account = admin_or_refusal(request)
    if not isinstance(account, Account):
        return account
    form = await checked_form(request)
    if not isinstance(form, FormData):
        return form
    web = state(request)
    path = web.settings.schedules.executors_path
    try:
        if message == "added":
            await run_in_threadpool(add_people, path, [_fields(form)])
        elif message == "edited":
            original = text_field(form, "original")
            await run_in_threadpool(edit_person, path, original, _fields(form))
        else:
            upload = form.get("list")
            if not isinstance(upload, UploadFile) or not upload.filename:
                return _page(request, ["Выберите файл со списком."], 400)
            limit = web.settings.web.upload_mb * 1024 * 1024
            data = await upload.read(limit + 1)
            if len(data) > limit:
                return _page(request, [f"Файл больше {web.settings.web.upload_mb} МБ."], 413)
            name = upload.filename
            people = await run_in_threadpool(read_people, name, data)
            report = await run_in_threadpool(import_people, path, people)
            await run_in_threadpool(_sync, web, web.now())
            return _page(
                request,
                message=f"Список загружен: добавлено {len(report.added)}, "
                f"обновлено {len(report.updated)}, без изменений {report.unchanged}.",
            )
        await run_in_threadpool(_sync, web, web.now())
    except TrackerError as error:
        return _page(request, [str(error)], 400)
    return redirect(f"/admin/people?m={message}")


async def post_add(request: Request) -> Response:
    return await _change(request, "added")


async def post_edit(request: Request) -> Response:
    return await _change(request, "edited")


async def post_import(request: Request) -> Response:
    return await _change(request, "imported")


def export(request: Request) -> Response:
    account = admin_or_refusal(request)
    if not isinstance(account, Account):
        return account
    web = state(request)
    text = export_people(list_people(web.settings.schedules.executors_path))
    return Response(
        "\ufeff" + text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="people.csv"'},
    )


ROUTES = [
    Route("/admin/people", show_people, methods=["GET"]),
    Route("/admin/people", post_add, methods=["POST"]),
    Route("/admin/people/edit", post_edit, methods=["POST"]),
    Route("/admin/people/import", post_import, methods=["POST"]),
    Route("/admin/people.csv", export, methods=["GET"]),
]
