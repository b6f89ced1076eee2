"""Runs unspun from the libraries the VS Code extension ships (`bundled/libs`: unspun and its pure-Python
dependencies) with whatever Python interpreter the extension picked.

    python unspun_server.py serve [--log-level LEVEL] [--stdio]   the language server (the default)
    python unspun_server.py check|fix ...                           the command line
    python unspun_server.py --check                                 what this interpreter lacks, as JSON
    python unspun_server.py --check-first serve ...                 the same JSON as the first line of standard
                                                                    error ("unspun-check: {...}"), then the server
                                                                    when nothing is lacking (else exit 3)

Compiled dependencies cannot ship for every interpreter: numpy must be installed for the interpreter itself.
rapidfuzz is used from the interpreter when it has it, else from `bundled/fallback` (its pure-Python
implementation). Written for any Python 3 so that `--check` can tell an interpreter that is too old.
"""

import importlib
import importlib.util
import json
import os
import sys

BUNDLED = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIBS = os.path.join(BUNDLED, "libs")
FALLBACK = os.path.join(BUNDLED, "fallback")
MIN_PYTHON = (3, 10)
#: compiled packages the interpreter must provide: (module, requirement to install)
REQUIRED = [("numpy", "numpy>=1.24")]
#: compiled packages used when present: rapidfuzz (else its pure-Python fallback); pocketsphinx, whose data is
#: the language model that confirms findings (without it, findings are not confirmed by a model)
RECOMMENDED = [("rapidfuzz", "rapidfuzz>=3.5"), ("pocketsphinx", "pocketsphinx>=5.0")]


def set_path():
    if os.path.isdir(LIBS):
        sys.path.insert(0, LIBS)
    if os.path.isdir(FALLBACK):
        sys.path.append(FALLBACK)


#: how `--check-first` marks its report on standard error
CHECK_MARK = "unspun-check: "


def check():
    """What the extension needs to know about this interpreter, as one line of JSON on stdout."""
    print(json.dumps(report_of_interpreter()))
    return 0


def usable(report):
    return not report["error"] and not report["missing"] and bool(report["unspun"])


def report_of_interpreter():
    """What the extension needs to know about this interpreter: its version, the compiled packages it lacks or
    would do better with, and unspun's version (None, with `error`, when unspun cannot be imported)."""
    report = {
        "python": "%d.%d.%d" % sys.version_info[:3],
        "executable": sys.executable,
        "bundled": os.path.isdir(LIBS),
        "missing": [],
        "recommended": [],
        "unspun": None,
        "error": None,
    }
    if sys.version_info[:2] < MIN_PYTHON:
        report["error"] = "Python %d.%d or later is needed" % MIN_PYTHON
        return report
    for module, requirement in REQUIRED:
        try:
            importlib.import_module(module)
        except Exception as e:  # noqa: BLE001 - missing, or installed but broken: either way it must be installed
            report["missing"].append(requirement)
            report.setdefault("details", []).append("%s: %s" % (module, e))
    for module, requirement in RECOMMENDED:
        spec = None
        try:
            spec = importlib.util.find_spec(module)
        except (ImportError, ValueError):
            pass
        if spec is None or (FALLBACK and os.path.dirname(str(spec.origin or "")).startswith(FALLBACK)):
            report["recommended"].append(requirement)
    try:
        import unspun

        report["unspun"] = unspun.__version__
        report["unspunPath"] = os.path.dirname(unspun.__file__)
    except Exception as e:  # noqa: BLE001
        report["error"] = "unspun cannot be imported: %s" % e
    return report


def main(argv):
    set_path()
    if argv[:1] == ["--check"]:
        return check()
    if argv[:1] == ["--check-first"]:
        # the check the extension needs before it talks to the server, made by the server's own process (it
        # imports the same packages anyway): one interpreter start instead of two on the way to the first
        # diagnostics
        argv = argv[1:]
        report = report_of_interpreter()
        sys.stderr.write(CHECK_MARK + json.dumps(report) + "\n")
        sys.stderr.flush()
        if not usable(report):
            return 3
    if not argv or argv[0].startswith("-"):
        argv = ["serve"] + argv
    from unspun.cli import main as cli

    return cli(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
