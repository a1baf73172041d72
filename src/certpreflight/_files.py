"""Reading a small file a user names (a configuration file, a matrix CSV) with a bound.

Such a file is read whole, so it must end: a path naming a device (``/dev/zero``), a FIFO or
a directory is refused without waiting on it (opened non-blocking, then checked), and so is
a file over the bound, of which no more than the bound is read.
"""

from __future__ import annotations

import os
import stat

__all__ = ["MAX_FILE_BYTES", "read_bounded"]

#: The largest configuration file or matrix CSV read (the shipped matrix is about 120 KB).
MAX_FILE_BYTES = 16 * 1024 * 1024


def read_bounded(path: str | os.PathLike[str], limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them.

    Raises ``OSError`` when it can't be opened or read, and ``ValueError`` (its message
    says why, without the path) when it isn't a regular file or holds more than ``limit``
    bytes.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        found = os.fstat(fd)
        if not stat.S_ISREG(found.st_mode):
            raise ValueError("not a regular file (a device, a FIFO or a folder?)")
        if found.st_size > limit:
            raise ValueError(f"larger than {limit:,} bytes")
        data = handle.read(found.st_size + 1)  # read(n) reserves n bytes: the size, not the bound
        while len(data) <= limit and (more := handle.read(65536)):  # it grew meanwhile
            data += more
    if len(data) > limit:
        raise ValueError(f"larger than {limit:,} bytes")
    return data
