#!/usr/bin/env bash
# Runs every test of the repository. The browser tests drive Debian's Chromium and the terminal UI
# tests run under tmux; both are installed here when missing.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} for the browser and terminal tests"
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# A test that hangs is reported by name and its host stopped, so a run always ends with a summary.
exec dotnet test Ratelord.sln --blame-hang-timeout 8m --blame-hang-dump-type none --logger "console;verbosity=normal" "$@"
