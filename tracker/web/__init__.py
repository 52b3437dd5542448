"""Web pages for curators and coordinators, and the executors' calendar feeds (issue 7).

Modules, from the lightest: :mod:`~tracker.web.links` (pure: signed per-item, per-recipient
links), :mod:`~tracker.web.signing` (the signing key, kept in the database when the
configuration leaves it empty; the reminders call :func:`~tracker.web.signing.item_link`),
:mod:`~tracker.web.passwords`, :mod:`~tracker.web.accounts`, :mod:`~tracker.web.feeds`, and the
Starlette application in :mod:`~tracker.web.app` (``create_app``). Nothing here imports
Starlette at package level, so the reminders can sign links without the web stack.
"""
