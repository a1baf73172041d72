"""Where a report goes: standard output, or a regular file replaced atomically.

:func:`open_output` is the one way the CLI opens its output. ``None``, ``-`` and a path
naming the standard output itself (``/dev/stdout``) write to the given stream. Any
other path must be a regular file or not exist yet: a device (``/dev/null``), a pipe,
a socket or a directory is refused (:class:`OutputRefusedError`), never replaced by a
regular file. The report is written to a temp file beside the target and renamed over
it only when everything was written, so a run that fails (a full disk, ``ulimit -f``)
or is stopped (Ctrl-C, SIGTERM) leaves the previous report as it was and no temp file.
A write that fails raises :class:`OutputError` naming the target (exit code 3).

Every command that writes (``check -o``, ``--fix``, ``convert``) refuses an output that is
one of its inputs (:func:`refuse_inputs`); :func:`backup` keeps ``--in-place``'s copy.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO, TextIO

__all__ = [
    "BACKUP_SUFFIX",
    "OutputError",
    "OutputRefusedError",
    "backup",
    "is_default",
    "open_binary_output",
    "open_output",
    "refuse_inputs",
]

#: The suffix of the copy ``--in-place`` keeps of the original.
BACKUP_SUFFIX = ".orig"


class OutputError(Exception):
    """The report could not be written (exit code 3)."""


class OutputRefusedError(Exception):
    """The output path is not a regular file (exit code 2): it is never replaced."""


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


class _Guarded:
    """A text stream whose write errors name the target (broken pipes pass as they are)."""

    def __init__(self, stream: TextIO, name: str) -> None:
        self._stream = stream
        self._name = name

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(f"can't write {self._name}: {_why(exc)}") from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(f"can't write {self._name}: {_why(exc)}") from None

    def isatty(self) -> bool:
        return self._stream.isatty()


def _same(path: str, other: str | int) -> bool:
    """True when ``path`` is the file ``other`` (a path or an open descriptor) is: the same
    device and inode, links followed."""
    try:
        here, there = os.stat(path), os.fstat(other) if isinstance(other, int) else os.stat(other)
    except OSError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def _same_file(path: str, stream: TextIO) -> bool:
    """True when ``path`` is the file ``stream`` writes to (``/dev/stdout``, say)."""
    try:
        return _same(path, stream.fileno())
    except (OSError, ValueError, AttributeError):
        return _same(path, 1)


def refuse_inputs(path: str | None, inputs: Iterable[str], default: TextIO) -> None:
    """:class:`OutputRefusedError` when writing ``path`` would replace one of ``inputs``."""
    if is_default(path, default) or not os.path.exists(str(path)):
        return  # the standard output, or a new file: no input
    for name in inputs:
        if _same(str(path), name):
            raise OutputRefusedError(
                f"can't write {path}: it is an input ({name}); name another file "
                "(check --fix --in-place replaces an input, keeping a backup)"
            )


def backup(path: str) -> str:
    """Copy ``path`` to ``PATH.orig``, or ``PATH.orig.1``, ``.2`` ...: the first name not taken
    (an earlier backup is never replaced, a link there never followed), on disk when it
    returns; the backup's name. An OSError is an :class:`OutputError`."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    names = (path + BACKUP_SUFFIX + (f".{n}" if n else "") for n in range(1000))
    name = next((n for n in names if not os.path.lexists(n)), path + BACKUP_SUFFIX)
    try:
        fd = os.open(name, flags, 0o600)  # ours from here: a copy cut short is removed
    except OSError as exc:
        raise OutputError(f"can't back up {path} to {name}: {_why(exc)}") from None
    try:
        with os.fdopen(fd, "wb") as handle, open(path, "rb") as original:
            shutil.copyfileobj(original, handle)
            handle.flush()
            os.fsync(handle.fileno())
        shutil.copystat(path, name)
    except OSError as exc:
        os.unlink(name)
        raise OutputError(f"can't back up {path} to {name}: {_why(exc)}") from None
    return name


def is_default(path: str | None, default: TextIO) -> bool:
    """True when :func:`open_output` of ``path`` writes to ``default`` itself (no path, ``-``,
    or a path naming the same file, such as ``/dev/stdout``)."""
    return path is None or path == "-" or _same_file(path, default)


@contextlib.contextmanager
def open_output(path: str | None, default: TextIO) -> Iterator[TextIO]:
    """The stream to write the report to (see the module docs); committed on a clean exit.
    A file is written in UTF-8 (the standard output in its own)."""
    if path is None or is_default(path, default):
        guarded = _Guarded(default, "the standard output")
        yield guarded  # type: ignore[misc]
        guarded.flush()
        return
    with _replacing(path) as fd:
        handle = os.fdopen(fd, "w", encoding="utf-8", newline="")
        with _committed(handle):
            yield _Guarded(handle, path)  # type: ignore[misc]


@contextlib.contextmanager
def open_binary_output(path: str) -> Iterator[BinaryIO]:
    """:func:`open_output` of a file for bytes (a workbook): never the standard output."""
    with _replacing(path) as fd:
        handle = os.fdopen(fd, "wb")
        with _committed(handle):
            yield handle


@contextlib.contextmanager
def _replacing(path: str) -> Iterator[int]:
    """A temp file beside ``path``, renamed over it when the body ends cleanly."""
    target = Path(os.path.realpath(path))  # a link to the report: the file it names is replaced
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise OutputError(f"can't write {path}: {_why(exc)}") from None
    if mode is not None and not stat.S_ISREG(mode):
        raise OutputRefusedError(
            f"can't write {path}: it is not a regular file (a directory, device or pipe); "
            "name a file, or use - for the standard output"
        )
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"can't write {path}: {_why(exc)}") from None
    try:
        os.chmod(tmp, stat.S_IMODE(mode) if mode is not None else 0o666 & ~_umask())
        yield fd
        os.replace(tmp, target)
    except OSError as exc:  # the last flush, or the rename, failed
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(f"can't write {path}: {_why(exc)}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def _committed(handle: IO[Any]) -> Iterator[None]:
    """Close ``handle`` after the body; an OSError of the body itself (not of writing the
    report: those are OutputError already) passes through to :func:`_replacing`, which
    removes the temp file."""
    try:
        yield
    except BaseException:
        with contextlib.suppress(OSError):
            handle.close()
        raise
    handle.flush()  # an OSError here (the last flush) is the caller's OutputError
    os.fsync(handle.fileno())  # on disk before it replaces the file it names (--in-place)
    handle.close()


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask
