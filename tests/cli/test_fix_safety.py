"""`unspun fix` never loses anything: lost updates, links, owner and mode, read-only files, special output
files, leftover temporary files, exit codes after a failed write, and diffs that `patch` applies."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys

import pytest

from tests.cli.test_cli import SPUN, mini, run

FIXED = "A news conference in Eastern Europe.\nThe UN Secretary-General said artificial intelligence.\n"


@pytest.fixture
def spun_file(tmp_path):
    p = tmp_path / "spun.txt"
    p.write_text(SPUN, encoding="utf-8", newline="")
    return p


def test_a_file_changed_since_it_was_read_is_left_alone(spun_file, monkeypatch, capsys):
    """Another program saves the file while `fix` analyses it: its text wins, `fix` reports and exits 2."""
    from unspun import cli
    from unspun.engine import fixer

    real = fixer.fix_until_stable
    saved = "Text an editor saved meanwhile.\n"

    def fix_while_someone_saves(*a, **kw):
        spun_file.write_text(saved)
        return real(*a, **kw)

    monkeypatch.setattr(fixer, "fix_until_stable", fix_while_someone_saves)
    assert cli.main(["fix", *mini(str(spun_file))]) == 2
    assert spun_file.read_text() == saved
    err = capsys.readouterr().err
    assert "changed since it was read" in err and "fixed" not in err
    assert not [p for p in spun_file.parent.iterdir() if p.name.endswith(".unspun-tmp")]


def test_a_symlink_is_followed_and_stays_a_link(tmp_path, spun_file):
    link = tmp_path / "link.txt"
    link.symlink_to(spun_file.name)
    r = run("fix", *mini(str(link)))
    assert r.returncode == 0, r.stderr
    assert link.is_symlink() and os.readlink(link) == spun_file.name
    assert spun_file.read_text() == FIXED


def test_hard_links_are_kept(tmp_path, spun_file):
    other = tmp_path / "other-name.txt"
    os.link(spun_file, other)
    inode = spun_file.stat().st_ino
    r = run("fix", *mini(str(spun_file)))
    assert r.returncode == 0, r.stderr
    assert spun_file.stat().st_ino == other.stat().st_ino == inode
    assert other.read_text() == FIXED
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".unspun-tmp")]


def test_in_place_rewrite_that_fails_puts_the_old_text_back(tmp_path, spun_file, monkeypatch):
    from unspun import safewrite

    os.link(spun_file, tmp_path / "second")
    real = safewrite._write_fd
    new = FIXED.encode()

    def failing(fd, data):
        if data == new:
            os.write(fd, data[:5])
            raise OSError(28, "No space left on device")
        real(fd, data)

    monkeypatch.setattr(safewrite, "_write_fd", failing)
    with pytest.raises(OSError):
        safewrite.replace_file(spun_file, SPUN.encode(), new)
    assert spun_file.read_text() == SPUN
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".unspun-tmp")]


def test_mode_is_kept(spun_file):
    spun_file.chmod(0o640)
    assert run("fix", *mini(str(spun_file))).returncode == 0
    assert stat.S_IMODE(spun_file.stat().st_mode) == 0o640 and spun_file.read_text() == FIXED


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="changing a file's owner needs root")
def test_owner_and_group_are_kept(spun_file):
    os.chown(spun_file, 12345, 23456)
    assert run("fix", *mini(str(spun_file))).returncode == 0
    st = spun_file.stat()
    assert (st.st_uid, st.st_gid) == (12345, 23456) and spun_file.read_text() == FIXED


def test_owner_kept_when_a_new_file_cannot_have_it(spun_file, monkeypatch):
    """Where this process could not give a new file the old one's owner, the file is rewritten in place."""
    from unspun import safewrite

    monkeypatch.setattr(safewrite, "_owner_ok", lambda st: False)
    inode = spun_file.stat().st_ino
    safewrite.replace_file(spun_file, SPUN.encode(), FIXED.encode())
    assert spun_file.stat().st_ino == inode and spun_file.read_text() == FIXED


def test_read_only_files_need_force(spun_file):
    spun_file.chmod(0o444)
    r = run("fix", *mini(str(spun_file)))
    assert r.returncode == 2 and b"read-only" in r.stderr and b"fixed" not in r.stderr
    assert spun_file.read_text() == SPUN
    r = run("fix", "--force", *mini(str(spun_file)))
    assert r.returncode == 0, r.stderr
    assert spun_file.read_text() == FIXED and stat.S_IMODE(spun_file.stat().st_mode) == 0o444


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_output_file_honours_the_umask(tmp_path, spun_file, umask):
    out = tmp_path / "out.txt"
    r = subprocess.run(
        [sys.executable, "-m", "unspun", "fix", "-o", str(out), *mini(str(spun_file))],
        capture_output=True, timeout=60, preexec_fn=lambda: os.umask(umask),
    )
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask and out.read_text() == FIXED


def test_output_refuses_special_files(tmp_path, spun_file):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    r = run("fix", "-o", str(fifo), *mini(str(spun_file)))
    assert r.returncode == 2 and b"not a regular file" in r.stderr and b"fixed" not in r.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    r = run("fix", "-o", "/dev/stdout", *mini(str(spun_file)))  # a pipe here
    assert r.returncode == 2 and b"not a regular file" in r.stderr and r.stdout == b""


def test_unwritable_output_never_claims_success(spun_file):
    r = run("fix", "-o", "/proc/unspun-test-output", *mini(str(spun_file)))
    assert r.returncode == 2
    assert b"/proc/unspun-test-output" in r.stderr and b"fixed" not in r.stderr


def test_leftover_temporary_files_are_removed_on_the_next_run(tmp_path, spun_file):
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(done.stdout)
    dead = tmp_path / f".spun.txt.{dead_pid}-0badc0de.unspun-tmp"
    dead.write_text("half a write")
    old_style = tmp_path / ".spun.txt.k3j4h5g6.unspun-tmp"
    old_style.write_text("half a write")
    os.utime(old_style, (1, 1))
    living = tmp_path / f".spun.txt.{os.getpid()}-12345678.unspun-tmp"  # a run still writing
    living.write_text("in progress")
    unrelated = tmp_path / f".other.txt.{dead_pid}-0badc0de.unspun-tmp"
    unrelated.write_text("another file's")
    assert run("fix", *mini(str(spun_file))).returncode == 0
    assert not dead.exists() and not old_style.exists()
    assert living.exists() and unrelated.exists()


def test_import_pps_into_a_missing_folder(tmp_path):
    src = tmp_path / "pps.csv"
    src.write_text("Fingerprint - Tortured Phrase,Expected Text,Nb Retrieved Papers\ncounterfeit consciousness,artificial intelligence,3\n")
    r = run("import-pps", str(src), "-o", str(tmp_path / "missing" / "out.tsv"))
    assert r.returncode == 2
    lines = r.stderr.decode().splitlines()
    assert len(lines) == 1 and "does not exist" in lines[0] and "Traceback" not in r.stderr.decode()


@pytest.mark.skipif(shutil.which("patch") is None, reason="needs the patch command")
@pytest.mark.parametrize(
    "text",
    [SPUN.rstrip("\n"), SPUN.replace("\n", "\r\n"), "counterfeit consciousness", "Fine.\n\nJap Europe\u2028x\n"],
    ids=["no-final-newline", "crlf", "one-line", "unicode-separator"],
)
def test_fix_diff_is_a_patch_that_applies(tmp_path, text):
    folder = tmp_path / "docs" / "sub"
    folder.mkdir(parents=True)
    doc = folder / "a.txt"
    doc.write_bytes(text.encode())
    r = run("fix", "--diff", *mini("docs/sub/a.txt"), cwd=tmp_path)
    assert r.returncode == 1, r.stderr  # it shows a change
    patch_text = r.stdout.decode()
    assert patch_text.startswith("--- a/docs/sub/a.txt\n+++ b/docs/sub/a.txt\n")
    assert doc.read_bytes() == text.encode()
    expected = tmp_path / "expected.txt"
    shutil.copy(doc, expected)
    assert run("fix", *mini(str(expected))).returncode in (0, 1)
    p = subprocess.run(["patch", "-p1", "--batch", "--forward"], input=r.stdout, cwd=tmp_path, capture_output=True)
    assert p.returncode == 0, p.stdout + p.stderr
    assert doc.read_bytes() == expected.read_bytes() != text.encode()


def test_fix_diff_and_check_exit_zero_when_nothing_changes(tmp_path):
    doc = tmp_path / "clean.txt"
    doc.write_text("A plain sentence.")
    for mode in ("--diff", "--check"):
        r = run("fix", mode, *mini(str(doc)))
        assert r.returncode == 0 and r.stdout == b"", (mode, r.stderr)


def test_fix_check_lists_what_would_change_and_writes_nothing(spun_file):
    r = run("fix", "--check", *mini(str(spun_file)))
    assert r.returncode == 1
    assert r.stdout.decode() == f"{spun_file}: would fix 5 spins\n"
    assert spun_file.read_text() == SPUN
