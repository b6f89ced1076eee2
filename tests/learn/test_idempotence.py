"""Fix-all run on its own output changes nothing, on every spun page of the development set (and through the
server: tests/lsp/test_code_actions.py)."""

from __future__ import annotations

import pytest

from unspun.engine import default_engine
from unspun.engine.fixer import fix_until_stable


@pytest.mark.slow
def test_fixing_a_fixed_text_changes_nothing_on_the_development_pages(eval_dir):
    eng = default_engine()
    pages = sorted((eval_dir / "news-dev").glob("*.spun.txt"))
    assert len(pages) >= 40
    changed = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        fixed, edits = fix_until_stable(text, lambda t: eng.analyze(t).findings)
        again, more = fix_until_stable(fixed, lambda t: eng.analyze(t).findings)
        if more:
            changed.append((page.name, [(fixed[e.start : e.end], e.new_text) for e in more]))
    assert not changed
