"""The digests of one pass read the discipline figures once (DigestFigures): the same facts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Engine, select, update
from test_remind import synced

from tracker.notify import facts
from tracker.notify.digest import DigestFigures, digest_facts, digest_recipients
from tracker.store.tables import OCCURRENCE as OC


def test_digest_figures_are_the_figures_of_each_digest(engine: Engine, tmp_path: Path) -> None:
    settings = synced(engine, tmp_path)  # the five seed roadmaps
    with engine.begin() as conn:  # some done on time, some late, one moved: every class
        ids = list(conn.execute(select(OC.c.id).order_by(OC.c.id)).scalars())
        for index, occurrence_id in enumerate(ids[::3]):
            late = index % 2 == 0
            conn.execute(
                update(OC)
                .where(OC.c.id == occurrence_id)
                .values(
                    status="done",
                    completed_on=OC.c.effective_due if not late else date(2022, 9, 1),
                )
            )
        conn.execute(update(OC).where(OC.c.id == ids[1]).values(status="cancelled"))
    with engine.connect() as conn:
        directory = facts.load_directory(conn, settings)
        recipients = digest_recipients(directory)
        assert any(person.executor_id is not None for person in recipients)
        every = DigestFigures.for_digests(engine, directory, recipients)
        coordinator = next(person for person in recipients if person.executor_id is not None)
        one = DigestFigures.for_digests(engine, directory, [coordinator])  # others: not covered
        classes = set()
        for day in (date(2022, 3, 1), date(2022, 9, 5), date(2023, 1, 9)):
            for person in recipients:
                plain = digest_facts(conn, engine, settings, person, day, directory)
                for cache in (every, one):
                    cached = digest_facts(
                        conn, engine, settings, person, day, directory, figures_cache=cache
                    )
                    assert cached == plain
                    assert repr(cached) == repr(plain)
                for row in cached.discipline.rows if cached.discipline else ():
                    figures = row.figures
                    classes |= {
                        name
                        for name, count in (
                            ("on-time", figures.on_time),
                            ("late", figures.late),
                            ("overdue", figures.overdue),
                            ("pending", figures.pending),
                        )
                        if count
                    }
    assert classes == {"on-time", "late", "overdue", "pending"}
