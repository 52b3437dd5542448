"""Alembic migration scripts of the store, run by :func:`tracker.store.db.upgrade`."""
