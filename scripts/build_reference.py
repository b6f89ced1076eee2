#!/usr/bin/env python3
"""Write the generated reference pages of the documentation from the objects that define them:

- `docs/reference.md`: every project-configuration key and every editor setting, with what it accepts, its
  default and what it means (all declared in `unspun.settings.schema`), and every command-line option
  (`unspun.cli.build_parser`, whose settings options come from the same schema);
- `docs/output.md`: the JSON output of `unspun check --format json`, rendered from `docs/output-schema.json`.

Usage:
    python3 scripts/build_reference.py            # rewrite both pages
    python3 scripts/build_reference.py --check    # exit 1 (and say why) if a page is out of date

A setting is added by declaring it in `unspun.settings.schema`; this page then lists it once regenerated (and
the test suite fails until it is).
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

REFERENCE = ROOT / "docs" / "reference.md"
OUTPUT_PAGE = ROOT / "docs" / "output.md"
SCHEMA = ROOT / "docs" / "output-schema.json"

def cell(text: Any) -> str:
    """A Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def prose(text: Any) -> str:
    """Free text in a table cell (a description): no raw HTML."""
    return cell(text).replace("<", "&lt;")


def code(value: Any) -> str:
    return "`" + str(value).replace("`", "'") + "`" if value not in (None, "") else ""


def as_json(value: Any) -> str:
    if isinstance(value, frozenset):
        value = sorted(value)
    if isinstance(value, tuple):
        value = list(value)
    if hasattr(value, "value"):  # an Enum
        value = value.value
    if isinstance(value, list):
        value = [v.value if hasattr(v, "value") else v for v in value]
    return json.dumps(value, ensure_ascii=False)


# -- settings -----------------------------------------------------------------------------------------------

def _default(setting) -> str:
    from unspun.settings.validate import typed_default

    return code(as_json(typed_default(setting)))


def project_rows() -> list[str]:
    from unspun.settings import schema

    rows = ["| key | accepts | default | also written | meaning |", "|---|---|---|---|---|"]
    for s in schema.project_settings():
        also = ", ".join(code(a) for a in sorted(s.aliases))
        rows.append(
            f"| {code(s.name)} | {prose(s.accepts())} | {cell(_default(s))} | {cell(also)} | {prose(s.description)} |"
        )
    return rows


def setting_rows() -> list[str]:
    from unspun.settings import schema

    rows = ["| setting | accepts | default | meaning |", "|---|---|---|---|"]
    for s in schema.editor_settings():
        rows.append(f"| {code(s.editor_name)} | {prose(s.accepts())} | {cell(_default(s))} | {prose(s.description)} |")
    return rows


# -- command line -------------------------------------------------------------------------------------------

def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _argument(action: argparse.Action) -> str:
    if action.nargs == 0:
        return ""
    if action.metavar is not None:
        return str(action.metavar) if not isinstance(action.metavar, tuple) else " ".join(action.metavar)
    return action.dest.upper()


def command_sections() -> list[str]:
    from unspun.cli import build_parser

    parser = build_parser()
    out: list[str] = []
    for name, sub in _subcommands(parser).items():
        out += [f"### `unspun {name}`", "", prose(sub.description or ""), ""]
        out += ["| option | argument | default | meaning |", "|---|---|---|---|"]
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            if action.option_strings:
                flags = ", ".join(code(o) for o in action.option_strings)
            else:
                flags = code(action.dest.upper() if action.choices is not None else _argument(action))
            if action.choices is not None:
                arg = "one of " + ", ".join(code(c) for c in action.choices)
            elif action.option_strings and action.nargs != 0:
                arg = code(_argument(action))
            else:
                arg = ""
            if action.nargs in ("+", "*") and not action.option_strings:
                arg = "one or more"
            elif isinstance(action, argparse._AppendAction):
                arg += " (repeatable)"
            default = action.default
            shown = "" if default in (None, False, [], argparse.SUPPRESS) else code(default)
            if action.required and action.option_strings:
                shown = "required"
            rows = f"| {flags} | {cell(arg)} | {cell(shown)} | {prose(action.help or '')} |"
            out.append(rows)
        out.append("")
    return out


def reference() -> str:
    from unspun.settings import schema

    parts = [
        "<!-- Generated by scripts/build_reference.py from the code that reads the settings; do not edit by hand. -->",
        "",
        "# Configuration reference",
        "",
        "unspun is configured in three places: the project file (`unspun.toml`, or `[tool.unspun]` in"
        " `pyproject.toml`), read by the command line and the language server alike; the editor's settings"
        f" (section `{schema.SECTION}`), read by the language server; and the command line's options. How they"
        " combine, and where the project file is found: [Project configuration](configuration.md). The tables"
        " below are written by `scripts/build_reference.py` from the code that reads each of them, and the"
        " test suite checks that this page is what the script writes.",
        "",
        "## Project file",
        "",
        "Keys go at the top level of `unspun.toml` or in its `[unspun]` table, or in `[tool.unspun]` of"
        " `pyproject.toml`; they may be written `snake_case` or `kebab-case`. An unknown key or a bad value is"
        " reported with its file and line, and the default applies.",
        "",
        *project_rows(),
        "",
        "## Editor settings",
        "",
        "Sent by the editor in `initializationOptions` or `workspace/configuration` (see"
        " [Language server](language-server.md#settings)). Names may be written camelCase, snake_case or"
        " kebab-case; a bad value is reported naming the setting, and the default is used.",
        "",
        *setting_rows(),
        "",
        "## Command line",
        "",
        "Every option of every command (`unspun COMMAND --help` prints the same with examples). Options given"
        " on the command line win over the project file. More on each command: [Command line](cli.md).",
        "",
        *command_sections(),
    ]
    return "\n".join(parts)


# -- JSON output ------------------------------------------------------------------------------------------------

def _type(schema: dict) -> str:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name})"
    if "const" in schema:
        return code(json.dumps(schema["const"]))
    if "enum" in schema:
        return " or ".join(code(json.dumps(v)) for v in schema["enum"])
    if "oneOf" in schema:
        return " or ".join(_type(s) for s in schema["oneOf"])
    t = schema.get("type", "any")
    types = t if isinstance(t, list) else [t]
    out = []
    for one in types:
        if one == "array":
            out.append("array of " + _type(schema.get("items", {})))
        elif one == "object" and isinstance(schema.get("additionalProperties"), dict):
            out.append("object of " + _type(schema["additionalProperties"]))
        else:
            out.append(one)
    text = " or ".join(out)
    bounds = []
    if "minimum" in schema:
        bounds.append(f">= {schema['minimum']:g}")
    if "maximum" in schema:
        bounds.append(f"<= {schema['maximum']:g}")
    return text + (f" ({', '.join(bounds)})" if bounds else "")


def _object_table(schema: dict, prefix: str = "") -> list[str]:
    rows: list[str] = []
    required = set(schema.get("required", ()))
    for name, prop in schema.get("properties", {}).items():
        rows.append(
            f"| {code(prefix + name)} | {cell(_type(prop))} | {'yes' if name in required else 'no'} |"
            f" {prose(prop.get('description', ''))} |"
        )
        if prop.get("type") == "object" and "properties" in prop:
            rows += _object_table(prop, prefix + name + ".")
        items = prop.get("items", {})
        if prop.get("type") == "array" and isinstance(items, dict) and "properties" in items:
            rows += _object_table(items, prefix + name + "[].")
    return rows


def output_page() -> str:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    header = ["| field | type | required | meaning |", "|---|---|---|---|"]
    parts = [
        "<!-- Generated by scripts/build_reference.py from docs/output-schema.json; do not edit by hand. -->",
        "",
        "# JSON output",
        "",
        prose(schema.get("description", "")),
        "",
        "The JSON Schema itself: [output-schema.json](output-schema.json) (draft 2020-12). The test suite"
        " validates real output against it, and checks that this page is what `scripts/build_reference.py`"
        " writes from it. Human-readable output (the default `text` format) counts lines and columns from 1;"
        " the JSON counts from 0.",
        "",
        "## The document",
        "",
        *header,
        *_object_table(schema),
        "",
    ]
    for name, sub in schema.get("$defs", {}).items():
        parts += [f"## {name}", ""]
        if sub.get("description"):
            parts += [prose(sub["description"]), ""]
        if "properties" in sub:
            parts += [*header, *_object_table(sub), ""]
        else:
            parts += [f"One of: {_type(sub)}.", ""]
    return "\n".join(parts)


PAGES = {REFERENCE: reference, OUTPUT_PAGE: output_page}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--check", action="store_true", help="compare with the committed pages instead of writing them")
    args = p.parse_args(argv)
    stale = 0
    for path, make in PAGES.items():
        text = make()
        rel = path.relative_to(ROOT).as_posix()
        if args.check:
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current != text:
                sys.stdout.writelines(difflib.unified_diff(current.splitlines(True), text.splitlines(True), rel, "generated"))
                print(f"{rel} is out of date: run python3 scripts/build_reference.py", file=sys.stderr)
                stale += 1
        else:
            path.write_text(text, encoding="utf-8")
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
