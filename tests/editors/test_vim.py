"""Vim 9 with ALE (Debian's vim + vim-ale), run inside tmux, against `unspun serve`: the test types what a user
would. Diagnostics appear, `:ALECodeAction` offers the replacement and applies it, ALE re-checks the text, and
fix-all on save (ALE has no hook for LSP source actions: the `unspun fix` command line as an ALE fixer) writes
the restored file. Vim runs the documented configuration (docs/editors.md), sourced from vimrc, which also
writes what Vim shows to a JSON file every 100 ms."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import time
from pathlib import Path

import pytest

from harness import HERE, QUICKFIX, check_fixed_file, contained_env, documented_config, missing, require

pytestmark = pytest.mark.e2e

ALE = [Path("/usr/share/vim/vimfiles/pack/dist-bundle/opt/ale"), Path("/usr/share/vim-ale")]


class Tmux:
    """One Vim in a private tmux server (its own socket), driven with send-keys and read with capture-pane."""

    def __init__(self, tmux: str, env: dict[str, str], cwd: Path):
        self.tmux, self.env, self.cwd = tmux, env, cwd
        self.socket = f"unspun-test-{os.getpid()}-{time.monotonic_ns()}"

    def __call__(self, *args: str) -> str:
        proc = subprocess.run([self.tmux, "-L", self.socket, "-f", "/dev/null", *args], env=self.env, cwd=self.cwd,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=10, check=False)
        return proc.stdout

    def keys(self, *keys: str) -> None:
        self("send-keys", "-t", "vim", *keys)

    def screen(self) -> str:
        return self("capture-pane", "-p", "-t", "vim")

    def close(self) -> None:
        self("kill-server")


def wait(predicate, timeout: float, what: str, show=None):
    """Poll `predicate` until it is truthy; on timeout fail, with `show()` (what there was instead) if given."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}" + (f"\n{show()}" if show else ""))


def test_vim_ale_diagnostics_code_action_and_fix_on_save(doc: Path, tmp_path: Path):
    vim, tmux = require("vim"), require("tmux")
    if not any((p / "plugin" / "ale.vim").exists() for p in ALE):
        missing("ALE (Debian package vim-ale)")
    state_file, config = tmp_path / "state.json", tmp_path / "unspun.vim"
    config.write_text(documented_config("vimrc"), encoding="utf-8")
    env = contained_env(tmp_path / "home", UNSPUN_CONFIG=str(config), UNSPUN_OUT=str(state_file))

    def state() -> dict:
        try:
            return json.loads(state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # not written yet, or caught mid-write
            return {}

    def messages_with(phrase: str) -> bool:
        return any(phrase in m for m in state().get("messages", []))

    term = Tmux(tmux, env, doc.parent)
    try:
        term("new-session", "-d", "-s", "vim", "-x", "150", "-y", "40",
             shlex.join([vim, "-N", "-u", str(HERE / "vimrc"), "-i", "NONE", doc.name]))

        # 1. diagnostics: in ALE's list and on the screen (ALE's virtual text)
        wait(lambda: messages_with(QUICKFIX[0]), 20, f"a diagnostic about {QUICKFIX[0]!r}", state)
        messages = state()["messages"]
        assert any(QUICKFIX[1] in m for m in messages), messages
        assert any("information convention" in m for m in messages), messages
        wait(lambda: "(tortured phrase)" in term.screen(), 5, "the diagnostics on screen", term.screen)

        # 2. :ALECodeAction with the cursor on the phrase; pick the replacement from the numbered menu
        term.keys(f"/{QUICKFIX[0]}", "Enter")
        term.keys(":ALECodeAction", "Enter")
        def menu() -> str | None:
            screen = term.screen()
            return screen if "Type number" in screen else None

        screen = wait(menu, 10, "the code action menu", term.screen)
        choice = re.search(rf"^(\d+)\) Replace .*{QUICKFIX[0]}.*{QUICKFIX[1]}", screen, re.MULTILINE)
        assert choice, f"no replacement offered:\n{screen}"
        term.keys(choice.group(1), "Enter")
        wait(lambda: any(QUICKFIX[1] in line for line in state().get("lines", [])), 10, "the quick fix in the buffer",
             state)
        assert not any(QUICKFIX[0] in line for line in state()["lines"]), state()["lines"]
        # ALE re-checks the changed text: that finding goes, the others stay
        wait(lambda: state().get("messages") and not messages_with(QUICKFIX[0]), 10, "the finding to go", state)
        assert messages_with("information convention"), state()

        # 3. fix-all on save (ALE runs the fixer after the write and writes again: wait for it before quitting)
        term.keys(":w", "Enter")
        wait(lambda: "Eastern Europe" in doc.read_text(encoding="utf-8"), 15, "the fixed file on disk",
             lambda: f"{doc.read_text(encoding='utf-8')}\n{term.screen()}")
        term.keys(":q", "Enter")
        wait(lambda: "vim" not in term("list-sessions", "-F", "#{session_name}").split(), 10, "Vim to quit")
    finally:
        term.close()
    check_fixed_file(doc.read_text(encoding="utf-8"))
