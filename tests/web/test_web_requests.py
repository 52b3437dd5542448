"""The store side of the web: changes by occurrence id, notes, extension requests, the key."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, select
from storekit import NOW, Syncer, act, roadmap
from webkit import World

from tracker.calendar import Shift
from tracker.config import default_settings
from tracker.errors import InputError
from tracker.store.changes import extend
from tracker.store.models import RequestState, Status
from tracker.store.requests import (
    add_note,
    approve_request,
    decline_request,
    get_request,
    list_requests,
    occurrence_ref,
    request_extension,
    set_status,
)
from tracker.store.tables import EXTENSION, WEB_KEY
from tracker.web.signing import item_link, signing_secret


def test_occurrence_ref_tells_apart_windows_that_share_a_date(engine: Engine) -> None:
    Syncer(engine)(
        roadmap("alpha", act("1", (None, "2023-02-01"), (None, "2023-03-01"), (None, "2023-04-03")))
    )
    world_ids = _ids(engine)
    # the first window moves onto the second's due date: «--due 2023-03-01» is now ambiguous
    extend(
        engine,
        "alpha:1",
        date(2023, 3, 1),
        reason="r",
        approved_by="a",
        now=NOW,
        shift=Shift.NONE,
        due=date(2023, 2, 1),
    )
    for occurrence in world_ids:
        assert occurrence_ref(engine, occurrence) == "alpha:1"
        change = set_status(engine, occurrence, Status.IN_PROGRESS, now=NOW, actor="t")
        assert change.occurrence_id == occurrence


def _ids(engine: Engine) -> list[int]:
    from tracker.store.tables import OCCURRENCE

    with engine.connect() as conn:
        return list(conn.execute(select(OCCURRENCE.c.id).order_by(OCCURRENCE.c.due)).scalars())


def test_request_rules(world: World) -> None:
    engine, now = world.engine, world.clock()
    occurrence = world.occurrence("alpha:4")

    def ask(new_due: date, reason: str = "причина") -> int:
        return request_extension(
            engine,
            occurrence,
            new_due=new_due,
            reason=reason,
            requested_by="Петров П.П.",
            recipient_key=world.recipient(),
            now=now,
        )

    with pytest.raises(InputError, match="needs a reason"):
        ask(date(2023, 4, 28), " ")
    with pytest.raises(InputError, match="ask for a later day"):
        ask(date(2023, 3, 31))
    first = ask(date(2023, 4, 28))
    with pytest.raises(InputError, match="already has a request"):
        ask(date(2023, 5, 5))
    assert [r.id for r in list_requests(engine, roadmaps=["alpha"])] == [first]
    assert list_requests(engine, roadmaps=["beta"]) == []
    decline_request(engine, first, by="Иванова И.И.", now=now)
    with pytest.raises(InputError, match="decided already"):
        decline_request(engine, first, by="Иванова И.И.", now=now)
    assert get_request(engine, first).state == RequestState.DECLINED.value
    second = ask(date(2023, 5, 5))
    change = approve_request(engine, second, by="Иванова И.И.", now=now, shift=Shift.NEXT)
    assert change.new_due == date(2023, 5, 5)
    with engine.connect() as conn:
        [ext] = conn.execute(select(EXTENSION)).all()
    assert (ext.original_due, ext.new_due, ext.approved_by) == (
        date(2023, 3, 31),
        date(2023, 5, 5),
        "Иванова И.И.",
    )
    assert list_requests(engine) == []
    assert len(list_requests(engine, state=None)) == 2
    with pytest.raises(InputError, match="no extension request"):
        get_request(engine, 999)


def test_failed_approval_leaves_the_request_pending(world: World) -> None:
    engine, now = world.engine, world.clock()
    occurrence = world.occurrence("alpha:4")
    request = request_extension(
        engine,
        occurrence,
        new_due=date(2023, 4, 28),
        reason="причина",
        requested_by="Петров П.П.",
        recipient_key=world.recipient(),
        now=now,
    )
    set_status(engine, occurrence, Status.DONE, now=now, actor="Петров П.П.")
    with pytest.raises(InputError, match="is done"):
        approve_request(engine, request, by="Иванова И.И.", now=now, shift=Shift.NEXT)
    assert get_request(engine, request).state == RequestState.PENDING.value
    with pytest.raises(InputError, match="is done"):
        request_extension(
            engine,
            occurrence,
            new_due=date(2023, 5, 28),
            reason="ещё",
            requested_by="Петров П.П.",
            recipient_key=world.recipient(),
            now=now,
        )


def test_notes_need_text_and_a_live_item(world: World) -> None:
    with pytest.raises(InputError, match="empty note"):
        add_note(world.engine, world.occurrence("alpha:1"), actor="x", comment=" ", now=NOW)
    with pytest.raises(InputError, match="no occurrence"):
        add_note(world.engine, 99999, actor="x", comment="текст", now=NOW)


def test_signing_key_is_generated_once_and_shared(engine: Engine) -> None:
    web = default_settings().web
    first = signing_secret(engine, web, NOW)
    assert len(first) >= 60
    assert signing_secret(engine, web, NOW + timedelta(days=1)) == first
    with engine.connect() as conn:
        assert conn.execute(select(WEB_KEY.c.name)).scalars().all() == ["signing"]


def test_configured_key_wins(engine: Engine) -> None:
    from dataclasses import replace

    web = replace(default_settings().web, secret="c" * 40)
    assert signing_secret(engine, web, NOW) == "c" * 40
    with engine.connect() as conn:
        assert conn.execute(select(WEB_KEY)).all() == []


def test_item_link_is_what_the_reminders_put_in_an_e_mail(world: World) -> None:
    from dataclasses import replace

    from tracker.web.links import read_token

    web = replace(world.settings.web, base_url="https://tracker.example.org", link_days=30)
    url = item_link(web, world.secret, 42, "executor:7", NOW)
    assert url.startswith("https://tracker.example.org/i/")
    claim = read_token(world.secret, url.rsplit("/", 1)[1], NOW)
    assert (claim.occurrence_id, claim.recipient_key) == (42, "executor:7")
    assert claim.expires_at == NOW + timedelta(days=30)
