"""Office files are ZIP archives: open one safely, and read its parts within the size bounds."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from tracker.errors import InputError
from tracker.roadmap.grid import SUPPORTED
from tracker.roadmap.limits import MAX_UNCOMPRESSED, too_big


def open_archive(path: Path, data: bytes) -> zipfile.ZipFile:
    """The archive in ``data``; a damaged one (or a zip bomb) is one clear InputError."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, NotImplementedError, ValueError, EOFError, OSError):
        raise InputError(f"{path} is a damaged ZIP/Office file", hint=f"give {SUPPORTED}") from None
    if total > MAX_UNCOMPRESSED:
        raise too_big(path, "bytes unpacked", total, MAX_UNCOMPRESSED)
    return archive


def read_part(path: Path, archive: zipfile.ZipFile, name: str) -> bytes | None:
    """The bytes of part ``name``, None when the archive lacks it."""
    try:
        return archive.read(name)
    except KeyError:
        return None
    except (zipfile.BadZipFile, NotImplementedError, ValueError, EOFError, OSError) as error:
        raise InputError(f"{path} is a damaged ZIP/Office file: {name}: {error}") from None
