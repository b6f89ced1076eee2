"""Command line: `unspun check`, `unspun fix`, `unspun serve`, `unspun import-pps`.

Exit codes: 0 nothing found, 1 findings, 2 usage or input error. Offsets and columns in JSON output are code
points; lines and columns count from 0 there, and from 1 in the human-readable output (like a compiler).

Only prose is checked: each file's format comes from its extension (or `--language`), see `unspun.markup`.
Each file uses the project configuration found by walking up from it (`unspun.config`), unless `--config` names
one or `--no-config` is given; options on the command line win over the configuration file. A problem in a
configuration file is printed as `path:line: message` and the defaults are used for what it could not set.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
from collections.abc import Sequence

from unspun import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors: one line, exit 2, and a suggestion for a mistyped command
        from rapidfuzz import process

        if "invalid choice" in message and self.prog.endswith("unspun"):
            bad = message.split("'")[1] if "'" in message else ""
            guess = process.extractOne(bad, ["check", "fix", "serve", "import-pps"], score_cutoff=60)
            if guess:
                message += f" (did you mean '{guess[0]}'?)"
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message}\n")


def _add_engine_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("detection")
    g.add_argument("--lexicon", action="append", default=[], metavar="FILE", help="extra lexicon file (repeatable)")
    g.add_argument("--no-builtin", action="store_true", help="do not use the shipped lexicons")
    g.add_argument("--min-confidence", type=float, default=None, metavar="X", help="report findings at or above X (default 0.5)")
    g.add_argument("--spin-threshold", type=float, default=None, metavar="X", help="spin score (per 100 words) above which a text counts as spun (default 2.5)")
    g.add_argument(
        "--substitutions", choices=["gated", "hint", "always", "never"], default=None,
        help="report ambiguous substitutions only in spun texts (gated, default), also elsewhere as hints (hint),"
        " everywhere, or never",
    )
    g.add_argument("--allow", action="append", default=[], metavar="PHRASE", help="never report this phrase (repeatable)")
    g.add_argument("--language", metavar="NAME", help="read every input as this format (markdown, latex, html, rst, plain, python, ...); default: by file extension, plain text for standard input")
    cfg = g.add_mutually_exclusive_group()
    cfg.add_argument("--config", metavar="FILE", help="use this configuration file (unspun.toml or pyproject.toml) for every input")
    cfg.add_argument("--no-config", action="store_true", help="ignore configuration files")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="unspun", description="Find garbled synonym substitutions (tortured phrases) in prose and restore the intended wording.")
    parser.add_argument("--version", action="version", version=f"unspun {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    c = sub.add_parser("check", help="report likely spins", description="Report likely spins in files, folders or standard input ('-').")
    c.add_argument("paths", nargs="+", metavar="PATH")
    c.add_argument("--format", choices=["text", "json"], default="text")
    c.add_argument(
        "-j", "--jobs", type=int, default=0, metavar="N",
        help="check files in N processes (default: one per core when there are 8 files or more, else 1)",
    )
    c.add_argument(
        "--paragraphs", action="store_true",
        help="also report each paragraph whose own spin score reaches the threshold (JSON always lists them all)",
    )
    _add_engine_options(c)

    f = sub.add_parser("fix", help="restore the intended wording", description="Apply the best replacement of every finding that is safe to fix automatically.")
    f.add_argument("paths", nargs="+", metavar="PATH")
    out = f.add_mutually_exclusive_group()
    out.add_argument("--diff", action="store_true", help="print a unified diff instead of writing (exit 1 if it shows a change)")
    out.add_argument("--check", action="store_true", help="write nothing; list the files that would change (exit 1 if any)")
    out.add_argument("-o", "--output", metavar="OUT", help="write the fixed text here (one input only; '-' for standard output)")
    f.add_argument("--unsafe", action="store_true", help="also apply fixes below the safe confidence")
    f.add_argument("--force", action="store_true", help="also rewrite read-only files (keeping their mode)")
    _add_engine_options(f)

    s = sub.add_parser("serve", help="start the language server", description="Start the language server (stdio by default).")
    s.add_argument("--stdio", action="store_true", help="talk over stdin/stdout (the default)")
    s.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP address instead")
    s.add_argument("--log-level", choices=["debug", "info", "warning", "error"], default="info")

    i = sub.add_parser("import-pps", help="convert a Problematic Paper Screener CSV export into a lexicon", description="Convert a Problematic Paper Screener CSV export (Fingerprint - Tortured Phrase, Expected Text, Nb Retrieved Papers) into an unspun lexicon.")
    i.add_argument("csv", metavar="CSV")
    i.add_argument("-o", "--output", metavar="OUT", default="-", help="lexicon file to write (default: standard output)")
    return parser


class _Run:
    """What one `check` / `fix` run shares: engines by lexicon set, configuration files, reported problems."""

    def __init__(self, args):
        from unspun.engine import Kind, Options
        from unspun.engine.npzfile import map_members

        map_members()  # a run touches little of the cached model and synonym index: map them, do not read them

        self.args = args
        kw = {}
        if args.min_confidence is not None:
            kw["min_confidence"] = args.min_confidence
        if args.spin_threshold is not None:
            kw["spin_threshold"] = args.spin_threshold
        if args.substitutions is not None:
            kw["substitutions"] = args.substitutions
        if not 0 <= kw.get("min_confidence", 0.5) <= 1:
            raise _Usage("--min-confidence must be between 0 and 1")
        self.cli_set = set(kw)
        self.cli_options = kw
        self.cli_allow = frozenset(args.allow)
        self.base = Options(kinds=frozenset({Kind.FINGERPRINT, Kind.SUBSTITUTION}))
        self.language = None
        if args.language:
            from unspun.markup.registry import normalize

            self.language = normalize(args.language)
            if self.language is None:
                from unspun.markup import formats

                raise _Usage(f"unknown --language {args.language!r} (use one of {', '.join(formats())})")
        self._engines: dict[tuple[str, ...], object] = {}
        self._configs: dict = {}
        self._found: dict = {}
        self.config_errors = False
        self.fixed_config = None
        if args.config:
            if not os.path.isfile(args.config):
                raise _Usage(f"--config {args.config}: no such file")
            self.fixed_config = self._load(os.path.abspath(args.config))
        self.engine(())  # the shipped and command-line lexicons: errors in them are usage errors

    def _load(self, path):
        from unspun.config import load_config

        if path not in self._configs:
            cfg, problems = load_config(path)
            for p in problems:
                print(str(p), file=sys.stderr)
            self.config_errors = self.config_errors or bool(problems)
            self._configs[path] = cfg
        return self._configs[path]

    def config(self, path: str):
        from unspun.config import DEFAULT, find_config

        if self.args.no_config:
            return DEFAULT
        if self.fixed_config is not None:
            return self.fixed_config
        folder = os.path.dirname(os.path.abspath(path)) if path != "-" else os.getcwd()
        if folder not in self._found:
            self._found[folder] = find_config(folder)
        found = self._found[folder]
        return DEFAULT if found is None else self._load(found)

    def engine(self, extra_lexicons: tuple[str, ...]):
        from unspun.engine import Engine
        from unspun.engine.lexicon import LexiconError

        if extra_lexicons not in self._engines:
            try:
                engine, problems = Engine.with_user_lexicons(
                    [*self.args.lexicon, *extra_lexicons], self.base, builtin=not self.args.no_builtin
                )
            except LexiconError as e:
                if not extra_lexicons:
                    raise _Usage(str(e)) from None
                print(f"unspun: {e} [configuration lexicon]", file=sys.stderr)
                self.config_errors = True
                return self.engine(())
            for p in problems:
                print(f"{p} [lexicon]", file=sys.stderr)
            self._engines[extra_lexicons] = engine
        return self._engines[extra_lexicons]

    def analyze(self, path: str, text: str):
        """The analysis of one file's prose, with its configuration."""
        return self.analyze_with_options(path, text)[0]

    def analyze_with_options(self, path: str, text: str):
        """(the analysis of one file's prose, the options it was made with)."""
        from dataclasses import replace

        from unspun import markup

        cfg = self.config(path)
        fmt = self.language or markup.format_for_path(path) or "plain"
        prose = markup.extract(text, fmt)
        options = cfg.options(self.base)
        options = replace(options, **self.cli_options, allow=options.allow | self.cli_allow | prose.ignored)
        engine = self.engine(cfg.lexicons).with_options(options)
        return engine.analyze(text, segments=prose.segments), options

    def documents(self, paths: list[str]) -> list[str]:
        """Files to check: files and '-' as given; folders walked for the file types their configuration asks
        for (prose formats by default), skipping hidden entries and ignored paths."""
        from pathlib import Path

        from unspun import markup

        out: list[str] = []
        for raw in paths:
            if raw == "-" or not Path(raw).is_dir():
                out.append(raw)
                continue
            for root, dirs, files in os.walk(raw):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in ("node_modules", "__pycache__"))
                for f in sorted(files):
                    if f.startswith("."):
                        continue
                    full = os.path.join(root, f)
                    fmt = self.language or markup.format_for_path(full)
                    if fmt is None:
                        continue
                    cfg = self.config(full)
                    if cfg.checks_format(fmt) and not cfg.ignores(full):
                        out.append(full)
        return out


class _Usage(Exception):
    pass


def _read(path: str) -> str:
    from unspun.documents import decode, read_document

    if path == "-":
        return decode(sys.stdin.buffer.read(), "<stdin>")
    return read_document(path)


def _display(path: str) -> str:
    return "<stdin>" if path == "-" else path


def _check_one(run: "_Run", path: str, fmt: str) -> tuple[str | None, dict | None, list[str], int]:
    """Check one document: (input error, JSON record, human-readable lines, number of findings)."""
    from unspun.documents import InputError, LineIndex

    try:
        text = _read(path)
    except InputError as e:
        return str(e), None, [], 0
    analysis, options = run.analyze_with_options(path, text)
    index = LineIndex(text)
    name = _display(path)
    threshold = options.spin_threshold
    if fmt == "json":
        items = []
        for f in analysis.findings:
            (l1, c1), (l2, c2) = index.position(f.start), index.position(f.end)
            items.append(
                {
                    "start": f.start, "end": f.end, "line": l1, "column": c1, "end_line": l2, "end_column": c2,
                    "text": f.text, "replacements": list(f.replacements), "confidence": f.confidence,
                    "kind": f.kind.value, "rule": f.rule, "message": f.message, "hint": f.hint,
                }
            )
        paragraphs = [
            {"start": s, "end": e, "line": index.position(s)[0], "end_line": index.position(e)[0], "spin_score": score}
            for s, e, score in analysis.worded_paragraphs()
        ]
        record = {
            "path": name, "spin_score": analysis.spin_score, "spun": analysis.spun, "spin_threshold": threshold,
            "words": analysis.word_count, "findings": items, "paragraphs": paragraphs,
        }
        return None, record, [], len(items)
    lines = []
    for f in analysis.findings:
        line, col = index.position(f.start)
        fix = f" -> \u201c{f.replacements[0]}\u201d" if f.replacements else ""
        lines.append(f"{name}:{line + 1}:{col + 1}: {f.message}{fix} [{f.rule}]")
    if run.args.paragraphs:
        for s, _e, score in analysis.worded_paragraphs():
            if score >= threshold:
                line = index.position(s)[0]
                lines.append(f"{name}:{line + 1}: this paragraph looks machine-spun (spin score {score:.1f} per 100 words)")
    if analysis.spun:
        lines.append(f"{name}: looks machine-spun (spin score {analysis.spin_score:.1f} per 100 words)")
    return None, None, lines, len(analysis.findings)


#: with --jobs 0, files are checked in parallel from this many on (a worker costs a start-up of ~0.5 s)
PARALLEL_FROM = 8

_worker_run: "_Run | None" = None


def _worker_init(args) -> None:
    global _worker_run
    _worker_run = _Run(args)


def _worker_check(item: tuple[str, str]):
    assert _worker_run is not None
    return _check_one(_worker_run, *item)


def cmd_check(args) -> int:
    run = _Run(args)
    paths = run.documents(args.paths)
    if args.jobs < 0:
        raise _Usage("--jobs must be 0 (automatic) or more")
    jobs = args.jobs or ((os.cpu_count() or 1) if len(paths) >= PARALLEL_FROM else 1)
    if jobs > 1 and len(paths) > 1 and "-" not in paths:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=min(jobs, len(paths)), initializer=_worker_init, initargs=(args,)) as pool:
            results = pool.map(_worker_check, [(p, args.format) for p in paths], chunksize=4)
            results = list(results)
    else:
        results = [_check_one(run, p, args.format) for p in paths]
    errors = False
    files_json = []
    total = checked = 0
    for error, record, lines, found in results:
        if error is not None:
            print(f"unspun: {error}", file=sys.stderr)
            errors = True
            continue
        checked += 1
        total += found
        if record is not None:
            files_json.append(record)
        for line in lines:
            print(line)
    if args.format == "json":
        json.dump({"files": files_json}, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    elif total:
        print(f"Found {total} likely spin{'s' if total != 1 else ''}.", file=sys.stderr)
    if run.config_errors and not checked:
        return EXIT_ERROR
    if errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if total else EXIT_CLEAN


def patch_name(path: str) -> tuple[str, str]:
    """The file names of a unified diff's headers: `a/REL` and `b/REL` for a file under the current folder
    (apply with `patch -p1` or `git apply`), the absolute path twice otherwise (`patch -p0`)."""
    if path == "-":
        return "a/<stdin>", "b/<stdin>"
    full = os.path.abspath(path)
    rel = os.path.relpath(full)
    if rel == os.pardir or rel.startswith(os.pardir + os.sep):
        return full, full
    rel = rel.replace(os.sep, "/")
    return f"a/{rel}", f"b/{rel}"


def unified_diff(old: str, new: str, path: str) -> str:
    """A unified diff that `patch` and `git apply` accept: lines split at \\n only, and a missing final newline
    marked with `\\ No newline at end of file`."""
    import re

    def lines(text: str) -> list[str]:
        return re.findall(r"[^\n]*\n|[^\n]+$", text)

    src, dst = patch_name(path)
    out: list[str] = []
    for line in difflib.unified_diff(lines(old), lines(new), src, dst):
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


def _write_output(out: str, data: bytes, force: bool) -> str | None:
    """Write an output file (`-o`); the error message, or None when written."""
    from unspun.safewrite import WriteRefused, write_new

    try:
        write_new(out, data, force=force)
    except WriteRefused as e:
        return str(e)
    except OSError as e:
        return f"{out}: cannot write: {e.strerror or e}"
    return None


def cmd_fix(args) -> int:
    from unspun.documents import InputError
    from unspun.engine import apply_edits, fix_edits
    from unspun.safewrite import WriteRefused, replace_file

    run = _Run(args)
    paths = run.documents(args.paths)
    if args.output and len(paths) != 1:
        raise _Usage("-o/--output takes exactly one input file")
    errors = False
    remaining = 0
    changed = 0
    checked = 0
    for path in paths:
        try:
            text = _read(path)
        except InputError as e:
            print(f"unspun: {e}", file=sys.stderr)
            errors = True
            continue
        analysis = run.analyze(path, text)
        checked += 1
        edits = fix_edits(analysis.findings, only_safe=not args.unsafe)
        fixed = apply_edits(text, edits)
        remaining += len(analysis.findings) - len(edits)
        changed += fixed != text
        name = _display(path)
        problem = None
        if args.diff:
            sys.stdout.write(unified_diff(text, fixed, path))
            continue
        if args.check:
            if fixed != text:
                print(f"{name}: would fix {len(edits)} spin{'s' if len(edits) != 1 else ''}")
            continue
        if args.output == "-" or (path == "-" and not args.output):
            sys.stdout.write(fixed)
        elif args.output:
            problem = _write_output(args.output, fixed.encode("utf-8"), args.force)
        elif fixed != text:
            try:
                replace_file(path, text.encode("utf-8"), fixed.encode("utf-8"), force=args.force)
            except WriteRefused as e:
                problem = str(e)
            except OSError as e:
                problem = f"{path}: cannot write: {e.strerror or e}"
        if problem is not None:
            print(f"unspun: {problem}", file=sys.stderr)
            errors = True
        elif edits:
            print(f"{name}: fixed {len(edits)} spin{'s' if len(edits) != 1 else ''}", file=sys.stderr)
    if errors or (run.config_errors and not checked):
        return EXIT_ERROR
    if args.diff or args.check:
        return EXIT_FINDINGS if changed else EXIT_CLEAN
    return EXIT_FINDINGS if remaining else EXIT_CLEAN


def cmd_import_pps(args) -> int:
    from unspun.documents import InputError
    from unspun.importers.pps import import_pps

    try:
        text = _read(args.csv)
        tsv, report = import_pps(text, os.path.basename(args.csv) if args.csv != "-" else "stdin")
    except (InputError, ValueError) as e:
        print(f"unspun: {e}", file=sys.stderr)
        return EXIT_ERROR
    if args.output == "-":
        sys.stdout.write(tsv)
    else:
        problem = _write_output(args.output, tsv.encode("utf-8"), force=False)
        if problem is not None:
            print(f"unspun: {problem}", file=sys.stderr)
            return EXIT_ERROR
    for p in report.problems:
        print(f"unspun: {p}", file=sys.stderr)
    print(
        f"imported {report.imported} of {report.rows} rows"
        f" (skipped: {report.skipped_uncertain} uncertain, {report.skipped_empty} without expected text,"
        f" {report.duplicates} duplicates, {len(report.problems)} unusable)",
        file=sys.stderr,
    )
    return EXIT_CLEAN


def cmd_serve(args) -> int:
    from unspun.lsp.server import run

    host = port = None
    if args.tcp:
        host, _, port_s = args.tcp.rpartition(":")
        if not port_s.isdigit():
            raise _Usage(f"--tcp expects HOST:PORT, got {args.tcp!r}")
        host, port = host or "127.0.0.1", int(port_s)
    return run(host=host, port=port, log_level=args.log_level)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv == ["--stdio"]:  # editors that start the server with just --stdio
        argv = ["serve", "--stdio"]
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    handler = {"check": cmd_check, "fix": cmd_fix, "serve": cmd_serve, "import-pps": cmd_import_pps}[args.command]
    try:
        return handler(args)
    except _Usage as e:
        print(f"unspun: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        except OSError:
            pass
        return EXIT_CLEAN


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
