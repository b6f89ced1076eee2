"""Shell completion scripts (`unspun completion bash|zsh|fish`), generated from the command line's own parser, so
they always list the commands, options and choices that exist."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

SHELLS = ("bash", "zsh", "fish")


@dataclass
class Option:
    flags: list[str]
    help: str
    #: the values it takes: a list of choices, "file" for a path, None for none (a switch)
    takes: list[str] | str | None


@dataclass
class Command:
    name: str
    help: str
    options: list[Option]
    #: what its positional arguments are: choices, or "file"
    positional: list[str] | str | None


def _takes(action: argparse.Action) -> list[str] | str | None:
    if action.nargs == 0:
        return None
    if action.choices:
        return [str(c) for c in action.choices]
    return "file"


def commands(parser: argparse.ArgumentParser) -> list[Command]:
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {a.dest: a.help or "" for a in sub._choices_actions}
    out = []
    for name, p in sub.choices.items():
        options, positional = [], None
        for a in p._actions:
            if a.option_strings:
                options.append(Option(list(a.option_strings), (a.help or "").split(" (")[0], _takes(a)))
            else:
                positional = _takes(a)
        out.append(Command(name, helps.get(name, ""), options, positional))
    return out


def _words(values: list[str]) -> str:
    return " ".join(values)


def _q(s: str) -> str:
    """A single-quoted shell word."""
    return "'" + s.replace("'", "'\\''") + "'"


def bash(cmds: list[Command]) -> str:
    lines = [
        "# bash completion for unspun (unspun completion bash)",
        "_unspun() {",
        '    local cur prev cmd i',
        '    cur="${COMP_WORDS[COMP_CWORD]}"',
        '    prev="${COMP_WORDS[COMP_CWORD-1]}"',
        '    cmd=""',
        '    for ((i = 1; i < COMP_CWORD; i++)); do',
        '        case "${COMP_WORDS[i]}" in -*) ;; *) cmd="${COMP_WORDS[i]}"; break ;; esac',
        "    done",
        '    if [[ -z "$cmd" ]]; then',
        f'        COMPREPLY=($(compgen -W {_q(_words([c.name for c in cmds] + ["--help", "--version"]))} -- "$cur"))',
        "        return",
        "    fi",
        '    case "$cmd" in',
    ]
    for c in cmds:
        lines.append(f"    {c.name})")
        lines.append('        case "$prev" in')
        for o in c.options:
            if isinstance(o.takes, list):
                lines.append(f'            {"|".join(o.flags)}) COMPREPLY=($(compgen -W {_q(_words(o.takes))} -- "$cur")); return ;;')
            elif o.takes == "file":
                lines.append(f'            {"|".join(o.flags)}) COMPREPLY=($(compgen -f -- "$cur")); return ;;')
        lines.append("        esac")
        flags = [f for o in c.options for f in o.flags]
        lines.append('        if [[ "$cur" == -* ]]; then')
        lines.append(f'            COMPREPLY=($(compgen -W {_q(_words(flags))} -- "$cur"))')
        if isinstance(c.positional, list):
            lines.append("        else")
            lines.append(f'            COMPREPLY=($(compgen -W {_q(_words(c.positional))} -- "$cur"))')
        elif c.positional == "file":
            lines.append("        else")
            lines.append('            COMPREPLY=($(compgen -f -- "$cur"))')
        lines.append("        fi")
        lines.append("        ;;")
    lines += ["    esac", "}", "complete -o filenames -o bashdefault -F _unspun unspun", ""]
    return "\n".join(lines)


def _zsh_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("'", "'\\''").replace("[", "\\[").replace("]", "\\]").replace(":", "\\:")


def zsh(cmds: list[Command]) -> str:
    lines = [
        "#compdef unspun",
        "# zsh completion for unspun (unspun completion zsh)",
        "",
        "_unspun() {",
        "    local curcontext=\"$curcontext\" state line",
        "    typeset -A opt_args",
        "    _arguments -C '--help[show help]' '--version[show the version]' '1: :->command' '*:: :->args'",
        "    case $state in",
        "    command)",
        "        local -a cmds",
        "        cmds=(",
    ]
    for c in cmds:
        lines.append(f"            '{c.name}:{_zsh_escape(c.help)}'")
    lines += ["        )", "        _describe 'command' cmds", "        ;;", "    args)", "        case $line[1] in"]
    for c in cmds:
        specs = []
        for o in c.options:
            names = "{" + ",".join(o.flags) + "}" if len(o.flags) > 1 else o.flags[0]
            excl = "(" + " ".join(o.flags) + ")" if len(o.flags) > 1 else ""
            if isinstance(o.takes, list):
                action = f":value:({' '.join(o.takes)})"
            elif o.takes == "file":
                action = ":value:_files"
            else:
                action = ""
            spec = f"'{excl}'{names}'[{_zsh_escape(o.help)}]{action}'"
            specs.append(spec)
        if isinstance(c.positional, list):
            specs.append(f"'1:value:({' '.join(c.positional)})'")
        elif c.positional == "file":
            specs.append("'*:file:_files'")
        lines.append(f"        {c.name})")
        lines.append("            _arguments " + " \\\n                ".join(specs))
        lines.append("            ;;")
    lines += ["        esac", "        ;;", "    esac", "}", "", '_unspun "$@"', ""]
    return "\n".join(lines)


def fish(cmds: list[Command]) -> str:
    names = " ".join(c.name for c in cmds)
    lines = [
        "# fish completion for unspun (unspun completion fish)",
        "complete -c unspun -f",
        "complete -c unspun -n __fish_use_subcommand -l version -d 'show the version'",
    ]
    for c in cmds:
        lines.append(f"complete -c unspun -n __fish_use_subcommand -a {c.name} -d {_q(c.help)}")
    for c in cmds:
        cond = f"'__fish_seen_subcommand_from {c.name}'"
        for o in c.options:
            parts = [f"complete -c unspun -n {cond}"]
            for flag in o.flags:
                parts.append(f"-l {flag[2:]}" if flag.startswith("--") else f"-s {flag[1:]}")
            if isinstance(o.takes, list):
                parts.append(f"-x -a {_q(' '.join(o.takes))}")
            elif o.takes == "file":
                parts.append("-r -F")
            parts.append(f"-d {_q(o.help)}")
            lines.append(" ".join(parts))
        if isinstance(c.positional, list):
            lines.append(f"complete -c unspun -n {cond} -x -a {_q(' '.join(c.positional))}")
        elif c.positional == "file":
            lines.append(f"complete -c unspun -n {cond} -F")
    lines.append(f"# commands: {names}")
    return "\n".join(lines) + "\n"


def script(shell: str, parser: argparse.ArgumentParser) -> str:
    cmds = commands(parser)
    return {"bash": bash, "zsh": zsh, "fish": fish}[shell](cmds)
