"""Runs unspun from the libraries the VS Code extension ships (`bundled/libs`: unspun and its pure-Python
dependencies) with whatever Python interpreter the extension picked.

    python unspun_server.py serve [--log-level LEVEL] [--stdio]   the language server (the default)
    python unspun_server.py check|fix ...                           the command line
    python unspun_server.py --check                                 what this interpreter lacks, as JSON

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


def check():
    """What the extension needs to know about this interpreter, as one line of JSON on stdout."""
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
        print(json.dumps(report))
        return 0
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
    print(json.dumps(report))
    return 0


def main(argv):
    set_path()
    if argv[:1] == ["--check"]:
        return check()
    if not argv or argv[0].startswith("-"):
        argv = ["serve"] + argv
    from unspun.cli import main as cli

    return cli(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
