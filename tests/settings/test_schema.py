"""The settings schema (`unspun.settings`): one declaration per setting, reaching every front end it names --
the project file, the editor's settings, the command line, the VS Code extension's package.json -- with the
same checks everywhere; and the resolver's precedence (defaults < project file < editor settings or CLI)."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from unspun import config
from unspun.lsp import settings as editor
from unspun.settings import resolve, schema
from unspun.settings.validate import check, typed_default, validate

ROOT = Path(__file__).resolve().parents[2]


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sample(setting: schema.Setting):
    """A valid value of `setting` that is not its default (as a user would write it)."""
    if setting.type == "bool":
        return not setting.default
    if setting.type in ("number", "integer"):
        lo = setting.minimum or 0
        hi = setting.maximum if setting.maximum is not None else lo + 12
        value = lo + (hi - lo) / 4
        value = int(value) + 1 if setting.type == "integer" else value
        assert value != setting.default
        return value
    if setting.type == "choice":
        return next(c for c in setting.choices if c and c != setting.default)
    if setting.type == "severities":
        return {"fingerprint": "hint"}
    if setting.name == "file_types":
        return ["markdown", "python"]
    if setting.choices:
        return [setting.choices[0]]
    return ["some value"]


def typed(setting: schema.Setting, value):
    return check(setting, value)


# -- the schema -----------------------------------------------------------------------------------------------

def test_every_setting_is_declared_once_and_complete():
    names = [s.name for s in schema.SETTINGS]
    assert len(names) == len(set(names))
    for s in schema.SETTINGS:
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*", s.name), s.name
        assert s.description and "\n" not in s.description, s.name
        assert s.where or s.flag, s.name
        check(s, s.default)  # every default passes its own check


def test_the_engine_options_default_to_the_schema():
    assert schema.check_engine_defaults() == []
    from unspun.engine import Options

    assert resolve.options() == Options()


def test_kinds_offered_are_the_ones_the_engine_reports():
    from unspun.engine.model import Kind

    assert set(schema.KINDS) <= {k.value for k in Kind}
    assert "article" not in schema.KINDS
    assert set(schema.get("severity").default) == set(schema.KINDS)
    assert schema.get("kinds").choices == schema.KINDS


def test_the_engine_does_not_import_the_settings():
    code = "import sys, unspun.engine; print(any(m.startswith('unspun.settings') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_the_settings_package_knows_no_lsp():
    for path in (ROOT / "server" / "unspun" / "settings").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import) (unspun\.lsp|lsprotocol|pygls)", text, re.M), path


# -- every setting reaches the front ends it names ---------------------------------------------------------------

@pytest.mark.parametrize("setting", [s for s in schema.SETTINGS if s.in_project], ids=lambda s: s.name)
def test_project_file_reads_every_project_setting(setting, tmp_path):
    value = sample(setting)
    if isinstance(value, dict):
        text = f"[unspun.{setting.name}]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in value.items())
    else:
        text = f"[unspun]\n{setting.name} = {json.dumps(value)}\n"
    (tmp_path / "unspun.toml").write_text(text)
    cfg, problems = config.load_config(tmp_path / "unspun.toml")
    assert problems == []
    got = cfg.values()[setting.name]
    if setting.name == "lexicons":
        assert got == (str((tmp_path / "some value").resolve()),)
    else:
        assert got == typed(setting, value)


PROJECT_ALIASES = {a for s in schema.SETTINGS if s.in_project for a in s.aliases}


@pytest.mark.parametrize(
    "setting", [s for s in schema.SETTINGS if not s.in_project and s.name not in PROJECT_ALIASES], ids=lambda s: s.name
)
def test_project_file_refuses_editor_only_settings(setting, tmp_path):
    (tmp_path / "unspun.toml").write_text(f"{setting.name} = {json.dumps(sample(setting))}\n")
    cfg, problems = config.load_config(tmp_path / "unspun.toml")
    (problem,) = problems
    assert problem.line == 1 and f"unknown key \u201c{setting.name}\u201d" in problem.message
    assert cfg.values() == {}


@pytest.mark.parametrize("setting", [s for s in schema.SETTINGS if s.in_editor], ids=lambda s: s.name)
def test_editor_settings_read_every_editor_setting(setting):
    value = sample(setting)
    parsed, problems = editor.parse({setting.editor_name: value})
    assert problems == []
    expected = typed(setting, value)
    if setting.type == "severities":
        expected = {**typed_default(setting), **expected}
    assert getattr(parsed, setting.name) == expected
    assert editor.explicit({setting.editor_name: value}) == {setting.name}
    assert setting.editor_name in editor.names()


def test_editor_settings_are_the_schemas():
    assert set(editor.DEFAULTS.values()) == {s.name for s in schema.SETTINGS if s.in_editor}
    for s in schema.SETTINGS:
        if s.in_editor:
            assert getattr(editor.DEFAULTS, s.name) == typed_default(s), s.name


@pytest.mark.parametrize("setting", list(schema.flag_settings()), ids=lambda s: s.name)
def test_command_line_sets_every_flag_setting(setting):
    from unspun.cli import setting_flags, build_parser

    argv = ["check", "x.md"]
    if setting.type == "bool":  # a switch: it sets the one value the default is not
        value = not setting.default
        assert setting.flag_negates == (value is False)
        argv.append(setting.flag)
    else:
        value = sample(setting)
        for v in value if isinstance(value, list) else [value]:
            argv += [setting.flag, str(v)]
    args = build_parser().parse_args(argv)
    assert setting_flags(args) == {setting.name: typed(setting, value)}
    assert setting_flags(build_parser().parse_args(["check", "x.md"])) == {}
    check_parser = build_parser()._subparsers._group_actions[0].choices["check"]
    action = next(a for a in check_parser._actions if setting.flag in a.option_strings)
    assert action.help == setting.help()


def test_flag_help_shows_the_schema_default():
    assert schema.get("min_confidence").help().endswith("(default 0.5)")
    assert schema.get("spin_threshold").help().endswith(f"(default {schema.get('spin_threshold').default:g})")
    assert schema.get("allow").help() == "never report this phrase (repeatable)"


def test_command_line_values_are_checked_as_everywhere(tmp_path):
    from unspun.cli import build_parser, setting_flags

    for flag, value in (("--min-confidence", "3"), ("--spin-threshold", "0"), ("--spin-threshold", "-1")):
        args = build_parser().parse_args(["check", flag, value, "x.md"])
        with pytest.raises(Exception, match=re.escape(flag) + " must be " + re.escape(schema.get(args_name(flag)).accepts())):
            setting_flags(args)
    doc = tmp_path / "doc.md"
    doc.write_text("Some text.\n")
    r = subprocess.run(
        [sys.executable, "-m", "unspun", "check", "--spin-threshold", "0", str(doc)], capture_output=True, text=True,
        timeout=120,
    )
    assert r.returncode == 2 and "--spin-threshold must be a number above 0" in r.stderr, r.stderr


def args_name(flag: str) -> str:
    return flag.lstrip("-").replace("-", "_")


# -- aliases, problems ---------------------------------------------------------------------------------------------

def test_aliases_and_spellings(tmp_path):
    p = tmp_path / "unspun.toml"
    for key in ("file_types", "file-types", "languages", "filetypes", "fileTypes"):
        p.write_text(f'{key} = ["md"]\n')
        cfg, problems = config.load_config(p)
        assert problems == [] and cfg.file_types == ("markdown",), key
    p.write_text('min-confidence = 0.7\n[severity]\nfingerprint = "err"\nsubstitution = "WARN"\n')
    cfg, problems = config.load_config(p)
    assert problems == [] and cfg.min_confidence == 0.7
    assert cfg.severity == {"fingerprint": "error", "substitution": "warning"}
    for key in ("minConfidence", "min_confidence", "min-confidence", "MINCONFIDENCE"):
        assert editor.parse({key: 0.7})[0].min_confidence == 0.7, key
    assert editor.parse({"severity": {"substitution": "info"}})[0].severity["substitution"] == "information"
    # `languages` is the editor's own setting (language ids), not the project file's alias of file_types
    assert editor.parse({"languages": ["python"]})[0].languages == ("python",)


def test_old_article_kind_is_accepted_silently_and_dropped(tmp_path):
    p = tmp_path / "unspun.toml"
    p.write_text('kinds = ["fingerprint", "article"]\n[severity]\narticle = "hint"\nfingerprint = "error"\n')
    cfg, problems = config.load_config(p)
    assert problems == [] and cfg.kinds == {"fingerprint"} and cfg.severity == {"fingerprint": "error"}
    s, problems = editor.parse({"kinds": ["article"], "severity": {"article": "information"}})
    assert problems == [] and s.kinds == frozenset() and "article" not in s.severity
    # (an unknown kind is still reported)
    _, problems = editor.parse({"kinds": ["articles"]})
    assert len(problems) == 1 and "unspun.kinds" in problems[0]


BAD = {"bool": "yes", "number": "high", "integer": 2.5, "choice": "sometimes", "strings": 3, "severities": "loud"}


@pytest.mark.parametrize("setting", schema.SETTINGS, ids=lambda s: s.name)
def test_bad_values_are_reported_by_name_and_the_default_kept(setting, tmp_path):
    bad = BAD[setting.type]
    if setting.in_editor:
        parsed, problems = editor.parse({setting.editor_name: bad})
        (problem,) = problems
        assert f"\u201cunspun.{setting.editor_name}\u201d" in problem and "using the default" in problem
        assert setting.accepts() in problem
        assert getattr(parsed, setting.name) == getattr(editor.DEFAULTS, setting.name)
    if setting.in_project:
        p = tmp_path / "unspun.toml"
        p.write_text(f"\n{setting.name} = {json.dumps(bad)}\n")
        cfg, problems = config.load_config(p)
        (problem,) = problems
        assert problem.line == 2 and problem.message.startswith(f"{setting.name}: expected {setting.accepts()}")
        assert problem.message.endswith("using the default") and setting.name not in cfg.values()
    values, problems = validate({setting.name: bad}, schema.EDITOR if setting.in_editor else schema.PROJECT)
    assert values == {} and len(problems) == 1 and problems[0].setting is setting


def test_unknown_keys_get_a_suggestion_in_each_front_end(tmp_path):
    p = tmp_path / "unspun.toml"
    p.write_text('spin_treshold = 3\n[severity]\nfingerprnt = "error"\n')
    _, problems = config.load_config(p)
    assert [(x.line, x.message) for x in problems] == [
        (1, "unknown key \u201cspin_treshold\u201d (did you mean \u201cspin_threshold\u201d?); ignored"),
        (3, "severity: unknown kind \u201cfingerprnt\u201d (did you mean \u201cfingerprint\u201d?); ignored"),
    ]
    _, problems = editor.parse({"spinTreshold": 3, "severity": {"fingerprnt": "error"}})
    assert problems == [
        "Unknown setting \u201cunspun.spinTreshold\u201d (did you mean \u201cunspun.spinThreshold\u201d?); ignored.",
        "Unknown setting \u201cunspun.severity.fingerprnt\u201d (did you mean \u201cunspun.severity.fingerprint\u201d?);"
        " ignored.",
    ]


# -- precedence ------------------------------------------------------------------------------------------------------

def test_precedence_defaults_then_project_then_editor_or_command_line():
    assert resolve.resolve() == dict(resolve.DEFAULTS)
    project = {"min_confidence": 0.8, "spin_threshold": 3.5, "allow": ("a b",), "severity": {"fingerprint": "error"}}
    front = {"spin_threshold": 4.0, "allow": ("c d",), "severity": {"substitution": "hint"}}
    only_project = resolve.resolve(project)
    assert only_project["min_confidence"] == 0.8 and only_project["spin_threshold"] == 3.5
    assert only_project["severity"] == {"fingerprint": "error", "substitution": "information"}
    both = resolve.resolve(project, front)
    assert both["min_confidence"] == 0.8  # the front end does not set it
    assert both["spin_threshold"] == 4.0  # it does: it wins
    assert set(both["allow"]) == {"a b", "c d"}  # allow-lists add up
    # a severity table replaces the lower one as a whole (completed with the defaults)
    assert both["severity"] == {"fingerprint": "warning", "substitution": "hint"}
    options = resolve.options(project, front, extra_allow={"e f"})
    assert options.spin_threshold == 4.0 and options.min_confidence == 0.8 and options.allow == {"a b", "c d", "e f"}


def test_open_vocabulary_needs_the_language_model():
    assert resolve.options({"language_model": False}).open_vocabulary is False
    assert resolve.options({"open_vocabulary": False}).open_vocabulary is False
    assert resolve.options().open_vocabulary is True


def test_command_line_and_project_file_through_the_real_cli(tmp_path):
    """`unspun check` resolves a file's options as the language server does: defaults < unspun.toml < flags."""
    (tmp_path / "unspun.toml").write_text("spin_threshold = 3.5\nmin_confidence = 0.6\n")
    doc = tmp_path / "doc.md"
    doc.write_text("A counterfeit consciousness in the text.\n")

    def threshold(*flags: str) -> float:
        r = subprocess.run(
            [sys.executable, "-m", "unspun", "check", "--format", "json", "--exit-zero", *flags, str(doc)],
            capture_output=True, text=True, timeout=120,
        )
        assert r.returncode == 0, r.stderr
        (record,) = json.loads(r.stdout)["files"]
        return record["spin_threshold"]

    assert threshold() == 3.5
    assert threshold("--spin-threshold", "5") == 5.0
    assert threshold("--no-config") == schema.get("spin_threshold").default


# -- the VS Code extension's settings ----------------------------------------------------------------------------

PACKAGE = ROOT / "clients" / "vscode" / "package.json"


def test_package_json_settings_are_the_schemas():
    build = _script("build_vscode_settings")
    properties = json.loads(PACKAGE.read_text(encoding="utf-8"))["contributes"]["configuration"]["properties"]
    expected = build.expected_properties(properties)
    assert list(properties) == list(expected)
    for name, entry in expected.items():
        assert properties[name] == entry, name
    assert build.main(["--check"]) == 0


def test_package_json_check_names_what_disagrees():
    build = _script("build_vscode_settings")
    properties = json.loads(PACKAGE.read_text(encoding="utf-8"))["contributes"]["configuration"]["properties"]
    extra = {**properties, "unspun.newThing": {"type": "boolean", "default": False}}
    with pytest.raises(SystemExit, match="has settings the schema lacks: unspun.newThing"):
        build.expected_properties(extra)
    without_client = {k: v for k, v in properties.items() if k != "unspun.interpreter"}
    with pytest.raises(SystemExit, match="unspun.interpreter"):
        build.expected_properties(without_client)
    changed = json.loads(json.dumps(properties))
    changed["unspun.minConfidence"]["default"] = 0.4
    changed["unspun.kinds"]["items"]["enum"].append("article")
    expected = build.expected_properties(changed)
    assert expected["unspun.minConfidence"]["default"] == 0.5
    assert expected["unspun.kinds"]["items"]["enum"] == list(schema.KINDS)


def test_extension_sends_the_schemas_editor_settings():
    """The extension forwards the server's keys (clients/vscode/src/settings.ts): the same names and defaults."""
    text = (ROOT / "clients" / "vscode" / "src" / "settings.ts").read_text(encoding="utf-8")

    def ts_list(name: str) -> list[str]:
        body = re.search(rf"export const {name} = \[(.*?)\]", text, re.S).group(1)
        return re.findall(r'"([^"]*)"', body)

    assert ts_list("SERVER_KEYS") == [s.editor_name for s in schema.SETTINGS if s.in_editor]
    assert tuple(ts_list("DEFAULT_LANGUAGES")) == schema.get("languages").default
    assert tuple(ts_list("DEFAULT_FILE_EXTENSIONS")) == schema.get("file_extensions").default
    assert {k.split(".")[0] for k in schema.CLIENT_SETTINGS} == set(ts_list("CLIENT_KEYS"))
