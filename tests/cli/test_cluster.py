"""Corpus scale: `unspun check --dask` and `unspun.screen` on a Dask LocalCluster of worker processes give the
same records as a single process; `--resume` continues an interrupted run; one file's failure is reported with
it and the run goes on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli import SPUN, mini, run

CLEAN = "A plain sentence about the weather.\n"


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for i in range(20):
        (folder / f"doc{i:02d}.txt").write_text(SPUN * (i % 4) + CLEAN * (i % 3 + 1))
    (folder / "binary.txt").write_bytes(b"\x00binary")
    return folder


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c:
        yield c


@pytest.mark.slow
def test_dask_gives_the_same_records_as_one_process(corpus, cluster, tmp_path):
    missing = str(tmp_path / "missing.txt")
    serial = run("check", "--format", "json", "-j", "1", *mini(str(corpus), missing))
    on_cluster = run("check", "--format", "json", "--dask", cluster.scheduler_address, *mini(str(corpus), missing))
    assert serial.returncode == on_cluster.returncode == 2, on_cluster.stderr  # the missing file; the run went on
    assert json.loads(on_cluster.stdout) == json.loads(serial.stdout)
    files = json.loads(serial.stdout)["files"]
    assert sum(f["status"] == "checked" for f in files) == 20
    # the work was spread over both worker processes
    from distributed import Client

    with Client(cluster) as client:
        loaded = client.run(lambda: len(__import__("unspun.cluster", fromlist=["_runs"])._runs))
    assert sorted(loaded.values()) == [1, 1]


@pytest.mark.slow
def test_screen_returns_a_bag_of_records(corpus, cluster):
    import unspun
    from distributed import Client

    expected = json.loads(run("check", "--format", "json", *mini(str(corpus))).stdout)["files"]
    with Client(cluster):
        bag = unspun.screen([corpus], ["--no-builtin", "--lexicon", mini()[2]], partition_size=4)
        assert bag.npartitions == 6
        records = bag.compute()
    assert records == expected


def test_resume_skips_what_is_done_and_continues(corpus, tmp_path):
    out = tmp_path / "progress.jsonl"
    first = run("check", "--format", "jsonl", "--resume", str(out), *mini(str(corpus)))
    assert first.returncode == 1
    lines = out.read_text().splitlines()
    assert len(lines) == 21 and lines == first.stdout.decode().splitlines()
    # an interrupted run: the last record cut short; meanwhile a checked file changed and a file was added
    out.write_text("\n".join(lines[:10]) + "\n" + lines[10][:25])
    (corpus / "doc01.txt").write_text(CLEAN)  # already done: not checked again
    (corpus / "new.txt").write_text(SPUN)
    again = run("check", "--format", "json", "--verbose", "--resume", str(out), *mini(str(corpus)))
    assert b"9 files already checked, 13 to go" in again.stderr  # doc00-doc08 (binary.txt was skipped: retried)
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 10 + 13 and len({r["path"] for r in records}) == 22
    files = {f["path"]: f for f in json.loads(again.stdout)["files"]}
    assert len(files) == 22
    assert files[str(corpus / "doc01.txt")]["findings"]  # the record from the first run
    assert files[str(corpus / "new.txt")]["findings"]
    r = run("check", "--resume", str(tmp_path / "missing" / "p.jsonl"), *mini(str(corpus)))
    assert r.returncode == 2 and r.stderr.decode().count("\n") == 1 and b"cannot write" in r.stderr


def test_one_file_failing_does_not_stop_a_partition(corpus, monkeypatch):
    from unspun import cli, cluster

    real = cli._check_one

    def flaky(run_, path):
        if path.endswith("doc03.txt"):
            raise RuntimeError("boom")
        return real(run_, path)

    monkeypatch.setattr(cli, "_check_one", flaky)
    monkeypatch.setattr(cluster, "_runs", {})
    paths = [str(corpus / f"doc{i:02d}.txt") for i in range(2, 6)]
    results = cluster.check_partition(paths, cluster.check_args(paths, mini()))
    assert [r.status for r in results] == ["checked", "skipped", "checked", "checked"]
    assert results[1].error and results[1].reason == "internal error: RuntimeError: boom"
