"""The Zed extension (clients/zed) cannot be built here (it needs crates.io and Rust's WebAssembly target), so
these checks keep its parts consistent with each other and with the server: the manifest parses and declares
the server the code starts, for languages Zed knows, and the command it runs is one the server accepts."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ZED = Path(__file__).resolve().parents[2] / "clients" / "zed"

#: names of Zed's built-in languages that hold prose (as Zed spells them in settings and manifests)
ZED_PROSE_LANGUAGES = {"Markdown", "Plain Text", "Git Commit", "reStructuredText", "LaTeX", "HTML", "AsciiDoc"}


def _manifest() -> dict:
    return tomllib.loads((ZED / "extension.toml").read_text(encoding="utf-8"))


def _code() -> str:
    return (ZED / "src" / "lib.rs").read_text(encoding="utf-8")


def test_manifest_declares_the_server_the_code_starts():
    manifest = _manifest()
    assert manifest["schema_version"] == 1 and manifest["id"] == "unspun"
    servers = manifest["language_servers"]
    assert list(servers) == ["unspun"]
    assert re.search(r'const SERVER: &str = "unspun";', _code())
    languages = servers["unspun"]["languages"]
    assert languages and set(languages) <= ZED_PROSE_LANGUAGES


def test_crate_is_a_zed_extension_library():
    cargo = tomllib.loads((ZED / "Cargo.toml").read_text(encoding="utf-8"))
    assert cargo["lib"]["crate-type"] == ["cdylib"]
    assert cargo["lib"]["path"] == "src/lib.rs"
    assert "zed_extension_api" in cargo["dependencies"]
    code = _code()
    assert "impl zed::Extension for Unspun" in code and "zed::register_extension!(Unspun);" in code
    # every brace opened is closed (a cheap guard against a truncated edit)
    assert code.count("{") == code.count("}") and code.count("(") == code.count(")")


def test_the_commands_it_runs_are_ones_the_server_accepts():
    code = _code()
    assert 'args: vec!["serve".into()]' in code
    assert 'args: vec!["-m".into(), "unspun".into(), "serve".into()]' in code
    out = subprocess.run([sys.executable, "-m", "unspun", "serve", "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "--stdio" in out.stdout


def test_the_docs_settings_name_the_declared_languages():
    docs = (ZED.parents[1] / "docs" / "editors.md").read_text(encoding="utf-8")
    section = docs[docs.index("## Zed\n") : docs.index("## Sublime Text\n")]
    settings = json.loads(re.search(r"```json\n(.*?)```", section, re.S).group(1))
    declared = _manifest()["language_servers"]["unspun"]["languages"]
    assert settings["languages"] and set(settings["languages"]) <= set(declared)
    for language in settings["languages"].values():
        assert language["language_servers"][0] == "unspun"
        assert language["code_actions_on_format"] == {"source.fixAll.unspun": True}
    assert set(settings["lsp"]) == {"unspun"}
