"""Commands of the mail layer, registered on :data:`tracker.cli.cli`.

Import heavy libraries inside the commands, never at module level: `tracker parse` must stay
light (a test checks which modules it imports).
"""

from __future__ import annotations

from tracker.cli import cli as cli  # the group these commands join
