"""Copying the case of the text onto a replacement ("Information convention" -> "News conference")."""

from __future__ import annotations


def apply_case(matched: str, replacement: str) -> str:
    if matched[:1].isalpha() and matched.islower():
        return replacement  # the common case, decided without looking at every letter (same answer as below)
    letters = [c for c in matched if c.isalpha()]
    if not letters or not replacement:
        return replacement
    words = matched.split()
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return replacement.upper()
    if len(words) > 1 and all(w[:1].isupper() for w in words if w[:1].isalpha()):
        return " ".join(_cap(w) for w in replacement.split(" "))
    if letters[0].isupper():
        return _cap(replacement)
    return replacement


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:] if word else word
