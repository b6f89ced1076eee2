"""Screening a corpus on a Dask cluster (`dask.distributed`), and resuming an interrupted screening.

- `screen(paths, options)` returns a Dask bag of JSON file records (the shape of `docs/output-schema.json`):
  the files are walked here as `unspun check` walks them, split into partitions, and checked on the workers;
  each worker process builds its engine once and keeps it for every partition it gets.
- `unspun check --dask ADDRESS` does the same from the command line, with any output format.
- `unspun check --resume FILE.jsonl` appends each file's record to FILE as it is done and, run again, skips the
  files FILE already holds as checked (with or without --dask).

A file that cannot be checked becomes a `skipped` record with the reason; the run goes on. The workers read
the files by path, so they need the same files at the same paths (one machine, or a shared file system).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence

#: files per task sent to a worker
PARTITION_SIZE = 16

#: the worker process's runs, by their options: the engine is loaded once per process
_runs: dict[str, object] = {}


def _key(args) -> str:
    return repr(sorted((k, v) for k, v in vars(args).items() if k not in ("paths", "dask", "resume")))


def check_partition(paths: Sequence[str], args) -> list:
    """Check some files in this (worker) process: their FileResults, never an exception."""
    from unspun.cli import _check_one, _Run
    from unspun.results import SKIPPED, FileResult

    key = _key(args)
    if key not in _runs:
        _runs[key] = _Run(args)
    run = _runs[key]
    out = []
    for path in paths:
        try:
            out.append(_check_one(run, path))  # type: ignore[arg-type]
        except Exception as e:  # noqa: BLE001 - one file's failure is reported with it, the run goes on
            out.append(FileResult(path, SKIPPED, f"internal error: {type(e).__name__}: {e}", error=True))
    return out


def _chunks(paths: Sequence[str], size: int) -> list[list[str]]:
    return [list(paths[i : i + size]) for i in range(0, len(paths), size)]


def on_cluster(paths: Sequence[str], args, address: str, size: int = PARTITION_SIZE) -> Iterator:
    """FileResults of these files checked on the Dask cluster at `address`, in the order of `paths`."""
    from distributed import Client

    with Client(address) as client:
        futures = client.map(check_partition, _chunks(paths, size), args=args, pure=False)
        try:
            for fut in futures:
                yield from fut.result()
        finally:
            client.cancel(futures)


def check_args(paths: Sequence[str], options: Sequence[str] = ()):
    """The parsed `unspun check` command line for these paths and options."""
    from unspun.cli import build_parser

    return build_parser().parse_args(["check", *options, "--", *[os.fspath(p) for p in paths]])


def screen(paths: Sequence[str | os.PathLike[str]], options: Sequence[str] = (), partition_size: int = PARTITION_SIZE):
    """A Dask bag of the JSON records of every file under `paths`, checked on the cluster of the current Dask
    client (or Dask's default scheduler). `options` are `unspun check` options, e.g. `["--select",
    "fingerprint"]` or `["--lexicon", "extra.tsv"]`.

        >>> from distributed import Client
        >>> import unspun
        >>> client = Client("tcp://scheduler:8786")
        >>> records = unspun.screen(["corpus/"]).filter(lambda r: r.get("spun")).compute()
    """
    import dask.bag as db

    from unspun.cli import _Run

    args = check_args(paths, options)
    files, _excluded = _Run(args).walk(args.paths)
    bag = db.from_sequence(files, partition_size=partition_size)
    return bag.map_partitions(lambda part: [r.record() for r in check_partition(list(part), args)])


class Resume:
    """A JSONL file of file records that a run appends to and a rerun continues from."""

    def __init__(self, path: str):
        self.path = path
        self.done: dict[str, dict] = {}
        self._file = None
        try:
            with open(path, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            data = b""
        end = data.rfind(b"\n") + 1  # a last line cut short by an interrupted run is dropped
        for line in data[:end].splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and record.get("status") == "checked" and "path" in record:
                self.done[record["path"]] = record
        self._keep = end

    def open(self) -> None:
        if os.path.exists(self.path):
            with open(self.path, "r+b") as f:
                f.truncate(self._keep)
        self._file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - closed by close()

    def add(self, record: dict) -> None:
        assert self._file is not None
        self._file.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
