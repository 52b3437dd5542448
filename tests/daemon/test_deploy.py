"""The systemd unit says what the README promises."""

from __future__ import annotations

from pathlib import Path

UNIT = Path(__file__).resolve().parents[2] / "deploy" / "tracker.service"


def _settings() -> dict[str, str]:
    values: dict[str, str] = {}
    for raw in UNIT.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith(("#", "[")) and "=" in line:
            key, value = line.split("=", 1)
            values[key] = value
    return values


def test_unit_runs_the_daemon_as_a_dedicated_user_and_reloads_with_sighup() -> None:
    unit = _settings()
    assert unit["Type"] == "simple"
    assert unit["Restart"] == "on-failure"
    assert unit["ExecReload"] == "/bin/kill -HUP $MAINPID"
    assert unit["ExecStart"].endswith(" run")
    assert unit["User"] == "tracker" and unit["Group"] == "tracker"
    assert unit["WorkingDirectory"] == "/var/lib/tracker"
    assert unit["EnvironmentFile"].lstrip("-") == "/etc/tracker/tracker.env"
    assert unit["KillSignal"] == "SIGTERM"
    assert int(unit["TimeoutStopSec"]) > 30  # longer than [daemon] stop_timeout
