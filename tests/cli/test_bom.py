"""Byte order marks: a UTF-16 file with one is read (not called binary) and `fix` writes it back in UTF-16
with the same mark; a UTF-8 mark takes no column."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

MINI = str(Path(__file__).parents[1] / "fixtures" / "lexicons" / "mini.tsv")
TEXT = "A information convention today.\nAnd more counterfeit consciousness.\n"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "unspun", *args[:1], "--no-builtin", "--lexicon", MINI, *args[1:]],
        capture_output=True, timeout=60,
    )


@pytest.mark.parametrize("codec, bom", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")])
def test_utf16_with_a_mark_is_checked_and_fixed_in_its_encoding(tmp_path, codec, bom):
    p = tmp_path / "doc.txt"
    p.write_bytes(bom + TEXT.encode(codec))
    r = run("check", "--format", "json", str(p))
    data = json.loads(r.stdout)
    (f,) = data["files"]
    assert [x["text"] for x in f["findings"]] == ["information convention", "counterfeit consciousness"], r.stderr
    assert (f["findings"][0]["line"], f["findings"][0]["column"]) == (0, 2)
    r = run("fix", str(p))
    assert r.returncode == 0, r.stderr
    assert p.read_bytes() == bom + "A news conference today.\nAnd more artificial intelligence.\n".encode(codec)


def test_a_utf8_mark_takes_no_column(tmp_path):
    p = tmp_path / "doc.txt"
    p.write_bytes(b"\xef\xbb\xbf" + TEXT.encode("utf-8"))
    (f,) = json.loads(run("check", "--format", "json", str(p)).stdout)["files"]
    first, second = f["findings"]
    assert (first["line"], first["column"], first["end_column"]) == (0, 2, len("A information convention"))
    assert (second["line"], second["column"]) == (1, TEXT.split("\n")[1].index("counterfeit"))
    assert run("fix", str(p)).returncode == 0
    assert p.read_bytes().startswith(b"\xef\xbb\xbfA news conference today.\n")


def test_utf16_without_a_mark_is_still_binary(tmp_path):
    p = tmp_path / "doc.txt"
    p.write_bytes(TEXT.encode("utf-16-le"))
    r = run("check", str(p))
    # reported as skipped, which does not by itself make the run fail (docs/cli.md, exit codes)
    assert r.returncode == 0 and b"binary" in r.stderr and b"skipped" in r.stderr
