"""Source code: a file is parsed again from the last tree of its language, only where it changed; that must
read the comments and docstrings a fresh parse reads, through random edits (non-ASCII text included)."""

from __future__ import annotations

import random

import pytest

from unspun.markup import code

SOURCE = '''"""Module docstring about Jap Europe."""
# a comment — with a dash
import os


class Thing:
    # leading comment
    """Class docstring: counterfeit consciousness."""

    def run(self, x):
        "Function doc"  # trailing
        y = "not a docstring"
        return os.path.join(x, y)  # café


def other():
    return 1
'''
PIECES = ["#", " ", "x", '"', '"""', "\n", "é", "😀", "\n    ", "pass", "def f():\n    'doc'\n"]


@pytest.mark.skipif(not code.available("python") or code._parser("python") is None, reason="no tree-sitter")
def test_parsing_from_the_last_tree_reads_what_a_fresh_parse_reads():
    rng = random.Random(9)
    text = SOURCE
    for _ in range(400):
        at = rng.randrange(len(text) + 1)
        text = text[:at] + rng.choice(PIECES) + text[at + rng.choice([0, 0, 1, 3]) :]
        kept = code._tree_sitter(code._parser("python"), text, "python")
        kept_tree = code._last["python"][2]
        code._last.clear()
        fresh = code._tree_sitter(code._parser("python"), text, "python")
        assert kept == fresh, text
        # the whole tree too, with the line and column of every node (an edit moves those of the nodes kept)
        assert _nodes(kept_tree.root_node) == _nodes(code._last["python"][2].root_node), text
    # the same text again keeps its tree
    kept = code._tree_sitter(code._parser("python"), text, "python")
    tree = code._last["python"][2]
    assert code._tree_sitter(code._parser("python"), text, "python") == kept
    assert code._last["python"][2] is tree


def _nodes(node) -> list:
    out, stack = [], [node]
    while stack:
        n = stack.pop()
        out.append((n.type, n.start_byte, n.end_byte, n.start_point, n.end_point))
        stack.extend(n.children)
    return out


@pytest.mark.skipif(not code.available("python") or code._parser("python") is None, reason="no tree-sitter")
def test_docstrings_and_comments_are_read_from_the_tree():
    prose, comments = code._tree_sitter(code._parser("python"), SOURCE, "python")
    read = [SOURCE[a:b] for a, b in prose]
    assert read == [
        "Module docstring about Jap Europe.", "# a comment — with a dash", "# leading comment",
        "Class docstring: counterfeit consciousness.", "Function doc", "# trailing", "# café",
    ]
    assert [SOURCE[a:b] for a, b in comments] == [
        "# a comment — with a dash", "# leading comment", "# trailing", "# café"
    ]
