"""Command line: `unspun check`, `fix`, `report`, `serve`, `import-pps`, `learn`, `completion` (docs/cli.md).

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
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from unspun import __version__

if TYPE_CHECKING:
    from unspun.results import FileResult

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors: one line, exit 2, and a suggestion for a mistyped command
        from rapidfuzz import process

        if "invalid choice" in message and self.prog.endswith("unspun"):
            bad = message.split("'")[1] if "'" in message else ""
            guess = process.extractOne(bad, list(COMMANDS), score_cutoff=60)
            if guess:
                message += f" (did you mean '{guess[0]}'?)"
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message}\n")


CHECK_EXAMPLES = """\
examples:
  unspun check paper.md                     report likely spins, one per line
  unspun check docs/ --statistics           counts by rule and a spin-score histogram
  unspun check . --format sarif > out.sarif for code scanning (GitHub, other SARIF viewers)
  unspun check . --format github            annotations in a GitHub Actions log
  unspun check . --select fingerprint       only known tortured phrases
  unspun check . --ignore substitution/open-vocabulary --show-source
  cat text.txt | unspun check -             standard input
  unspun check --format json paper.tex | jq '.summary'

exit codes: 0 nothing found (or --exit-zero), 1 likely spins found, 2 usage error, bad configuration with
nothing checked, or an input that could not be read (the other files are still checked and reported).
"""

FIX_EXAMPLES = """\
examples:
  unspun fix paper.md                       rewrite the file with the safe fixes applied
  unspun fix --diff paper.md | patch -p1    review as a patch first
  unspun fix --check docs/                  in CI: exit 1 if a fix would change something
  unspun fix paper.md -o fixed.md           write the result elsewhere ('-' for standard output)

exit codes: 0 done and nothing left to report, 1 findings left that need review (or, with --diff/--check,
something would change), 2 usage error, an input that could not be read or a file that was not written.
"""


def _add_input_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "paths", nargs="+", metavar="PATH",
        help="a file, a folder (walked for the file types to check) or '-' for standard input",
    )
    g = p.add_argument_group("selection")
    g.add_argument("--select", action="append", default=[], metavar="RULE", help="only findings of these kinds or rules, comma-separated (fingerprint, substitution, fingerprint/news, ...)")
    g.add_argument("--ignore", action="append", default=[], metavar="RULE", help="leave out findings of these kinds or rules, comma-separated")
    g.add_argument("--no-ignore", action="store_true", help="walk folders without reading .gitignore and .ignore files")
    g.add_argument("--force-exclude", action="store_true", help="apply the configuration's ignore list and the ignore files to files named on the command line too")
    g.add_argument("-v", "--verbose", action="store_true", help="say which files and folders were skipped, and why")
    g.add_argument("-q", "--quiet", action="store_true", help="print findings and errors only: no summary, notices or progress")
    g.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings are reported (2 still means an error)")


def _add_engine_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("detection")
    _add_setting_options(g)
    g.add_argument("--language", metavar="NAME", help="read every input as this format (markdown, latex, html, rst, plain, python, ...); default: by file extension, plain text for standard input")
    cfg = g.add_mutually_exclusive_group()
    cfg.add_argument("--config", metavar="FILE", help="use this configuration file (unspun.toml or pyproject.toml) for every input")
    cfg.add_argument("--no-config", action="store_true", help="ignore configuration files")


def _add_setting_options(g) -> None:
    """The options that set a setting of `unspun.settings.schema` (`--min-confidence`, ...): their help, choices
    and defaults come from there."""
    from unspun.settings import schema

    for setting in schema.flag_settings():
        kw: dict = {"help": setting.help()}
        if setting.type == "bool":
            kw.update(action="store_true", default=None)
        elif setting.repeatable:
            kw.update(action="append", default=[])
        else:
            kw["default"] = None
        if setting.type in ("number", "integer"):
            kw["type"] = float if setting.type == "number" else int
        if setting.choices is not None and setting.type == "choice":
            kw["choices"] = list(setting.choices)
        elif setting.metavar:
            kw["metavar"] = setting.metavar
        g.add_argument(setting.flag, **kw)


def setting_flags(args) -> dict:
    """The settings the command line sets (canonical name -> typed value), checked as every front end checks
    them (a value that does not fit is a usage error); a layer for `unspun.settings.resolve`."""
    from unspun.settings import schema
    from unspun.settings.validate import Invalid, check

    out = {}
    for setting in schema.flag_settings():
        value = getattr(args, setting.flag.lstrip("-").replace("-", "_"), None)
        if value is None or value == []:
            continue
        if setting.flag_negates:
            value = not value
        try:
            out[setting.name] = check(setting, value)
        except Invalid:
            raise _Usage(f"{setting.flag} must be {setting.accepts()}, got {value!r}") from None
    return out


COMMANDS = ("check", "fix", "report", "serve", "import-pps", "learn", "completion")


def build_parser() -> argparse.ArgumentParser:
    from unspun.renderers import REGISTRY

    parser = _Parser(prog="unspun", description="Find garbled synonym substitutions (tortured phrases) in prose and restore the intended wording.")
    parser.add_argument("--version", action="version", version=f"unspun {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    raw = argparse.RawDescriptionHelpFormatter

    c = sub.add_parser("check", help="report likely spins", description="Report likely spins in files, folders or standard input ('-').", epilog=CHECK_EXAMPLES, formatter_class=raw)
    _add_input_options(c)
    o = c.add_argument_group("output")
    o.add_argument(
        "--format", choices=list(REGISTRY), default="text",
        help="; ".join(f"{name}: {renderer.help}" for name, renderer in REGISTRY.items()),
    )
    o.add_argument("--show-source", action="store_true", help="text format: show each finding's line with the span underlined")
    o.add_argument("--statistics", action="store_true", help="text format: counts by rule and a spin-score histogram instead of each finding")
    o.add_argument(
        "--paragraphs", action="store_true",
        help="also report each paragraph whose own spin score reaches the threshold (JSON always lists them all)",
    )
    c.add_argument(
        "-j", "--jobs", type=int, default=0, metavar="N",
        help="check files in N processes, at most one per core (default: one per core when the files hold 500 KB or more, else 1)",
    )
    scale = c.add_argument_group("corpus scale")
    scale.add_argument("--dask", metavar="ADDRESS", help="check the files on this Dask scheduler's workers (tcp://host:8786); they must see the same paths")
    scale.add_argument("--resume", metavar="FILE", help="append each file's JSON record to FILE; run again, skip the files FILE holds as checked")
    _add_engine_options(c)

    f = sub.add_parser("fix", help="restore the intended wording", description="Apply the best replacement of every finding that is safe to fix automatically.", epilog=FIX_EXAMPLES, formatter_class=raw)
    _add_input_options(f)
    out = f.add_mutually_exclusive_group()
    out.add_argument("--diff", action="store_true", help="print a unified diff instead of writing (exit 1 if it shows a change)")
    out.add_argument("--check", action="store_true", help="write nothing; list the files that would change (exit 1 if any)")
    out.add_argument("-o", "--output", metavar="OUT", help="write the fixed text here (one input only; '-' for standard output)")
    f.add_argument("--unsafe", action="store_true", help="also apply fixes below the safe confidence")
    f.add_argument("--force", action="store_true", help="also rewrite read-only files (keeping their mode)")
    _add_engine_options(f)

    r = sub.add_parser(
        "report", help="write an HTML report of a corpus",
        description="Write a self-contained HTML report: documents ranked by spin score, a histogram of spin"
        " scores, each finding in context with its suggested restoration, filters by kind.",
        epilog="examples:\n  unspun report corpus/ -o report.html\n  unspun report --select fingerprint papers/ -o fp.html\n",
        formatter_class=raw,
    )
    _add_input_options(r)
    r.add_argument("-o", "--output", metavar="OUT", required=True, help="the HTML file to write")
    r.add_argument("-j", "--jobs", type=int, default=0, metavar="N", help="check files in N processes (as check)")
    _add_engine_options(r)

    s = sub.add_parser("serve", help="start the language server", description="Start the language server (stdio by default).")
    s.add_argument("--stdio", action="store_true", help="talk over stdin/stdout (the default)")
    s.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP address instead")
    s.add_argument("--log-level", choices=["debug", "info", "warning", "error"], default="info")

    i = sub.add_parser("import-pps", help="convert a Problematic Paper Screener CSV export into a lexicon", description="Convert a Problematic Paper Screener CSV export (Fingerprint - Tortured Phrase, Expected Text, Nb Retrieved Papers) into an unspun lexicon.")
    i.add_argument("csv", metavar="CSV", help="the CSV export ('-' for standard input)")
    i.add_argument("-o", "--output", metavar="OUT", default="-", help="lexicon file to write (default: standard output)")

    from unspun.completion import SHELLS

    k = sub.add_parser(
        "completion", help="print a shell completion script", description="Print a completion script for a shell.",
        epilog="examples:\n  unspun completion bash > ~/.local/share/bash-completion/completions/unspun\n"
        "  unspun completion zsh > ~/.zfunc/_unspun        (with fpath+=~/.zfunc before compinit)\n"
        "  unspun completion fish > ~/.config/fish/completions/unspun.fish\n",
        formatter_class=raw,
    )
    k.add_argument("shell", choices=SHELLS)

    from unspun.learn import command as learn_command

    learn_command.add_parser(sub)
    return parser


class _Run:
    """What one `check` / `fix` run shares: engines by lexicon set, configuration files, reported problems."""

    def __init__(self, args):
        from unspun.engine.npzfile import map_members

        map_members()  # a run touches little of the cached model and synonym index: map them, do not read them

        self.args = args
        from unspun.results import Selection
        from unspun.settings import resolve

        #: what the command line sets: the top layer of `unspun.settings.resolve`, over each file's configuration
        self.cli_settings = setting_flags(args)
        self.selection = Selection(_rule_list(args.select), _rule_list(args.ignore))
        self.base = resolve.options()
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
                    [*self.cli_settings.get("lexicons", ()), *extra_lexicons], self.base,
                    builtin=self.cli_settings.get("builtin_lexicons", True),
                )
            except LexiconError as e:
                if not extra_lexicons:
                    raise _Usage(str(e)) from None
                print(f"unspun: {e} [configuration lexicon]", file=sys.stderr)
                self.config_errors = True
                return self.engine(())
            for p in problems:
                print(f"{p} [lexicon]", file=sys.stderr)
            engine.keep_features = False  # (no command reads the estimates' features of a finding)
            self._engines[extra_lexicons] = engine
        return self._engines[extra_lexicons]

    def analyze(self, path: str, text: str):
        """The analysis of one file's prose, with its configuration."""
        return self.analyze_with_options(path, text)[0]

    def analyze_with_options(self, path: str, text: str):
        """(the analysis of one file's prose, the options it was made with): `unspun.pipeline.check`."""
        from unspun import pipeline

        engine, options = self._effective(path)
        checked = pipeline.check(text, self.format_of(path), engine, options)
        return checked.analysis, checked.options

    def format_of(self, path: str) -> str:
        """The format a file is read as: --language, else by its name (plain text for standard input)."""
        from unspun.pipeline import format_of

        return format_of(path, forced=self.language)

    def _effective(self, path: str):
        """(the engine of the file's lexicons, the effective options): the file's configuration and the
        command-line options resolved by `unspun.settings.resolve`, as every analysis of a file uses them."""
        from unspun.settings import resolve

        cfg = self.config(path)
        return self.engine(cfg.lexicons), resolve.options(cfg.values(), self.cli_settings)

    def analyze_for_report(self, path: str, text: str):
        """(the analysis of one file's prose, the options it was made with), as `check` and `report` want it: a
        file of more than LARGE_CHARS characters is analysed section by section (`_SectionedAnalysis`), so
        that memory stays bounded whatever its size."""
        if len(text) <= LARGE_CHARS:
            return self.analyze_with_options(path, text)
        from unspun import pipeline

        engine, options = self._effective(path)
        engine, prose = pipeline.prepare(text, self.format_of(path), engine, options)
        return _SectionedAnalysis(engine, text, prose.segments), engine.options

    def walk(self, paths: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
        """(files to check, files named on the command line that --force-exclude leaves out, with why); see
        `unspun.walk`."""
        from unspun import markup
        from unspun.walk import Walker

        def wanted(path: str) -> bool:
            fmt = self.language or markup.format_for_path(path)
            return fmt is not None and self.config(path).checks_format(fmt)

        def skipped(path: str, why: str) -> None:
            if self.args.verbose:
                print(f"unspun: skipped {path}: {why}", file=sys.stderr)

        walker = Walker(
            wanted=wanted, config_ignores=lambda path: self.config(path).ignores(path),
            use_ignore_files=not self.args.no_ignore, force_exclude=self.args.force_exclude, on_skip=skipped,
        )
        files, excluded = walker.files(paths)
        for path, why in excluded:
            skipped(path, why)
        return files, excluded


class _Usage(Exception):
    pass


#: `check` and `report` analyse a file of more characters than this (about 500,000 words) section by section
LARGE_CHARS = 3_000_000
#: the size of those sections (about 100,000 words), cut at a blank line where there is one near, else at a
#: line end, else at a space
SECTION_CHARS = 600_000


def section_bounds(text: str, size: int) -> list[tuple[int, int]]:
    """`text` cut into consecutive spans of about `size` characters (at least `size`, except the last), each
    cut after a paragraph break at or after `size` characters into the span, else after a line end, else after
    white space, else at the end."""
    import re

    out: list[tuple[int, int]] = []
    start, n = 0, len(text)
    while n - start > size:
        at = start + size
        m = re.compile(r"\n[ \t]*\r?\n").search(text, at, min(n, at + size))
        if m is None:
            m = re.compile(r"\n").search(text, at, min(n, at + size)) or re.compile(r"\s").search(text, at)
        end = n if m is None else m.end()
        out.append((start, end))
        start = end
    if start < n or not out:
        out.append((start, n))
    return out


class _SectionedAnalysis:
    """The analysis of a large file, made one section (`section_bounds`, SECTION_CHARS) at a time so that only
    one section's analysis is in memory at once: its findings and paragraphs with offsets in the whole text.
    Each section is analysed as a document of its own, so the spin score of a section decides whether its
    substitutions are shown (a long file that is spun in places is judged place by place); the file's spin
    score is its most spun section's, and it looks spun when a section does."""

    def __init__(self, engine, text: str, segments):
        self._engine, self._text, self._segments = engine, text, segments
        self._paragraphs: list[tuple[int, int, float]] = []
        self.word_count = 0
        self.spin_score = 0.0
        self.spun = False
        self._done = False

    @property
    def findings(self) -> list:
        """All the findings (for a caller that wants them at once; `sections` gives them a section at a time)."""
        return [f for found in self.sections() for f in found]

    def sections(self):
        """Analyse the file section by section, yielding each section's findings (offsets in the whole text);
        the spin score, words and paragraphs are complete once the last has been yielded."""
        from dataclasses import replace

        from unspun.engine.model import Findings

        engine, text = self._engine, self._text
        self._paragraphs, self.word_count, self.spin_score, self.spun = [], 0, 0.0, False
        segs = sorted(self._segments)
        k = 0
        for a, b in section_bounds(text, SECTION_CHARS):
            while k < len(segs) and segs[k][1] <= a:
                k += 1
            mine = []
            j = k
            while j < len(segs) and segs[j][0] < b:
                s, e = max(segs[j][0], a), min(segs[j][1], b)
                if e > s:
                    mine.append((s - a, e - a))
                j += 1
            analysis = engine.analyze(text[a:b], segments=mine)
            findings = analysis.findings
            if isinstance(findings, Findings):  # (moved once, without the placements an analysis keeps)
                found = findings.moved(a)
            else:
                found = [replace(f, start=f.start + a, end=f.end + a) for f in findings]
            del findings
            self._paragraphs += [(s + a, e + a, score) for s, e, score in analysis.worded_paragraphs()]
            self.word_count += analysis.word_count
            if analysis.spin_score > self.spin_score:
                self.spin_score = analysis.spin_score
            self.spun = self.spun or analysis.spun
            del analysis
            ov = engine.loaded_open_vocabulary  # (only once loaded: a clean file never needs it)
            if ov is not None:
                ov.share_words()
            yield found
            del found  # (the caller has made its records: not kept while the next section is analysed)
        self._done = True

    def worded_paragraphs(self):
        if not self._done:
            for _ in self.sections():
                pass
        return iter(self._paragraphs)


def _rule_list(values: list[str]) -> list[str]:
    """--select / --ignore values: comma-separated kinds (`fingerprint`) or rules (`fingerprint/news`)."""
    from unspun.settings.schema import KINDS, LEGACY_KINDS

    out = []
    for v in values:
        for token in v.split(","):
            token = token.strip().lower()
            if not token:
                continue
            if token.split("/", 1)[0] not in (*KINDS, *LEGACY_KINDS):
                raise _Usage(f"unknown kind or rule {token!r} (rules start with a kind: {', '.join(KINDS)})")
            out.append(token)
    return out


def _read(path: str) -> str:
    from unspun.documents import decode, read_document

    if path == "-":
        return decode(sys.stdin.buffer.read(), "<stdin>")
    return read_document(path)


def _display(path: str) -> str:
    return "<stdin>" if path == "-" else path


def _check_one(run: "_Run", path: str, spool: bool = False) -> "FileResult":
    """Check one document: its structured result (skipped, with the reason, if it cannot be read). With `spool`
    (where the result stays in this process), a large file's findings are kept in a temporary file rather than
    in memory (`SpooledFindings`) as each section's are made."""
    import re

    from unspun.documents import InputError
    from unspun.engine import fix_edits
    from unspun.positions import PositionIndex
    from unspun.results import SKIPPED, FileResult, SpooledFindings, finding_record

    name = _display(path)
    try:
        text = _read(path)
    except InputError as e:
        return FileResult(name, SKIPPED, e.reason, error=not e.skipped)
    analysis, options = run.analyze_for_report(path, text)
    index = PositionIndex(text, "utf-32")
    sectioned = isinstance(analysis, _SectionedAnalysis)
    records: list[dict] | SpooledFindings = SpooledFindings() if spool and sectioned else []
    strings: dict[str, str] = {}
    # a large file's findings come section by section, each section's turned into records before the next is
    # analysed (sections never share a finding, so the fixes chosen per section are those chosen for the file)
    for found in analysis.sections() if sectioned else (analysis.findings,):
        findings = run.selection.filter(found)
        applicable = {(e.start, e.end) for e in fix_edits(findings, only_safe=True)}
        for f in findings:
            rec = finding_record(f, index, (f.start, f.end) in applicable)
            # one copy of each message and written text (a spun file repeats them thousands of times)
            rec["message"] = strings.setdefault(rec["message"], rec["message"])
            rec["text"] = strings.setdefault(rec["text"], rec["text"])
            records.append(rec)
        del found, findings
        if isinstance(records, SpooledFindings):
            strings.clear()  # (the records are on disk: a later section's need not be the same objects)
    result = FileResult(
        name, spin_score=analysis.spin_score, spun=analysis.spun, spin_threshold=options.spin_threshold,
        words=analysis.word_count,
        findings=records,
        paragraphs=[
            {"start": s, "end": e, "line": index.text_position(s)[0], "end_line": index.text_position(e)[0], "spin_score": score}
            for s, e, score in analysis.worded_paragraphs()
        ],
    )
    if run.args.command == "report":
        from unspun.htmlreport import CONTEXT

        def around(start: int, end: int) -> tuple[str, str]:
            a, b = max(0, start - CONTEXT), min(len(text), end + CONTEXT)
            return ("\u2026" if a else "") + text[a:start], text[end:b] + ("\u2026" if b < len(text) else "")

        result.contexts = [around(f["start"], f["end"]) for f in result.findings]
    elif result.findings and _renderer_class(run.args).wants_lines(_view(run.args)):
        lines = re.split(r"\r\n|\r|\n", text)
        result.lines = {f["line"]: lines[f["line"]] for f in result.findings}
    return result


#: with --jobs 0, files are checked in parallel when there are at least two and they hold this many bytes in all
#: (about 85,000 words: a forked worker starts in a fraction of a second, but below this clean prose takes less
#: than that to check)
PARALLEL_BYTES = 500_000

_worker_run: "_Run | None" = None


def _worker_init(args) -> None:
    """A worker's start: a forked worker inherits the parent's run (its engine loaded, its model and synonym
    index mapped: shared copy-on-write); a spawned one (where fork is not available) makes its own."""
    global _worker_run
    if _worker_run is None:
        _worker_run = _Run(args)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _jobs(args, paths: list[str]) -> int:
    """How many processes check `paths`: --jobs N (at most one per file and per core: more would only compete
    for the cores), or with --jobs 0 one per core when the work is large enough to share."""
    if len(paths) < 2 or "-" in paths:
        return 1
    if args.jobs:
        return max(1, min(args.jobs, len(paths), _cores()))
    total = 0
    for p in paths:
        try:
            total += os.path.getsize(p)
        except OSError:
            pass
    return min(_cores(), len(paths)) if total >= PARALLEL_BYTES else 1


#: a spun sentence analysed before forking workers, so that what the engine builds on first use is built once
_WARM_UP = (
    "The UN Secretary-Common mentioned at an information convention that international locations face a"
    " profound learning curve in counterfeit consciousness."
)


def _warm(engine) -> None:
    """Load and build, in the parent, everything the engine otherwise makes on first use in each worker: the
    model, the synonym index and the candidate table, their word look-up dicts, the lexicon structures."""
    ov = engine.open_vocabulary
    if ov is not None:
        ov.share_words()
        ov.model.index_words()
        ov.thesaurus.index_words()
        ov._from_table([])  # loads the candidate table
        table = ov._table
        if table:
            table.names  # noqa: B018 - decoded once
    engine.analyze(_WARM_UP)


def _pool(run: "_Run", jobs: int):
    """A process pool of `jobs` workers forked from this process once its engine is loaded (copy-on-write:
    nothing is loaded again); spawned workers that load their own where fork is not available."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _worker_run
    if "fork" in multiprocessing.get_all_start_methods():
        _warm(run.engine(()))
        _worker_run = run
        from unspun.process import settle_heap

        # what the parent holds stays out of the workers' garbage collections, which would otherwise touch (and
        # so copy) every page of it in each worker
        settle_heap()
        context = multiprocessing.get_context("fork")
    else:
        context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_worker_init, initargs=(run.args,))


def _worker_check(path: str):
    assert _worker_run is not None
    return _check_one(_worker_run, path)


class _Progress:
    """A progress bar on standard error when it is a terminal (and the run is long enough to need one)."""

    def __init__(self, total: int, quiet: bool):
        self.bar = None
        if not quiet and total > 1 and sys.stderr.isatty():
            import shutil

            from tqdm import tqdm

            width = shutil.get_terminal_size().columns  # 80 where the terminal does not say
            self.bar = tqdm(total=total, file=sys.stderr, unit="file", leave=False, ncols=width)

    def output(self):
        """A context in which to write to the terminal without garbling the bar."""
        import contextlib

        if self.bar is None:
            return contextlib.nullcontext()
        return self.bar.external_write_mode(file=sys.stderr)

    def step(self) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _exit_code(args, errors: bool, nothing_done: bool, found: bool) -> int:
    if errors or nothing_done:
        return EXIT_ERROR
    return EXIT_FINDINGS if found and not args.exit_zero else EXIT_CLEAN


def _report_skip(result, quiet: bool) -> None:
    if result.error:
        print(f"unspun: {result.path}: {result.reason}", file=sys.stderr)
    elif not quiet:
        print(f"unspun: {result.path}: {result.reason}; skipped", file=sys.stderr)


def _renderer_class(args):
    from unspun.renderers import REGISTRY

    return REGISTRY[args.format]


def _view(args):
    """What `check`'s options ask of the output."""
    from unspun.renderers import View

    return View(show_source=args.show_source, paragraphs=args.paragraphs, statistics=args.statistics, quiet=args.quiet)


def cmd_check(args) -> int:
    renderer = _renderer_class(args)(sys.stdout, sys.stderr, _view(args))
    run, results, summary = _check_all(args, renderer)
    renderer.finish(results, summary)
    return _run_exit_code(args, run, results, summary, found=bool(summary["findings"]))


def _run_exit_code(args, run: "_Run", results: list, summary: dict, found: bool) -> int:
    errors = any(r.error for r in results)
    return _exit_code(args, errors=errors, nothing_done=run.config_errors and not summary["checked"], found=found)


def cmd_report(args) -> int:
    from unspun.htmlreport import render
    from unspun.renderers import Renderer, View

    run, results, summary = _check_all(args, Renderer(sys.stdout, sys.stderr, View(quiet=args.quiet)))
    thresholds = [r.spin_threshold for r in results if r.spin_threshold]
    threshold = max(set(thresholds), key=thresholds.count) if thresholds else 2.5
    problem = _write_output(args.output, render(results, summary, threshold).encode("utf-8"), force=False)
    if problem is not None:
        print(f"unspun: {problem}", file=sys.stderr)
        return EXIT_ERROR
    if not args.quiet:
        print(
            f"{args.output}: {summary['checked']} documents, {summary['findings']} likely spins,"
            f" {summary['spun_files']} look machine-spun",
            file=sys.stderr,
        )
    return _run_exit_code(args, run, results, summary, found=False)  # findings are the report's content


def _check_all(args, renderer) -> tuple["_Run", list, dict]:
    """Check every input, feeding each result to the renderer as it comes: (run, results, summary)."""
    from unspun.results import SKIPPED, FileResult, summarize

    run = _Run(args)
    paths, excluded = run.walk(args.paths)
    if args.jobs < 0:
        raise _Usage("--jobs must be 0 (automatic) or more")
    jobs = _jobs(args, paths)
    results: list[FileResult] = []
    resume = None
    if getattr(args, "resume", None):
        from unspun.cluster import Resume

        try:
            resume = Resume(args.resume)
        except OSError as e:
            raise _Usage(f"--resume {args.resume}: cannot read: {e.strerror or e}") from None
        before = len(paths)
        for p in paths:
            if _display(p) in resume.done:
                result = FileResult.from_record(resume.done[_display(p)])
                renderer.file(result)
                results.append(result)
        paths = [p for p in paths if _display(p) not in resume.done]
        if args.verbose:
            print(f"unspun: {args.resume}: {before - len(paths)} files already checked, {len(paths)} to go", file=sys.stderr)
        try:
            resume.open()
        except OSError as e:
            raise _Usage(f"--resume {args.resume}: cannot write: {e.strerror or e}") from None
    progress = _Progress(len(paths), args.quiet)
    pool = None
    try:
        if getattr(args, "dask", None):
            from unspun.cluster import on_cluster

            stream = on_cluster(paths, args, args.dask)
        elif jobs > 1:
            pool = _pool(run, jobs)
            stream = pool.map(_worker_check, paths, chunksize=max(1, min(4, len(paths) // (4 * jobs))))
        else:
            spool = args.command == "check"  # (`report` keeps every finding, with its context, for the page)
            stream = (_check_one(run, p, spool) for p in paths)
        for result in stream:
            with progress.output():
                if result.status == SKIPPED:
                    _report_skip(result, args.quiet)
                renderer.file(result)
                sys.stdout.flush()
            results.append(result)
            if resume is not None:
                resume.add(result.record())
            progress.step()
    finally:
        progress.close()
        if resume is not None:
            resume.close()
        if pool is not None:
            pool.shutdown(cancel_futures=True)
            from unspun.process import thaw_heap

            thaw_heap()  # (settled before forking, see `_pool`)
    for path, why in excluded:
        result = FileResult(_display(path), SKIPPED, why)
        renderer.file(result)
        results.append(result)
    return run, results, summarize(results)


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


def cmd_learn(args) -> int:
    from unspun.learn import command

    return command.run(args)


def cmd_fix(args) -> int:
    from unspun.documents import InputError
    from unspun.engine.fixer import fix_until_stable
    from unspun.documents import encoded_as_read
    from unspun.safewrite import WriteRefused, replace_file

    run = _Run(args)
    paths, _excluded = run.walk(args.paths)
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
            if not (e.skipped and args.quiet):
                print(f"unspun: {e}", file=sys.stderr)
            errors = errors or not e.skipped
            continue
        findings = run.selection.filter(run.analyze(path, text).findings)
        checked += 1
        first = [findings]
        fixed, edits = fix_until_stable(
            text, lambda t: first.pop() if first else run.selection.filter(run.analyze(path, t).findings),
            only_safe=not args.unsafe,
        )
        remaining += len(findings) - len(edits)
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
            problem = _write_output(args.output, encoded_as_read(path, fixed) if path != "-" else fixed.encode("utf-8"), args.force)
        elif fixed != text:
            try:
                replace_file(path, encoded_as_read(path, text), encoded_as_read(path, fixed), force=args.force)
            except WriteRefused as e:
                problem = str(e)
            except OSError as e:
                problem = f"{path}: cannot write: {e.strerror or e}"
        if problem is not None:
            print(f"unspun: {problem}", file=sys.stderr)
            errors = True
        elif edits and not args.quiet:
            print(f"{name}: fixed {len(edits)} spin{'s' if len(edits) != 1 else ''}", file=sys.stderr)
    return _exit_code(
        args, errors=errors, nothing_done=run.config_errors and not checked,
        found=bool(changed if args.diff or args.check else remaining),
    )


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


def cmd_completion(args) -> int:
    from unspun.completion import script

    sys.stdout.write(script(args.shell, build_parser()))
    return EXIT_CLEAN


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv == ["--stdio"]:  # editors that start the server with just --stdio
        argv = ["serve", "--stdio"]
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    handler = {
        "check": cmd_check, "fix": cmd_fix, "report": cmd_report, "serve": cmd_serve, "import-pps": cmd_import_pps,
        "completion": cmd_completion, "learn": cmd_learn,
    }[args.command]
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
