"""The daemon (`tracker run`): APScheduler as a clock; every tick asks the store what is due.

* :mod:`~tracker.daemon.steps` — the work: sync, plan, send (each logs and beats);
* :mod:`~tracker.daemon.service` — the scheduler's jobs, signals and graceful stop;
* :mod:`~tracker.daemon.once` — one full cycle at a given moment (`tracker run --once`);
* :mod:`~tracker.daemon.lock` — one daemon per SQLite file; advisory locks on PostgreSQL;
* :mod:`~tracker.daemon.heartbeat` and :mod:`~tracker.daemon.health` — the ``worker`` table
  and `tracker health`;
* :mod:`~tracker.daemon.present` — what `tracker run --once` prints;
* :mod:`~tracker.daemon.watch`, :mod:`~tracker.daemon.logs`, :mod:`~tracker.daemon.clock`.
"""
