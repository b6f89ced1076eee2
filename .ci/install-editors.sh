#!/usr/bin/env bash
# Install the editors that tests/editors drives: Neovim, Emacs + eglot, Vim + ALE (run inside tmux).
# Idempotent and quiet: does nothing when everything is already installed; exits non-zero on failure.
set -euo pipefail

packages=(neovim emacs-nox elpa-eglot vim vim-ale tmux)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ "${#missing[@]}" -eq 0 ] && exit 0

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-editors: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$log" 2>&1; then
  echo "install-editors: apt-get update failed:" >&2; cat "$log" >&2; exit 1
fi
if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >"$log" 2>&1; then
  echo "install-editors: apt-get install ${packages[*]} failed:" >&2; cat "$log" >&2; exit 1
fi
echo "install-editors: installed ${missing[*]}"
