"""Messages: every kind renders, Russian dates and plurals come from Babel, StrictUndefined
catches a missing variable, and `tracker check` says so in one line."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tracker.cli import cli
from tracker.config import default_settings
from tracker.notify.model import Batch, ItemFacts, MessageKind, Notification
from tracker.notify.render import (
    Renderer,
    TemplateProblem,
    context_for_batch,
    context_for_digest,
    context_for_test,
    day,
    days,
    moment,
    plural,
    resolve_templates_dir,
    template_names,
    weekday,
)
from tracker.notify.samples import (
    ADMIN,
    CO,
    COORDINATOR,
    LEAD,
    NOW,
    TODAY,
    sample_contexts,
    sample_digest,
    sample_item,
)
from tracker.notify.template_check import check

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
POLICY = default_settings().policy
RENDERER = Renderer(TEMPLATES)
SAMPLES = sample_contexts()


def batch_of(
    kind: MessageKind, items: list[ItemFacts], recipient: Any = LEAD
) -> tuple[Batch, dict[int, ItemFacts]]:
    parts = tuple(
        Notification.make(kind, "s", i.occurrence_id, recipient, day=TODAY, send_at=NOW)
        for i in items
    )
    by_id = {i.occurrence_id: i for i in items if i.occurrence_id is not None}
    return Batch(recipient, TODAY, kind, parts, NOW), by_id


# --- every kind --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "context"), SAMPLES, ids=[f"{kind.value}-{i}" for i, (kind, _) in enumerate(SAMPLES)]
)
def test_every_sample_renders(kind: MessageKind, context: dict[str, Any]) -> None:
    rendered = RENDERER.render(kind, context)
    assert rendered.subject and "\n" not in rendered.subject
    assert len(rendered.subject) < 160
    assert rendered.text.startswith(("Уважаемый(ая) ", "Уважаемые коллеги!"))
    assert "Система контроля сроков tracker" in rendered.text
    assert rendered.html.startswith("<!DOCTYPE html>")
    assert '<html lang="ru">' in rendered.html
    assert "Система контроля сроков tracker" in rendered.html
    assert "{{" not in rendered.text + rendered.html


def test_every_kind_is_sampled_and_has_three_templates() -> None:
    assert {kind for kind, _ in SAMPLES} == set(MessageKind)
    for kind in MessageKind:
        for name in template_names(kind):
            assert (TEMPLATES / name).is_file(), name


SUBJECTS = [
    (MessageKind.REMINDER, [sample_item(1, date(2023, 6, 4))],
     "Напоминание: срок 4 июня 2023 г. — мероприятие 1.1"),
    (MessageKind.REMINDER, [sample_item(1, date(2023, 6, 4)), sample_item(2, date(2023, 6, 4))],
     "Напоминание: срок 4 июня 2023 г. — 2 мероприятия"),
    (MessageKind.REMINDER, [sample_item(1, date(2023, 6, 4)), sample_item(2, date(2023, 6, 9))],
     "Напоминание: ближайший срок 4 июня 2023 г. — 2 мероприятия"),
    (MessageKind.DUE_TODAY, [sample_item(1, TODAY)],
     "Сегодня, 1 июня 2023 г., истекает срок исполнения: мероприятие 1.1"),
    (MessageKind.OVERDUE, [sample_item(i, date(2023, 5, 1)) for i in range(1, 6)],
     "Просрочен срок исполнения: 5 мероприятий"),
    (MessageKind.OVERDUE, [sample_item(1, date(2023, 5, 31), number="2.1")],
     "Просрочен срок исполнения: мероприятие 2.1, срок 31 мая 2023 г."),
    (MessageKind.ESCALATION, [sample_item(i, date(2023, 5, 1)) for i in range(1, 22)],
     "Контроль исполнения: просрочено 21 мероприятие на 14 дней и более"),
    (MessageKind.CHECKIN, [sample_item(1, date(2023, 6, 30), kind="checkin")],
     "Запрос сведений о ходе выполнения: срок 30 июня 2023 г. — мероприятие 1.1"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "items", "subject"),
    SUBJECTS,
    ids=["reminder-one", "reminder-same-day", "reminder-nearest", "due-today", "overdue-five",
         "overdue-one", "escalation-21", "checkin"],
)  # fmt: skip
def test_subjects_are_short_and_specific(
    kind: MessageKind, items: list[ItemFacts], subject: str
) -> None:
    batch, by_id = batch_of(kind, items)
    context = context_for_batch(batch, by_id, NOW, POLICY)
    assert RENDERER.render(kind, context).subject == subject


def test_item_lines_show_dates_days_and_co_executors() -> None:
    items = [
        sample_item(1, date(2023, 6, 4)),
        sample_item(2, date(2023, 5, 1), extended=date(2023, 6, 22), start=date(2023, 6, 1)),
    ]
    batch, by_id = batch_of(MessageKind.REMINDER, items)
    text = RENDERER.render(MessageKind.REMINDER, context_for_batch(batch, by_id, NOW, POLICY)).text
    assert "Срок исполнения: 4 июня 2023 г.; осталось 3 дня." in text
    assert (
        "Срок исполнения: с 1 июня 2023 г. по 22 июня 2023 г. (перенесён с 1 мая 2023 г.); "
        "остался 21 день." in text
    )
    assert "Соисполнители: Петрова Анна Сергеевна" in text
    assert "Соисполнители: ГБУ" not in text  # the recipient is not their own co-executor
    assert "Отметить выполнение" not in text


def test_overdue_and_groups_with_headings() -> None:
    parts = (
        Notification.make(MessageKind.REMINDER, "s", 1, CO, day=TODAY, send_at=NOW),
        Notification.make(MessageKind.OVERDUE, "s", 2, CO, day=TODAY, send_at=NOW),
    )
    items = {1: sample_item(1, date(2023, 6, 6)), 2: sample_item(2, date(2023, 5, 27))}
    batch = Batch(CO, TODAY, MessageKind.OVERDUE, parts, NOW)
    context = context_for_batch(batch, items, NOW, POLICY)
    assert [g["kind"] for g in context["groups"]] == ["overdue", "reminder"]
    text = RENDERER.render(MessageKind.OVERDUE, context).text
    assert text.index("Срок исполнения истёк\n") < text.index("Приближается срок исполнения\n")
    assert "просрочено на 5 дней" in text and "осталось 5 дней" in text
    assert text.startswith("Уважаемый(ая) Петрова Анна Сергеевна!")


def test_a_long_message_lists_the_earliest_items_and_counts_the_rest() -> None:
    from datetime import timedelta

    from tracker.notify.render import MESSAGE_ITEMS

    total = MESSAGE_ITEMS + 12
    parts = tuple(
        Notification.make(MessageKind.OVERDUE, "s", n, CO, day=TODAY, send_at=NOW)
        for n in range(1, total + 1)
    )
    items = {n: sample_item(n, date(2023, 5, 27) - timedelta(days=n)) for n in range(1, total + 1)}
    batch = Batch(CO, TODAY, MessageKind.OVERDUE, parts, NOW)
    made: list[int] = []

    def link(notification: Notification, item: ItemFacts) -> str:
        made.append(notification.occurrence_id or 0)
        return f"https://tracker.example.org/i/{notification.occurrence_id}"

    context = context_for_batch(batch, items, NOW, POLICY, link=link)
    rendered = RENDERER.render(MessageKind.OVERDUE, context)
    assert context["count"] == total and len(made) == MESSAGE_ITEMS  # links only for the shown
    assert f"…и ещё 12 мероприятий (в письме перечислены первые {MESSAGE_ITEMS}" in rendered.text
    assert "…и ещё 12 мероприятий" in rendered.html
    assert f"{total} мероприятия" in rendered.subject or str(total) in rendered.subject
    assert f"/i/{total}" in rendered.text  # the earliest due is listed first


def test_escalation_lists_executors_to_the_coordinator() -> None:
    batch, by_id = batch_of(
        MessageKind.ESCALATION, [sample_item(1, date(2023, 5, 18))], COORDINATOR
    )
    rendered = RENDERER.render(MessageKind.ESCALATION, context_for_batch(batch, by_id, NOW, POLICY))
    assert "Исполнители: ГБУ ДПО" in rendered.text
    assert "просрочено на 14 дней" in rendered.text
    assert "Просрочено на 14 дней и более" in rendered.html


def test_link_is_shown_only_when_present() -> None:
    batch, by_id = batch_of(MessageKind.DUE_TODAY, [sample_item(1, TODAY)])
    context = context_for_batch(
        batch, by_id, NOW, POLICY, link=lambda n, i: f"https://t.example.org/i/{i.occurrence_id}"
    )
    rendered = RENDERER.render(MessageKind.DUE_TODAY, context)
    assert "Отметить выполнение: https://t.example.org/i/1" in rendered.text
    assert 'href="https://t.example.org/i/1"' in rendered.html


def test_html_is_escaped_and_text_is_not() -> None:
    tricky = dataclasses.replace(sample_item(1, TODAY), title='Отчёт <b>"итоги"</b> & план')
    batch, by_id = batch_of(MessageKind.DUE_TODAY, [tricky])
    rendered = RENDERER.render(MessageKind.DUE_TODAY, context_for_batch(batch, by_id, NOW, POLICY))
    assert 'Отчёт <b>"итоги"</b> & план' in rendered.text
    assert "Отчёт &lt;b&gt;&#34;итоги&#34;&lt;/b&gt; &amp; план" in rendered.html


def test_batch_context_needs_the_facts_of_every_item() -> None:
    batch, _ = batch_of(MessageKind.OVERDUE, [sample_item(1, TODAY)])
    with pytest.raises(ValueError, match="no facts"):
        context_for_batch(batch, {}, NOW, POLICY)


def test_digest_sections() -> None:
    context = context_for_digest(sample_digest(), due_soon_days=14)
    assert [g["executor"] for g in context["overdue_by_executor"]] == [
        LEAD.name,
        CO.name,
    ]
    rendered = RENDERER.render(MessageKind.DIGEST, context)
    assert rendered.subject.startswith(
        "Сводка по дорожным картам на 1 июня 2023 г.: просрочено — 3"
    )
    for fragment in (
        "Просроченные мероприятия: 3",
        "Срок исполнения в ближайшие 14 дней: 2",
        "Выполнены с нарушением срока (с 25 мая 2023 г.): 1",
        "выполнено 30 мая 2023 г., с опозданием на 8 дней",
        "Нужны сроки: 1 мероприятие без установленных сроков",
        "3.4. Участие в федеральных проектах по отдельному плану",
        "Не доставлены письма: 1",
        "550 5.1.1 mailbox unavailable",
        "30 мая 2023 г., 11:00",  # the failure's time in the coordinator's zone (UTC+5)
    ):
        assert fragment in rendered.text, fragment
    assert "Нужны сроки: 1" in rendered.html


def test_empty_digest_says_so() -> None:
    from tracker.notify.model import DigestFacts

    empty = DigestFacts(ADMIN, TODAY, TODAY)
    rendered = RENDERER.render(MessageKind.DIGEST, context_for_digest(empty))
    assert rendered.subject == "Сводка по дорожным картам на 1 июня 2023 г.: замечаний нет"
    assert rendered.text.startswith("Уважаемые коллеги!")


def test_test_message() -> None:
    rendered = RENDERER.render(MessageKind.TEST, context_for_test(CO, NOW, "tracker@example.org"))
    assert rendered.subject == "Проверка отправки почты: Система контроля сроков tracker"
    assert "отправлено 1 июня 2023 г., 09:00 с адреса tracker@example.org" in rendered.text


# --- Babel: dates and plurals ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("План мероприятий", "«План мероприятий»"),
        ("«План мероприятий»", "«План мероприятий»"),
        (
            "«Дорожная карта» (план) реализации",
            "«„Дорожная карта“ (план) реализации»",
        ),
        ("План «Дорожная карта» по внедрению", "«План „Дорожная карта“ по внедрению»"),
    ],
    ids=["plain", "already-quoted", "starts-with-inner-quote", "inner-quote"],
)
def test_titles_are_quoted_once_with_nested_quotes_inside(title: str, expected: str) -> None:
    from tracker.notify.render import quoted

    assert quoted(title) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [(1, "1 день"), (3, "3 дня"), (5, "5 дней"), (21, "21 день"), (22, "22 дня"),
     (25, "25 дней"), (11, "11 дней"), (12, "12 дней"), (0, "0 дней"), (101, "101 день"),
     (111, "111 дней")],
    ids=lambda v: str(v),
)  # fmt: skip
def test_days_plural(n: int, expected: str) -> None:
    assert days(n) == expected


def test_other_plurals_and_dates() -> None:
    assert plural(2, "мероприятие", "мероприятия", "мероприятий") == "2 мероприятия"
    assert plural(14, "мероприятие", "мероприятия", "мероприятий") == "14 мероприятий"
    assert day(date(2023, 6, 1)) == "1 июня 2023 г."
    assert day(date(2024, 12, 31)) == "31 декабря 2024 г."
    assert weekday(date(2025, 1, 13)) == "понедельник"
    assert moment(NOW, "Asia/Vladivostok") == "1 июня 2023 г., 16:00"


# --- StrictUndefined and check -----------------------------------------------------------------


def broken_copy(tmp_path: Path, name: str, old: str, new: str) -> Path:
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def test_strict_undefined_names_template_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    (folder / "overdue.txt.j2").write_text(
        '{% extends "_layout.txt.j2" %}\n{% block intro %}\n{{ greting }}\n{% endblock %}\n',
        encoding="utf-8",
    )
    kind, context = next(s for s in SAMPLES if s[0] is MessageKind.OVERDUE)
    with pytest.raises(TemplateProblem, match=r"overdue\.txt\.j2:3: 'greting' is undefined"):
        Renderer(folder).render(kind, context)


def test_the_shared_renderer_reads_an_edited_template_again(tmp_path: Path) -> None:
    """A daemon keeps one renderer (its templates compiled once); an admin's edit still shows
    in the next message."""
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    kind, context = next(s for s in SAMPLES if s[0] is MessageKind.OVERDUE)
    renderer = Renderer.shared(folder)
    assert Renderer.shared(folder / ".") is renderer
    before = renderer.render(kind, context)
    subject = folder / "overdue-subject.txt.j2"
    subject.write_text("Просрочено: {{ count }}\n", encoding="utf-8")
    later = subject.stat().st_mtime + 5  # a later time than the compiled one, whatever the clock
    os.utime(subject, (later, later))
    after = Renderer.shared(folder).render(kind, context)
    assert after.subject == f"Просрочено: {context['count']}"
    assert after.subject != before.subject and after.text == before.text


def test_a_context_key_comes_before_a_dict_method(tmp_path: Path) -> None:
    """``group.items`` in a template is the group's list, not ``dict.items``; an object's
    attribute and a missing key behave as Jinja's own."""
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "t.txt.j2").write_text(
        "{{ group.items|join(',') }} {{ group.keys()|list|length }} {{ when.year }}"
        "{% if group.absent is defined %}!{% endif %}",
        encoding="utf-8",
    )
    env = Renderer(folder).env
    text = env.get_template("t.txt.j2").render(group={"items": [1, 2]}, when=TODAY)
    assert text == f"1,2 1 {TODAY.year}"


def test_check_is_clean_on_the_committed_templates() -> None:
    assert check(TEMPLATES) == []
    assert check(TEMPLATES, POLICY) == []


@pytest.mark.parametrize(
    ("name", "old", "new", "problem"),
    [
        ("_items.txt.j2", "{{ item.title }}", "{{ item.titel }}",
         r"_items\.txt\.j2:\d+: .*'titel'"),
        ("digest.html.j2", "{{ row.name }}", "{{ row.name", r"digest\.html\.j2:\d+: "),
        ("reminder-subject.txt.j2", "{{ main.first_due|day }}", "{{ main.first_due|dya }}",
         r"reminder-subject\.txt\.j2:\d+: .*dya"),
    ],
    ids=["undefined-in-partial", "syntax-error", "unknown-filter"],
)  # fmt: skip
def test_check_reports_broken_templates(
    tmp_path: Path, name: str, old: str, new: str, problem: str
) -> None:
    folder = broken_copy(tmp_path, name, old, new)
    problems = check(folder)
    assert problems
    assert any(re.search(problem, line) for line in problems), problems


def test_check_reports_a_missing_template(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    (folder / "checkin.html.j2").unlink()
    assert check(folder) == [f"{folder / 'checkin.html.j2'}: template not found"]
    assert check(tmp_path / "nowhere") == [f"{tmp_path / 'nowhere'}: no such templates folder"]


def test_default_folder_falls_back_to_the_shipped_templates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_templates_dir(Path("templates")) == TEMPLATES
    (tmp_path / "templates").mkdir()
    assert resolve_templates_dir(Path("templates")) == Path("templates")
    assert resolve_templates_dir(Path("mine")) == Path("mine")


# --- tracker check -----------------------------------------------------------------------------


def run_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str | None) -> Any:
    monkeypatch.chdir(tmp_path)
    for variable in ("TRACKER_MAIL_TEMPLATES", "TRACKER_POLICY_SEND_FROM"):
        monkeypatch.delenv(variable, raising=False)
    args = ["check"]
    if config is not None:
        (tmp_path / "config.toml").write_text(config, encoding="utf-8")
        args = ["--config", str(tmp_path / "config.toml"), "check"]
    return CliRunner().invoke(cli, args)


def test_tracker_check_ok(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_check(tmp_path, monkeypatch, f'[mail]\ntemplates = "{TEMPLATES}"\n')
    assert result.exit_code == 0, result.output
    assert "ok: configuration" in result.output
    assert f"ok: templates in {TEMPLATES}" in result.output


def test_tracker_check_ok_with_shipped_templates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run_check(tmp_path, monkeypatch, None)
    assert result.exit_code == 0, result.output
    assert "ok: configuration (embedded defaults)" in result.output


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ('[mail]\ntemplates = "broken"\n', "overdue.txt.j2:"),
        ('[policy]\nsend_from = "25:00"\n', "send_from: expected a time of day"),
        ('[mail]\ntemplates = "missing"\n', "missing: no such templates folder"),
    ],
    ids=["broken-template", "bad-config", "missing-folder"],
)
def test_tracker_check_error_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str, message: str
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(TEMPLATES, broken)
    path = broken / "overdue.txt.j2"
    path.write_text(path.read_text("utf-8").replace("истёк", "истёк {{ nope }}", 1), "utf-8")
    result = run_check(tmp_path, monkeypatch, config)
    assert result.exit_code == 3
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("tracker: error:")]
    assert len(errors) == 1 and message in errors[0], result.output
