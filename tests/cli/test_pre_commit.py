"""The pre-commit hooks (.pre-commit-hooks.yaml), run by the real pre-commit on a temporary Git repository.

pre-commit installs the hook's repository (here a copy of this project's tree, committed in a temporary
repository) into a virtual environment of its own, so the test takes a while: marked slow."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
TEXT = "We study counterfeit consciousness in this paper.\n"
FIXED = "We study artificial intelligence in this paper.\n"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("git") is None, reason="needs git"),
]


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false", *args],
        cwd=cwd, check=True, capture_output=True,
    )


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> tuple[Path, str]:
    """This project's tree as it is now, committed in a repository of its own: (path, commit)."""
    repo = tmp_path_factory.mktemp("hook-repo")
    for name in ("pyproject.toml", "README.md", "LICENSE", ".pre-commit-hooks.yaml"):
        shutil.copy(ROOT / name, repo / name)
    shutil.copytree(ROOT / "server", repo / "server", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "snapshot")
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True).stdout.strip()
    return repo, rev


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def pre_commit(project: Path, home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    env.pop("PYTHONPATH", None)  # the hook must run the unspun pre-commit installed, not this tree
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args], cwd=project, capture_output=True, text=True, env=env, timeout=900,
    )


def test_hooks_check_and_fix(tmp_path, hook_repo, pre_commit_home):
    repo, rev = hook_repo
    project = tmp_path / "project"
    project.mkdir()
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {repo}\n  rev: {rev}\n  hooks:\n  - id: unspun\n  - id: unspun-fix\n"
    )
    (project / "paper.md").write_text(TEXT)
    (project / "vendor").mkdir()
    (project / "vendor" / "third-party.md").write_text(TEXT)
    (project / "unspun.toml").write_text('ignore = ["vendor/**"]\n')
    (project / "code.py").write_text("x = 1  # counterfeit consciousness\n")
    git(project, "init", "-q")
    git(project, "add", "-A")

    r = pre_commit(project, pre_commit_home, "run", "unspun", "--all-files")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "paper.md:1:10:" in r.stdout and "artificial intelligence" in r.stdout
    assert "third-party.md" not in r.stdout and "code.py" not in r.stdout  # ignored by the project, not prose

    r = pre_commit(project, pre_commit_home, "run", "unspun-fix", "--all-files")
    assert r.returncode == 1, r.stdout + r.stderr  # files were modified: pre-commit stops the commit
    assert "files were modified by this hook" in r.stdout
    assert (project / "paper.md").read_text() == FIXED
    assert (project / "vendor" / "third-party.md").read_text() == TEXT

    git(project, "add", "-A")
    r = pre_commit(project, pre_commit_home, "run", "--all-files")
    assert r.returncode == 0, r.stdout + r.stderr
