"""The execution report as one printable HTML page (landscape A4, the header repeated on
every printed page by ``thead``), rendered from ``templates/report.html``."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from tracker.report.model import COLUMNS, FIGURE_COLUMNS, ORGANISATION_COLUMNS, Report


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("tracker.report", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(report: Report) -> bytes:
    """The report as UTF-8 HTML bytes."""
    template = _environment().get_template("report.html")
    text = template.render(
        report=report,
        columns=COLUMNS,
        columns_total=sum(chars for _, chars in COLUMNS),
        figure_columns=FIGURE_COLUMNS,
        organisation_columns=ORGANISATION_COLUMNS,
    )
    return text.encode("utf-8")
