"""`tracker parse`: expand deadline phrases into due dates (light: no database)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import IO

import click

from tracker.cli.common import PeriodType, cli, reports_errors
from tracker.errors import UsageError
from tracker.terms.model import Expansion, Kind, Period


def _read_lines(path: str) -> Iterator[str]:
    stream: IO[str]
    if path == "-":
        stream = sys.stdin
    else:
        try:
            stream = open(path, encoding="utf-8")  # noqa: SIM115 - closed below
        except OSError as error:
            raise UsageError(f"cannot read {path}: {error.strerror}") from None
    try:
        for line in stream:
            yield line.rstrip("\r\n")
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text", hint="save it as UTF-8") from None
    finally:
        if stream is not sys.stdin:
            stream.close()


def _format_human(result: Expansion) -> str:
    from tracker.render_dates import format_window

    lines = [f"фраза:   {result.text}", f"вид:     {result.kind.value}"]
    if result.rule:
        lines.append(f"правило: {result.rule}")
    if result.kind is Kind.ERROR:
        lines.append(f"ошибка:  {result.error}")
    for window in result.windows:
        lines.append(f"  • {format_window(window)}")
    for warning in result.warnings:
        lines.append(f"внимание: {warning}")
    return "\n".join(lines)


JSONL_CHUNK = 2000
# Below this many chunks one process is faster than starting workers (most cells take the fast
# scanner, ~20 µs each), and a worker killed by the system cannot hang a small run.
PARALLEL_CHUNKS = 25


def _jsonl_chunk(lines: list[str], period: Period) -> str:
    from tracker.terms import expand

    dumps = json.dumps
    return "".join(
        dumps(expand(line, period).to_json(), ensure_ascii=False) + "\n" for line in lines
    )


def _expand_jsonl(lines: Iterator[str], period: Period) -> Iterator[str]:
    """Expand line by line, in input order; large inputs are spread over the CPU cores."""
    import multiprocessing
    import os
    from functools import partial
    from itertools import chain, islice

    from tracker.store.chunking import batches

    chunks = batches(lines, JSONL_CHUNK)
    head = list(islice(chunks, PARALLEL_CHUNKS))
    everything = chain(head, chunks)
    work = partial(_jsonl_chunk, period=period)
    workers = min(os.cpu_count() or 1, 4)
    forks = "fork" in multiprocessing.get_all_start_methods()
    if len(head) < PARALLEL_CHUNKS or workers < 2 or not forks:
        yield from map(work, everything)
        return
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        yield from pool.imap(work, everything)


@cli.command("parse")
@click.option(
    "--period",
    "period",
    type=PeriodType(),
    required=True,
    help="The roadmap's period, START:END in ISO dates, e.g. 2022-01-01:2024-12-31.",
)
@click.option(
    "--jsonl",
    "jsonl",
    metavar="FILE",
    default=None,
    help="Read one phrase per line from FILE ('-' for stdin); print one JSON object per line.",
)
@click.argument("phrase", required=False)
@reports_errors
def parse_command(period: Period, jsonl: str | None, phrase: str | None) -> None:
    """Expand a deadline PHRASE (or every line of --jsonl FILE) into due dates over a period."""
    from tracker.terms import expand

    if jsonl is not None:
        if phrase is not None:
            raise UsageError("give either a PHRASE or --jsonl FILE, not both")
        for text in _expand_jsonl(_read_lines(jsonl), period):
            sys.stdout.write(text)
        return
    if phrase is None:
        raise UsageError(
            "no phrase given",
            hint='try: tracker parse --period 2022-01-01:2024-12-31 "IV квартал 2022 г."',
        )
    result = expand(phrase, period)
    click.echo(_format_human(result))
    if result.kind is Kind.ERROR:
        sys.exit(2)
