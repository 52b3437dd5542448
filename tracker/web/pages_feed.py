"""The executor's iCalendar feed at its secret URL."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from tracker.web.feeds import build_calendar, executor_of_feed, open_items
from tracker.web.links import link_expiry
from tracker.web.render import state
from tracker.web.signing import item_link


def feed(request: Request) -> Response:
    web = state(request)
    found = executor_of_feed(web.engine, request.path_params["secret"])
    if found is None:
        return PlainTextResponse("Календарь не найден.", status_code=404)
    executor_id, name = found
    now = web.now()
    # links in the feed expire at a whole day, so a feed fetched twice a day reads the same
    day_start = link_expiry(now, 0).replace(hour=0, minute=0, second=0)

    def link(occurrence_id: int) -> str:
        return item_link(
            web.settings.web, web.secret, occurrence_id, f"executor:{executor_id}", day_start
        )

    body = build_calendar(
        name,
        open_items(web.engine, executor_id),
        now=day_start,
        base_url=web.settings.web.base_url,
        link=link,
    )
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={
            "Cache-Control": "no-store",
            "Content-Disposition": 'inline; filename="tracker.ics"',
        },
    )


ROUTES = [Route("/feed/{secret}.ics", feed, methods=["GET"])]
