"""One table of formats: the editor's default languageIds and file extensions are names the format table
reads, as prose, and the settings take them from there."""

from __future__ import annotations

from unspun.lsp import settings
from unspun.markup import registry


def test_the_editor_defaults_are_prose_formats_of_the_table():
    for language_id in registry.DEFAULT_LANGUAGES:
        fmt = registry.format_for_language(language_id)
        assert fmt is not None and not registry.is_code(fmt), language_id
    for ext in registry.PROSE_EXTENSIONS:
        fmt = registry.format_for_path(f"notes{ext}")
        assert fmt is not None and not registry.is_code(fmt), ext


def test_the_settings_defaults_come_from_the_table():
    assert settings.DEFAULTS.languages == registry.DEFAULT_LANGUAGES
    assert set(settings.DEFAULTS.file_extensions) == registry.PROSE_EXTENSIONS
    assert settings.DEFAULTS.checks("markdown", None) and settings.DEFAULTS.checks(None, "/x/paper.TEX")
    assert not settings.DEFAULTS.checks("python", "/x/tool.py")
