#!/usr/bin/env python3
"""Write the settings of the VS Code extension (`contributes.configuration` of clients/vscode/package.json) from
`unspun.settings.schema`: one entry per editor setting, with its type, accepted values, default, scope and
description. The extension's own settings (`CLIENT_SETTINGS` of the schema: how the server is started and
traced) are written by hand in package.json and kept as they are.

Usage:
    python3 scripts/build_vscode_settings.py            # rewrite package.json's settings
    python3 scripts/build_vscode_settings.py --check    # exit 1 (and say why) if they are out of date
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

PACKAGE = ROOT / "clients" / "vscode" / "package.json"
PREFIX = "unspun."


def _plain(value: Any) -> Any:
    if isinstance(value, (tuple, list, frozenset)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def entry(setting) -> dict[str, Any]:
    """The package.json entry of one editor setting."""
    from unspun.settings import schema

    out: dict[str, Any] = {}
    if setting.type == "bool":
        out["type"] = "boolean"
    elif setting.type in ("number", "integer"):
        out["type"] = setting.type
        if setting.minimum is not None:
            out["exclusiveMinimum" if setting.exclusive_minimum else "minimum"] = setting.minimum
        if setting.maximum is not None:
            out["maximum"] = setting.maximum
    elif setting.type == "choice":
        out["type"] = "string"
        out["enum"] = list(setting.choices)
        if setting.choice_details:
            out["enumDescriptions"] = list(setting.choice_details)
    elif setting.type == "strings":
        out["type"] = "array"
        out["items"] = {"type": "string", **({"enum": list(setting.choices)} if setting.choices else {})}
        if setting.as_set:
            out["uniqueItems"] = True
    else:  # severities
        out["type"] = "object"
        out["properties"] = {k: {"type": "string", "enum": list(schema.SEVERITIES)} for k in schema.KINDS}
        out["additionalProperties"] = False
    out["default"] = _plain(setting.default)
    out["scope"] = setting.scope
    out["markdownDescription"] = setting.details or setting.description[:1].upper() + setting.description[1:] + "."
    return out


def _number(v: Any) -> Any:
    """JSON numbers as package.json writes them (0 rather than 0.0)."""
    return int(v) if isinstance(v, float) and v.is_integer() else v


def _numbers(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    return _number(value) if not isinstance(value, bool) else value


def expected_properties(current: dict[str, Any]) -> dict[str, Any]:
    """The settings package.json should have: the extension's own (as they are in `current`), then one per
    editor setting of the schema. Raises SystemExit naming a setting package.json has and the schema lacks, or
    the other way round for the extension's own."""
    from unspun.settings import schema

    client = {PREFIX + name for name in schema.CLIENT_SETTINGS}
    ours = {PREFIX + s.editor_name: s for s in schema.editor_settings()}
    unknown = [k for k in current if k not in client and k not in ours]
    if unknown:
        raise SystemExit(
            f"{PACKAGE.relative_to(ROOT)} has settings the schema lacks: {', '.join(unknown)} (declare them in"
            " unspun.settings.schema: SETTINGS, or CLIENT_SETTINGS for the extension's own)"
        )
    missing = sorted(client - set(current))
    if missing:
        raise SystemExit(
            f"{PACKAGE.relative_to(ROOT)} lacks the extension's own settings {', '.join(missing)}, which"
            " unspun.settings.schema.CLIENT_SETTINGS declares: write them by hand, or remove them there"
        )
    out = {k: v for k, v in current.items() if k in client}
    out.update({name: _numbers(entry(s)) for name, s in ours.items()})
    return out


def package_text() -> str:
    """package.json as it should be."""
    package = json.loads(PACKAGE.read_text(encoding="utf-8"))
    configuration = package["contributes"]["configuration"]
    configuration["properties"] = expected_properties(configuration.get("properties", {}))
    return json.dumps(package, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--check", action="store_true", help="compare with package.json instead of writing it")
    args = p.parse_args(argv)
    text = package_text()
    rel = PACKAGE.relative_to(ROOT).as_posix()
    current = PACKAGE.read_text(encoding="utf-8")
    if args.check:
        if current != text:
            sys.stdout.writelines(difflib.unified_diff(current.splitlines(True), text.splitlines(True), rel, "generated"))
            print(f"{rel} is out of date: run python3 scripts/build_vscode_settings.py", file=sys.stderr)
            return 1
        return 0
    if current != text:
        PACKAGE.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
