"""Reading and writing user documents safely: clear errors for bad input, atomic writes, exact bytes kept."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

MAX_BYTES = 50 * 1024 * 1024


class InputError(Exception):
    """A document that cannot be checked; the message names the file and the problem. `reason` is the problem
    alone; `skipped` is True for a file that is readable but not text to check (binary, not UTF-8, too large),
    False for one that could not be read at all (missing, permission denied)."""

    def __init__(self, message: str, reason: str | None = None, skipped: bool = False):
        super().__init__(message)
        self.reason = reason or message
        self.skipped = skipped


def _skip(name: object, reason: str) -> InputError:
    return InputError(f"{name}: {reason}; skipped", reason, skipped=True)


def _unreadable(name: object, reason: str) -> InputError:
    return InputError(f"{name}: {reason}", reason)


#: byte order marks of UTF-16 -> the codec (the text keeps the mark as U+FEFF, so writing it back with the same
#: codec gives the same bytes)
UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}


def decode(data: bytes, name: str) -> str:
    """The text of a document: UTF-8, or UTF-16 with a byte order mark; a mark is kept as U+FEFF."""
    codec = UTF16_BOMS.get(data[:2])
    if codec is not None:
        try:
            return data.decode(codec)
        except UnicodeDecodeError as e:
            raise _skip(name, f"not valid {codec.upper()} (offset {e.start})") from None
    if b"\x00" in data[:8192]:
        raise _skip(name, "looks like a binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise _skip(name, f"not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start}, line {line})") from None


def read_document(path: str | os.PathLike[str]) -> str:
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise _skip(p, f"too large ({size} bytes, limit {MAX_BYTES})")
        data = p.read_bytes()
    except FileNotFoundError:
        raise _unreadable(p, "no such file") from None
    except IsADirectoryError:
        raise _unreadable(p, "is a directory") from None
    except PermissionError:
        raise _unreadable(p, "permission denied") from None
    except OSError as e:
        raise _unreadable(p, f"cannot read: {e.strerror or e}") from None
    return decode(data, str(p))


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Replace the file's contents in one step (temporary file + rename), keeping its permissions."""
    p = Path(path)
    mode = None
    try:
        mode = p.stat().st_mode & 0o7777
    except OSError:
        pass
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".unspun-tmp", dir=str(p.parent))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(text.encode(_codec_of(p, text)))
            f.flush()
            os.fsync(f.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, p)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def encoded_as_read(path: str | os.PathLike[str], text: str) -> bytes:
    """`text` in the encoding its file was read in (UTF-16 with the same mark, or UTF-8)."""
    return text.encode(_codec_of(Path(path), text))


def _codec_of(path: Path, text: str) -> str:
    """UTF-16 (same byte order) for a text with a mark replacing a UTF-16 file, else UTF-8."""
    if text.startswith("\ufeff"):
        try:
            with open(path, "rb") as f:
                return UTF16_BOMS.get(f.read(2), "utf-8")
        except OSError:
            pass
    return "utf-8"
