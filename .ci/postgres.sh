#!/usr/bin/env bash
# Start a throw-away PostgreSQL server (Debian's package) on 127.0.0.1 for the test suite.
# Prints the export line to eval: eval "$(bash .ci/postgres.sh)"; stop it: bash .ci/postgres.sh --stop
set -euo pipefail
PORT=${PGPORT_TEST:-54329}
DATA=${PGDATA_TEST:-/tmp/coursesite-pg}
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  else
    echo "PostgreSQL is not installed: sudo apt-get install postgresql" >&2
    exit 1
  fi
fi
# initdb refuses to run as root: the cluster belongs to the postgres user (or to us).
RUN=()
if [ "$(id -u)" = "0" ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home /var/lib/postgresql postgres
  RUN=(runuser -u postgres --)
fi
if [ -f "$DATA/postmaster.pid" ]; then
  "${RUN[@]}" "$BIN/pg_ctl" -D "$DATA" -m fast stop >&2 || true
fi
if [ "${1:-}" = "--stop" ]; then
  exit 0
fi
rm -rf "$DATA"
mkdir -p "$DATA"
[ "$(id -u)" = "0" ] && chown postgres "$DATA"
"${RUN[@]}" "$BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${RUN[@]}" "$BIN/pg_ctl" -D "$DATA" -w -l "$DATA/server.log" \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DATA -c fsync=on -c max_connections=100" start >&2
"${RUN[@]}" "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -q \
  -c "CREATE ROLE coursesite LOGIN PASSWORD 'coursesite' CREATEDB" \
  -c "CREATE DATABASE coursesite OWNER coursesite" >&2
echo "export COURSESITE_TEST_POSTGRES=postgresql://coursesite:coursesite@127.0.0.1:$PORT/coursesite"
