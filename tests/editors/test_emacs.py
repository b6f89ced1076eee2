"""Emacs with eglot (Debian's emacs-nox + elpa-eglot) against `unspun serve`: diagnostics appear in flymake, a
quick fix chosen from `M-x eglot-code-actions` applies, and fix-all in before-save-hook (asking for exactly
source.fixAll.unspun, as eglot matches kinds exactly) writes the restored file. Emacs loads the documented
configuration (docs/editors.md) as its init file; the user's side is emacs.el."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import (
    DOC, HERE, QUICKFIX, check_fixed_file, contained_env, documented_config, missing, read_report, require, run,
    spin_scores,
)

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("fix_on_save", ["before-save-hook", "server-willSaveWaitUntil"])
def test_emacs_eglot_diagnostics_quick_fix_and_fix_all_on_save(doc: Path, tmp_path: Path, fix_on_save: str):
    """fix_on_save: the documented `before-save-hook` recipe, or (with that recipe switched off) the documented
    `fixAllOnSave` setting, where the server answers eglot's willSaveWaitUntil with the fix-all edits."""
    emacs = require("emacs")
    env = contained_env(tmp_path / "home")
    probe = run([emacs, "--batch", "--eval", "(require 'eglot)"], env, timeout=30, cwd=tmp_path)
    if probe.returncode != 0:
        missing("eglot (Debian package elpa-eglot)")

    out = tmp_path / "report.json"
    env.update(UNSPUN_DOC=str(doc), UNSPUN_QUICKFIX=QUICKFIX[0], UNSPUN_OUT=str(out))
    init = tmp_path / "init.el"
    config = documented_config("emacs-init")
    if fix_on_save == "server-willSaveWaitUntil":
        config += documented_config("emacs-fix-on-save-setting")
        env["UNSPUN_SERVER_SAVE"] = "1"
    init.write_text(config, encoding="utf-8")
    proc = run([emacs, "--batch", "-l", str(init), "-l", str(HERE / "emacs.el")], env, timeout=60, cwd=doc.parent)
    steps = read_report(out, proc)["steps"]

    assert steps["managed"], f"eglot did not connect\n{proc.stderr[-3000:]}"
    # diagnostics (flymake shows them as "unspun [code]: message")
    assert steps["diagnostics_arrived"], steps
    assert any(QUICKFIX[0] in m and QUICKFIX[1] in m for m in steps["diagnostics"]), steps["diagnostics"]
    assert any("information convention" in m for m in steps["diagnostics"]), steps["diagnostics"]

    # M-x unspun-spin-scores: a title line, then "FILE:LINE: spin score ..." per paragraph, as the command line
    # scores them
    title, *rows = steps["spin_scores"]
    assert title.startswith("unspun: spin score ") and title.endswith("(threshold 2.5)"), title
    prefix = f"{doc}:"
    assert all(r.startswith(prefix) for r in rows), rows
    listed = [(int(r[len(prefix):].split(":", 1)[0]), r[len(prefix):].split(": ", 1)[1]) for r in rows]
    assert listed == spin_scores(DOC) and listed, listed

    # the quick fix
    assert any(t.startswith("Replace") and QUICKFIX[1] in t for t in steps["offered"]), steps["offered"]
    assert QUICKFIX[1] in steps["line_after_quickfix"] and QUICKFIX[0] not in steps["line_after_quickfix"]
    assert steps["quickfix_diagnostic_gone"], steps

    # fix-all on save
    assert steps["written"], steps
    check_fixed_file(doc.read_text(encoding="utf-8"))
