"""Neovim (the 0.7 API, as Debian ships it) against `unspun serve`: diagnostics appear, a quick fix chosen from
`vim.lsp.buf.code_action()` applies, and fix-all in a BufWritePre autocmd writes the restored file.
Neovim runs the documented configuration (docs/editors.md) as its init.lua; the user's side is neovim.lua."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import (
    DOC, HERE, QUICKFIX, check_fixed_file, contained_env, documented_config, read_report, require, run, spin_scores,
)

pytestmark = pytest.mark.e2e


def test_neovim_diagnostics_quick_fix_and_fix_all_on_save(doc: Path, tmp_path: Path):
    nvim = require("nvim")
    out = tmp_path / "report.json"
    env = contained_env(
        tmp_path / "home", UNSPUN_DOC=str(doc), UNSPUN_QUICKFIX=QUICKFIX[0], UNSPUN_OUT=str(out),
    )
    init = tmp_path / "init.lua"
    init.write_text(documented_config("neovim-init"), encoding="utf-8")
    proc = run([nvim, "--headless", "-u", str(init), "-i", "NONE", "-c", f"luafile {HERE / 'neovim.lua'}"],
               env, timeout=60, cwd=doc.parent)
    steps = read_report(out, proc)["steps"]
    assert steps["client"] == "unspun", f"the configuration did not start unspun: {steps}\n{proc.stderr[-3000:]}"

    # diagnostics: the server's messages name the phrase and the restoration
    assert steps["diagnostics_arrived"], steps
    assert any(QUICKFIX[0] in m and QUICKFIX[1] in m for m in steps["diagnostics"]), steps["diagnostics"]
    assert any("information convention" in m for m in steps["diagnostics"]), steps["diagnostics"]

    # :UnspunSpinScores: the paragraphs with evidence, highest score first, as the command line scores them
    expected = spin_scores(DOC)
    got = steps["spin_scores"]
    assert got["title"].startswith("unspun: spin score ") and "(threshold 2.5)" in got["title"], got
    assert [(i["lnum"], i["text"]) for i in got["items"]] == expected, got
    assert expected, "the fixture should have paragraphs with evidence"

    # the quick fix: offered in the code-action menu, applied to the buffer, and the finding cleared
    assert any(t.startswith("Replace") and QUICKFIX[1] in t for t in steps["offered"]), steps["offered"]
    assert QUICKFIX[1] in steps["line_after_quickfix"] and QUICKFIX[0] not in steps["line_after_quickfix"]
    assert steps["quickfix_diagnostic_gone"], steps

    # fix-all on save
    assert steps["written"], steps
    check_fixed_file(doc.read_text(encoding="utf-8"))
