#!/usr/bin/env bash
# Fills bundled/ with the Python code the .vsix ships, so that the extension needs nothing but a Python
# interpreter with numpy:
#   bundled/libs      the unspun package (from this repository) and its pure-Python dependencies
#                     (bundled/requirements.txt, pure-Python wheels only)
#   bundled/fallback  rapidfuzz's pure-Python implementation (its compiled modules removed): used only when the
#                     interpreter has no rapidfuzz of its own
# The Python that runs pip is ${UNSPUN_BUNDLE_PYTHON:-python3}; it needs pip and the package index.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
repo="$(cd "$here/../.." && pwd)"
python="${UNSPUN_BUNDLE_PYTHON:-python3}"
rapidfuzz="${UNSPUN_BUNDLE_RAPIDFUZZ:-rapidfuzz==3.14.6}"
libs="$here/bundled/libs"
fallback="$here/bundled/fallback"

rm -rf "$libs" "$fallback"
mkdir -p "$libs" "$fallback"
pip=("$python" -m pip install --quiet --disable-pip-version-check --no-compile --no-deps)
"${pip[@]}" --target "$libs" --implementation py --only-binary=:all: -r "$here/bundled/requirements.txt"
cp -R "$repo/server/unspun" "$libs/unspun"
"${pip[@]}" --target "$fallback" --only-binary=:all: "$rapidfuzz"
find "$fallback" -type f \( -name '*.so' -o -name '*.pyd' -o -name '*.dylib' \) -delete
# no scripts, caches or compiled files
rm -rf "$libs/bin" "$fallback/bin"
find "$libs" "$fallback" -name __pycache__ -type d -prune -exec rm -rf {} +
find "$libs" "$fallback" -name '*.pyc' -delete
# the result must import, in a fresh interpreter, from these folders only (numpy aside)
"$python" -I -B -c "
import sys
sys.path[:0] = ['$libs']
sys.path.append('$fallback')
import pygls, lsprotocol, markdown_it, unspun.lsp.server, unspun.engine.matcher
print('bundled: unspun', unspun.__version__, 'with pygls', pygls.__name__ and 'ok')
"
du -sh "$libs" "$fallback" | sed "s|$here/||"
