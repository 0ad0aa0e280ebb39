#!/usr/bin/env bash
# Sets everything up from a fresh clone and serves the app with demo data on SQLite (instance/).
set -euo pipefail
cd "$(dirname "$0")"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
flask() { .venv/bin/flask --app wsgi "$@"; }
flask db upgrade
flask processes deploy
flask seed-demo --cases
echo "LoanFlow on http://127.0.0.1:${PORT:-5000} — log in as loan_officer / demo (see README)"
exec .venv/bin/flask --app wsgi run --host 127.0.0.1 --port "${PORT:-5000}"
