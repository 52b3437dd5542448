"""Writing a text file atomically: a reader sees the old file or the new one, never half of one.

The text goes to a temporary file in the same folder, which is synced to disk and then renamed
over the target (or linked, when an existing file must not be replaced); the folder is synced
too, so the rename survives a power cut. Schedule files and the people directory are written
this way.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from tracker.errors import UsageError


def write_text_atomically(
    path: Path, text: str, *, replace: bool = True, mode: int | None = None
) -> None:
    """Write ``text`` (UTF-8, ``\\n`` line ends) to ``path`` atomically.

    ``replace=False`` refuses an existing ``path`` (a UsageError), even one that appears while
    writing. ``mode`` is the new file's permission bits (default: 0o666 less the umask).
    """
    folder = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode if mode is not None else 0o666 & ~_umask())
        if replace:
            os.replace(temporary, path)
        else:
            _publish_without_clobbering(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_folder(folder)


def _publish_without_clobbering(temporary: str, path: Path) -> None:
    """Rename ``temporary`` to ``path`` unless ``path`` appeared meanwhile."""
    try:
        os.link(temporary, path)  # fails if path exists: the check and the write are one step
    except FileExistsError:
        raise UsageError(f"{path} already exists", hint="pass --force to replace it") from None
    except OSError:  # a file system without hard links
        if path.exists():
            raise UsageError(f"{path} already exists", hint="pass --force to replace it") from None
        os.replace(temporary, path)
        return
    os.unlink(temporary)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _sync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
