"""Reading the per-user caches (the language model, the synonym index), which are uncompressed ``.npz`` files.

The shipped language model is a folder of ``.npy`` files instead (`NpyFolder`: no single file too large to
ship), read the same way.

``np.load`` reads each member through ``zipfile``, in pieces, checking its CRC as it goes: for the 39 MB
model that costs more than everything else a short run does. `StoredNpz` reads each stored member straight
into its array, one read per member, and checks it against the zip directory (offsets, sizes, the ``.npy``
header) instead. The arrays are ordinary private memory: memory-mapping the file instead would make opening
cheaper still, but the model's pages, touched by look-ups all over the file, would then count in the process's
resident memory in 64 KB runs, and the server would hold more, not less. A short run is another matter: the
command line checks a few files and exits, touching a small part of the arrays, so it asks for them mapped
(`map_members`), which saves reading about 60 MB on every start.
"""

from __future__ import annotations

import mmap
import struct
import zipfile
from pathlib import Path

import numpy as np


_mapped = False


def map_members(on: bool = True) -> None:
    """Memory-map (read-only) the arrays of the files read from now on, instead of reading them into memory."""
    global _mapped
    _mapped = on


def is_mapped(array: np.ndarray) -> bool:
    """Whether `array` lies in a memory-mapped file."""
    base = array
    while isinstance(base, np.ndarray):
        base = base.base
    if isinstance(base, memoryview):
        base = base.obj
    return isinstance(base, mmap.mmap)


class StoredNpz:
    """The arrays of an ``.npz`` file by name, like ``np.load`` (stored members read directly, compressed ones
    as ``np.load`` reads them). Members are checked against the zip directory, not against their CRC; a
    damaged file raises ValueError (OSError when it cannot be read at all)."""

    def __init__(self, path: Path, mapped: bool | None = None):
        """`mapped`: map the members (True) or read them (False) whatever `map_members` says."""
        self.path = path
        self._mapped = mapped
        try:
            self._zip = zipfile.ZipFile(path)
        except zipfile.BadZipFile as exc:  # damage is a ValueError here, whatever part of the file it is in
            raise ValueError(f"not a readable zip file: {exc}") from exc
        self._file = open(path, "rb")
        self._infos = {
            i.filename[:-4]: i for i in self._zip.infolist() if i.filename.endswith(".npy") and not i.is_dir()
        }
        self.files = list(self._infos)
        #: the file mapped read-only, when members are mapped; arrays over it keep it open after `close`
        self._map: mmap.mmap | None = None

    def __enter__(self) -> StoredNpz:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._file.close()
        self._zip.close()

    def __getitem__(self, name: str) -> np.ndarray:
        info = self._infos[name]
        if info.compress_type != zipfile.ZIP_STORED:
            with self._zip.open(info) as f:
                return np.lib.format.read_array(f, allow_pickle=False)
        f = self._file
        f.seek(info.header_offset)
        local = f.read(30)
        if len(local) != 30 or local[:4] != b"PK\x03\x04":
            raise ValueError(f"bad zip entry for {name}")
        name_len, extra_len = struct.unpack("<HH", local[26:30])
        start = info.header_offset + 30 + name_len + extra_len
        f.seek(start)
        shape, fortran, dtype = _npy_header(f, name)
        offset = f.tell()
        size = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        if offset - start + size != info.file_size:
            raise ValueError(f"{name}: the array does not fill its zip entry")
        order = "F" if fortran else "C"
        count = size // dtype.itemsize if dtype.itemsize else 0
        if (_mapped if self._mapped is None else self._mapped) and count:
            if self._map is None:
                self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            if offset + size > len(self._map):
                raise ValueError(f"{name}: the file ends inside the array")
            # a plain array over the mapping (np.memmap indexes through Python code, element by element)
            return np.frombuffer(self._map, dtype=dtype, count=count, offset=offset).reshape(shape, order=order)
        data = np.fromfile(f, dtype=dtype, count=count)
        if len(data) != count:
            raise ValueError(f"{name}: the file ends inside the array")
        return data.reshape(shape, order=order)


class NpyFolder:
    """The arrays of a folder of ``.npy`` files by name (the file name without ``.npy``), with the interface of
    `StoredNpz`: how the shipped language model is stored, each array a file of its own, read as it is stored
    (mapped when `map_members` asks for it, else read into memory). A damaged file raises ValueError."""

    def __init__(self, path: Path):
        self.path = Path(path)
        if not self.path.is_dir():
            raise FileNotFoundError(f"no such folder: {self.path}")
        self.files = sorted(p.name[:-4] for p in self.path.iterdir() if p.name.endswith(".npy"))
        self._maps: list[mmap.mmap] = []

    def __enter__(self) -> NpyFolder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        pass  # arrays over a mapping keep it open; files are closed as soon as they are read

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self.files:
            raise KeyError(name)
        with open(self.path / f"{name}.npy", "rb") as f:
            shape, fortran, dtype = _npy_header(f, name)
            offset = f.tell()
            count = int(np.prod(shape, dtype=np.int64))
            order = "F" if fortran else "C"
            size = count * dtype.itemsize
            if _mapped and size:
                mapping = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
                if offset + size > len(mapping):
                    raise ValueError(f"{name}: the file ends inside the array")
                return np.frombuffer(mapping, dtype=dtype, count=count, offset=offset).reshape(shape, order=order)
            data = np.fromfile(f, dtype=dtype, count=count)
            if len(data) != count:
                raise ValueError(f"{name}: the file ends inside the array")
            return data.reshape(shape, order=order)


def open_arrays(path: Path) -> StoredNpz | NpyFolder:
    """`NpyFolder` for a folder, `StoredNpz` for an ``.npz`` file."""
    path = Path(path)
    return NpyFolder(path) if path.is_dir() else StoredNpz(path)


def _npy_header(f, name: str):
    """(shape, Fortran order, dtype) of the .npy array whose header starts at `f`'s position; `f` is left at
    the data. Raises ValueError for a cut header, an unknown format version or an object array."""
    try:
        version = np.lib.format.read_magic(f)
    except EOFError as exc:
        raise ValueError(f"{name}: the file ends inside the array header") from exc
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
    elif version == (2, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
    else:
        raise ValueError(f"{name}: .npy format {version} is not read")
    if dtype.hasobject:
        raise ValueError(f"{name}: object arrays are not read")
    return shape, fortran, dtype
