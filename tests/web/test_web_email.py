"""From a real e-mail to the board: the reminder pipeline and the pages, end to end.

The five seed roadmaps are planned by the reminder pass with ``[web] base_url`` pointing at a
live server, sent over STARTTLS+AUTH to the test SMTP server, and the link in a captured
message is opened in headless Chromium: the curator marks the item done, and the roadmap's
coordinator sees it done on the board.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import mailserver
import pytest
from browserkit import (
    board_shows,
    chromium,
    coordinator_logs_in,
    curator_marks_done,
    new_page,
    seed_schedules,
    serving,
)
from sqlalchemy import Engine, select
from webkit import Clock

from tracker.config import load_settings
from tracker.notify.remind import plan_pass
from tracker.notify.send import send_now
from tracker.store.models import AccountRole
from tracker.store.tables import ACTIVITY as A
from tracker.store.tables import OCCURRENCE as OC
from tracker.store.tables import ROADMAP as RM
from tracker.web.accounts import add_account
from tracker.web.app import create_app
from tracker.web.links import read_token
from tracker.web.mail_links import item_links

NOW = datetime(2022, 10, 10, 3, 30, tzinfo=UTC)  # 10 October 2022: a working morning east
SECRET = "a-signing-key-for-the-e-mail-to-board-test-0123"
LINK = re.compile(r"Отметить выполнение: (\S+/i/(\S+))")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def test_a_curator_follows_the_link_in_a_real_email_and_the_board_shows_it_done(
    engine: Engine, browser: Any, tmp_path: Path
) -> None:
    clock = Clock(NOW)
    seed_schedules(engine, NOW - timedelta(days=60))
    with mailserver.running("starttls", tmp_path) as smtp:

        def app_for(base_url: str) -> Any:
            env = {**smtp.env(), "TRACKER_WEB_BASE_URL": base_url, "TRACKER_WEB_SECRET": SECRET}
            holder["settings"] = load_settings(env=env, cwd=tmp_path)
            return create_app(holder["settings"], engine, clock=clock)

        holder: dict[str, Any] = {}
        with serving(app_for) as server:
            settings = holder["settings"]
            report = plan_pass(engine, settings, NOW, link_maker=item_links(engine, settings, NOW))
            assert report.made > 0
            # Playwright's sync API keeps an event loop in this thread: send from another one
            with ThreadPoolExecutor(1) as pool:
                sent = pool.submit(send_now, engine, settings, NOW).result()
            assert sent.sent == len(smtp.received) > 0
            links = [match for message in smtp.received for match in LINK.finditer(message.text)]
            assert links, "no reminder carried an item link"
            match = links[0]
            assert match.group(1).startswith(server.url + "/i/")
            claim = read_token(SECRET, match.group(2), NOW)
            with engine.connect() as conn:
                slug, key = conn.execute(
                    select(RM.c.slug, A.c.key)
                    .select_from(OC.join(A, OC.c.activity_id == A.c.id).join(RM))
                    .where(OC.c.id == claim.occurrence_id)
                ).one()

            curator = new_page(browser, phone=True)
            heading = curator_marks_done(curator, match.group(1), comment="Выполнено по письму")
            assert heading

            add_account(
                engine, "coordinator", "пароль-координатора", role=AccountRole.COORDINATOR,
                roadmaps=[slug], name="Координатор", now=NOW,
            )  # fmt: skip
            board = new_page(browser)
            coordinator_logs_in(board, server.url, "coordinator", "пароль-координатора")
            row = board_shows(board, server.url, f"{slug}:{key}", state="done")
            assert "выполнено" in row
