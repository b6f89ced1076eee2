"""Project configuration: discovery, values, and problems reported with file and line."""

from __future__ import annotations

from unspun.config import DEFAULT, ConfigCache, find_config, load_config
from unspun.engine.analyzer import Options
from unspun.engine.model import Kind


def test_discovery_walks_up_and_prefers_unspun_toml(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert find_config(tmp_path / "a" / "b" / "doc.md") is None  # pyproject without [tool.unspun]
    (tmp_path / "pyproject.toml").write_text("[tool.unspun]\nmin_confidence = 0.8\n")
    assert find_config(tmp_path / "a" / "b" / "doc.md") == tmp_path / "pyproject.toml"
    (tmp_path / "a" / "unspun.toml").write_text("")
    assert find_config(tmp_path / "a" / "b" / "doc.md") == tmp_path / "a" / "unspun.toml"
    assert find_config(tmp_path / "a" / "b" / "doc.md", stop=tmp_path / "a" / "b") is None


def test_values(tmp_path):
    (tmp_path / "extra.tsv").write_text("")
    p = tmp_path / "unspun.toml"
    p.write_text(
        "[unspun]\n"
        'kinds = ["fingerprint"]\nmin_confidence = 0.8\nspin_threshold = 3\nsubstitutions = "never"\n'
        'allow = ["Jap Europe"]\nlexicons = ["extra.tsv"]\nignore = ["drafts/**", "*.gen.md"]\n'
        'file_types = ["prose", "py"]\n\n[unspun.severity]\nfingerprint = "error"\n'
    )
    cfg, problems = load_config(p)
    assert problems == []
    o = cfg.options(Options(allow=frozenset({"x y"})))
    assert o.kinds == frozenset({Kind.FINGERPRINT}) and o.min_confidence == 0.8 and o.spin_threshold == 3.0
    assert o.substitutions == "never" and o.allow == {"x y", "Jap Europe"}
    assert cfg.lexicons == (str((tmp_path / "extra.tsv").resolve()),)
    assert cfg.severity == {"fingerprint": "error"}
    assert cfg.ignores(tmp_path / "drafts" / "a" / "x.md") and cfg.ignores(tmp_path / "docs" / "a.gen.md")
    assert not cfg.ignores(tmp_path / "docs" / "a.md")
    assert cfg.checks_format("python") and cfg.checks_format("markdown") and not cfg.checks_format("rust")
    # keys the caller sets itself are kept
    assert cfg.options(Options(), skip={"min_confidence"}).min_confidence == 0.5


def test_top_level_keys_and_pyproject(tmp_path):
    p = tmp_path / "unspun.toml"
    p.write_text('min-confidence = 0.9\nallow = ["a b"]\n')
    cfg, problems = load_config(p)
    assert not problems and cfg.min_confidence == 0.9 and cfg.allow == ("a b",)
    q = tmp_path / "pyproject.toml"
    q.write_text('[project]\nname = "x"\n\n[tool.unspun]\nsubstitutions = "always"\n')
    cfg, problems = load_config(q)
    assert not problems and cfg.substitutions == "always"


def test_problems_name_file_and_line(tmp_path):
    p = tmp_path / "unspun.toml"
    p.write_text(
        "# settings\n[unspun]\nallow = []\nmin_confidense = 0.4\nspin_threshold = \"high\"\n"
        'kinds = ["fingerprint", "typo"]\n\n[unspun.severity]\nfingerprint = "loud"\nsubstitutoin = "hint"\n'
    )
    cfg, problems = load_config(p)
    text = [str(x) for x in problems]
    assert any(t.startswith(f"{p}:4: unknown key") and "did you mean \u201cmin_confidence\u201d" in t for t in text), text
    assert any(t.startswith(f"{p}:5: spin_threshold") for t in text), text
    assert any(t.startswith(f"{p}:6: kinds") for t in text), text
    assert any(t.startswith(f"{p}:9: severity.fingerprint") for t in text), text
    assert any(t.startswith(f"{p}:10: severity: unknown kind") and "substitution" in t for t in text), text
    assert cfg.spin_threshold is None and cfg.kinds is None and cfg.severity == {}


def test_invalid_toml_is_reported_with_its_line(tmp_path):
    p = tmp_path / "unspun.toml"
    p.write_text("[unspun]\nallow = [\n")
    cfg, problems = load_config(p)
    assert len(problems) == 1 and problems[0].line is not None and "not valid TOML" in problems[0].message
    assert cfg.options() == Options()


def test_cache_rereads_changed_files(tmp_path):
    p = tmp_path / "unspun.toml"
    p.write_text("min_confidence = 0.6\n")
    cache = ConfigCache(interval=0)
    cfg, _, _ = cache.for_document(str(tmp_path / "d.md"), tmp_path)
    assert cfg.min_confidence == 0.6
    p.write_text("min_confidence = 0.75\n")
    cfg, _, changed = cache.for_document(str(tmp_path / "d.md"), tmp_path)
    assert cfg.min_confidence == 0.75 and changed
    assert cache.for_document(None, None)[0] is DEFAULT


def test_reads_what_the_editor_allow_list_action_writes(tmp_path):
    from unspun.lsp.allowlist import add_phrase

    p = tmp_path / "unspun.toml"
    p.write_text("min_confidence = 0.8\n")
    add_phrase(tmp_path, "Jap Europe")
    cfg, problems = load_config(p)
    assert problems == [] and cfg.allow == ("Jap Europe",) and cfg.min_confidence == 0.8
    p.write_text('allow = ["a b"]\n[unspun]\nallow = ["c d"]\n')
    assert load_config(p)[0].allow == ("c d",)  # the table wins over a top-level key
