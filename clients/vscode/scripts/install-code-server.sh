#!/usr/bin/env bash
# Install code-server (the version the end-to-end test drives) into a cache directory outside the repository,
# so later runs reuse it. Prints the path of the code-server executable on its last line.
set -euo pipefail

version="${CODE_SERVER_VERSION:-4.99.3}"
cache="${UNSPUN_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/unspun-ci}"
prefix="$cache/code-server-$version"
bin="$prefix/node_modules/.bin/code-server"

if [ -x "$bin" ] && [ -f "$prefix/.complete" ]; then
  echo "$bin"
  exit 0
fi

rm -rf "$prefix"
mkdir -p "$prefix"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# @vscode/ripgrep downloads a binary at install time, which this machine cannot: seed its cache with a
# tarball of the system's rg under the name it looks for.
rg_bin="$(command -v rg)"
mkdir -p "$work/tmp/vscode-ripgrep-cache-1.15.11" "$work/rg"
cp "$rg_bin" "$work/rg/rg"
for target in x86_64-unknown-linux-musl aarch64-unknown-linux-musl; do
  for v in v13.0.0-10 v13.0.0-13; do
    tar -czf "$work/tmp/vscode-ripgrep-cache-1.15.11/ripgrep-$v-$target.tar.gz" -C "$work/rg" rg
  done
done

cd "$prefix"
echo '{"name":"unspun-ci-code-server","private":true}' > package.json
TMPDIR="$work/tmp" \
XDG_CACHE_HOME="$work/xdg-cache" \
npm_config_cache="$cache/npm-cache" \
npm_config_unsafe_perm=true \
npm_config_nodedir=/usr \
npm_config_yes=true \
  npm install --no-audit --no-fund --loglevel=error "code-server@$version" >&2
[ -x "$bin" ] || { echo "code-server was not installed" >&2; exit 1; }
touch "$prefix/.complete"
echo "$bin"
