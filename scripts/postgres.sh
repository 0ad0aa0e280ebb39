# Start and stop a throwaway PostgreSQL cluster on 127.0.0.1 for the tests (sourced by run-tests.sh).

pg_bin() {
  local found
  found=$(command -v pg_ctl 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$found" ] && dirname "$found"
}

install_postgres() {
  echo "PostgreSQL not found: installing Debian's postgresql package"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
}

as_pg_user() {
  # initdb and postgres refuse to run as root; Debian's package creates the postgres user.
  # Run from / so the postgres user is not left in a folder it cannot enter.
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

start_postgres() {
  local bin
  bin=$(pg_bin) || true
  if [ -z "${bin:-}" ]; then install_postgres; bin=$(pg_bin); fi
  PG_DIR=$(mktemp -d /tmp/loanflow-pg.XXXXXX)
  chmod 755 "$PG_DIR"
  [ "$(id -u)" -eq 0 ] && chown postgres "$PG_DIR"
  PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_pg_user "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  as_pg_user "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off -c max_connections=100" start >/dev/null
  PG_CTL="$bin/pg_ctl"
  POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/postgres"
  export POSTGRES_URL
  echo "PostgreSQL on 127.0.0.1:$PG_PORT"
}

stop_postgres() {
  [ -n "${PG_DIR:-}" ] || return 0
  as_pg_user "$PG_CTL" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
