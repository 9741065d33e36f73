"""Write files so that a failure never leaves a half-written or clobbered result."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from moonbase.errors import OutputError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_writable(path: Path) -> None:
    """Raise OutputError now if ``path`` could not be written later.

    Called before a long computation, so that a bad ``--out`` fails in a second, not
    after the work: the folder is created if missing and a scratch file tried in it.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path.parent):
            pass
    except OSError as error:
        raise OutputError(str(path), error.strerror or str(error)) from error


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success.

    On any failure the temporary file is removed and ``path`` keeps what it had.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        os.close(handle)
        # mkstemp makes the file private (0600); give it the permissions of a normal file.
        os.chmod(temporary, 0o666 & ~_umask())
    except OSError as error:
        raise OutputError(str(path), error.strerror or str(error)) from error
    temporary_path = Path(temporary)
    try:
        yield temporary_path
        os.replace(temporary_path, path)
    except OSError as error:
        raise OutputError(str(path), error.strerror or str(error)) from error
    finally:
        temporary_path.unlink(missing_ok=True)


@contextmanager
def atomic_directory(path: Path) -> Iterator[Path]:
    """Yield a temporary folder beside ``path``; move it onto ``path`` on success.

    For stores that are folders (Zarr). What was at ``path`` (a folder or a file) is
    moved aside, not deleted, until the new folder is in place; on any failure it is
    put back and the temporary folder removed.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
        os.chmod(temporary, 0o777 & ~_umask())
    except OSError as error:
        raise OutputError(str(path), error.strerror or str(error)) from error
    aside = None
    try:
        yield temporary
        if path.exists() or path.is_symlink():
            aside = Path(tempfile.mkdtemp(prefix=f".{path.name}.old.", dir=path.parent))
            os.replace(path, aside / path.name)
        os.replace(temporary, path)
    except OSError as error:
        if aside is not None and not path.exists():
            os.replace(aside / path.name, path)
        raise OutputError(str(path), error.strerror or str(error)) from error
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)


def write_atomically(path: Path, write: Callable[[Path], object]) -> Path:
    """Call ``write(temporary_path)`` and move the result onto ``path``."""
    with atomic_path(path) as temporary:
        write(temporary)
    return Path(path)


def write_text_atomically(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    return write_atomically(path, lambda p: p.write_text(text, encoding="utf-8"))
