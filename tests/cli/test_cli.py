"""The command line, run as a real subprocess (exit codes, output shapes, bad input)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

MINI = str(Path(__file__).parents[1] / "fixtures" / "lexicons" / "mini.tsv")
SPUN = "A information convention in Jap Europe.\nThe UN Secretary-Common mentioned counterfeit consciousness.\n"


def run(*args: str, stdin: bytes | None = None, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "unspun", *args], input=stdin, capture_output=True, cwd=cwd, timeout=60
    )


def mini(*args):
    return ("--no-builtin", "--lexicon", MINI, *args)


@pytest.fixture
def spun_file(tmp_path):
    p = tmp_path / "spun.txt"
    p.write_text(SPUN, encoding="utf-8", newline="")
    return p


def test_json_shape(spun_file):
    r = run("check", "--format", "json", *mini(str(spun_file)))
    assert r.returncode == 1, r.stderr
    data = json.loads(r.stdout)
    (f,) = data["files"]
    assert f["path"] == str(spun_file)
    assert isinstance(f["spin_score"], float)
    keys = {
        "start", "end", "line", "column", "end_line", "end_column", "text", "replacements", "confidence", "kind",
        "rule", "message", "hint", "fix_applicable",
    }
    assert f["findings"] and all(set(x) == keys for x in f["findings"])
    first = f["findings"][0]
    assert (first["start"], first["end"], first["line"], first["column"]) == (2, 24, 0, 2)
    assert first["text"] == "information convention" and first["replacements"] == ["news conference"]
    sc = next(x for x in f["findings"] if x["text"] == "Secretary-Common")
    assert sc["line"] == 1 and sc["column"] == SPUN.split("\n")[1].index("Secretary")
    assert sc["end_line"] == 1 and sc["end_column"] == sc["column"] + len("Secretary-Common")
    assert sc["start"] == SPUN.index("Secretary-Common")


def test_paragraph_spin_scores_are_listed_in_json_and_reported_on_request(tmp_path):
    # a spun paragraph between two clean ones, blank lines around each, a short one last
    spun = "An information convention in Jap Europe on counterfeit consciousness and profound learning."
    clean = "The weather was mild and the meeting ended early."
    text = f"{clean}\n\n\n{spun}\n\n{clean}\n\nThanks.\n"
    p = tmp_path / "mixed.txt"
    p.write_text(text, encoding="utf-8")
    (f,) = json.loads(run("check", "--format", "json", *mini(str(p))).stdout)["files"]
    assert f["spun"] is True and f["spin_threshold"] == 2.5 and f["words"] == len(text.split())
    paras = f["paragraphs"]
    assert [text[x["start"] : x["end"]] for x in paras] == [clean, spun, clean, "Thanks."]
    assert [x["line"] for x in paras] == [0, 3, 5, 7] and [x["end_line"] for x in paras] == [0, 3, 5, 7]
    assert paras[0]["spin_score"] == paras[2]["spin_score"] == 0.0 < 2.5 <= paras[1]["spin_score"]
    assert paras[3]["spin_score"] == 0.0
    # text output: only on request, and only the paragraph that reaches the threshold
    plain = run("check", *mini(str(p))).stdout.decode()
    assert "this paragraph" not in plain
    asked = run("check", "--paragraphs", *mini(str(p))).stdout.decode().splitlines()
    (line,) = [x for x in asked if "this paragraph" in x]
    assert line.startswith(f"{p}:4: this paragraph looks machine-spun (spin score ")
    higher = run("check", "--paragraphs", "--spin-threshold", "50", *mini(str(p))).stdout.decode()
    assert "this paragraph" not in higher


def test_columns_are_code_points(tmp_path):
    p = tmp_path / "emoji.txt"
    p.write_text("😀😀 counterfeit consciousness\n", encoding="utf-8")
    f = json.loads(run("check", "--format", "json", *mini(str(p))).stdout)["files"][0]["findings"][0]
    assert f["start"] == 3 and f["column"] == 3


def test_human_output_is_compiler_like(spun_file):
    r = run("check", *mini(str(spun_file)))
    assert r.returncode == 1
    lines = r.stdout.decode().splitlines()
    assert lines[0].startswith(f"{spun_file}:1:3: ")
    assert lines[0].endswith("[fingerprint/mini]")
    assert "news conference" in lines[0]


def test_clean_file_exits_zero(tmp_path):
    p = tmp_path / "clean.txt"
    p.write_text("A plain sentence about the weather.\n")
    r = run("check", *mini(str(p)))
    assert r.returncode == 0 and r.stdout == b""


def test_stdin():
    r = run("check", "--format", "json", *mini("-"), stdin=SPUN.encode())
    assert r.returncode == 1
    assert json.loads(r.stdout)["files"][0]["path"] == "<stdin>"


def test_bad_inputs_are_reported_and_others_still_checked(tmp_path, spun_file):
    binary = tmp_path / "b.bin"
    binary.write_bytes(b"\x00\x01\x02 binary")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("caf\xe9\n".encode("latin-1"))
    missing = tmp_path / "missing.txt"
    r = run("check", "--format", "json", *mini(str(binary), str(latin), str(missing), str(spun_file)))
    assert r.returncode == 2  # the missing file is an error; the others' findings are still reported
    err = r.stderr.decode().splitlines()
    assert any(str(binary) in l and "binary" in l for l in err)
    assert any(str(latin) in l and "UTF-8" in l for l in err)
    assert any(str(missing) in l and "no such file" in l for l in err)
    files = json.loads(r.stdout)["files"]
    assert [(f["path"], f["status"]) for f in files] == [
        (str(binary), "skipped"), (str(latin), "skipped"), (str(missing), "skipped"), (str(spun_file), "checked"),
    ]
    assert "binary" in files[0]["reason"] and "UTF-8" in files[1]["reason"] and files[2]["reason"] == "no such file"
    assert files[3]["findings"]
    # files that are not text are skipped without hiding the findings: exit 1, not 2
    r = run("check", "--format", "json", *mini(str(binary), str(latin), str(spun_file)))
    assert r.returncode == 1


def test_usage_errors_exit_two(tmp_path):
    assert run().returncode == 2
    r = run("chek", "x")
    assert r.returncode == 2 and b"did you mean 'check'" in r.stderr
    assert run("check", "--min-confidence", "3", str(tmp_path)).returncode == 2
    r = run("check", "--lexicon", str(tmp_path / "none.tsv"), str(tmp_path))
    assert r.returncode == 2 and b"not found" in r.stderr


def test_folder_walk(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.md").write_text("counterfeit consciousness\n")
    (tmp_path / "b.txt").write_text("fine\n")
    (tmp_path / "c.py").write_text("counterfeit consciousness\n")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "d.txt").write_text("counterfeit consciousness\n")
    data = json.loads(run("check", "--format", "json", *mini(str(tmp_path))).stdout)
    assert sorted(Path(f["path"]).name for f in data["files"]) == ["a.md", "b.txt"]


def test_fix_in_place_twice(spun_file):
    r = run("fix", *mini(str(spun_file)))
    assert r.returncode == 0, r.stderr
    once = spun_file.read_text()
    # "mentioned" is an ordinary word: fixed only because the text looks spun and the language model agrees
    assert once == "A news conference in Eastern Europe.\nThe UN Secretary-General said artificial intelligence.\n"
    run("fix", *mini(str(spun_file)))
    assert spun_file.read_text() == once


def test_fix_keeps_bytes_outside_spans(tmp_path):
    p = tmp_path / "crlf.txt"
    raw = "\ufeffTab\there, counterfeit consciousness!\r\n\r\n  trailing  \r\n".encode("utf-8")
    p.write_bytes(raw)
    run("fix", *mini(str(p)))
    assert p.read_bytes() == raw.replace("counterfeit consciousness".encode(), b"artificial intelligence")


def test_fix_diff_and_output(spun_file, tmp_path):
    before = spun_file.read_text()
    r = run("fix", "--diff", *mini(str(spun_file)))
    assert b"-A information convention" in r.stdout and b"+A news conference" in r.stdout
    assert spun_file.read_text() == before
    out = tmp_path / "out.txt"
    run("fix", "-o", str(out), *mini(str(spun_file)))
    assert "Eastern Europe" in out.read_text() and spun_file.read_text() == before
    r = run("fix", *mini("-"), stdin=b"counterfeit consciousness")
    assert r.stdout == b"artificial intelligence"


def test_import_pps(tmp_path):
    csv_text = (
        "Fingerprint - Tortured Phrase,Expected Text,Nb Retrieved Papers\n"
        "counterfeit consciousness,artificial intelligence,1200\n"
        "bunch size AND training,batch size,300\n"
        "magnetic cell separation NOT with MACS,magnetic-activated cell sorting,50\n"
        "odd thing,maybe this?,3\n"
        ",nothing,1\n"
    )
    src = tmp_path / "pps.csv"
    src.write_text(csv_text)
    out = tmp_path / "pps.tsv"
    r = run("import-pps", str(src), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert b"imported 3 of 5 rows" in r.stderr and b"1 uncertain" in r.stderr
    doc = tmp_path / "doc.txt"
    doc.write_text("A bunch size of 8. Magnetic cell separation with MACS. Counterfeit consciousness.\n")
    data = json.loads(run("check", "--format", "json", "--no-builtin", "--lexicon", str(out), str(doc)).stdout)
    assert [f["text"] for f in data["files"][0]["findings"]] == ["Counterfeit consciousness"]
    doc.write_text("A bunch size for training. Magnetic cell separation works.\n")
    data = json.loads(run("check", "--format", "json", "--no-builtin", "--lexicon", str(out), str(doc)).stdout)
    assert [f["replacements"][0] for f in data["files"][0]["findings"]] == ["batch size", "Magnetic-activated cell sorting"]


def test_broken_user_lexicon_lines_are_reported(tmp_path):
    lex = tmp_path / "user.tsv"
    lex.write_text("tortured\texpected\tkind\nfoo bar\tbaz\tweird\nlorem ipsum\tdolor\n")
    doc = tmp_path / "d.txt"
    doc.write_text("lorem ipsum\n")
    r = run("check", "--lexicon", str(lex), str(doc))
    assert f"{lex}:2: unknown kind".encode() in r.stderr
    assert r.returncode == 1 and b"dolor" in r.stdout


def test_version_and_help_are_fast_and_clean():
    r = run("--version")
    assert r.returncode == 0 and r.stdout.startswith(b"unspun ")
    r = run("check", "--help")
    assert r.returncode == 0 and b"--format" in r.stdout


def test_parallel_check_gives_the_same_report(tmp_path):
    for i in range(9):
        (tmp_path / f"doc{i}.txt").write_text(SPUN if i % 2 else "A plain sentence.\n")
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe broken")
    serial = run("check", "-j", "1", "--format", "json", *mini(str(tmp_path)))
    parallel = run("check", "-j", "2", "--format", "json", *mini(str(tmp_path)))
    assert serial.returncode == parallel.returncode == 1  # findings; the file that is not UTF-8 is skipped
    assert json.loads(parallel.stdout) == json.loads(serial.stdout)
    statuses = [f["status"] for f in json.loads(serial.stdout)["files"]]
    assert statuses.count("checked") == 9 and statuses.count("skipped") == 1
    assert parallel.stderr.count(b"bad.txt") == 1
    assert run("check", "-j", "-1", str(tmp_path)).returncode == 2


def test_a_short_check_imports_only_what_it_needs(tmp_path):
    """Start-up is most of a short run: the language server's libraries and numpy's heavier modules (numpy.ma
    costs about 30 ms to import) stay out of `unspun check`, the cached model is mapped, not read whole, and
    numpy's OpenBLAS starts no threads of its own (where the process's threads can be counted)."""
    doc = tmp_path / "spun.txt"
    doc.write_text(Path(__file__).parents[2].joinpath("examples", "spun-news.txt").read_text(encoding="utf-8"))
    code = (
        "import sys\nfrom unspun import cli\n"
        f"try:\n    cli.main(['check', {str(doc)!r}])\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in ('numpy.ma', 'lsprotocol', 'pygls', 'cattrs') if m in sys.modules)\n"
        "print('IMPORTED', heavy, file=sys.stderr)\n"
        "from unspun.engine.langmodel import default_model\nfrom unspun.engine.npzfile import is_mapped\n"
        "print('TRIGRAMS MAPPED', is_mapped(default_model()._tri_keys), file=sys.stderr)\n"
        "import os\nprint('THREADS', len(os.listdir('/proc/self/task')) if os.path.isdir('/proc/self/task') "
        "else 1, file=sys.stderr)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}  # as a user's shell has it
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60, env=env)
    assert b"looks machine-spun" in r.stdout  # the check ran to the end
    assert b"IMPORTED []" in r.stderr, r.stderr.decode()[-500:]
    assert b"TRIGRAMS MAPPED True" in r.stderr, r.stderr.decode()[-500:]
    assert b"THREADS 1\n" in r.stderr, r.stderr.decode()[-500:]
