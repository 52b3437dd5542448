"""The web app as each server process builds it: ``tracker serve --workers N`` runs N uvicorn
worker processes, and each calls :func:`worker_app` (a factory, by import path) to read the same
settings and open a database pool of its own.

State every process must share lives in the database (sessions' generations, the login
throttle, the signing key) or in the drafts folder (:func:`tracker.web.admin_drafts.drafts_folder`);
the board's page cache is per process and checks the database's data version on every request.
"""

from __future__ import annotations

import os

from starlette.applications import Starlette

#: The environment variable that carries ``--config`` to the worker processes.
CONFIG_VARIABLE = "TRACKER_SERVE_CONFIG"
#: Worker processes at most by default (each has its own pool of ``capacity.WORKERS``).
MOST_PROCESSES = 4


def default_processes() -> int:
    """One server process per CPU, at most :data:`MOST_PROCESSES`."""
    return max(1, min(os.cpu_count() or 1, MOST_PROCESSES))


def worker_app() -> Starlette:
    """The app of one worker process, from the settings ``tracker serve`` was given."""
    from tracker.config import load_settings
    from tracker.context import AppContext
    from tracker.web.admin_drafts import drafts_folder
    from tracker.web.app import create_app

    context = AppContext(settings=load_settings(os.environ.get(CONFIG_VARIABLE) or None))
    engine = context.engine()
    settings = context.settings
    return create_app(
        settings, engine, clock=context.clock, drafts=drafts_folder(settings.database.url)
    )
