"""The store: SQLite or PostgreSQL through SQLModel; sync, status and history.

Import what you need from the submodules (:mod:`.db`, :mod:`.sync`, :mod:`.status`,
:mod:`.changes`); this package imports nothing heavy by itself.
"""
