"""Board downloads and assets: the execution report (``/board/report.{xlsx,docx,csv,html}``)
for the roadmaps the account sees, and the charts' style sheet (``/board/charts.css``)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tracker.report import FORMATS, MEDIA_TYPES, build_report, render
from tracker.web.charts import chart_css
from tracker.web.pages_board import _login_redirect, _Selection
from tracker.web.render import current_account, error_page, state


def charts_css(request: Request) -> Response:
    return Response(chart_css(), media_type="text/css", headers={"Cache-Control": "max-age=3600"})


async def download_report(request: Request) -> Response:
    account = current_account(request)
    if account is None:
        return _login_redirect(request)
    fmt = request.path_params["fmt"]
    if fmt not in FORMATS:
        return error_page(request, 404, "Страница не найдена", "Такого формата отчёта нет.")
    web = state(request)
    chosen = _Selection(request, account)
    if chosen.forbidden:
        return error_page(request, 403, "Нет доступа", "Эта дорожная карта вам недоступна.")
    today = web.now().astimezone(ZoneInfo(web.settings.policy.timezone)).date()

    def make() -> bytes:
        if chosen.roadmap:
            report = build_report(web.engine, today, roadmap=chosen.roadmap)
        else:
            report = build_report(web.engine, today, roadmaps=chosen.slugs)
        return render(report, fmt)

    data = await run_in_threadpool(make)
    name = f"ispolnenie-{chosen.roadmap or 'vse'}-{today:%Y-%m-%d}.{fmt}"
    return Response(
        data,
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


ROUTES = [
    Route("/board/charts.css", charts_css, methods=["GET"]),
    Route("/board/report.{fmt}", download_report, methods=["GET"]),
]
