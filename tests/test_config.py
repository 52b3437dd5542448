"""The configuration spec: defaults, file, environment, errors and the example file."""

from __future__ import annotations

import subprocess
import sys
from datetime import time
from pathlib import Path

import pytest

from tracker.calendar import Shift
from tracker.config import SPEC, default_settings, example_toml, load_settings
from tracker.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def test_committed_example_equals_generated() -> None:
    committed = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    assert committed == example_toml(), "run: tracker config example > config.example.toml"


def test_example_parses_back_to_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(example_toml(), encoding="utf-8")
    from_example = load_settings(path, env={})
    assert from_example.smtp == default_settings().smtp
    assert from_example.policy == default_settings().policy


def test_every_key_is_documented_with_its_variable() -> None:
    text = example_toml()
    for key in SPEC:
        assert f"# Environment: {key.env}\n{key.name} = " in text


def test_embedded_defaults(tmp_path: Path) -> None:
    settings = load_settings(env={}, cwd=tmp_path)
    assert settings.source is None
    assert settings.database.url == "sqlite:///tracker.db"
    assert settings.schedules.dir == Path("schedules")
    assert settings.schedules.executors_path == Path("schedules/executors.toml")
    assert settings.mail.transport == "file"
    assert settings.mail.dir == Path("outbox")
    assert settings.policy.remind_days == (14, 3, 1)
    assert settings.policy.overdue_every_days == 7
    assert settings.policy.shift is Shift.NEXT
    assert settings.policy.checkin == "quarterly"
    assert settings.policy.digest_weekday == "monday"
    assert settings.policy.digest_time == time(9, 0)


def test_config_toml_in_working_directory_is_read(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[database]\nurl = "sqlite:///x.db"\n', encoding="utf-8")
    settings = load_settings(env={}, cwd=tmp_path)
    assert settings.database.url == "sqlite:///x.db"
    assert settings.source == tmp_path / "config.toml"


def test_environment_overrides_file(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[mail]\ntransport = "file"\n[smtp]\nport = 2525\n', encoding="utf-8")
    env = {
        "TRACKER_DATABASE_URL": "postgresql+psycopg://u@127.0.0.1:5432/t",
        "TRACKER_MAIL_TRANSPORT": "smtp",
        "TRACKER_MAIL_FROM": "robot@example.org",
        "TRACKER_SMTP_HOST": "mail.example.org",
        "TRACKER_SMTP_STARTTLS": "no",
        "TRACKER_SMTP_TLS": "yes",
        "TRACKER_SMTP_PASSWORD": "s3cret",
        "TRACKER_POLICY_REMIND_DAYS": "1, 7,3",
        "TRACKER_POLICY_SHIFT": "previous",
        "TRACKER_UNRELATED": "ignored",
        "PATH": "/bin",
    }
    settings = load_settings(path, env=env)
    assert settings.database.url.startswith("postgresql+psycopg://")
    assert settings.mail.transport == "smtp"
    assert settings.mail.sender == "robot@example.org"
    assert (settings.smtp.host, settings.smtp.port) == ("mail.example.org", 2525)
    assert (settings.smtp.starttls, settings.smtp.tls) == (False, True)
    assert settings.smtp.password == "s3cret"
    assert settings.policy.remind_days == (7, 3, 1)
    assert settings.policy.shift is Shift.PREVIOUS


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[smtp]\nhots = 'x'\n", "c.toml: unknown key [smtp] hots"),
        ("[smpt]\nhost = 'x'\n", "c.toml: unknown section [smpt]"),
        ("[smtp]\nport = 'abc'\n", "c.toml: [smtp] port: expected a whole number"),
        ("[smtp]\nport = 70000\n", "c.toml: [smtp] port: expected a whole number from 1 to 65535"),
        ("[mail]\ntransport = 'pigeon'\n", "[mail] transport: expected one of file, smtp"),
        ("[policy]\nremind_days = 'soon'\n", "[policy] remind_days: expected a list"),
        ("[policy]\ntimezone = 'Mars/Olympus'\n", "[policy] timezone: expected an IANA time zone"),
        ("[policy]\ndigest_time = '25:00'\n", "[policy] digest_time: expected a time of day"),
        ("[database]\nurl = 'mysql://x'\n", "[database] url: expected a database URL"),
        ("[smtp]\ntls = true\nstarttls = true\n", "[smtp] tls and starttls are both true"),
        ("[smtp\n", "c.toml: not valid TOML"),
    ],
    ids=lambda v: v.split("\n")[0][:30] if "\n" in v else None,
)
def test_bad_file_names_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env={})
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_bad_environment_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="TRACKER_SMTP_PORT: expected a whole number"):
        load_settings(env={"TRACKER_SMTP_PORT": "many"}, cwd=Path("/"))
    with pytest.raises(ConfigError, match="unknown setting TRACKER_SMTP_HOTS"):
        load_settings(env={"TRACKER_SMTP_HOTS": "x"}, cwd=Path("/"))


def test_secret_values_are_not_echoed(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[smtp]\npassword = 123\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env={})
    assert "123" not in str(caught.value)


def test_missing_config_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_settings(tmp_path / "absent.toml", env={})


def _tracker(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args], cwd=cwd, capture_output=True, text=True
    )


def test_cli_bad_config_is_one_line_exit_3(tmp_path: Path) -> None:
    (tmp_path / "c.toml").write_text("[policy]\nshift = 'sideways'\n", encoding="utf-8")
    result = _tracker("--config", "c.toml", "config", "show", cwd=tmp_path)
    assert result.returncode == 3
    assert result.stderr.strip().count("\n") == 0
    assert "c.toml: [policy] shift: expected one of next, previous, none" in result.stderr


def test_cli_config_show_masks_secrets(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("[smtp]\npassword = 'hunter2'\n", encoding="utf-8")
    result = _tracker("config", "show", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "hunter2" not in result.stdout
    assert "[smtp] password = ***" in result.stdout


def test_parse_does_not_read_the_config(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("not toml at all [", encoding="utf-8")
    result = _tracker("parse", "--period", "2022-01-01:2022-12-31", "апрель 2022 г.", cwd=tmp_path)
    assert "config" not in result.stderr


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(bytes(range(256)) * 4, id="binary"),
        pytest.param("[smtp]\nhost = 'почта'\n".encode("utf-16"), id="utf-16"),
        pytest.param("[smtp]\nhost = 'почта'\n".encode("cp1251"), id="cp1251"),
    ],
)
def test_cli_config_not_utf8_is_one_line_exit_3(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "c.toml").write_bytes(content)
    result = _tracker("--config", "c.toml", "config", "show", cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "c.toml: not UTF-8 text" in result.stderr
