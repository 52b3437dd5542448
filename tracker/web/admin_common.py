"""What the admins' pages share: the admin check, the directory, static files of their own."""

from __future__ import annotations

from importlib.resources import files
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from tracker.roadmap.people_match import Candidate
from tracker.store.people import candidates, list_people
from tracker.web.accounts import Account
from tracker.web.render import current_account, error_page, redirect, state


def admin_or_refusal(request: Request) -> Account | Response:
    """The logged-in admin, else a redirect to the login page or a 403 page."""
    account = current_account(request)
    if account is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return redirect("/login?" + urlencode({"next": target}))
    if not account.is_admin:
        return error_page(request, 403, "Нет доступа", "Эта страница только для администраторов.")
    return account


def directory(request: Request) -> list[Candidate]:
    """The people directory (``[schedules] executors``) as the name matcher sees it."""
    return candidates(list_people(state(request).settings.schedules.executors_path))


def _static(name: str, media_type: str) -> Response:
    text = files("tracker.web").joinpath(f"templates/{name}").read_text(encoding="utf-8")
    return Response(text, media_type=media_type, headers={"Cache-Control": "max-age=3600"})


def admin_css(request: Request) -> Response:
    return _static("admin.css", "text/css")


def admin_js(request: Request) -> Response:
    return _static("admin.js", "text/javascript")
