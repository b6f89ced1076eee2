"""The one position index: code-point (line, column) for the command line, the same lines as the server's."""

from __future__ import annotations

import random

import pytest

from unspun.positions import PositionIndex

PIECES = ["a", "é", "😀", " ", "\n", "\r\n", "\r", "word", "中"]


def _by_hand(text: str, offset: int) -> tuple[int, int]:
    """(line, code-point column) counted character by character; a leading byte order mark takes no column."""
    line, column = 0, 0
    i = 0
    while i < offset:
        if text.startswith("\r\n", i) and i + 1 < offset:
            line, column, i = line + 1, 0, i + 2
            continue
        if text[i] in "\r\n" and not text.startswith("\r\n", i):
            line, column = line + 1, 0
        elif text[i] == "\r":  # the \r of a \r\n the offset cuts
            column += 1
        elif not (i == 0 and text[i] == "\ufeff"):
            column += 1
        i += 1
    return line, column


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8", "utf-32"])
def test_text_positions_are_code_points_whatever_the_encoding(encoding):
    rnd = random.Random(3)
    for _ in range(200):
        text = ("\ufeff" if rnd.random() < 0.3 else "") + "".join(rnd.choice(PIECES) for _ in range(rnd.randint(0, 30)))
        index = PositionIndex(text, encoding)
        for off in range(len(text) + 1):
            if text[off - 1 : off + 1] == "\r\n":
                continue  # inside a line break
            assert index.text_position(off) == _by_hand(text, off), (text, off)


def test_code_point_columns_differ_from_utf16_ones_after_an_astral_character():
    text = "😀 news\nx"
    assert PositionIndex(text, "utf-16").line_col(2) == (0, 3)
    assert PositionIndex(text, "utf-16").text_position(2) == (0, 2)
    assert PositionIndex(text, "utf-32").line_col(2) == (0, 2)
    assert PositionIndex(text).offset_at(0, 3) == 2 and PositionIndex(text).offset_at(1, 9) == len(text)
