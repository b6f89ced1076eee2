"""Reading files that a workspace supplies (configuration, lexicons): a repository someone merely opens must not
be able to hang the reader or exhaust memory.

`read` follows symbolic links, then reads only a regular file (never a device such as `/dev/zero`, a FIFO or a
socket), only up to a size limit, and on a thread of its own that the caller waits for at most `timeout`
seconds (a file on a stalled network mount costs the caller that long, once). The file is opened
non-blocking, so a FIFO swapped in between the check and the open cannot block either.

`inside` tells whether a path, symbolic links resolved, lies in one of some folders.
"""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Iterable
from pathlib import Path

#: size limits (bytes)
CONFIG_LIMIT = 1024 * 1024
LEXICON_LIMIT = 32 * 1024 * 1024
#: how long a reader waits for one file (seconds)
TIMEOUT = 5.0


class Refused(OSError):
    """The file was not read; the message says why (and names nothing but the path)."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
        (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "something else"


def _read(path: str, limit: int) -> bytes:
    real = os.path.realpath(path)
    st = os.stat(real)
    if not stat.S_ISREG(st.st_mode):
        raise Refused(path, f"{_kind(st.st_mode)}, not a regular file; not read")
    if st.st_size > limit:
        raise Refused(path, f"{st.st_size} bytes, over the limit of {limit}; not read")
    fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # replaced since the check
            raise Refused(path, f"{_kind(st.st_mode)}, not a regular file; not read")
        parts: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            parts.append(chunk)
            size += len(chunk)
        if size > limit:  # grew since the check
            raise Refused(path, f"over the limit of {limit} bytes; not read")
        return b"".join(parts)
    finally:
        os.close(fd)


def read(path: str | os.PathLike[str], limit: int, timeout: float | None = None) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; `Refused` (or the OSError of the read)
    otherwise, `Refused` also when the read takes longer than `timeout` seconds (default `TIMEOUT`)."""
    path = os.fspath(path)
    box: dict[str, object] = {}
    done = threading.Event()

    def work() -> None:
        try:
            box["data"] = _read(path, limit)
        except BaseException as e:  # noqa: BLE001 - handed to the caller
            box["error"] = e
        finally:
            done.set()

    threading.Thread(target=work, name="unspun-read", daemon=True).start()
    if not done.wait(TIMEOUT if timeout is None else timeout):
        raise Refused(path, f"reading took longer than {TIMEOUT if timeout is None else timeout:g} s; not read")
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["data"]  # type: ignore[return-value]


def inside(path: str | os.PathLike[str], folders: Iterable[str | os.PathLike[str]]) -> bool:
    """Whether `path` (symbolic links resolved) is in one of `folders` (resolved too) or is one of them."""
    real = Path(os.path.realpath(path))
    for folder in folders:
        f = Path(os.path.realpath(folder))
        if real == f or f in real.parents:
            return True
    return False


def user_config_dir() -> Path:
    """The user's configuration folder for unspun (`$XDG_CONFIG_HOME/unspun`, by default `~/.config/unspun`)."""
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "unspun"
