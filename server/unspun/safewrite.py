"""Writing fixed text back without losing anything.

`replace_file` rewrites a document that was read earlier:

- it refuses when the file changed since it was read (another program saved it meanwhile), when it is not a
  regular file, and when it is read-only (unless forced);
- a symbolic link is followed and its target rewritten (the link stays a link);
- the new text goes to a temporary file in the target's folder, flushed to disk, with the target's mode, owner
  and group, and is renamed over the target in one step;
- a file with several hard links, or whose owner cannot be given to a new file, is rewritten in place instead
  (same inode, so every link sees the new text), after a copy of the old contents has been written and read
  back; the copy is removed once the new text is on disk.

`write_new` writes an output file (`fix -o`, `import-pps -o`): a regular file or a new one, created with the
mode the umask allows, never a FIFO, device or other special file.

Temporary files are named `.NAME.PID-RANDOM.unspun-tmp`; `clean_stale` removes those left behind by a process
that no longer runs (killed mid-write), so the next run tidies up.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import stat
import time
from pathlib import Path

TMP_SUFFIX = ".unspun-tmp"
#: temporary files without a process id in their name (older versions) are removed once this old (seconds)
STALE_AFTER = 600


class WriteRefused(Exception):
    """A file left alone on purpose; the message names the file and why."""


def _tmp_name(target: Path) -> Path:
    return target.parent / f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}{TMP_SUFFIX}"


_TMP_RE = re.compile(r"^\.(?P<name>.+)\.(?:(?P<pid>\d+)-[0-9a-f]+|[^.]+)" + re.escape(TMP_SUFFIX) + "$")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def clean_stale(target: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporary files that an interrupted write of `target` left beside it; returns them."""
    p = Path(os.path.realpath(target))
    removed: list[Path] = []
    try:
        entries = list(os.scandir(p.parent))
    except OSError:
        return removed
    for entry in entries:
        m = _TMP_RE.match(entry.name)
        if m is None or m.group("name") != p.name or not entry.is_file(follow_symlinks=False):
            continue
        pid = m.group("pid")
        try:
            stale = not _alive(int(pid)) if pid else time.time() - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER
            if stale:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            pass
    return removed


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_fd(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]
    os.fsync(fd)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _unlink_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _write_temp(target: Path, data: bytes, mode: int, owner: tuple[int, int] | None) -> Path:
    """A flushed temporary file beside `target` holding `data`, with this mode (and owner, group if given;
    PermissionError if they cannot be set)."""
    tmp = _tmp_name(target)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        try:
            if owner is not None:
                os.fchown(fd, *owner)
            _write_fd(fd, data)
            os.fchmod(fd, mode)
        finally:
            os.close(fd)
    except BaseException:
        _unlink_quietly(tmp)
        raise
    return tmp


def _read_exact(path: Path) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def _check_unchanged(path: Path, expected: bytes, display: str) -> os.stat_result:
    try:
        st = os.stat(path)
        current = _read_exact(path)
    except FileNotFoundError:
        raise WriteRefused(f"{display}: removed since it was read; not written") from None
    if current != expected:
        raise WriteRefused(f"{display}: changed since it was read (saved by another program?); not written, run again")
    return st


def _owner_ok(st: os.stat_result) -> bool:
    """Whether a new file made by this process can be given the file's owner and group."""
    if not hasattr(os, "geteuid"):
        return True
    if os.geteuid() == 0:
        return True
    return st.st_uid == os.geteuid() and (st.st_gid == os.getegid() or st.st_gid in os.getgroups())


def replace_file(path: str | os.PathLike[str], old: bytes, new: bytes, force: bool = False) -> Path:
    """Rewrite the file at `path` (read earlier as `old`) with `new`; returns the file written (a symbolic
    link's target). Raises WriteRefused when it leaves the file alone on purpose, OSError when writing fails
    (the file is then as it was)."""
    display = str(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise WriteRefused(f"{display}: removed since it was read; not written") from None
    target = Path(os.path.realpath(path))
    if not stat.S_ISREG(st.st_mode):
        raise WriteRefused(f"{display}: not a regular file; not written")
    mode = stat.S_IMODE(st.st_mode)
    if not force and (mode & 0o222 == 0 or not os.access(target, os.W_OK)):
        raise WriteRefused(f"{display}: read-only; not written (--force writes it anyway, keeping its mode)")
    clean_stale(target)
    if st.st_nlink > 1 or not _owner_ok(st):
        _rewrite_in_place(target, old, new, st, display)
        return target
    tmp = _write_temp(target, new, mode, (st.st_uid, st.st_gid))
    try:
        now = _check_unchanged(target, old, display)
        if (now.st_ino, now.st_dev) != (st.st_ino, st.st_dev):
            raise WriteRefused(f"{display}: replaced since it was read; not written, run again")
        os.replace(tmp, target)
    except BaseException:
        _unlink_quietly(tmp)
        raise
    _fsync_dir(target.parent)
    return target


def _rewrite_in_place(target: Path, old: bytes, new: bytes, st: os.stat_result, display: str) -> None:
    """Write `new` into the existing inode, keeping a verified copy of `old` until it is on disk."""
    backup = _write_temp(target, old, 0o600, None)
    try:
        if _read_exact(backup) != old:
            raise OSError(errno.EIO, "the safety copy did not read back as written")
        _check_unchanged(target, old, display)
        made_writable = False
        if not os.access(target, os.W_OK):  # forced onto a read-only file: open it for writing a moment
            os.chmod(target, stat.S_IMODE(st.st_mode) | stat.S_IWUSR)
            made_writable = True
        try:
            fd = os.open(target, os.O_WRONLY)
            try:
                try:
                    os.ftruncate(fd, 0)
                    _write_fd(fd, new)
                except BaseException:
                    try:  # put the old text back; the safety copy stays if even that fails
                        os.lseek(fd, 0, os.SEEK_SET)
                        os.ftruncate(fd, 0)
                        _write_fd(fd, old)
                    except OSError:
                        backup = None  # type: ignore[assignment]
                        raise OSError(errno.EIO, f"writing failed; the old text is kept in {_tmp_display(target)}") from None
                    raise
            finally:
                os.close(fd)
        finally:
            if made_writable:
                os.chmod(target, stat.S_IMODE(st.st_mode))
    finally:
        if backup is not None:
            _unlink_quietly(backup)


def _tmp_display(target: Path) -> str:
    return str(target.parent / f".{target.name}.*{TMP_SUFFIX}")


def write_new(path: str | os.PathLike[str], data: bytes, force: bool = False) -> Path:
    """Write an output file: a new file (mode from the umask) or an existing regular file (replaced keeping its
    mode, owner and links, as `replace_file` does). Special files are refused, so is a missing folder."""
    display = str(path)
    try:
        st = os.stat(path)  # follows links, /proc's magic ones included (/dev/stdout is whatever fd 1 is)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise WriteRefused(f"{display}: cannot write: {e.strerror or e}") from None
    target = Path(os.path.realpath(path))
    if st is None:
        if not target.parent.is_dir():
            raise WriteRefused(f"{display}: folder {target.parent} does not exist; not written")
        clean_stale(target)
        tmp = _write_temp(target, data, 0o666 & ~_umask(), None)
        try:
            os.link(tmp, target)  # fails if someone created the file meanwhile: never clobber it
        except OSError as e:
            _unlink_quietly(tmp)
            if e.errno == errno.EEXIST:
                raise WriteRefused(f"{display}: created by another program meanwhile; not written") from None
            if e.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.ENOSYS):
                raise
            tmp = _write_temp(target, data, 0o666 & ~_umask(), None)
            try:
                os.replace(tmp, target)
            except BaseException:
                _unlink_quietly(tmp)
                raise
            tmp = None  # type: ignore[assignment]
        if tmp is not None:
            _unlink_quietly(tmp)
        _fsync_dir(target.parent)
        return target
    if not stat.S_ISREG(st.st_mode):
        raise WriteRefused(f"{display}: not a regular file (use '-' for standard output); not written")
    return replace_file(path, _read_exact(target), data, force=force)
