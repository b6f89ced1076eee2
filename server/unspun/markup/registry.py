"""Formats by name, LSP languageId and file extension.

A format name is one of `PROSE_FORMATS` (markup whose text is prose) or a programming language from
`unspun.markup.code` (only comments and docstrings are prose there).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import PurePath
from typing import NamedTuple

Span = tuple[int, int]


class Reading(NamedTuple):
    """What one reading of a document finds: its prose, and its comments (the only places control directives
    are looked for). Each format's `read(text, comments=True)` returns one; with `comments` False the reading
    may leave them out (they are asked for only when the text holds a directive)."""

    segments: list[Span]
    comments: list[Span]

#: format -> module in unspun.markup
PROSE_FORMATS = {
    "plain": "plain",
    "commit": "plain",
    "markdown": "markdown",
    "latex": "latex",
    "bibtex": "latex",
    "html": "html",
    "rst": "rst",
    "asciidoc": "asciidoc",
}

#: LSP languageId (lower case) -> format
LANGUAGE_IDS = {
    "plaintext": "plain", "text": "plain", "txt": "plain", "asciidoc": "asciidoc", "adoc": "asciidoc", "org": "plain", "typst": "plain",
    "git-commit": "commit", "gitcommit": "commit", "git-rebase": "commit", "scminput": "plain",
    "markdown": "markdown", "gfm": "markdown", "mdx": "markdown", "quarto": "markdown", "rmd": "markdown",
    "latex": "latex", "tex": "latex", "context": "latex", "bibtex": "bibtex",
    "html": "html", "xhtml": "html", "htm": "html",
    "restructuredtext": "rst", "rst": "rst",
    "python": "python", "javascript": "javascript", "javascriptreact": "javascript", "typescript": "typescript",
    "typescriptreact": "tsx", "rust": "rust", "go": "go", "c": "c", "cpp": "c",
}

#: file extension (lower case) -> format
EXTENSIONS = {
    ".txt": "plain", ".text": "plain", ".adoc": "asciidoc", ".asciidoc": "asciidoc", ".asc": "asciidoc", ".org": "plain", ".typ": "plain",
    ".md": "markdown", ".markdown": "markdown", ".mdown": "markdown", ".mkd": "markdown", ".qmd": "markdown",
    ".rmd": "markdown", ".mdx": "markdown",
    ".tex": "latex", ".ltx": "latex", ".sty": "latex", ".cls": "latex", ".bib": "bibtex",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".rst": "rst", ".rest": "rst",
    ".py": "python", ".pyi": "python", ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript",
    ".jsx": "javascript", ".ts": "typescript", ".mts": "typescript", ".tsx": "tsx", ".rs": "rust", ".go": "go",
    ".c": "c", ".h": "c",
}

#: file names (no extension needed) -> format
FILE_NAMES = {"COMMIT_EDITMSG": "commit", "MERGE_MSG": "commit", "TAG_EDITMSG": "commit", "README": "plain"}

#: what an editor checks unless its settings say otherwise (`unspun.languages`, `unspun.fileExtensions`): these
#: languageIds (compared case-insensitively; "*" would check every document) and file name endings, all of them
#: names of prose formats in the tables above
DEFAULT_LANGUAGES = (
    "plaintext", "text", "markdown", "gfm", "mdx", "quarto", "latex", "tex", "bibtex", "restructuredtext",
    "rst", "asciidoc", "org", "html", "typst", "git-commit", "gitcommit",
)
PROSE_EXTENSIONS = frozenset(
    {".txt", ".text", ".md", ".markdown", ".rst", ".tex", ".html", ".htm", ".adoc", ".asciidoc", ".org", ".bib"}
)


def is_code(format: str) -> bool:
    return format not in PROSE_FORMATS


def formats() -> list[str]:
    """Every format name this installation can read (code languages only where a reader is available)."""
    from unspun.markup import code

    return sorted(PROSE_FORMATS) + code.languages()


def format_for_language(language_id: str | None) -> str | None:
    return LANGUAGE_IDS.get((language_id or "").lower())


def format_for_path(path: str | None) -> str | None:
    if not path or path == "-":
        return None
    p = PurePath(path)
    return FILE_NAMES.get(p.name) or EXTENSIONS.get(p.suffix.lower())


def normalize(name: str) -> str | None:
    """A format name from what a user wrote (`md`, `Markdown`, `.tex`, `restructuredtext`, `py`)."""
    n = name.strip().lower()
    if n in PROSE_FORMATS:
        return n
    if n.startswith("."):
        return EXTENSIONS.get(n)
    return LANGUAGE_IDS.get(n) or EXTENSIONS.get("." + n) or (n if n in _code_names() else None)


def _code_names() -> set[str]:
    from unspun.markup import code

    return set(code.KNOWN)


def reader(format: str) -> Callable[..., Reading]:
    """The format's `read(text, comments=True) -> Reading`; unknown formats read as plain text."""
    mod_name = PROSE_FORMATS.get(format)
    if mod_name is None and format in _code_names():
        from unspun.markup import code

        return code.reader(format)
    mod = importlib.import_module(f"unspun.markup.{mod_name or 'plain'}")
    if format == "bibtex":
        return mod.bibtex_read
    if format == "commit":
        return mod.commit_read
    return mod.read


def local_check(format: str) -> Callable[[str, str, str], bool] | None:
    """The format's test of a chunk that reads the same alone as in any document (see `markup.reread`), or None
    when the format has none (its documents are then always read whole)."""
    mod_name = PROSE_FORMATS.get(format)
    if mod_name is None or format in ("bibtex", "commit"):
        return None
    return getattr(importlib.import_module(f"unspun.markup.{mod_name}"), "local", None)
