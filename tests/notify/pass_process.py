"""A real send pass in its own process, to be killed: ``send_pass`` as the daemon runs it.

usage: python pass_process.py DB_URL NOW_ISO

Settings come from the TRACKER_* environment, as for tracker itself.
"""

from __future__ import annotations

import sys
from datetime import datetime

from tracker.config import load_settings
from tracker.notify.send import send_now
from tracker.store.db import make_engine


def main() -> None:
    url, now_text = sys.argv[1:3]
    report = send_now(make_engine(url), load_settings(), datetime.fromisoformat(now_text))
    print(report.summary(), flush=True)


if __name__ == "__main__":
    main()
