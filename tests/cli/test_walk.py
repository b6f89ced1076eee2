"""Folder walking: .gitignore and .ignore, virtual environments and dependency folders, --no-ignore, --verbose,
--force-exclude, and every input reported."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import mini, run

SPIN = "counterfeit consciousness\n"


def names(r) -> list[str]:
    return sorted(f["path"] for f in json.loads(r.stdout)["files"])


def tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


def test_gitignore_ignore_and_dependency_folders(tmp_path):
    (tmp_path / ".git").mkdir()
    tree(tmp_path, {
        ".gitignore": "build/\n*.log.txt\n!keep.log.txt\n",
        "docs/.gitignore": "draft-*.md\n",
        "docs/.ignore": "notes.md\n",
        "docs/a.md": SPIN, "docs/draft-1.md": SPIN, "docs/notes.md": SPIN,
        "build/out.txt": SPIN, "x.log.txt": SPIN, "keep.log.txt": SPIN, "b.txt": SPIN,
        "venv/pyvenv.cfg": "home = /usr/bin\n", "venv/lib/python3/site-packages/pkg/README.txt": SPIN,
        "env/lib/site-packages/other/README.md": SPIN,
        "node_modules/pkg/README.md": SPIN,
        "conda/conda-meta/history": "", "conda/doc.txt": SPIN,
    })
    r = run("check", "--format", "json", *mini("."), cwd=tmp_path)
    assert names(r) == ["./b.txt", "./docs/a.md", "./keep.log.txt"]
    # --no-ignore reads no ignore file, but environments and dependencies stay out
    r = run("check", "--format", "json", "--no-ignore", *mini("."), cwd=tmp_path)
    assert names(r) == [
        "./b.txt", "./build/out.txt", "./docs/a.md", "./docs/draft-1.md", "./docs/notes.md", "./keep.log.txt", "./x.log.txt",
    ]
    # --verbose says what was skipped and why
    r = run("check", "--verbose", "--quiet", *mini("."), cwd=tmp_path)
    err = r.stderr.decode()
    assert "skipped ./venv/: Python virtual environment (pyvenv.cfg)" in err
    assert "skipped ./node_modules/: dependency folder (node_modules)" in err
    assert "skipped ./env/lib/site-packages/: dependency folder (site-packages)" in err
    assert "skipped ./conda/: conda environment (conda-meta)" in err
    assert "skipped ./build/: ignored by .gitignore" in err
    assert "skipped ./docs/notes.md: ignored by docs/.ignore" in err
    assert "skipped ./docs/draft-1.md: ignored by docs/.gitignore" in err
    # named files are always checked
    r = run("check", "--format", "json", *mini("docs/notes.md", "build/out.txt"), cwd=tmp_path)
    assert names(r) == ["build/out.txt", "docs/notes.md"]


def test_gitignore_outside_a_git_work_tree_is_not_read(tmp_path):
    tree(tmp_path, {".gitignore": "a.txt\n", ".ignore": "b.txt\n", "a.txt": SPIN, "b.txt": SPIN})
    r = run("check", "--format", "json", *mini("."), cwd=tmp_path)
    assert names(r) == ["./a.txt"]


def test_force_exclude_applies_ignores_to_named_files(tmp_path):
    (tmp_path / ".git").mkdir()
    tree(tmp_path, {
        "unspun.toml": 'ignore = ["vendor/**"]\n', ".gitignore": "generated.md\n",
        "vendor/third.md": SPIN, "generated.md": SPIN, "mine.md": SPIN,
    })
    named = ("vendor/third.md", "generated.md", "mine.md")
    r = run("check", "--format", "json", *mini(*named), cwd=tmp_path)
    assert r.returncode == 1 and names(r) == sorted(named)
    r = run("check", "--format", "json", "--force-exclude", *mini(*named), cwd=tmp_path)
    files = {f["path"]: f for f in json.loads(r.stdout)["files"]}
    assert files["mine.md"]["status"] == "checked" and files["mine.md"]["findings"]
    assert files["vendor/third.md"] == {"path": "vendor/third.md", "status": "skipped", "reason": "ignored by the configuration"}
    assert files["generated.md"]["status"] == "skipped" and ".gitignore" in files["generated.md"]["reason"]
    # and only excluded files: nothing found, exit 0
    r = run("check", "--force-exclude", *mini("vendor/third.md", "generated.md"), cwd=tmp_path)
    assert r.returncode == 0 and r.stdout == b""
    # fix leaves them alone too
    run("fix", "--force-exclude", *mini(*named), cwd=tmp_path)
    assert (tmp_path / "vendor/third.md").read_text() == SPIN and (tmp_path / "mine.md").read_text() != SPIN
