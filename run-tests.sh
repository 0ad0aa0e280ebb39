#!/usr/bin/env bash
# Sets everything up from a fresh clone and runs the whole suite twice: on SQLite, then on a
# throwaway PostgreSQL server started here on loopback (Debian's postgresql is installed if missing).
set -euo pipefail
cd "$(dirname "$0")"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt

# Browser tests drive Debian's Chromium through Playwright (no browser download); a Chinese font
# makes their screenshots (test-artifacts/screenshots/) readable.
missing=""
command -v chromium >/dev/null 2>&1 || missing="chromium"
fc-list 2>/dev/null | grep -qi "wqy\|noto.*cjk" || missing="$missing fonts-wqy-microhei"
if [ -n "$missing" ]; then
  echo "Installing Debian's$missing for the browser tests"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
fi

echo "== test suite on SQLite"
.venv/bin/python -m pytest -q "$@"

echo "== test suite on PostgreSQL"
source scripts/postgres.sh
start_postgres
trap stop_postgres EXIT
TEST_DATABASE_URL="$POSTGRES_URL" .venv/bin/python -m pytest -q "$@"
