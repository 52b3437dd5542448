"""The admins' import page: upload a plan, check and correct what was read, save it.

``/admin/import`` takes a document (every format `tracker import` reads; the type is checked
from the content, the size against ``[web] upload_mb``), reads it with
:func:`~tracker.roadmap.importer.import_roadmap` and keeps the result as a draft in memory
(:mod:`tracker.web.admin_drafts`): nothing is written until Save. Save writes
``schedules/<slug>.toml`` with the CLI's writer (atomic) and syncs the folder as `tracker sync`
does. ``/admin/import/{id}/phrase?text=…`` reads one phrase for the page's live check.
``/admin/roadmap/{slug}`` lists a saved plan's rules in normal form and next dates.
"""

from __future__ import annotations

import io
import re
import tempfile
import tomllib
import zipfile
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tracker.errors import InputError, TrackerError
from tracker.roadmap import schedule_file
from tracker.roadmap.importer import check_timezone, import_roadmap, read_deadline
from tracker.roadmap.model import Roadmap
from tracker.store.people import PersonFields, add_aliases, add_people, split_list
from tracker.store.plan import SyncPolicy
from tracker.store.sync import sync_directory
from tracker.terms import Period
from tracker.web import admin_drafts as drafts
from tracker.web.accounts import Account
from tracker.web.admin_common import admin_css, admin_js, admin_or_refusal, directory
from tracker.web.render import WebState, checked_form, error_page, page, redirect, state, text_field

#: Windows the live check shows at most.
SHOWN = 8
#: The phrase reader's own messages, for the page.
_MESSAGES = {"the row has no deadline": "в строке нет срока"}
MESSAGES = {
    "period": "Период, часовой пояс и название применены; сроки прочитаны заново.",
    "row": "Строка исправлена.",
    "person": "Исполнитель сопоставлен со справочником.",
    "added": "Новый человек будет добавлен в справочник при сохранении.",
    "saved": "План сохранён и загружен в базу.",
    "cancelled": "Импорт отменён; ничего не записано.",
}


def _drafts(request: Request) -> drafts.Drafts:
    found = getattr(request.app.state, "admin_drafts", None)
    if found is None:
        found = drafts.Drafts()
        request.app.state.admin_drafts = found
    assert isinstance(found, drafts.Drafts)
    return found


def _message(error: str | None) -> str | None:
    return _MESSAGES.get(error, error) if error else None


# --- the document ------------------------------------------------------------------------------


def sniff(data: bytes) -> str | None:
    """The file's kind from its first bytes: ``.docx``, ``.xlsx``, ``.pdf``, ``.doc``, ``.txt``."""
    if data.startswith(b"%PDF-"):
        return ".pdf"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return ".doc"  # an old Word/Excel file: the reader says what to do with it
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return None
        if any(name.startswith("word/") for name in names):
            return ".docx"
        if any(name.startswith("xl/") for name in names):
            return ".xlsx"
        return None
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (head and b"\x00" not in head):
        return ".txt"  # text copied from Word or a PDF, or a CSV
    return None


def _stem(filename: str) -> str:
    stem = Path(filename.replace("\\", "/")).stem
    return re.sub(r"[^\w.-]+", "_", stem).strip("._")[:80] or "plan"


def default_slug(filename: str, today: date) -> str:
    slug = re.sub(r"[^a-z0-9_-]+", "-", _stem(filename).lower()).strip("-_")[:58]
    if not slug:
        return f"plan-{today:%Y%m%d}"
    return slug if re.search(r"[a-z]", slug) else f"plan-{slug}"  # «План 2022» → plan-2022


def read_upload(
    data: bytes, filename: str, *, period: Period | None, timezone: str, slug: str
) -> Roadmap:
    """Import the uploaded bytes as `tracker import` would; errors name the upload, not a path."""
    suffix = sniff(data)
    if suffix is None:
        raise InputError(
            f"{filename}: not a document tracker reads",
            hint="a .docx, .xlsx, .pdf, .csv or a .txt copied from Word or a PDF",
        )
    with tempfile.TemporaryDirectory(prefix="tracker-upload-") as folder:
        path = Path(folder) / f"{_stem(filename)}{suffix}"
        path.write_bytes(data)
        try:
            roadmap = import_roadmap(path, period=period, timezone=timezone, slug=slug)
        except TrackerError as error:
            error.message = error.message.replace(str(path), filename)
            if error.hint:
                error.hint = error.hint.replace("pass it with --period START:END", "укажите период")
            raise
    roadmap.source = Path(filename.replace("\\", "/")).name
    return roadmap


def schedule_for(folder: Path, slug: str, executors: Path) -> Path | None:
    """The schedule file in ``folder`` whose roadmap is ``slug``, if there is one."""
    if not folder.is_dir():
        return None
    for path in sorted(folder.glob("*.toml")):
        if path.resolve() == executors.resolve():
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        if data.get("slug", path.stem) == slug:
            return path
    return None


def _previous(web: WebState, roadmap: Roadmap) -> tuple[Roadmap | None, str | None]:
    folder = web.settings.schedules.dir
    found = schedule_for(folder, roadmap.slug, web.settings.schedules.executors_path)
    if found is None:
        return None, None
    try:
        return schedule_file.load(found), found.name
    except TrackerError:
        return None, found.name  # a broken file is replaced; its text is in the diff as nothing


def _period(form: FormData) -> Period | None:
    start, end = text_field(form, "start"), text_field(form, "end")
    if not start and not end:
        return None
    try:
        period = Period(date.fromisoformat(start), date.fromisoformat(end))
    except ValueError:
        raise InputError("период: укажите даты начала и конца (ГГГГ-ММ-ДД)") from None
    if period.end < period.start:
        raise InputError("период: конец раньше начала")
    return period


# --- pages -------------------------------------------------------------------------------------


def show_upload(request: Request) -> Response:
    account = admin_or_refusal(request)
    if not isinstance(account, Account):
        return account
    return _upload_page(request)


def _upload_page(request: Request, errors: list[str] | None = None, status: int = 200) -> Response:
    web = state(request)
    context = {
        "limit_mb": web.settings.web.upload_mb,
        "timezone": web.settings.policy.timezone,
        "errors": errors or [],
        "message": MESSAGES.get(request.query_params.get("m", "")),
    }
    return page(request, "admin_upload.html", context, status=status)


async def post_upload(request: Request) -> Response:
    account = admin_or_refusal(request)
    if not isinstance(account, Account):
        return account
    web = state(request)
    limit = web.settings.web.upload_mb * 1024 * 1024
    too_big = f"Файл больше {web.settings.web.upload_mb} МБ: загрузите файл поменьше."
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit + 65536:
        return _upload_page(request, [too_big], 413)
    form = await checked_form(request)
    if not isinstance(form, FormData):
        return form
    upload = form.get("document")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _upload_page(request, ["Выберите файл плана."], 400)
    data = await upload.read(limit + 1)
    if len(data) > limit:
        return _upload_page(request, [too_big], 413)
    filename = upload.filename
    try:
        period = _period(form)
        timezone = check_timezone(text_field(form, "timezone") or web.settings.policy.timezone)
        slug = default_slug(filename, web.now().date())
        roadmap = await run_in_threadpool(
            lambda: read_upload(data, filename, period=period, timezone=timezone, slug=slug)
        )
        previous, target = await run_in_threadpool(_previous, web, roadmap)
    except TrackerError as error:
        return _upload_page(request, [str(error)], 400)
    if previous is not None:
        drafts.keep_corrections(roadmap, previous)
    draft = _drafts(request).add(account.id, web.now(), filename, roadmap, previous, target)
    return redirect(f"/admin/import/{draft.id}")


def _draft(request: Request, account: Account) -> drafts.Draft | Response:
    found = _drafts(request).get(request.path_params["draft"], account.id, state(request).now())
    if found is None:
        return error_page(
            request,
            404,
            "Импорт не найден",
            "Этот импорт уже сохранён, отменён или устарел. Загрузите план ещё раз.",
        )
    return found


def show_review(request: Request) -> Response:
    account = admin_or_refusal(request)
    if not isinstance(account, Account):
        return account
    draft = _draft(request, account)
    if not isinstance(draft, drafts.Draft):
        return draft
    return _review(request, draft)


def _review(request: Request, draft: drafts.Draft, errors: list[str] | None = None,
            status: int = 200) -> Response:  # fmt: skip
    roadmap = draft.roadmap
    rows = roadmap.activities
    order = drafts.review_order(roadmap)
    try:
        people = directory(request)
    except TrackerError as error:
        people, errors = [], [*(errors or []), str(error)]
    matches = drafts.executor_matches(draft, people)
    context: dict[str, Any] = {
        "draft": draft,
        "roadmap": roadmap,
        "rows": [(index, rows[index]) for index in order],
        "total": len(rows),
        "need_dates": sum(1 for a in rows if drafts.needs_dates(a)),
        "with_warnings": sum(1 for a in rows if drafts.has_warnings(a)),
        "matches": matches,
        "unmatched": sum(1 for m in matches if m.state != "exact"),
        "people": sorted({c.name for c in drafts.directory_with_draft(draft, people)}),
        "diff": drafts.diff(draft.previous, roadmap) if draft.previous else None,
        "kinds": drafts.KIND_LABELS,
        "window_text": drafts.window_text,
        "unread_part": drafts.unread_part,
        "message_of": _message,
        "errors": errors or [],
        "message": MESSAGES.get(request.query_params.get("m", "")),
    }
    return page(request, "admin_import.html", context, status=status)


async def _draft_form(request: Request) -> tuple[drafts.Draft, FormData] | Response:
    """The admin's draft and the posted form, or the page that refuses them."""
    account = admin_or_refusal(request)
    if not isinstance(account, Account):
        return account
    draft = _draft(request, account)
    if not isinstance(draft, drafts.Draft):
        return draft
    form = await checked_form(request)
    if not isinstance(form, FormData):
        return form
    return draft, form


async def _act(request: Request, work: Any, message: str, anchor: str = "") -> Response:
    """Check the admin, the draft and the form; apply ``work(draft, form)``; back to the page."""
    checked = await _draft_form(request)
    if isinstance(checked, Response):
        return checked
    draft, form = checked
    try:
        await run_in_threadpool(work, request, draft, form)
    except TrackerError as error:
        return _review(request, draft, [str(error)], 400)
    finally:
        await run_in_threadpool(_drafts(request).keep, draft)  # as changed, for every process
    if anchor == "#row-":
        anchor += text_field(form, "index")
    return redirect(f"/admin/import/{draft.id}?m={message}{anchor}")


def _apply_plan(request: Request, draft: drafts.Draft, form: FormData) -> None:
    web = state(request)
    period = _period(form)
    if period is None:
        raise InputError("период: укажите даты начала и конца")
    timezone = check_timezone(text_field(form, "timezone"))
    slug = text_field(form, "slug")
    old_slug = draft.roadmap.slug
    drafts.set_period(draft, period, timezone, slug, text_field(form, "title"))
    if slug != old_slug:
        draft.previous, draft.target = _previous(web, draft.roadmap)


async def post_plan(request: Request) -> Response:
    return await _act(request, _apply_plan, "period")


def _apply_row(request: Request, draft: drafts.Draft, form: FormData) -> None:
    try:
        index = int(text_field(form, "index"))
    except ValueError:
        raise InputError("строка не указана") from None
    activity = draft.activity(index, text_field(form, "key"))
    action = text_field(form, "do")
    if action == "phrase":
        drafts.set_phrase(draft, activity, text_field(form, "phrase"))
    elif action == "windows":
        drafts.set_windows(activity, drafts.parse_windows(text_field(form, "windows")))
    elif action == "unscheduled":
        drafts.set_windows(activity, [])
    elif action == "reset":
        activity.override_windows = None
        drafts.set_phrase(draft, activity, "")
    elif action == "title":
        drafts.set_title(activity, text_field(form, "title"))
    elif action == "split":
        drafts.split(
            draft,
            index,
            text_field(form, "number"),
            text_field(form, "title"),
            text_field(form, "deadline"),
        )
    elif action == "merge":
        drafts.merge_next(draft, index)
    else:
        raise InputError("неизвестное действие")


async def post_row(request: Request) -> Response:
    return await _act(request, _apply_row, "row", "#row-")


def show_row(request: Request) -> Response:
    """One row's correction forms on a page of its own (the review page inlines only the rows
    that need attention, so a 2,000-row plan stays a page a browser opens quickly)."""
    account = admin_or_refusal(request)
    if not isinstance(account, Account):
        return account
    draft = _draft(request, account)
    if not isinstance(draft, drafts.Draft):
        return draft
    index = request.path_params["index"]
    if not 0 <= index < len(draft.roadmap.activities):
        return error_page(request, 404, "Строка не найдена", "В этом плане нет такой строки.")
    context = {
        "draft": draft,
        "index": index,
        "a": draft.roadmap.activities[index],
        "kinds": drafts.KIND_LABELS,
        "window_text": drafts.window_text,
    }
    return page(request, "admin_row.html", context)


def _apply_person(request: Request, draft: drafts.Draft, form: FormData) -> None:
    spelling = text_field(form, "spelling")
    if not spelling:
        raise InputError("не указано имя из плана")
    if text_field(form, "do") == "add":
        emails = split_list(text_field(form, "email").replace(",", ";"))
        drafts.add_person(
            draft,
            spelling,
            PersonFields(
                name=text_field(form, "name") or spelling,
                emails=emails,
                organisation=text_field(form, "organisation"),
                role=text_field(form, "role"),
            ),
        )
    else:
        drafts.confirm(draft, spelling, text_field(form, "entry"), directory(request))


async def post_person(request: Request) -> Response:
    action = "added" if request.query_params.get("add") else "person"
    return await _act(request, _apply_person, action, "#executors")


def _save(request: Request, draft: drafts.Draft, form: FormData) -> None:
    web = state(request)
    folder = web.settings.schedules.dir
    people_file = web.settings.schedules.executors_path
    if not folder.is_dir():
        raise InputError(f"нет папки планов {folder}")
    schedule_file.dumps(draft.roadmap)  # a plan that cannot be written stops here
    if draft.new_people:
        add_people(people_file, draft.new_people)
        draft.new_people = []
    if draft.aliases:
        add_aliases(people_file, draft.aliases)
        draft.aliases = {}
    target = folder / (draft.target or f"{draft.roadmap.slug}.toml")
    try:
        schedule_file.write(draft.roadmap, target, force=draft.target is not None)
    except OSError as error:
        raise InputError(f"cannot write {target}: {error.strerror}") from None
    report = sync_directory(
        web.engine,
        folder,
        load=schedule_file.load,
        executors_file=people_file,
        policy=SyncPolicy(shift=web.settings.policy.shift, checkin=web.settings.policy.checkin),
        now=web.now(),
    )
    failed = [f for f in report.files if f.outcome == "failed"]
    if report.executors.outcome == "failed":
        raise InputError(f"план записан в {target.name}, но справочник не загружен: "
                         f"{report.executors.error}")  # fmt: skip
    mine = [f for f in failed if Path(f.path).name == target.name]
    if mine:
        raise InputError(f"план записан в {target.name}, но не загружен: {mine[0].error}")


async def post_save(request: Request) -> Response:
    checked = await _draft_form(request)
    if isinstance(checked, Response):
        return checked
    draft, form = checked
    try:
        await run_in_threadpool(_save, request, draft, form)
    except TrackerError as error:
        await run_in_threadpool(_drafts(request).keep, draft)  # people already written
        return _review(request, draft, [str(error)], 400)
    _drafts(request).drop(draft.id)
    return redirect(f"/admin/roadmap/{draft.roadmap.slug}?m=saved")


async def post_cancel(request: Request) -> Response:
    account = admin_or_refusal(request)
    if not isinstance(account, Account):
        return account
    form = await checked_form(request)
    if not isinstance(form, FormData):
        return form
    _drafts(request).drop(request.path_params["draft"])
    return redirect("/admin/import?m=cancelled")


def phrase(request: Request) -> Response:
    """What one phrase reads as over the draft's period (the page's live check)."""
    account = admin_or_refusal(request)
    if not isinstance(account, Account):
        return JSONResponse({"error": "нет доступа"}, status_code=403)
    draft = _drafts(request).get(request.path_params["draft"], account.id, state(request).now())
    if draft is None or draft.roadmap.period is None:
        return JSONResponse({"error": "импорт не найден"}, status_code=404)
    text = request.query_params.get("text", "")[:1000]
    expansion = read_deadline(text, draft.roadmap.period)
    return JSONResponse(
        {
            "kind": expansion.kind.value,
            "label": drafts.KIND_LABELS[expansion.kind],
            "rule": expansion.rule,
            "dates": [drafts.window_text(w) for w in expansion.windows[:SHOWN]],
            "more": max(0, len(expansion.windows) - SHOWN),
            "error": _message(expansion.error),
            "warnings": list(expansion.warnings),
        },
        headers={"Cache-Control": "no-store"},
    )


# --- a saved plan -------------------------------------------------------------------------------


def show_roadmap(request: Request) -> Response:
    """A saved plan: each activity's rule in normal form and its next three dates."""
    account = admin_or_refusal(request)
    if not isinstance(account, Account):
        return account
    web = state(request)
    slug = request.path_params["slug"]
    found = schedule_for(web.settings.schedules.dir, slug, web.settings.schedules.executors_path)
    if found is None:
        return error_page(request, 404, "План не найден", f"В папке планов нет плана {slug}.")
    try:
        roadmap = schedule_file.load(found)
    except TrackerError as error:
        return error_page(request, 400, "План не читается", str(error))
    today = web.now().astimezone(ZoneInfo(roadmap.timezone)).date()
    context = {
        "roadmap": roadmap,
        "file": found.name,
        "today": today,
        "next_dates": drafts.next_dates,
        "window_text": drafts.window_text,
        "kinds": drafts.KIND_LABELS,
        "message": MESSAGES.get(request.query_params.get("m", "")),
    }
    return page(request, "admin_roadmap.html", context)


ROUTES = [
    Route("/admin/import", show_upload, methods=["GET"]),
    Route("/admin/import", post_upload, methods=["POST"]),
    Route("/admin/import/{draft}", show_review, methods=["GET"]),
    Route("/admin/import/{draft}/plan", post_plan, methods=["POST"]),
    Route("/admin/import/{draft}/row", post_row, methods=["POST"]),
    Route("/admin/import/{draft}/row/{index:int}", show_row, methods=["GET"]),
    Route("/admin/import/{draft}/person", post_person, methods=["POST"]),
    Route("/admin/import/{draft}/save", post_save, methods=["POST"]),
    Route("/admin/import/{draft}/cancel", post_cancel, methods=["POST"]),
    Route("/admin/import/{draft}/phrase", phrase, methods=["GET"]),
    Route("/admin/roadmap/{slug}", show_roadmap, methods=["GET"]),
    Route("/admin/admin.css", admin_css, methods=["GET"]),
    Route("/admin/admin.js", admin_js, methods=["GET"]),
]
