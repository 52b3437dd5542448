"""`tracker check` for message templates: render every kind on sample data.

Kept apart from :mod:`tracker.notify.render` so that the renderer does not depend on the samples
(which are built with the renderer's context functions).
"""

from __future__ import annotations

from pathlib import Path

from tracker.config import PolicySettings
from tracker.notify.model import MessageKind
from tracker.notify.render import Renderer, TemplateProblem, template_names
from tracker.notify.samples import sample_contexts


def check(templates_dir: Path, settings: PolicySettings | None = None) -> list[str]:
    """Problems of the templates in ``templates_dir``: every kind is rendered on sample data
    (one item and several, with and without links); an empty list means all is well."""
    folder = Path(templates_dir)
    if not folder.is_dir():
        return [f"{folder}: no such templates folder"]
    renderer = Renderer(folder)
    problems: list[str] = []
    for kind in MessageKind:
        for name in template_names(kind):
            if not (folder / name).is_file():
                problems.append(f"{folder / name}: template not found")
    if problems:
        return problems
    for kind, context in sample_contexts(settings):
        try:
            rendered = renderer.render(kind, context)
        except TemplateProblem as error:
            if str(error) not in problems:
                problems.append(str(error))
            continue
        if not rendered.subject:
            problems.append(f"{folder / template_names(kind)[0]}: the subject is empty")
    return problems
