"""Time zones by IANA name: the one place that turns a name into a :class:`ZoneInfo`.

Every layer (config, schedule files, the store, the policy, the outbox, the daemon) asks here,
so an unknown name is judged the same way everywhere and each zone is loaded once.
"""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@lru_cache(maxsize=256)
def find_zone(name: str | None) -> ZoneInfo | None:
    """The zone named ``name`` («Asia/Krasnoyarsk»), or None when the name is empty or unknown."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def is_zone(name: str | None) -> bool:
    """Whether ``name`` is a known IANA time zone."""
    return find_zone(name) is not None


def zone_or(name: str | None, default: str) -> ZoneInfo:
    """The zone named ``name``, else the one named ``default``, else UTC."""
    return find_zone(name) or find_zone(default) or ZoneInfo("UTC")
