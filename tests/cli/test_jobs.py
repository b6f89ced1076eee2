"""`check -j`: how many processes a run uses, and workers forked from the parent's loaded engine."""

from __future__ import annotations

import multiprocessing
import os
from types import SimpleNamespace

import pytest

from unspun import cli


def _args(jobs: int) -> SimpleNamespace:
    return SimpleNamespace(jobs=jobs)


def _files(tmp_path, n: int, size: int) -> list[str]:
    out = []
    for i in range(n):
        p = tmp_path / f"f{i}.txt"
        p.write_text("word " * (size // 5))
        out.append(str(p))
    return out


def test_automatic_jobs_follow_the_work_size(tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "_cores", lambda: 4)
    (tmp_path / "a").mkdir()
    small = _files(tmp_path / "a", 20, 1_000)
    assert cli._jobs(_args(0), small) == 1  # 20 KB in all: not worth sharing
    (tmp_path / "b").mkdir()
    large = _files(tmp_path / "b", 3, cli.PARALLEL_BYTES)
    assert cli._jobs(_args(0), large) == 3  # one per file when there are fewer files than cores
    (tmp_path / "c").mkdir()
    many = _files(tmp_path / "c", 10, cli.PARALLEL_BYTES // 5)
    assert cli._jobs(_args(0), many) == 4
    assert cli._jobs(_args(0), large[:1]) == 1  # one file: one process
    assert cli._jobs(_args(0), [*large, "-"]) == 1  # standard input is read here


def test_explicit_jobs_are_capped_by_files_and_cores(tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "_cores", lambda: 2)
    files = _files(tmp_path, 5, 100)
    assert cli._jobs(_args(8), files) == 2
    assert cli._jobs(_args(2), files) == 2
    assert cli._jobs(_args(1), files) == 1
    assert cli._jobs(_args(8), files[:1]) == 1


def _which_run(_):
    return id(cli._worker_run), os.getpid()


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork here")
def test_workers_are_forked_from_the_loaded_run(monkeypatch):
    args = cli.build_parser().parse_args(["check", "--no-config", "-j", "2", "."])
    run = cli._Run(args)
    made = []
    monkeypatch.setattr(cli, "_worker_run", None)
    real_init = cli._Run.__init__

    def counting_init(self, *a, **kw):  # a worker that made its own run would pass here
        made.append(os.getpid())
        real_init(self, *a, **kw)

    monkeypatch.setattr(cli._Run, "__init__", counting_init)
    pool = cli._pool(run, 2)
    try:
        seen = list(pool.map(_which_run, range(8)))
    finally:
        pool.shutdown()
    assert {r for r, _ in seen} == {id(run)}  # the parent's run object, inherited
    assert all(pid != os.getpid() for _, pid in seen)
    assert made == []
    ov = run.engine(()).loaded_open_vocabulary
    assert ov is not None  # loaded before forking, and what it builds on first use built
    assert ov.model._ids is not None and ov.thesaurus._index is not None and ov._table
