"""Every `unspun ...` command written in a code block of README.md and the pages is one the command line
accepts: the command exists, and so do its options and their values (parsed by the real parser, not run)."""

from __future__ import annotations

import re
import shlex

import pytest

from docsupport import blocks, pages

#: code-block languages that hold shell commands (console blocks: the lines starting with "$ ")
SHELL = {"sh", "bash", "shell", "console", "yaml", ""}
_UNSPUN = re.compile(r"(?:^|[\s;&|(`]|python3? -m )(?P<cmd>unspun (?:check|fix|report|serve|import-pps|completion|learn)\b[^\n]*)")


def commands() -> list[tuple[str, str]]:
    out = []
    for page in pages():
        for b in blocks(page):
            if b.lang not in SHELL:
                continue
            for n, line in enumerate(b.text.splitlines()):
                if b.lang in ("console", "") and not line.startswith("$ "):
                    continue
                for m in _UNSPUN.finditer(line):
                    cmd = m.group("cmd")
                    cmd = re.split(r"\s(?:\||&&|;|>|2>|<|#)(?:\s|$)|\s>|\s2>|`|\)\s*$", cmd)[0]
                    out.append((f"{b.page}:{b.line + n + 1}", cmd.strip().rstrip("\\").strip()))
    return out


CASES = commands()


def test_the_pages_show_commands():
    assert len(CASES) > 30
    assert {c.split(":")[0] for c, _ in CASES} >= {"README.md", "cli.md", "getting-started.md", "faq.md"}


@pytest.mark.parametrize("where, command", CASES, ids=[f"{w} {c[:50]}" for w, c in CASES])
def test_command_parses(where, command):
    from unspun.cli import build_parser

    argv = shlex.split(command)[1:]
    if argv[0] in ("check", "fix", "report") and not any(not a.startswith("-") for a in argv[1:]):
        argv.append("-")  # a command fed file names by xargs
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as e:
        if e.code == 0 and "--help" in argv:
            return
        pytest.fail(f"{where}: `{command}` is refused by the command line (exit {e.code})")
    assert args.command == argv[0]


def test_readme_command_table_names_real_options():
    import argparse

    from unspun.cli import build_parser

    from docsupport import README

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    rows = re.findall(r"^\| `unspun ([\w-]+)[^`]*` \| (.*) \|$", README.read_text(encoding="utf-8"), re.M)
    assert {command for command, _ in rows} == set(sub.choices)  # every command, and no other
    for command, row in rows:
        known = {o for a in sub.choices[command]._actions for o in a.option_strings}
        own = row.replace("usable with `--lexicon FILE`", "")  # an option of `unspun check`
        for option in re.findall(r"`(--?[\w-]+)", own):
            assert option in known, f"README: unspun {command} {option}"
        for value in re.findall(r"`--format ([\w\\|]+)`", row):
            formats = next(a for a in sub.choices[command]._actions if "--format" in a.option_strings).choices
            assert set(value.replace("\\", "").split("|")) == set(formats)
