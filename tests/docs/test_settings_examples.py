"""The configuration examples of the pages are accepted as written: every `unspun.toml` example loads without a
problem, and every object of editor settings (VS Code `unspun.*` keys, initialization options, settings
sections) is read by the language server's settings parser without a problem. The settings table of
docs/language-server.md lists exactly the settings the code declares, with their defaults."""

from __future__ import annotations

import json
import re

import pytest

from docsupport import DOCS, blocks, pages

#: VS Code settings the extension keeps for itself (not sent to the server)
CLIENT_ONLY = {"unspun.server.path", "unspun.interpreter", "unspun.trace.server"}


def _toml():
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    return tomllib


def toml_examples():
    return [b for p in pages() for b in blocks(p) if b.lang == "toml"]


def json_examples():
    """The JSON blocks that hold editor settings for the server (not output examples)."""
    out = []
    for p in pages():
        for b in blocks(p):
            if b.lang in ("json", "jsonc") and "unspun" in b.text:
                try:
                    doc = loose_json(b.text)
                except ValueError:
                    continue
                if server_settings(doc):
                    out.append(b)
    return out


def server_settings(doc) -> list:
    objects = settings_objects(doc, [])
    if isinstance(doc, dict):
        flat = {k[len("unspun."):]: v for k, v in doc.items() if k.startswith("unspun.") and k not in CLIENT_ONLY}
        if flat:
            objects.append(flat)
    return objects


def loose_json(text: str):
    text = re.sub(r"//[^\n]*", "", text)
    try:
        return json.loads(text)
    except ValueError:
        return json.loads("{" + text + "}")  # a fragment of a settings.json


@pytest.mark.parametrize("block", toml_examples(), ids=lambda b: f"{b.page}:{b.line}")
def test_toml_example(block, tmp_path):
    from unspun.config import load_config
    from unspun.lsp import settings

    doc = _toml().loads(block.text)
    if "language-server" in doc:  # a Helix languages.toml: its `config` is the server's initialization options
        raw = doc["language-server"]["unspun"]["config"]
        _, problems = settings.parse(settings.section_of(raw))
        assert not problems, problems
        return
    path = tmp_path / "unspun.toml"
    path.write_text(block.text, encoding="utf-8")
    cfg, problems = load_config(path)
    assert not problems, [str(p) for p in problems]
    assert cfg.set_keys()


def settings_objects(value, found):
    """The objects in a JSON example that the server reads as its settings."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("initializationOptions", "initialization_options", "init_options", "settings") and isinstance(item, dict):
                found.append(item)
            else:
                settings_objects(item, found)
    return found


@pytest.mark.parametrize("block", json_examples(), ids=lambda b: f"{b.page}:{b.line}")
def test_json_settings_example(block):
    from unspun.lsp import settings

    objects = server_settings(loose_json(block.text))
    assert objects
    for raw in objects:
        _, problems = settings.parse(settings.section_of(raw))
        assert not problems, problems


def test_the_examples_are_found():
    assert len(toml_examples()) >= 3
    assert {b.page for b in json_examples()} >= {"vscode.md", "editors.md"}


def test_language_server_settings_table_matches_the_code():
    from unspun.lsp import settings
    from unspun.settings import schema

    text = (DOCS / "language-server.md").read_text(encoding="utf-8")
    section = text[text.index("## Settings"):]
    rows = re.findall(r"^\| `(\w+)` \| [^|]+ \| ([^|]+) \|", section, re.M)
    assert [name for name, _ in rows] == settings.names()
    attrs = {s.editor_name: s.name for s in schema.editor_settings()}
    for name, default in rows:
        value = getattr(settings.DEFAULTS, attrs[name])
        if isinstance(value, frozenset):
            value = sorted(value)
        elif isinstance(value, tuple):
            value = list(value)
        elif hasattr(value, "items"):
            value = dict(value)
        shown = default.strip()
        if name == "logLevel":  # empty in the code: the --log-level the server was started with (info)
            row = next(line for line in section.splitlines() if line.startswith("| `logLevel`"))
            assert value == "" and shown == '`""`' and "--log-level" in row
            continue
        try:
            literal = json.loads(shown.strip("`"))
        except ValueError:  # a long list written out without quotes
            literal = [x for x in re.split(r"[,\s]+", shown.strip("`")) if x]
        assert literal == value, name
