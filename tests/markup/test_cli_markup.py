"""The command line checks only prose and reads the project configuration (run as a subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import FIXTURES

MARKUP = FIXTURES / "markup"
MINI = str(FIXTURES / "lexicons" / "mini.tsv")


def run(*args: str, stdin: bytes | None = None, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "unspun", *args], input=stdin, capture_output=True, cwd=cwd, timeout=60
    )


def lines_of(out: bytes, name: str) -> set[int]:
    data = json.loads(out)
    (f,) = [x for x in data["files"] if x["path"].endswith(name)]
    return {i["line"] for i in f["findings"]}


def test_check_markdown_flags_prose_only(tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text((MARKUP / "doc.md").read_text("utf-8"), "utf-8")
    r = run("check", "--no-config", "--format", "json", str(doc))
    assert r.returncode == 1, r.stderr
    text = doc.read_text("utf-8").split("\n")
    assert lines_of(r.stdout, "doc.md") == {i for i, line in enumerate(text) if "PROSE" in line}


def test_language_flag_for_stdin():
    src = b"```\ninformation convention\n```\n"
    assert run("check", "--no-config", "--language", "markdown", "-", stdin=src).returncode == 0
    assert run("check", "--no-config", "-", stdin=src).returncode == 1  # plain text by default
    r = run("check", "--language", "klingon", "-", stdin=src)
    assert r.returncode == 2 and b"unknown --language" in r.stderr


def test_fix_leaves_code_alone(tmp_path):
    doc = tmp_path / "a.md"
    doc.write_text("An information convention.\n\n`information convention`\n", "utf-8")
    r = run("fix", "--no-config", str(doc))
    assert r.returncode == 0, r.stderr
    assert doc.read_text("utf-8") == "A news conference.\n\n`information convention`\n"


def test_folder_walk_follows_configuration(tmp_path):
    (tmp_path / "drafts").mkdir()
    (tmp_path / "a.md").write_text("The information convention.\n")
    (tmp_path / "drafts" / "b.md").write_text("The information convention.\n")
    (tmp_path / "c.py").write_text("# the counterfeit consciousness\nx = 'information convention'\n")
    r = run("check", "--format", "json", str(tmp_path))
    assert [f["path"] for f in json.loads(r.stdout)["files"]] == [str(tmp_path / "a.md"), str(tmp_path / "drafts" / "b.md")]
    (tmp_path / "unspun.toml").write_text('[unspun]\nignore = ["drafts"]\nfile_types = ["prose", "python"]\n')
    r = run("check", "--format", "json", str(tmp_path))
    files = json.loads(r.stdout)["files"]
    assert [f["path"] for f in files] == [str(tmp_path / "a.md"), str(tmp_path / "c.py")]
    assert [i["text"] for i in files[1]["findings"]] == ["counterfeit consciousness"]


def test_configuration_values_and_command_line_precedence(tmp_path):
    (tmp_path / "unspun.toml").write_text('[unspun]\nallow = ["information convention"]\nmin_confidence = 0.99\n')
    doc = tmp_path / "a.txt"
    doc.write_text("The information convention and counterfeit consciousness.\n")
    assert run("check", str(doc)).returncode == 0  # allowed / below 0.99
    r = run("check", "--format", "json", "--min-confidence", "0.5", str(doc))
    assert [i["text"] for i in json.loads(r.stdout)["files"][0]["findings"]] == ["counterfeit consciousness"]
    r = run("check", "--no-config", str(doc))
    assert r.returncode == 1 and r.stdout.count(b"Tortured phrase") == 2
    cfg = tmp_path / "other.toml"
    cfg.write_text('kinds = ["substitution"]\n')
    assert run("check", "--config", str(cfg), str(doc)).returncode == 0


def test_configuration_lexicons_are_relative_to_the_file(tmp_path):
    (tmp_path / "lex").mkdir()
    (tmp_path / "lex" / "mini.tsv").write_text(open(MINI, encoding="utf-8").read(), "utf-8")
    (tmp_path / "unspun.toml").write_text('lexicons = ["lex/mini.tsv"]\n')
    doc = tmp_path / "a.txt"
    doc.write_text("The information convention.\n")
    r = run("check", "--no-builtin", str(doc))
    assert r.returncode == 1, r.stderr


def test_configuration_errors_are_reported_and_defaults_used(tmp_path):
    cfg = tmp_path / "unspun.toml"
    cfg.write_text("[unspun]\nmin_confidense = 0.4\n")
    doc = tmp_path / "a.txt"
    doc.write_text("The information convention.\n")
    r = run("check", str(doc))
    assert r.returncode == 1
    assert f"{cfg}:2: unknown key \u201cmin_confidense\u201d (did you mean \u201cmin_confidence\u201d?)".encode() in r.stderr
    # exit 2 only when no file could be checked at all
    r = run("check", str(tmp_path / "missing.txt"))
    assert r.returncode == 2
