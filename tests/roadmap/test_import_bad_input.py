"""Bad input: clear messages, exit 2, nothing written, never a half-written file."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from roadmap_helpers import ROADMAPS, imported

from tracker.cli import cli
from tracker.errors import InputError, UsageError
from tracker.roadmap import schedule_file
from tracker.roadmap.importer import import_roadmap

PLAN = (
    "План мероприятий на 2022-2023 учебный год\n"
    "№\tМероприятие\tСрок\tОтветственный\n"
    "1\tСеминар\tоктябрь 2022 г.\tИванов И.И.\n"
)


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "is empty"),
        ("blank.txt", b"  \n\n\t\n", "is empty"),
        ("blank.csv", b"\n\n", "is empty"),
        ("binary.txt", bytes(range(256)) * 8, "binary file"),
        ("image.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "binary file"),
        ("scan.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "old binary Word or Excel"),
        ("fake.docx", b"PK\x03\x04 this is not a zip", "damaged"),
        ("prose.txt", "Просто письмо без таблицы.\nС уважением.\n".encode(), "no activity table"),
        ("passport.txt", "Цель\tРазвитие\nЗадачи\tСопровождение\n".encode(), "no activity table"),
    ],
)
def test_refused_with_a_message_naming_the_file(
    name: str, content: bytes, message: str, tmp_path: Path
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        import_roadmap(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)
    out = tmp_path / "out.toml"
    code, stdout, stderr = _run(
        "import", str(path), "--period", "2022-01-01:2022-12-31", "-o", str(out)
    )
    assert code == 2
    assert message in stderr and "Traceback" not in stderr
    assert not out.exists()
    assert stdout == ""


def test_a_zip_that_is_not_office(tmp_path: Path) -> None:
    path = tmp_path / "bundle.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(InputError, match=r"ZIP archive, not a \.docx or \.xlsx"):
        import_roadmap(path)


def test_header_without_rows(tmp_path: Path) -> None:
    path = tmp_path / "header.txt"
    path.write_text("План на 2023 год\n№\tМероприятие\tСрок\tОтветственный\n", encoding="utf-8")
    with pytest.raises(InputError, match="no activity rows"):
        import_roadmap(path)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    code, _, stderr = _run("import", str(tmp_path / "nowhere.txt"))
    assert code == 2 and "no such file" in stderr
    code, _, stderr = _run("import", str(tmp_path))
    assert code == 2 and "is a directory" in stderr


def test_no_period_says_how_to_pass_one(tmp_path: Path) -> None:
    out = tmp_path / "ilovlya.toml"
    code, stdout, stderr = _run("import", str(ROADMAPS / "ilovlya-2022.txt"), "-o", str(out))
    assert code == 2
    assert "states no period" in stderr
    assert "--period START:END" in stderr
    assert not out.exists() and stdout == ""


def test_bad_options(tmp_path: Path) -> None:
    source = str(ROADMAPS / "spassk-2022.txt")
    code, _, stderr = _run("import", source, "--period", "2024-01-01:2022-01-01")
    assert code == 2 and "ends before it starts" in stderr
    code, _, stderr = _run("import", source, "--timezone", "Mars/Olympus")
    assert code == 2 and "unknown time zone" in stderr


def test_existing_output_is_not_overwritten_without_force(tmp_path: Path) -> None:
    out = tmp_path / "spassk.toml"
    out.write_text("# my edits\n", encoding="utf-8")
    source = str(ROADMAPS / "spassk-2022.txt")
    code, _, stderr = _run("import", source, "-o", str(out))
    assert code == 2
    assert "already exists" in stderr and "--force" in stderr
    assert out.read_text(encoding="utf-8") == "# my edits\n"
    code, _, stderr = _run("import", source, "-o", str(out), "--force")
    assert code == 0, stderr
    assert schedule_file.load(out).activities == imported("spassk-2022.txt").activities


def test_write_refuses_even_if_the_file_appears_meanwhile(tmp_path: Path) -> None:
    out = tmp_path / "late.toml"
    roadmap = imported("spassk-2022.txt")
    real_link = os.link

    def link_after_someone_else(source: str, target: Path) -> None:
        Path(target).write_text("someone else\n", encoding="utf-8")
        real_link(source, target)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "link", link_after_someone_else)
        with pytest.raises(UsageError, match="already exists"):
            schedule_file.write(roadmap, out)
    assert out.read_text(encoding="utf-8") == "someone else\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["late.toml"]


@pytest.mark.parametrize("force", [False, True])
def test_never_a_half_written_file(
    force: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "spassk.toml"
    if force:
        out.write_text("# the old file\n", encoding="utf-8")
    real_write = os.fdopen

    def failing_fdopen(*args: object, **kwargs: object) -> object:
        stream = real_write(*args, **kwargs)  # type: ignore[call-overload]
        original = stream.write

        def write_half(text: str) -> int:
            original(text[: len(text) // 2])
            raise OSError(28, "No space left on device")

        stream.write = write_half
        return stream

    monkeypatch.setattr(os, "fdopen", failing_fdopen)
    with pytest.raises(OSError, match="No space left"):
        schedule_file.write(imported("spassk-2022.txt"), out, force=force)
    if force:
        assert out.read_text(encoding="utf-8") == "# the old file\n"
    else:
        assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == (["spassk.toml"] if force else [])


def test_missing_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "no" / "such" / "dir.toml"
    code, _, stderr = _run("import", str(ROADMAPS / "spassk-2022.txt"), "-o", str(out))
    assert code == 2 and "does not exist" in stderr
