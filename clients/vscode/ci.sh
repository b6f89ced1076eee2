#!/usr/bin/env bash
# Tests of the VS Code extension: install what they need, compile, run the unit tests, package the .vsix and
# run the end-to-end test in code-server + headless Chromium.
#
# Expects `python3` on PATH (3.10 or later) with numpy and pip: the .vsix ships unspun and its pure-Python
# dependencies (bundled/libs, fetched with pip), and the extension runs them with python3 from PATH, as it
# does for a user who configured nothing. code-server is installed once into ${UNSPUN_CI_CACHE:-$XDG_CACHE_HOME/unspun-ci}
# and reused by later runs. Screenshots go to test-artifacts/vscode/ at the root of the repository.
# Exits non-zero on any failure, and when no test ran.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$here"
start=$SECONDS

# npm tools keep state under XDG_CONFIG_HOME (update notifiers): keep it out of the home folder
ci_tmp="$(mktemp -d)"
trap 'rm -rf "$ci_tmp"' EXIT
export XDG_CONFIG_HOME="$ci_tmp/config" NO_UPDATE_NOTIFIER=1

step() { printf '\n== vscode: %s (%ds)\n' "$1" "$((SECONDS - start))"; }
fail() { echo "vscode: FAILED: $*" >&2; exit 1; }

step "checks"
command -v node >/dev/null || fail "node is not installed (Node 20 is needed)"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || fail "Node $node_major found; code-server 4.99.3 and @vscode/vsce 3 need Node 20"
python3 -c 'import sys, numpy; assert sys.version_info >= (3, 10)' >/dev/null 2>&1 ||
  fail "python3 on PATH ($(command -v python3 || echo none)) must be Python 3.10+ with numpy (python3 -m pip install numpy)"
python3 -m pip --version >/dev/null 2>&1 || fail "python3 on PATH has no pip (needed to bundle the pure-Python libraries)"
echo "node $(node --version), npm $(npm --version), $(python3 --version) with numpy at $(command -v python3)"

step "system packages"
# chromium runs the workbench, ripgrep stands in for the binary @vscode/ripgrep would download, the rest build
# code-server's native modules.
needed=(chromium ripgrep libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config make g++ python3)
missing=()
for p in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq || fail "apt-get update"
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    fail "apt-get install ${missing[*]}"
else
  echo "all present"
fi
chromium_bin="${CHROMIUM:-/usr/bin/chromium}"
[ -x "$chromium_bin" ] || fail "no Chromium at $chromium_bin"

step "npm ci"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error || fail "npm ci"  # no install scripts needed: keytar and vsce-sign are only for publishing

step "compile"
npm run -s compile || fail "TypeScript compilation"

step "unit tests"
unit_log="$(mktemp)"
set +e
npm run -s test:unit 2>&1 | tee "$unit_log"
unit_rc=${PIPESTATUS[0]}
set -e
unit_pass="$(sed -n 's/^[^a-z]*pass \([0-9][0-9]*\)$/\1/p' "$unit_log" | tail -1)"
rm -f "$unit_log"
[ "$unit_rc" -eq 0 ] || fail "unit tests"
[ "${unit_pass:-0}" -gt 0 ] || fail "no unit test ran"

step "package (with the server's Python code in bundled/)"
rm -f unspun.vsix
npm run -s package || fail "vsce package"
[ -s unspun.vsix ] || fail "no unspun.vsix"
ls -l unspun.vsix

step "code-server"
code_server="$(bash scripts/install-code-server.sh | tail -1)" || fail "installing code-server"
[ -x "$code_server" ] || fail "code-server not found at '$code_server'"
echo "$code_server"

step "end-to-end test"
node out/test/e2e/run.js \
  --code-server "$code_server" \
  --vsix "$here/unspun.vsix" \
  --artifacts "$repo/test-artifacts/vscode" || fail "end-to-end test (screenshots and logs in test-artifacts/vscode/)"

step "done"
echo "vscode: unit tests and end-to-end test passed in $((SECONDS - start)) s"
