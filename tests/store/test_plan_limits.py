"""Periods and windows at the edge of the calendar (issue 17): a clear line, never year 10000."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import Engine
from storekit import Syncer, act, roadmap

from tracker.errors import InputError
from tracker.roadmap.model import Roadmap
from tracker.store.plan import SyncPolicy, checkin_windows, occurrences_of
from tracker.terms.model import Expansion, Kind, Period, Window


@pytest.mark.parametrize("rhythm", ["monthly", "quarterly", "halfyearly", "yearly", "none"])
def test_checkin_windows_reach_the_last_date_there_is(rhythm: str) -> None:
    windows = checkin_windows(date(9999, 1, 15), date(9999, 12, 31), rhythm)
    assert windows[0][0] == date(9999, 1, 15)
    assert windows[-1][1] == date(9999, 12, 31)


def test_continuous_activity_up_to_9999_12_31_plans_without_overflow() -> None:
    activity = act("1")
    activity.expansion = Expansion(
        text="постоянно",
        kind=Kind.CONTINUOUS,
        windows=(Window(date(9999, 12, 31), date(9999, 7, 1)),),
        rule="постоянно",
    )
    far = Roadmap(slug="far", title="far", period=Period(date(9999, 1, 1), date(9999, 12, 31)))
    planned = occurrences_of(activity, far, SyncPolicy())
    assert [(o.start, o.due) for o in planned][-1] == (date(9999, 10, 1), date(9999, 12, 31))


def test_sync_of_a_period_ending_9999_blames_the_period(engine: Engine) -> None:
    far = replace(
        roadmap("alpha", act("1", ("2022-01-01", "2022-03-31"))),
        period=Period(date(2022, 1, 1), date(9999, 12, 31)),
    )
    with pytest.raises(InputError) as caught:
        Syncer(engine)(far)
    assert str(caught.value) == (
        "schedules/alpha.toml: the period 2022-01-01:9999-12-31 lies outside the years "
        "1900–2200 tracker plans; correct the period"
    )
